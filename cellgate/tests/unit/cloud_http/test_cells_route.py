"""GET /cellgate/v1/cells: the cells and their hosts, admin only; required traits refused."""

from __future__ import annotations

import time

import testtools

from cellgate.cloud.cells.scheduler import CellScheduler, HostScheduler, required_traits
from cellgate.tests.unit.cloud_http.support import InProcessCloud

C = "/compute/v2.1"


class CellsRouteTest(testtools.TestCase):

    def test_lists_each_cell_with_its_hosts(self):
        env = self.useFixture(InProcessCloud("multi-cell"))
        resp = env.request("GET", "/cellgate/v1/cells", user="admin")
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual(
            [{"name": "cell1", "hosts": ["cell1-compute1", "cell1-compute2"]},
             {"name": "cell2", "hosts": ["cell2-compute1", "cell2-compute2", "cell2-compute3"]}],
            [{"name": c["name"], "hosts": c["hosts"]} for c in resp.get_json()["cells"]])

    def test_member_is_refused_and_token_needed(self):
        env = self.useFixture(InProcessCloud("nocells"))
        resp = env.request("GET", "/cellgate/v1/cells")
        self.assertEqual(403, resp.status_code)
        self.assertIn("cellgate:cells:list", resp.get_json()["forbidden"]["message"])
        self.assertEqual(401, env.request("GET", "/cellgate/v1/cells", user=None).status_code)

    def test_required_trait_no_host_has_ends_in_error(self):
        env = self.useFixture(InProcessCloud("single-cell"))
        flavor = env.request("POST", f"{C}/flavors", user="admin", body={"flavor": {
            "name": "traits", "ram": 64, "vcpus": 1, "disk": 1}}).get_json()["flavor"]
        env.request("POST", f"{C}/flavors/{flavor['id']}/os-extra_specs", user="admin",
                    body={"extra_specs": {"trait:CUSTOM_CELLGATE_UNOBTAINABLE": "required"}})
        resp = env.request("POST", f"{C}/servers", version="2.61", body={"server": {
            "name": "vm", "imageRef": env.image_id(), "flavorRef": flavor["id"],
            "networks": "none"}})
        server_id = resp.get_json()["server"]["id"]
        self.addCleanup(env.request, "DELETE", f"{C}/servers/{server_id}", user="admin")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            server = env.request("GET", f"{C}/servers/{server_id}").get_json()["server"]
            if server["status"] != "BUILD":
                break
            time.sleep(0.002)
        self.assertEqual("ERROR", server["status"])
        self.assertTrue(server["fault"]["message"].startswith("No valid host was found."))


class TraitFilterTest(testtools.TestCase):

    FLAVOR = {"vcpus": 1, "ram": 64, "disk": 1,
              "extra_specs": {"trait:CUSTOM_X": "required", "trait:CUSTOM_Y": "forbidden"}}
    HOST = {"host": "h1", "cell_name": "cell1", "vcpus": 4, "vcpus_used": 0,
            "memory_mb": 1024, "memory_mb_used": 0, "local_gb": 10, "local_gb_used": 0}

    def test_required_traits_only(self):
        self.assertEqual({"CUSTOM_X"}, required_traits(self.FLAVOR))

    def test_hosts_without_the_trait_are_filtered(self):
        self.assertIsNone(HostScheduler().pick([self.HOST], self.FLAVOR))
        with_trait = {**self.HOST, "traits": ["CUSTOM_X"]}
        self.assertEqual("h1", HostScheduler().pick([with_trait], self.FLAVOR))
        self.assertEqual({}, CellScheduler().slots([self.HOST], self.FLAVOR))
