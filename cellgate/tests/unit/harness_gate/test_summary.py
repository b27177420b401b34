"""Summaries from a real subunit v2 stream (made by running a tiny module with subunit.run)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import fixtures
import testtools

from cellgate.harness import summary as sm

MODULE = '''
import testtools


class Sample(testtools.TestCase):
    def test_pass(self):
        self.assertEqual(2, 1 + 1)

    def test_fail(self):
        self.assertEqual("expected", "actual")

    def test_skip_by_flag(self):
        self.skipTest("feature aggregates is disabled in [compute-feature-enabled]")

    def test_skip_by_list(self):
        self.skipTest("skiplist cells-single.yaml: resize (cold) is not built (bug LP#42)")

    @testtools.skip("expected failure marker is not used here")
    def test_decorated_skip(self):
        pass
'''
PREFIX = "sample.cellgate.tests.api.flavors.test_sample.Sample."


class SubunitSummaryTest(testtools.TestCase):
    def setUp(self) -> None:
        super().setUp()
        root = self.useFixture(fixtures.TempDir()).path
        package = os.path.join(root, "sample", "cellgate", "tests", "api", "flavors")
        os.makedirs(package)
        with open(os.path.join(package, "test_sample.py"), "w", encoding="utf-8") as handle:
            handle.write(textwrap.dedent(MODULE))
        self.stream_path = os.path.join(root, "results.subunit")
        with open(self.stream_path, "wb") as out:
            subprocess.run([sys.executable, "-m", "subunit.run",
                            "sample.cellgate.tests.api.flavors.test_sample"],
                           cwd=root, stdout=out, check=True,
                           env={**os.environ, "PYTHONPATH": root})

    def test_outcomes_are_classified(self) -> None:
        seen = []
        with open(self.stream_path, "rb") as handle:
            outcomes = sm.ResultCollector(seen.append).consume(handle)
        self.assertEqual(outcomes, seen)  # reported one by one as each completed
        by_name = {o.id[len(PREFIX):]: o for o in outcomes}
        self.assertEqual({"test_pass": sm.PASSED, "test_fail": sm.FAILED,
                          "test_skip_by_flag": sm.SKIPPED_BY_FLAG,
                          "test_skip_by_list": sm.SKIPPED_BY_LIST,
                          "test_decorated_skip": sm.SKIPPED_BY_FLAG},
                         {name: o.status for name, o in by_name.items()})
        self.assertEqual({"flavors"}, {o.area for o in outcomes})
        listed = by_name["test_skip_by_list"]
        self.assertEqual(("resize (cold) is not built", "LP#42", "cells-single.yaml"),
                         (listed.skip_reason, listed.bug, listed.skiplist))
        self.assertIn("feature aggregates", by_name["test_skip_by_flag"].skip_reason)
        self.assertIn("MismatchError", by_name["test_fail"].details)
        self.assertIn("'actual'", by_name["test_fail"].details)
        self.assertIsNotNone(by_name["test_pass"].duration)

    def test_summary_counts_and_vote(self) -> None:
        outcomes = sm.read_subunit(self.stream_path)
        summary = sm.build_summary(outcomes, job="j", voting=False, topology="nocells",
                                   duration=1.5, started_at="now")
        self.assertEqual({"passed": 1, "failed": 1, "skipped_by_flag": 2,
                          "skipped_by_list": 1, "total": 5}, summary["counts"])
        self.assertEqual((1, "fail"), (summary["exit_code"], summary["result"]))
        text = sm.format_summary(summary)
        self.assertIn("resize (cold) is not built (bug LP#42, cells-single.yaml)", text)
        self.assertIn("--- " + PREFIX + "test_fail", text)
        self.assertIn("non-voting", text)

    def test_one_entry_per_test_id_the_worst_kept(self) -> None:
        # a class whose cleanups fail shows one `tearDownClass (...)` id per failure
        down = "tearDownClass (pkg.ServersTest)"
        outcomes = [sm.TestOutcome(id=down, status=sm.FAILED, area="servers", details="one"),
                    sm.TestOutcome(id=down, status=sm.FAILED, area="servers", details="two"),
                    sm.TestOutcome(id="t", status=sm.PASSED, area="servers"),
                    sm.TestOutcome(id="t", status=sm.FAILED, area="servers", details="x")]
        summary = sm.build_summary(outcomes, job="j", voting=True, topology="nocells",
                                   duration=1.0, started_at="now")
        self.assertEqual({"passed": 0, "failed": 2, "skipped_by_flag": 0,
                          "skipped_by_list": 0, "total": 2}, summary["counts"])
        by_id = {t["id"]: t for t in summary["tests"]}
        self.assertEqual("one\n\ntwo", by_id[down]["details"])
        self.assertEqual(("failed", "x"), (by_id["t"]["status"], by_id["t"]["details"]))

    def test_vote(self) -> None:
        def counts(passed: int, failed: int, skipped: int) -> dict[str, int]:
            return {sm.PASSED: passed, sm.FAILED: failed, sm.SKIPPED_BY_FLAG: skipped,
                    sm.SKIPPED_BY_LIST: 0, "total": passed + failed + skipped}

        self.assertEqual(0, sm.vote(counts(3, 0, 2))[0])
        self.assertEqual(1, sm.vote(counts(3, 1, 0))[0])
        self.assertIn("no test ran", sm.vote(counts(0, 0, 0))[1])
        self.assertIn("every test was skipped", sm.vote(counts(0, 0, 4))[1])

    def test_trim_keeps_the_end(self) -> None:
        text = "\n".join(f"line {i}" for i in range(50))
        trimmed = sm.trim(text, 5)
        self.assertTrue(trimmed.endswith("line 49"))
        self.assertIn("45 lines trimmed", trimmed)
        self.assertNotIn("line 44", trimmed)
