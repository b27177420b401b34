"""Subunit v2 -> per-test results and the job summary (`summary.json`).

The stream is parsed with python-subunit's ByteStreamToStreamResult feeding testtools'
StreamToDict, so a result is known the moment its final status event arrives; a caller can
print it while the run goes on. Skips are split by their reason: the base class skips a
list-skipped test with `skiplist <file>: <reason> (bug <bug>)`; any other skip is a skip by flag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

import subunit
import testtools

from cellgate.harness.testids import area_or_other  # noqa: F401  (re-exported)

PASSED = "passed"
FAILED = "failed"
SKIPPED_BY_FLAG = "skipped_by_flag"
SKIPPED_BY_LIST = "skipped_by_list"
STATUSES = (PASSED, FAILED, SKIPPED_BY_FLAG, SKIPPED_BY_LIST)

_LIST_SKIP = re.compile(r"^skiplist (?P<file>\S+): (?P<reason>.*) \(bug (?P<bug>[^)\s]+)\)$",
                        re.DOTALL)
# subunit final statuses; 'exists' only announces a test (listing), it is not a result.
_STATUS_MAP = {"success": PASSED, "xfail": PASSED, "fail": FAILED, "uxsuccess": FAILED,
               "inprogress": FAILED, "unknown": FAILED}


@dataclass(frozen=True)
class TestOutcome:
    """The result of one test as the gate reports it."""

    id: str
    status: str
    area: str
    duration: float | None = None
    skip_reason: str | None = None
    bug: str | None = None
    skiplist: str | None = None
    details: str | None = None
    listed_result: str | None = None  # a listed test run anyway (--run-listed): what it did

    __test__ = False  # a record, not a test case (for runners that collect Test* names)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict, dropping empty fields."""
        return {key: value for key, value in asdict(self).items() if value is not None}


def _detail_text(details: dict[str, Any], name: str) -> str | None:
    content = details.get(name)
    if content is None:
        return None
    try:
        return content.as_text()
    except Exception:  # a binary attachment: name it, do not decode it
        return f"<binary attachment {name}>"


def outcome_from_dict(test: dict[str, Any]) -> TestOutcome | None:
    """Turn one StreamToDict test dict into a TestOutcome (None for non-results)."""
    raw_status = test["status"]
    if raw_status == "exists":
        return None
    start, end = (list(test["timestamps"]) + [None, None])[:2]
    duration = (end - start).total_seconds() if start and end else None
    area = area_or_other(test["id"])
    details = test["details"]
    if raw_status == "skip":
        reason = (_detail_text(details, "reason") or "").strip()
        listed = _LIST_SKIP.match(reason)
        if listed:
            return TestOutcome(id=test["id"], status=SKIPPED_BY_LIST, area=area, duration=duration,
                               skip_reason=listed["reason"], bug=listed["bug"],
                               skiplist=listed["file"])
        return TestOutcome(id=test["id"], status=SKIPPED_BY_FLAG, area=area, duration=duration,
                           skip_reason=reason or "(no reason given)")
    status = _STATUS_MAP.get(raw_status, FAILED)
    text = None
    if status == FAILED:
        parts = []
        for name in sorted(details, key=lambda n: (n != "traceback", n)):
            body = _detail_text(details, name)
            if body and body.strip():
                parts.append(body if name == "traceback" else f"--- {name} ---\n{body}")
        text = "\n".join(parts) or f"(status {raw_status}, no details)"
    return TestOutcome(id=test["id"], status=status, area=area, duration=duration, details=text)


class ResultCollector:
    """A testtools StreamResult that collects TestOutcomes and reports each as it completes."""

    def __init__(self, on_result: Callable[[TestOutcome], None] | None = None) -> None:
        self.outcomes: list[TestOutcome] = []
        self._on_result = on_result
        self.summary = testtools.StreamSummary()
        self.result = testtools.CopyStreamResult([testtools.StreamToDict(self._on_test),
                                                  self.summary])

    def _on_test(self, test: dict[str, Any]) -> None:
        outcome = outcome_from_dict(test)
        if outcome is None:
            return
        self.outcomes.append(outcome)
        if self._on_result is not None:
            self._on_result(outcome)

    def consume(self, source: BinaryIO) -> list[TestOutcome]:
        """Read a subunit v2 byte stream to its end; non-subunit bytes are ignored."""
        stream = subunit.ByteStreamToStreamResult(source, non_subunit_name="stdout")
        self.result.startTestRun()
        try:
            stream.run(self.result)
        finally:
            self.result.stopTestRun()
        return self.outcomes


def read_subunit(path: str | Path) -> list[TestOutcome]:
    """Parse a stored subunit v2 file into outcomes."""
    with open(path, "rb") as handle:
        return ResultCollector().consume(handle)


# Which of two results of one test id stands (a stream may hold several: a class whose
# tearDownClass fails once per cleanup shows as one `tearDownClass (...)` id each time).
_SEVERITY = {FAILED: 3, PASSED: 2, SKIPPED_BY_LIST: 1, SKIPPED_BY_FLAG: 0}


def one_per_test(outcomes: list[TestOutcome]) -> list[TestOutcome]:
    """One outcome per test id: the most severe (a failure over a pass over a skip), with
    the details of every failure of that id joined."""
    kept: dict[str, TestOutcome] = {}
    for outcome in outcomes:
        seen = kept.get(outcome.id)
        if seen is None:
            kept[outcome.id] = outcome
            continue
        worse = outcome if _SEVERITY[outcome.status] > _SEVERITY[seen.status] else seen
        if outcome.status == seen.status == FAILED:
            details = "\n\n".join(d for d in (seen.details, outcome.details) if d)
            worse = replace(worse, details=details or None)
        kept[outcome.id] = worse
    return list(kept.values())


def count(outcomes: list[TestOutcome]) -> dict[str, int]:
    """Counts per status plus `total`."""
    counts = {status: 0 for status in STATUSES}
    for outcome in outcomes:
        counts[outcome.status] += 1
    counts["total"] = len(outcomes)
    return counts


def vote(counts: dict[str, int]) -> tuple[int, str]:
    """The exit code and its reason: 0 only when nothing failed and something passed."""
    if counts[FAILED]:
        return 1, f"{counts[FAILED]} test(s) failed"
    if counts["total"] == 0:
        return 1, "no test ran (an empty selection is a failure, not a pass)"
    if counts[PASSED] == 0:
        return 1, "every test was skipped (an all-skipped run is a failure, not a pass)"
    return 0, f"{counts[PASSED]} test(s) passed, none failed"


def build_summary(outcomes: list[TestOutcome], *, job: str, voting: bool,
                  topology: str | None, duration: float, started_at: str,
                  extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON summary of a gate run (written to `summary.json`, read by parity); one entry
    per test id (one_per_test)."""
    outcomes = one_per_test(outcomes)
    counts = count(outcomes)
    exit_code, reason = vote(counts)
    summary: dict[str, Any] = {
        "job": job, "voting": voting, "topology": topology, "started_at": started_at,
        "duration": round(duration, 3), "counts": counts,
        "result": "pass" if exit_code == 0 else "fail", "exit_code": exit_code,
        "reason": reason,
        "tests": [outcome.to_dict() for outcome in sorted(outcomes, key=lambda o: o.id)],
    }
    summary.update(extra or {})
    return summary


def trim(text: str, lines: int = 20) -> str:
    """The last `lines` lines of a traceback (where the assertion is)."""
    all_lines = text.rstrip().splitlines()
    if len(all_lines) <= lines:
        return "\n".join(all_lines)
    return "\n".join([f"... ({len(all_lines) - lines} lines trimmed)", *all_lines[-lines:]])


_MARKS = {PASSED: "ok", FAILED: "FAIL", SKIPPED_BY_FLAG: "skip", SKIPPED_BY_LIST: "skip(list)"}


def format_result_line(outcome: TestOutcome) -> str:
    """One line per finished test, for live output."""
    took = f" [{outcome.duration:.3f}s]" if outcome.duration is not None else ""
    line = f"{_MARKS[outcome.status]:<10} {outcome.id}{took}"
    if outcome.status == SKIPPED_BY_FLAG:
        line += f"  ({outcome.skip_reason})"
    elif outcome.status == SKIPPED_BY_LIST:
        line += f"  ({outcome.skip_reason}; bug {outcome.bug})"
        if outcome.listed_result:
            line += f" [ran anyway: {outcome.listed_result}]"
    return line


def format_summary(summary: dict[str, Any], *, traceback_lines: int = 20) -> str:
    """The readable end-of-run report."""
    counts = summary["counts"]
    tests = summary["tests"]
    out = ["", "=" * 72,
           f"gate job {summary['job']} ({'voting' if summary['voting'] else 'non-voting'}), "
           f"topology {summary['topology'] or '(existing cloud)'}, {summary['duration']:.1f}s",
           f"  passed:          {counts[PASSED]}",
           f"  failed:          {counts[FAILED]}",
           f"  skipped by flag: {counts[SKIPPED_BY_FLAG]}",
           f"  skipped by list: {counts[SKIPPED_BY_LIST]}",
           f"  total:           {counts['total']}"]
    listed = [t for t in tests if t["status"] == SKIPPED_BY_LIST]
    if listed:
        out += ["", "Skipped by list:"]
        out += [f"  {t['id']}\n      {t['skip_reason']} (bug {t['bug']}, {t['skiplist']})"
                for t in listed]
    now_passing = summary.get("now_passing_entries")
    if now_passing:
        out += ["", "Skiplist entries whose tests all pass now (remove them):"]
        out += [f"  {e['file']} {e['entry']} (bug {e['bug']}): {len(e['tests'])} test(s)"
                for e in now_passing]
    leaks = summary.get("leaks") or {}
    if leaks.get("resources"):
        out += ["", "Resources the tests left behind in the cloud:"]
        out += [f"  {kind}: " + ", ".join(f"{item['name']} ({item['id']})" for item in items)
                for kind, items in leaks["resources"].items()]
    failed = [t for t in tests if t["status"] == FAILED]
    if failed:
        out += ["", "Failures:"]
        for t in failed:
            out += [f"--- {t['id']}", trim(t.get("details") or "", traceback_lines), ""]
    verdict = "PASS" if summary["exit_code"] == 0 else "FAIL"
    out += ["", f"{verdict}: {summary['reason']}"]
    if not summary["voting"] and summary["exit_code"]:
        out.append("(this job is non-voting: its failures are informational in CI)")
    return "\n".join(out) + "\n"
