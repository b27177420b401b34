"""The `cellgate` command line: thin argument parsing that calls plain library functions.

Each sub-command imports its implementation lazily so that `cellgate serve` does not pay for
the harness and `cellgate gate` does not pay for the cloud. Library code raises typed
exceptions (CellgateError); only this module turns them into messages and exit codes.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence

import cellgate
from cellgate.errors import CellgateError

GATE_EXIT_CODES = """exit codes:
  0  no test failed and at least one passed
  1  a test failed, nothing ran, or everything was skipped (non-voting jobs too);
     with --strict also a stale skiplist entry (its tests all pass now) or a leak
  2  the gate could not run: unknown job, bad job file or skiplist, a test module that
     does not import, a cloud that fails to start or cannot be reached"""

MUTANTS_EXIT_CODES = """exit codes:
  0  every selected defect was caught (at least one test failed under it)
  1  some defect survived: no test failed under it
  2  the check could not run: unknown defect, the suite fails without defects, or a
     defect's gate could not run"""


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter,
                     argparse.RawDescriptionHelpFormatter):
    """Append each option's default to its help, unless the help states it already, the
    option is required or its default is None (then the help must say what None means), and
    keep the line breaks of descriptions and epilogs."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.required or action.default is None or "default" in text.lower():
            return text
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose help shows defaults; sub-command parsers inherit the class."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def _command(sub: argparse._SubParsersAction, name: str, summary: str, details: str = "",
             **kwargs) -> argparse.ArgumentParser:
    """Add sub-command `name`: `summary` in the parent's list, summary + details as its
    description."""
    description = textwrap.fill(f"{summary}. {details}".strip(), width=79)
    return sub.add_parser(name, help=summary, description=description, **kwargs)


def _port(text: str) -> int:
    """A TCP port for --port: an integer 0-65535 (0 picks a free port)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port {text!r}: not an integer")
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {port}: must be 0-65535")
    return port


def _add_serve(sub: argparse._SubParsersAction) -> None:
    p = _command(sub, "serve", "run the reference cells cloud over HTTP",
                 "Serves the Nova, Keystone and Glance APIs of a topology on one port, writes "
                 "clouds.yaml and ready.json to the state dir and runs until interrupted.")
    p.add_argument("--topology", default=None,
                   help="shipped topology (nocells, single-cell, multi-cell) or a YAML path "
                        "(default: the one the state dir was last served with, else "
                        "single-cell)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=_port, default=0, help="port to listen on; 0 picks a free port")
    p.add_argument("--state-dir", default=None,
                   help="where databases, clouds.yaml and ready.json live "
                        "(default: a new temp dir)")
    p.add_argument("--host-profile", default=None,
                   help="give every host this driver profile: a profile name of the topology "
                        "or a YAML file holding one profile (default: the topology's own)")
    p.add_argument("--db-url", action="append", default=[], metavar="CELL=URL",
                   help="SQLAlchemy URL for one cell's database "
                        "(repeatable; 'api' is the API cell) (default: SQLite files in the "
                        "state dir)")
    p.add_argument("--threads", type=int, default=8, help="HTTP worker threads")
    p.add_argument("--defect", action="append", default=[], metavar="NAME",
                   help="plant this defect (repeatable; default: none), for the mutation check")
    p.add_argument("--list-defects", action="store_true",
                   help="list the defects --defect can plant (name, area, description) and exit")
    p.set_defaults(func=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    if args.list_defects:
        from cellgate.cloud.defects import format_defect_list

        sys.stdout.write(format_defect_list())
        return 0
    from cellgate.cloud.server import run_serve

    return run_serve(topology=args.topology, host=args.host, port=args.port,
                     state_dir=args.state_dir, host_profile=args.host_profile,
                     db_urls=args.db_url, threads=args.threads, defects=args.defect)


def _add_convert(sub: argparse._SubParsersAction) -> None:
    p = _command(sub, "convert", "turn a stopped flat (nocells) cloud into cells",
                 "Makes the flat deployment of a state dir the one child cell of a new API "
                 "cell (databases split, read model synced, topology saved); rerun it to "
                 "finish an interrupted conversion. Refuses while the cloud runs.")
    p.add_argument("--state-dir", required=True, help="the stopped flat cloud's state dir")
    p.add_argument("--topology", default=None,
                   help="the flat topology it was served with, when the state dir does not "
                        "remember it (default: the saved one, else nocells)")
    p.set_defaults(func=_run_convert)


def _run_convert(args: argparse.Namespace) -> int:
    from cellgate.cloud.convert import run_convert

    return run_convert(args.state_dir, args.topology, out=sys.stdout)


def _add_gate(sub: argparse._SubParsersAction) -> None:
    p = _command(sub, "gate", "run the gate suite for a job and vote with the exit code",
                 "Starts the job's topology as a reference cloud (or uses --config's cloud), "
                 "runs the suite with stestr and writes the subunit stream and summary.json.",
                 epilog=GATE_EXIT_CODES)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--job", help="a gate job name: your project's gate/NAME.yaml, else a "
                        "shipped job (nocells, cells-single, cells-multi)")
    target.add_argument("--job-file", help="path to a gate job YAML file")
    target.add_argument("--config", help="run against an existing cloud described by this config")
    p.add_argument("--output", default=None, help="folder for the subunit stream and summary "
                   "(default: gate-output/<job>/)")
    p.add_argument("--concurrency", type=int, default=None, help="stestr workers (default: job's)")
    p.add_argument("--filter", default=None, help="extra regex that test ids must match "
                   "(default: none, the job's test_filter alone)")
    p.add_argument("--skiplist", default=None, help="skiplist to apply, overriding the job's "
                   "(default: the job's)")
    p.add_argument("--run-listed", action="store_true",
                   help="run the listed tests too (they still count as skipped by list) and "
                        "report the skiplist entries that now pass")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 1) on a stale skiplist entry, one whose tests all pass "
                        "now (implies --run-listed), and on resources the tests left behind")
    p.add_argument("--store", default=None, metavar="URL",
                   help="results store (subunit2sql schema) to append the run to, any "
                        "SQLAlchemy URL (default: sqlite results.db in the output folder; "
                        "'none': do not store)")
    p.set_defaults(func=_run_gate)


def _run_gate(args: argparse.Namespace) -> int:
    from cellgate.harness.gate import run_gate

    return run_gate(job=args.job, job_file=args.job_file, config=args.config,
                    output=args.output, concurrency=args.concurrency,
                    test_filter=args.filter, skiplist=args.skiplist,
                    run_listed=args.run_listed, store=args.store, strict=args.strict)


def _add_config(sub: argparse._SubParsersAction) -> None:
    p = _command(sub, "config", "check or generate a harness config",
                 "A harness config is a tempest.conf-style INI file naming the cloud, its "
                 "accounts, images, flavors and feature flags (docs/ARCHITECTURE.md).")
    csub = p.add_subparsers(dest="config_command", required=True)
    check = _command(csub, "check", "check a config against the live cloud it names",
                     "Authenticates every account and checks the images, flavors and "
                     "microversions the config names exist.")
    check.add_argument("file", help="the harness config to check")
    check.set_defaults(func=_run_config_check)
    gen = _command(csub, "generate", "write a config for a cloud from a clouds.yaml",
                   "Discovers images, flavors, the microversion range, whether hosts offer "
                   "dedicated CPUs (a probe boot) and each compute host's cell (the cloud's "
                   "/cellgate/v1/cells route, or --host-cell/--host-cell-regex) from the live "
                   "cloud.")
    gen.add_argument("--clouds-yaml", required=True, help="clouds.yaml holding the entries below")
    gen.add_argument("--admin-cloud", required=True, help="clouds.yaml entry of an admin account")
    gen.add_argument("--member-cloud", required=True,
                     help="clouds.yaml entry of a member account")
    gen.add_argument("--member-peer-cloud", default=None,
                     help="entry of a second member of the member's project (default: none; "
                          "tests needing it skip)")
    gen.add_argument("--alt-cloud", default=None,
                     help="entry of a member of another project (default: none; tests needing "
                          "it skip)")
    gen.add_argument("--cells", type=int, default=0, help="expected number of child cells")
    gen.add_argument("--build-timeout", type=float, default=300.0,
                     help="[compute] build_timeout: seconds to wait for a server (Tempest's "
                          "default: 300)")
    gen.add_argument("--build-interval", type=float, default=1.0,
                     help="[compute] build_interval: seconds between status polls (Tempest's "
                          "default: 1)")
    gen.add_argument("--cpu-pinning", action=argparse.BooleanOptionalAction, default=None,
                     help="[compute-feature-enabled] cpu_pinning: whether hosts offer dedicated "
                          "CPUs (default: probe: boot a temporary hw:cpu_policy=dedicated flavor "
                          "as admin, true if it goes ACTIVE, false if ERROR)")
    gen.add_argument("--host-cell", action="append", default=[], metavar="HOST=CELL",
                     help="the cell of one compute host, for [cells] host_cells (repeatable; "
                          "wins over the cloud's /cellgate/v1/cells route; default: none)")
    gen.add_argument("--host-cell-regex", default=None, metavar="REGEX",
                     help=r"a regex whose first group names the cell of a nova-compute host, "
                          r"e.g. '^(cell\d+)-' (default: none)")
    gen.add_argument("--feature", action="append", default=[], metavar="NAME=BOOL",
                     help="set a [compute-feature-enabled] flag the cloud cannot be asked about, "
                          "e.g. resize=true (repeatable; default: the flag's default)")
    gen.add_argument("-o", "--output", required=True, help="where to write the config")
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
                               build_timeout=args.build_timeout,
                               build_interval=args.build_interval, cpu_pinning=args.cpu_pinning,
                               host_cell_pairs=args.host_cell,
                               host_cell_regex=args.host_cell_regex,
                               feature_pairs=args.feature)


def _add_skiplist(sub: argparse._SubParsersAction) -> None:
    p = _command(sub, "skiplist", "validate skiplists against the test suite",
                 "A skiplist names tests a job skips, each with a reason, a bug and an area.")
    ssub = p.add_subparsers(dest="skiplist_command", required=True)
    check = _command(ssub, "check", "validate one or more skiplist files",
                     "Checks each file's format, then that every entry matches a test of the "
                     "suite and names its area.")
    check.add_argument("files", nargs="*", help="skiplist YAML files (default: the shipped "
                       "skiplists of the gate jobs)")
    check.set_defaults(func=_run_skiplist_check)


def _run_skiplist_check(args: argparse.Namespace) -> int:
    from cellgate.harness.skiplist import run_skiplist_check

    return run_skiplist_check(paths=args.files)


def _add_parity(sub: argparse._SubParsersAction) -> None:
    p = _command(sub, "parity", "reduce gate results into a parity report",
                 "Reads gate output folders and results stores; writes the dashboard JSON "
                 "(schema cellgate/data/parity-report.schema.json) and a static HTML page: "
                 "counts per area and job, parity against the baseline, skiplist coverage, "
                 "trend, regressions and flaky tests.",
                 epilog="exit codes:\n  0  every voting job passed\n  1  a voting job failed\n"
                        "  2  a result folder holds no summary.json, a store cannot be read, or "
                        "there is no run to report on")
    p.add_argument("results", nargs="*", help="gate output folders (each holds summary.json)")
    p.add_argument("--store", action="append", default=[], metavar="URL",
                   help="results store (SQLAlchemy URL) whose runs to read; repeatable "
                        "(default: none, the folders alone)")
    p.add_argument("--last", type=int, default=10, metavar="N",
                   help="runs of each job in the trend, regressions and flakiness (default 10)")
    p.add_argument("--baseline", default="nocells", help="the flat baseline job (default nocells)")
    p.add_argument("--json", default="parity.json", help="machine-readable report path")
    p.add_argument("--html", default="parity.html", help="human-readable page path")
    p.set_defaults(func=_run_parity)


def _run_parity(args: argparse.Namespace) -> int:
    from cellgate.harness.parity import run_parity

    return run_parity(results=args.results, json_path=args.json, html_path=args.html,
                      stores=args.store, baseline=args.baseline, trend_runs=args.last)


def _add_mutants(sub: argparse._SubParsersAction) -> None:
    p = _command(sub, "mutants", "run the suite against planted defects of the reference cloud",
                 "Per defect, starts the defect's job with `serve --defect NAME`, runs the part "
                 "of the suite it names and prints whether a test failed (caught) and the "
                 "mutation score, after a baseline run without defects.",
                 epilog=MUTANTS_EXIT_CODES)
    p.add_argument("--defect", action="append", default=[], metavar="NAME",
                   help="check this defect (repeatable; default: every defect, see "
                        "`cellgate serve --list-defects`)")
    p.add_argument("--full", action="store_true",
                   help="run the whole suite per defect (default: the part each defect names)")
    p.add_argument("--output", default=None,
                   help="folder for each run's results (default gate-output/mutants)")
    p.add_argument("--json", default=None,
                   help="also write the table as JSON to this file (default: do not)")
    p.add_argument("--concurrency", type=int, default=None,
                   help="stestr workers (default: the job's)")
    p.add_argument("--build-timeout", type=float, default=10.0,
                   help="seconds tests wait for a server (defects that keep servers from going "
                        "away make every cleanup wait this long)")
    p.add_argument("--no-baseline", action="store_true",
                   help="skip the check that the suite passes without defects")
    p.set_defaults(func=_run_mutants)


def _run_mutants(args: argparse.Namespace) -> int:
    from cellgate.harness.mutants import run_mutants

    return run_mutants(defects=args.defect, full=args.full, output=args.output,
                       json_path=args.json, concurrency=args.concurrency,
                       build_timeout=args.build_timeout,
                       baseline=not args.no_baseline)


def _add_cells(sub: argparse._SubParsersAction) -> None:
    p = _command(sub, "cells", "the cell registry of a reference cloud's state directory",
                 "Against a running cloud (its serve.lock held, ready.json written) through the "
                 "admin API at once; against a stopped one in-process. create and delete need "
                 "a stopped cloud; offline and online a running one (a test facility).",
                 epilog="exit codes:\n  0  done\n  1  sync: some cell was down or did not "
                        "answer (the others were synced)\n  2  refused or failed (the message "
                        "says why and how to fix it)")
    cells = p.add_subparsers(dest="cells_command", required=True, metavar="ACTION")

    def action(name: str, summary: str, *, cell: bool = True) -> argparse.ArgumentParser:
        q = _command(cells, name, summary, "It works on --state-dir: through the admin API "
                     "of the cloud serving it, or in-process when that cloud is stopped.")
        q.add_argument("--state-dir", required=True, help="the cloud's state directory")
        q.add_argument("--db-url", default=None, metavar="URL",
                       help="the API database of a stopped cloud (default: STATE/api.sqlite)")
        q.add_argument("--json", action="store_true", help="print JSON")
        if cell:
            q.add_argument("name", help="the cell's name")
        q.set_defaults(func=_run_cells, cells_command=name)
        return q

    action("list", "list the registered cells", cell=False)
    action("show", "show one cell")
    q = action("create", "register a new cell (stopped cloud; it starts with the next serve)")
    q.add_argument("--host", action="append", default=[], metavar="HOST=PROFILE",
                   help="a host of the cell and its profile: one a registered host uses, one "
                        "of --topology, or a YAML file holding one profile (repeatable)")
    q.add_argument("--topology", default=None,
                   help="topology whose profiles --host may name (default: none)")
    q.add_argument("--database-url", default=None,
                   help="the cell's database (default: STATE/cell-NAME.sqlite)")
    q.add_argument("--disabled", action="store_true", help="create it disabled")
    q.add_argument("--weight-offset", type=float, default=0.0, help="operator weight offset")
    action("delete", "forget a cell that holds no servers (stopped cloud)")
    action("disable", "give a cell no new builds")
    action("enable", "let a cell take new builds again")
    q = action("set", "change a cell's weight offset")
    q.add_argument("--weight-offset", type=float, required=True,
                   help="added to the cell's weight (large values pin builds to it)")
    q = action("sync", "re-sync servers from the cells up to the API cell's read model",
               cell=False)
    q.add_argument("--project", default=None, help="only this project's servers (default: all)")
    q.add_argument("--changed-since", default=None, metavar="TIME",
                   help="only servers changed at or after this ISO 8601 time (default: all)")
    q.add_argument("--timeout", type=float, default=30.0,
                   help="seconds to wait for each cell's answer")
    action("offline", "make a running cloud's cell go silent (test facility)")
    action("online", "bring a cell taken offline back (test facility)")


def _run_cells(args: argparse.Namespace) -> int:
    import json

    from cellgate.cloud import cellsctl

    state, url, command = args.state_dir, args.db_url, args.cells_command
    if command == "list":
        result = cellsctl.list_cells(state, api_url=url)
    elif command == "show":
        result = cellsctl.show_cell(state, args.name, api_url=url)
    elif command == "create":
        result = cellsctl.create_cell(state, args.name, args.host,
                                      database_url=args.database_url, disabled=args.disabled,
                                      weight_offset=args.weight_offset,
                                      topology=args.topology, api_url=url)
    elif command == "delete":
        cellsctl.delete_cell(state, args.name, api_url=url)
        result = {"deleted": args.name}
    elif command in ("disable", "enable"):
        result = cellsctl.update_cell(state, args.name, disabled=command == "disable",
                                      api_url=url)
    elif command == "set":
        result = cellsctl.update_cell(state, args.name, weight_offset=args.weight_offset,
                                      api_url=url)
    elif command == "sync":
        result = cellsctl.sync_cells(state, project_id=args.project,
                                     changed_since=args.changed_since, api_url=url,
                                     timeout=args.timeout)
    else:
        result = cellsctl.set_online(state, args.name, command == "online")
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2, sort_keys=True) + "\n")
    elif command == "list":
        sys.stdout.write(cellsctl.format_cells(result))
    elif command == "sync":
        sys.stdout.write(f"checked {result['checked']} server(s), repaired "
                         f"{result['repaired_count']}\n"
                         + "".join(f"  {r['uuid']} ({r['cell']}): {', '.join(r['fields'])}\n"
                                   for r in result["repaired"])
                         + "".join(f"  cell {c}: {s}\n" for c, s in result["cells"].items()))
    elif command == "delete":
        sys.stdout.write(f"deleted cell {args.name}\n")
    else:
        sys.stdout.write(cellsctl.format_cells([result]))
    return 0 if command != "sync" or not result["errors"] else 1


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every sub-command."""
    parser = _Parser(prog="cellgate", description="Conformance and gate harness for cells-based "
                     "compute clouds, with a reference cells cloud.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {cellgate.version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_serve, _add_convert, _add_gate, _add_config, _add_skiplist, _add_parity,
                _add_mutants, _add_cells):
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
