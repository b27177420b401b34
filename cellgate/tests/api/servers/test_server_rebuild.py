"""rebuild: a new image (and name, metadata, access IPs, 2.57 user_data) on the same server."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _actions


class ServerRebuildTest(_actions.ActionTest):
    """Each test boots its own server."""

    required_features = ("rebuild",)

    @decorators.idempotent_id('87825fb9-4348-464b-bea1-bd42329b5179')
    def test_rebuild_changes_image_name_metadata_and_keeps_id(self):
        server = self.create_server_for_test(metadata={"old": "1"})
        body = self.client.rebuild_server(server["id"], self.image_ref_alt,
                                          name="cellgate-rebuilt", metadata={"new": "2"},
                                          accessIPv4="192.0.2.7")["server"]
        self.assertEqual((server["id"], "REBUILD"), (body["id"], body["status"]))
        self.assertEqual(self.image_ref_alt, body["image"]["id"])
        self.assertTrue(body["adminPass"])
        shown = self.wait_for_server_status(server["id"], "ACTIVE")
        self.assertEqual(self.image_ref_alt, shown["image"]["id"])
        self.assertEqual(("cellgate-rebuilt", {"new": "2"}, "192.0.2.7"),
                         (shown["name"], shown["metadata"], shown["accessIPv4"]))
        self.assertEqual(("active", 1), (shown["OS-EXT-STS:vm_state"],
                                         shown["OS-EXT-STS:power_state"]))

    @decorators.requires_features("instance_actions")
    @decorators.idempotent_id('5cb5a831-8830-415a-9f67-704a51535485')
    def test_rebuild_records_compute_events(self):
        server = self.create_server_for_test()
        req_id = _actions.request_id(self.client.rebuild_server(server["id"],
                                                                self.image_ref_alt))
        self.wait_for_server_status(server["id"], "ACTIVE")
        action, events = _actions.action_events(self.client, server["id"], req_id)
        self.assertEqual("rebuild", action)
        self.assertEqual({"rebuild_server", "compute_rebuild_instance"}, events)

    @decorators.requires_features("stop_start")
    @decorators.idempotent_id('d3744a5a-cd3f-49f4-a5a5-a5aa13400bcb')
    def test_rebuild_shutoff_server_stays_shutoff(self):
        server = self.stopped_server()
        self.client.rebuild_server(server["id"], self.image_ref_alt)
        shown = self.wait_for_server_status(server["id"], "SHUTOFF")
        self.assertEqual((self.image_ref_alt, "stopped"),
                         (shown["image"]["id"], shown["OS-EXT-STS:vm_state"]))

    @decorators.requires_features("pause")
    @decorators.idempotent_id('71ef93b8-2007-4779-9513-24f7394df690')
    def test_rebuild_paused_server_is_409(self):
        server = self.create_server_for_test()
        self.client.pause_server(server["id"])
        self.wait_for_server_status(server["id"], "PAUSED")
        self.assertRaises(lib_exc.Conflict, self.client.rebuild_server, server["id"],
                          self.image_ref_alt)
        shown = self.client.show_server(server["id"])["server"]
        self.assertEqual((self.image_ref, "PAUSED"), (shown["image"]["id"], shown["status"]))

    @decorators.idempotent_id('4e7c5f6f-8ba3-4a55-92ec-4fe6b1f6e626')
    def test_rebuild_with_unknown_image_is_400(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.BadRequest, self.client.rebuild_server, server["id"],
                          "00000000-0000-4000-8000-000000000000")
        self.assertEqual(self.image_ref,
                         self.client.show_server(server["id"])["server"]["image"]["id"])

    @decorators.idempotent_id('4605d1c7-977f-4652-bddb-eeac82c5d0f2')
    def test_rebuild_with_bad_body_is_400(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.BadRequest, self.client.action, server["id"], "rebuild")
        self.assertRaises(lib_exc.BadRequest, self.client.rebuild_server, server["id"],
                          self.image_ref_alt, cellgate_unknown_field="x")
        self.assertEqual("ACTIVE", self.status_of(server["id"]))


class ServerRebuildUserDataTest(base.BaseComputeTest):
    """Microversion 2.57: rebuild may replace user_data (admins see it from 2.3)."""

    required_features = ("rebuild",)
    min_microversion = "2.57"
    microversion = "2.57"
    roles = ("member", "admin")

    @decorators.idempotent_id('8052a0bd-6be7-4fa3-aa00-73ade6cc3352')
    def test_rebuild_replaces_user_data(self):
        client = self.os_member.servers_client
        server = self.create_server_for_test()
        client.rebuild_server(server["id"], self.image_ref_alt, user_data="aGVsbG8=")
        self.wait_for_server_status(server["id"], "ACTIVE")
        shown = self.os_admin.servers_client.show_server(server["id"])["server"]
        self.assertEqual("aGVsbG8=", shown["OS-EXT-SRV-ATTR:user_data"])

    @decorators.idempotent_id('3c67205e-3912-46dd-9750-cf067a03be4a')
    def test_rebuild_user_data_before_257_is_400(self):
        client = self.os_member.servers_client
        server = self.create_server_for_test()
        self.use_microversion("2.56")
        self.assertRaises(lib_exc.BadRequest, client.rebuild_server, server["id"],
                          self.image_ref_alt, user_data="aGVsbG8=")
