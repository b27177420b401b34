"""The dashboard report of a recorded run history, and its JSON Schema."""

from __future__ import annotations

import copy
from pathlib import Path

import fixtures
import jsonschema
import testtools

from cellgate.harness import parity_report as pr
from cellgate.harness import summary as sm
from cellgate.harness.parity import ParityError
from cellgate.harness.parity_html import render_html
from cellgate.tests.unit.harness_parity import history, recorded
from cellgate.tests.unit.harness_parity.test_results_store import LISTED


class DashboardTest(testtools.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = Path(self.useFixture(fixtures.TempDir()).path)
        runs = history.two_runs_of_two_jobs(self.dir)
        self.history = [{**summary, "commit": commit} for summary, commit in runs]
        self.report = pr.build_dashboard(self.history, generated_at="2026-12-01T12:00:00+00:00")

    def test_the_report_validates_against_the_shipped_schema(self) -> None:
        schema = pr.report_schema()
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.validate(self.report, schema)
        pr.validate_report(self.report)
        self.assertEqual((pr.SCHEMA_VERSION, schema["$id"]),
                         (self.report["schema_version"], self.report["$schema"]))

    def test_a_report_that_breaks_the_schema_is_refused_with_the_place(self) -> None:
        broken = copy.deepcopy(self.report)
        broken["trend"]["nocells"][0]["passed"] = "many"
        error = self.assertRaises(ParityError, pr.validate_report, broken)
        self.assertIn("trend/nocells/0/passed", str(error))

    def test_baseline_parity_names_what_passes_in_nocells_only(self) -> None:
        parity = self.report["baseline_parity"]["cells-single"]
        self.assertEqual((24, 21, 0.875), (parity["baseline_passed"], parity["also_passed"],
                                           parity["ratio"]))
        self.assertEqual({recorded.PLANTED: sm.FAILED, LISTED: sm.SKIPPED_BY_LIST},
                         {t["id"]: t["status"] for t in parity["not_passing"]
                          if t["status"] != sm.SKIPPED_BY_FLAG})
        self.assertEqual({"baseline_passed": 5, "also_passed": 4, "ratio": 0.8},
                         parity["per_area"]["hosts"])
        self.assertNotIn("nocells", self.report["baseline_parity"])

    def test_regression_and_flaky_and_failures_first(self) -> None:
        self.assertEqual([("cells-single", recorded.PLANTED, "hosts")],
                         [(r["job"], r["id"], r["area"]) for r in self.report["regressions"]])
        self.assertEqual([(recorded.PLANTED, [sm.PASSED, sm.FAILED])],
                         [(f["id"], f["outcomes"]) for f in self.report["flaky"]])
        failure = self.report["failures"][0]
        self.assertEqual((recorded.PLANTED, True), (failure["id"], failure["regression"]))
        self.assertTrue(failure["details"].strip())

    def test_skiplist_coverage_and_stale_entries(self) -> None:
        coverage = self.report["skiplist_coverage"]["cells-single"]
        self.assertEqual((1, 24, round(1 / 24, 4)),
                         (coverage["hidden"], coverage["suite"], coverage["share"]))
        self.assertEqual({"suite": 6, "hidden": 1, "share": round(1 / 6, 4)},
                         coverage["per_area"]["images"])
        entry = coverage["entries"][0]
        self.assertEqual(("https://bugs.example.org/cellgate/7", ["images"], True),
                         (entry["bug"], entry["areas"], entry["stale"]))
        self.assertEqual([entry], self.report["stale_skips"]["cells-single"])
        self.assertEqual(0, self.report["skiplist_coverage"]["nocells"]["hidden"])

    def test_trend_has_one_point_per_run_with_parity(self) -> None:
        trend = self.report["trend"]
        self.assertEqual([history.FIRST, history.SECOND],
                         [p["started_at"] for p in trend["cells-single"]])
        self.assertEqual([round(22 / 24, 4), 0.875], [p["parity"] for p in trend["cells-single"]])
        self.assertEqual([None, None], [p["parity"] for p in trend["nocells"]])
        self.assertEqual(["a1", "b2"], [p["commit"] for p in trend["nocells"]])
        one = pr.build_dashboard(self.history, trend_runs=1)
        self.assertEqual(1, len(one["trend"]["cells-single"]))
        self.assertEqual([], one["regressions"])

    def test_without_a_baseline_there_is_no_baseline_parity(self) -> None:
        report = pr.build_dashboard([s for s in self.history if s["job"] != "nocells"])
        pr.validate_report(report)
        self.assertEqual((None, {}), (report["baseline"], report["baseline_parity"]))

    def test_a_partial_run_is_marked(self) -> None:
        partial = {**self.history[-1], "test_filter": "hosts"}
        report = pr.build_dashboard([*self.history[:-1], partial])
        jobs = {job["job"]: job for job in report["jobs"]}
        self.assertEqual((True, False), (jobs["cells-single"]["partial"],
                                         jobs["nocells"]["partial"]))
        self.assertTrue(report["trend"]["cells-single"][-1]["partial"])
        page = render_html(report)
        self.assertIn("<b>cells-single</b> ran only the tests matching --filter "
                      "<code>hosts</code>", page)
        self.assertIn('cells-single <span class="tag part">PARTIAL</span>', page)
        self.assertIn('fill="#fff"', page)  # its point in the chart is hollow
