"""Strict query strings: from 2.75 GET /limits and /os-services refuse unknown parameters;
from 2.102 every other GET does too (server metadata, a flavor's extra specs)."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.lib.microversion import version_headers
from cellgate.tests import base


class StrictQueryTest(base.BaseComputeTest):
    roles = ("member", "admin")
    microversion = "2.75"

    def _get(self, clients, path):
        return clients.rest_client("compute").get(path, headers=version_headers(),
                                                  extra_headers=True)[0].status

    @decorators.idempotent_id('b62f8a7a-0ee2-46be-af86-7e4d7b19eb0c')
    def test_limits_from_2_75(self):
        self.assertRaises(lib_exc.BadRequest, self._get, self.os_member, "limits?no_such=1")
        self.use_microversion("2.74")
        self.assertEqual(200, self._get(self.os_member, "limits?no_such=1"))

    @decorators.requires_features("services")
    @decorators.idempotent_id('68aeed99-6b54-4b41-91a5-b2804c8d9fbb')
    def test_services_from_2_75(self):
        self.assertRaises(lib_exc.BadRequest, self._get, self.os_admin,
                          "os-services?no_such=1")
        self.assertEqual(200, self._get(self.os_admin, "os-services?binary=nova-compute"))

    @decorators.requires_features("server_metadata")
    @decorators.idempotent_id('7580839a-39bd-4c6d-bd6c-a570d4dffcfe')
    def test_server_metadata_from_2_102(self):
        server = self.create_server_for_test()
        path = f"servers/{server['id']}/metadata?no_such=1"
        self.use_microversion("2.101")
        self.assertEqual(200, self._get(self.os_member, path))
        self.use_microversion("2.102")
        self.assertRaises(lib_exc.BadRequest, self._get, self.os_member, path)

    @decorators.requires_features("extra_specs")
    @decorators.idempotent_id('8523e358-7a0f-43a4-b3c7-29be011cc364')
    def test_extra_specs_from_2_102(self):
        path = f"flavors/{self.flavor_ref}/os-extra_specs?no_such=1"
        self.use_microversion("2.101")
        self.assertEqual(200, self._get(self.os_member, path))
        self.use_microversion("2.102")
        self.assertRaises(lib_exc.BadRequest, self._get, self.os_member, path)
