"""pause / unpause and suspend / resume: Nova's state machine, events and wrong-state 409s."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests.api.servers import _actions


class _ActionTest(_actions.ActionTest):

    def _do(self, call, server_id: str, status: str, vm_state: str) -> str:
        """Run an action, wait for `status`; return its request id after checking vm_state."""
        req_id = self.do(call, server_id, status)
        shown = self.client.show_server(server_id)["server"]
        self.assertEqual(vm_state, _actions.vm_state(shown))
        return req_id


class ServerPauseTest(_ActionTest):
    required_features = ("pause",)

    @decorators.idempotent_id('4970ff8d-53bd-4db4-a58e-1e7b7ef79f26')
    def test_pause_then_unpause(self):
        server = self.create_server_for_test()
        self._do(self.client.pause_server, server["id"], "PAUSED", "paused")
        self._do(self.client.unpause_server, server["id"], "ACTIVE", "active")

    @decorators.requires_features("instance_actions")
    @decorators.idempotent_id('fa34d59b-4d50-46c6-b1fb-de174e89d212')
    def test_pause_and_unpause_record_compute_events(self):
        server = self.create_server_for_test()
        pause_id = self._do(self.client.pause_server, server["id"], "PAUSED", "paused")
        unpause_id = self._do(self.client.unpause_server, server["id"], "ACTIVE", "active")
        self.assertEqual(("pause", {"compute_pause_instance"}),
                         _actions.action_events(self.client, server["id"], pause_id))
        self.assertEqual(("unpause", {"compute_unpause_instance"}),
                         _actions.action_events(self.client, server["id"], unpause_id))

    @decorators.idempotent_id('c94447b3-b852-45cb-832a-c3e8a1f1a5c3')
    def test_unpause_active_server_is_409(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.Conflict, self.client.unpause_server, server["id"])
        self.assertEqual("ACTIVE", self.status_of(server["id"]))

    @decorators.idempotent_id('d22ad85d-4287-47a5-a3d6-f1b070ffdaa5')
    def test_paused_server_refuses_pause_suspend_and_stop(self):
        server = self.create_server_for_test()
        self._do(self.client.pause_server, server["id"], "PAUSED", "paused")
        for call in (self.client.pause_server, self.client.suspend_server,
                     self.client.stop_server):
            self.assertRaises(lib_exc.Conflict, call, server["id"])
        self.assertEqual("PAUSED", self.status_of(server["id"]))

    @decorators.requires_features("stop_start")
    @decorators.idempotent_id('1d787232-37a4-4e3a-a520-5d0e23a788c1')
    def test_pause_shutoff_server_is_409(self):
        server = self.stopped_server()
        self.assertRaises(lib_exc.Conflict, self.client.pause_server, server["id"])
        self.assertEqual("SHUTOFF", self.status_of(server["id"]))

    @decorators.idempotent_id('4bde9248-bd10-42ee-956c-9a11f7b1fc74')
    def test_pause_unknown_server_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.pause_server,
                          "00000000-0000-4000-8000-000000000000")


class ServerSuspendTest(_ActionTest):
    required_features = ("suspend",)

    @decorators.idempotent_id('85080b58-56a6-4885-a7d7-2272b0a04cc3')
    def test_suspend_then_resume(self):
        server = self.create_server_for_test()
        self._do(self.client.suspend_server, server["id"], "SUSPENDED", "suspended")
        self._do(self.client.resume_server, server["id"], "ACTIVE", "active")

    @decorators.requires_features("instance_actions")
    @decorators.idempotent_id('bf907925-6351-4bae-808c-6bd6f079ba9a')
    def test_suspend_and_resume_record_compute_events(self):
        server = self.create_server_for_test()
        suspend_id = self._do(self.client.suspend_server, server["id"], "SUSPENDED",
                              "suspended")
        resume_id = self._do(self.client.resume_server, server["id"], "ACTIVE", "active")
        self.assertEqual(("suspend", {"compute_suspend_instance"}),
                         _actions.action_events(self.client, server["id"], suspend_id))
        self.assertEqual(("resume", {"compute_resume_instance"}),
                         _actions.action_events(self.client, server["id"], resume_id))

    @decorators.idempotent_id('a8dd2a5a-e9cd-4ead-ab71-9d040d77b119')
    def test_resume_active_server_is_409(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.Conflict, self.client.resume_server, server["id"])
        self.assertEqual("ACTIVE", self.status_of(server["id"]))

    @decorators.requires_features("stop_start")
    @decorators.idempotent_id('8cdb23b1-ae8c-42cd-8c92-180b0c327ab5')
    def test_suspended_server_refuses_start_and_suspend(self):
        server = self.create_server_for_test()
        self._do(self.client.suspend_server, server["id"], "SUSPENDED", "suspended")
        self.assertRaises(lib_exc.Conflict, self.client.start_server, server["id"])
        self.assertRaises(lib_exc.Conflict, self.client.suspend_server, server["id"])
        self.assertEqual("SUSPENDED",
                         self.status_of(server["id"]))
