"""Keystone version discovery: GET /identity/ and GET /identity/v3 need no token."""

from __future__ import annotations

import json
import re

from cellgate.lib import decorators
from cellgate.tests import base


class IdentityDiscoveryTest(base.BaseComputeTest):
    """Unauthenticated version documents of the identity service."""

    def _get(self, url):
        rest = self.os_member.rest_client("identity")
        return rest.raw_request(url, "GET", headers={"Accept": "application/json"})

    @decorators.idempotent_id('d6501fe5-e56b-4efc-839f-5ede25de1b21')
    def test_version_list_offers_stable_v3(self):
        root = re.sub(r"/v3/?$", "/", self.os_member.identity_v3_url)
        resp, body = self._get(root)
        self.assertEqual(300, resp.status)
        values = json.loads(body)["versions"]["values"]
        v3 = [v for v in values if v["id"].startswith("v3")]
        self.assertEqual(1, len(v3), values)
        self.assertEqual("stable", v3[0]["status"])
        hrefs = [link["href"] for link in v3[0]["links"] if link["rel"] == "self"]
        self.assertTrue(hrefs and hrefs[0].rstrip("/").endswith("/v3"), v3[0]["links"])

    @decorators.idempotent_id('0f41d0fc-95ab-41f1-a600-30d0b04e0567')
    def test_v3_document(self):
        resp, body = self._get(self.os_member.identity_v3_url)
        self.assertEqual(200, resp.status)
        version = json.loads(body)["version"]
        self.assertTrue(version["id"].startswith("v3"))
        self.assertEqual("stable", version["status"])
        self.assertIn("updated", version)
        self.assertIn("self", [link["rel"] for link in version["links"]])
        self.assertIn("application/vnd.openstack.identity-v3+json",
                      [media["type"] for media in version["media-types"]])

    @decorators.idempotent_id('03cdf68f-170f-4d13-ae46-95fccffc7f3d')
    def test_unknown_identity_path_is_404(self):
        resp, _ = self._get(self.os_member.identity_v3_url + "/no-such-resource")
        self.assertEqual(404, resp.status)
