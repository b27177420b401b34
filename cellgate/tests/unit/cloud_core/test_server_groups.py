"""Server groups end to end in a deployment: policies over every cell, the atomic host claim
under concurrent boots, reschedules that keep the policy, membership and quotas."""

from __future__ import annotations

import threading
from collections import Counter

from cellgate.cloud import exceptions as exc
from cellgate.cloud.cells.group_filters import group_filter, weigh_tiers
from cellgate.tests.unit.cloud_core.helpers import (
    CloudTestCase,
    admin,
    boot,
    member,
    topology,
    wait_for_deleted,
    wait_for_status,
)

P = {"vcpus": 64, "memory_mb": 65536, "disk_gb": 1000}
TWO_CELLS = topology({"cell1": [("c1h1", "p"), ("c1h2", "p")],
                      "cell2": [("c2h1", "p"), ("c2h2", "p"), ("c2h3", "p")]}, {"p": P})
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."


class ServerGroupPlacementTest(CloudTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.start(TWO_CELLS)

    def group(self, policy: str, **rules: int) -> dict:
        return self.api.create_server_group(member(), name=policy, policy=policy, rules=rules)

    def boot_into(self, group: dict | None, **hints) -> dict:
        if group is not None:
            hints["group"] = group["uuid"]
        uuid = boot(self.api, member(), scheduler_hints=hints)["uuid"]
        return wait_for_status(self.api, member(), uuid, "ACTIVE", "ERROR")

    def test_anti_affinity_spans_cells_then_no_valid_host(self) -> None:
        group = self.group("anti-affinity")
        servers = [self.boot_into(group) for _ in range(5)]
        self.assertEqual(5, len({s["host"] for s in servers}))
        self.assertEqual({"cell1", "cell2"}, {s["cell_name"] for s in servers})
        extra = self.boot_into(group)
        self.assertEqual(("ERROR", 500, NO_VALID_HOST),
                         (extra["status"], extra["fault"]["code"], extra["fault"]["message"]))
        members = self.api.get_server_group(member(), group["uuid"])["members"]
        self.assertEqual(6, len(members))

    def test_concurrent_boots_never_share_a_host(self) -> None:
        group = self.group("anti-affinity")
        uuids: list[str] = []
        barrier = threading.Barrier(10)

        def send() -> None:
            barrier.wait()
            uuids.append(boot(self.api, member(),
                              scheduler_hints={"group": group["uuid"]})["uuid"])
        threads = [threading.Thread(target=send) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ended = [wait_for_status(self.api, member(), u, "ACTIVE", "ERROR") for u in uuids]
        active = [s["host"] for s in ended if s["status"] == "ACTIVE"]
        self.assertEqual(5, len(active))
        self.assertEqual(5, len(set(active)))

    def test_max_server_per_host(self) -> None:
        self.api.update_quotas(admin(), "project-a", {"server_group_members": 11})
        group = self.group("anti-affinity", max_server_per_host=2)
        hosts = Counter(self.boot_into(group)["host"] for _ in range(10))
        self.assertEqual({2}, set(hosts.values()))
        self.assertEqual("ERROR", self.boot_into(group)["status"])

    def test_affinity_one_host_then_no_valid_host_when_it_is_off(self) -> None:
        group = self.group("affinity")
        first = self.boot_into(group)
        self.assertEqual({first["host"]}, {self.boot_into(group)["host"] for _ in range(3)})
        service = next(s for s in self.api.list_services(admin(), binary="nova-compute")
                       if s["host"] == first["host"])
        self.api.update_service(admin(), service["uuid"], disabled=True)
        self.assertEqual("ERROR", self.boot_into(group)["status"])

    def test_soft_policies_prefer_then_place_anyway(self) -> None:
        stack = self.group("soft-affinity")
        self.assertEqual(1, len({self.boot_into(stack)["host"] for _ in range(4)}))
        spread = self.group("soft-anti-affinity")
        hosts = [self.boot_into(spread)["host"] for _ in range(6)]
        self.assertEqual(5, len(set(hosts[:5])))
        self.assertIn(hosts[5], hosts[:5])

    def test_deleting_a_member_frees_its_host_and_leaves_the_group(self) -> None:
        group = self.group("anti-affinity")
        servers = [self.boot_into(group) for _ in range(5)]
        self.api.delete_server(member(), servers[0]["uuid"])
        wait_for_deleted(self.api, member(), servers[0]["uuid"])
        members = self.api.get_server_group(member(), group["uuid"])["members"]
        self.assertNotIn(servers[0]["uuid"], members)
        self.assertEqual(servers[0]["host"], self.boot_into(group)["host"])

    def test_deleting_the_group_keeps_servers(self) -> None:
        group = self.group("affinity")
        server = self.boot_into(group)
        self.api.delete_server_group(member(), group["uuid"])
        self.assertEqual([], self.api.server_groups_of(member(), server["uuid"]))
        self.assertEqual("ACTIVE", self.api.get_server(member(), server["uuid"])["status"])
        self.assertRaises(exc.InstanceGroupNotFound, self.api.get_server_group, member(),
                          group["uuid"])

    def test_same_host_and_different_host(self) -> None:
        anchor = self.boot_into(None)
        self.assertEqual(anchor["host"],
                         self.boot_into(None, same_host=[anchor["uuid"]])["host"])
        self.assertNotEqual(anchor["host"],
                            self.boot_into(None, different_host=anchor["uuid"])["host"])
        self.assertEqual("ERROR", self.boot_into(None, same_host=[
            "00000000-0000-0000-0000-000000000000"])["status"])

    def test_other_projects_group_and_quotas(self) -> None:
        theirs = self.api.create_server_group(member("project-b", "user-b"), name="b",
                                              policy="affinity")
        self.assertRaises(exc.InstanceGroupNotFound, boot, self.api, member(),
                          scheduler_hints={"group": theirs["uuid"]})
        self.api.update_quotas(admin(), "project-a", {"server_groups": 1,
                                                      "server_group_members": 1})
        group = self.group("affinity")
        self.assertRaises(exc.ServerGroupLimitExceeded, self.group, "affinity")
        self.boot_into(group)
        self.assertRaises(exc.GroupMemberLimitExceeded, boot, self.api, member(),
                          scheduler_hints={"group": group["uuid"]})
        self.assertEqual(1, self.api.quota_usage(admin(), "project-a")["server_groups"])


class RescheduleKeepsThePolicyTest(CloudTestCase):

    def test_failed_member_build_moves_to_a_host_the_policy_allows(self) -> None:
        self.start(topology({"cell1": [("flaky", "bad")], "cell2": [("steady", "p")]},
                            {"p": P, "bad": {**P, "faults": {"fail_next_spawns": 1}}}))
        group = self.api.create_server_group(member(), name="g", policy="anti-affinity")
        uuid = boot(self.api, member(), scheduler_hints={"group": group["uuid"]})["uuid"]
        first = wait_for_status(self.api, member(), uuid, "ACTIVE", "ERROR")
        # the flaky host is the emptier one; its failure sends the build to the other cell
        self.assertEqual("ACTIVE", first["status"], first["fault"])
        uuid = boot(self.api, member(), scheduler_hints={"group": group["uuid"]})["uuid"]
        second = wait_for_status(self.api, member(), uuid, "ACTIVE", "ERROR")
        self.assertEqual("ACTIVE", second["status"], second["fault"])
        self.assertEqual({"flaky", "steady"}, {first["host"], second["host"]})


    def test_failed_member_build_retries_another_host_of_the_same_cell(self) -> None:
        big = {**P, "memory_mb": 2 * P["memory_mb"]}
        self.start(topology({"cell1": [("flaky", "bad"), ("steady", "p")]},
                            {"p": P, "bad": {**big, "faults": {"fail_next_spawns": 1}}}))
        group = self.api.create_server_group(member(), name="g", policy="anti-affinity")
        uuid = boot(self.api, member(), scheduler_hints={"group": group["uuid"]})["uuid"]
        first = wait_for_status(self.api, member(), uuid, "ACTIVE", "ERROR")
        self.assertEqual(("ACTIVE", "steady"), (first["status"], first["host"]),
                         first["fault"])
        events = self.api.get_instance_action(admin(), uuid, self.api.list_instance_actions(
            admin(), uuid)[0]["request_id"])["events"]
        self.assertEqual(["flaky", "steady"], [e["host"] for e in events])
        uuid = boot(self.api, member(), scheduler_hints={"group": group["uuid"]})["uuid"]
        second = wait_for_status(self.api, member(), uuid, "ACTIVE", "ERROR")
        self.assertEqual(("ACTIVE", "flaky"), (second["status"], second["host"]))


class GroupFilterFunctionsTest(CloudTestCase):

    def test_filters_and_weighers(self) -> None:
        hosts = [{"host": name} for name in ("a", "b", "c")]
        members = Counter({"a": 2, "b": 1})
        self.assertEqual(["c"], [h["host"] for h in group_filter(
            hosts, {"policy": "anti-affinity", "rules": {}}, members)])
        self.assertEqual(["b", "c"], [h["host"] for h in group_filter(
            hosts, {"policy": "anti-affinity", "rules": {"max_server_per_host": 2}}, members)])
        self.assertEqual(["a", "b"], [h["host"] for h in group_filter(
            hosts, {"policy": "affinity", "rules": {}}, members)])
        self.assertEqual([["a"], ["b"], ["c"]], [[h["host"] for h in tier] for tier in
                                                 weigh_tiers(hosts, {"policy": "soft-affinity"},
                                                             members)])
        self.assertEqual([["c"], ["b"], ["a"]], [[h["host"] for h in tier] for tier in
                                                 weigh_tiers(hosts,
                                                             {"policy": "soft-anti-affinity"},
                                                             members)])
