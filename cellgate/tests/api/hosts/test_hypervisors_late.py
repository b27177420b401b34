"""os-hypervisors from 2.75: `servers` always listed when asked for (2.75), the usage fields
and cpu_info gone and `uptime` added (2.88)."""

from __future__ import annotations

import json

from cellgate.lib import decorators
from cellgate.lib.microversion import version_headers
from cellgate.tests import base

_USAGE = ("vcpus", "vcpus_used", "memory_mb", "memory_mb_used", "local_gb", "local_gb_used",
          "free_ram_mb", "free_disk_gb", "running_vms", "current_workload",
          "disk_available_least", "cpu_info")


class HypervisorsLateTest(base.BaseComputeTest):
    roles = ("admin",)
    required_features = ("hypervisors",)
    microversion = "2.88"

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_admin.hypervisor_client

    def _get(self, path):
        # tempest.lib has no 2.88 hypervisor schema (its 2.53 one refuses `uptime`)
        _, body = self.os_admin.rest_client("compute").get(
            path, headers=version_headers(), extra_headers=True)
        return json.loads(body)

    @decorators.idempotent_id('05ab98da-4c18-48f6-82a4-4b60f1c28c8b')
    def test_detail_drops_usage_and_adds_uptime(self):
        for hypervisor in self._get("os-hypervisors/detail")["hypervisors"]:
            for key in _USAGE:
                self.assertNotIn(key, hypervisor)
            self.assertIn("uptime", hypervisor)
            self.assertIn("hypervisor_type", hypervisor)
            shown = self._get(f"os-hypervisors/{hypervisor['id']}")["hypervisor"]
            self.assertIn("uptime", shown)
            self.assertNotIn("vcpus", shown)

    @decorators.idempotent_id('3b8accb0-62cd-4860-9aed-62a3fd341c94')
    def test_usage_fields_before_2_88(self):
        self.use_microversion("2.87")
        for hypervisor in self.client.list_hypervisors(detail=True)["hypervisors"]:
            self.assertIn("vcpus", hypervisor)
            self.assertNotIn("uptime", hypervisor)

    @decorators.idempotent_id('b6f9dc93-a804-418a-a84c-bd8f2bdf17af')
    def test_with_servers_lists_servers_by_instance_name(self):
        server = self.create_server_for_test(clients=self.os_admin)
        admin_view = self.os_admin.servers_client.show_server(server["id"])["server"]
        self.use_microversion("2.75")
        listed = self.client.list_hypervisors(with_servers=True)["hypervisors"]
        for hypervisor in listed:
            self.assertIn("servers", hypervisor)  # [] on an empty one, from 2.75
        mine = [s for h in listed for s in h["servers"] if s["uuid"] == server["id"]]
        self.assertEqual([{"uuid": server["id"],
                           "name": admin_view["OS-EXT-SRV-ATTR:instance_name"]}], mine)
