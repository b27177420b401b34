"""Security groups over the in-process client: Nova's bodies (tempest.lib's schemas), the
project's default group made once, and each server's rules reaching its cell's driver at
spawn and with every change, newest revision winning."""

from __future__ import annotations

import threading
import time

import testtools
from tempest.lib.api_schema.response.compute.v2_1 import security_groups as schemas

from cellgate.tests.unit.cloud_http.support import InProcessCloud, assert_matches_schema

C = "/compute/v2.1"


class SecurityGroupsHttpTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.env = self.useFixture(InProcessCloud("multi-cell"))

    def req(self, method, path, user="member1", body=None, version=None):
        return self.env.request(method, path if path.startswith("/cellgate") else C + path,
                                user=user, body=body, version=version)

    def group(self, name="g") -> dict:
        resp = self.req("POST", "/os-security-groups",
                        body={"security_group": {"name": name, "description": "d"}})
        assert_matches_schema(schemas.create_security_group, resp)
        return resp.get_json()["security_group"]

    def rule(self, group_id, **body) -> dict:
        resp = self.req("POST", "/os-security-group-rules",
                        body={"security_group_rule": {"parent_group_id": group_id, **body}})
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        assert_matches_schema(schemas.create_security_group_rule, resp)
        return resp.get_json()["security_group_rule"]

    def boot(self, **spec) -> dict:
        resp = self.req("POST", "/servers", body={"server": {
            "name": "vm", "imageRef": self.env.image_id(), "flavorRef": "1", **spec}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        server_id = resp.get_json()["server"]["id"]
        self.addCleanup(self.req, "DELETE", f"/servers/{server_id}", user="admin")
        return self.until(lambda: self.req("GET", f"/servers/{server_id}", user="admin")
                          .get_json()["server"], lambda s: s["status"] == "ACTIVE")

    def until(self, get, done, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            value = get()
            if done(value) or time.monotonic() > deadline:
                return value
            time.sleep(0.005)

    def driver_rules(self, server_id) -> set[str]:
        view = self.req("GET", f"/cellgate/v1/servers/{server_id}/driver", user="admin")
        self.assertEqual(200, view.status_code)
        return {r["id"] for r in (view.get_json()["server"]["security_rules"] or {})
                .get("rules", [])}

    def test_bodies_match_novas_schemas(self):
        group = self.group()
        self.rule(group["id"], ip_protocol="tcp", from_port=22, to_port=22)
        listed = self.req("GET", "/os-security-groups")
        assert_matches_schema(schemas.list_security_groups, listed)
        self.assertEqual(["default", "g"], [g["name"] for g in
                                            listed.get_json()["security_groups"]])
        assert_matches_schema(schemas.get_security_group,
                              self.req("GET", f"/os-security-groups/{group['id']}"))
        self.assertEqual(404, self.req("GET", "/os-security-groups", version="2.36")
                         .status_code)

    def test_default_group_is_made_once_under_concurrent_first_use(self):
        results = []
        threads = [threading.Thread(target=lambda: results.append(
            self.req("GET", "/os-security-groups", user="member3").get_json()))
            for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ids = {g["id"] for body in results for g in body["security_groups"]}
        self.assertEqual(1, len(ids))

    def test_rules_reach_the_driver_at_spawn_and_after_each_change(self):
        group = self.group()
        first = self.rule(group["id"], ip_protocol="tcp", from_port=22, to_port=22)
        server = self.boot(security_groups=[{"name": "g"}])
        self.assertEqual(["g"], [g["name"] for g in server["security_groups"]])
        self.assertIn(first["id"], self.driver_rules(server["id"]))
        second = self.rule(group["id"], ip_protocol="udp", from_port=53, to_port=53)
        held = self.until(lambda: self.driver_rules(server["id"]),
                          lambda ids: second["id"] in ids)
        self.assertLessEqual({first["id"], second["id"]}, held)
        self.req("DELETE", f"/os-security-group-rules/{first['id']}")
        self.until(lambda: self.driver_rules(server["id"]), lambda ids: first["id"] not in ids)
        action = self.req("POST", f"/servers/{server['id']}/action",
                          body={"removeSecurityGroup": {"name": "g"}})
        self.assertEqual(202, action.status_code)
        self.assertEqual(set(), self.until(lambda: self.driver_rules(server["id"]),
                                           lambda ids: not ids))

    def test_an_older_revision_never_replaces_a_newer_one(self):
        server = self.boot()
        cell = next(c for c in self.env.cloud.deployment.cells.values()
                    if c.store.get_instance(server["id"]))
        driver = cell.drivers[server["OS-EXT-SRV-ATTR:host"]]
        newer = {"revision": 5, "rules": [{"id": "new"}]}
        cell.msg_instance_update({"uuid": server["id"], "changes": {"security_rules": newer}})
        cell.msg_instance_update({"uuid": server["id"], "changes": {
            "security_rules": {"revision": 4, "rules": [{"id": "old"}]}}})
        self.assertEqual(newer, driver.held(server["id"])["security_rules"])
        driver.set_security_rules(server["id"], {"revision": 3, "rules": []})
        self.assertEqual(newer, driver.held(server["id"])["security_rules"])

    def test_driver_view_needs_admin_and_a_known_server(self):
        server = self.boot(networks="none")
        self.assertEqual(403, self.req("GET", f"/cellgate/v1/servers/{server['id']}/driver")
                         .status_code)
        unknown = "9a1d3b53-8a9b-4a55-9a4e-9f0a7b2b1c11"
        self.assertEqual(404, self.req("GET", f"/cellgate/v1/servers/{unknown}/driver",
                                       user="admin").status_code)
        self.assertEqual(set(), self.driver_rules(server["id"]))  # no port: no firewall
