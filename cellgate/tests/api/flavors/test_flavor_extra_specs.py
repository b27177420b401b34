"""Flavor extra specs: the os-extra_specs routes and extra_specs in the flavor body (2.61)."""

from __future__ import annotations

import json
import uuid

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base


class FlavorExtraSpecsTest(base.BaseComputeTest):
    """Create, list, show, update and delete extra specs as admin."""

    roles = ("admin", "member")
    required_features = ("extra_specs",)

    def setUp(self):
        super().setUp()
        self.flavor = self.create_flavor_for_test()
        self.client = self.os_admin.flavors_client

    def _raw(self, method, path, body):
        rest = self.os_admin.rest_client("compute")
        url = f"flavors/{self.flavor['id']}/os-extra_specs{path}"
        return getattr(rest, method)(url, json.dumps(body))

    @decorators.idempotent_id('99a6c7e5-d05d-4ea3-9051-cee55addefb7')
    def test_set_and_list_extra_specs(self):
        specs = {"hw:cpu_policy": "dedicated", "cellgate:tier": "gold"}
        body = self.client.set_flavor_extra_spec(self.flavor["id"], **specs)
        self.assertEqual(specs, body["extra_specs"])
        listed = self.client.list_flavor_extra_specs(self.flavor["id"])
        self.assertEqual(specs, listed["extra_specs"])

    @decorators.idempotent_id('2d2ea5c7-b2a6-4ff8-97f8-7e5ad5b2f707')
    def test_set_merges_with_existing_keys(self):
        self.client.set_flavor_extra_spec(self.flavor["id"], first="1")
        self.client.set_flavor_extra_spec(self.flavor["id"], second="2", first="one")
        listed = self.client.list_flavor_extra_specs(self.flavor["id"])["extra_specs"]
        self.assertEqual({"first": "one", "second": "2"}, listed)

    @decorators.idempotent_id('88c6d9af-575b-4f46-8896-33c8305522e0')
    def test_new_flavor_has_no_extra_specs(self):
        listed = self.client.list_flavor_extra_specs(self.flavor["id"])
        self.assertEqual({}, listed["extra_specs"])

    @decorators.idempotent_id('02cb1159-f0d4-438b-ba43-18f556d76c24')
    def test_show_extra_spec(self):
        self.client.set_flavor_extra_spec(self.flavor["id"], **{"cellgate:key": "value"})
        shown = self.client.show_flavor_extra_spec(self.flavor["id"], "cellgate:key")
        self.assertEqual({"cellgate:key": "value"}, dict(shown))

    @decorators.idempotent_id('6ce4ea0d-9c05-4d56-89cf-bccc2ae80484')
    def test_update_extra_spec(self):
        self.client.set_flavor_extra_spec(self.flavor["id"], colour="red")
        updated = self.client.update_flavor_extra_spec(self.flavor["id"], "colour",
                                                       colour="blue")
        self.assertEqual({"colour": "blue"}, dict(updated))
        shown = self.client.show_flavor_extra_spec(self.flavor["id"], "colour")
        self.assertEqual("blue", shown["colour"])

    @decorators.idempotent_id('f88b400d-0ae0-47c1-9977-77092a0c3083')
    def test_delete_extra_spec(self):
        self.client.set_flavor_extra_spec(self.flavor["id"], keep="yes", drop="yes")
        self.client.unset_flavor_extra_spec(self.flavor["id"], "drop")
        listed = self.client.list_flavor_extra_specs(self.flavor["id"])["extra_specs"]
        self.assertEqual({"keep": "yes"}, listed)
        self.assertRaises(lib_exc.NotFound, self.client.show_flavor_extra_spec,
                          self.flavor["id"], "drop")

    @decorators.idempotent_id('6cbfb4a7-bc43-4fbd-bb93-793c6b89be9d')
    def test_update_with_mismatched_key_is_400(self):
        self.client.set_flavor_extra_spec(self.flavor["id"], colour="red")
        self.assertRaises(lib_exc.BadRequest, self.client.update_flavor_extra_spec,
                          self.flavor["id"], "colour", shade="blue")

    @decorators.idempotent_id('07273e60-d0da-4d05-947e-01ca736fc40b')
    def test_update_with_two_keys_is_400(self):
        self.client.set_flavor_extra_spec(self.flavor["id"], colour="red")
        self.assertRaises(lib_exc.BadRequest, self._raw, "put", "/colour",
                          {"colour": "blue", "shade": "dark"})

    @decorators.idempotent_id('d0b59239-26cd-4aa6-ac0c-2333d613c39e')
    def test_invalid_extra_specs_are_400(self):
        cases = {
            "empty key": {"": "value"},
            "key too long": {"k" * 256: "value"},
            "value too long": {"key": "v" * 256},
            "key with slash": {"bad/key": "value"},
            "object value": {"key": {"nested": "value"}},
            "list value": {"key": ["a", "b"]},
            "null value": {"key": None},
            "boolean value": {"key": True},
        }
        accepted = []
        for label, specs in cases.items():
            try:
                self._raw("post", "", {"extra_specs": specs})
            except lib_exc.BadRequest:
                continue
            accepted.append(label)
        self.assertEqual([], accepted, "these extra specs should have been refused with 400")
        self.assertEqual({}, self.client.list_flavor_extra_specs(self.flavor["id"])
                         ["extra_specs"])

    @decorators.idempotent_id('4c51a9e2-e8af-46dc-b301-750301b3fbfd')
    def test_number_value_is_stored_as_string(self):
        resp, body = self._raw("post", "", {"extra_specs": {"hw:numa_nodes": 2}})
        self.assertEqual(200, resp.status)
        listed = self.client.list_flavor_extra_specs(self.flavor["id"])["extra_specs"]
        self.assertEqual({"hw:numa_nodes": "2"}, listed)

    @decorators.idempotent_id('36ebd2c2-0054-4a4c-9039-2e3106c3575b')
    def test_update_with_empty_body_is_400(self):
        self.client.set_flavor_extra_spec(self.flavor["id"], colour="red")
        self.assertRaises(lib_exc.BadRequest, self._raw, "put", "/colour", {})

    @decorators.idempotent_id('db338b50-4356-4dff-aca1-e80a8a9518e8')
    def test_body_without_extra_specs_key_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self._raw, "post", "", {"specs": {"a": "b"}})

    @decorators.idempotent_id('027c32a3-1948-4668-8ca5-d8a9b5ef0c72')
    def test_unknown_flavor_is_404(self):
        missing = str(uuid.uuid4())
        self.assertRaises(lib_exc.NotFound, self.client.list_flavor_extra_specs, missing)
        self.assertRaises(lib_exc.NotFound, self.client.set_flavor_extra_spec, missing,
                          key="value")

    @decorators.idempotent_id('f308ed03-f813-457e-ad53-73e08aa963a0')
    def test_unknown_key_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.show_flavor_extra_spec,
                          self.flavor["id"], "no-such-key")
        self.assertRaises(lib_exc.NotFound, self.client.unset_flavor_extra_spec,
                          self.flavor["id"], "no-such-key")

    @decorators.idempotent_id('e27d4ecc-71f9-4493-b128-8a06d1ba4137')
    def test_member_cannot_set_extra_specs(self):
        self.assertRaises(lib_exc.Forbidden, self.os_member.flavors_client.set_flavor_extra_spec,
                          self.flavor["id"], key="value")

    @decorators.idempotent_id('a3654f2f-cd04-4eef-8cb4-ea116a0f79ee')
    def test_member_cannot_update_or_delete_extra_specs(self):
        self.client.set_flavor_extra_spec(self.flavor["id"], colour="red")
        member = self.os_member.flavors_client
        self.assertRaises(lib_exc.Forbidden, member.update_flavor_extra_spec,
                          self.flavor["id"], "colour", colour="blue")
        self.assertRaises(lib_exc.Forbidden, member.unset_flavor_extra_spec,
                          self.flavor["id"], "colour")
        shown = self.client.show_flavor_extra_spec(self.flavor["id"], "colour")
        self.assertEqual("red", shown["colour"])

    @decorators.idempotent_id('986176d1-0860-4e79-9831-71b59f5bf2b4')
    def test_member_can_read_extra_specs(self):
        self.client.set_flavor_extra_spec(self.flavor["id"], colour="red")
        member = self.os_member.flavors_client
        self.assertEqual({"colour": "red"},
                         member.list_flavor_extra_specs(self.flavor["id"])["extra_specs"])
        self.assertEqual("red", member.show_flavor_extra_spec(self.flavor["id"], "colour")
                         ["colour"])


class FlavorExtraSpecsInBodyTest(base.BaseComputeTest):
    """At 2.61 the flavor body carries its extra_specs."""

    roles = ("admin", "member")
    required_features = ("extra_specs",)
    microversion = "2.61"

    @decorators.idempotent_id('66ce3c25-49df-4cd7-8be0-a6a2eadc5692')
    def test_show_flavor_includes_extra_specs(self):
        flavor = self.create_flavor_for_test()
        self.os_admin.flavors_client.set_flavor_extra_spec(flavor["id"], colour="green")
        shown = self.os_admin.flavors_client.show_flavor(flavor["id"])["flavor"]
        self.assertEqual({"colour": "green"}, shown["extra_specs"])

    @decorators.idempotent_id('fb146a56-ecb7-4adf-b54a-7c0c5c953ba8')
    def test_create_returns_empty_extra_specs(self):
        flavor = self.create_flavor_for_test()
        self.assertEqual({}, flavor["extra_specs"])

    @decorators.idempotent_id('0e641c71-839f-4737-aff5-c93caad44a6a')
    def test_detail_list_includes_extra_specs(self):
        flavor = self.create_flavor_for_test()
        self.os_admin.flavors_client.set_flavor_extra_spec(flavor["id"], size="s")
        listed = self.os_admin.flavors_client.list_flavors(detail=True)["flavors"]
        match = [f for f in listed if f["id"] == flavor["id"]]
        self.assertEqual(1, len(match))
        self.assertEqual({"size": "s"}, match[0]["extra_specs"])

    @decorators.idempotent_id('78da281e-9f01-489f-acdf-762e2f8c7010')
    def test_before_261_body_has_no_extra_specs(self):
        flavor = self.create_flavor_for_test()
        self.use_microversion("2.60")
        shown = self.os_admin.flavors_client.show_flavor(flavor["id"])["flavor"]
        self.assertNotIn("extra_specs", shown)

    @decorators.idempotent_id('21b7e46d-39f6-4152-9593-8f6adf404404')
    def test_member_sees_extra_specs_in_flavor(self):
        flavor = self.create_flavor_for_test()
        self.os_admin.flavors_client.set_flavor_extra_spec(flavor["id"], tier="gold")
        shown = self.os_member.flavors_client.show_flavor(flavor["id"])["flavor"]
        self.assertEqual({"tier": "gold"}, shown["extra_specs"])
