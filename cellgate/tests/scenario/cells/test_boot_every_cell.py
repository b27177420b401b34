"""Scenario: a flavor with extra_specs boots on every compute host, hence in every cell.

The cell of a host comes from `[cells] host_cells` (the Nova API does not show it); tests that
need it skip, saying so, when the config has no mapping.
"""

from __future__ import annotations

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers

SPECS = {"hw:cpu_policy": "shared", "hw:mem_page_size": "small"}


class BootInEveryCellTest(base.BaseComputeTest):
    """Admin places one server per nova-compute host (`<zone>:<host>`); members boot freely."""

    required_features = ("extra_specs", "services")
    microversion = "2.47"
    roles = ("admin", "member")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.flavor = cls.create_test_flavor()
        cls.os_admin.flavors_client.set_flavor_extra_spec(cls.flavor["id"], **SPECS)
        cls.computes = [s for s in cls.os_admin.services_client.list_services(
            binary="nova-compute")["services"] if s["status"] == "enabled"]

    def _need_host_cells(self):
        if not self.config.cells.host_cells:
            self.skipTest(_helpers.NO_HOST_CELLS)

    def _boot_all(self, clients, bodies):
        """Boot every body before waiting, so hosts build in parallel; return ACTIVE servers."""
        created = [self.create_server_for_test(clients=clients, wait_until=None, **body)
                   for body in bodies]
        return [self.wait_for_server_status(c["id"], "ACTIVE", clients=clients)
                for c in created]

    def _forced(self, services):
        return [{"flavorRef": self.flavor["id"],
                 "availability_zone": f"{service['zone']}:{service['host']}"}
                for service in services]

    def _admin_hosts(self, servers):
        admin = self.os_admin.servers_client
        return [admin.show_server(s["id"])["server"]["OS-EXT-SRV-ATTR:host"] for s in servers]

    @decorators.idempotent_id('96634bf6-2909-462a-b0f1-f4a88cf5771a')
    def test_hosts_cover_the_configured_cells(self):
        self._need_host_cells()
        mapped = _helpers.cells_of(self.config, [s["host"] for s in self.computes])
        unmapped = [host for host, cell in mapped.items() if cell is None]
        self.assertEqual([], unmapped, "enabled nova-compute hosts with no cell in "
                                       "[cells] host_cells")
        cells = set(mapped.values())
        self.assertEqual(_helpers.expected_cells(self.config), cells,
                         f"cells with no enabled nova-compute host (hosts: {mapped})")
        if self.config.cells.count:
            self.assertEqual(self.config.cells.count, len(cells),
                             f"[cells] count is {self.config.cells.count}, the compute hosts "
                             f"are in {sorted(cells)}")

    @decorators.idempotent_id('ddcd8433-53ca-4d55-b174-95d65a1aa6ab')
    def test_boot_on_every_host(self):
        servers = self._boot_all(self.os_admin, self._forced(self.computes))
        wanted = [s["host"] for s in self.computes]
        landed = [s["OS-EXT-SRV-ATTR:host"] for s in servers]
        self.assertEqual(wanted, landed)
        for server in servers:
            self.assertEqual(SPECS, server["flavor"]["extra_specs"])
            self.assertEqual(_helpers.RUNNING, server["OS-EXT-STS:power_state"])

    @decorators.idempotent_id('d6d2d505-4c0e-424f-a4ea-ba090e052279')
    def test_forced_boots_spread_over_every_cell(self):
        # Nova's weighers do not promise a member's boots a spread over cells (a bigger cell
        # may take them all), so the spread is asked for: one host of each cell, forced. Two
        # servers go to each chosen host, so a cloud that ignores the forced host and spreads
        # by its weighers (or sends every build to one cell) lands them elsewhere.
        self._need_host_cells()
        one_per_cell = {}
        for service in self.computes:
            one_per_cell[self.config.cells.cell_of(service["host"])] = service
        one_per_cell.pop(None, None)
        self.assertEqual(_helpers.expected_cells(self.config), set(one_per_cell),
                         "a configured cell has no enabled nova-compute host")
        chosen = [service for service in one_per_cell.values() for _ in range(2)]
        servers = self._boot_all(self.os_admin, self._forced(chosen))
        hosts = self._admin_hosts(servers)
        self.assertEqual([s["host"] for s in chosen], hosts,
                         "each server must build on the host it was forced to")
        landed = [self.config.cells.cell_of(host) for host in hosts]
        self.assertEqual([cell for cell in one_per_cell for _ in range(2)], landed)
        self.assertEqual(len(one_per_cell), len(set(landed)), f"all in one cell: {landed}")

    @decorators.idempotent_id('5af7a857-0907-4086-a988-511081f74c49')
    def test_member_boots_land_in_configured_cells(self):
        self._need_host_cells()
        count = 2 * max(self.config.cells.count, 1)
        servers = self._boot_all(self.os_member, [{"flavorRef": self.flavor["id"]}] * count)
        self.assertEqual(["ACTIVE"] * count, [s["status"] for s in servers])
        for server in servers:
            self.assertEqual(SPECS, server["flavor"]["extra_specs"])
            self.assertEqual(self.flavor["name"], server["flavor"]["original_name"])
            self.assertEqual(_helpers.RUNNING, server["OS-EXT-STS:power_state"])
        mapped = _helpers.cells_of(self.config, self._admin_hosts(servers))
        self.assertNotIn(None, mapped.values(),
                         f"servers on hosts [cells] host_cells does not name: {mapped}")
