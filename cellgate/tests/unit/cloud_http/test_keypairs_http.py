"""Keypairs over the in-process client: Nova's bodies per microversion (checked with
tempest.lib's schemas), Nova's fingerprints, and a boot's key reaching the cell's driver."""

from __future__ import annotations

import base64
import time

import testtools
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import load_pem_private_key, pkcs12
from tempest.lib.services.compute.keypairs_client import KeyPairsClient

from cellgate.tests.unit.cloud_http.support import (
    InProcessCloud,
    assert_matches_schema,
    schema_for,
)

C = "/compute/v2.1"
# An ed25519 key and the fingerprint real Nova 34 gave it.
ED25519 = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHlWn1sX6Y3wWfKJ0wRLCjS8cq8X5ZMT1QzXqKyYvj2M "
           "me@host")
ED25519_FP = "71:16:20:0c:2e:83:2e:9e:07:a3:70:e3:e9:bc:d1:e6"


class KeypairsHttpTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.env = self.useFixture(InProcessCloud("multi-cell"))

    def req(self, method, path, version="2.2", user="member1", body=None):
        return self.env.request(method, C + path, user=user, version=version, body=body)

    def check(self, name, resp, version):
        assert_matches_schema(getattr(schema_for(KeyPairsClient.schema_versions_info, version),
                                      name), resp)

    def test_import_uses_novas_fingerprint(self):
        resp = self.req("POST", "/os-keypairs", body={"keypair": {"name": "ed",
                                                                  "public_key": ED25519}})
        self.check("create_keypair", resp, "2.2")
        body = resp.get_json()["keypair"]
        self.assertEqual((ED25519_FP, "ssh"), (body["fingerprint"], body["type"]))
        self.assertNotIn("private_key", body)

    def test_generated_ssh_pair_matches(self):
        resp = self.req("POST", "/os-keypairs", version=None, body={"keypair": {"name": "g"}})
        self.assertEqual(200, resp.status_code)
        body = resp.get_json()["keypair"]
        key = load_pem_private_key(body["private_key"].encode(), None)
        public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                               serialization.PublicFormat.OpenSSH).decode()
        self.assertEqual(f"{public} Generated-by-Nova", body["public_key"])
        self.assertNotIn("type", body)

    def test_generated_x509_is_a_client_cert_for_the_user(self):
        resp = self.req("POST", "/os-keypairs", body={"keypair": {"name": "w", "type": "x509"}})
        self.assertEqual(201, resp.status_code)
        body = resp.get_json()["keypair"]
        cert = x509.load_pem_x509_certificate(body["public_key"].encode())
        user_id = body["user_id"]
        self.assertEqual(f"CN={user_id}", cert.subject.rfc4514_string())
        self.assertEqual(cert.subject, cert.issuer)
        self.assertEqual(body["fingerprint"],
                         ":".join(f"{b:02x}" for b in cert.fingerprint(hashes.SHA1())))
        key, bundled, _ = pkcs12.load_key_and_certificates(
            base64.b64decode(body["private_key"]), None)
        self.assertEqual(cert, bundled)
        self.assertIsNotNone(key)

    def test_show_list_delete_per_microversion(self):
        self.req("POST", "/os-keypairs", body={"keypair": {"name": "a", "public_key": ED25519}})
        shown = self.req("GET", "/os-keypairs/a")
        self.check("get_keypair", shown, "2.2")
        listed = self.req("GET", "/os-keypairs", version=None)
        self.check("list_keypairs", listed, None)
        self.assertEqual(["a"], [k["keypair"]["name"] for k in listed.get_json()["keypairs"]])
        self.assertEqual(404, self.req("GET", "/os-keypairs/a", user="member2").status_code)
        self.assertEqual(202, self.req("DELETE", "/os-keypairs/a", version=None).status_code)
        self.assertEqual(404, self.req("DELETE", "/os-keypairs/a").status_code)

    def test_paging_from_235(self):
        for name in ("c", "a", "b"):
            self.req("POST", "/os-keypairs", body={"keypair": {"name": name,
                                                               "public_key": ED25519}})
        page = self.req("GET", "/os-keypairs?limit=2", version="2.35").get_json()
        self.assertEqual(["a", "b"], [k["keypair"]["name"] for k in page["keypairs"]])
        self.assertTrue(page["keypairs_links"][0]["href"].endswith(
            "/compute/v2.1/os-keypairs?limit=2&marker=b"))
        rest = self.req("GET", "/os-keypairs?limit=2&marker=b", version="2.35").get_json()
        self.assertEqual(["c"], [k["keypair"]["name"] for k in rest["keypairs"]])
        self.assertNotIn("keypairs_links", rest)
        self.assertEqual(400, self.req("GET", "/os-keypairs?marker=zz",
                                       version="2.35").status_code)
        self.assertEqual(400, self.req("GET", "/os-keypairs?limit=-1",
                                       version="2.35").status_code)
        old = self.req("GET", "/os-keypairs?limit=1", version="2.34").get_json()
        self.assertEqual(3, len(old["keypairs"]))

    def test_over_quota_is_403(self):
        api = self.env.cloud.compute_api
        self.patch(type(api), "key_pairs_limit", lambda self, ctx, user_id: 1)
        self.req("POST", "/os-keypairs", body={"keypair": {"name": "a", "public_key": ED25519}})
        resp = self.req("POST", "/os-keypairs", body={"keypair": {"name": "b"}})
        self.assertEqual(403, resp.status_code)
        self.assertEqual("Quota exceeded, too many key pairs.",
                         resp.get_json()["forbidden"]["message"])

    def test_boot_carries_the_key_to_the_cells_driver(self):
        self.req("POST", "/os-keypairs", body={"keypair": {"name": "k", "public_key": ED25519}})
        image = self.env.image_id()
        bad = self.req("POST", "/servers", version="2.61", body={"server": {
            "name": "vm", "imageRef": image, "flavorRef": "1", "networks": "none",
            "key_name": "nope"}})
        self.assertEqual((400, "Invalid key_name provided."),
                         (bad.status_code, bad.get_json()["badRequest"]["message"]))
        resp = self.req("POST", "/servers", version="2.61", body={"server": {
            "name": "vm", "imageRef": image, "flavorRef": "1", "networks": "none",
            "key_name": "k"}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        server_id = resp.get_json()["server"]["id"]
        self.addCleanup(self.req, "DELETE", f"/servers/{server_id}", user="admin")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            server = self.req("GET", f"/servers/{server_id}", user="admin").get_json()["server"]
            if server["status"] == "ACTIVE":
                break
            time.sleep(0.005)
        self.assertEqual(("ACTIVE", "k"), (server["status"], server["key_name"]))
        host = server["OS-EXT-SRV-ATTR:host"]
        drivers = {h: d for cell in self.env.cloud.deployment.cells.values()
                   for h, d in cell.drivers.items()}
        self.assertEqual(ED25519, drivers[host].injected_key(server_id))
        # deleting the keypair leaves the server's copy alone, as Nova
        self.req("DELETE", "/os-keypairs/k")
        self.assertEqual(ED25519, drivers[host].injected_key(server_id))
