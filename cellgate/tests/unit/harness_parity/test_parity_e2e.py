"""End to end: two runs of two jobs appended to one store, one with a planted regression, then
`cellgate parity` over the store; and the page opened in headless Chromium."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import fixtures
import testtools

from cellgate.harness import results_store as rs
from cellgate.harness.parity import run_parity
from cellgate.tests.unit.harness_parity import history, recorded

AREAS = ("cells", "flavors", "hosts", "images", "versions")
_BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _chromium() -> str | None:
    return next(filter(None, map(shutil.which, _BROWSERS)), None)


def open_in_chromium(browser: str, page: Path, profile: Path, *args: str) -> tuple[str, list]:
    """Load `page` headless; returns the rendered DOM (or nothing, with other `args`) and the
    console errors Chromium logged (uncaught exceptions, failed loads)."""
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                           *(args or ("--dump-dom",)), page.as_uri()],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    errors = [line for line in done.stderr.splitlines()
              if ":CONSOLE" in line or "ERR_FILE_NOT_FOUND" in line]
    return done.stdout, errors


class StoreToPageTest(testtools.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = Path(self.useFixture(fixtures.TempDir()).path)
        self.url = f"sqlite:///{self.dir / 'results.db'}"
        for summary, commit in history.two_runs_of_two_jobs(self.dir):
            rs.append_run(self.url, summary, commit=commit)
        self.json_path, self.html_path = self.dir / "parity.json", self.dir / "parity.html"
        self.out = io.StringIO()
        self.code = run_parity(results=[], stores=[self.url], json_path=str(self.json_path),
                               html_path=str(self.html_path), out=self.out)
        self.report = json.loads(self.json_path.read_text(encoding="utf-8"))
        self.page = self.html_path.read_text(encoding="utf-8")

    def test_the_json_names_the_regression_and_the_trend_has_two_points(self) -> None:
        self.assertEqual(1, self.code, self.out.getvalue())  # cells-single votes and failed
        self.assertEqual([("cells-single", recorded.PLANTED)],
                         [(r["job"], r["id"]) for r in self.report["regressions"]])
        self.assertEqual({"nocells": 2, "cells-single": 2},
                         {job: len(points) for job, points in self.report["trend"].items()})
        self.assertEqual(["a1", "b2"], [p["commit"] for p in self.report["trend"]["nocells"]])

    def test_the_page_names_every_area_and_the_regression_first(self) -> None:
        for area in AREAS:
            self.assertIn(f'<th class="area">{area}</th>', self.page)
        self.assertLess(self.page.index("REGRESSION"), self.page.index("Areas &times; jobs"))
        self.assertIn("https://bugs.example.org/cellgate/7", self.page)
        self.assertIn("STALE", self.page)
        self.assertNotIn("<script", self.page)
        self.assertIsNone(re.search(r'(?:src|href)="(?!https?://bugs)', self.page))

    def test_the_page_renders_in_headless_chromium_without_errors(self) -> None:
        browser = _chromium()
        if browser is None:
            self.skipTest("no chromium binary on PATH (install the distribution's chromium "
                          "package; .ci/run does)")
        profile = self.dir / "profile"
        dom, errors = open_in_chromium(browser, self.html_path, profile)
        self.assertEqual([], errors)
        points = sum(len(p) for p in self.report["trend"].values())
        self.assertEqual(points, len(re.findall(r'<circle class="point"', dom)))
        # passed-count lines of both jobs and the parity line of the cells job
        self.assertEqual(3, len(re.findall(r'<polyline class="series"', dom)))
        for area in AREAS:
            self.assertIn(f'<th class="area">{area}</th>', dom)
        shot = self.dir / "page.png"
        _, errors = open_in_chromium(browser, self.html_path, profile, "--hide-scrollbars",
                                     "--window-size=1300,2000", f"--screenshot={shot}")
        self.assertEqual([], errors)
        self.assertEqual(b"\x89PNG", shot.read_bytes()[:4])

    def test_the_error_check_sees_a_script_error(self) -> None:
        browser = _chromium()
        if browser is None:
            self.skipTest("no chromium binary on PATH")
        bad = self.dir / "bad.html"
        bad.write_text("<html><body><script>throw new Error('boom')</script></body></html>",
                       encoding="utf-8")
        _, errors = open_in_chromium(browser, bad, self.dir / "profile")
        self.assertEqual(1, len(errors))
        self.assertIn("boom", errors[0])
