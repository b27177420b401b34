"""Flavor descriptions (microversion 2.55): create, show, list and update."""

from __future__ import annotations

import uuid

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base


class FlavorDescriptionTest(base.BaseComputeTest):
    """Create with, read and change a flavor's description."""

    roles = ("admin", "member")
    microversion = "2.55"
    required_features = ("flavor_description",)

    @decorators.idempotent_id('d5fae491-2d71-4a20-ac04-7be52b418fb5')
    def test_create_with_description_and_show(self):
        flavor = self.create_flavor_for_test(description="a small test flavor")
        self.assertEqual("a small test flavor", flavor["description"])
        shown = self.os_member.flavors_client.show_flavor(flavor["id"])["flavor"]
        self.assertEqual("a small test flavor", shown["description"])

    @decorators.idempotent_id('907ede28-8d8e-45f8-8173-3b5fa536b386')
    def test_list_shows_description(self):
        flavor = self.create_flavor_for_test(description="listed")
        listed = self.os_member.flavors_client.list_flavors()["flavors"]
        match = [f for f in listed if f["id"] == flavor["id"]]
        self.assertEqual(1, len(match))
        self.assertEqual("listed", match[0]["description"])

    @decorators.idempotent_id('a5e870bd-48b6-4152-a9c2-0f5ab24eddf4')
    def test_description_defaults_to_null(self):
        flavor = self.create_flavor_for_test()
        self.assertIsNone(flavor["description"])

    @decorators.idempotent_id('2e382296-316b-417e-9694-046750f36f1a')
    def test_update_description(self):
        flavor = self.create_flavor_for_test(description="before")
        updated = self.os_admin.flavors_client.update_flavor(flavor["id"],
                                                             description="after")["flavor"]
        self.assertEqual("after", updated["description"])
        self.assertEqual(flavor["name"], updated["name"])
        shown = self.os_member.flavors_client.show_flavor(flavor["id"])["flavor"]
        self.assertEqual("after", shown["description"])

    @decorators.idempotent_id('17936705-1d9e-42e0-be63-6b3472e484fb')
    def test_member_cannot_update_description(self):
        flavor = self.create_flavor_for_test(description="fixed")
        self.assertRaises(lib_exc.Forbidden, self.os_member.flavors_client.update_flavor,
                          flavor["id"], description="changed")

    @decorators.idempotent_id('137d7a12-9444-47dd-b742-dec21eed2aba')
    def test_update_unknown_flavor_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.os_admin.flavors_client.update_flavor,
                          str(uuid.uuid4()), description="nobody")

    @decorators.idempotent_id('2bab93b8-d38a-44ba-be6d-ce54864d9f52')
    def test_update_other_fields_is_400(self):
        flavor = self.create_flavor_for_test()
        self.assertRaises(lib_exc.BadRequest, self.os_admin.flavors_client.update_flavor,
                          flavor["id"], name="renamed")

    @decorators.idempotent_id('90ef5fe4-0d43-4099-9dad-b6077c5a621d')
    def test_description_before_255_is_400(self):
        self.use_microversion("2.54")
        self.assertRaises(lib_exc.BadRequest, self.create_flavor_for_test,
                          description="too early")

    @decorators.idempotent_id('63f49275-fdc7-46f6-8184-ba50986f586d')
    def test_update_before_255_is_404(self):
        flavor = self.create_flavor_for_test()
        self.use_microversion("2.54")
        self.assertRaises(lib_exc.NotFound, self.os_admin.flavors_client.update_flavor,
                          flavor["id"], description="too early")
