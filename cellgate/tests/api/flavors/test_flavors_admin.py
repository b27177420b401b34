"""Flavor create/delete as admin, and the policy and validation errors around them."""

from __future__ import annotations

import json
import uuid

from tempest.lib import exceptions as lib_exc
from tempest.lib.common.utils import data_utils

from cellgate.lib import decorators
from cellgate.tests import base


class FlavorsAdminTest(base.BaseComputeTest):
    """POST/DELETE /flavors."""

    roles = ("admin", "member")

    def _raw_create(self, flavor_body):
        """POST a body the typed client would reshape; returns (resp, parsed body)."""
        rest = self.os_admin.rest_client("compute")
        resp, body = rest.post("flavors", json.dumps({"flavor": flavor_body}))
        return resp, json.loads(body)

    def _valid_body(self, **overrides):
        body = {"name": data_utils.rand_name("flavor", prefix="cellgate"),
                "ram": 64, "vcpus": 1, "disk": 1, "id": str(uuid.uuid4())}
        body.update(overrides)
        return body

    @decorators.idempotent_id('decacae1-5c2c-4208-98ce-28f480daa662')
    def test_create_show_delete_flavor(self):
        flavor = self.create_flavor_for_test(ram=96, vcpus=2, disk=3, ephemeral=1, swap=16,
                                             rxtx_factor=1.5)
        self.assertEqual(96, flavor["ram"])
        self.assertEqual(2, flavor["vcpus"])
        self.assertEqual(3, flavor["disk"])
        self.assertEqual(1, flavor["OS-FLV-EXT-DATA:ephemeral"])
        self.assertEqual(16, flavor["swap"])
        self.assertEqual(1.5, flavor["rxtx_factor"])
        self.assertTrue(flavor["os-flavor-access:is_public"])
        shown = self.os_member.flavors_client.show_flavor(flavor["id"])["flavor"]
        self.assertEqual(flavor["name"], shown["name"])
        self.os_admin.flavors_client.delete_flavor(flavor["id"])
        self.assertRaises(lib_exc.NotFound, self.os_member.flavors_client.show_flavor,
                          flavor["id"])

    @decorators.idempotent_id('16aabbfe-7842-4e81-b4a4-360af5c3924e')
    def test_created_flavor_is_listed(self):
        flavor = self.create_flavor_for_test()
        listed = self.os_member.flavors_client.list_flavors(detail=True)["flavors"]
        self.assertIn(flavor["id"], [f["id"] for f in listed])

    @decorators.idempotent_id('37d76be1-379c-4e21-9643-4c22c6756e16')
    def test_create_without_id_generates_uuid(self):
        body = self._valid_body()
        del body["id"]
        flavor = self.os_admin.flavors_client.create_flavor(**body)["flavor"]
        self.addCleanup(self._delete_flavor, self.os_admin.flavors_client, flavor["id"])
        self.assertEqual(str(uuid.UUID(flavor["id"])), flavor["id"])

    @decorators.idempotent_id('4390d3a6-8dde-4c5f-8d28-6606435365fa')
    def test_swap_zero_reads_as_empty_string(self):
        flavor = self.create_flavor_for_test(swap=0)
        self.assertEqual("", flavor["swap"])

    @decorators.idempotent_id('145591f3-b2a3-4850-be03-d14f9fcf326c')
    def test_member_cannot_create_flavor(self):
        body = self._valid_body()
        self.assertRaises(lib_exc.Forbidden, self.os_member.flavors_client.create_flavor,
                          **body)
        self.assertRaises(lib_exc.NotFound, self.os_admin.flavors_client.show_flavor,
                          body["id"])

    @decorators.idempotent_id('e34d45b5-a6cd-4603-be10-4d3268fde2d5')
    def test_member_cannot_delete_flavor(self):
        flavor = self.create_flavor_for_test()
        self.assertRaises(lib_exc.Forbidden, self.os_member.flavors_client.delete_flavor,
                          flavor["id"])
        self.os_member.flavors_client.show_flavor(flavor["id"])

    @decorators.idempotent_id('9cbd4fbd-ac58-4d98-9bc1-f80ecc6dbd53')
    def test_duplicate_name_is_409(self):
        flavor = self.create_flavor_for_test()
        self.assertRaises(lib_exc.Conflict, self.os_admin.flavors_client.create_flavor,
                          **self._valid_body(name=flavor["name"]))

    @decorators.idempotent_id('d2da5dfa-f184-4988-814b-b0ada9cda629')
    def test_duplicate_id_is_409(self):
        flavor = self.create_flavor_for_test()
        self.assertRaises(lib_exc.Conflict, self.os_admin.flavors_client.create_flavor,
                          **self._valid_body(id=flavor["id"]))

    @decorators.idempotent_id('d53d9193-bfa1-4273-ab96-bc679bf431b0')
    def test_delete_unknown_flavor_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.os_admin.flavors_client.delete_flavor,
                          str(uuid.uuid4()))

    @decorators.idempotent_id('0b1ccdf3-3299-4140-9fe2-4893e4874fa7')
    def test_invalid_bodies_are_400(self):
        cases = {
            "zero ram": self._valid_body(ram=0),
            "negative vcpus": self._valid_body(vcpus=-1),
            "negative disk": self._valid_body(disk=-1),
            "string ram": self._valid_body(ram="lots"),
            "empty name": self._valid_body(name=""),
            "name with outer spaces": self._valid_body(name=" padded "),
            "name too long": self._valid_body(name="n" * 256),
            "missing ram": {k: v for k, v in self._valid_body().items() if k != "ram"},
            "missing name": {k: v for k, v in self._valid_body().items() if k != "name"},
            "unknown key": self._valid_body(colour="blue"),
            "bad is_public": self._valid_body(**{"os-flavor-access:is_public": "maybe"}),
        }
        accepted = []
        for label, body in cases.items():
            try:
                _, created = self._raw_create(body)
            except lib_exc.BadRequest:
                continue
            self.addCleanup(self._delete_flavor, self.os_admin.flavors_client,
                            created["flavor"]["id"])
            accepted.append(label)
        self.assertEqual([], accepted, "these bodies should have been refused with 400")

    @decorators.idempotent_id('5ca9d3ed-df3c-4c64-a33d-0f082f4bd812')
    def test_body_without_flavor_key_is_400(self):
        rest = self.os_admin.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.post, "flavors",
                          json.dumps({"flavour": self._valid_body()}))

