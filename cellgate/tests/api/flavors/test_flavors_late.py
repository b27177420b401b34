"""Flavors from 2.75: swap 0 rather than "" (2.75), strict query strings (2.75), and 2.102's
name filter with rxtx_factor and OS-FLV-DISABLED:disabled gone."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.lib.microversion import version_headers
from cellgate.tests import base


class FlavorsLateTest(base.BaseComputeTest):
    roles = ("member",)
    microversion = "2.75"

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.flavors_client

    def _flavor(self):
        return self.client.show_flavor(self.flavor_ref)["flavor"]

    @decorators.idempotent_id('eb2ba1d4-ad61-4e3c-bb5e-144fbdfa43ee')
    def test_swap_is_an_integer_from_2_75(self):
        self.assertIsInstance(self._flavor()["swap"], int)
        self.use_microversion("2.74")
        flavor = self._flavor()
        if not flavor["swap"]:
            self.assertEqual("", flavor["swap"])

    @decorators.idempotent_id('285fd1b0-1850-42b0-8d78-f05ab350bcae')
    def test_unknown_list_parameter_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.list_flavors, no_such=1)
        self.use_microversion("2.74")
        self.assertNotEqual([], self.client.list_flavors(no_such=1)["flavors"])

    @decorators.idempotent_id('677e4848-6f0e-4bda-b36d-59350080c645')
    def test_name_filter_from_2_102(self):
        name = self._flavor()["name"]
        self.assertRaises(lib_exc.BadRequest, self.client.list_flavors, name=name)
        self.use_microversion("2.102")
        names = [f["name"] for f in self.client.list_flavors(name=f"^{name}$")["flavors"]]
        self.assertEqual([name], names)
        self.assertEqual([], self.client.list_flavors(name="^cellgate-no-such$")["flavors"])

    @decorators.idempotent_id('0e0578c9-b1e3-4861-a69d-85d3fbdc9394')
    def test_rxtx_and_disabled_gone_from_2_102(self):
        self.assertIn("rxtx_factor", self._flavor())
        self.use_microversion("2.102")
        flavor = self._flavor()
        self.assertNotIn("rxtx_factor", flavor)
        self.assertNotIn("OS-FLV-DISABLED:disabled", flavor)
        for item in self.client.list_flavors(detail=True)["flavors"]:
            self.assertNotIn("rxtx_factor", item)

    @decorators.idempotent_id('56a2ae82-10e9-4f5a-8722-87ae7c9f73cb')
    def test_unknown_show_parameter_is_400_from_2_102(self):
        rest = self.os_member.rest_client("compute")
        self.use_microversion("2.102")
        self.assertRaises(lib_exc.BadRequest, rest.get, f"flavors/{self.flavor_ref}?no_such=1",
                          headers=version_headers(), extra_headers=True)
