"""lock / unlock: a locked server refuses actions to non-admins with 409; admins may act."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests.api.servers import _actions


class ServerLockTest(_actions.ActionTest):
    """Each test boots its own server (microversion 2.9: `locked` is shown)."""

    required_features = ("lock",)
    microversion = "2.9"

    def _locked_server(self) -> dict:
        server = self.create_server_for_test()
        self.client.lock_server(server["id"])
        self.addCleanup(self.admin_client.unlock_server, server["id"])
        return server

    @decorators.idempotent_id('157a77a7-cf61-4704-a7a1-0b5224fe7305')
    def test_lock_shows_locked_and_unlock_clears_it(self):
        server = self.create_server_for_test()
        self.assertFalse(self.client.show_server(server["id"])["server"]["locked"])
        self.client.lock_server(server["id"])
        self.assertTrue(self.client.show_server(server["id"])["server"]["locked"])
        self.client.unlock_server(server["id"])
        self.assertFalse(self.client.show_server(server["id"])["server"]["locked"])

    @decorators.idempotent_id('9be8ab3e-c662-4ce7-ab44-3bf34f0534a4')
    def test_locked_server_refuses_member_actions(self):
        server = self._locked_server()
        self.assertRaises(lib_exc.Conflict, self.client.stop_server, server["id"])
        self.assertRaises(lib_exc.Conflict, self.client.reboot_server, server["id"],
                          type="HARD")
        self.assertRaises(lib_exc.Conflict, self.client.delete_server, server["id"])
        shown = self.client.show_server(server["id"])["server"]
        self.assertEqual(("ACTIVE", None), (shown["status"], shown["OS-EXT-STS:task_state"]))

    @decorators.idempotent_id('a96f6cb5-917c-47bf-81eb-ca876d9de597')
    def test_unlocked_server_accepts_actions_again(self):
        server = self._locked_server()
        self.client.unlock_server(server["id"])
        self.client.stop_server(server["id"])
        self.assertEqual("SHUTOFF", self.wait_for_server_status(server["id"], "SHUTOFF")["status"])

    @decorators.idempotent_id('d17b3df4-5b92-4a9a-bb56-04eee85b17a9')
    def test_admin_acts_on_locked_server(self):
        server = self._locked_server()
        self.admin_client.stop_server(server["id"])
        stopped = self.wait_for_server_status(server["id"], "SHUTOFF")
        self.assertTrue(stopped["locked"])

    @decorators.idempotent_id('3c42bd88-bf49-45cf-a22f-a29a5c68dacd')
    def test_member_cannot_unlock_admin_lock(self):
        server = self.create_server_for_test()
        self.admin_client.lock_server(server["id"])
        self.addCleanup(self.admin_client.unlock_server, server["id"])
        self.assertRaises(lib_exc.Forbidden, self.client.unlock_server, server["id"])
        self.assertTrue(self.client.show_server(server["id"])["server"]["locked"])
        self.admin_client.unlock_server(server["id"])
        self.assertFalse(self.client.show_server(server["id"])["server"]["locked"])

    @decorators.requires_features("server_metadata")
    @decorators.idempotent_id('5795343c-2edd-43d5-a8bb-d08f9454fe78')
    def test_locked_server_refuses_member_metadata_changes(self):
        server = self.create_server_for_test(metadata={"kept": "1"})
        self.client.lock_server(server["id"])
        self.addCleanup(self.admin_client.unlock_server, server["id"])
        self.assertRaises(lib_exc.Conflict, self.client.set_server_metadata_item,
                          server["id"], "kept", {"kept": "2"})
        self.assertRaises(lib_exc.Conflict, self.client.update_server_metadata, server["id"],
                          {"new": "1"})
        self.assertRaises(lib_exc.Conflict, self.client.delete_server_metadata_item,
                          server["id"], "kept")
        self.assertEqual({"kept": "1"},
                         self.client.list_server_metadata(server["id"])["metadata"])

    @decorators.idempotent_id('eec10fd5-5bf6-4feb-8419-f5e3d8664663')
    def test_unlock_of_unlocked_server_is_accepted(self):
        server = self.create_server_for_test()
        self.client.unlock_server(server["id"])
        self.assertFalse(self.client.show_server(server["id"])["server"]["locked"])

    @decorators.requires_features("instance_actions")
    @decorators.idempotent_id('26d74c2f-b50d-4629-b98f-7633a14a7b2f')
    def test_lock_and_unlock_are_recorded_with_api_events(self):
        server = self.create_server_for_test()
        lock_id = _actions.request_id(self.client.lock_server(server["id"]))
        unlock_id = _actions.request_id(self.client.unlock_server(server["id"]))
        self.assertEqual(("lock", {"api_lock"}),
                         _actions.action_events(self.client, server["id"], lock_id))
        self.assertEqual(("unlock", {"api_unlock"}),
                         _actions.action_events(self.client, server["id"], unlock_id))

    @decorators.idempotent_id('f4df2068-6db4-4632-831e-0b4a9ffbc3fd')
    def test_lock_unknown_server_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.lock_server,
                          "00000000-0000-4000-8000-000000000000")


class ServerLockReasonTest(_actions.ActionTest):
    """Microversion 2.73: lock with a reason, shown as `locked_reason`."""

    required_features = ("lock",)
    min_microversion = "2.73"
    microversion = "2.73"
    @decorators.idempotent_id('beca6cef-e29b-4cac-83f8-183c5a93a622')
    def test_locked_reason_shown_and_cleared(self):
        server = self.create_server_for_test()
        self.client.lock_server(server["id"], locked_reason="maintenance window")
        self.addCleanup(self.admin_client.unlock_server, server["id"])
        shown = self.client.show_server(server["id"])["server"]
        self.assertEqual((True, "maintenance window"), (shown["locked"], shown["locked_reason"]))
        self.client.unlock_server(server["id"])
        shown = self.client.show_server(server["id"])["server"]
        self.assertEqual((False, None), (shown["locked"], shown["locked_reason"]))

    @decorators.idempotent_id('8b8e73ec-f21c-4c7a-9187-258d83537408')
    def test_locked_reason_too_long_is_400(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.BadRequest, self.client.lock_server, server["id"],
                          locked_reason="x" * 256)
        self.assertRaises(lib_exc.BadRequest, self.client.lock_server, server["id"],
                          locked_reason=5)
        self.assertFalse(self.client.show_server(server["id"])["server"]["locked"])
