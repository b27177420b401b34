"""Scenario: cells filled, weighed, disabled, taken down and brought back, and builds
rescheduled across cells.

What the Nova API cannot do or show (a cell's weight, disabling a cell, taking it offline, the
manual sync) goes through the reference cloud's documented operator commands (`cellgate cells
...` on `[cells] operator_state_dir`, see cellgate/lib/operator.py); which cell a host is in
comes from `[cells] host_cells`. The tests change the cloud for everything running beside
them, so they need the flag `cell_operations`, which only the serial `cells-serial` job turns
on. Real Nova has no such operator commands (and schedules by host, not by cell): there they
skip. Nova's down-cell answers (2.69 minimal records, skipped below 2.69, a 500 for a show)
were checked against Nova's source (nova/api/openstack/compute/views/servers.py
`_show_from_down_cell`, compute/api.py `_get_instance_from_cell`), since nova-real cannot take
a cell down.
"""

from __future__ import annotations

import json

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators, waiters
from cellgate.lib.operator import CellsOperator
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers

PROBE_NAME = "cellgate-reschedule-probe"
BUILD_EVENT = _helpers.ACTION_EVENTS["create"]


class CellOperationsTest(base.BaseComputeTest):
    """Admin boots (forced hosts and hints are admin things); the operator changes cells."""

    required_features = ("cell_operations", "services", "hypervisors")
    roles = ("admin",)

    @classmethod
    def skip_checks(cls):
        reason = super().skip_checks()
        if reason:
            return reason
        if not cls.config.cells.operator_state_dir:
            return ("[cells] operator_state_dir is not set: these tests need the reference "
                    "cloud's operator commands (`cellgate cells ...`)")
        if len(set(cls.config.cells.host_cells.values())) < 2:
            return _helpers.NO_HOST_CELLS + " (and two cells at least)"
        return None

    def setUp(self):
        super().setUp()
        self.operator = CellsOperator(self.config.cells.operator_state_dir)
        self.admin = self.os_admin.servers_client
        self.cells = {c["name"]: c["hosts"] for c in self.operator.list()}

    # -- helpers -----------------------------------------------------------------------

    def cell_of(self, server_id: str) -> str | None:
        host = self.admin.show_server(server_id)["server"]["OS-EXT-SRV-ATTR:host"]
        return self.config.cells.cell_of(host)

    def boot(self, wait_until: str | None = "ACTIVE", **body) -> dict:
        return self.create_server_for_test(clients=self.os_admin, wait_until=wait_until,
                                           **body)

    def preferred_cell(self) -> str:
        """The cell the scheduler picks for a small server now (boots one to see)."""
        return self.cell_of(self.boot()["id"])

    def compute_states(self, hosts: list[str]) -> set[str]:
        services = self.os_admin.services_client.list_services(binary="nova-compute")
        return {s["state"] for s in services["services"] if s["host"] in hosts}

    def wait_compute_state(self, cell: str, state: str) -> None:
        waiters.wait_until(lambda: self.compute_states(self.cells[cell]) == {state},
                           self.build_timeout, f"the compute services of {cell} to be {state}")

    def take_down(self, cell: str) -> None:
        self.operator.offline(cell)
        self.addCleanup(self.wait_compute_state, cell, "up")
        self.addCleanup(self.operator.online, cell)
        self.wait_compute_state(cell, "down")

    def free_vcpus(self, host: str) -> int:
        hypervisors = self.os_admin.hypervisor_client.list_hypervisors(detail=True)
        (found,) = [h for h in hypervisors["hypervisors"] if h["hypervisor_hostname"] == host]
        return found["vcpus"] - found["vcpus_used"]

    # -- capacity, weights, disabled cells ---------------------------------------------

    @decorators.idempotent_id('0e1f4b7c-58d3-4a55-9f86-0d8d6ab1f2a1')
    def test_full_cell_is_never_chosen(self):
        first = self.preferred_cell()
        for host in self.cells[first]:
            flavor = self.create_flavor_for_test(vcpus=self.free_vcpus(host))
            self.boot(flavorRef=flavor["id"], availability_zone=f"nova:{host}")
            self.assertEqual(0, self.free_vcpus(host))
        landed = [self.cell_of(s["id"]) for s in _helpers.boot_all(
            self, self.os_admin, [{}, {}, {}])]
        self.assertNotIn(first, landed, f"a build went to the full cell {first}")
        self.assertEqual(3, len([c for c in landed if c in self.cells]), landed)

    @decorators.idempotent_id('a4c1b0de-3d0e-4b4e-8a0a-7f3d2f5f6c11')
    def test_weight_offset_and_disabled_cell(self):
        first = self.preferred_cell()
        other = next(name for name in self.cells if name != first)
        self.operator.set_weight(other, 1000)
        self.addCleanup(self.operator.set_weight, other, 0)
        self.assertEqual(other, self.preferred_cell())
        self.operator.disable(other)
        self.addCleanup(self.operator.enable, other)
        self.assertEqual(first, self.preferred_cell())
        self.assertTrue(self.operator.show(other)["disabled"])

    # -- a cell that goes down and comes back ------------------------------------------

    @decorators.idempotent_id('6b8f8c1e-2f7c-4f0a-bb32-5c6f9c2d7e40')
    def test_down_cell_below_2_69_and_recovery(self):
        server = self.boot()
        cell = self.cell_of(server["id"])
        self.take_down(cell)
        # Nova below 2.69: a listing skips the down cell's servers, a show is a 500
        listed = [s["id"] for s in self.admin.list_servers(detail=True)["servers"]]
        self.assertNotIn(server["id"], listed)
        self.assertRaises(lib_exc.ServerFault, self.admin.show_server, server["id"])
        hypervisors = self.os_admin.hypervisor_client.list_hypervisors(detail=True)
        self.assertEqual({"down"}, {h["state"] for h in hypervisors["hypervisors"]
                                    if h["hypervisor_hostname"] in self.cells[cell]})
        # new builds go to a cell that answers; the manual sync goes on without it
        elsewhere = self.cell_of(self.boot()["id"])
        self.assertNotEqual(cell, elsewhere)
        report = self.operator.sync()
        self.assertTrue(report["cells"][cell].startswith("down"), report["cells"])
        self.assertEqual("ok", report["cells"][elsewhere])
        # back: the server is listed and shown again, as it was
        self.operator.online(cell)
        self.wait_compute_state(cell, "up")
        listed = [s["id"] for s in self.admin.list_servers(detail=True)["servers"]]
        self.assertIn(server["id"], listed)
        self.assertEqual("ACTIVE", self.admin.show_server(server["id"])["server"]["status"])

    def get_269(self, path: str) -> tuple[int, dict]:
        """GET at 2.69 without tempest's response schemas (they have no down-cell shapes)."""
        resp, body = self.os_admin.rest_client("compute").get(
            path, headers={"X-OpenStack-Nova-API-Version": "2.69",
                           "Content-Type": "application/json",
                           "Accept": "application/json"})
        return resp.status, json.loads(body)

    @decorators.idempotent_id('d3f0a9a8-6f44-4e53-8c44-0f2c6a1d8b27')
    @decorators.requires_microversion('2.69')
    def test_down_cell_servers_are_unknown_from_2_69(self):
        server = self.boot()
        cell = self.cell_of(server["id"])
        self.take_down(cell)
        _status, listing = self.get_269("servers")
        (brief,) = [s for s in listing["servers"] if s["id"] == server["id"]]
        self.assertEqual({"id", "status", "links"}, set(brief))
        self.assertEqual("UNKNOWN", brief["status"])
        _status, listing = self.get_269("servers/detail")
        (detail,) = [s for s in listing["servers"] if s["id"] == server["id"]]
        self.assertEqual({"id", "status", "tenant_id", "created", "links"}, set(detail))
        status, shown = self.get_269(f"servers/{server['id']}")
        self.assertEqual(200, status)
        shown = shown["server"]
        self.assertEqual(("UNKNOWN", server["id"]), (shown["status"], shown["id"]))
        self.assertLessEqual({"image", "flavor", "user_id", "tenant_id", "created",
                              "OS-EXT-AZ:availability_zone", "OS-EXT-STS:power_state"},
                             set(shown))
        self.assertNotIn("name", shown)
        self.operator.online(cell)
        self.wait_compute_state(cell, "up")
        status, shown = self.get_269(f"servers/{server['id']}")
        self.assertEqual(("ACTIVE", server["name"]),
                         (shown["server"]["status"], shown["server"]["name"]))

    # -- rescheduling across cells ------------------------------------------------------

    @decorators.idempotent_id('7c2e5d9b-93a1-4d8e-a7d3-4b6f1e0c9a52')
    @decorators.requires_features("cell_reschedule_probe")
    def test_failed_build_is_rescheduled_to_another_cell(self):
        first = self.preferred_cell()
        created = self.boot(wait_until=None, name=PROBE_NAME)
        server = self.wait_for_server_status(created["id"], "ACTIVE", clients=self.os_admin)
        self.assertNotEqual(first, self.cell_of(server["id"]),
                            "the probe fails in the preferred cell; it must end elsewhere")
        (action,) = [a for a in self.admin.list_instance_actions(server["id"])
                     ["instanceActions"] if a["action"] == "create"]
        events = self.admin.show_instance_action(server["id"], action["request_id"])
        results = [e["result"] for e in events["instanceAction"]["events"]
                   if e["event"] == BUILD_EVENT]
        self.assertIn("Error", results)
        self.assertEqual(1, results.count("Success"), results)

    @decorators.idempotent_id('e5a7c3f2-1b4d-4c6e-9f80-2a3b4c5d6e7f')
    @decorators.requires_features("cell_reschedule_probe")
    def test_delete_during_reschedule_leaves_nothing(self):
        def used() -> int:
            hypervisors = self.os_admin.hypervisor_client.list_hypervisors(detail=True)
            return sum(h["vcpus_used"] for h in hypervisors["hypervisors"])
        before = used()
        servers = [self.boot(wait_until=None, name=PROBE_NAME) for _ in range(3)]
        for server in servers:
            self.admin.delete_server(server["id"])
        for server in servers:
            waiters.wait_for_server_termination(self.admin, server["id"], self.build_timeout,
                                                self.build_interval)
        waiters.wait_until(lambda: used() == before, self.build_timeout,
                           f"the hosts' vcpus in use to return to {before}")
        listed = {s["id"] for s in self.admin.list_servers()["servers"]}
        self.assertEqual(set(), listed & {s["id"] for s in servers})
