"""Parity reports built from gate summaries."""

from __future__ import annotations

import io
import json
import os

import fixtures
import testtools

from cellgate.harness import parity
from cellgate.harness import summary as sm

A = "cellgate.tests.api.flavors.test_f.T.test_a[id-1]"
B = "cellgate.tests.api.servers.test_s.T.test_b[id-2]"
C = "cellgate.tests.api.servers.test_s.T.test_c[id-3]"


def _summary(job: str, voting: bool, statuses: dict[str, str]) -> dict:
    outcomes = [sm.TestOutcome(id=t, status=s, area=sm.area_or_other(t))
                for t, s in statuses.items()]
    return sm.build_summary(outcomes, job=job, voting=voting, topology=job, duration=1.0,
                            started_at="t")


class ParityTest(testtools.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.folders = []
        for job, voting, statuses in (
                ("nocells", True, {A: sm.PASSED, B: sm.PASSED, C: sm.PASSED}),
                ("cells-multi", False, {A: sm.PASSED, B: sm.FAILED, C: sm.SKIPPED_BY_LIST})):
            folder = os.path.join(self.dir, job)
            os.makedirs(folder)
            with open(os.path.join(folder, "summary.json"), "w", encoding="utf-8") as handle:
                json.dump(_summary(job, voting, statuses), handle)
            self.folders.append(folder)

    def test_report_per_area_and_job(self) -> None:
        json_path = os.path.join(self.dir, "out", "parity.json")
        html_path = os.path.join(self.dir, "out", "parity.html")
        self.assertEqual(0, parity.run_parity(results=self.folders, json_path=json_path,
                                              html_path=html_path, out=open(os.devnull, "w")))
        with open(json_path, encoding="utf-8") as handle:
            report = json.load(handle)
        servers = report["areas"]["servers"]
        self.assertEqual({"passed": 0, "failed": 1, "skipped_by_flag": 0, "skipped_by_list": 1,
                          "total": 2}, servers["cells-multi"])
        self.assertEqual(2, servers["nocells"]["passed"])
        self.assertEqual({"flavors": 1.0, "servers": 0.0}, report["area_parity_ratio"])
        self.assertEqual(round(1 / 3, 4), report["parity_ratio"])
        self.assertEqual(1.0, report["jobs"][0]["pass_ratio"])
        self.assertEqual([(B, {"nocells": "passed", "cells-multi": "failed"}),
                          (C, {"nocells": "passed", "cells-multi": "skipped_by_list"})],
                         [(t["id"], t["status"]) for t in report["not_passing_everywhere"]])
        with open(html_path, encoding="utf-8") as handle:
            page = handle.read()
        self.assertIn("<th class=\"area\">servers</th>", page)
        self.assertIn("non-voting", page)
        self.assertIn("33.3%", page)

    def test_exit_code_follows_the_voting_jobs(self) -> None:
        def run(folders: list[str]) -> int:
            return parity.run_parity(results=folders, json_path=f"{self.dir}/p.json",
                                     html_path=f"{self.dir}/p.html", out=open(os.devnull, "w"))

        self.assertEqual(0, run(self.folders))  # only the non-voting job failed
        failing = os.path.join(self.dir, "cells-single")
        os.makedirs(failing)
        with open(os.path.join(failing, "summary.json"), "w", encoding="utf-8") as handle:
            json.dump(_summary("cells-single", True, {A: sm.PASSED, B: sm.FAILED}), handle)
        self.assertEqual(1, run([*self.folders, failing]))

    def test_folder_without_summary(self) -> None:
        error = self.assertRaises(parity.ParityError, parity.load_summary, self.dir)
        self.assertIn("summary.json", str(error))

    def test_same_job_twice(self) -> None:
        summaries = [parity.load_summary(self.folders[0])] * 2
        self.assertRaises(parity.ParityError, parity.build_report, summaries)

    def test_filtered_run_is_flagged(self) -> None:
        folder = os.path.join(self.dir, "cells-single")
        os.makedirs(folder)
        partial = {**_summary("cells-single", True, {A: sm.PASSED}), "test_filter": "test_a"}
        with open(os.path.join(folder, "summary.json"), "w", encoding="utf-8") as handle:
            json.dump(partial, handle)
        out = io.StringIO()
        parity.run_parity(results=[*self.folders, folder], json_path=f"{self.dir}/p.json",
                          html_path=f"{self.dir}/p.html", out=out)
        self.assertIn("warning: job cells-single ran only the tests matching --filter "
                      "'test_a'", out.getvalue())
        self.assertNotIn("job nocells ran only", out.getvalue())
        with open(f"{self.dir}/p.json", encoding="utf-8") as handle:
            jobs = {job["job"]: job for job in json.load(handle)["jobs"]}
        self.assertEqual(("test_a", None), (jobs["cells-single"]["test_filter"],
                                            jobs["nocells"]["test_filter"]))
