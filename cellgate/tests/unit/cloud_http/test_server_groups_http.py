"""/os-server-groups over the in-process client: Nova's bodies per microversion (checked with
tempest.lib's schemas), including the versions above this cloud's current maximum (2.64
policy and rules, 2.71 server_groups in a server, 2.75 strict query), reached by raising the
maximum for the test."""

from __future__ import annotations

import fixtures
import testtools
from tempest.lib.services.compute.server_groups_client import ServerGroupsClient

from cellgate.cloud.api import microversion
from cellgate.cloud.images import CIRROS_ID
from cellgate.tests.unit.cloud_http.support import (
    InProcessCloud,
    assert_matches_schema,
    schema_for,
)

C = "/compute/v2.1"


class ServerGroupsHttpTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            "cellgate.cloud.api.microversion.MAX_API_VERSION",
            microversion.APIVersion.parse("2.75")))
        self.env = self.useFixture(InProcessCloud("single-cell"))

    def req(self, method, path, version="2.1", user="member1", body=None):
        return self.env.request(method, C + path, user=user, version=version, body=body)

    def create(self, version, **group):
        return self.req("POST", "/os-server-groups", version=version,
                        body={"server_group": {"name": "g", **group}})

    def check(self, name, resp, version):
        schema = schema_for(ServerGroupsClient.schema_versions_info, version)
        assert_matches_schema(getattr(schema, name), resp)

    def test_bodies_per_microversion(self):
        resp = self.create("2.1", policies=["anti-affinity"])
        self.check("create_show_server_group", resp, "2.1")
        group_id = resp.get_json()["server_group"]["id"]
        for version in ("2.1", "2.13", "2.64"):
            shown = self.req("GET", f"/os-server-groups/{group_id}", version=version)
            self.check("create_show_server_group", shown, version)
            listed = self.req("GET", "/os-server-groups", version=version)
            self.check("list_server_groups", listed, version)
        body = self.req("GET", f"/os-server-groups/{group_id}", version="2.64").get_json()
        self.assertEqual(("anti-affinity", {}), (body["server_group"]["policy"],
                                                 body["server_group"]["rules"]))
        self.assertEqual(204, self.req("DELETE", f"/os-server-groups/{group_id}").status_code)

    def test_policy_and_rules_at_264(self):
        resp = self.create("2.64", policy="anti-affinity", rules={"max_server_per_host": "3"})
        self.check("create_show_server_group", resp, "2.64")
        self.assertEqual({"max_server_per_host": 3}, resp.get_json()["server_group"]["rules"])
        bad = self.create("2.64", policy="affinity", rules={"max_server_per_host": 2})
        self.assertEqual((400, "Only anti-affinity policy supports rules."),
                         (bad.status_code, bad.get_json()["badRequest"]["message"]))
        for body in ({"policies": ["affinity"]}, {"policy": "anti-affinity",
                                                  "rules": {"max_server_per_host": 0}},
                     {"policy": "anti-affinity", "rules": {"other": 1}}):
            self.assertEqual(400, self.create("2.64", **body).status_code, body)
        self.assertEqual(400, self.create("2.63", policy="affinity").status_code)

    def test_server_shows_its_groups_at_271(self):
        group_id = self.create("2.64", policy="soft-affinity").get_json()["server_group"]["id"]
        resp = self.req("POST", "/servers", version="2.71", body={
            "server": {"name": "s", "imageRef": CIRROS_ID, "flavorRef": "1",
                       "networks": "none"},
            "os:scheduler_hints": {"group": group_id}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        server_id = resp.get_json()["server"]["id"]
        shown = self.req("GET", f"/servers/{server_id}", version="2.71").get_json()["server"]
        self.assertEqual([group_id], shown["server_groups"])
        below = self.req("GET", f"/servers/{server_id}", version="2.70").get_json()["server"]
        self.assertNotIn("server_groups", below)
        self.req("DELETE", f"/os-server-groups/{group_id}")
        shown = self.req("GET", f"/servers/{server_id}", version="2.71").get_json()["server"]
        self.assertEqual([], shown["server_groups"])

    def test_query_and_paging(self):
        ids = [self.create("2.1", policies=["affinity"]).get_json()["server_group"]["id"]
               for _ in range(3)]
        page = self.req("GET", "/os-server-groups?limit=1&offset=1").get_json()
        self.assertEqual([ids[1]], [g["id"] for g in page["server_groups"]])
        self.assertEqual(200, self.req("GET", "/os-server-groups?foo=1",
                                       version="2.74").status_code)
        strict = self.req("GET", "/os-server-groups?foo=1", version="2.75")
        self.assertEqual(400, strict.status_code)
        self.assertEqual(400, self.req("GET", "/os-server-groups?limit=-1").status_code)
        # all_projects: admins see every project's groups, members their own
        mine = self.req("GET", "/os-server-groups?all_projects=1", user="member3").get_json()
        self.assertEqual([], mine["server_groups"])
        every = self.req("GET", "/os-server-groups?all_projects=1", user="admin").get_json()
        self.assertLessEqual(set(ids), {g["id"] for g in every["server_groups"]})
        other = self.req("GET", f"/os-server-groups/{ids[0]}", user="member3")
        self.assertEqual(404, other.status_code)
