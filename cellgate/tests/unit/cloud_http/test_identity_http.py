"""Keystone v3 subset over the in-process WSGI client."""

from __future__ import annotations

import re

import testtools

from cellgate.cloud.identity import SEED_ACCOUNTS, IdentityStore
from cellgate.tests.unit.cloud_http.support import InProcessCloud, auth_body

_KEYSTONE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


class IdentityTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.env = self.useFixture(InProcessCloud("nocells"))
        self.client = self.env.client

    def _issue(self, username, password=None, project="project-a"):
        password = self.env.passwords[username] if password is None else password
        return self.client.post("/identity/v3/auth/tokens",
                                json=auth_body(username, password, project))

    def test_issue_project_token(self):
        resp = self._issue("member1")
        self.assertEqual(201, resp.status_code)
        self.assertTrue(resp.headers["X-Subject-Token"])
        token = resp.get_json()["token"]
        self.assertEqual(["password"], token["methods"])
        self.assertEqual("member1", token["user"]["name"])
        self.assertEqual("Default", token["user"]["domain"]["name"])
        self.assertEqual("project-a", token["project"]["name"])
        self.assertEqual({"member", "reader"}, {r["name"] for r in token["roles"]})
        self.assertRegex(token["expires_at"], _KEYSTONE_TIME)
        self.assertRegex(token["issued_at"], _KEYSTONE_TIME)
        services = {s["type"]: s for s in token["catalog"]}
        self.assertEqual({"compute", "identity", "image"}, set(services))
        for service in services.values():
            self.assertEqual({"public", "internal", "admin"},
                             {e["interface"] for e in service["endpoints"]})
            for endpoint in service["endpoints"]:
                self.assertEqual({"id", "interface", "region", "region_id", "url"},
                                 set(endpoint))
                self.assertEqual("RegionOne", endpoint["region"])
        public = [e["url"] for e in services["compute"]["endpoints"]
                  if e["interface"] == "public"]
        self.assertEqual(["http://localhost/compute/v2.1"], public)

    def test_admin_has_admin_role(self):
        resp = self._issue("admin", project="admin")
        self.assertIn("admin", {r["name"] for r in resp.get_json()["token"]["roles"]})

    def test_scope_by_project_id(self):
        project_id = self._issue("member3", project="project-b").get_json()["token"][
            "project"]["id"]
        body = auth_body("member3", self.env.passwords["member3"], None)
        body["auth"]["scope"] = {"project": {"id": project_id}}
        resp = self.client.post("/identity/v3/auth/tokens", json=body)
        self.assertEqual(201, resp.status_code)
        self.assertEqual(project_id, resp.get_json()["token"]["project"]["id"])

    def test_failures_are_401_with_keystone_body(self):
        for resp in (self._issue("member1", password="wrong"),
                     self._issue("nobody", password="x"),
                     self._issue("member1", project="no-such-project"),
                     self._issue("member3", project="project-a")):
            self.assertEqual(401, resp.status_code)
            error = resp.get_json()["error"]
            self.assertEqual(401, error["code"])
            self.assertEqual("Unauthorized", error["title"])
            self.assertTrue(error["message"])

    def test_malformed_is_400(self):
        for data in (b"{not json", b'{"auth": {}}', b'{"auth": {"identity": 1}}', b"[]"):
            resp = self.client.post("/identity/v3/auth/tokens", data=data,
                                    content_type="application/json")
            self.assertEqual(400, resp.status_code, data)
            self.assertEqual(400, resp.get_json()["error"]["code"])

    def test_validate_token(self):
        admin = self.env.token("admin")
        member = self.env.token("member1")
        resp = self.client.get("/identity/v3/auth/tokens",
                               headers={"X-Auth-Token": admin, "X-Subject-Token": member})
        self.assertEqual(200, resp.status_code)
        self.assertEqual("member1", resp.get_json()["token"]["user"]["name"])
        resp = self.client.get("/identity/v3/auth/tokens",
                               headers={"X-Auth-Token": admin, "X-Subject-Token": "nope"})
        self.assertEqual(404, resp.status_code)
        resp = self.client.get("/identity/v3/auth/tokens", headers={"X-Subject-Token": member})
        self.assertEqual(401, resp.status_code)

    def test_revoked_token_no_longer_works(self):
        member = self.env.token("member2")
        resp = self.client.delete("/identity/v3/auth/tokens",
                                  headers={"X-Auth-Token": member, "X-Subject-Token": member})
        self.assertEqual(204, resp.status_code)
        resp = self.client.get("/compute/v2.1/flavors", headers={"X-Auth-Token": member})
        self.assertEqual(401, resp.status_code)

    def test_discovery(self):
        resp = self.client.get("/identity/v3")
        self.assertEqual(200, resp.status_code)
        version = resp.get_json()["version"]
        self.assertEqual("stable", version["status"])
        self.assertTrue(version["id"].startswith("v3"))
        resp = self.client.get("/identity/")
        self.assertEqual(300, resp.status_code)
        self.assertEqual("v3.14", resp.get_json()["versions"]["values"][0]["id"])


class PersistenceTest(testtools.TestCase):
    def test_tokens_and_passwords_survive_a_new_store(self):
        env = self.useFixture(InProcessCloud("nocells"))
        token = env.token("member1")
        store = IdentityStore(env.cloud.deployment.api_engine)
        self.assertEqual("member1", store.validate(token).user_name)
        again = store.bootstrap(SEED_ACCOUNTS, env.passwords)
        self.assertEqual(env.passwords, again)
        fresh = store.bootstrap(SEED_ACCOUNTS, {})
        self.assertNotEqual(env.passwords["admin"], fresh["admin"])

    def test_expired_token_is_rejected(self):
        env = self.useFixture(InProcessCloud("nocells"))
        store = IdentityStore(env.cloud.deployment.api_engine, token_ttl=-1)
        token, _ = store.authenticate(user={"name": "admin", "domain": {"id": "default"}},
                                      password=env.passwords["admin"],
                                      project={"name": "admin", "domain": {"id": "default"}})
        self.assertIsNone(store.validate(token))
