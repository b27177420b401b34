"""The `cellgate` command line: thin argument parsing that calls plain library functions.

Each sub-command imports its implementation lazily so that `cellgate serve` does not pay for
the harness and `cellgate gate` does not pay for the cloud. Library code raises typed
exceptions (CellgateError); only this module turns them into messages and exit codes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cellgate.errors import CellgateError


def _add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the reference cells cloud over HTTP")
    p.add_argument("--topology", default="single-cell",
                   help="shipped topology (nocells, single-cell, multi-cell) or a YAML path")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free port")
    p.add_argument("--state-dir", default=None,
                   help="where databases, clouds.yaml and ready.json live "
                        "(default: a new temp dir)")
    p.add_argument("--host-profile", default=None,
                   help="give every host this driver profile: a profile name of the topology "
                        "or a YAML file holding one profile")
    p.add_argument("--db-url", action="append", default=[], metavar="CELL=URL",
                   help="SQLAlchemy URL for one cell's database "
                        "(repeatable; 'api' is the API cell)")
    p.add_argument("--threads", type=int, default=8, help="HTTP worker threads")
    p.set_defaults(func=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    from cellgate.cloud.server import run_serve

    return run_serve(topology=args.topology, host=args.host, port=args.port,
                     state_dir=args.state_dir, host_profile=args.host_profile,
                     db_urls=args.db_url, threads=args.threads)


def _add_gate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gate", help="run the gate suite for a job and vote with the exit code")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--job", help="a gate job name from gate/ (nocells, cells-single, ...)")
    target.add_argument("--job-file", help="path to a gate job YAML file")
    target.add_argument("--config", help="run against an existing cloud described by this config")
    p.add_argument("--output", default=None, help="folder for the subunit stream and summary")
    p.add_argument("--concurrency", type=int, default=None, help="stestr workers (default: job's)")
    p.add_argument("--filter", default=None, help="extra regex that test ids must match")
    p.add_argument("--skiplist", default=None, help="skiplist to apply (overrides the job's)")
    p.add_argument("--run-listed", action="store_true",
                   help="run the listed tests too (they still count as skipped by list) and "
                        "report the skiplist entries that now pass")
    p.set_defaults(func=_run_gate)


def _run_gate(args: argparse.Namespace) -> int:
    from cellgate.harness.gate import run_gate

    return run_gate(job=args.job, job_file=args.job_file, config=args.config,
                    output=args.output, concurrency=args.concurrency,
                    test_filter=args.filter, skiplist=args.skiplist,
                    run_listed=args.run_listed)


def _add_config(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help="check or generate a harness config")
    csub = p.add_subparsers(dest="config_command", required=True)
    check = csub.add_parser("check", help="check a config against the live cloud it names")
    check.add_argument("file")
    check.set_defaults(func=_run_config_check)
    gen = csub.add_parser("generate", help="write a config for a cloud from a clouds.yaml")
    gen.add_argument("--clouds-yaml", required=True)
    gen.add_argument("--admin-cloud", required=True)
    gen.add_argument("--member-cloud", required=True)
    gen.add_argument("--member-peer-cloud", default=None)
    gen.add_argument("--alt-cloud", default=None)
    gen.add_argument("--cells", type=int, default=0, help="expected number of child cells")
    gen.add_argument("--host-cell", action="append", default=[], metavar="HOST=CELL",
                     help="the cell of one compute host, for [cells] host_cells (repeatable; "
                          "wins over what the cloud's /cellgate/v1/cells route says)")
    gen.add_argument("--host-cell-regex", default=None, metavar="REGEX",
                     help=r"a regex whose first group names the cell of a nova-compute host, "
                          r"e.g. '^(cell\d+)-' (default: none)")
    gen.add_argument("-o", "--output", required=True)
    gen.set_defaults(func=_run_config_generate)


def _run_config_check(args: argparse.Namespace) -> int:
    from cellgate.harness.config_check import run_config_check

    return run_config_check(path=args.file)


def _run_config_generate(args: argparse.Namespace) -> int:
    from cellgate.harness.config_generate import run_config_generate

    return run_config_generate(clouds_yaml=args.clouds_yaml, admin_cloud=args.admin_cloud,
                               member_cloud=args.member_cloud,
                               member_peer_cloud=args.member_peer_cloud,
                               alt_cloud=args.alt_cloud, cells=args.cells, output=args.output,
                               host_cell_pairs=args.host_cell,
                               host_cell_regex=args.host_cell_regex)


def _add_skiplist(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("skiplist", help="validate skiplists against the test suite")
    ssub = p.add_subparsers(dest="skiplist_command", required=True)
    check = ssub.add_parser("check", help="validate one or more skiplist files")
    check.add_argument("files", nargs="+")
    check.set_defaults(func=_run_skiplist_check)


def _run_skiplist_check(args: argparse.Namespace) -> int:
    from cellgate.harness.skiplist import run_skiplist_check

    return run_skiplist_check(paths=args.files)


def _add_parity(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("parity", help="reduce gate results into a parity report")
    p.add_argument("results", nargs="+", help="gate output folders (each holds summary.json)")
    p.add_argument("--json", default="parity.json", help="machine-readable report path")
    p.add_argument("--html", default="parity.html", help="human-readable page path")
    p.set_defaults(func=_run_parity)


def _run_parity(args: argparse.Namespace) -> int:
    from cellgate.harness.parity import run_parity

    return run_parity(results=args.results, json_path=args.json, html_path=args.html)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every sub-command."""
    parser = argparse.ArgumentParser(prog="cellgate", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_serve, _add_gate, _add_config, _add_skiplist, _add_parity):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `cellgate` command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CellgateError as exc:
        print(f"cellgate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
