"""Scenario: a flavor whose ``aggregate_instance_extra_specs:`` select an aggregate boots only
on that aggregate's hosts, in whatever cell they are; a selector no aggregate matches ends in
ERROR (no valid host). The aggregates have no zone, so other tests are not disturbed (their
flavors select nothing).

Needs Nova's AggregateInstanceExtraSpecsFilter ([compute-feature-enabled]
aggregate_instance_extra_specs_filter); Nova's default filters leave it out.
"""

from __future__ import annotations

import uuid

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.aggregates import _helpers


class AggregateExtraSpecsTest(base.BaseComputeTest):
    """Aggregates of one host, and of one host per cell."""

    required_features = ("aggregates", "extra_specs", "aggregate_instance_extra_specs_filter")
    roles = ("admin", "member")

    def _selector(self, hosts):
        """An aggregate holding ``hosts`` and a flavor selecting it."""
        key, value = f"cg_sel_{uuid.uuid4().hex[:12]}", "yes"
        _helpers.create_aggregate(self, hosts=hosts, metadata={key: value})
        return self._flavor({f"aggregate_instance_extra_specs:{key}": value})

    def _flavor(self, specs):
        flavor = self.create_flavor_for_test()
        self.os_admin.flavors_client.set_flavor_extra_spec(flavor["id"], **specs)
        return flavor

    def _hosts_of(self, flavor, count):
        hosts = []
        for _ in range(count):
            server = self.create_server_for_test(flavorRef=flavor["id"])
            hosts.append(self.os_admin.servers_client.show_server(server["id"])["server"][
                "OS-EXT-SRV-ATTR:host"])
        return hosts

    @decorators.idempotent_id('56ac24f3-d3bd-45a7-9592-3c0034a36aca')
    def test_boots_only_on_the_aggregate_host(self):
        hosts = _helpers.compute_hosts(self)
        chosen = hosts[-1]
        flavor = self._selector([chosen])
        self.assertEqual([chosen] * 3, self._hosts_of(flavor, 3))

    @decorators.idempotent_id('1eb3f9e7-8290-4aa7-a33a-f5b42ea0527e')
    def test_selector_no_aggregate_matches_ends_in_error(self):
        key = f"cg_sel_{uuid.uuid4().hex[:12]}"
        _helpers.create_aggregate(self, hosts=_helpers.compute_hosts(self)[:1],
                                  metadata={key: "yes"})
        flavor = self._flavor({f"aggregate_instance_extra_specs:{key}": "no"})
        created = self.create_server_for_test(flavorRef=flavor["id"], wait_until=None)
        server = self.wait_for_server_status(created["id"], "ERROR")
        self.assertIn("no valid host", (server.get("fault") or {}).get("message", "").lower())

    @decorators.idempotent_id('d811eb68-5339-430f-b738-d89ffa3e9460')
    def test_aggregate_spanning_cells(self):
        per_cell = _helpers.host_per_cell(self)
        if len(per_cell) < 2:
            self.skipTest("needs [cells] host_cells naming hosts of two cells or more")
        spanning = sorted(per_cell.values())
        flavor = self._selector(spanning)
        for host in self._hosts_of(flavor, 4):
            self.assertIn(host, spanning)
        # an aggregate holding the first cell's host only steers the build to that cell
        first_cell = sorted(per_cell)[0]
        only = self._selector([per_cell[first_cell]])
        landed = self._hosts_of(only, 2)
        self.assertEqual([per_cell[first_cell]] * 2, landed)
        self.assertEqual({first_cell}, {self.config.cells.cell_of(h) for h in landed})
