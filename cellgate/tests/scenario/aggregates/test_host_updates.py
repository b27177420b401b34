"""Scenario: zones and tenant isolation made by aggregates on a shared host. A server booted
into an aggregate's zone lands on its host and shows the zone; the host cannot leave the zone
while it holds the server (409, Nova's rule); a host isolated for another project takes none
of this project's servers.

Off by default ([compute-feature-enabled] zone_updates): they change what a shared host
offers, which tests beside them would see; the services-serial job runs them alone.
"""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.aggregates import _helpers


class HostUpdatesTest(base.BaseComputeTest):
    """One shared host in a zone of its own, then isolated for another project."""

    required_features = ("aggregates", "availability_zones", "zone_updates")
    roles = ("admin", "member", "alt")  # alt: the project the host is isolated for

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.hosts = _helpers.compute_hosts(cls)
        cls.host = cls.hosts[0]

    def _host_of(self, server_id):
        return self.os_admin.servers_client.show_server(server_id)["server"][
            "OS-EXT-SRV-ATTR:host"]

    @decorators.idempotent_id('6facb00f-6a62-4301-bfbe-7656d78044cf')
    def test_boot_into_an_aggregate_zone(self):
        zone = _helpers.unique_name("az")
        aggregate = _helpers.create_aggregate(self, availability_zone=zone, hosts=[self.host])
        server = self.create_server_for_test(availability_zone=zone)
        self.assertEqual(self.host, self._host_of(server["id"]))
        shown = self.os_member.servers_client.show_server(server["id"])["server"]
        self.assertEqual(zone, shown["OS-EXT-AZ:availability_zone"])
        client = self.os_admin.aggregates_client
        self.assertRaises(lib_exc.Conflict, client.remove_host, aggregate["id"],
                          host=self.host)
        self.assertEqual([self.host], client.show_aggregate(aggregate["id"])["aggregate"]["hosts"])
        self._delete_server(self.os_member.servers_client, server["id"])
        client.remove_host(aggregate["id"], host=self.host)

    @decorators.requires_features("aggregate_multitenancy_isolation_filter")
    @decorators.idempotent_id('3e37054b-0379-4117-8884-02aaa2008e8d')
    def test_isolated_host_takes_only_its_projects(self):
        if len(self.hosts) < 2:
            self.skipTest("needs two compute hosts")
        _helpers.create_aggregate(self, hosts=[self.host],
                                  metadata={"filter_tenant_id": self.os_alt.project_id})
        for _ in range(3):
            server = self.create_server_for_test()
            self.assertNotEqual(self.host, self._host_of(server["id"]))
