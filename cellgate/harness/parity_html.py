"""The static parity page: one self-contained HTML file read at a glance, opened from disk.

No script, no network, no server: styles are inline and the trend chart is SVG written from the
report. Order is what a reader needs first: the verdict and partial-run warnings, failures and
regressions, the coloured areas x jobs table, parity against the baseline, skiplist entries
with reasons and bugs, the trend chart, flaky tests, then every test not passing everywhere.
"""

from __future__ import annotations

import html
from typing import Any

from cellgate.harness.summary import FAILED, PASSED, SKIPPED_BY_FLAG, SKIPPED_BY_LIST

_CSS = """body{font-family:sans-serif;margin:1.5em 2em;color:#222;max-width:1400px}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:4px 8px;
text-align:center;vertical-align:top}.area{text-align:left}.ok{background:#d9f2d9}
.bad{background:#f7d4d4}.skip{background:#fff3cd}.none{color:#999}small{color:#555}
.banner{padding:.6em 1em;border-radius:4px;font-size:1.15em;margin:.5em 0}
.banner.bad{border:1px solid #c33}.banner.ok{border:1px solid #393}
.banner.skip{border:1px solid #e0a000}
.partial{background:#ffe8b3;border:1px solid #e0a000;padding:.4em 1em;margin:.3em 0}
.tag{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.85em;font-weight:bold}
.tag.reg{background:#c33;color:#fff}.tag.part{background:#e0a000;color:#fff}
.tag.stale{background:#369;color:#fff}pre{text-align:left;white-space:pre-wrap;margin:0;
font-size:.85em}code{font-size:.9em}h2{margin-top:1.2em;border-bottom:1px solid #ddd}"""
_STATUS_CSS = {PASSED: "ok", FAILED: "bad", SKIPPED_BY_FLAG: "skip", SKIPPED_BY_LIST: "skip"}
_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
_REGRESSION = '<span class="tag reg">REGRESSION</span> '
_STALE = ' <span class="tag stale">STALE: passes now, remove it</span>'
esc = html.escape


def _percent(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio * 100:.1f}%"


def _bug(bug: str | None) -> str:
    if not bug:
        return "-"
    if bug.startswith(("http://", "https://")):
        return f'<a href="{esc(bug, quote=True)}">{esc(bug)}</a>'
    return esc(bug)


def _cell(counts: dict[str, int]) -> str:
    if not counts["total"]:
        return '<td class="none">-</td>'
    css = "bad" if counts[FAILED] else ("ok" if counts[PASSED] else "skip")
    return (f'<td class="{css}" title="passed / failed / skipped by flag / skipped by list">'
            f"{counts[PASSED]} / {counts[FAILED]} / {counts[SKIPPED_BY_FLAG]} / "
            f"{counts[SKIPPED_BY_LIST]}</td>")


def _job_head(job: dict[str, Any]) -> str:
    partial = ' <span class="tag part">PARTIAL</span>' if job["partial"] else ""
    return (f"<th>{esc(job['job'])}{partial}<br><small>"
            f"{esc(str(job['topology'] or 'existing cloud'))}, "
            f"{'voting' if job['voting'] else 'non-voting'}, {esc(str(job['result']))}<br>"
            f"{esc(str(job.get('started_at') or ''))} "
            f"{esc((job.get('commit') or '')[:10])}</small></th>")


def _verdict(report: dict[str, Any]) -> str:
    failures, regressions = len(report["failures"]), len(report["regressions"])
    parities = [f"{esc(job)} {_percent(p['ratio'])}"
                for job, p in report["baseline_parity"].items()]
    against = (f"; parity against {esc(report['baseline'])}: {', '.join(parities)}"
               if parities else "")
    partial = [job["job"] for job in report["jobs"] if job["partial"]]
    css = "bad" if failures else ("skip" if partial else "ok")
    what = (f"{failures} failing test(s), {regressions} regression(s)" if failures
            else "no failures" + (f" in {len(partial)} partial run(s)" if partial else ""))
    lines = [f'<div class="banner {css}"><b>{what}</b>{against}; '
             f"{report['tests_passing_everywhere']} of {report['tests_total']} tests pass on "
             f"every job (parity {_percent(report['parity_ratio'])})</div>"]
    lines += [f'<div class="partial"><span class="tag part">PARTIAL</span> job '
              f"<b>{esc(job['job'])}</b> ran only the tests matching --filter "
              f"<code>{esc(job['test_filter'])}</code>: its missing tests count as not "
              "passing</div>" for job in report["jobs"] if job["partial"]]
    return "\n".join(lines)


def _failures(report: dict[str, Any]) -> str:
    if not report["failures"]:
        return "<h2>Failures and regressions</h2><p>No test failed in the current runs.</p>"
    rows = "".join(
        f'<tr><td>{esc(f["job"])}</td><td class="area">{esc(f.get("area", ""))}</td>'
        f'<td class="area">{_REGRESSION if f["regression"] else ""}'
        f'<code>{esc(f["id"])}</code>'
        + (f'<details><summary>details</summary><pre>{esc(f["details"])}</pre></details>'
           if f.get("details") else "") + "</td></tr>"
        for f in report["failures"])
    return (f"<h2>Failures and regressions ({len(report['failures'])})</h2>"
            '<table><tr><th>job</th><th class="area">area</th><th class="area">test</th></tr>'
            f"{rows}</table>")


def _areas(report: dict[str, Any]) -> str:
    names = [job["job"] for job in report["jobs"]]
    rows = [f'<tr><th class="area">{esc(area)}</th>'
            + "".join(_cell(per_job[name]) for name in names)
            + f"<td>{_percent(report['area_parity_ratio'][area])}</td></tr>"
            for area, per_job in report["areas"].items()]
    rows.append('<tr><th class="area">all areas</th>'
                + "".join(_cell(report["totals"][name]) for name in names)
                + f"<td><b>{_percent(report['parity_ratio'])}</b></td></tr>")
    return ("<h2>Areas &times; jobs</h2><p>Each cell reads <b>passed / failed / skipped by flag "
            "/ skipped by list</b>; parity is the share of the area's tests passing on every "
            "job.</p>"
            f'<table><tr><th class="area">area</th>{"".join(map(_job_head, report["jobs"]))}'
            f"<th>parity</th></tr>{''.join(rows)}</table>")


def _baseline(report: dict[str, Any]) -> str:
    if not report["baseline_parity"]:
        return ("<h2>Parity against the baseline</h2><p>No baseline run (nocells) in the "
                "history.</p>")
    areas = sorted({a for p in report["baseline_parity"].values() for a in p["per_area"]})
    jobs = list(report["baseline_parity"])
    rows = "".join(
        f'<tr><th class="area">{esc(area)}</th>' + "".join(
            _ratio_cell(report["baseline_parity"][job]["per_area"].get(area)) for job in jobs)
        + "</tr>" for area in areas)
    total = "".join(_ratio_cell(report["baseline_parity"][job]) for job in jobs)
    listing = _listing(
        ["job", "<test passing in the baseline", "status", "<why"],
        [[esc(job), f'<code>{esc(t["id"])}</code>',
          (_STATUS_CSS.get(t["status"], "none"), esc(t["status"])),
          f'{esc(t.get("skip_reason", ""))} {_bug(t.get("bug")) if t.get("bug") else ""}']
         for job, p in report["baseline_parity"].items() for t in p["not_passing"]],
        "Every test that passes in the baseline passes in every job.")
    return (f"<h2>Parity against the baseline ({esc(report['baseline'])})</h2>"
            "<p>Of the tests that pass in the baseline, the share that also pass in each job.</p>"
            f'<table><tr><th class="area">area</th>{"".join(f"<th>{esc(j)}</th>" for j in jobs)}'
            f'</tr>{rows}<tr><th class="area">all areas</th>{total}</tr></table>{listing}')


def _listing(head: list[str], rows: list[list[Any]], empty: str) -> str:
    """A table of ready-made HTML cells (a `(css, html)` pair sets the cell's class); a header
    starting with `<` is left-aligned, and so is its column. `empty` when there is no row."""
    if not rows:
        return f"<p>{esc(empty)}</p>"
    left = [name.startswith("<") for name in head]

    def cell(value: Any, is_left: bool) -> str:
        css, text = value if isinstance(value, tuple) else ("area" if is_left else "", value)
        return f'<td class="{css}">{text}</td>' if css else f"<td>{text}</td>"

    header = "".join(f'<th class="area">{esc(n[1:])}</th>' if is_left else f"<th>{esc(n)}</th>"
                     for n, is_left in zip(head, left, strict=True))
    body = "".join("<tr>" + "".join(cell(v, is_left) for v, is_left in zip(row, left, strict=True))
                   + "</tr>"
                   for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


def _ratio_cell(part: dict[str, Any] | None) -> str:
    if not part:
        return '<td class="none">-</td>'
    css = "ok" if part["ratio"] == 1.0 else "bad"
    return (f'<td class="{css}">{_percent(part["ratio"])} '
            f'<small>({part["also_passed"]}/{part["baseline_passed"]})</small></td>')


def _skiplists(report: dict[str, Any]) -> str:
    rows = []
    for job, coverage in report["skiplist_coverage"].items():
        areas = ", ".join(f"{esc(area)} {_percent(a['share'])}"
                          for area, a in coverage["per_area"].items() if a["hidden"])
        rows.append(f'<tr><td>{esc(job)}</td><td>{_percent(coverage["share"])} '
                    f'<small>({coverage["hidden"]}/{coverage["suite"]})</small></td>'
                    f'<td class="area">{areas or "-"}</td>'
                    f'<td class="area"><small>{esc(str(coverage["skiplist"] or "-"))}'
                    "</small></td></tr>")
    table = _listing(
        ["job", "<reason", "<bug", "areas", "tests"],
        [[esc(job), esc(str(e["reason"])) + (_STALE if e["stale"] else ""), _bug(e["bug"]),
          esc(", ".join(e["areas"])), str(len(e["tests"]))]
         for job, coverage in report["skiplist_coverage"].items() for e in coverage["entries"]],
        "No skiplist entry hides a test.")
    return ("<h2>Skiplist coverage</h2><p>The share of each job's suite its skiplist hides.</p>"
            '<table><tr><th>job</th><th>hidden</th><th class="area">per area</th>'
            f'<th class="area">skiplist</th></tr>{"".join(rows)}</table>{table}')


def _chart(report: dict[str, Any]) -> str:
    """Pass counts (left axis, solid) and parity against the baseline (right axis, dashed)
    per run of each job; a partial run is a hollow point."""
    trend = report["trend"]
    width, height, left, right, top, bottom = 760, 260, 50, 60, 20, 40
    most = max((len(points) for points in trend.values()), default=1)
    top_count = max((p["total"] for points in trend.values() for p in points), default=1) or 1
    step = (width - left - right) / max(most - 1, 1)

    def x(index: int) -> float:
        return left + index * step if most > 1 else (left + width - right) / 2

    def y(fraction: float) -> float:
        return top + (1 - fraction) * (height - top - bottom)

    parts = [f'<line x1="{left}" y1="{y(0)}" x2="{width - right}" y2="{y(0)}" stroke="#999"/>',
             f'<line x1="{left}" y1="{y(0)}" x2="{left}" y2="{y(1)}" stroke="#999"/>',
             f'<text x="{left - 6}" y="{y(1) + 4}" text-anchor="end" font-size="11">'
             f"{top_count}</text>",
             f'<text x="{left - 6}" y="{y(0) + 4}" text-anchor="end" font-size="11">0</text>',
             f'<text x="{width - right + 6}" y="{y(1) + 4}" font-size="11">100%</text>',
             f'<text x="{width - right + 6}" y="{y(0) + 4}" font-size="11">0%</text>',
             f'<text x="{left}" y="{height - 8}" font-size="11">runs, oldest to newest; '
             "solid: tests passed; dashed: parity against the baseline</text>"]
    for index in range(most):
        parts.append(f'<text x="{x(index)}" y="{y(0) + 14}" text-anchor="middle" '
                     f'font-size="10">{index + 1}</text>')
    for number, (job, points) in enumerate(trend.items()):
        colour = _COLOURS[number % len(_COLOURS)]
        passed = [(x(i), y(p["passed"] / top_count)) for i, p in enumerate(points)]
        parity = [(x(i), y(p["parity"])) for i, p in enumerate(points) if p["parity"] is not None]
        for line, dash in ((passed, ""), (parity, ' stroke-dasharray="5 3"')):
            if len(line) > 1:
                parts.append(f'<polyline class="series" fill="none" stroke="{colour}" '
                             f'stroke-width="2"{dash} points="'
                             + " ".join(f"{px:.1f},{py:.1f}" for px, py in line) + '"/>')
        for i, point in enumerate(points):
            fill = "#fff" if point["partial"] else colour
            label = (f"{job} run {i + 1} ({point['started_at']}): {point['passed']}/"
                     f"{point['total']} passed, parity {_percent(point['parity'])}"
                     f"{', partial' if point['partial'] else ''}")
            parts.append(f'<circle class="point" cx="{passed[i][0]:.1f}" '
                         f'cy="{passed[i][1]:.1f}" r="4" fill="{fill}" stroke="{colour}" '
                         'stroke-width="2">'
                         f"<title>{esc(label)}</title></circle>")
        parts.append(f'<text x="{width - right + 6}" y="{top + 40 + 14 * number}" '
                     f'font-size="11" fill="{colour}">{esc(job)}</text>')
    return ("<h2>Trend</h2>"
            f'<svg id="trend" xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="passed tests and parity per run">{"".join(parts)}</svg>')


def _flaky(report: dict[str, Any]) -> str:
    if not report["flaky"]:
        return ""
    rows = "".join(f'<tr><td>{esc(f["job"])}</td><td class="area"><code>{esc(f["id"])}</code>'
                   f'</td><td>{esc(" ".join(f["outcomes"]))}</td></tr>' for f in report["flaky"])
    return (f"<h2>Flaky tests ({len(report['flaky'])})</h2><table><tr><th>job</th>"
            f'<th class="area">test</th><th>outcomes, oldest first</th></tr>{rows}</table>')


def _not_everywhere(report: dict[str, Any]) -> str:
    names = [job["job"] for job in report["jobs"]]
    rows = "".join(
        f'<tr><td class="area">{esc(t["area"])}</td><td class="area">{esc(t["id"])}</td>'
        + "".join(f'<td class="{_STATUS_CSS.get(t["status"][n], "none")}">'
                  f"{esc(t['status'][n].replace('_', ' '))}</td>" for n in names) + "</tr>"
        for t in report["not_passing_everywhere"])
    return (f"<details><summary><b>Tests that do not pass on every job "
            f"({len(report['not_passing_everywhere'])})</b></summary>"
            '<table><tr><th class="area">area</th><th class="area">test</th>'
            + "".join(f"<th>{esc(n)}</th>" for n in names) + f"</tr>{rows}</table></details>")


def render_html(report: dict[str, Any]) -> str:
    """The whole page for a dashboard report (`parity_report.build_dashboard`)."""
    body = "\n".join((_verdict(report), _failures(report), _areas(report), _baseline(report),
                      _skiplists(report), _chart(report), _flaky(report),
                      _not_everywhere(report)))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cellgate parity</title>
<style>{_CSS}</style></head><body>
<h1>cellgate parity <small>report v{report['schema_version']},
{esc(report['generated_at'])}</small></h1>
{body}
</body></html>
"""
