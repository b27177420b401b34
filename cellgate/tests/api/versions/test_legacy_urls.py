"""Nova's legacy compute URLs: every route under the caller's project id
(/compute/v2.1/{project_id}/...), and the v2 endpoint (/compute/v2/[{project_id}/]...).

Checked against real Nova 34: the project id of the URL must be the token's (else 400
"Malformed request URL: ..."); links keep the prefix (self /compute/v2.1/{project}/...,
bookmark /compute/{project}/...); /compute/v2/ is a public v2.0 document (DEPRECATED) and
/compute/v2/... serves microversion 2.1 whatever is asked, without version headers.
"""

from __future__ import annotations

import json

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers

VERSION = "openstack-api-version"


class LegacyUrlsTest(base.BaseComputeTest):
    """Raw requests under the legacy prefixes, compared with the canonical API."""

    roles = ("member", "alt")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.server = cls.create_test_server()
        cls.rest = cls.os_member.rest_client("compute")
        cls.root = cls.rest.base_url.rstrip("/").rsplit("/", 1)[0]  # .../compute
        cls.project_id, _ = _helpers.identity_ids(cls.os_member)
        cls.alt_project_id, _ = _helpers.identity_ids(cls.os_alt)

    def _call(self, method: str, path: str, *, token: bool = True, version: str | None = None,
              body: dict | None = None):
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if token:
            headers["X-Auth-Token"] = self.rest.token
        if version:
            headers["OpenStack-API-Version"] = f"compute {version}"
        resp, raw = self.rest.raw_request(self.root + path, method, headers=headers,
                                          body=None if body is None else json.dumps(body))
        text = raw.decode() if isinstance(raw, bytes) else raw
        return resp, (json.loads(text) if text else None)

    def _links(self, item: dict) -> dict:
        return {link["rel"]: link["href"] for link in item["links"]}

    @decorators.idempotent_id('65e49044-eca8-4033-9b92-317ff7f8fe43')
    def test_project_prefix_serves_the_same_resources_with_prefixed_links(self):
        resp, body = self._call("GET", f"/v2.1/{self.project_id}/flavors")
        self.assertEqual(200, resp.status, body)
        canonical = self.os_member.flavors_client.list_flavors()["flavors"]
        self.assertEqual(sorted(f["id"] for f in canonical),
                         sorted(f["id"] for f in body["flavors"]))
        flavor = body["flavors"][0]
        self.assertEqual({"self": f"{self.root}/v2.1/{self.project_id}/flavors/{flavor['id']}",
                          "bookmark": f"{self.root}/{self.project_id}/flavors/{flavor['id']}"},
                         self._links(flavor))
        resp, body = self._call("GET", f"/v2.1/{self.project_id}/servers/{self.server['id']}")
        self.assertEqual(200, resp.status, body)
        server = body["server"]
        self.assertEqual(self.server["id"], server["id"])
        self.assertEqual(f"{self.root}/v2.1/{self.project_id}/servers/{server['id']}",
                         self._links(server)["self"])
        self.assertEqual(f"{self.root}/{self.project_id}/flavors/{server['flavor']['id']}",
                         self._links(server["flavor"])["bookmark"])

    @decorators.idempotent_id('749d7b3c-c39f-4940-9207-bacdf3eea3b7')
    @decorators.requires_microversion("2.26")
    def test_project_prefix_changes_land_and_negotiate_versions(self):
        server_id = self.server["id"]
        path = f"/v2.1/{self.project_id}/servers/{server_id}/metadata"
        resp, body = self._call("POST", path, body={"metadata": {"via": "prefix"}})
        self.assertEqual(200, resp.status, body)
        shown = self.os_member.servers_client.show_server(server_id)["server"]
        self.assertEqual("prefix", shown["metadata"]["via"])
        resp, body = self._call("GET", f"/v2.1/{self.project_id}/servers/{server_id}",
                                version="2.26")
        self.assertEqual("compute 2.26", resp[VERSION])
        self.assertIn("tags", body["server"])

    @decorators.idempotent_id('b851f6f6-99f4-4d00-b50b-9c2e404b61e0')
    def test_another_projects_id_is_400(self):
        for path in (f"/v2.1/{self.alt_project_id}/flavors",
                     f"/v2.1/{self.alt_project_id}/servers/{self.server['id']}",
                     f"/v2/{self.alt_project_id}/servers", f"/v2.1/{self.alt_project_id}/"):
            resp, body = self._call("GET", path)
            self.assertEqual(400, resp.status, path)
            self.assertEqual(
                f"Malformed request URL: URL's project_id '{self.alt_project_id}' doesn't "
                f"match Context's project_id '{self.project_id}'", body["badRequest"]["message"])

    @decorators.idempotent_id('dd86549c-2d2e-492e-ae55-d6fd4c718570')
    def test_project_version_document_needs_a_token(self):
        resp, _ = self._call("GET", f"/v2.1/{self.project_id}/", token=False)
        self.assertEqual(401, resp.status)
        resp, body = self._call("GET", f"/v2.1/{self.project_id}/")
        self.assertEqual(200, resp.status)
        self.assertEqual("v2.1", body["version"]["id"])
        self.assertEqual(f"{self.root}/v2.1/", self._links(body["version"])["self"])
        resp, _ = self._call("GET", f"/v2.1/{self.project_id}")
        self.assertEqual(404, resp.status)

    @decorators.idempotent_id('c00d5d96-e15e-4b2f-bd00-330c7a08c0f0')
    def test_v2_document_is_public_and_deprecated(self):
        for path in ("/v2", "/v2/"):
            resp, body = self._call("GET", path, token=False)
            self.assertEqual(200, resp.status, path)
            self.assertEqual("v2.0", body["version"]["id"])
            self.assertEqual("DEPRECATED", body["version"]["status"])
            self.assertEqual(f"{self.root}/v2/", self._links(body["version"])["self"])
        versions = self.os_member.versions_client.list_versions()["versions"]
        self.assertIn("v2.0", [v["id"] for v in versions])

    @decorators.idempotent_id('0d25cd23-eb18-48e0-9b56-0b9b93c7572b')
    @decorators.requires_microversion("2.26")
    def test_v2_serves_microversion_2_1_without_version_headers(self):
        for prefix in ("/v2", f"/v2/{self.project_id}"):
            resp, _ = self._call("GET", f"{prefix}/servers", token=False)
            self.assertEqual(401, resp.status, prefix)
            resp, body = self._call("GET", f"{prefix}/servers/{self.server['id']}",
                                    version="2.26")
            self.assertEqual(200, resp.status, body)
            self.assertNotIn(VERSION, resp)
            self.assertNotIn("tags", body["server"])  # 2.1, not the 2.26 asked for
            project = f"{self.project_id}/" if prefix != "/v2" else ""
            self.assertEqual({"self": f"{self.root}{prefix}/servers/{self.server['id']}",
                              "bookmark": f"{self.root}/{project}servers/{self.server['id']}"},
                             self._links(body["server"]))
            resp, body = self._call("GET", f"{prefix}/servers")
            self.assertIn(self.server["id"], [s["id"] for s in body["servers"]])
