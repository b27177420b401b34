"""Fault plans, extra_specs checks, capacity accounting and scheduling, end to end."""

from __future__ import annotations

import testtools

from cellgate.cloud.cells.scheduler import CellScheduler, HostScheduler
from cellgate.tests.unit.cloud_core.helpers import (
    CloudTestCase,
    admin,
    member,
    topology,
    wait_for_deleted,
    wait_for_status,
)

BIG = {"vcpus": 64, "memory_mb": 65536, "disk_gb": 1000}
SMALL = {"vcpus": 64, "memory_mb": 32768, "disk_gb": 1000}


class FaultPlanTest(CloudTestCase):

    def test_fail_next_spawn_is_rescheduled_to_another_host(self) -> None:
        self.start(topology({"cell1": [("flaky", "big"), ("steady", "small")]},
                            {"big": {**BIG, "faults": {"fail_next_spawns": 1}},
                             "small": SMALL}))
        first = self.boot_and_wait()
        self.assertEqual(("ACTIVE", "steady"), (first["status"], first["host"]))
        second = self.boot_and_wait()  # the plan's one failure is used up
        self.assertEqual(("ACTIVE", "flaky"), (second["status"], second["host"]))

    def test_fail_next_spawns_everywhere_ends_in_error_with_reason(self) -> None:
        self.start(topology({"cell1": [("h1", "p"), ("h2", "p")]},
                            {"p": {**BIG, "faults": {"fail_next_spawns": 1}}}))
        server = self.boot_and_wait()
        self.assertEqual("ERROR", server["status"])
        self.assertIn("No valid host was found", server["fault"]["message"])
        self.assertIn("fail_next_spawns", server["fault"]["message"])
        self.assertIsNone(server["host"])
        action = self.api.list_instance_actions(member(), server["uuid"])[0]
        self.assertEqual("Error", self.api.get_instance_action(
            member(), server["uuid"], action["request_id"])["message"])
        self.assertEqual("ACTIVE", self.boot_and_wait()["status"])
        self.assertEqual(1, sum(h["running_vms"] for h in self.api.list_hypervisors(admin())))

    def test_fail_named_instance(self) -> None:
        self.start(topology({"cell1": [("h1", "p")]},
                            {"p": {**BIG, "faults": {"fail_instances": ["doomed"]}}}))
        doomed = self.boot_and_wait("doomed")
        self.assertEqual("ERROR", doomed["status"])
        self.assertIn("doomed", doomed["fault"]["message"])
        self.assertEqual(500, doomed["fault"]["code"])
        self.assertIsNotNone(doomed["fault"]["created"].tzinfo)  # an aware datetime
        self.assertEqual("ACTIVE", self.boot_and_wait("fine")["status"])

    def test_failing_cell_reschedules_to_another_cell(self) -> None:
        self.start(topology({"cell1": [("bad1", "broken")], "cell2": [("good1", "small")]},
                            {"broken": {**BIG, "faults": {"fail_all_spawns": True}},
                             "small": SMALL}))
        server = self.boot_and_wait()
        self.assertEqual(("ACTIVE", "cell2", "good1"),
                         (server["status"], server["cell_name"], server["host"]))

    def test_error_in_every_cell_is_buried_with_reason(self) -> None:
        cloud = self.start(topology({"cell1": [("a", "broken")], "cell2": [("b", "broken")]},
                                    {"broken": {**BIG, "faults": {"fail_all_spawns": True}}}))
        server = self.boot_and_wait()
        self.assertEqual("ERROR", server["status"])
        self.assertIn("fails every spawn", server["fault"]["message"])
        for cell in cloud.deployment.cells.values():
            self.assertEqual(0, sum(n["vcpus_used"] for n in cell.store.nodes()))


class ExtraSpecsTest(CloudTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.start(topology({"cell1": [("shared1", "shared"), ("shared2", "shared")]},
                            {"shared": BIG}))

    def assert_error(self, specs: dict[str, str], *fragments: str) -> None:
        server = self.boot_and_wait(flavor=self.flavor(specs))
        self.assertEqual("ERROR", server["status"])
        for fragment in fragments:
            self.assertIn(fragment, server["fault"]["message"])

    def test_invalid_value(self) -> None:
        self.assert_error({"hw:cpu_policy": "bogus"}, "hw:cpu_policy=bogus", "shared")

    def test_unknown_hw_key(self) -> None:
        self.assert_error({"hw:warp_drive": "on"}, "hw:warp_drive")

    def test_dedicated_on_hosts_without_dedicated_cpus(self) -> None:
        # no cell has a slot for it: never sent to a cell, NoValidHost at the top (as Nova,
        # whose placement finds no PCPU)
        self.assert_error({"hw:cpu_policy": "dedicated"}, "No valid host was found")

    def test_understood_specs_boot(self) -> None:
        flavor = self.flavor({"hw:cpu_policy": "shared", "hw:mem_page_size": "large",
                              "hw:numa_nodes": "1", "quota:cpu_quota": "10000"})
        server = self.boot_and_wait(flavor=flavor)
        self.assertEqual("ACTIVE", server["status"], server["fault"])
        self.assertEqual("large", server["flavor"]["extra_specs"]["hw:mem_page_size"])

    def test_flavor_travels_whole(self) -> None:
        flavor = self.flavor({"hw:numa_nodes": "1"})
        server = self.boot_and_wait(flavor=flavor)
        self.api.delete_flavor(admin(), flavor)  # the server keeps its copy
        self.assertEqual({"hw:numa_nodes": "1"},
                         self.api.get_server(member(), server["uuid"])["flavor"]["extra_specs"])


class CapacityTest(CloudTestCase):

    def test_full_host_is_never_chosen_and_usage_falls_on_delete(self) -> None:
        cloud = self.start(topology({"cell1": [("tiny", "one")]},
                                    {"one": {"vcpus": 1, "memory_mb": 512, "disk_gb": 10}}))
        store = cloud.deployment.cells["cell1"].store
        first = self.boot_and_wait()
        self.assertEqual("ACTIVE", first["status"])
        self.assertEqual((1, 128, 1), tuple(store.node("tiny")[k] for k in (
            "vcpus_used", "memory_mb_used", "local_gb_used")))
        second = self.boot_and_wait()
        self.assertEqual("ERROR", second["status"])
        self.assertEqual("No valid host was found. There are not enough hosts available.",
                         second["fault"]["message"])
        self.assertEqual(1, store.node("tiny")["vcpus_used"])
        self.api.delete_server(member(), first["uuid"])
        wait_for_deleted(self.api, member(), first["uuid"])
        self.assertEqual(0, store.node("tiny")["vcpus_used"])
        self.assertEqual("ACTIVE", self.boot_and_wait()["status"])

    def test_cell_is_picked_by_free_slots(self) -> None:
        self.start(topology({"cell1": [("c1h1", "small")],
                             "cell2": [("c2h1", "big"), ("c2h2", "big")]},
                            {"small": SMALL, "big": BIG}))
        server = self.boot_and_wait()
        self.assertEqual("cell2", server["cell_name"])
        # a flavor too big for cell1's host can only land in cell2
        big = self.api.create_flavor(admin(), name="huge", ram=40000, vcpus=1, disk=1)
        self.assertEqual("cell2", self.boot_and_wait(flavor=big["id"])["cell_name"])


class ForcedHostTest(CloudTestCase):

    def test_admin_forces_each_host(self) -> None:
        self.start(topology({"cell1": [("a1", "big"), ("a2", "small")],
                             "cell2": [("b1", "small")]}, {"big": BIG, "small": SMALL}))
        from cellgate.cloud.images import CIRROS_ID
        for host in ("a2", "b1", "a1"):
            record, _ = self.api.create_server(admin(), name=host, image_ref=CIRROS_ID,
                                               flavor_ref="1", networks="none",
                                               availability_zone=f"nova:{host}")
            server = wait_for_status(self.api, admin(), record["uuid"], "ACTIVE")
            self.assertEqual(host, server["host"])
        from cellgate.cloud import exceptions as exc
        self.assertRaises(exc.Forbidden, self.api.create_server, member(), name="x",
                          image_ref=CIRROS_ID, flavor_ref="1", networks="none",
                          availability_zone="nova:a1")
        self.assertRaises(exc.Invalid, self.api.create_server, admin(), name="x",
                          image_ref=CIRROS_ID, flavor_ref="1", networks="none",
                          availability_zone="nova:nowhere")


class SchedulerUnitTest(testtools.TestCase):

    HOSTS = [
        {"host": "a", "cell_name": "c1", "vcpus": 4, "vcpus_used": 4, "memory_mb": 4096,
         "memory_mb_used": 0, "local_gb": 100, "local_gb_used": 0,
         "availability_zone": "nova", "dedicated_cpus": False},
        {"host": "b", "cell_name": "c2", "vcpus": 4, "vcpus_used": 0, "memory_mb": 1024,
         "memory_mb_used": 0, "local_gb": 100, "local_gb_used": 0,
         "availability_zone": "nova", "dedicated_cpus": True},
        {"host": "c", "cell_name": "c2", "vcpus": 8, "vcpus_used": 0, "memory_mb": 2048,
         "memory_mb_used": 0, "local_gb": 100, "local_gb_used": 0,
         "availability_zone": "az2", "dedicated_cpus": False},
    ]
    FLAVOR = {"vcpus": 1, "ram": 512, "disk": 1, "extra_specs": {}}

    def test_slots_per_cell(self) -> None:
        self.assertEqual({"c1": 0, "c2": 6}, CellScheduler().slots(self.HOSTS, self.FLAVOR))

    def test_rank_prefers_free_slots_and_excludes(self) -> None:
        scheduler = CellScheduler()
        self.assertEqual(["c2", "c1"], scheduler.rank(self.HOSTS, ["c1", "c2"], self.FLAVOR))
        self.assertEqual(["c1"], scheduler.rank(self.HOSTS, ["c1", "c2"], self.FLAVOR,
                                                exclude=["c2"]))
        dedicated = {**self.FLAVOR, "extra_specs": {"hw:cpu_policy": "dedicated"}}
        self.assertEqual("c2", scheduler.rank(self.HOSTS, ["c1", "c2"], dedicated)[0])

    def test_host_pick_never_full(self) -> None:
        scheduler = HostScheduler()
        self.assertEqual("c", scheduler.pick(self.HOSTS, self.FLAVOR))
        self.assertEqual("b", scheduler.pick(self.HOSTS, self.FLAVOR, exclude=["c"]))
        self.assertIsNone(scheduler.pick(self.HOSTS, {**self.FLAVOR, "ram": 4096},
                                         exclude=["a"]))


