"""SIGKILL `cellgate serve` mid-build, restart it on the same state dir: nothing is lost."""

from __future__ import annotations

import time
from pathlib import Path

import fixtures
import testtools
import yaml

from cellgate.cloud.process import CloudProcess
from cellgate.cloud.topology import load_topology
from cellgate.tests.unit.cloud_http.support import HttpSession


def _slow_topology(folder: str) -> str:
    source = Path(load_topology("single-cell").source)
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    for profile in document["profiles"].values():
        profile["spawn_latency_ms"] = 2000
    document["name"] = "slow-single-cell"
    path = Path(folder) / "slow.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return str(path)


class CrashRestartTest(testtools.TestCase):
    def test_kill_mid_build_and_restart(self):
        folder = self.useFixture(fixtures.TempDir()).path
        state = str(Path(folder) / "state")
        cloud = self.useFixture(CloudProcess(topology=_slow_topology(folder), state_dir=state))
        clouds_before = Path(cloud.clouds_yaml).read_text(encoding="utf-8")
        admin = HttpSession(cloud.clouds_yaml, "cellgate-admin")
        member = HttpSession(cloud.clouds_yaml, "cellgate-member1")
        resp = admin.post("/flavors", {"flavor": {"name": "kept", "id": "kept", "ram": 64,
                                                  "vcpus": 1, "disk": 0}})
        self.assertEqual(200, resp.status_code, resp.text)
        image = member.http.get(member.image + "/v2/images", timeout=30).json()["images"][0]
        boot = {"server": {"name": "done", "imageRef": image["id"], "flavorRef": "kept",
                           "networks": "none"}}
        done_id = member.post("/servers", boot).json()["server"]["id"]
        self._wait(member, done_id, {"ACTIVE"}, 20)
        boot["server"]["name"] = "in-flight"
        inflight_id = member.post("/servers", boot).json()["server"]["id"]
        time.sleep(0.2)
        self.assertEqual("BUILD", member.get(f"/servers/{inflight_id}").json()["server"][
            "status"])
        old_pid = cloud.pid
        cloud.kill()
        cloud.restart()
        self.assertNotEqual(old_pid, cloud.pid)
        self.assertEqual(_passwords(clouds_before),
                         _passwords(Path(cloud.clouds_yaml).read_text(encoding="utf-8")))
        old_token = member.token
        member = HttpSession(cloud.clouds_yaml, "cellgate-member1")
        member.http.headers["X-Auth-Token"] = old_token  # tokens live in the API database
        ids = {s["id"] for s in member.get("/servers").json()["servers"]}
        self.assertTrue({done_id, inflight_id} <= ids, ids)
        self.assertEqual("ACTIVE", member.get(f"/servers/{done_id}").json()["server"]["status"])
        self.assertEqual(200, member.get("/flavors/kept").status_code)
        final = self._wait(member, inflight_id, {"ACTIVE", "ERROR"}, 20)
        self.assertIn(final, ("ACTIVE", "ERROR"))

    def _wait(self, session: HttpSession, server_id: str, statuses: set[str],
              timeout: float) -> str:
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            status = session.get(f"/servers/{server_id}").json()["server"]["status"]
            if status in statuses:
                return status
            time.sleep(0.05)
        self.fail(f"server {server_id} still {status} after {timeout} s")


def _passwords(text: str) -> dict[str, str]:
    clouds = yaml.safe_load(text)["clouds"]
    return {name: entry["auth"]["password"] for name, entry in clouds.items()}
