"""`cellgate gate --strict`: a stale skiplist entry (its tests all pass now) fails the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import fixtures
import testtools

from cellgate.harness.listed import fail_on_stale
from cellgate.tests.unit.harness_parity import recorded


class StrictTest(testtools.TestCase):
    def test_a_stale_entry_of_a_recorded_run_listed_run_fails_it(self) -> None:
        summary = recorded.summary_of(recorded.stream("cells-single-listed"),
                                      job="cells-single", run_listed=True)
        self.assertEqual((0, "pass"), (summary["exit_code"], summary["result"]))
        strict = fail_on_stale(summary)
        self.assertEqual((1, "fail", True), (strict["exit_code"], strict["result"],
                                             strict["strict"]))
        self.assertIn("1 stale skiplist entry", strict["reason"])
        self.assertIn("skip.yaml entry 0 (id 8cb26b56-610a-4740-8cd0-e17a9ebfb327)",
                      strict["reason"])

    def test_without_stale_entries_the_vote_is_unchanged(self) -> None:
        summary = recorded.summary_of(recorded.stream("cells-single"), job="cells-single")
        self.assertIs(summary, fail_on_stale(summary))

    def test_a_failing_run_keeps_its_reason_first(self) -> None:
        target = self.useFixture(fixtures.TempDir()).join("planted.subunit")
        planted = recorded.planted(recorded.stream("cells-single-listed"), Path(target))
        summary = recorded.summary_of(planted, job="cells-single", run_listed=True)
        strict = fail_on_stale(summary)
        self.assertTrue(strict["reason"].startswith("1 test(s) failed; 1 stale"),
                        strict["reason"])


class StrictCliTest(testtools.TestCase):
    """The exit code is the contract: one listed test that passes, run through the CLI."""

    def test_strict_exits_1_on_the_stale_entry(self) -> None:
        output = self.useFixture(fixtures.TempDir()).join("out")
        proc = subprocess.run(
            [sys.executable, "-m", "cellgate", "gate", "--job-file",
             str(recorded.DATA / "cells-single.yaml"), "--filter", "test_list_filtered_by_name",
             "--concurrency", "1", "--strict", "--store", "none", "--output", output],
            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
            env={**os.environ, "CI": "true"})
        self.assertEqual(1, proc.returncode, proc.stdout[-3000:] + proc.stderr[-3000:])
        with open(os.path.join(output, "summary.json"), encoding="utf-8") as handle:
            summary = json.load(handle)
        self.assertEqual((0, 1, True), (summary["counts"]["failed"],
                                        summary["counts"]["skipped_by_list"], summary["strict"]))
        self.assertIn("stale skiplist entry", summary["reason"])
        self.assertFalse(os.path.exists(os.path.join(output, "results.db")))
        self.assertTrue(os.path.exists(os.path.join(output, "results.xml")))
