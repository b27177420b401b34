"""`cellgate parity`: reduce the summaries of several gate jobs into one parity report.

The JSON report holds, per feature area and job, the counts passed / failed / skipped by flag /
skipped by list; the same per job (`totals`); and parity ratios. A job's `pass_ratio` is
passed / total. The `parity_ratio` (overall and per area) is the share of distinct test ids
that passed in every job among all test ids any job reported: 1.0 means every test passes on
every topology. `not_passing_everywhere` lists the other tests with their status per job.

`run_parity` reads a history of runs (results stores and output folders) and writes the
dashboard report of `parity_report` (which extends this one) and the page of `parity_html`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from cellgate.errors import CellgateError
from cellgate.harness.gate import SUMMARY_NAME
from cellgate.harness.summary import PASSED, STATUSES

_REQUIRED = ("job", "voting", "counts", "tests")


class ParityError(CellgateError):
    """A gate result folder or summary could not be read."""


def load_summary(path: str | Path) -> dict[str, Any]:
    """Read one summary.json (or the one in a gate output folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / SUMMARY_NAME
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParityError(f"{path}: cannot read it ({exc.strerror}); fix: pass gate output "
                          "folders (each holds summary.json written by `cellgate gate`)")
    except json.JSONDecodeError as exc:
        raise ParityError(f"{path}: not valid JSON ({exc}); fix: re-run the gate job")
    missing = [key for key in _REQUIRED if not isinstance(summary, dict) or key not in summary]
    if missing:
        raise ParityError(f"{path}: not a gate summary (missing {', '.join(missing)}); "
                          "fix: pass the summary.json written by `cellgate gate`")
    return summary


def _zero() -> dict[str, int]:
    return {**{status: 0 for status in STATUSES}, "total": 0}


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def build_report(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """The machine-readable parity report of several job summaries."""
    names = [s["job"] for s in summaries]
    if len(set(names)) != len(names):
        raise ParityError(f"the same job appears twice ({', '.join(names)}); "
                          "fix: pass one result folder per job")
    areas: dict[str, dict[str, dict[str, int]]] = {}
    passed_in: dict[str, set[str]] = {}
    area_of_test: dict[str, str] = {}
    status_of: dict[str, dict[str, str]] = {}
    for summary in summaries:
        for test in summary["tests"]:
            status_of.setdefault(test["id"], {})[summary["job"]] = test["status"]
            counts = areas.setdefault(test["area"], {}).setdefault(summary["job"], _zero())
            counts[test["status"]] += 1
            counts["total"] += 1
            area_of_test[test["id"]] = test["area"]
            passed_in.setdefault(test["id"], set())
            if test["status"] == PASSED:
                passed_in[test["id"]].add(summary["job"])
    for per_job in areas.values():
        for name in names:
            per_job.setdefault(name, _zero())
    everywhere = {t for t, jobs in passed_in.items() if len(jobs) == len(names)}
    area_parity = {}
    for area in areas:
        ids = [t for t, a in area_of_test.items() if a == area]
        area_parity[area] = _ratio(len([t for t in ids if t in everywhere]), len(ids))
    jobs = []
    for summary in summaries:
        counts = {key: summary["counts"].get(key, 0) for key in (*STATUSES, "total")}
        jobs.append({"job": summary["job"], "voting": summary["voting"],
                     "topology": summary.get("topology"), "result": summary.get("result"),
                     "duration": summary.get("duration"), "counts": counts,
                     "test_filter": summary.get("test_filter"),
                     "pass_ratio": _ratio(counts[PASSED], counts["total"])})
    return {
        "jobs": jobs,
        "areas": {area: areas[area] for area in sorted(areas)},
        "totals": {job["job"]: job["counts"] for job in jobs},
        "area_parity_ratio": {area: area_parity[area] for area in sorted(area_parity)},
        "parity_ratio": _ratio(len(everywhere), len(passed_in)),
        "tests_total": len(passed_in),
        "tests_passing_everywhere": len(everywhere),
        # every test that does not pass on every job, with its status per job
        "not_passing_everywhere": [
            {"id": test_id, "area": area_of_test[test_id],
             "status": {name: status_of[test_id].get(name, "absent") for name in names}}
            for test_id in sorted(status_of) if test_id not in everywhere],
    }


def _percent(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio * 100:.1f}%"


def _history(results: list[str], stores: list[str]) -> list[dict[str, Any]]:
    """The runs of the stores and the output folders, oldest first; a folder's run that a
    store already holds (same job and start) counts once."""
    from cellgate.harness.results_store import load_runs

    history = [run for store in stores for run in load_runs(store)]
    seen = {(run["job"], run.get("started_at")) for run in history}
    for result in results:
        summary = load_summary(result)
        if (summary["job"], summary.get("started_at")) not in seen:
            history.append(summary)
    if not history:
        raise ParityError("no gate run to report on; fix: pass gate output folders or a "
                          "--store that holds runs")
    return sorted(history, key=lambda run: run.get("started_at") or "")


def run_parity(*, results: list[str], json_path: str, html_path: str,
               stores: list[str] | None = None, baseline: str = "nocells",
               trend_runs: int = 10, out: TextIO | None = None) -> int:
    """`cellgate parity`: write the dashboard JSON (validated against its shipped schema) and
    the HTML page, from the runs in `stores` (results store URLs) and `results` (folders).

    Returns 1 when the current run of a voting job failed (so CI can run every job, always get
    the report, and vote once at the end), else 0.
    """
    from cellgate.harness.parity_html import render_html
    from cellgate.harness.parity_report import build_dashboard, validate_report

    out = out or sys.stdout
    if trend_runs < 1:
        raise ParityError(f"--last must be at least 1, not {trend_runs}")
    report = build_dashboard(_history(results, stores or []), baseline=baseline,
                             trend_runs=trend_runs)
    validate_report(report)
    for target, text in ((json_path, json.dumps(report, indent=2) + "\n"),
                         (html_path, render_html(report))):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(text, encoding="utf-8")
    out.write(f"parity {_percent(report['parity_ratio'])} "
              f"({report['tests_passing_everywhere']}/{report['tests_total']} tests pass on "
              f"every job); wrote {json_path} and {html_path}\n")
    for job in report["jobs"]:
        if job["test_filter"]:
            out.write(f"warning: job {job['job']} ran only the tests matching --filter "
                      f"{job['test_filter']!r}; its missing tests count as not passing\n")
    failed_voting = [job["job"] for job in report["jobs"]
                     if job["voting"] and job["result"] != "pass"]
    if failed_voting:
        out.write(f"voting job(s) failed: {', '.join(failed_voting)}\n")
        return 1
    return 0
