"""Scenario: a keypair resolved at the top reaches a server in every cell."""

from __future__ import annotations

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.keypairs import _helpers
from cellgate.tests.api.servers._helpers import boot_all, enabled_computes


class BootWithKeypairTest(base.BaseComputeTest):
    """Admin boots with its keypair on every nova-compute host (so in every cell); a member
    boots with its own across cells. Each server shows the key; deleting the keypair later
    leaves the servers' key_name alone, as Nova."""

    required_features = ("keypairs", "services")
    microversion = "2.37"
    roles = ("admin", "member")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.computes = enabled_computes(cls.os_admin)

    @decorators.idempotent_id('6e9e85d9-c60a-4a69-b3b5-942becce25eb')
    def test_boot_with_keypair_on_every_host(self):
        public_key, _ = _helpers.ssh_public_key()
        keypair = _helpers.create_keypair(self, self.os_admin, public_key=public_key)
        bodies = [{"key_name": keypair["name"],
                   "availability_zone": f"{service['zone']}:{service['host']}"}
                  for service in self.computes]
        servers = boot_all(self, self.os_admin, bodies)
        self.assertEqual([s["host"] for s in self.computes],
                         [s["OS-EXT-SRV-ATTR:host"] for s in servers])
        self.assertEqual([keypair["name"]] * len(servers), [s["key_name"] for s in servers])
        self.os_admin.keypairs_client.delete_keypair(keypair["name"])
        for server in servers:
            shown = self.os_admin.servers_client.show_server(server["id"])["server"]
            self.assertEqual(keypair["name"], shown["key_name"])

    @decorators.idempotent_id('e16a78ce-3281-42f9-8c95-fccf07296e28')
    def test_member_boots_with_keypair_across_cells(self):
        keypair = _helpers.create_keypair(self, self.os_member)
        count = 2 * max(self.config.cells.count, 1)
        servers = boot_all(self, self.os_member, [{"key_name": keypair["name"]}] * count)
        self.assertEqual(["ACTIVE"] * count, [s["status"] for s in servers])
        self.assertEqual([keypair["name"]] * count, [s["key_name"] for s in servers])
