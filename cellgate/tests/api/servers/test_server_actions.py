"""Server actions: reboot (SOFT, HARD), os-stop, os-start and the wrong-state 409s."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class ServerActionsTest(base.BaseComputeTest):
    """Each test boots its own server, so no test depends on another's power state."""

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client

    @decorators.requires_features("reboot")
    @decorators.idempotent_id('d756e6d6-18b8-48ea-8a72-ad07abbf8103')
    def test_soft_reboot_returns_to_active(self):
        server = self.create_server_for_test()
        self.client.reboot_server(server["id"], type="SOFT")
        self.assertEqual("ACTIVE", self.wait_for_server_status(server["id"], "ACTIVE")["status"])

    @decorators.requires_features("reboot")
    @decorators.idempotent_id('640d1f31-f1e3-4f10-96dc-a3911897f0a7')
    def test_hard_reboot_returns_to_active(self):
        server = self.create_server_for_test()
        self.client.reboot_server(server["id"], type="HARD")
        self.assertEqual("ACTIVE", self.wait_for_server_status(server["id"], "ACTIVE")["status"])

    @decorators.requires_features("reboot")
    @decorators.idempotent_id('7c3b40ee-2936-4606-9e3c-7af559f6d89d')
    def test_reboot_with_unknown_type_is_400(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.BadRequest, self.client.reboot_server, server["id"],
                          type="GENTLE")

    @decorators.requires_features("stop_start")
    @decorators.idempotent_id('52c0ebb0-7b33-4227-87f4-c8a819c466d8')
    def test_stop_then_start(self):
        server = self.create_server_for_test()
        self.client.stop_server(server["id"])
        stopped = self.wait_for_server_status(server["id"], "SHUTOFF")
        self.assertEqual("SHUTOFF", stopped["status"])
        self.client.start_server(server["id"])
        self.assertEqual("ACTIVE", self.wait_for_server_status(server["id"], "ACTIVE")["status"])

    @decorators.requires_features("stop_start")
    @decorators.idempotent_id('7130678d-e254-40ac-9e27-b76ba7fa27bc')
    def test_start_active_server_is_409(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.Conflict, self.client.start_server, server["id"])
        self.assertEqual("ACTIVE", self.client.show_server(server["id"])["server"]["status"])

    @decorators.requires_features("stop_start")
    @decorators.idempotent_id('69123611-b2b9-4a91-8646-754ae9d0a8fa')
    def test_stop_shutoff_server_is_409(self):
        server = self.create_server_for_test()
        self.client.stop_server(server["id"])
        self.wait_for_server_status(server["id"], "SHUTOFF")
        self.assertRaises(lib_exc.Conflict, self.client.stop_server, server["id"])
        self.assertEqual("SHUTOFF", self.client.show_server(server["id"])["server"]["status"])

    @decorators.requires_features("stop_start")
    @decorators.idempotent_id('e9549af5-a9cc-4e9c-97bc-360e8aef1968')
    def test_delete_shutoff_server(self):
        server = self.create_server_for_test()
        self.client.stop_server(server["id"])
        self.wait_for_server_status(server["id"], "SHUTOFF")
        self.client.delete_server(server["id"])
        _helpers.wait_for_termination(self.client, server["id"])
        self.assertRaises(lib_exc.NotFound, self.client.show_server, server["id"])

    @decorators.idempotent_id('15993267-8e1e-4c3b-bc9c-7db289307e3d')
    def test_unknown_action_is_400(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.BadRequest, self.client.action, server["id"],
                          "cellgateNoSuchAction")
