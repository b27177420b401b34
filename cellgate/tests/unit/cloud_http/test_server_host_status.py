"""host_status (admins, 2.16+) comes from the host's nova-compute service, as Nova's."""

from __future__ import annotations

import time

import testtools

from cellgate.cloud.api.views import servers as views
from cellgate.tests.unit.cloud_http.support import InProcessCloud


class HostStatusesTest(testtools.TestCase):
    def test_service_states(self):
        services = [
            {"binary": "nova-compute", "host": "up", "status": "enabled", "state": "up"},
            {"binary": "nova-compute", "host": "off", "status": "disabled", "state": "up"},
            {"binary": "nova-compute", "host": "forced", "status": "disabled",
             "state": "down", "forced_down": True},
            {"binary": "nova-compute", "host": "silent", "status": "enabled",
             "state": "down"},
            {"binary": "nova-scheduler", "host": "sched", "status": "enabled",
             "state": "up"}]
        self.assertEqual({"up": "UP", "off": "MAINTENANCE", "forced": "DOWN",
                          "silent": "UNKNOWN"}, views.host_statuses(services))

    def test_shown_to_admins_from_2_16(self):
        env = self.useFixture(InProcessCloud("nocells"))
        resp = env.request("POST", "/compute/v2.1/servers", version="2.61", body={
            "server": {"name": "hs", "imageRef": env.image_id(), "flavorRef": "1",
                       "networks": "none"}})
        sid = resp.get_json()["server"]["id"]
        for _ in range(4000):  # bounded poll until the build has put it on a host
            if env.request("GET", f"/compute/v2.1/servers/{sid}").get_json()[
                    "server"]["status"] == "ACTIVE":
                break
            time.sleep(0.005)
        for version, user, expected in (("2.16", "admin", True), ("2.15", "admin", False),
                                        ("2.16", "member1", False)):
            body = env.request("GET", f"/compute/v2.1/servers/{sid}", user=user,
                               version=version).get_json()["server"]
            self.assertEqual(expected, "host_status" in body, (version, user))
            if expected:
                self.assertEqual("UP", body["host_status"])
