"""os-hypervisors (admin only): every hypervisor belongs to a nova-compute service, and its
usage follows the servers booted on it."""

from __future__ import annotations

import time

from tempest.lib import exceptions as lib_exc
from tempest.lib.common.utils import data_utils

from cellgate.lib import decorators, waiters
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class HypervisorsTest(base.BaseComputeTest):
    """List, detail and show at 2.53 (UUID ids), as admin."""

    required_features = ("hypervisors",)
    microversion = "2.53"
    roles = ("admin", "member")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_admin.hypervisor_client

    def _detail(self):
        return self.client.list_hypervisors(detail=True)["hypervisors"]

    @decorators.idempotent_id('3ae28500-e9f8-4685-8536-cdfd8bf93154')
    def test_list_hypervisors(self):
        hypervisors = self.client.list_hypervisors()["hypervisors"]
        self.assertNotEqual([], hypervisors)
        names = [h["hypervisor_hostname"] for h in hypervisors]
        self.assertEqual(len(names), len(set(names)), "hypervisor_hostname must be unique")
        ids = [h["id"] for h in hypervisors]
        self.assertEqual(len(ids), len(set(ids)))

    @decorators.idempotent_id('85eeda32-3522-422c-b698-2a363d29467e')
    def test_every_hypervisor_has_a_compute_service(self):
        computes = self.os_admin.services_client.list_services(
            binary="nova-compute")["services"]
        service_hosts = {s["host"] for s in computes}
        detail = self._detail()
        self.assertNotEqual([], detail)
        for hypervisor in detail:
            self.assertIn(hypervisor["service"]["host"], service_hosts, hypervisor)
        self.assertEqual(service_hosts, {h["service"]["host"] for h in detail},
                         "every nova-compute service should report a hypervisor")

    @decorators.idempotent_id('1047f25e-27e6-47a5-bd53-90ad5544cab2')
    def test_show_hypervisor_matches_detail(self):
        for listed in self._detail():
            shown = self.client.show_hypervisor(listed["id"])["hypervisor"]
            for key in ("id", "hypervisor_hostname", "vcpus", "memory_mb", "state", "status"):
                self.assertEqual(listed[key], shown[key], key)
            self.assertEqual(listed["service"]["host"], shown["service"]["host"])
            self.assertGreater(shown["vcpus"], 0)
            self.assertGreater(shown["memory_mb"], 0)

    @decorators.idempotent_id('64e50690-11c5-4b3c-a731-64197d2cd8fb')
    def test_show_unknown_hypervisor_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.show_hypervisor,
                          data_utils.rand_uuid())

    @decorators.idempotent_id('99a83538-4e58-4f36-9fca-959d94cb9138')
    def test_show_malformed_hypervisor_id_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.show_hypervisor, "not-a-uuid")

    @decorators.idempotent_id('408b3a13-6bf8-499f-a6d4-95e1639b5655')
    def test_show_unknown_hypervisor_before_2_53_is_404(self):
        self.use_microversion("2.52")
        self.assertRaises(lib_exc.NotFound, self.client.show_hypervisor, "987654321")

    @decorators.idempotent_id('73130d03-319d-460d-a7c7-dbca5cf97ea6')
    def test_unknown_query_parameter_is_400(self):
        # 2.53 made the list's query schema strict
        self.assertRaises(lib_exc.BadRequest, self.client.list_hypervisors,
                          cellgate_no_such_filter="1")

    @decorators.idempotent_id('0cb084ef-3325-4730-9a59-9ea22407350d')
    def test_hostname_pattern_with_paging_is_400(self):
        name = self.client.list_hypervisors()["hypervisors"][0]["hypervisor_hostname"]
        self.assertRaises(lib_exc.BadRequest, self.client.list_hypervisors,
                          hypervisor_hostname_pattern=name, limit=1)

    @decorators.idempotent_id('a7295224-737e-4621-8f44-27d217cbb131')
    def test_member_cannot_see_hypervisors(self):
        member = self.os_member.hypervisor_client
        self.assertRaises(lib_exc.Forbidden, member.list_hypervisors)
        self.assertRaises(lib_exc.Forbidden, member.list_hypervisors, detail=True)
        hypervisor_id = self.client.list_hypervisors()["hypervisors"][0]["id"]
        self.assertRaises(lib_exc.Forbidden, member.show_hypervisor, hypervisor_id)


class HypervisorUsageTest(base.BaseComputeTest):
    """A server forced onto one host raises that hypervisor's usage; deleting it lowers it."""

    required_features = ("hypervisors", "services")
    microversion = "2.53"
    roles = ("admin",)

    def _usage(self, hypervisor_id):
        shown = self.os_admin.hypervisor_client.show_hypervisor(hypervisor_id)["hypervisor"]
        return shown["vcpus_used"], shown["memory_mb_used"]

    def _wait_for_usage(self, hypervisor_id, done):
        """Poll the usage until `done(usage)` or the build timeout; return the last usage."""
        deadline = time.monotonic() + self.build_timeout
        for pause in waiters.backoff_intervals(self.build_interval):
            usage = self._usage(hypervisor_id)
            if done(usage) or time.monotonic() > deadline:
                return usage
            time.sleep(pause)

    @decorators.idempotent_id('f2ab7868-d381-4aea-b9a8-269071f2c69a')
    def test_usage_follows_a_server(self):
        hypervisor, forced = _helpers.first_hypervisor(self.os_admin)
        host = hypervisor["service"]["host"]
        flavor = self.create_flavor_for_test(ram=256, vcpus=1, disk=1)
        before = self._usage(hypervisor["id"])

        client = self.os_admin.servers_client
        server = self.create_server_for_test(clients=self.os_admin, flavorRef=flavor["id"],
                                             availability_zone=forced)
        self.assertEqual(host, server["OS-EXT-SRV-ATTR:host"])
        self.assertEqual(hypervisor["hypervisor_hostname"],
                         server["OS-EXT-SRV-ATTR:hypervisor_hostname"])
        booted = self._usage(hypervisor["id"])
        self.assertGreaterEqual(booted[0], 1, "the server's vcpu must be counted")
        self.assertGreater(booted[1], before[1], "memory_mb_used must rise after a boot")

        client.delete_server(server["id"])
        _helpers.wait_for_termination(client, server["id"])
        # Nova frees the claim just after the instance record goes, so poll a moment.
        deleted = self._wait_for_usage(hypervisor["id"], lambda u: u[1] < booted[1])
        self.assertLess(deleted[1], booted[1], "memory_mb_used must fall after a delete")
