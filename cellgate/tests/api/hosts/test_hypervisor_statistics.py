"""GET /os-hypervisors/statistics and /os-hypervisors/{id}/uptime (admin; removed at 2.88).

Checked against real Nova 34: the statistics are the count and the sums over the hypervisors
whose nova-compute service is enabled; uptime looks the hypervisor up (404 unknown, 400 a
non-UUID from 2.53) and then answers the driver's uptime, or 501 on a driver without one (the
fake driver); members get 403; at 2.88 both routes are 404.
"""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base

SUMMED = ("vcpus", "memory_mb", "local_gb")
FIELDS = {"count", "current_workload", "disk_available_least", "free_disk_gb", "free_ram_mb",
          "local_gb", "local_gb_used", "memory_mb", "memory_mb_used", "running_vms", "vcpus",
          "vcpus_used"}
ATTEMPTS = 3
NOT_SUPPORTED = "The requested functionality is not supported."


class HypervisorStatisticsTest(base.BaseComputeTest):
    """Statistics and uptime at 2.1 (integer ids) and 2.53 (UUID ids)."""

    required_features = ("hypervisors",)
    roles = ("admin", "member")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_admin.hypervisor_client

    def _enabled(self) -> list[dict]:
        return [h for h in self.client.list_hypervisors(detail=True)["hypervisors"]
                if h["status"] == "enabled"]

    @decorators.idempotent_id('02ca9388-04db-4aba-840d-39cd52388fec')
    def test_statistics_sum_the_enabled_hypervisors(self):
        # other tests may disable a service meanwhile: compare only a stable snapshot
        for _ in range(ATTEMPTS):
            before = self._enabled()
            stats = self.client.show_hypervisor_statistics()["hypervisor_statistics"]
            after = self._enabled()
            if [h["id"] for h in before] == [h["id"] for h in after]:
                break
        self.assertEqual(FIELDS, set(stats))
        self.assertTrue(all(isinstance(v, int) for v in stats.values()), stats)
        self.assertEqual(len(after), stats["count"])
        self.assertGreater(stats["count"], 0)
        for field in SUMMED:
            self.assertEqual(sum(h[field] for h in after), stats[field], field)

    @decorators.idempotent_id('c7b41084-7517-4f41-bd9a-1a8c3c4c50f2')
    def test_statistics_and_uptime_are_admin_only(self):
        member = self.os_member.hypervisor_client
        self.assertRaises(lib_exc.Forbidden, member.show_hypervisor_statistics)
        hypervisor = self.client.list_hypervisors()["hypervisors"][0]
        self.assertRaises(lib_exc.Forbidden, member.show_hypervisor_uptime, hypervisor["id"])

    def _uptime(self, hypervisor: dict) -> None:
        """The uptime of a hypervisor: its view with an 'uptime' text, or Nova's 501."""
        try:
            body = self.client.show_hypervisor_uptime(hypervisor["id"])["hypervisor"]
        except lib_exc.NotImplemented as error:
            self.assertEqual(501, error.resp.status)
            self.assertIn(NOT_SUPPORTED, str(error.resp_body))
            return
        self.assertEqual(hypervisor["id"], body["id"])
        self.assertEqual(hypervisor["hypervisor_hostname"], body["hypervisor_hostname"])
        self.assertIsInstance(body["uptime"], str)

    @decorators.idempotent_id('21816064-6acc-4681-a33d-abb8fce71a99')
    def test_uptime_of_each_hypervisor(self):
        for hypervisor in self.client.list_hypervisors()["hypervisors"]:
            self._uptime(hypervisor)

    @decorators.idempotent_id('02097c9f-2656-4b3e-b9bf-259ad913b9fb')
    def test_uptime_of_unknown_hypervisor_is_404(self):
        for ident in ("987654", "not-an-id"):
            self.assertRaises(lib_exc.NotFound, self.client.show_hypervisor_uptime, ident)

    @decorators.idempotent_id('4ea90231-5f6f-4eb8-a18d-4d30badf4fb1')
    @decorators.requires_microversion("2.53")
    def test_uptime_takes_uuids_from_2_53(self):
        self.use_microversion("2.53")
        for hypervisor in self.client.list_hypervisors()["hypervisors"]:
            self._uptime(hypervisor)
        self.assertRaises(lib_exc.BadRequest, self.client.show_hypervisor_uptime, "1")
        self.assertRaises(lib_exc.NotFound, self.client.show_hypervisor_uptime,
                          "00000000-0000-4000-8000-000000000000")

    @decorators.idempotent_id('7689053f-1b9c-4bb7-9908-ed01f6ade8ae')
    @decorators.requires_microversion("2.88")
    def test_routes_removed_at_2_88(self):
        self.use_microversion("2.88")
        hypervisor = self.client.list_hypervisors()["hypervisors"][0]
        self.assertRaises(lib_exc.NotFound, self.client.show_hypervisor_statistics)
        self.assertRaises(lib_exc.NotFound, self.client.show_hypervisor_uptime, hypervisor["id"])
