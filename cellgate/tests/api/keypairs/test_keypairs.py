"""Keypairs: create (generated and imported, ssh and x509), list, show, delete, per user."""

from __future__ import annotations

import base64

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import load_pem_private_key, pkcs12
from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.keypairs import _helpers


class KeypairsTest(base.BaseComputeTest):
    """What a member does with its own keypairs, at 2.2 (typed keys) unless said."""

    required_features = ("keypairs",)
    microversion = "2.2"
    roles = ("member", "member_peer", "alt")

    def _create(self, **body):
        return _helpers.create_keypair(self, self.os_member, **body)

    @decorators.idempotent_id('ac94647b-c3f1-48d9-bf3e-7aa32d696c50')
    def test_generated_ssh_keypair_is_a_real_pair(self):
        keypair = self._create()
        self.assertEqual(("ssh", self.os_member.user_id), (keypair["type"], keypair["user_id"]))
        private = load_pem_private_key(keypair["private_key"].encode(), None)
        public = private.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                                   serialization.PublicFormat.OpenSSH).decode()
        self.assertEqual(public.split(" ")[:2], keypair["public_key"].split(" ")[:2])
        self.assertEqual(_helpers.ssh_fingerprint(keypair["public_key"]),
                         keypair["fingerprint"])

    @decorators.idempotent_id('9f29c5a3-5e02-4ead-8ab0-35c61cb99214')
    def test_imported_ssh_key_is_kept_with_novas_fingerprint(self):
        public_key, fingerprint = _helpers.ssh_public_key()
        keypair = self._create(public_key=public_key)
        self.assertNotIn("private_key", keypair)
        self.assertEqual((public_key, fingerprint), (keypair["public_key"],
                                                     keypair["fingerprint"]))
        shown = self.os_member.keypairs_client.show_keypair(keypair["name"])["keypair"]
        self.assertEqual((public_key, fingerprint, "ssh", self.os_member.user_id, False),
                         (shown["public_key"], shown["fingerprint"], shown["type"],
                          shown["user_id"], shown["deleted"]))

    @decorators.idempotent_id('36c87f50-0055-4df2-80ee-c652a5d9f804')
    def test_generated_x509_keypair_is_a_client_certificate_of_the_user(self):
        keypair = self._create(type="x509")
        self.assertEqual("x509", keypair["type"])
        cert = x509.load_pem_x509_certificate(keypair["public_key"].encode())
        self.assertEqual(f"CN={self.os_member.user_id}", cert.subject.rfc4514_string())
        self.assertEqual(cert.subject, cert.issuer)
        self.assertEqual(_helpers.colons(cert.fingerprint(hashes.SHA1())),
                         keypair["fingerprint"])
        key, bundled, _ = pkcs12.load_key_and_certificates(
            base64.b64decode(keypair["private_key"]), b"")
        self.assertEqual(cert, bundled)
        self.assertEqual(cert.public_key().public_numbers(),
                         key.public_key().public_numbers())

    @decorators.idempotent_id('138d6ee6-9401-4f1d-9510-ac0e9fd51550')
    def test_imported_x509_certificate_is_kept_with_novas_fingerprint(self):
        pem, fingerprint = _helpers.x509_certificate()
        keypair = self._create(type="x509", public_key=pem)
        self.assertEqual(("x509", fingerprint, pem),
                         (keypair["type"], keypair["fingerprint"], keypair["public_key"]))

    @decorators.idempotent_id('139e14df-4f48-410a-9e92-37c4367b9405')
    def test_list_shows_own_keypairs_only(self):
        mine = self._create()
        theirs = _helpers.create_keypair(self, self.os_member_peer)
        listed = self.os_member.keypairs_client.list_keypairs()["keypairs"]
        names = {k["keypair"]["name"] for k in listed}
        self.assertIn(mine["name"], names)
        self.assertNotIn(theirs["name"], names)
        entry = next(k["keypair"] for k in listed if k["keypair"]["name"] == mine["name"])
        self.assertEqual((mine["public_key"], mine["fingerprint"], "ssh"),
                         (entry["public_key"], entry["fingerprint"], entry["type"]))

    @decorators.idempotent_id('10f1c046-206a-485d-9215-3d6f23d0d333')
    def test_same_name_for_two_users_is_two_keypairs(self):
        name = _helpers.unique_name()
        mine = self._create(name=name)
        theirs = _helpers.create_keypair(self, self.os_member_peer, name=name)
        self.assertNotEqual(mine["public_key"], theirs["public_key"])
        shown = self.os_member_peer.keypairs_client.show_keypair(name)["keypair"]
        self.assertEqual(theirs["fingerprint"], shown["fingerprint"])

    @decorators.idempotent_id('54e387c9-b75d-4e26-9493-dafa8ec4ba2a')
    def test_delete_removes_the_keypair(self):
        keypair = self._create()
        client = self.os_member.keypairs_client
        client.delete_keypair(keypair["name"])  # 204 at 2.2 (the client checks it)
        self.assertRaises(lib_exc.NotFound, client.show_keypair, keypair["name"])
        names = {k["keypair"]["name"] for k in client.list_keypairs()["keypairs"]}
        self.assertNotIn(keypair["name"], names)

    @decorators.idempotent_id('ff08fcc5-5f6d-45e8-af54-f4fb23beced2')
    def test_another_users_keypair_is_404(self):
        keypair = self._create()
        for clients in (self.os_member_peer, self.os_alt):
            client = clients.keypairs_client
            self.assertRaises(lib_exc.NotFound, client.show_keypair, keypair["name"])
            self.assertRaises(lib_exc.NotFound, client.delete_keypair, keypair["name"])
        shown = self.os_member.keypairs_client.show_keypair(keypair["name"])["keypair"]
        self.assertEqual(keypair["fingerprint"], shown["fingerprint"])

    @decorators.idempotent_id('b26dbbee-7aff-408d-bb65-618c17b8b35c')
    def test_name_with_spaces_dashes_and_underscores(self):
        name = _helpers.unique_name("kp with_spaces-x")
        keypair = self._create(name=name)
        self.assertEqual(name, keypair["name"])
        shown = self.os_member.keypairs_client.show_keypair(name)["keypair"]
        self.assertEqual(name, shown["name"])


class KeypairsV21Test(base.BaseComputeTest):
    """At 2.1 keypairs have no type: 200 on create, 202 on delete, type refused."""

    required_features = ("keypairs",)
    microversion = "2.1"

    @decorators.idempotent_id('7f6622cd-15e9-4f5b-bc30-e46a410f06c0')
    def test_create_and_delete_without_type(self):
        keypair = _helpers.create_keypair(self, self.os_member)  # 200 (the client checks)
        self.assertNotIn("type", keypair)
        shown = self.os_member.keypairs_client.show_keypair(keypair["name"])["keypair"]
        self.assertNotIn("type", shown)
        self.os_member.keypairs_client.delete_keypair(keypair["name"])  # 202
        self.assertRaises(lib_exc.NotFound, self.os_member.keypairs_client.show_keypair,
                          keypair["name"])

    @decorators.idempotent_id('11a3ccee-7659-440c-aec4-8fcad6a6e381')
    def test_type_is_refused_below_22(self):
        self.assertRaises(lib_exc.BadRequest, _helpers.create_keypair, self, self.os_member,
                          type="ssh")
