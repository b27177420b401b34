"""os-availability-zone: every user lists zone names; admins see hosts and services in
/detail, members get 403 there. A zone only an aggregate without hosts names offers no host:
it is not listed and a boot into it is 400. No shared host changes zone here."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.aggregates import _helpers


class AvailabilityZonesTest(base.BaseComputeTest):
    """Summary and detail, as Nova answers them."""

    required_features = ("availability_zones",)
    roles = ("admin", "member")

    @decorators.idempotent_id('cf6416a7-323a-46a9-b0d7-f6fd0f029ebd')
    def test_member_lists_zones_without_hosts(self):
        zones = self.os_member.availability_zone_client.list_availability_zones()[
            "availabilityZoneInfo"]
        self.assertNotEqual([], zones)
        for zone in zones:
            self.assertIsNone(zone["hosts"])
            self.assertNotEqual("internal", zone["zoneName"])
        services = self.os_admin.services_client.list_services(binary="nova-compute")
        enabled = {s["zone"] for s in services["services"] if s["status"] == "enabled"}
        self.assertTrue(enabled <= {z["zoneName"] for z in zones if z["zoneState"]["available"]})

    @decorators.idempotent_id('b76baae8-9db0-42df-88b8-b032be49d25f')
    def test_member_may_not_see_detail(self):
        self.assertRaises(lib_exc.Forbidden,
                          self.os_member.availability_zone_client.list_availability_zones,
                          detail=True)

    @decorators.idempotent_id('e2d06874-0311-446f-9567-da42b21c6828')
    def test_detail_holds_every_compute_host_and_internal_services(self):
        zones = self.os_admin.availability_zone_client.list_availability_zones(detail=True)[
            "availabilityZoneInfo"]
        by_name = {z["zoneName"]: z for z in zones}
        self.assertIn("internal", by_name)
        internal = {binary for services in by_name["internal"]["hosts"].values()
                    for binary in services}
        self.assertIn("nova-conductor", internal)
        self.assertNotIn("nova-compute", internal)
        services = self.os_admin.services_client.list_services(binary="nova-compute")
        for service in services["services"]:
            if service["status"] != "enabled":
                continue
            zone = by_name[service["zone"]]
            self.assertIn("nova-compute", zone["hosts"][service["host"]], service)

    @decorators.idempotent_id('2134f880-e3ed-4d95-983b-e9192533bd66')
    def test_zone_of_an_aggregate_without_hosts_is_not_offered(self):
        zone = _helpers.unique_name("az")
        _helpers.create_aggregate(self, availability_zone=zone)
        zones = self.os_member.availability_zone_client.list_availability_zones()[
            "availabilityZoneInfo"]
        self.assertNotIn(zone, {z["zoneName"] for z in zones})
        self.assertRaises(lib_exc.BadRequest, self.create_server_for_test,
                          wait_until=None, availability_zone=zone)

    @decorators.idempotent_id('59e8ac22-fed2-4cd8-8153-dd7d872f5a81')
    def test_boot_into_unknown_zone_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.create_server_for_test, wait_until=None,
                          availability_zone=_helpers.unique_name("az"))
