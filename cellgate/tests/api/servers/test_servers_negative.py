"""Servers: what Nova refuses (400 for bad input, 404 for unknown servers)."""

from __future__ import annotations

import json

from tempest.lib import exceptions as lib_exc
from tempest.lib.common.utils import data_utils

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class ServersNegativeTest(base.BaseComputeTest):
    """Bad create bodies, bad list parameters and unknown server ids."""

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client
        cls.server = cls.create_test_server()

    def _body(self, **kwargs):
        body = {"name": _helpers.unique_name("neg"), "imageRef": self.image_ref,
                "flavorRef": self.flavor_ref}
        body.update(kwargs)
        return body

    def _create(self, body):
        """Create expecting a failure; a surprise success is still cleaned up."""
        created = self.client.create_server(**body)["server"]
        self.addCleanup(_helpers.delete_server_and_wait, self.client, created["id"])
        return created

    def _assert_refused(self, body):
        """A 400, and no server of that name was created anyway."""
        self.assertRaises(lib_exc.BadRequest, self._create, body)
        listed = self.client.list_servers()["servers"]
        self.assertEqual([], _helpers.find_by_name(listed, body["name"]))

    def _assert_update_refused(self, **changes):
        """A 400, and the server is left as it was."""
        before = self.client.show_server(self.server["id"])["server"]
        self.assertRaises(lib_exc.BadRequest, self.client.update_server, self.server["id"],
                          **changes)
        after = self.client.show_server(self.server["id"])["server"]
        for key in ("name", "accessIPv4", "accessIPv6"):
            self.assertEqual(before.get(key), after.get(key), key)

    @decorators.idempotent_id('ad57462d-95c8-4eb1-8eb5-39ab9da8a2d3')
    def test_create_with_unknown_flavor_is_400(self):
        body = self._body(flavorRef=data_utils.rand_uuid())
        self._assert_refused(body)

    @decorators.idempotent_id('9ebfa8ef-f4b5-453a-b10d-e2aba86c3697')
    def test_create_with_malformed_image_ref_is_400(self):
        body = self._body(imageRef="not-an-image-" + data_utils.rand_name())
        self._assert_refused(body)

    @decorators.idempotent_id('e153aa70-35ef-4d37-9435-c7c8a51adfbe')
    def test_create_with_unknown_network_is_400(self):
        body = self._body(networks=[{"uuid": data_utils.rand_uuid()}])
        self._assert_refused(body)

    @decorators.idempotent_id('1efb2987-976d-49fa-b82f-2467463051e6')
    def test_create_with_unknown_attribute_is_400(self):
        body = self._body(cellgate_no_such_attribute="x")
        self._assert_refused(body)

    @decorators.idempotent_id('cafcc4b4-c83c-4979-8dd4-09d80d4f956b')
    def test_create_without_flavor_is_400(self):
        body = self._body()
        del body["flavorRef"]
        self._assert_refused(body)

    @decorators.idempotent_id('eeaa1f62-56eb-44ed-b9f7-ce41ddae2267')
    def test_create_with_too_long_name_is_400(self):
        body = self._body(name="a" * 256)
        self._assert_refused(body)

    @decorators.idempotent_id('a85a8322-1c8d-40a4-813a-0989a0c591f6')
    def test_create_with_body_not_json_is_400(self):
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.post, "servers", "{not json")

    @decorators.idempotent_id('a911b09c-feae-43fa-b20e-45e4b7cf6b81')
    def test_create_without_server_key_is_400(self):
        rest = self.os_member.rest_client("compute")
        body = json.dumps({"name": _helpers.unique_name("nokey"), "imageRef": self.image_ref,
                           "flavorRef": self.flavor_ref})
        self.assertRaises(lib_exc.BadRequest, rest.post, "servers", body)

    @decorators.idempotent_id('f1ef381c-bd6e-4602-85db-76270705085f')
    def test_update_with_empty_name_is_400(self):
        self._assert_update_refused(name="")

    @decorators.idempotent_id('6f3a1152-9ce5-4016-8d21-38121282f274')
    def test_update_with_too_long_name_is_400(self):
        self._assert_update_refused(name="b" * 256)

    @decorators.idempotent_id('2f4b1613-c18d-4ccd-95f5-15a2085de401')
    def test_update_with_malformed_access_ipv4_is_400(self):
        self._assert_update_refused(accessIPv4="300.1.2")

    @decorators.idempotent_id('45abf9df-80d7-4efd-b5ca-c089bdd06717')
    def test_create_with_malformed_access_ipv6_is_400(self):
        body = self._body(accessIPv6="not:an:ipv6:address:at:all:::")
        self._assert_refused(body)

    @decorators.idempotent_id('49015def-bc82-4764-89ef-e34535f891ab')
    def test_show_unknown_server_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.show_server, data_utils.rand_uuid())

    @decorators.idempotent_id('a633d9df-5413-4b31-a56f-0438563d514f')
    def test_show_malformed_server_id_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.show_server, "not-a-uuid")

    @decorators.idempotent_id('c459af3d-3dff-42fe-aadb-d79e2e92a61e')
    def test_update_unknown_server_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.update_server, data_utils.rand_uuid(),
                          name=_helpers.unique_name("ghost"))

    @decorators.idempotent_id('46607362-6727-4bd3-b788-caf893be9690')
    def test_delete_unknown_server_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.delete_server, data_utils.rand_uuid())

    @decorators.idempotent_id('069c9afe-3a65-4a30-946b-39ca7ecb5107')
    def test_action_on_unknown_server_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.reboot_server, data_utils.rand_uuid(),
                          type="SOFT")

    @decorators.idempotent_id('042a37d1-2193-46b3-89de-db635f91d8a8')
    def test_list_with_bad_limit_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.list_servers, limit=-1)
        self.assertRaises(lib_exc.BadRequest, self.client.list_servers, limit="many")

    @decorators.idempotent_id('f94218ae-9873-494e-93b5-fcfef80dc19f')
    def test_list_with_unknown_marker_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.list_servers,
                          marker=data_utils.rand_uuid())

    @decorators.idempotent_id('a69c45c1-0d9b-4fc1-98d8-099c2b013ac6')
    def test_list_with_bad_changes_since_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.list_servers,
                          **{"changes-since": "2011/01/01"})
