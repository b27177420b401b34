"""`cellgate parity`: reduce the summaries of several gate jobs into one parity report.

The JSON report holds, per feature area and job, the counts passed / failed / skipped by flag /
skipped by list; the same per job (`totals`); and parity ratios. A job's `pass_ratio` is
passed / total. The `parity_ratio` (overall and per area) is the share of distinct test ids
that passed in every job among all test ids any job reported: 1.0 means every test passes on
every topology. `not_passing_everywhere` lists the other tests with their status per job. The
HTML page shows the same figures as one table a person reads at a glance.
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from cellgate.errors import CellgateError
from cellgate.harness.gate import SUMMARY_NAME
from cellgate.harness.summary import FAILED, PASSED, SKIPPED_BY_FLAG, SKIPPED_BY_LIST, STATUSES

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


_CSS = """body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:center}.area{text-align:left}
.ok{background:#d9f2d9}.bad{background:#f7d4d4}.skip{background:#fff3cd}.none{color:#999}
small{color:#555}"""


_STATUS_CSS = {PASSED: "ok", FAILED: "bad", SKIPPED_BY_FLAG: "skip", SKIPPED_BY_LIST: "skip"}


def _cell(counts: dict[str, int]) -> str:
    if not counts["total"]:
        return '<td class="none">-</td>'
    css = "bad" if counts[FAILED] else ("ok" if counts[PASSED] else "skip")
    return (f'<td class="{css}" title="passed / failed / skipped by flag / skipped by list">'
            f"{counts[PASSED]} / {counts[FAILED]} / {counts[SKIPPED_BY_FLAG]} / "
            f"{counts[SKIPPED_BY_LIST]}</td>")


def _percent(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio * 100:.1f}%"


def render_html(report: dict[str, Any]) -> str:
    """A static page: one row per area, one column per job, totals and parity at the bottom."""
    esc = html.escape
    names = [job["job"] for job in report["jobs"]]
    head = "".join(
        f"<th>{esc(job['job'])}<br><small>{esc(str(job['topology'] or 'existing cloud'))}, "
        f"{'voting' if job['voting'] else 'non-voting'}, {esc(str(job['result']))}</small></th>"
        for job in report["jobs"])
    rows = []
    for area, per_job in report["areas"].items():
        cells = "".join(_cell(per_job[name]) for name in names)
        rows.append(f'<tr><th class="area">{esc(area)}</th>{cells}'
                    f"<td>{_percent(report['area_parity_ratio'][area])}</td></tr>")
    totals = "".join(_cell(report["totals"][name]) for name in names)
    odd_rows = "".join(
        f"<tr><td class=\"area\">{esc(t['area'])}</td><td class=\"area\">{esc(t['id'])}</td>"
        + "".join(f'<td class="{_STATUS_CSS.get(t["status"][n], "none")}">'
                  f"{esc(t['status'][n].replace('_', ' '))}</td>" for n in names) + "</tr>"
        for t in report["not_passing_everywhere"])
    rows.append(f'<tr><th class="area">all areas</th>{totals}'
                f"<td><b>{_percent(report['parity_ratio'])}</b></td></tr>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cellgate parity</title>
<style>{_CSS}</style></head><body>
<h1>cellgate parity</h1>
<p>{report['tests_passing_everywhere']} of {report['tests_total']} tests pass on every job
(parity {_percent(report['parity_ratio'])}). Each cell reads
<b>passed / failed / skipped by flag / skipped by list</b>.</p>
<table><tr><th class="area">area</th>{head}<th>parity</th></tr>
{chr(10).join(rows)}
</table>
<h2>Tests that do not pass on every job ({len(report['not_passing_everywhere'])})</h2>
<table><tr><th class="area">area</th><th class="area">test</th>{"".join(
    f"<th>{esc(n)}</th>" for n in names)}</tr>
{odd_rows}
</table></body></html>
"""


def run_parity(*, results: list[str], json_path: str, html_path: str,
               out: TextIO | None = None) -> int:
    """`cellgate parity`: write the JSON report and the HTML page.

    Returns 1 when a voting job in the report failed (so CI can run every job, always get the
    report, and vote once at the end), else 0.
    """
    out = out or sys.stdout
    report = build_report([load_summary(result) for result in results])
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
