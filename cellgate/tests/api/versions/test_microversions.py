"""Compute microversion negotiation, in both header styles."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc
from tempest.lib.common import api_version_request

from cellgate.lib import decorators
from cellgate.tests import base

LEGACY = "X-OpenStack-Nova-API-Version"
MODERN = "OpenStack-API-Version"


class MicroversionNegotiationTest(base.BaseComputeTest):
    """Request a microversion on GET /flavors and read the response headers."""

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        versions = cls.os_member.versions_client.list_versions()["versions"]
        current = [v for v in versions if v["id"] == "v2.1"][0]
        cls.cloud_max = current["version"]
        cfg_max = cls.config.compute.max_microversion
        if cfg_max == "latest":
            cfg_max = cls.cloud_max
        # an in-range version that differs from the default 2.1, to make the echo meaningful
        if api_version_request.APIVersionRequest(cfg_max) >= (
                api_version_request.APIVersionRequest("2.10")):
            cls.probe_version = "2.10"
        else:
            cls.probe_version = cfg_max

    def _get(self, headers):
        rest = self.os_member.rest_client("compute")
        resp, _ = rest.get("flavors", headers=headers, extra_headers=True)
        self.assertEqual(200, resp.status)
        return resp

    def _assert_answered(self, resp, version):
        self.assertEqual(version, resp.get(LEGACY.lower()))
        self.assertEqual(f"compute {version}", resp.get(MODERN.lower()))

    @decorators.idempotent_id('8bf1290b-dd44-4ff9-9a42-ffbfa3c6cb03')
    def test_legacy_header_is_echoed_in_both_styles(self):
        resp = self._get({LEGACY: self.probe_version})
        self._assert_answered(resp, self.probe_version)

    @decorators.idempotent_id('af305a96-cf12-4236-b1e2-140871d31ed7')
    def test_modern_header_is_echoed_in_both_styles(self):
        resp = self._get({MODERN: f"compute {self.probe_version}"})
        self._assert_answered(resp, self.probe_version)

    @decorators.idempotent_id('ebc4127d-8c49-4259-bc77-12ebbb7eec90')
    def test_no_header_means_21(self):
        resp = self._get({})
        self._assert_answered(resp, "2.1")

    @decorators.idempotent_id('f02ad387-4cde-4917-af86-f085b4053a74')
    def test_latest_means_cloud_maximum(self):
        resp = self._get({LEGACY: "latest"})
        self._assert_answered(resp, self.cloud_max)

    @decorators.idempotent_id('0d2003d5-0f38-4dc0-b14b-62260240d1f8')
    def test_modern_latest_means_cloud_maximum(self):
        resp = self._get({MODERN: "compute latest"})
        self._assert_answered(resp, self.cloud_max)

    @decorators.idempotent_id('4f6d05f9-35a6-4e3e-a620-64c1fd08c083')
    def test_vary_names_both_headers(self):
        # Nova sends one Vary line per header and tempest.lib's response dict keeps only the
        # last line, so read every line from the urllib3 response (one merged line counts too).
        rest = self.os_member.rest_client("compute")
        url, headers, _ = rest.auth_provider.auth_request(
            "GET", "flavors", {LEGACY: self.probe_version, "Accept": "application/json"},
            None, rest.filters)
        raw, _ = rest.http_obj.request(url, "GET", headers=headers, preload_content=False)
        try:
            self.assertEqual(200, raw.status)
            lines = raw.headers.getlist("Vary")
        finally:
            raw.release_conn()
        vary = [part.strip().lower() for line in lines for part in line.split(",")]
        self.assertIn(LEGACY.lower(), vary)
        self.assertIn(MODERN.lower(), vary)

    @decorators.idempotent_id('7bded0ff-3d8c-45be-b0f3-46582c3b87a5')
    def test_modern_header_wins_over_legacy(self):
        resp = self._get({MODERN: f"compute {self.probe_version}", LEGACY: "2.1"})
        self._assert_answered(resp, self.probe_version)

    @decorators.idempotent_id('e59be9ae-2881-42e8-aede-a31f603f795d')
    def test_modern_header_for_another_service_is_ignored(self):
        resp = self._get({MODERN: "volume 3.0"})
        self._assert_answered(resp, "2.1")

    @decorators.idempotent_id('14454221-a43c-46ac-9b1d-2583542b9d8e')
    def test_version_above_maximum_is_406(self):
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.NotAcceptable, rest.get, "flavors",
                          headers={LEGACY: "2.9999"}, extra_headers=True)

    @decorators.idempotent_id('f0e68cdb-e12f-47a4-ba43-fd82fed6e1f6')
    def test_modern_version_above_maximum_is_406(self):
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.NotAcceptable, rest.get, "flavors",
                          headers={MODERN: "compute 3.0"}, extra_headers=True)

    @decorators.idempotent_id('7f0d9294-3931-479f-ae1e-192380f80cb3')
    def test_version_below_minimum_is_406(self):
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.NotAcceptable, rest.get, "flavors",
                          headers={LEGACY: "2.0"}, extra_headers=True)

    @decorators.idempotent_id('4a675c55-c4d3-4f11-895f-dcf926f98e15')
    def test_malformed_legacy_version_is_400(self):
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.get, "flavors",
                          headers={LEGACY: "2.x"}, extra_headers=True)

    @decorators.idempotent_id('1fb7daf9-fa7e-414f-9a1a-693fa32cb11a')
    def test_malformed_modern_version_is_400(self):
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.get, "flavors",
                          headers={MODERN: "compute two"}, extra_headers=True)

    @decorators.idempotent_id('84dab3b6-a044-4dc1-b868-fd3bcc60cc9b')
    def test_typed_client_at_configured_maximum(self):
        # tempest.lib checks the echoed header and the response schema of that version
        self.use_microversion(self.probe_version)
        body = self.os_member.flavors_client.list_flavors(detail=True)
        self.assertEqual(self.probe_version, body.response[LEGACY.lower()])
        self.assertNotEqual([], body["flavors"])
