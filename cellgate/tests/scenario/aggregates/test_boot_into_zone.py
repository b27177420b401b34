"""Scenario: a member boots into an offered zone; the server lands on a host of that zone
and shows it (``OS-EXT-AZ:availability_zone``; ``pinned_availability_zone`` from 2.96).
Uses the zones the cloud offers as they are: no shared host changes zone."""

from __future__ import annotations

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.aggregates import _helpers


class BootIntoZoneTest(base.BaseComputeTest):
    """Boot into the first offered zone, and without one."""

    required_features = ("availability_zones",)
    roles = ("admin", "member")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        zones = cls.os_member.availability_zone_client.list_availability_zones()[
            "availabilityZoneInfo"]
        cls.zone = sorted(z["zoneName"] for z in zones if z["zoneState"]["available"])[0]

    def _landed(self, server_id):
        return self.os_admin.servers_client.show_server(server_id)["server"]

    @decorators.idempotent_id('7d713f8c-206c-4838-accf-344be1631f16')
    def test_server_lands_in_the_zone_it_asked_for(self):
        server = self.create_server_for_test(availability_zone=self.zone)
        shown = self._landed(server["id"])
        self.assertEqual(self.zone, shown["OS-EXT-AZ:availability_zone"])
        host = shown["OS-EXT-SRV-ATTR:host"]
        self.assertEqual(self.zone, _helpers.service_zone(self, host))
        mine = self.os_member.servers_client.show_server(server["id"])["server"]
        self.assertEqual(self.zone, mine["OS-EXT-AZ:availability_zone"])

    @decorators.idempotent_id('7151618c-699a-4ceb-aaee-93fa7fa374c0')
    def test_server_without_zone_shows_its_host_zone(self):
        server = self.create_server_for_test()
        shown = self._landed(server["id"])
        self.assertEqual(_helpers.service_zone(self, shown["OS-EXT-SRV-ATTR:host"]),
                         shown["OS-EXT-AZ:availability_zone"])

    @decorators.requires_microversion("2.96")
    @decorators.idempotent_id('def10959-26d4-40af-850d-1a2beea5b342')
    def test_pinned_zone_from_2_96(self):
        self.use_microversion("2.96")
        pinned = self.create_server_for_test(availability_zone=self.zone)
        unpinned = self.create_server_for_test()
        client = self.os_member.servers_client
        self.assertEqual(self.zone, client.show_server(pinned["id"])["server"][
            "pinned_availability_zone"])
        self.assertIsNone(client.show_server(unpinned["id"])["server"][
            "pinned_availability_zone"])
