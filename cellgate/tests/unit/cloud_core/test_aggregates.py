"""Aggregates and zones, white-box: Nova's zone rules, the API cell's host filters, the
placement a build carries (candidate_hosts, host_zones) and the cells it reaches."""

from __future__ import annotations

import testtools

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api.microversion import APIVersion
from cellgate.cloud.api.views.servers import ServerView
from cellgate.cloud.cells.host_filters import (
    HostRequest,
    aggregate_extra_specs_filter,
    passing_hosts,
    spec_matches,
    tenant_isolation_filter,
    zone_filter,
)
from cellgate.cloud.cells.zones import host_zones
from cellgate.tests.unit.cloud_core.helpers import (
    CloudTestCase,
    admin,
    boot,
    member,
    topology,
    wait_for_status,
)

P = {"vcpus": 64, "memory_mb": 65536, "disk_gb": 1000}
TWO_CELLS = topology({"cell1": [("a1", "p"), ("a2", "p")], "cell2": [("b1", "big")]},
                     {"p": P, "big": {**P, "memory_mb": 262144}})


def _aggregate(aid, hosts, **metadata):
    return {"id": aid, "hosts": list(hosts), "metadata": metadata}


class HostFiltersTest(testtools.TestCase):

    HOSTS = [{"host": "h1", "availability_zone": "nova"},
             {"host": "h2", "availability_zone": "nova"}]

    def _request(self, aggregates, specs=None, zone=None, project="p1"):
        return HostRequest(flavor={"extra_specs": specs or {}}, project_id=project, zone=zone,
                           aggregates=aggregates)

    def test_zone_comes_from_aggregates_else_the_default(self) -> None:
        aggregates = [_aggregate(1, ["h1"], availability_zone="az1")]
        self.assertEqual({"h1": "az1", "h2": "nova"}, host_zones(self.HOSTS, aggregates))
        request = self._request(aggregates, zone="az1")
        self.assertEqual(["h1"], [h["host"] for h in self.HOSTS if zone_filter(h, request)])

    def test_extra_specs_match_aggregate_metadata(self) -> None:
        aggregates = [_aggregate(1, ["h1"], ssd="true, fast"), _aggregate(2, ["h2"], ssd="no")]
        scoped = self._request(aggregates, {"aggregate_instance_extra_specs:ssd": "fast"})
        self.assertEqual(["h1"], [h["host"] for h in passing_hosts(self.HOSTS, scoped)])
        unscoped = self._request(aggregates, {"ssd": "no"})  # unscoped keys count too
        self.assertEqual(["h2"], [h["host"] for h in passing_hosts(self.HOSTS, unscoped)])
        other_scope = self._request(aggregates, {"hw:cpu_policy": "shared"})
        self.assertTrue(all(aggregate_extra_specs_filter(h, other_scope) for h in self.HOSTS))

    def test_spec_operators(self) -> None:
        self.assertTrue(spec_matches("4", ">= 2"))
        self.assertFalse(spec_matches("1", ">= 2"))
        self.assertTrue(spec_matches("b", "<or> a <or> b"))
        self.assertTrue(spec_matches("abc", "<in> b"))
        self.assertTrue(spec_matches("x", "s== x"))
        self.assertFalse(spec_matches("text", ">= 2"))  # never a 500 on bad numbers

    def test_tenant_isolation(self) -> None:
        aggregates = [_aggregate(1, ["h1"], filter_tenant_id="p2", filter_tenant_id_2="p3")]
        host = self.HOSTS[0]
        self.assertFalse(tenant_isolation_filter(host, self._request(aggregates, project="p1")))
        self.assertTrue(tenant_isolation_filter(host, self._request(aggregates, project="p3")))
        self.assertTrue(tenant_isolation_filter(self.HOSTS[1], self._request(aggregates)))


class AggregateRulesTest(CloudTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.start(TWO_CELLS)

    def test_zone_rules(self) -> None:
        api = self.api
        first = api.create_aggregate(admin(), "one", "az1")
        second = api.create_aggregate(admin(), "two", "az2")
        plain = api.create_aggregate(admin(), "plain")
        self.assertRaises(exc.AggregateNameExists, api.create_aggregate, admin(), "one")
        api.add_aggregate_host(admin(), first["id"], "a1")
        self.assertRaises(exc.AggregateHostExists, api.add_aggregate_host, admin(),
                          first["id"], "a1")
        error = self.assertRaises(exc.Conflict, api.add_aggregate_host, admin(), second["id"],
                                  "a1")
        self.assertIn("already in availability zone(s) ['az1']", error.message)
        api.add_aggregate_host(admin(), plain["id"], "a1")
        self.assertRaises(exc.Invalid, api.set_aggregate_metadata, admin(), plain["id"],
                          {"availability_zone": "az2"})
        self.assertRaises(exc.Invalid, api.set_aggregate_metadata, admin(), first["id"],
                          {"availability_zone": None})
        self.assertRaises(exc.ComputeHostNotFound, api.add_aggregate_host, admin(),
                          first["id"], "nowhere")
        self.assertRaises(exc.Invalid, api.delete_aggregate, admin(), first["id"])
        zones = {s["host"]: s["zone"] for s in api.list_services(admin())}
        self.assertEqual(("az1", "nova", "internal"),
                         (zones["a1"], zones["b1"], zones[f"{TWO_CELLS['name']}-api"]))
        self.assertIn("az1", api.available_zones())

    def test_metadata_null_deletes(self) -> None:
        aggregate = self.api.create_aggregate(admin(), "meta")
        self.api.set_aggregate_metadata(admin(), aggregate["id"], {"k": "1", "j": "2"})
        record = self.api.set_aggregate_metadata(admin(), aggregate["id"],
                                                 {"k": None, "gone": None})
        self.assertEqual({"j": "2"}, record["metadata"])

    def test_boot_into_zone_and_host_keeps_it(self) -> None:
        aggregate = self.api.create_aggregate(admin(), "zoned", "az-b")
        self.api.add_aggregate_host(admin(), aggregate["id"], "a2")
        server = wait_for_status(self.api, member(),
                                 boot(self.api, member(), availability_zone="az-b")["uuid"],
                                 "ACTIVE", "ERROR")
        self.assertEqual(("ACTIVE", "a2", "az-b"),
                         (server["status"], server["host"], server["availability_zone"]))
        self.assertEqual("az-b", server["requested_availability_zone"])
        self.assertRaises(exc.Conflict, self.api.remove_aggregate_host, admin(),
                          aggregate["id"], "a2")
        self.assertRaises(exc.Invalid, self.api.update_aggregate, admin(), aggregate["id"],
                          availability_zone="az-c")
        self.assertRaises(exc.Invalid, self.api.create_server, member(), name="x",
                          image_ref=server["image_ref"], flavor_ref="1", networks="none",
                          availability_zone="az-none")

    def test_extra_specs_select_a_cell_and_a_host(self) -> None:
        aggregate = self.api.create_aggregate(admin(), "sel")
        self.api.add_aggregate_host(admin(), aggregate["id"], "a2")
        self.api.set_aggregate_metadata(admin(), aggregate["id"], {"pick": "me"})
        flavor = self.flavor({"aggregate_instance_extra_specs:pick": "me"})
        for _ in range(2):  # cell2 has the most room: only the filter sends these to cell1
            server = self.boot_and_wait(flavor=flavor)
            self.assertEqual(("ACTIVE", "a2"), (server["status"], server["host"]))
        instance = self.deployment.api_cell.load(server["uuid"])
        placement = self.deployment.api_cell.placement(instance, "cell1")
        self.assertEqual(["a2"], placement["candidate_hosts"])
        self.assertEqual({"a1": "nova", "a2": "nova"}, placement["host_zones"])
        self.assertNotIn("candidate_hosts", self.deployment.api_cell.placement(
            instance, "cell1", {"extra_specs": {}}))

    def test_no_passing_host_anywhere_is_error_without_a_build(self) -> None:
        flavor = self.flavor({"aggregate_instance_extra_specs:pick": "nobody"})
        server = self.boot_and_wait(flavor=flavor)
        self.assertEqual("ERROR", server["status"])
        self.assertIn("No valid host was found", server["fault"]["message"])
        events = self.api.list_instance_actions(member(), server["uuid"])
        detail = self.api.get_instance_action(member(), server["uuid"],
                                              events[0]["request_id"])
        self.assertEqual(["conductor_schedule_and_build_instances"],
                         [e["event"] for e in detail["events"]])


class PinnedZoneViewTest(testtools.TestCase):

    RECORD = {"uuid": "u", "name": "n", "status": "ACTIVE", "project_id": "p",
              "user_id": "u", "availability_zone": "az1",
              "requested_availability_zone": "az1"}

    def _show(self, version):
        view = ServerView.for_request("http://x", APIVersion.parse(version), False)
        return view.show(self.RECORD)

    def test_pinned_zone_from_2_96_only(self) -> None:
        self.assertNotIn("pinned_availability_zone", self._show("2.95"))
        self.assertEqual("az1", self._show("2.96")["pinned_availability_zone"])
        self.assertEqual("az1", self._show("2.96")["OS-EXT-AZ:availability_zone"])
