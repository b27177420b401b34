"""Route table, authentication and microversion handling over the in-process client."""

from __future__ import annotations

import testtools
from tempest.lib.api_schema.response.compute.v2_1 import versions as version_schemas

from cellgate.tests.unit.cloud_http.support import InProcessCloud, assert_matches_schema


class RoutesTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.env = self.useFixture(InProcessCloud("nocells"))

    def test_405_with_allow_from_the_table(self):
        resp = self.env.request("DELETE", "/compute/v2.1/flavors")
        self.assertEqual(405, resp.status_code)
        allowed = {m.strip() for m in resp.headers["Allow"].split(",")}
        self.assertTrue({"GET", "POST"} <= allowed, allowed)
        self.assertNotIn("DELETE", allowed)
        self.assertEqual(405, resp.get_json()["badMethod"]["code"])

    def test_unknown_path_is_404_with_token_and_401_without(self):
        resp = self.env.request("GET", "/compute/v2.1/no-such-thing")
        self.assertEqual(404, resp.status_code)
        self.assertIn("itemNotFound", resp.get_json())
        self.assertEqual(401, self.env.request("GET", "/compute/v2.1/no-such-thing",
                                               user=None).status_code)

    def test_every_compute_route_needs_a_token(self):
        for path in ("/compute/v2.1/servers", "/compute/v2.1/flavors", "/image/v2/images",
                     "/compute/v2.1/os-hypervisors", "/compute/v2.1/servers/detail"):
            resp = self.env.request("GET", path, user=None)
            self.assertEqual(401, resp.status_code, path)
            self.assertEqual(401, resp.get_json()["error"]["code"])
            resp = self.env.request("GET", path, user=None,
                                    headers={"X-Auth-Token": "not-a-token"})
            self.assertEqual(401, resp.status_code, path)

    def test_microversion_headers(self):
        resp = self.env.request("GET", "/compute/v2.1/flavors", version="2.55")
        self.assertEqual(200, resp.status_code)
        self.assertEqual("compute 2.55", resp.headers["OpenStack-API-Version"])
        self.assertEqual("2.55", resp.headers["X-OpenStack-Nova-API-Version"])
        self.assertIn("X-OpenStack-Nova-API-Version", resp.headers["Vary"])
        self.assertIn("description", resp.get_json()["flavors"][0])
        resp = self.env.request("GET", "/compute/v2.1/flavors",
                                headers={"OpenStack-API-Version": "compute latest"})
        self.assertEqual("compute 2.104", resp.headers["OpenStack-API-Version"])
        resp = self.env.request("GET", "/compute/v2.1/flavors")
        self.assertEqual("2.1", resp.headers["X-OpenStack-Nova-API-Version"])
        self.assertNotIn("description", resp.get_json()["flavors"][0])

    def test_version_headers_on_errors_too(self):
        resp = self.env.request("GET", "/compute/v2.1/servers/" + "0" * 32, version="2.53")
        self.assertEqual(404, resp.status_code)
        self.assertEqual("compute 2.53", resp.headers["OpenStack-API-Version"])
        self.assertTrue(resp.headers["X-Openstack-Request-Id"].startswith("req-"))

    def test_bad_microversions(self):
        for value, status in (("2.105", 406), ("1.9", 406), ("3.0", 406), ("abc", 400),
                              ("2.1.1", 400)):
            resp = self.env.request("GET", "/compute/v2.1/flavors", version=value)
            self.assertEqual(status, resp.status_code, value)
            self.assertEqual(status, next(iter(resp.get_json().values()))["code"])

    def test_compute_discovery_matches_tempest_schemas(self):
        for path in ("/", "/compute/", "/compute"):
            resp = self.env.request("GET", path, user=None)
            assert_matches_schema(version_schemas.list_versions, resp)
            current = [v for v in resp.get_json()["versions"] if v["status"] == "CURRENT"]
            self.assertEqual(("2.1", "2.104"), (current[0]["min_version"],
                                               current[0]["version"]))
        for path in ("/compute/v2.1", "/compute/v2.1/"):
            resp = self.env.request("GET", path, user=None)
            assert_matches_schema(version_schemas.get_one_version, resp)
            self.assertEqual("2.104", resp.get_json()["version"]["version"])

    def test_image_discovery(self):
        resp = self.env.request("GET", "/image/", user=None)
        self.assertEqual(300, resp.status_code)
        self.assertEqual("CURRENT", resp.get_json()["versions"][0]["status"])
