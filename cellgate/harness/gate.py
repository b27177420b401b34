"""`cellgate gate`: run the gate suite for a job and vote with the exit code.

For a job: load the job and its skiplist, list the suite, select the job's tests, resolve the
skiplist, start the job's topology as a reference cloud on a free loopback port, write the
harness config, run the selection with stestr in parallel (printing each result as it arrives),
keep `results.subunit` and its JUnit XML twin `results.xml`, write `summary.json` and print a
readable summary.

With `--config FILE` the same suite runs against the cloud that config describes; nothing is
started.

Exit codes: 0 when no test failed and at least one passed; 1 when a test failed, nothing ran or
everything was skipped (for voting and non-voting jobs alike: `voting` is recorded in the
summary and CI treats non-voting jobs as informational); 2 (CellgateError) when the gate could
not run at all: unknown job, bad job file or skiplist, a cloud that is unreachable or fails to
start.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import testtools

from cellgate.errors import CellgateError
from cellgate.harness.jobs import DEFAULT_TEST_FILTER, GateJob, find_job, load_job
from cellgate.harness.junit import JUNIT_NAME, write_junit
from cellgate.harness.leaks import LEAKS_NAME, LeakCheck, fail_on_leaks, read_leaks, write_leaks
from cellgate.harness.listed import fail_on_stale, fold_listed_outcomes, now_passing_entries
from cellgate.harness.provenance import current_commit
from cellgate.harness.results_store import append_run, default_store_url, open_store
from cellgate.harness.runner import run_tests
from cellgate.harness.skiplist import (
    Skiplist,
    check_matches,
    load_skiplist,
    resolve_skiplist,
    write_resolved,
)
from cellgate.harness.summary import (
    FAILED,
    TestOutcome,
    build_summary,
    format_result_line,
    format_summary,
)
from cellgate.harness.testids import area_or_other
from cellgate.harness.testlist import list_tests

CONFIG_NAME = "cellgate.conf"
RESOLVED_NAME = "resolved-skips.json"
SUMMARY_NAME = "summary.json"
STATE_DIR_NAME = "cloud-state"
# files of a previous run in the output folder that must not be mistaken for this run's
_STALE = ("results.subunit", JUNIT_NAME, SUMMARY_NAME, RESOLVED_NAME, CONFIG_NAME,
          "selected-tests.txt", "stestr.log", LEAKS_NAME)


class GateError(CellgateError):
    """The gate could not run (as opposed to: it ran and tests failed)."""


def _select_job(*, job: str | None, job_file: str | None, config: str | None,
                skiplist: str | None) -> GateJob:
    if sum(x is not None for x in (job, job_file, config)) != 1:
        raise GateError("give exactly one of --job NAME, --job-file PATH or --config FILE")
    if config is not None:
        return GateJob(name=f"config-{Path(config).stem}", topology=None,
                       skiplist=Path(skiplist).resolve() if skiplist else None, voting=True)
    gate_job = load_job(find_job(job) if job is not None else Path(job_file or ""))
    if skiplist is not None:
        gate_job = GateJob(**{**gate_job.__dict__, "skiplist": Path(skiplist).resolve()})
    return gate_job


def select_tests(test_ids: list[str], *filters: str | None) -> list[str]:
    """The ids matching every given regex (re.search), in the listed order."""
    compiled = []
    for pattern in filter(None, filters):
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise GateError(f"bad test filter {pattern!r} ({exc}); fix: give a valid regex")
    return [t for t in test_ids if all(c.search(t) for c in compiled)]


def _prepare_output(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    for name in _STALE:
        (output / name).unlink(missing_ok=True)
    shutil.rmtree(output / STATE_DIR_NAME, ignore_errors=True)


def _check_external_config(config: str) -> Any:
    """Load the user's config and prove the cloud answers by getting an admin token."""
    from cellgate.harness.config import load_config

    harness_config = load_config(config)
    try:
        harness_config.auth.admin.auth_provider().get_token()
    except Exception as exc:  # connection refused, DNS, bad credentials...
        raise GateError(f"config {config}: cannot authenticate at "
                        f"{harness_config.identity.uri_v3} as the admin account "
                        f"({type(exc).__name__}: {exc}); fix: check the cloud is reachable and "
                        f"the [auth] credentials are right (`cellgate config check {config}`)")
    return harness_config


def _run_selection(*, config_path: Path, selected: list[str], output: Path,
                   concurrency: int, out: TextIO) -> list[TestOutcome]:
    def report(outcome: Any) -> None:
        out.write(format_result_line(outcome) + "\n")
        out.flush()

    from cellgate.harness.config import load_config

    leak_check = LeakCheck(load_config(config_path))
    outcomes, returncode = run_tests(test_ids=selected, workdir=output, concurrency=concurrency,
                                     env={"CELLGATE_CONFIG": str(config_path)}, on_result=report)
    write_leaks(output / LEAKS_NAME, leak_check.finish())
    if returncode != 0 and not outcomes:
        log = (output / "stestr.log").read_text(encoding="utf-8", errors="replace")
        raise GateError(f"stestr produced no results (exit {returncode}); its log "
                        f"({output / 'stestr.log'}) ends with:\n"
                        + "\n".join(log.strip().splitlines()[-20:]))
    reported = {outcome.id for outcome in outcomes}
    missing = [test_id for test_id in selected if test_id not in reported]
    # a class whose set-up failed (or a worker that died) leaves its tests without a result;
    # count them as failures so the totals always cover the whole selection
    outcomes.extend(TestOutcome(id=test_id, status=FAILED, area=area_or_other(test_id),
                                details="selected but reported no result: its class set-up "
                                        "failed or its worker died (see the other failures)")
                    for test_id in missing)
    return outcomes


def _first_error(exc: BaseException) -> BaseException:
    """The first real error inside fixtures' MultipleExceptions (else `exc` itself)."""
    if isinstance(exc, testtools.MultipleExceptions) and exc.args:
        first = exc.args[0]
        if isinstance(first, tuple) and len(first) == 3 and first[1] is not None:
            return _first_error(first[1])
    return exc


def _start_cloud(gate_job: GateJob, state_dir: Path, cloud_args: Sequence[str] = ()) -> Any:
    from cellgate.cloud.process import CloudProcess

    cloud = CloudProcess(topology=gate_job.topology, state_dir=str(state_dir),
                         extra_args=cloud_args, startup_timeout=gate_job.startup_timeout)
    try:
        cloud.setUp()
    except Exception as exc:  # fixtures wraps set-up failures in MultipleExceptions
        cause = _first_error(exc)
        lines = [line for line in str(cause).strip().splitlines() if line.strip()]
        text = " ... ".join(lines[:1] + lines[-1:]) if len(lines) > 1 else "".join(lines)
        raise GateError(f"the reference cloud for topology {gate_job.topology!r} failed to "
                        f"start: {text} (its output is in {state_dir}/serve-*.err); fix: "
                        f"run `cellgate serve --topology {gate_job.topology}` to see why")
    return cloud


def _run_on_reference_cloud(gate_job: GateJob, topology: Any, *, config_path: Path,
                            resolved_path: Path, selected: list[str], output: Path,
                            concurrency: int, out: TextIO, cloud_args: Sequence[str] = (),
                            build_timeout: float | None = None) -> list[TestOutcome]:
    """Start the job's topology, write its config, run the selection, stop the cloud."""
    from cellgate.harness.reference_config import write_reference_config

    cloud = _start_cloud(gate_job, output / STATE_DIR_NAME, cloud_args)
    try:
        out.write(f"reference cloud ({gate_job.topology}) at {cloud.base_url}\n")
        write_reference_config(path=config_path, cloud=cloud,
                               cell_count=len(topology.cells) if topology.cells_enabled else 0,
                               features=gate_job.features, resolved_file=resolved_path,
                               build_timeout=build_timeout)
        return _run_selection(config_path=config_path, selected=selected, output=output,
                              concurrency=concurrency, out=out)
    finally:
        cloud.cleanUp()


def run_gate(*, job: str | None = None, job_file: str | None = None, config: str | None = None,
             output: str | None = None, concurrency: int | None = None,
             test_filter: str | None = None, skiplist: str | None = None,
             run_listed: bool = False, store: str | None = None, strict: bool = False,
             out: TextIO | None = None,
             cloud_args: Sequence[str] = (), build_timeout: float | None = None) -> int:
    """Run the gate for one job (or against one existing cloud) and return the exit code.

    `run_listed` runs the tests the skiplist lists as well; they still count as skipped by
    list (the vote is unchanged) and the summary names the entries that now pass. `strict`
    implies `run_listed` and fails the run (exit 1) when such a stale entry exists, or when
    the tests left resources behind in the cloud (the leak check, always reported).
    `cloud_args` go to the reference cloud's `cellgate serve` (e.g. `--defect NAME`, for
    `cellgate mutants`); `build_timeout` replaces the config's (seconds) for its tests.

    The run is appended to the results store at `store` (a SQLAlchemy URL; default
    `results.db` in the output folder; `none`: no store).

    Writes `results.subunit`, `results.xml` (JUnit), `summary.json`, the config and the resolved
    skips to `output` (default `gate-output/<job>/`). Raises CellgateError when the gate cannot run.
    """
    out = out or sys.stdout
    run_listed = run_listed or strict
    if output is not None:  # a run that stops early must not leave an old summary behind
        _prepare_output(Path(output).resolve())
    gate_job = _select_job(job=job, job_file=job_file, config=config, skiplist=skiplist)
    select_tests([], gate_job.test_filter, test_filter)  # reject a bad regex before slow work
    workers = concurrency or gate_job.concurrency
    if workers < 1:
        raise GateError(f"--concurrency must be at least 1, not {workers}")
    topology = None
    if gate_job.topology is not None:
        from cellgate.cloud.topology import load_topology

        topology = load_topology(gate_job.topology)  # validate before doing anything slow
    the_skiplist: Skiplist | None = load_skiplist(gate_job.skiplist) if gate_job.skiplist else None
    external = _check_external_config(config) if config is not None else None

    output_dir = Path(output or Path("gate-output") / gate_job.name).resolve()
    _prepare_output(output_dir)
    store_url = None if store == "none" else store or default_store_url(output_dir)
    if store_url:
        open_store(store_url).dispose()  # a bad URL fails before the slow run
    config_path = output_dir / CONFIG_NAME
    all_tests = list_tests(cwd=output_dir, env=None)
    if the_skiplist is not None:
        check_matches(the_skiplist, all_tests)
    selected = select_tests(all_tests, gate_job.test_filter or DEFAULT_TEST_FILTER, test_filter)
    resolved = resolve_skiplist(the_skiplist, selected) if the_skiplist else {}
    resolved_path = write_resolved(output_dir / RESOLVED_NAME, {} if run_listed else resolved)
    out.write(f"cellgate gate: job {gate_job.name} "
              f"({'voting' if gate_job.voting else 'non-voting'}), "
              f"{len(selected)} of {len(all_tests)} tests selected, {len(resolved)} on the "
              f"skiplist, {workers} workers, output in {output_dir}\n")
    out.flush()

    started = time.monotonic()
    started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    outcomes: list[TestOutcome] = []
    if selected and external is not None:
        from cellgate.harness.reference_config import copy_config_with_skiplist

        copy_config_with_skiplist(source=str(config), path=config_path,
                                  resolved_file=resolved_path)
        outcomes = _run_selection(config_path=config_path, selected=selected,
                                  output=output_dir, concurrency=workers, out=out)
    elif selected:
        outcomes = _run_on_reference_cloud(gate_job, topology, config_path=config_path,
                                           resolved_path=resolved_path, selected=selected,
                                           output=output_dir, concurrency=workers, out=out,
                                           cloud_args=cloud_args, build_timeout=build_timeout)
    extra: dict[str, Any] = {}
    if run_listed:
        outcomes = fold_listed_outcomes(outcomes, resolved, selected)
        extra["now_passing_entries"] = now_passing_entries(outcomes, resolved)
    summary = build_summary(outcomes, job=gate_job.name, voting=gate_job.voting,
                            topology=gate_job.topology, duration=time.monotonic() - started,
                            started_at=started_at,
                            extra={"description": gate_job.description,
                                   "skiplist": str(gate_job.skiplist)
                                   if gate_job.skiplist else None,
                                   "selected": len(selected), "concurrency": workers,
                                   "test_filter": test_filter,
                                   "target": external.identity.uri_v3 if external
                                   else f"reference cloud ({gate_job.topology})",
                                   "cloud_args": list(cloud_args),
                                   "run_listed": run_listed,
                                   "leaks": read_leaks(output_dir / LEAKS_NAME), **extra})
    if strict:
        summary = fail_on_leaks(fail_on_stale(summary))
    (output_dir / SUMMARY_NAME).write_text(json.dumps(summary, indent=2) + "\n",
                                           encoding="utf-8")
    out.write(format_summary(summary))
    stream = output_dir / "results.subunit"
    junit = write_junit(stream) if stream.exists() else None
    if store_url:
        append_run(store_url, summary, commit=current_commit(), artifacts=str(output_dir))
        out.write(f"results store: {store_url}\n")
    out.write(f"results: {output_dir / SUMMARY_NAME}"
              + (f", {stream}, {junit}" if junit else "") + "\n")
    return int(summary["exit_code"])
