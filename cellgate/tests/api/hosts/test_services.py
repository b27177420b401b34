"""os-services (admin only): the nova-compute services match the topology the config names."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class ServicesTest(base.BaseComputeTest):
    """Service listing and its filters, as admin; members are refused."""

    required_features = ("services",)
    microversion = "2.53"
    roles = ("admin", "member")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_admin.services_client

    def _computes(self, **params):
        return self.client.list_services(binary="nova-compute", **params)["services"]

    @decorators.idempotent_id('64f6a0c7-f4e0-4a32-924c-5aa808ec2c96')
    def test_list_services(self):
        services = self.client.list_services()["services"]
        self.assertNotEqual([], services)
        ids = [s["id"] for s in services]
        self.assertEqual(len(ids), len(set(ids)), "service ids must be unique")
        for service in services:
            self.assertIn(service["status"], ("enabled", "disabled"))
            self.assertIn(service["state"], ("up", "down"))

    @decorators.idempotent_id('dbc799f8-2a51-47a9-aa81-dc5b401e7373')
    def test_compute_services_cover_every_cell(self):
        if not self.config.cells.host_cells:
            self.skipTest(_helpers.NO_HOST_CELLS)
        computes = self._computes()
        hosts = [s["host"] for s in computes]
        self.assertEqual(len(hosts), len(set(hosts)), "one nova-compute service per host")
        cells = set(_helpers.cells_of(self.config, hosts).values()) - {None}
        self.assertEqual(_helpers.expected_cells(self.config), cells,
                         "every cell of [cells] host_cells needs a nova-compute service")
        if self.config.cells.count:
            self.assertEqual(self.config.cells.count, len(cells),
                             f"[cells] count is {self.config.cells.count}, nova-compute runs "
                             f"in {sorted(cells)}")
        for service in computes:
            self.assertTrue(service["zone"], service)

    @decorators.idempotent_id('251fc508-6a8c-4418-aee3-e21db00a527a')
    def test_filter_by_binary(self):
        computes = self._computes()
        self.assertNotEqual([], computes)
        self.assertEqual({"nova-compute"}, {s["binary"] for s in computes})
        everything = self.client.list_services()["services"]
        self.assertEqual({s["id"] for s in everything if s["binary"] == "nova-compute"},
                         {s["id"] for s in computes})

    @decorators.idempotent_id('ac4ac08a-4bf9-4714-9be2-dc982a8abd6d')
    def test_filter_by_host(self):
        host = self._computes()[0]["host"]
        services = self.client.list_services(host=host)["services"]
        self.assertNotEqual([], services)
        self.assertEqual({host}, {s["host"] for s in services})
        self.assertEqual([], self.client.list_services(host="cellgate-no-such-host")["services"])

    @decorators.idempotent_id('d286dc6a-9426-456b-b86f-7a61c0b618f4')
    def test_member_cannot_list_services(self):
        self.assertRaises(lib_exc.Forbidden, self.os_member.services_client.list_services)
