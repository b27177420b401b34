"""Scenario: servers move between cells on cold migrate and resize, and stay who they are.

Nova allows such moves only when its policy `compute:servers:resize:cross_cell` does (by
default nobody); `[compute-feature-enabled] cross_cell_resize` says the cloud allows them for
admins. The cell of a host comes from `[cells] host_cells`. A cold migration names a host of
another cell (2.56); a resize uses a flavor that no host of the server's cell other than its
own can ever hold (more vCPUs than any of them has, or any other flavor when the cell has one
host) but a host of another cell has room for, so the scheduler has to leave the cell.

Event names are Nova's for a cross-cell move (checked against Nova 34 with the policy set for
admins): the events both clouds show after confirm and after revert.
"""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.lib.microversion import ComputeMicroversion
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers

SPECS = {"cellgate:kept": "old"}
NEW_SPECS = {"cellgate:kept": "new"}
MOVE_EVENTS = {"conductor_migrate_server", "cold_migrate",
               "compute_finish_snapshot_based_resize_at_dest"}
CONFIRM_EVENT = "conductor_confirm_snapshot_based_resize"
REVERT_EVENT = "conductor_revert_snapshot_based_resize"
KEPT = ("id", "name", "metadata", "key_name", "tags", "security_groups", "user_id",
        "tenant_id", "created")


class CrossCellMoveTest(base.BaseComputeTest):
    """An admin's server with metadata, tags, a keypair and a flavor with extra_specs is moved
    to another cell, then confirmed or reverted."""

    required_features = ("cross_cell_resize", "cold_migration", "resize", "extra_specs",
                         "keypairs", "instance_actions", "hypervisors", "services")
    # 2.56: migrate to a named host; 2.59: os-migrations lists a cross-cell move once (below
    # it Nova also lists the source cell's copy of the record while the move awaits confirm)
    microversion = "2.59"
    roles = ("admin",)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        admin = cls.os_admin
        cls.flavor = cls.create_test_flavor()
        admin.flavors_client.set_flavor_extra_spec(cls.flavor["id"], **SPECS)
        cls.keypair = admin.keypairs_client.create_keypair(
            name=_helpers.unique_name("cross-cell"))["keypair"]
        cls.addClassCleanup(cls._delete_keypair, cls.keypair["name"])

    @classmethod
    def _delete_keypair(cls, name):
        try:
            cls.os_admin.keypairs_client.delete_keypair(name)
        except lib_exc.NotFound:
            pass

    def setUp(self):
        super().setUp()
        if len(_helpers.expected_cells(self.config)) < 2:
            self.skipTest("needs [cells] host_cells naming two cells or more"
                          if self.config.cells.host_cells else _helpers.NO_HOST_CELLS)
        self.computes = {s["host"]: s for s in _helpers.enabled_computes(self.os_admin)}

    # -- helpers --------------------------------------------------------------------------

    def _cell(self, host: str) -> str | None:
        return self.config.cells.cell_of(host)

    def _hosts_of(self, cell: str) -> list[str]:
        return sorted(h for h in self.computes if self._cell(h) == cell)

    def _boot_on(self, host: str) -> dict:
        zone = self.computes[host]["zone"]
        server = self.create_server_for_test(
            clients=self.os_admin, flavorRef=self.flavor["id"],
            availability_zone=f"{zone}:{host}", metadata={"role": "mover"},
            key_name=self.keypair["name"], tags=["cross", "cell"])
        self.assertEqual(host, server["OS-EXT-SRV-ATTR:host"])
        return server

    def _wait(self, server_id: str, status: str) -> dict:
        return self.wait_for_server_status(server_id, status, clients=self.os_admin)

    def _assert_kept(self, before: dict, after: dict) -> None:
        self.assertEqual({k: before.get(k) for k in KEPT}, {k: after.get(k) for k in KEPT})

    def _assert_listed_once(self, server: dict) -> None:
        listed = self.os_admin.servers_client.list_servers(name=server["name"])["servers"]
        self.assertEqual([server["id"]], [s["id"] for s in listed])

    def _migration(self, server_id: str) -> dict:
        migrations = self.os_admin.migrations_client.list_migrations(
            instance_uuid=server_id)["migrations"]
        self.assertEqual(1, len(migrations), migrations)
        return migrations[0]

    def _events(self, server_id: str, action: str) -> set[str]:
        client = self.os_admin.servers_client
        (request_id,) = [a["request_id"] for a in client.list_instance_actions(
            server_id)["instanceActions"] if a["action"] == action]
        detail = client.show_instance_action(server_id, request_id)["instanceAction"]
        return {event["event"] for event in detail["events"]}

    def _resize_plan(self) -> tuple[str, int]:
        """(a host to boot on, vCPUs of a flavor only another cell's hosts can take)."""
        with ComputeMicroversion("2.1"):  # vcpus and vcpus_used (gone at 2.88)
            hypervisors = self.os_admin.hypervisor_client.list_hypervisors(
                detail=True)["hypervisors"]
        by_cell: dict[str, list[dict]] = {}
        for hypervisor in hypervisors:
            host = hypervisor["service"]["host"]
            if host in self.computes and self._cell(host):
                by_cell.setdefault(self._cell(host), []).append(hypervisor)
        for cell in sorted(by_cell, key=lambda c: max(h["vcpus"] for h in by_cell[c])):
            hosts = sorted(by_cell[cell], key=lambda h: h["service"]["host"])
            need = 1 if len(hosts) == 1 else max(h["vcpus"] for h in hosts) + 1
            room = [h for other, members in by_cell.items() if other != cell
                    for h in members if h["vcpus"] - h["vcpus_used"] >= need]
            if room:
                return hosts[0]["service"]["host"], need
        self.skipTest("no flavor fits the hosts of one cell only (cells of the same shape)")

    def _resize_across(self) -> tuple[dict, dict, dict]:
        host, vcpus = self._resize_plan()
        limits = self.os_admin.limits_client.show_limits()["limits"]["absolute"]
        if 0 <= limits.get("maxTotalCores", -1) < vcpus:
            self.skipTest(f"the cores quota ({limits['maxTotalCores']}) is below the "
                          f"{vcpus} vCPUs of a flavor only another cell can take")
        new = self.create_flavor_for_test(vcpus=vcpus, ram=self.flavor["ram"] + 64)
        self.os_admin.flavors_client.set_flavor_extra_spec(new["id"], **NEW_SPECS)
        before = self._boot_on(host)
        self.os_admin.servers_client.resize_server(before["id"], new["id"])
        resized = self._wait(before["id"], "VERIFY_RESIZE")
        self.assertNotEqual(self._cell(host), self._cell(resized["OS-EXT-SRV-ATTR:host"]))
        self._assert_kept(before, resized)
        self.assertEqual((new["name"], NEW_SPECS),
                         (resized["flavor"]["original_name"], resized["flavor"]["extra_specs"]))
        self._assert_listed_once(resized)
        migration = self._migration(before["id"])
        self.assertEqual(("resize", "finished", host, resized["OS-EXT-SRV-ATTR:host"]),
                         (migration["migration_type"], migration["status"],
                          migration["source_compute"], migration["dest_compute"]))
        return before, resized, new

    # -- tests --------------------------------------------------------------------------

    @decorators.idempotent_id('8df4e735-f857-4aef-a624-8c48f8cc7456')
    def test_migrate_to_a_host_of_another_cell_and_confirm(self):
        cells = sorted(_helpers.expected_cells(self.config))
        source_host = self._hosts_of(cells[0])[0]
        target_host = self._hosts_of(cells[1])[0]
        before = self._boot_on(source_host)
        self.os_admin.servers_client.migrate_server(before["id"], host=target_host)
        moved = self._wait(before["id"], "VERIFY_RESIZE")
        self.assertEqual(target_host, moved["OS-EXT-SRV-ATTR:host"])
        self._assert_kept(before, moved)
        self.assertEqual(before["flavor"], moved["flavor"])
        self.assertEqual(SPECS, moved["flavor"]["extra_specs"])
        self._assert_listed_once(moved)
        migration = self._migration(before["id"])
        self.assertEqual(("migration", "finished", source_host, target_host),
                         (migration["migration_type"], migration["status"],
                          migration["source_compute"], migration["dest_compute"]))
        self.os_admin.servers_client.confirm_resize_server(before["id"])
        confirmed = self._wait(before["id"], "ACTIVE")
        self.assertEqual((target_host, cells[1]),
                         (confirmed["OS-EXT-SRV-ATTR:host"], self._cell(target_host)))
        self._assert_kept(before, confirmed)
        self.assertEqual(before["flavor"], confirmed["flavor"])
        self.assertEqual(_helpers.RUNNING, confirmed["OS-EXT-STS:power_state"])
        self.assertEqual("confirmed", self._migration(before["id"])["status"])
        self.assertLessEqual(MOVE_EVENTS, self._events(before["id"], "migrate"))
        self.assertIn(CONFIRM_EVENT, self._events(before["id"], "confirmResize"))

    @decorators.idempotent_id('7e43908f-3986-46db-827a-b4a7874171af')
    def test_resize_to_another_cell_and_confirm(self):
        before, resized, new = self._resize_across()
        self.os_admin.servers_client.confirm_resize_server(before["id"])
        confirmed = self._wait(before["id"], "ACTIVE")
        self.assertEqual(resized["OS-EXT-SRV-ATTR:host"], confirmed["OS-EXT-SRV-ATTR:host"])
        self._assert_kept(before, confirmed)
        self.assertEqual((new["vcpus"], NEW_SPECS),
                         (confirmed["flavor"]["vcpus"], confirmed["flavor"]["extra_specs"]))
        self.assertEqual("confirmed", self._migration(before["id"])["status"])
        self.assertLessEqual(MOVE_EVENTS, self._events(before["id"], "resize"))
        self.assertIn(CONFIRM_EVENT, self._events(before["id"], "confirmResize"))
        self._assert_listed_once(confirmed)

    @decorators.idempotent_id('24e7b038-52c2-4cde-baab-ff5f6d1555f4')
    def test_resize_to_another_cell_and_revert(self):
        before, _resized, _new = self._resize_across()
        self.os_admin.servers_client.revert_resize_server(before["id"])
        reverted = self._wait(before["id"], "ACTIVE")
        self.assertEqual(before["OS-EXT-SRV-ATTR:host"], reverted["OS-EXT-SRV-ATTR:host"])
        self._assert_kept(before, reverted)
        self.assertEqual(before["flavor"], reverted["flavor"])
        self.assertEqual(SPECS, reverted["flavor"]["extra_specs"])
        self.assertEqual(_helpers.RUNNING, reverted["OS-EXT-STS:power_state"])
        self.assertEqual("reverted", self._migration(before["id"])["status"])
        self.assertLessEqual(MOVE_EVENTS, self._events(before["id"], "resize"))
        self.assertIn(REVERT_EVENT, self._events(before["id"], "revertResize"))
        self._assert_listed_once(reverted)
