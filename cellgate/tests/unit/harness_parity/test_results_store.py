"""The results store: recorded gate runs appended to a subunit2sql-shaped database."""

from __future__ import annotations

from pathlib import Path

import fixtures
import sqlalchemy
import testtools

from cellgate.harness import results_store as rs
from cellgate.harness import summary as sm
from cellgate.tests.unit.harness_parity import recorded

LISTED = ("cellgate.tests.api.images.test_images.ImagesTest.test_list_filtered_by_name"
          "[id-8cb26b56-610a-4740-8cd0-e17a9ebfb327]")


class ResultsStoreTest(testtools.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = Path(self.useFixture(fixtures.TempDir()).path)
        self.url = f"sqlite:///{self.dir / 'results.db'}"

    def _append(self, name: str, job: str, **kwargs) -> str:
        summary = recorded.summary_of(recorded.stream(name), job=job, **kwargs)
        return rs.append_run(self.url, summary, commit="c0ffee")

    def test_the_schema_has_subunit2sql_tables_and_statuses(self) -> None:
        self._append("cells-single", "cells-single")
        engine = sqlalchemy.create_engine(self.url)
        names = set(sqlalchemy.inspect(engine).get_table_names())
        self.assertTrue({"runs", "tests", "test_runs", "run_metadata", "test_run_metadata",
                         "test_metadata", "attachments"} <= names, names)
        with engine.connect() as conn:
            run = conn.execute(sqlalchemy.text("select passes, fails, skips from runs")).one()
            statuses = dict(conn.execute(sqlalchemy.text(
                "select status, count(*) from test_runs group by status")).all())
        engine.dispose()
        self.assertEqual((22, 0, 2), tuple(run))
        self.assertEqual({"success": 22, "skip": 2}, statuses)

    def test_run_metadata_and_skip_reasons_round_trip(self) -> None:
        self._append("nocells", "nocells")
        self._append("cells-single", "cells-single", test_filter="images")
        runs = rs.load_runs(self.url)
        self.assertEqual(["nocells", "cells-single"], [run["job"] for run in runs])
        cells = runs[1]
        self.assertEqual(("c0ffee", "single-cell", True, "images"),
                         (cells["commit"], cells["topology"], cells["voting"],
                          cells["test_filter"]))
        self.assertEqual(recorded.summary_of(recorded.stream("cells-single"),
                                             job="cells-single")["counts"], cells["counts"])
        by_id = {test["id"]: test for test in cells["tests"]}
        listed = by_id[LISTED]
        self.assertEqual((sm.SKIPPED_BY_LIST, "https://bugs.example.org/cellgate/7", "skip.yaml"),
                         (listed["status"], listed["bug"], listed["skiplist"]))
        flag = [t for t in cells["tests"] if t["status"] == sm.SKIPPED_BY_FLAG]
        self.assertEqual(1, len(flag))
        self.assertIn("cpu_pinning is not set", flag[0]["skip_reason"])
        self.assertEqual("flavors", flag[0]["area"])

    def test_a_failure_keeps_its_traceback_and_tests_count_runs(self) -> None:
        planted = recorded.planted(recorded.stream("nocells"), self.dir / "planted.subunit")
        self._append("nocells", "nocells")
        rs.append_run(self.url, recorded.summary_of(planted, job="nocells"))
        latest = rs.load_runs(self.url)[-1]
        failed = [t for t in latest["tests"] if t["status"] == sm.FAILED]
        self.assertEqual([recorded.PLANTED], [t["id"] for t in failed])
        self.assertTrue(failed[0]["details"].strip())
        engine = sqlalchemy.create_engine(self.url)
        with engine.connect() as conn:
            counters = conn.execute(sqlalchemy.text(
                "select run_count, success, failure from tests where test_id = :t"),
                {"t": recorded.PLANTED}).one()
        engine.dispose()
        self.assertEqual((2, 1, 1), tuple(counters))

    def test_last_keeps_the_newest_runs_of_each_job(self) -> None:
        for hour in (1, 2, 3):
            self._append("nocells", "nocells", started_at=f"2026-12-01T0{hour}:00:00+00:00")
        self._append("cells-single", "cells-single")
        kept = rs.load_runs(self.url, last=2)
        self.assertEqual(["2026-12-01T02:00:00+00:00", "2026-12-01T03:00:00+00:00"],
                         [run["started_at"] for run in kept if run["job"] == "nocells"])
        self.assertEqual(1, len([run for run in kept if run["job"] == "cells-single"]))

    def test_a_bad_url_is_a_store_error(self) -> None:
        self.assertRaises(rs.StoreError, rs.open_store, "nosuchdialect://x")

    def test_default_store_is_inside_the_output_folder(self) -> None:
        self.assertEqual(f"sqlite:///{self.dir / 'out' / 'results.db'}",
                         rs.default_store_url(self.dir / "out"))
