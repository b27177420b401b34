"""The drop-in CI role (roles/cellgate-gate) run with ansible-playbook against localhost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import fixtures
import testtools

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK = ROOT / "playbooks" / "cellgate-gate.yaml"


class CiRoleTest(testtools.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.playbook = shutil.which("ansible-playbook", path=str(Path(sys.executable).parent))
        if self.playbook is None or not PLAYBOOK.is_file():
            self.skipTest("ansible-playbook (the test extra ansible-core) or the checkout's "
                          "playbooks/ is missing")
        self.dir = Path(self.useFixture(fixtures.TempDir()).path)

    def _play(self, *gate_args: str) -> subprocess.CompletedProcess:
        cellgate = Path(sys.executable).parent / "cellgate"
        extra = {"cellgate_install": False, "cellgate_executable": str(cellgate),
                 "cellgate_job": "nocells", "cellgate_gate_args": list(gate_args),
                 "cellgate_workdir": str(self.dir), "cellgate_output": str(self.dir / "out"),
                 "cellgate_store": f"sqlite:///{self.dir / 'results.db'}",
                 "cellgate_log_dir": str(self.dir / "logs"),
                 "ansible_python_interpreter": sys.executable}
        env = {**os.environ, "ANSIBLE_ROLES_PATH": str(ROOT / "roles"),
               "ANSIBLE_HOME": str(self.dir / "ansible"),
               "ANSIBLE_LOCAL_TEMP": str(self.dir / "ansible" / "tmp"),
               "ANSIBLE_NOCOLOR": "1"}
        return subprocess.run([self.playbook, "-i", "localhost,", "-c", "local", str(PLAYBOOK),
                               "-e", json.dumps(extra)], capture_output=True, text=True,
                              timeout=300, env=env, stdin=subprocess.DEVNULL)

    def test_the_role_runs_the_job_and_collects_its_logs(self) -> None:
        proc = self._play("--filter", r"api\.versions\.test_versions")
        self.assertEqual(0, proc.returncode, proc.stdout[-3000:] + proc.stderr[-2000:])
        logs = self.dir / "logs"
        self.assertEqual({f"nocells-{name}" for name in (
            "console.txt", "results.subunit", "results.xml", "summary.json", "leaks.json",
            "parity.json", "parity.html")}, {p.name for p in logs.iterdir()})
        summary = json.loads((logs / "nocells-summary.json").read_text(encoding="utf-8"))
        self.assertEqual(("nocells", "pass"), (summary["job"], summary["result"]))
        self.assertIn("<testsuite", (logs / "nocells-results.xml").read_text(encoding="utf-8"))

    def test_a_job_that_votes_against_fails_the_play_after_collecting(self) -> None:
        proc = self._play("--filter", "no-test-has-this-name")
        self.assertEqual(2, proc.returncode, proc.stdout[-3000:])  # ansible: a task failed
        self.assertIn("cellgate gate --job nocells failed (exit 1)", proc.stdout)
        console = (self.dir / "logs" / "nocells-console.txt").read_text(encoding="utf-8")
        self.assertIn("no test ran", console)
