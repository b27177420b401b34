"""Scenario: server group policies decide where members land, over every compute host.

N is the number of compute hosts the cloud has (hypervisors up and enabled). A full
anti-affinity group takes one small server per host: tests beside it share those hosts only
by capacity, never by correctness.
"""

from __future__ import annotations

from concurrent import futures

from cellgate.lib import decorators, waiters
from cellgate.lib.exceptions import BuildErrorException
from cellgate.tests import base
from cellgate.tests.api.server_groups import _helpers
from cellgate.tests.api.servers import _helpers as server_helpers

# At most this many boots are sent at once.
PARALLEL_BOOTS = 5


class _PlacementBase(base.BaseComputeTest):
    """Members booted by a member; hosts read by the admin (helpers only, no tests)."""

    required_features = ("server_groups", "hypervisors")
    microversion = "2.15"
    roles = ("admin", "member")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.hosts = _helpers.compute_hosts(cls.os_admin)

    def _hosts(self, servers):
        return [_helpers.host_of(self.os_admin, s["id"]) for s in servers]

    def _boot_in_turn(self, group, count):
        """Boot ``count`` members one after another (each sees the ones before)."""
        return [self.create_server_for_test(**_helpers.hint(group)) for _ in range(count)]

    def _send_at_once(self, group, count):
        """Send ``count`` boots from PARALLEL_BOOTS threads, then wait for each to end ACTIVE
        or ERROR; returns the servers' bodies."""
        with futures.ThreadPoolExecutor(PARALLEL_BOOTS) as pool:
            created = list(pool.map(
                lambda _: self.create_server_for_test(wait_until=None,
                                                      **_helpers.hint(group)),
                range(count)))
        client = self.os_member.servers_client
        ended = []
        for server in created:
            try:
                ended.append(self.wait_for_server_status(server["id"], "ACTIVE"))
            except BuildErrorException:
                ended.append(client.show_server(server["id"])["server"])
        return ended

    def _boot_at_once(self, group, count):
        """Send ``count`` boots at once; every one must end ACTIVE."""
        servers = self._send_at_once(group, count)
        self.assertEqual(["ACTIVE"] * count, [s["status"] for s in servers],
                         [s.get("fault") for s in servers])
        return servers

    def _assert_no_valid_host(self, group):
        extra = self.create_server_for_test(wait_until=None, **_helpers.hint(group))
        client = self.os_member.servers_client
        error = self.assertRaises(BuildErrorException, waiters.wait_for_server_status,
                                  client, extra["id"], "ACTIVE", self.build_timeout,
                                  self.build_interval)
        self.assertIn(_helpers.NO_VALID_HOST, str(error))
        fault = client.show_server(extra["id"])["server"]["fault"]
        self.assertEqual((500, _helpers.NO_VALID_HOST), (fault["code"], fault["message"]))
        return extra


class GroupPlacementTest(_PlacementBase):
    """The four policies over every host of the cloud."""

    @decorators.idempotent_id('1bcdaf33-a111-48eb-b143-10ebb592704a')
    def test_anti_affinity_takes_every_host_then_errors(self):
        group = _helpers.create_group(self, self.os_member, "anti-affinity")
        servers = self._boot_in_turn(group, len(self.hosts))
        self.assertEqual(self.hosts, sorted(self._hosts(servers)))
        extra = self._assert_no_valid_host(group)
        members = self.os_member.server_groups_client.show_server_group(
            group["id"])["server_group"]["members"]
        self.assertEqual({s["id"] for s in servers} | {extra["id"]}, set(members))

    @decorators.idempotent_id('9236a626-4835-4786-96d0-8a112327660b')
    def test_soft_anti_affinity_spreads_then_places_the_extra_one(self):
        group = _helpers.create_group(self, self.os_member, "soft-anti-affinity")
        servers = self._boot_in_turn(group, len(self.hosts) + 1)
        hosts = self._hosts(servers)
        self.assertEqual(self.hosts, sorted(hosts[:-1]))
        self.assertIn(hosts[-1], self.hosts)

    @decorators.idempotent_id('800ae002-2ffc-4930-80a9-92175258a03f')
    def test_affinity_keeps_every_member_on_one_host(self):
        group = _helpers.create_group(self, self.os_member, "affinity")
        first = self.create_server_for_test(**_helpers.hint(group))
        rest = self._boot_at_once(group, 3)
        self.assertEqual({_helpers.host_of(self.os_admin, first["id"])},
                         set(self._hosts(rest)))

    @decorators.idempotent_id('19f2ad64-e76e-4c87-9b8b-f79e312aa846')
    def test_soft_affinity_places_every_member(self):
        # Nova's soft-affinity weigher is one weigher among its spreading ones (RAM, CPU,
        # ...), so where members land is not asserted: only that none is refused
        group = _helpers.create_group(self, self.os_member, "soft-affinity")
        servers = self._boot_in_turn(group, len(self.hosts) + 1)
        self.assertLessEqual(set(self._hosts(servers)), set(self.hosts))

    @decorators.idempotent_id('d14bbd5b-aa38-489b-8ec6-e6c2e591d5b9')
    def test_concurrent_boots_into_anti_affinity_never_share_a_host(self):
        # Real Nova's late check may send a racing boot to ERROR (retries exhausted); what
        # never happens is two members on one host
        group = _helpers.create_group(self, self.os_member, "anti-affinity")
        count = min(PARALLEL_BOOTS, len(self.hosts))
        servers = self._send_at_once(group, count)
        active = [s for s in servers if s["status"] == "ACTIVE"]
        self.assertGreaterEqual(len(active), 2, [s.get("fault") for s in servers])
        hosts = self._hosts(active)
        self.assertEqual(len(hosts), len(set(hosts)), f"members share a host: {hosts}")

    @decorators.idempotent_id('f9a840e0-b87a-483c-af11-5cbb437b0e74')
    def test_deleted_member_frees_its_host(self):
        group = _helpers.create_group(self, self.os_member, "anti-affinity")
        servers = self._boot_in_turn(group, len(self.hosts))
        freed = _helpers.host_of(self.os_admin, servers[0]["id"])
        server_helpers.delete_server_and_wait(self.os_member.servers_client, servers[0]["id"])
        again = self.create_server_for_test(**_helpers.hint(group))
        self.assertEqual(freed, _helpers.host_of(self.os_admin, again["id"]))


class GroupRulesPlacementTest(_PlacementBase):
    """2.64's max_server_per_host: an anti-affinity group may put that many on one host."""

    microversion = "2.64"

    @decorators.idempotent_id('34096820-a414-45bb-aaee-89b90734b784')
    def test_max_server_per_host(self):
        group = _helpers.create_group(self, self.os_member, "anti-affinity",
                                      rules={"max_server_per_host": 2})
        servers = self._boot_in_turn(group, 2 * len(self.hosts))
        hosts = self._hosts(servers)
        self.assertEqual({host: 2 for host in self.hosts},
                         {host: hosts.count(host) for host in set(hosts)})
        # one more member, if the project's server_group_members quota (Nova's default 10)
        # leaves room for it: the quota is shared, so the test does not raise it
        limit = self.os_member.limits_client.show_limits()["limits"]["absolute"][
            "maxServerGroupMembers"]
        if limit < 0 or len(servers) < limit:
            self._assert_no_valid_host(group)


class GroupAcrossCellsTest(_PlacementBase):
    """docs/server-groups.md: anti-affinity spans cells, affinity keeps a group in one."""

    def _cells(self, servers):
        if not self.config.cells.host_cells:
            self.skipTest(server_helpers.NO_HOST_CELLS)
        return server_helpers.cells_of(self.config, self._hosts(servers))

    @decorators.idempotent_id('6fb0239e-8ab2-4f53-83c8-0a2ad45fe413')
    def test_anti_affinity_group_spans_every_cell(self):
        group = _helpers.create_group(self, self.os_member, "anti-affinity")
        servers = self._boot_in_turn(group, len(self.hosts))
        self.assertEqual(server_helpers.expected_cells(self.config),
                         set(self._cells(servers).values()))

    @decorators.idempotent_id('d0123896-9d3c-47da-92da-fbee882b038c')
    def test_affinity_group_stays_in_one_cell(self):
        group = _helpers.create_group(self, self.os_member, "affinity")
        servers = self._boot_in_turn(group, 3)
        self.assertEqual(1, len(set(self._cells(servers).values())))


class HostHintsTest(_PlacementBase):
    """Nova's SameHostFilter and DifferentHostFilter (not in Nova's default filters: the
    ``scheduler_host_hints`` flag says whether the cloud enables them)."""

    required_features = ("scheduler_host_hints", "hypervisors")

    @decorators.idempotent_id('e3a53e48-54ec-4412-9659-3f9c8d757d40')
    def test_same_host_and_different_host(self):
        if len(self.hosts) < 2:
            self.skipTest("needs two compute hosts")
        anchor = self.create_server_for_test()
        host = _helpers.host_of(self.os_admin, anchor["id"])
        beside = self.create_server_for_test(scheduler_hints={"same_host": [anchor["id"]]})
        away = self.create_server_for_test(scheduler_hints={"different_host": anchor["id"]})
        self.assertEqual(host, _helpers.host_of(self.os_admin, beside["id"]))
        self.assertNotEqual(host, _helpers.host_of(self.os_admin, away["id"]))

    @decorators.idempotent_id('a6c71f02-9912-4d15-9e50-eb73dddce70d')
    def test_same_host_as_no_live_server_is_no_valid_host(self):
        gone = self.create_server_for_test()
        server_helpers.delete_server_and_wait(self.os_member.servers_client, gone["id"])
        server = self.create_server_for_test(wait_until=None,
                                             scheduler_hints={"same_host": [gone["id"]]})
        error = self.assertRaises(BuildErrorException, self.wait_for_server_status,
                                  server["id"], "ACTIVE")
        self.assertIn(_helpers.NO_VALID_HOST, str(error))
