"""An admin boot forced to a host that cannot take it ends in ERROR with Nova's fault.

Nova does not send such a build elsewhere: the forced host is the only candidate, so the
scheduler answers NoValidHost and the server goes to ERROR ("No valid host was found"),
never staying in BUILD.
"""

from __future__ import annotations

from cellgate.lib import decorators, waiters
from cellgate.tests import base


class ForcedHostNoValidHostTest(base.BaseComputeTest):

    required_features = ("hypervisors", "services")
    microversion = "2.53"
    roles = ("admin",)

    @decorators.idempotent_id('4342197d-d2a5-4d83-9f21-5c2859713fd5')
    def test_forced_host_too_small_ends_in_error(self):
        hypervisor = self.os_admin.hypervisor_client.list_hypervisors(
            detail=True)["hypervisors"][0]
        host = hypervisor["service"]["host"]
        zone = self.os_admin.services_client.list_services(
            binary="nova-compute", host=host)["services"][0]["zone"]
        # more vCPUs than the host has, whatever its allocation ratio
        flavor = self.create_flavor_for_test(vcpus=hypervisor["vcpus"] * 64 + 1)
        server = self.create_server_for_test(clients=self.os_admin, wait_until=None,
                                             flavorRef=flavor["id"],
                                             availability_zone=f"{zone}:{host}")
        client = self.os_admin.servers_client
        failed = waiters.wait_for_server_status(client, server["id"], "ERROR",
                                                self.build_timeout, self.build_interval)
        self.assertEqual("ERROR", failed["status"])
        self.assertIn("No valid host was found", failed["fault"]["message"])
