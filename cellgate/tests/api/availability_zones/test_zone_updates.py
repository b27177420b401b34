"""Zones defined by aggregates on shared compute hosts: a host takes its aggregate's zone
(os-services, os-availability-zone), a host is in one zone only (409 on add_host, 400 on
set_metadata and update), and it goes back to the default zone when removed.

Off by default ([compute-feature-enabled] zone_updates): they change a shared host's zone,
which tests running beside them would see (and a server landing on the host meanwhile would
make its removal a 409); the services-serial job runs them alone.
"""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.aggregates import _helpers


class ZoneUpdatesTest(base.BaseComputeTest):
    """One shared host moved into zones and back."""

    required_features = ("aggregates", "availability_zones", "zone_updates")
    roles = ("admin",)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_admin.aggregates_client
        cls.host = _helpers.compute_hosts(cls)[0]
        cls.default_zone = _helpers.service_zone(cls, cls.host)

    def _zones(self):
        zones = self.os_admin.availability_zone_client.list_availability_zones(detail=True)
        return {z["zoneName"]: z for z in zones["availabilityZoneInfo"]}

    @decorators.idempotent_id('e1dbbcbe-da57-4a60-96d0-d31a7ad33212')
    def test_host_takes_the_aggregate_zone_and_gives_it_back(self):
        zone = _helpers.unique_name("az")
        aggregate = _helpers.create_aggregate(self, availability_zone=zone, hosts=[self.host])
        self.assertEqual(zone, _helpers.service_zone(self, self.host))
        zones = self._zones()
        self.assertIn(self.host, zones[zone]["hosts"])
        self.assertNotIn(self.host, (zones.get(self.default_zone) or {}).get("hosts") or {})
        summary = self.os_admin.availability_zone_client.list_availability_zones()
        self.assertIn(zone, {z["zoneName"] for z in summary["availabilityZoneInfo"]})
        self.client.remove_host(aggregate["id"], host=self.host)
        self.assertEqual(self.default_zone, _helpers.service_zone(self, self.host))
        self.assertNotIn(zone, self._zones())

    @decorators.idempotent_id('b0f56018-1c64-490f-b1e7-506d9435b733')
    def test_zone_set_later_by_metadata_moves_the_host(self):
        aggregate = _helpers.create_aggregate(self, hosts=[self.host])
        zone = _helpers.unique_name("az")
        self.client.set_metadata(aggregate["id"], metadata={"availability_zone": zone})
        self.assertEqual(zone, _helpers.service_zone(self, self.host))

    @decorators.idempotent_id('9f07eca9-474b-4c37-9fff-2c828c2a1462')
    def test_host_in_a_second_zone_is_409(self):
        first = _helpers.create_aggregate(self, availability_zone=_helpers.unique_name("az"),
                                          hosts=[self.host])
        second = _helpers.create_aggregate(self, availability_zone=_helpers.unique_name("az"))
        self.assertRaises(lib_exc.Conflict, self.client.add_host, second["id"], host=self.host)
        self.assertEqual([], self.client.show_aggregate(second["id"])["aggregate"]["hosts"])
        same = _helpers.create_aggregate(self, availability_zone=first["availability_zone"])
        self.client.add_host(same["id"], host=self.host)  # the same zone again is fine
        self.assertEqual(first["availability_zone"], _helpers.service_zone(self, self.host))

    @decorators.idempotent_id('cce8f477-6675-48f4-867f-7f283d39d572')
    def test_zone_change_that_splits_a_host_is_400(self):
        _helpers.create_aggregate(self, availability_zone=_helpers.unique_name("az"),
                                  hosts=[self.host])
        plain = _helpers.create_aggregate(self, hosts=[self.host])
        other = _helpers.unique_name("az")
        self.assertRaises(lib_exc.BadRequest, self.client.set_metadata, plain["id"],
                          metadata={"availability_zone": other})
        self.assertRaises(lib_exc.BadRequest, self.client.update_aggregate, plain["id"],
                          availability_zone=other)
        self.assertIsNone(self.client.show_aggregate(plain["id"])["aggregate"][
            "availability_zone"])
