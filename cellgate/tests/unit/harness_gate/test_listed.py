"""Folding the results of listed tests run anyway, and finding entries that now pass."""

from __future__ import annotations

import testtools

from cellgate.harness.listed import fold_listed_outcomes, now_passing_entries
from cellgate.harness.summary import FAILED, PASSED, SKIPPED_BY_LIST, TestOutcome, count, vote

A = "cellgate.tests.api.servers.test_a.ATest"
B = "cellgate.tests.api.servers.test_b.BTest"
SELECTED = [f"{A}.test_one", f"{A}.test_two", f"{B}.test_one", f"{B}.test_two"]


def listed(*test_ids: str, entry: str = "entry 0 (regex 'x')") -> dict[str, dict[str, str]]:
    return {t: {"reason": "known", "bug": "B1", "area": "servers", "file": "s.yaml",
                "entry": entry} for t in test_ids}


def outcome(test_id: str, status: str) -> TestOutcome:
    return TestOutcome(id=test_id, status=status, area="servers")


class FoldTest(testtools.TestCase):

    def test_listed_results_are_kept_but_do_not_vote(self) -> None:
        resolved = listed(f"{A}.test_one", f"{A}.test_two")
        folded = fold_listed_outcomes([outcome(f"{A}.test_one", PASSED),
                                       outcome(f"{A}.test_two", FAILED),
                                       outcome(f"{B}.test_one", PASSED)], resolved, SELECTED)
        self.assertEqual([(SKIPPED_BY_LIST, PASSED), (SKIPPED_BY_LIST, FAILED), (PASSED, None)],
                         [(o.status, o.listed_result) for o in folded])
        self.assertEqual(("known", "B1", "s.yaml"),
                         (folded[1].skip_reason, folded[1].bug, folded[1].skiplist))
        self.assertEqual(0, vote(count(folded))[0])

    def test_failed_fixture_of_a_wholly_listed_class_is_dropped(self) -> None:
        resolved = listed(f"{A}.test_one", f"{A}.test_two", f"{B}.test_one")
        folded = fold_listed_outcomes([outcome(f"setUpClass ({A})", FAILED),
                                       outcome(f"setUpClass ({B})", FAILED),
                                       outcome(f"{B}.test_two", FAILED)], resolved, SELECTED)
        # B still has an unlisted test, so its fixture failure still votes
        self.assertEqual([f"setUpClass ({B})", f"{B}.test_two"], [o.id for o in folded])
        self.assertEqual(1, vote(count(folded))[0])


class NowPassingTest(testtools.TestCase):

    def test_only_entries_whose_every_test_passed(self) -> None:
        resolved = {**listed(f"{A}.test_one", f"{A}.test_two", entry="entry 0 (id a)"),
                    **listed(f"{B}.test_one", entry="entry 1 (id b)"),
                    **listed(f"{B}.test_two", entry="entry 2 (id c)")}
        folded = fold_listed_outcomes([outcome(f"{A}.test_one", PASSED),
                                       outcome(f"{A}.test_two", PASSED),
                                       outcome(f"{B}.test_one", FAILED)], resolved, SELECTED)
        entries = now_passing_entries(folded, resolved)
        # entry 1 failed; entry 2's test reported nothing, so it cannot be called passing
        self.assertEqual([{"file": "s.yaml", "entry": "entry 0 (id a)", "bug": "B1",
                           "tests": [f"{A}.test_one", f"{A}.test_two"]}], entries)
