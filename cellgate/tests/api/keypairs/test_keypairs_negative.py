"""Keypairs: what Nova refuses (400 bad names and keys, 409 duplicates, 404 unknown)."""

from __future__ import annotations

import json

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.keypairs import _helpers


class KeypairsNegativeTest(base.BaseComputeTest):
    """Bad bodies and names at 2.2; nothing is created by a refused request."""

    required_features = ("keypairs",)
    microversion = "2.2"
    roles = ("member", "admin")

    def _refused(self, error, **body):
        body.setdefault("name", _helpers.unique_name())
        self.assertRaises(error, _helpers.create_keypair, self, self.os_member, **body)
        if isinstance(body["name"], str) and body["name"].strip():
            self.assertRaises(lib_exc.NotFound, self.os_member.keypairs_client.show_keypair,
                              body["name"].strip())

    @decorators.idempotent_id('313b5995-cc93-4c35-b20e-40dab2be5b89')
    def test_duplicate_name_is_409(self):
        keypair = _helpers.create_keypair(self, self.os_member)
        self.assertRaises(lib_exc.Conflict, self.os_member.keypairs_client.create_keypair,
                          name=keypair["name"])
        public_key, _ = _helpers.ssh_public_key()
        self.assertRaises(lib_exc.Conflict, self.os_member.keypairs_client.create_keypair,
                          name=keypair["name"], public_key=public_key)
        shown = self.os_member.keypairs_client.show_keypair(keypair["name"])["keypair"]
        self.assertEqual(keypair["fingerprint"], shown["fingerprint"])

    @decorators.idempotent_id('a794c340-a878-4beb-bf65-64f5548a0d93')
    def test_empty_name_is_400(self):
        self._refused(lib_exc.BadRequest, name="")

    @decorators.idempotent_id('643f53aa-6fff-4bc6-be03-5ddaab170664')
    def test_name_over_255_characters_is_400(self):
        self._refused(lib_exc.BadRequest, name="k" * 256)

    @decorators.idempotent_id('a1f580c2-9e25-405f-8721-cf4099b6afae')
    def test_name_with_a_dot_or_at_sign_is_400_below_292(self):
        self._refused(lib_exc.BadRequest, name=_helpers.unique_name() + ".pem")
        self._refused(lib_exc.BadRequest, name=_helpers.unique_name() + "@host")

    @decorators.idempotent_id('3f9d682b-0b33-4f9c-9a44-50a96e7c6f3e')
    def test_name_with_leading_whitespace_or_control_characters_is_400(self):
        self._refused(lib_exc.BadRequest, name=" " + _helpers.unique_name())
        self._refused(lib_exc.BadRequest, name=_helpers.unique_name() + "\t")
        self._refused(lib_exc.BadRequest, name=_helpers.unique_name() + "/x")

    @decorators.idempotent_id('c02f893a-09b6-4059-8462-6b212285ef0e')
    def test_name_not_a_string_is_400(self):
        self._refused(lib_exc.BadRequest, name=12345)

    @decorators.idempotent_id('04be8273-a5a7-43b9-b527-8e59c210270a')
    def test_invalid_ssh_public_key_is_400(self):
        self._refused(lib_exc.BadRequest, public_key="ssh-rsa not-a-key")
        self._refused(lib_exc.BadRequest, public_key="")

    @decorators.idempotent_id('97a48052-5b4c-46dc-986a-d2a3c3243697')
    def test_ssh_key_imported_as_x509_is_400(self):
        public_key, _ = _helpers.ssh_public_key()
        self._refused(lib_exc.BadRequest, type="x509", public_key=public_key)

    @decorators.idempotent_id('63ed3060-9403-4265-8d24-8893d4fea3b1')
    def test_certificate_imported_as_ssh_is_400(self):
        pem, _ = _helpers.x509_certificate()
        self._refused(lib_exc.BadRequest, type="ssh", public_key=pem)

    @decorators.idempotent_id('39565858-3774-4407-afed-6cfc135053e1')
    def test_unknown_type_is_400(self):
        self._refused(lib_exc.BadRequest, type="rsa")

    @decorators.idempotent_id('22b56d99-981b-4029-9528-cd7ed330f525')
    def test_unknown_attribute_is_400(self):
        self._refused(lib_exc.BadRequest, cellgate_no_such_attribute="x")

    @decorators.idempotent_id('2a370f8d-29dd-4104-b0c1-22a76c85fdbd')
    def test_body_without_keypair_is_400(self):
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.post, "os-keypairs",
                          json.dumps({"name": _helpers.unique_name()}))

    @decorators.idempotent_id('4935a06e-8a4e-4caa-bc0b-35c3aa53ad6f')
    def test_unknown_keypair_is_404(self):
        client = self.os_member.keypairs_client
        name = _helpers.unique_name()
        self.assertRaises(lib_exc.NotFound, client.show_keypair, name)
        self.assertRaises(lib_exc.NotFound, client.delete_keypair, name)

    @decorators.idempotent_id('544335df-24fa-46f1-8f24-9b477b61ac90')
    def test_boot_with_unknown_key_name_is_400(self):
        client = self.os_member.servers_client
        body = self._server_body({"key_name": _helpers.unique_name()})
        error = self.assertRaises(lib_exc.BadRequest, client.create_server, **body)
        self.assertIn("Invalid key_name provided.", str(error))

    @decorators.idempotent_id('5354aa6a-494f-48a5-9e13-04dc06a44355')
    def test_boot_with_another_users_key_name_is_400(self):
        keypair = _helpers.create_keypair(self, self.os_admin)
        body = self._server_body({"key_name": keypair["name"]})
        self.assertRaises(lib_exc.BadRequest, self.os_member.servers_client.create_server,
                          **body)
