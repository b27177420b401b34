"""Instance actions and shelve from 2.62: each event's hostId (and host for admins, 2.62),
failed events' details for admins (2.84), changes-before on the action list (2.66), and
unshelve to a zone (2.77) or a host (2.91)."""

from __future__ import annotations

import json

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.lib.microversion import ComputeMicroversion, version_headers
from cellgate.tests.api.servers import _actions

PAST = "2000-01-01T00:00:00Z"
FUTURE = "2100-01-01T00:00:00Z"


class ActionEventHostTest(_actions.ActionTest):
    """2.62/2.84: what an instance action's events show to its owner and to an admin."""

    microversion = "2.62"
    required_features = ("instance_actions",)

    def _create_event(self, clients, server_id):
        client = clients.servers_client
        actions = client.list_instance_actions(server_id)["instanceActions"]
        req_id = [a for a in actions if a["action"] == "create"][0]["request_id"]
        events = client.show_instance_action(server_id, req_id)["instanceAction"]["events"]
        return [e for e in events if e["event"] == "compute__do_build_and_run_instance"][0]

    @decorators.idempotent_id('ce49bf81-9c3c-409f-88d8-113b8afb4a8d')
    def test_owner_sees_host_id_admin_sees_host(self):
        server = self.create_server_for_test()
        shown = self.admin_client.show_server(server["id"])["server"]
        member_event = self._create_event(self.os_member, server["id"])
        admin_event = self._create_event(self.os_admin, server["id"])
        self.assertEqual(shown["hostId"], member_event["hostId"])
        self.assertNotIn("host", member_event)
        self.assertEqual(shown["OS-EXT-SRV-ATTR:host"], admin_event["host"])
        self.assertEqual(shown["hostId"], admin_event["hostId"])

    @decorators.idempotent_id('6219921a-81f7-4cfa-8223-3487cfdff6be')
    def test_no_host_fields_before_2_62(self):
        server = self.create_server_for_test()
        self.use_microversion("2.61")
        event = self._create_event(self.os_admin, server["id"])
        self.assertNotIn("host", event)
        self.assertNotIn("hostId", event)

    @decorators.idempotent_id('24e5a2d7-9637-4dd0-9b6b-e1c20897dfda')
    def test_details_for_admins_from_2_84(self):
        server = self.create_server_for_test()
        self.use_microversion("2.84")
        admin_event = self._create_event(self.os_admin, server["id"])
        self.assertIn("details", admin_event)
        self.assertIsNone(admin_event["details"])  # a successful event has no fault
        self.assertNotIn("details", self._create_event(self.os_member, server["id"]))
        with ComputeMicroversion("2.83"):
            self.assertNotIn("details", self._create_event(self.os_admin, server["id"]))

    @decorators.idempotent_id('b9f655f8-9a12-4de5-91ca-2e352f84e71f')
    def test_changes_before_on_the_action_list(self):
        server = self.create_server_for_test()
        self.use_microversion("2.66")
        rest = self.os_member.rest_client("compute")
        path = f"servers/{server['id']}/os-instance-actions"
        h = {"headers": version_headers(), "extra_headers": True}
        _, body = rest.get(f"{path}?changes-before={FUTURE}", **h)
        self.assertIn("create", [a["action"] for a in json.loads(body)["instanceActions"]])
        _, body = rest.get(f"{path}?changes-before={PAST}", **h)
        self.assertEqual([], json.loads(body)["instanceActions"])
        self.assertRaises(lib_exc.BadRequest, rest.get,
                          f"{path}?changes-since={FUTURE}&changes-before={PAST}", **h)
        self.assertRaises(lib_exc.BadRequest, rest.get, f"{path}?changes-before={PAST}",
                          headers=version_headers("2.65"), extra_headers=True)


class UnshelveTargetTest(_actions.ActionTest):
    """2.77: unshelve an offloaded server into a zone; 2.91: onto a host (admin)."""

    microversion = "2.77"
    required_features = ("shelve", "hypervisors")

    def _offloaded_from(self):
        """An offloaded server, with ``target`` a host of the cell it was built in (another
        host when there is one) and ``elsewhere`` the hosts of other cells ([cells]
        host_cells; [] without it)."""
        server = self.create_server_for_test()
        built_on = self.admin_client.show_server(server["id"])["server"]["OS-EXT-SRV-ATTR:host"]
        hosts = [h["hypervisor_hostname"] for h in
                 self.os_admin.hypervisor_client.list_hypervisors()["hypervisors"]]
        cells = self.config.cells
        same = [h for h in hosts if cells.cell_of(h) == cells.cell_of(built_on)]
        others = [h for h in same if h != built_on]
        server["target"] = (others or [built_on])[0]
        server["elsewhere"] = ([h for h in hosts if cells.cell_of(h) not in
                                (None, cells.cell_of(built_on))]
                               if cells.cell_of(built_on) else [])
        self.client.shelve_server(server["id"])
        self.wait_for_server_status(server["id"], "SHELVED_OFFLOADED")
        return server

    def _offloaded(self):
        server = self.create_server_for_test()
        self.client.shelve_server(server["id"])
        self.wait_for_server_status(server["id"], "SHELVED_OFFLOADED")
        return server

    @decorators.idempotent_id('0edb7f04-313a-4610-ae84-f31f7ea1a417')
    def test_unshelve_into_the_zone(self):
        server = self._offloaded()
        zone = self.client.show_server(server["id"])["server"]["OS-EXT-AZ:availability_zone"]
        self.client.unshelve_server(server["id"], availability_zone=zone or "nova")
        shown = self.wait_for_server_status(server["id"], "ACTIVE")
        self.assertEqual(zone or "nova", shown["OS-EXT-AZ:availability_zone"])

    @decorators.idempotent_id('a6866c8d-c755-4e74-8e2e-09ab03f9eefd')
    def test_unknown_zone_is_400(self):
        server = self._offloaded()
        self.assertRaises(lib_exc.BadRequest, self.client.unshelve_server, server["id"],
                          availability_zone="cellgate-no-such-zone")

    @decorators.idempotent_id('235d451a-bfd5-48a3-a357-ffd24a7bc7c8')
    def test_zone_on_a_server_not_offloaded_is_409(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.Conflict, self.client.unshelve_server, server["id"],
                          availability_zone="nova")

    @decorators.idempotent_id('7b584bf2-28c1-491a-aba2-05bd1505df0a')
    def test_empty_unshelve_body_is_400(self):
        server = self._offloaded()
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.post, f"servers/{server['id']}/action",
                          '{"unshelve": {}}', headers=version_headers(), extra_headers=True)

    @decorators.idempotent_id('bbf0c57d-0482-482a-a4ec-beeca998b4a7')
    def test_admin_unshelves_onto_a_host_of_its_cell(self):
        self.use_microversion("2.91")
        server = self._offloaded_from()
        self.admin_client.unshelve_server(server["id"], host=server["target"])
        self.wait_for_server_status(server["id"], "ACTIVE")
        shown = self.admin_client.show_server(server["id"])["server"]
        self.assertEqual(server["target"], shown["OS-EXT-SRV-ATTR:host"])

    @decorators.idempotent_id('df4b2fc2-6772-4682-b14b-7daeaf17e0a9')
    def test_host_of_another_cell_is_400(self):
        # the server stays in its cell when offloaded: Nova looks the host up there
        self.use_microversion("2.91")
        server = self._offloaded_from()
        if not server["elsewhere"]:
            self.skipTest("needs [cells] host_cells naming hosts of two cells")
        self.assertRaises(lib_exc.BadRequest, self.admin_client.unshelve_server,
                          server["id"], host=server["elsewhere"][0])

    @decorators.idempotent_id('eb43af0c-21e3-4d13-9b6f-b5d49ff19dd2')
    def test_member_may_not_unshelve_onto_a_host(self):
        self.use_microversion("2.91")
        server = self._offloaded_from()
        self.assertRaises(lib_exc.Forbidden, self.client.unshelve_server, server["id"],
                          host=server["target"])

    @decorators.idempotent_id('bddcacd8-a983-4667-b37b-c84bbac2eb5b')
    def test_unknown_host_is_400(self):
        self.use_microversion("2.91")
        server = self._offloaded()
        self.assertRaises(lib_exc.BadRequest, self.admin_client.unshelve_server,
                          server["id"], host="cellgate-no-such-host")
