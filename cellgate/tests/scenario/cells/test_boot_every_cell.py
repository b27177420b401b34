"""Scenario: a flavor with extra_specs boots on every compute host, hence in every cell."""

from __future__ import annotations

from cellgate.lib import decorators
from cellgate.tests import base

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

    def _boot_all(self, clients, bodies):
        """Boot every body before waiting, so hosts build in parallel; return ACTIVE servers."""
        created = [self.create_server_for_test(clients=clients, wait_until=None, **body)
                   for body in bodies]
        return [self.wait_for_server_status(c["id"], "ACTIVE", clients=clients)
                for c in created]

    @decorators.idempotent_id('96634bf6-2909-462a-b0f1-f4a88cf5771a')
    def test_hosts_cover_the_configured_cells(self):
        hosts = {s["host"] for s in self.computes}
        self.assertGreaterEqual(len(hosts), max(self.config.cells.count, 1),
                                f"[cells] count is {self.config.cells.count} but only "
                                f"{sorted(hosts)} run nova-compute")

    @decorators.idempotent_id('ddcd8433-53ca-4d55-b174-95d65a1aa6ab')
    def test_boot_on_every_host(self):
        bodies = [{"flavorRef": self.flavor["id"],
                   "availability_zone": f"{service['zone']}:{service['host']}"}
                  for service in self.computes]
        servers = self._boot_all(self.os_admin, bodies)
        wanted = [s["host"] for s in self.computes]
        landed = [s["OS-EXT-SRV-ATTR:host"] for s in servers]
        self.assertEqual(wanted, landed)
        for server in servers:
            self.assertEqual(SPECS, server["flavor"]["extra_specs"])

    @decorators.idempotent_id('ce635e51-6551-4b0e-9fa8-3a7d5e405a7f')
    def test_member_boots_across_cells(self):
        count = 2 * max(self.config.cells.count, 1)
        servers = self._boot_all(self.os_member, [{"flavorRef": self.flavor["id"]}] * count)
        self.assertEqual(["ACTIVE"] * count, [s["status"] for s in servers])
        for server in servers:
            self.assertEqual(SPECS, server["flavor"]["extra_specs"])
            self.assertEqual(self.flavor["name"], server["flavor"]["original_name"])
        admin = self.os_admin.servers_client
        hosts = {admin.show_server(s["id"])["server"]["OS-EXT-SRV-ATTR:host"] for s in servers}
        known = {s["host"] for s in self.computes}
        self.assertLessEqual(hosts, known, "servers landed on hosts os-services does not list")
