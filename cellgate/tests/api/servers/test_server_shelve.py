"""shelve / shelveOffload / unshelve: with Nova's default shelved_offload_time (0) a shelve
offloads at once, freeing the host; unshelve schedules the server again."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests.api.servers import _actions


class ServerShelveTest(_actions.ActionTest):
    """Each test boots its own server; admin reads the host."""

    required_features = ("shelve",)

    def _shelved(self) -> tuple[dict, str]:
        server = self.create_server_for_test()
        req_id = _actions.request_id(self.client.shelve_server(server["id"]))
        self.wait_for_server_status(server["id"], "SHELVED_OFFLOADED")
        return server, req_id

    def _host(self, server_id: str) -> str | None:
        return self.admin_client.show_server(server_id)["server"]["OS-EXT-SRV-ATTR:host"]

    @decorators.idempotent_id('e6d04fb6-549d-480b-9cda-8d27cef680a4')
    def test_shelve_offloads_and_frees_the_host(self):
        server, _ = self._shelved()
        shown = _actions.wait_for_admin_view(
            self, server["id"], lambda s: s["OS-EXT-SRV-ATTR:host"] is None)
        self.assertEqual(("shelved_offloaded", None, None),
                         (shown["OS-EXT-STS:vm_state"], shown["OS-EXT-SRV-ATTR:host"],
                          shown["OS-EXT-SRV-ATTR:hypervisor_hostname"]))

    @decorators.idempotent_id('4cb73b1e-72a9-4c4b-98bb-7f81e118d15d')
    def test_unshelve_returns_to_active_on_a_host(self):
        server, _ = self._shelved()
        self.client.unshelve_server(server["id"])
        shown = self.wait_for_server_status(server["id"], "ACTIVE")
        self.assertEqual("active", shown["OS-EXT-STS:vm_state"])
        self.assertIsNotNone(self._host(server["id"]))

    @decorators.requires_features("instance_actions")
    @decorators.idempotent_id('5d44bb9e-e499-43c6-ac63-c09e7d1ab06e')
    def test_shelve_and_unshelve_record_events(self):
        server, shelve_id = self._shelved()
        unshelve_id = _actions.request_id(self.client.unshelve_server(server["id"]))
        self.wait_for_server_status(server["id"], "ACTIVE")
        self.assertEqual(("shelve", {"compute_shelve_instance"}),
                         _actions.action_events(self.client, server["id"], shelve_id))
        action, events = _actions.action_events(self.client, server["id"], unshelve_id)
        self.assertEqual("unshelve", action)
        self.assertEqual({"compute_unshelve_instance", "schedule_instances",
                          "get_image_info"}, events)

    @decorators.idempotent_id('709eff15-f515-42a5-8271-72b9ccff7935')
    def test_shelve_offloaded_server_refuses_shelve_and_offload(self):
        server, _ = self._shelved()
        self.assertRaises(lib_exc.Conflict, self.client.shelve_server, server["id"])
        self.assertRaises(lib_exc.Conflict, self.admin_client.shelve_offload_server,
                          server["id"])
        self.assertEqual("SHELVED_OFFLOADED",
                         self.status_of(server["id"]))

    @decorators.idempotent_id('4ed52af1-5a67-4467-b3cc-9bb4f4dcd577')
    def test_unshelve_active_server_is_409(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.Conflict, self.client.unshelve_server, server["id"])
        self.assertRaises(lib_exc.Conflict, self.admin_client.shelve_offload_server,
                          server["id"])
        self.assertEqual("ACTIVE", self.status_of(server["id"]))

    @decorators.idempotent_id('2ef286d5-ba60-4fb1-98a2-c0aef4af5ff7')
    def test_shelve_offload_is_admin_only(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.Forbidden, self.client.shelve_offload_server, server["id"])

    @decorators.requires_features("stop_start")
    @decorators.idempotent_id('22e53f1b-f1a5-4c69-a267-a0bc77460bb1')
    def test_shelve_shutoff_server(self):
        server = self.stopped_server()
        self.client.shelve_server(server["id"])
        self.wait_for_server_status(server["id"], "SHELVED_OFFLOADED")
        shown = _actions.wait_for_admin_view(
            self, server["id"], lambda s: s["OS-EXT-SRV-ATTR:host"] is None)
        self.assertIsNone(shown["OS-EXT-SRV-ATTR:host"])
