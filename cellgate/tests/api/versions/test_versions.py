"""Compute version documents: GET /compute/ and GET /compute/v2.1."""

from __future__ import annotations

import json

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base

LEGACY = "X-OpenStack-Nova-API-Version"


class VersionsTest(base.BaseComputeTest):
    """The version list and the v2.1 version document."""

    def _current(self):
        versions = self.os_member.versions_client.list_versions()["versions"]
        current = [v for v in versions if v["id"] == "v2.1"]
        self.assertEqual(1, len(current), versions)
        return current[0]

    @decorators.idempotent_id('073fd775-1d8c-4e94-ae5d-30da9c4bedba')
    def test_list_versions_has_current_v21(self):
        body = self.os_member.versions_client.list_versions()
        self.assertEqual(200, body.response.status)
        current = self._current()
        self.assertEqual("CURRENT", current["status"])
        self.assertEqual("2.1", current["min_version"])
        self.assertIn("self", [link["rel"] for link in current["links"]])

    @decorators.idempotent_id('ba4c52d7-1bc5-41b8-9285-b1343fa3dd4c')
    def test_max_version_covers_configured_range(self):
        # Ask the API itself, not the document the config was generated from: each end of the
        # configured range and the document's maximum must be served and echoed, and one
        # minor version above the document's maximum must be refused.
        current = self._current()
        cfg = self.config.compute
        ends = [cfg.min_microversion, current["version"] if cfg.max_microversion == "latest"
                else cfg.max_microversion, current["version"]]
        for version in ends:
            self.assertEqual(version, self._answered(version), version)
        major, minor = current["version"].split(".")
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.NotAcceptable, rest.get, "flavors",
                          headers={LEGACY: f"{major}.{int(minor) + 1}"}, extra_headers=True)

    def _answered(self, version: str) -> str | None:
        """The version the compute API echoes for a GET /flavors at `version`."""
        rest = self.os_member.rest_client("compute")
        resp, _ = rest.get("flavors", headers={LEGACY: version}, extra_headers=True)
        self.assertEqual(200, resp.status)
        return resp.get(LEGACY.lower())

    @decorators.idempotent_id('18a66330-97d6-4c54-9c81-1b3aebcd9e7c')
    def test_version_list_needs_no_token(self):
        client = self.os_member.versions_client
        resp, body = client.raw_request(client._get_base_version_url(), "GET",
                                        headers={"Accept": "application/json"})
        self.assertEqual(200, resp.status)
        self.assertIn("v2.1", [v["id"] for v in json.loads(body)["versions"]])

    @decorators.idempotent_id('456f1506-a0fc-47c6-9c93-833216a05769')
    def test_show_v21_version_document(self):
        client = self.os_member.versions_client
        body = client.get_version_by_url(client._get_base_version_url() + "v2.1")
        version = body["version"]
        self.assertEqual("v2.1", version["id"])
        self.assertEqual("CURRENT", version["status"])
        self.assertIn("application/vnd.openstack.compute+json;version=2.1",
                      [media["type"] for media in version["media-types"]])
        self.assertEqual(self._current()["version"], version["version"])
