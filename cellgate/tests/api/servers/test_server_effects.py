"""What a boot request stores: every server min_count asks for, and the access addresses."""

from __future__ import annotations

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class ServerBootEffectsTest(base.BaseComputeTest):
    """Each test boots its own servers and checks them through show and list."""

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client

    def _delete_named(self, prefix: str) -> None:
        for server in self.client.list_servers(name=prefix)["servers"]:
            _helpers.delete_server_and_wait(self.client, server["id"])

    @decorators.idempotent_id('7df1e700-b7ae-495d-aeef-ec5cad5c8c53')
    def test_min_count_boots_that_many_servers(self):
        prefix = _helpers.unique_name("multi")
        self.addCleanup(self._delete_named, prefix)
        self.client.create_server(name=prefix, imageRef=self.image_ref,
                                  flavorRef=self.flavor_ref, min_count=2, max_count=2)
        listed = self.client.list_servers(name=prefix)["servers"]
        self.assertEqual(2, len(listed), listed)
        for server in listed:
            self.assertEqual("ACTIVE", self.wait_for_server_status(server["id"],
                                                                   "ACTIVE")["status"])
        self.assertEqual(2, len({s["id"] for s in listed}))

    @decorators.idempotent_id('e454342e-c500-4d51-8ce3-c8956afe951a')
    def test_access_addresses_are_stored(self):
        server = self.create_server_for_test(accessIPv4="192.0.2.10",
                                             accessIPv6="2001:db8::10")
        shown = self.client.show_server(server["id"])["server"]
        self.assertEqual("192.0.2.10", shown["accessIPv4"])
        self.assertEqual("2001:db8::10", shown["accessIPv6"])
