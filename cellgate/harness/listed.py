"""`cellgate gate --run-listed`: run the tests a skiplist lists anyway, to find its entries
that now pass.

The vote does not change: a listed test still counts as *skipped by list*, whatever it did.
Its real result is kept in `listed_result`, and an entry whose every selected test passed is
reported as one to remove. With `--strict` such a stale entry fails the run (`fail_on_stale`).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from cellgate.harness.summary import FAILED, PASSED, SKIPPED_BY_LIST, TestOutcome

# the pseudo-test unittest reports when a class fixture fails: `setUpClass (pkg.mod.Class)`
_CLASS_FIXTURE = re.compile(r"^(?:setUpClass|tearDownClass) \((?P<cls>[^)]+)\)$")


def fold_listed_outcomes(outcomes: list[TestOutcome], resolved: dict[str, dict[str, str]],
                         selected: list[str]) -> list[TestOutcome]:
    """The outcomes with every listed test that ran turned into a skip by list that keeps its
    real result (`listed_result`: passed or failed). A failed class fixture whose selected
    tests are all listed is dropped: its tests carry the failure as their listed result."""
    folded = []
    for outcome in outcomes:
        fixture = _CLASS_FIXTURE.match(outcome.id)
        if fixture:
            prefix = fixture["cls"] + "."
            of_class = [t for t in selected if t.startswith(prefix)]
            if of_class and all(t in resolved for t in of_class):
                continue
        entry = resolved.get(outcome.id)
        if entry is None or outcome.status not in (PASSED, FAILED):
            folded.append(outcome)
            continue
        folded.append(dataclasses.replace(
            outcome, status=SKIPPED_BY_LIST, skip_reason=entry["reason"], bug=entry["bug"],
            skiplist=entry["file"], listed_result=outcome.status))
    return folded


def now_passing_entries(outcomes: list[TestOutcome],
                        resolved: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Skiplist entries whose every selected test ran and passed: `{file, entry, bug,
    tests}`, in file and entry order."""
    results: dict[tuple[str, str], list[str | None]] = {}
    tests: dict[tuple[str, str], list[str]] = {}
    ran = {outcome.id: outcome.listed_result for outcome in outcomes}
    for test_id, entry in resolved.items():
        key = (entry["file"], entry["entry"])
        results.setdefault(key, []).append(ran.get(test_id))
        tests.setdefault(key, []).append(test_id)
    bugs = {(e["file"], e["entry"]): e["bug"] for e in resolved.values()}
    return [{"file": file, "entry": label, "bug": bugs[(file, label)],
             "tests": sorted(tests[(file, label)])}
            for (file, label), seen in sorted(results.items())
            if all(result == PASSED for result in seen)]


def fail_on_stale(summary: dict[str, Any]) -> dict[str, Any]:
    """`--strict`: the summary voting against the run when a skiplist entry is stale (its
    tests all passed when run anyway); otherwise the summary unchanged."""
    stale = summary.get("now_passing_entries") or []
    if not stale:
        return summary
    names = ", ".join(f"{entry['file']} {entry['entry']}" for entry in stale)
    reason = f"{len(stale)} stale skiplist entr{'y' if len(stale) == 1 else 'ies'} " \
             f"(all their tests pass now; remove them): {names}"
    if summary["exit_code"]:
        reason = f"{summary['reason']}; {reason}"
    return {**summary, "exit_code": 1, "result": "fail", "reason": reason, "strict": True}
