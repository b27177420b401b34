"""`cellgate serve` as a process: bad input, clouds.yaml, ready.json, clean SIGTERM."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import fixtures
import requests
import testtools
import yaml

from cellgate.cloud.process import CloudProcess, CloudProcessError
from cellgate.cloud.server import ServeError, parse_db_urls


def _serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cellgate", "serve", *args],
                          capture_output=True, text=True, timeout=60)


class ServeErrorsTest(testtools.TestCase):
    def test_bad_input_exits_2_with_a_clear_message(self):
        folder = self.useFixture(fixtures.TempDir()).path
        cases = (
            (("--topology", "no-such-topology"), "no such topology"),
            (("--host-profile", "no-such-profile"), "no such host profile"),
            (("--db-url", "nonsense"), "expected CELL=URL"),
            (("--db-url", "api=nodialect://x"), "not a usable SQLAlchemy URL"),
            (("--db-url", "cell9=sqlite:///x.sqlite"), "unknown cell"),
        )
        for args, needle in cases:
            result = _serve("--state-dir", folder, *args)
            self.assertEqual(2, result.returncode, args)
            self.assertIn(needle, result.stderr, args)
            self.assertNotIn("Traceback", result.stderr, args)

    def test_parse_db_urls(self):
        self.assertEqual({"api": "sqlite:////tmp/a.sqlite"},
                         parse_db_urls(["api=sqlite:////tmp/a.sqlite"]))
        self.assertRaises(ServeError, parse_db_urls, ["=sqlite://"])

    def test_child_that_dies_reports_its_stderr(self):
        cloud = CloudProcess(topology="no-such-topology", startup_timeout=30)
        # fixtures wraps a failed set-up: the first exception is ours
        error = self.assertRaises(fixtures.MultipleExceptions, cloud.setUp)
        first = error.args[0][1]
        self.assertIsInstance(first, CloudProcessError)
        self.assertIn("no such topology", str(first))


class ServeProcessTest(testtools.TestCase):
    def test_clouds_yaml_ready_json_and_clean_shutdown(self):
        cloud = CloudProcess(topology="nocells")
        cloud.setUp()
        self.addCleanup(cloud.cleanUp)
        state = Path(cloud.state_dir)
        ready = state / "ready.json"
        self.assertTrue(ready.exists())
        clouds = yaml.safe_load(Path(cloud.clouds_yaml).read_text(encoding="utf-8"))["clouds"]
        self.assertEqual({"cellgate-admin", "cellgate-member1", "cellgate-member2",
                          "cellgate-member3"}, set(clouds))
        member3 = clouds["cellgate-member3"]
        self.assertEqual("project-b", member3["auth"]["project_name"])
        self.assertEqual(cloud.identity_url, member3["auth"]["auth_url"])
        self.assertEqual("RegionOne", member3["region_name"])
        self.assertEqual(3, member3["identity_api_version"])
        self.assertEqual(200, requests.get(cloud.base_url + "/", timeout=10).status_code)
        pid = cloud.pid
        cloud.stop()
        self.assertFalse(ready.exists(), "a clean shutdown removes ready.json")
        self.assertRaises(ProcessLookupError, os.kill, pid, 0)
