"""2.86: known flavor extra specs are validated (unknown keys in a known namespace, bad
values); other namespaces stay free-form, and below 2.86 nothing is checked."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base


class ExtraSpecValidationTest(base.BaseComputeTest):
    roles = ("admin",)
    microversion = "2.86"
    required_features = ("extra_specs",)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_admin.flavors_client

    def _set(self, flavor, **specs):
        return self.client.set_flavor_extra_spec(flavor["id"], **specs)["extra_specs"]

    @decorators.idempotent_id('3c8f876d-d028-4ccb-9175-b9b07605aa7d')
    def test_valid_known_specs_are_stored(self):
        flavor = self.create_flavor_for_test()
        specs = {"hw:cpu_policy": "dedicated", "trait:HW_CPU_X86_AVX": "required",
                 "resources:VCPU": "2", "hw:numa_nodes": "1", "cellgate:free": "anything"}
        self.assertEqual(specs, self._set(flavor, **specs))

    @decorators.idempotent_id('e7cc5021-2999-4627-8c03-9727b51b6d37')
    def test_unknown_key_in_known_namespace_is_400(self):
        flavor = self.create_flavor_for_test()
        for key in ("hw:no_such_spec", "trait:NO_SUCH_TRAIT"):
            self.assertRaises(lib_exc.BadRequest, self._set, flavor, **{key: "required"})
        self.assertEqual({}, self.client.list_flavor_extra_specs(flavor["id"])["extra_specs"])

    @decorators.idempotent_id('ed9c4b5b-784d-449d-b545-86aa3a9d2296')
    def test_bad_values_are_400(self):
        flavor = self.create_flavor_for_test()
        for key, value in (("hw:cpu_policy", "sometimes"), ("resources:VCPU", "two"),
                           ("hw:numa_nodes", "0"), ("hide_hypervisor_id", "maybe")):
            self.assertRaises(lib_exc.BadRequest, self._set, flavor, **{key: value})

    @decorators.idempotent_id('504f5c7d-caba-4837-9e3c-cda201c1468d')
    def test_update_of_one_key_is_validated(self):
        flavor = self.create_flavor_for_test()
        self._set(flavor, **{"hw:cpu_policy": "shared"})
        self.assertRaises(lib_exc.BadRequest, self.client.update_flavor_extra_spec,
                          flavor["id"], "hw:cpu_policy", **{"hw:cpu_policy": "sometimes"})
        self.assertEqual("shared", self.client.show_flavor_extra_spec(
            flavor["id"], "hw:cpu_policy")["hw:cpu_policy"])

    @decorators.idempotent_id('62777380-7c20-4244-a2c3-b7c8679ecefe')
    def test_nothing_checked_before_2_86(self):
        flavor = self.create_flavor_for_test()
        self.use_microversion("2.85")
        self.assertEqual({"hw:no_such_spec": "1"}, self._set(flavor, **{"hw:no_such_spec": "1"}))
