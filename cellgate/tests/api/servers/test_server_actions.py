"""Server actions: reboot (SOFT, HARD), os-stop, os-start and the wrong-state 409s."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers

#: From 2.51 members see the events of their servers' actions.
EVENTS_MICROVERSION = "2.51"
#: The (status, task_state) pairs Nova shows while a reboot runs.
SOFT_REBOOTING = [("REBOOT", "rebooting"), ("REBOOT", "reboot_pending"),
                  ("REBOOT", "reboot_started")]
HARD_REBOOTING = [("HARD_REBOOT", "rebooting_hard"), ("HARD_REBOOT", "reboot_pending_hard"),
                  ("HARD_REBOOT", "reboot_started_hard")]


class ServerActionsTest(base.BaseComputeTest):
    """Each test boots its own server, so no test depends on another's power state."""

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client

    def _act_and_settle(self, server_id, call, action, final, in_progress):
        """Run `call`, watch the server settle in `final`, and check what Nova shows on the
        way: only `in_progress` (status, task_state) pairs, then the finished compute event
        of this action's request (a 202 that did nothing records none)."""
        body = call(server_id)
        seen = _helpers.watch_until(self.client, server_id, final)
        allowed = set(in_progress) | {(final, None)}
        self.assertEqual([], [pair for pair in seen if pair not in allowed],
                         f"{action}: unexpected (status, task_state) on the way to {final}: "
                         f"{seen}")
        event = _helpers.wait_for_event(self.client, server_id,
                                        _helpers.request_id_of(body), action)
        self.assertEqual("Success", event["result"], event)
        return self.client.show_server(server_id)["server"]

    def _reboot(self, reboot_type, in_progress):
        self.use_microversion(EVENTS_MICROVERSION)
        server = self.create_server_for_test()
        shown = self._act_and_settle(
            server["id"], lambda sid: self.client.reboot_server(sid, type=reboot_type),
            "reboot", "ACTIVE", in_progress)
        self.assertEqual(("ACTIVE", _helpers.RUNNING, "active", None), _helpers.states(shown))

    @decorators.requires_features("reboot", "instance_actions")
    @decorators.idempotent_id('d756e6d6-18b8-48ea-8a72-ad07abbf8103')
    def test_soft_reboot_returns_to_active(self):
        self._reboot("SOFT", SOFT_REBOOTING)

    @decorators.requires_features("reboot", "instance_actions")
    @decorators.idempotent_id('640d1f31-f1e3-4f10-96dc-a3911897f0a7')
    def test_hard_reboot_returns_to_active(self):
        self._reboot("HARD", HARD_REBOOTING)

    @decorators.requires_features("reboot")
    @decorators.idempotent_id('7c3b40ee-2936-4606-9e3c-7af559f6d89d')
    def test_reboot_with_unknown_type_is_400(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.BadRequest, self.client.reboot_server, server["id"],
                          type="GENTLE")

    @decorators.requires_features("stop_start", "instance_actions")
    @decorators.idempotent_id('52c0ebb0-7b33-4227-87f4-c8a819c466d8')
    def test_stop_then_start(self):
        self.use_microversion(EVENTS_MICROVERSION)
        server = self.create_server_for_test()
        stopped = self._act_and_settle(server["id"], self.client.stop_server, "stop",
                                       "SHUTOFF", [("ACTIVE", "powering-off")])
        self.assertEqual(("SHUTOFF", _helpers.SHUTDOWN, "stopped", None),
                         _helpers.states(stopped))
        started = self._act_and_settle(server["id"], self.client.start_server, "start",
                                       "ACTIVE", [("SHUTOFF", "powering-on")])
        self.assertEqual(("ACTIVE", _helpers.RUNNING, "active", None), _helpers.states(started))

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
        self.use_microversion(EVENTS_MICROVERSION)
        server = self.create_server_for_test()
        self.client.stop_server(server["id"])
        self.wait_for_server_status(server["id"], "SHUTOFF")
        body = self.client.delete_server(server["id"])
        _helpers.wait_for_termination(self.client, server["id"])
        self.assertRaises(lib_exc.NotFound, self.client.show_server, server["id"])
        if self.config.feature_enabled("instance_actions"):  # the host really destroyed it
            event = _helpers.wait_for_event(self.client, server["id"],
                                            _helpers.request_id_of(body), "delete")
            self.assertEqual("Success", event["result"], event)

    @decorators.idempotent_id('15993267-8e1e-4c3b-bc9c-7db289307e3d')
    def test_unknown_action_is_400(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.BadRequest, self.client.action, server["id"],
                          "cellgateNoSuchAction")
