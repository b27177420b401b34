"""The vote of `cellgate gate`, proved by running the real CLI in a temp dir.

Each run starts a real reference cloud (`cellgate serve` child process) for a job file written
here, with a narrow test filter so it stays fast.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import textwrap

import fixtures
import requests
import testtools

from cellgate.cloud.process import CloudProcess
from cellgate.harness.testids import area_of
from cellgate.harness.testlist import list_tests

TOPOLOGY = """
name: broken-cell
description: one child cell whose only host fails every spawn
cells_enabled: true
profiles:
  broken:
    vcpus: 64
    memory_mb: 65536
    disk_gb: 1000
    faults: {fail_all_spawns: %s}
cells:
  - name: cell1
    hosts:
      - {name: cell1-compute1, profile: broken}
"""


class _GateCli(testtools.TestCase):
    """Helpers to run `python -m cellgate gate` in a temp dir (two classes: two workers)."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.all_tests = list_tests()

    def setUp(self) -> None:
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.output = os.path.join(self.dir, "out")

    def write(self, name: str, text: str) -> str:
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(textwrap.dedent(text))
        return path

    def pick(self, pattern: str, count: int) -> list[str]:
        chosen = [t for t in self.all_tests if re.search(pattern, t)][:count]
        if len(chosen) < count:
            self.fail(f"the suite has fewer than {count} tests matching {pattern!r}")
        return chosen

    def job(self, *, tests: list[str], fail_spawns: bool = False, skips: str = "skips: []\n",
            voting: bool = True) -> str:
        self.write("topology.yaml", TOPOLOGY % str(fail_spawns).lower())
        self.write("skips.yaml", skips)
        test_filter = "^(" + "|".join(re.escape(t) for t in tests) + ")$"
        return self.write("job.yaml", f"""
            name: unit-job
            topology: topology.yaml
            skiplist: skips.yaml
            voting: {str(voting).lower()}
            concurrency: 2
            test_filter: {json.dumps(test_filter)}
            """)

    def gate(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cellgate", "gate", *args,
                               "--output", self.output], cwd=self.dir, capture_output=True,
                              text=True, timeout=300, stdin=subprocess.DEVNULL,
                              env={**os.environ, "CI": "true"})

    def summary(self) -> dict:
        with open(os.path.join(self.output, "summary.json"), encoding="utf-8") as handle:
            return json.load(handle)


class GateVoteTest(_GateCli):
    """A reference cloud starts: the vote, and list skips in summary.json."""

    def test_failing_spawns_vote_against(self) -> None:
        tests = self.pick(r"\.api\.servers\.test_servers\.", 3)
        proc = self.gate("--job-file", self.job(tests=tests, fail_spawns=True))
        self.assertEqual(1, proc.returncode, proc.stdout + proc.stderr)
        summary = self.summary()
        self.assertGreater(summary["counts"]["failed"], 0)
        details = " ".join(t.get("details", "") for t in summary["tests"])
        self.assertIn("fails every spawn", details)  # failed because of the fault plan
        status = {t["id"]: t["status"] for t in summary["tests"]}
        self.assertEqual(["failed"] * 3, [status.get(t) for t in tests])
        self.assertEqual("fail", summary["result"])
        self.assertIn("Failures:", proc.stdout)
        self.assertNotIn("Traceback", proc.stderr)
        self.assertTrue(os.path.getsize(os.path.join(self.output, "results.subunit")) > 0)

    def test_run_listed_keeps_the_vote_and_names_entries_that_now_pass(self) -> None:
        passing = self.pick(r"\.api\.identity\.test_tokens\.", 2)
        failing = self.pick(r"\.api\.servers\.test_servers\.ServersTest\.", 1)[0]
        uuid = re.search(r"\[id-([0-9a-f-]{36})", passing[0]).group(1)
        skips = (f"skips:\n  - {{id: {uuid}, reason: was flaky, bug: B1, "
                 f"area: {area_of(passing[0])}}}\n"
                 f"  - {{regex: {json.dumps(re.escape(failing))}, reason: boots fail, "
                 f"bug: B2, area: servers}}\n")
        job = self.job(tests=passing + [failing], fail_spawns=True, skips=skips)
        proc = self.gate("--job-file", job, "--run-listed")
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
        summary = self.summary()
        self.assertEqual((1, 0, 2), (summary["counts"]["passed"], summary["counts"]["failed"],
                                     summary["counts"]["skipped_by_list"]))
        ran = {t["id"]: t.get("listed_result") for t in summary["tests"]}
        self.assertEqual(("passed", "failed", None),
                         (ran[passing[0]], ran[failing], ran[passing[1]]))
        self.assertEqual([{"file": "skips.yaml", "entry": f"entry 0 (id {uuid})", "bug": "B1",
                           "tests": [passing[0]]}], summary["now_passing_entries"])
        self.assertIn("Skiplist entries whose tests all pass now (remove them):", proc.stdout)
        self.assertIn(f"skips.yaml entry 0 (id {uuid}) (bug B1): 1 test(s)", proc.stdout)

    def test_list_skipped_tests_are_reported_with_reason(self) -> None:
        tests = self.pick(r"\.api\.identity\.", 3)
        listed = tests[0]
        uuid = re.search(r"\[id-([0-9a-f-]{36})", listed).group(1)
        skips = (f"skips:\n  - {{id: {uuid}, reason: tokens are flaky here, "
                 f"bug: https://bugs.example.org/7, area: {area_of(listed)}}}\n")
        proc = self.gate("--job-file", self.job(tests=tests, skips=skips))
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
        summary = self.summary()
        self.assertEqual({"passed": 2, "failed": 0, "skipped_by_flag": 0, "skipped_by_list": 1,
                          "total": 3}, summary["counts"])
        entry = next(t for t in summary["tests"] if t["id"] == listed)
        self.assertEqual(("skipped_by_list", "tokens are flaky here",
                          "https://bugs.example.org/7", "skips.yaml"),
                         (entry["status"], entry["skip_reason"], entry["bug"], entry["skiplist"]))
        self.assertIn("tokens are flaky here (bug https://bugs.example.org/7", proc.stdout)

    def test_cloud_that_does_not_start_in_time_is_an_error(self) -> None:
        path = self.job(tests=self.all_tests[:1])
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("startup_timeout: 0.001\n")
        proc = self.gate("--job-file", path)
        self.assertEqual(2, proc.returncode, proc.stdout + proc.stderr)
        self.assertIn("failed to start", proc.stderr)
        self.assertIn("was not ready after", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)


class GateUsageTest(_GateCli):
    """Runs that start no cloud: empty selections and errors that stop the gate."""

    def test_empty_selection_votes_against(self) -> None:
        proc = self.gate("--job-file", self.job(tests=["no.such.test"]))
        self.assertEqual(1, proc.returncode, proc.stdout + proc.stderr)
        self.assertIn("no test ran", proc.stdout)
        self.assertEqual(0, self.summary()["counts"]["total"])

    def test_bad_skiplist_names_the_entry(self) -> None:
        skips = "skips:\n  - {regex: 'nothing-matches-this', reason: r, bug: LP1, area: servers}\n"
        os.makedirs(self.output)
        stale = os.path.join(self.output, "summary.json")
        with open(stale, "w", encoding="utf-8") as handle:
            handle.write("{}")
        proc = self.gate("--job-file", self.job(tests=self.all_tests[:1], skips=skips))
        self.assertEqual(2, proc.returncode, proc.stdout + proc.stderr)
        self.assertFalse(os.path.exists(stale), "a stopped run left an old summary behind")
        self.assertIn("skips.yaml", proc.stderr)
        self.assertIn("entry 0 (regex 'nothing-matches-this')", proc.stderr)
        self.assertIn("matches no test", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)

    def test_unreachable_cloud_is_an_error(self) -> None:
        with socket.socket() as sock:  # a loopback port nobody listens on once closed
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        config = self.write("cloud.conf", f"""
            [auth]
            admin_username = admin
            admin_password = secret
            admin_project_name = admin
            member_username = member
            member_password = secret
            member_project_name = demo
            [identity]
            uri_v3 = http://127.0.0.1:{port}/identity/v3
            [compute]
            image_ref = 7c1e6a3c-5a7d-4f0e-9a51-0c6c5f1b2a10
            image_ref_alt = 7c1e6a3c-5a7d-4f0e-9a51-0c6c5f1b2a10
            flavor_ref = 1
            flavor_ref_alt = 2
            """)
        proc = self.gate("--config", config)
        self.assertEqual(2, proc.returncode, proc.stdout + proc.stderr)
        self.assertIn(f"cannot authenticate at http://127.0.0.1:{port}/identity/v3", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)

    def test_unknown_job_lists_the_known_ones(self) -> None:
        proc = subprocess.run([sys.executable, "-m", "cellgate", "gate", "--job", "nope"],
                              cwd=os.path.dirname(__file__), capture_output=True, text=True)
        self.assertEqual(2, proc.returncode)
        self.assertIn("unknown gate job 'nope'", proc.stderr)
        self.assertIn("cells-single", proc.stderr)


class GateAgainstRunningCloudTest(_GateCli):
    """`gate --config` runs the suite against a cloud it did not start (as a real cloud)."""

    def cellgate(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cellgate", *args], cwd=self.dir,
                              capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)

    def test_generated_config_runs_the_suite(self) -> None:
        cloud = self.useFixture(CloudProcess(topology="single-cell"))
        config = os.path.join(self.dir, "running.conf")
        generated = self.cellgate(
            "config", "generate", "--clouds-yaml", cloud.clouds_yaml,
            "--admin-cloud", "cellgate-admin", "--member-cloud", "cellgate-member1",
            "--member-peer-cloud", "cellgate-member2", "--alt-cloud", "cellgate-member3",
            "--cells", "1", "-o", config)
        self.assertEqual(0, generated.returncode, generated.stderr)
        checked = self.cellgate("config", "check", config)
        self.assertEqual(0, checked.returncode, checked.stdout + checked.stderr)
        chosen = self.pick(r"\.api\.identity\.test_tokens\.", 4)
        proc = self.gate("--config", config, "--filter",
                         "^(" + "|".join(re.escape(t) for t in chosen) + ")$")
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
        summary = self.summary()
        self.assertEqual((4, 0), (summary["counts"]["passed"], summary["counts"]["failed"]),
                         summary["counts"])
        self.assertEqual(sorted(chosen), sorted(t["id"] for t in summary["tests"]))
        still_up = requests.get(cloud.identity_url, timeout=10)
        self.assertEqual(200, still_up.status_code, "the gate stopped a cloud it did not start")
