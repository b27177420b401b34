"""The legacy URL split and link rewriting (cellgate.cloud.api.legacy), and the in-process app
answering under the prefixes."""

from __future__ import annotations

import testtools

from cellgate.cloud.api import legacy
from cellgate.tests.unit.cloud_http.support import InProcessCloud

P = "0123456789abcdef0123456789abcdef"
BASE = "http://h:1"


class SplitTest(testtools.TestCase):

    def test_split(self):
        cases = {
            "/compute/v2.1/servers": ("/compute/v2.1/servers", None),
            "/compute/v2.1/": ("/compute/v2.1/", None),
            f"/compute/v2.1/{P}/servers/x": ("/compute/v2.1/servers/x", ("v2.1", P)),
            f"/compute/v2.1/{P}/": ("/compute/v2.1/", ("v2.1", P)),
            f"/compute/v2.1/{P}": (f"/compute/v2.1/{P}", None),  # Nova: 404
            "/compute/v2": ("/compute/v2/", None),
            "/compute/v2/": ("/compute/v2/", None),
            "/compute/v2/servers": ("/compute/v2.1/servers", ("v2", None)),
            f"/compute/v2/{P}/flavors": ("/compute/v2.1/flavors", ("v2", P)),
            f"/compute/v2/{P}/": ("/compute/v2/", ("v2", P)),
            "/compute/v2.10/servers": ("/compute/v2.10/servers", None),
            "/identity/v3": ("/identity/v3", None),
        }
        for path, (canonical, prefix) in cases.items():
            got_path, got_prefix = legacy.split(path)
            self.assertEqual(canonical, got_path, path)
            self.assertEqual(prefix, None if got_prefix is None else (
                got_prefix.version, got_prefix.project_id), path)

    def test_links(self):
        prefix = legacy.Legacy("v2.1", P)
        self.assertEqual(f"{BASE}/compute/v2.1/{P}/servers/x",
                         prefix.link(f"{BASE}/compute/v2.1/servers/x", BASE))
        self.assertEqual(f"{BASE}/compute/{P}/flavors/1",
                         prefix.link(f"{BASE}/compute/flavors/1", BASE))
        for unchanged in (f"{BASE}/compute/v2.1/", "http://docs.openstack.org/",
                          f"{BASE}/image/v2/images/x"):
            self.assertEqual(unchanged, prefix.link(unchanged, BASE))
        body = (b'{"server": {"name": "' + BASE.encode() + b'/compute/flavors/1", '
                b'"links": [{"rel": "bookmark", "href": "' + BASE.encode()
                + b'/compute/servers/x"}]}}')
        rewritten = prefix.rewrite_body(body, BASE)
        self.assertIn(f'"name":"{BASE}/compute/flavors/1"'.encode(), rewritten)  # not a link
        self.assertIn(f'"href":"{BASE}/compute/{P}/servers/x"'.encode(), rewritten)
        self.assertEqual(b"not json", prefix.rewrite_body(b"not json", BASE))

    def test_project_check(self):
        self.assertIsNone(legacy.Legacy("v2", None).check_project("other"))
        self.assertIsNone(legacy.Legacy("v2.1", P).check_project(P))
        self.assertIn("doesn't match Context's project_id 'other'",
                      legacy.Legacy("v2.1", P).check_project("other"))


class LegacyAppTest(testtools.TestCase):

    def test_prefixed_create_answers_prefixed_location(self):
        env = self.useFixture(InProcessCloud("nocells"))
        project = env.cloud.identity.validate(env.token("member1")).project_id
        resp = env.request("POST", f"/compute/v2.1/{project}/servers", version="2.61", body={
            "server": {"name": "legacy", "imageRef": env.image_id(), "flavorRef": "2",
                       "networks": "none"}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        server_id = resp.get_json()["server"]["id"]
        self.assertTrue(resp.headers["Location"].endswith(
            f"/compute/v2.1/{project}/servers/{server_id}"), resp.headers["Location"])
        resp = env.request("PUT", f"/compute/v2/{project}/servers/{server_id}",
                           body={"server": {"name": "renamed"}})
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        self.assertNotIn("OpenStack-API-Version", resp.headers)
        self.assertEqual("renamed", env.request(
            "GET", f"/compute/v2.1/servers/{server_id}").get_json()["server"]["name"])
