"""An admin boot forced to a host that cannot take it ends in ERROR with Nova's fault.

Nova does not send such a build elsewhere: the forced host is the only candidate, so the
scheduler answers NoValidHost and the server goes to ERROR ("No valid host was found"),
never staying in BUILD.
"""

from __future__ import annotations

from cellgate.lib import decorators, waiters
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class ForcedHostNoValidHostTest(base.BaseComputeTest):

    required_features = ("hypervisors", "services")
    microversion = "2.53"
    roles = ("admin",)

    @decorators.idempotent_id('4342197d-d2a5-4d83-9f21-5c2859713fd5')
    def test_forced_host_too_small_ends_in_error(self):
        hypervisor, forced = _helpers.first_hypervisor(self.os_admin)
        # more vCPUs than the host has, whatever its allocation ratio
        flavor = self.create_flavor_for_test(vcpus=hypervisor["vcpus"] * 64 + 1)
        server = self.create_server_for_test(clients=self.os_admin, wait_until=None,
                                             flavorRef=flavor["id"],
                                             availability_zone=forced)
        client = self.os_admin.servers_client
        failed = waiters.wait_for_server_status(client, server["id"], "ERROR",
                                                self.build_timeout, self.build_interval)
        self.assertEqual("ERROR", failed["status"])
        self.assertIn("No valid host was found", failed["fault"]["message"])
