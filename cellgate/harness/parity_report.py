"""The dashboard report: gate run history reduced to parity, coverage, trend and regressions.

Input is a history of gate runs (summaries, oldest first, from the results store or output
folders); the newest run of each job is its *current* run. The report (schema
`cellgate/data/parity-report.schema.json`, version `SCHEMA_VERSION`) holds, besides the
per-area counts of `parity.build_report`:

- `baseline_parity`: per cells job, the tests that pass in the flat baseline (`nocells`) and
  also pass in the job, and those that do not (a cells regression, not a broken test);
- `skiplist_coverage`: per job and area the share of the suite its skiplist hides, and the
  entries (reason, bug) that hide it;
- `trend`: the last N runs of each job (counts and parity against the baseline);
- `regressions`: passed in the previous run of the same job, fails now;
- `flaky`: passed and failed in the job's recent runs;
- `failures`: the current failures with their trimmed details, regressions first;
- `stale_skips`: per job the skiplist entries whose tests all passed when run anyway
  (`--run-listed`).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import jsonschema

from cellgate.harness.parity import ParityError, build_report
from cellgate.harness.paths import data_root
from cellgate.harness.summary import FAILED, PASSED, SKIPPED_BY_LIST, trim

SCHEMA_ID = "https://cellgate.invalid/schemas/parity-report/1"
SCHEMA_VERSION = 1
SCHEMA_FILE = "parity-report.schema.json"
BASELINE = "nocells"
DEFAULT_TREND_RUNS = 10


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _by_job(history: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    runs: dict[str, list[dict[str, Any]]] = {}
    for summary in history:
        runs.setdefault(summary["job"], []).append(summary)
    return runs


def _status(summary: dict[str, Any]) -> dict[str, str]:
    return {test["id"]: test["status"] for test in summary["tests"]}


def _passed(summary: dict[str, Any]) -> set[str]:
    return {test["id"] for test in summary["tests"] if test["status"] == PASSED}


def _against(baseline: dict[str, Any] | None, run: dict[str, Any]) -> dict[str, Any] | None:
    """Of the tests that pass in the baseline run, which also pass in `run`."""
    if baseline is None:
        return None
    base = _passed(baseline)
    passed = _passed(run)
    tests = {test["id"]: test for test in run["tests"]}
    areas: dict[str, dict[str, Any]] = {}
    for test in baseline["tests"]:
        if test["id"] in base:
            area = areas.setdefault(test["area"], {"baseline_passed": 0, "also_passed": 0})
            area["baseline_passed"] += 1
            area["also_passed"] += test["id"] in passed
    for area in areas.values():
        area["ratio"] = _ratio(area["also_passed"], area["baseline_passed"])
    missing = sorted(base - passed)
    return {"baseline_run": baseline.get("started_at"), "baseline_passed": len(base),
            "also_passed": len(base & passed), "ratio": _ratio(len(base & passed), len(base)),
            "per_area": {area: areas[area] for area in sorted(areas)},
            "not_passing": [_brief(tests.get(test_id), test_id) for test_id in missing]}


def _brief(test: dict[str, Any] | None, test_id: str) -> dict[str, Any]:
    if test is None:  # not in the run at all (a partial run, or a test that vanished)
        return {"id": test_id, "status": "absent"}
    keep = {key: test[key] for key in ("id", "area", "status", "skip_reason", "bug")
            if test.get(key) is not None}
    if test.get("details"):
        keep["details"] = trim(test["details"], 12)
    return keep


def _baseline_before(runs: list[dict[str, Any]], when: str | None) -> dict[str, Any] | None:
    """The newest baseline run started at or before `when` (else the oldest one)."""
    if not runs:
        return None
    earlier = [run for run in runs if when and (run.get("started_at") or "") <= when]
    return earlier[-1] if earlier else runs[0]


def _coverage(run: dict[str, Any]) -> dict[str, Any]:
    areas: dict[str, dict[str, Any]] = {}
    entries: dict[tuple, dict[str, Any]] = {}
    for test in run["tests"]:
        area = areas.setdefault(test["area"], {"suite": 0, "hidden": 0})
        area["suite"] += 1
        if test["status"] == SKIPPED_BY_LIST:
            area["hidden"] += 1
            key = (test.get("skiplist"), test.get("bug"), test.get("skip_reason"))
            entry = entries.setdefault(key, {"skiplist": key[0], "bug": key[1],
                                             "reason": key[2], "areas": [], "tests": []})
            entry["tests"].append(test["id"])
            if test["area"] not in entry["areas"]:
                entry["areas"].append(test["area"])
    for area in areas.values():
        area["share"] = _ratio(area["hidden"], area["suite"])
    listed = {test["id"]: test.get("listed_result") for test in run["tests"]}
    for entry in entries.values():  # run anyway (--run-listed) and every test passed
        entry["stale"] = all(listed[test_id] == PASSED for test_id in entry["tests"])
    hidden = sum(area["hidden"] for area in areas.values())
    return {"skiplist": run.get("skiplist"), "suite": len(run["tests"]), "hidden": hidden,
            "share": _ratio(hidden, len(run["tests"])),
            "per_area": {area: areas[area] for area in sorted(areas)},
            "entries": sorted(entries.values(), key=lambda e: (str(e["bug"]), str(e["reason"])))}


def _trend_point(run: dict[str, Any], baseline_runs: list[dict[str, Any]],
                 job: str, baseline: str) -> dict[str, Any]:
    counts = run["counts"]
    parity = None
    if job != baseline:
        against = _against(_baseline_before(baseline_runs, run.get("started_at")), run)
        parity = against["ratio"] if against else None
    return {"started_at": run.get("started_at"), "commit": run.get("commit"),
            "run_uuid": run.get("run_uuid"), "result": run.get("result"),
            "partial": bool(run.get("test_filter")), "passed": counts[PASSED],
            "failed": counts[FAILED], "total": counts["total"], "parity": parity}


def _regressions(job: str, runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(runs) < 2:
        return []
    before, now = _status(runs[-2]), runs[-1]
    return [{"job": job, "id": test["id"], "area": test["area"], "previous": PASSED,
             "now": test["status"], "previous_run": runs[-2].get("started_at")}
            for test in now["tests"]
            if test["status"] == FAILED and before.get(test["id"]) == PASSED]


def _flaky(job: str, runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, list[str]] = {}
    areas: dict[str, str] = {}
    for run in runs:
        for test in run["tests"]:
            seen.setdefault(test["id"], []).append(test["status"])
            areas[test["id"]] = test["area"]
    return [{"job": job, "id": test_id, "area": areas[test_id], "outcomes": outcomes}
            for test_id, outcomes in sorted(seen.items())
            if PASSED in outcomes and FAILED in outcomes]


def build_dashboard(history: list[dict[str, Any]], *, baseline: str = BASELINE,
                    trend_runs: int = DEFAULT_TREND_RUNS,
                    generated_at: str | None = None) -> dict[str, Any]:
    """The versioned dashboard report of a run history (summaries, oldest first)."""
    runs = {job: per_job[-trend_runs:] for job, per_job in _by_job(history).items()}
    current = [per_job[-1] for per_job in runs.values()]
    report = build_report(current)
    base_runs = runs.get(baseline, [])
    base_now = base_runs[-1] if base_runs else None
    for job in report["jobs"]:
        latest = runs[job["job"]][-1]
        job.update({"commit": latest.get("commit"), "target": latest.get("target"),
                    "started_at": latest.get("started_at"), "runs": len(runs[job["job"]]),
                    "partial": bool(latest.get("test_filter"))})
    regressions = [r for job, per_job in runs.items() for r in _regressions(job, per_job)]
    regressed = {(r["job"], r["id"]) for r in regressions}
    failures = [{**_brief(test, test["id"]), "job": run["job"],
                 "regression": (run["job"], test["id"]) in regressed}
                for run in current for test in run["tests"] if test["status"] == FAILED]
    failures.sort(key=lambda f: (not f["regression"], f["job"], f["id"]))
    coverage_of = {run["job"]: _coverage(run) for run in current}
    return {
        "$schema": SCHEMA_ID, "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at or datetime.datetime.now(
            datetime.timezone.utc).isoformat(timespec="seconds"),
        "baseline": baseline if base_now else None,
        **report,
        "failures": failures,
        "regressions": regressions,
        "flaky": [f for job, per_job in runs.items() for f in _flaky(job, per_job)],
        "baseline_parity": {run["job"]: _against(base_now, run) for run in current
                            if run["job"] != baseline and base_now is not None},
        "skiplist_coverage": coverage_of,
        "stale_skips": {job: [entry for entry in coverage["entries"] if entry["stale"]]
                        for job, coverage in coverage_of.items()},
        "trend": {job: [_trend_point(run, base_runs, job, baseline) for run in per_job]
                  for job, per_job in runs.items()},
    }


def report_schema() -> dict[str, Any]:
    """The shipped JSON Schema of the report (package data)."""
    return json.loads((data_root() / SCHEMA_FILE).read_text(encoding="utf-8"))


def validate_report(report: dict[str, Any]) -> None:
    """Raise ParityError naming the first place where `report` breaks its schema."""
    validator = jsonschema.Draft202012Validator(report_schema())
    error = next(iter(sorted(validator.iter_errors(report), key=lambda e: list(e.path))), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top)"
        raise ParityError(f"parity report breaks its schema at {where}: {error.message}")
