"""Atomic state changes under concurrency: one action wins, no metadata merge or delete is
lost, and a build no host can take ends in ERROR after a bounded number of attempts.

Bounded load tests: threads race on the ComputeAPI of an in-process deployment.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import fixtures

from cellgate.cloud import exceptions as exc
from cellgate.cloud.cells.deployment import CellsDeployment
from cellgate.cloud.cells.scheduler import MAX_ATTEMPTS
from cellgate.cloud.compute.api import MAX_METADATA_ITEMS
from cellgate.cloud.images import CIRROS_ID
from cellgate.tests.unit.cloud_core.helpers import (
    CloudTestCase,
    DeploymentFixture,
    admin,
    boot,
    member,
    topology,
    wait_for,
    wait_for_deleted,
    wait_for_status,
)

ROOMY = {"vcpus": 1024, "memory_mb": 1048576, "disk_gb": 40000}
BROKEN = {**ROOMY, "faults": {"fail_all_spawns": True}}


class AtomicTestCase(CloudTestCase):

    def usage(self) -> int:
        return sum(n["vcpus_used"] + n["running_vms"] for cell in self.deployment.cells.values()
                   for n in cell.store.nodes())

    def events(self, uuid: str) -> list[dict]:
        return [event for action in self.api.list_instance_actions(admin(), uuid)
                for event in self.api.get_instance_action(
                    admin(), uuid, action["request_id"])["events"]]


class ConcurrentActionsTest(AtomicTestCase):

    SERVERS = 20
    RACERS = 8

    def test_concurrent_stops_accept_one_per_server(self) -> None:
        self.start(topology({"cell1": [("c1", "roomy")], "cell2": [("c2", "roomy")]},
                            {"roomy": ROOMY}))
        ids = [boot(self.api, member(), name=f"s{i}")["uuid"] for i in range(self.SERVERS)]
        for uuid in ids:
            wait_for_status(self.api, member(), uuid, "ACTIVE")

        def stop(uuid: str) -> str:
            try:
                self.api.stop_server(member(), uuid)
            except exc.InstanceInvalidState as error:
                return str(error)
            return "accepted"

        with ThreadPoolExecutor(self.RACERS) as pool:
            results = [r for uuid in ids for r in pool.map(stop, [uuid] * self.RACERS)]
        accepted = results.count("accepted")
        print(f"\n{len(results)} concurrent stops: {accepted} accepted, "
              f"{len(results) - accepted} refused with 409")
        self.assertEqual(self.SERVERS, accepted)
        for message in results:
            if message != "accepted":
                self.assertRegex(message, r"^Cannot 'stop' instance \S+ while it is in "
                                          r"(task_state powering-off|vm_state stopped)$")
        for uuid in ids:
            wait_for_status(self.api, member(), uuid, "SHUTOFF")
            stops = [a for a in self.api.list_instance_actions(member(), uuid)
                     if a["action"] == "stop"]
            self.assertEqual(1, len(stops), stops)


class ConcurrentMetadataTest(AtomicTestCase):

    MERGES = 200
    THREADS = 16

    def setUp(self) -> None:
        super().setUp()
        self.start(topology({"cell1": [("c1", "roomy")]}, {"roomy": ROOMY}))
        self.uuid = boot(self.api, member())["uuid"]
        wait_for_status(self.api, member(), self.uuid, "ACTIVE")

    def _merge(self, index: int) -> tuple[str, str, int]:
        key = f"k{index:03d}"
        try:
            whole = self.api.update_metadata(member(), self.uuid, {key: "v"}, replace=False)
        except exc.QuotaOrCapacityExceeded:
            return key, "403", len(self.api.get_metadata(member(), self.uuid))
        return key, "200", len(whole)

    def test_concurrent_merges_lose_nothing_and_refuse_only_when_full(self) -> None:
        with ThreadPoolExecutor(self.THREADS) as pool:
            results = list(pool.map(self._merge, range(self.MERGES)))
        held = self.api.get_metadata(member(), self.uuid)
        kept = [key for key, code, _ in results if code == "200"]
        refused = [(key, size) for key, code, size in results if code == "403"]
        print(f"\n{self.MERGES} concurrent merges: {len(kept)} answered 200, "
              f"{len(refused)} refused 403, {len(held)} keys held, "
              f"{len([k for k in kept if k not in held])} lost")
        self.assertEqual([], [key for key in kept if key not in held])
        self.assertEqual(MAX_METADATA_ITEMS, len(held))
        self.assertEqual(MAX_METADATA_ITEMS, len(kept))
        # a refusal only ever came once the server held the whole quota
        self.assertEqual([], [r for r in refused if r[1] < MAX_METADATA_ITEMS])

    def test_concurrent_item_deletes_and_replaces_are_atomic(self) -> None:
        self.api.update_metadata(member(), self.uuid, {f"d{i}": "v" for i in range(40)},
                                 replace=True)

        def delete(index: int) -> None:
            self.api.delete_metadata_item(member(), self.uuid, f"d{index}")

        def set_item(index: int) -> None:
            self.api.set_metadata_item(member(), self.uuid, f"n{index}", "v")

        with ThreadPoolExecutor(self.THREADS) as pool:
            list(pool.map(delete, range(20)))
            list(pool.map(set_item, range(20)))
        held = self.api.get_metadata(member(), self.uuid)
        self.assertEqual({*(f"d{i}" for i in range(20, 40)), *(f"n{i}" for i in range(20))},
                         set(held))
        # deleting an item twice at once: one wins, the other finds nothing to delete
        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(self._delete_outcome, ["d20", "d20"]))
        self.assertEqual(["deleted", "not found"], sorted(outcomes))

    def _delete_outcome(self, key: str) -> str:
        try:
            self.api.delete_metadata_item(member(), self.uuid, key)
        except exc.MetadataItemNotFound:
            return "not found"
        return "deleted"


class DeleteDuringRescheduleTest(AtomicTestCase):
    """The first cell fails every build, so each build is rescheduled to the second cell;
    a delete lands at some point of that move and must win every time."""

    TRIES = 100

    def test_deletes_during_cross_cell_reschedule_are_never_lost(self) -> None:
        self.start(topology({"cell1": [("bad1", "broken")], "cell2": [("good1", "small")]},
                            {"broken": {**BROKEN, "spawn_latency_ms": 1},
                             "small": {"vcpus": 64, "memory_mb": 65536, "disk_gb": 1000}}))
        store = self.deployment.api_store.instances
        ids = []
        started = time.monotonic()
        for attempt in range(self.TRIES):
            uuid = boot(self.api, member(), name=f"d{attempt}")["uuid"]
            if attempt % 2:  # half the time wait until the first cell is spawning it
                wait_for(lambda u=uuid: (store.get(u) or {}).get("task_state") != "scheduling"
                         or None, what="the first cell to start the build")
            self.api.delete_server(member(), uuid)
            ids.append(uuid)

        try:  # a lost delete shows as a server that never goes away
            wait_for(lambda: all(store.get(uuid)["deleted"] for uuid in ids), timeout=20,
                     what="every delete to finish")
        except AssertionError:
            pass
        lost = [uuid for uuid in ids if not store.get(uuid)["deleted"]]
        states = sorted({(store.get(u)["vm_state"], store.get(u)["task_state"]) for u in lost})
        print(f"\n{self.TRIES} deletes during reschedule: {len(lost)} lost {states} "
              f"({time.monotonic() - started:.1f} s)")
        self.assertEqual([], lost)
        wait_for(lambda: self.usage() == 0, what="every host's usage to fall to 0")


class NoValidHostTest(AtomicTestCase):
    """A build no host can take ends in ERROR with Nova's fault, within MAX_ATTEMPTS tries."""

    def _forced_boot(self, host: str, flavor: str) -> dict:
        started = time.monotonic()
        record, _ = self.api.create_server(admin(), name="forced", image_ref=CIRROS_ID,
                                           flavor_ref=flavor, networks="none",
                                           availability_zone=f"nova:{host}")
        server = wait_for_status(self.api, admin(), record["uuid"], "ACTIVE", "ERROR")
        print(f"\nforced boot on {host}: {server['status']} after "
              f"{time.monotonic() - started:.3f} s")
        return server

    def test_forced_host_too_small_ends_in_error(self) -> None:
        self.start(topology({"cell1": [("a1", "tiny")], "cell2": [("b1", "roomy")]},
                            {"tiny": {"vcpus": 1, "memory_mb": 512, "disk_gb": 10},
                             "roomy": ROOMY}))
        big = self.api.create_flavor(admin(), name="big", ram=1024, vcpus=2, disk=1)
        server = self._forced_boot("a1", big["id"])
        self.assertEqual("ERROR", server["status"])
        self.assertIn("No valid host was found", server["fault"]["message"])
        self.assertEqual(("cell1", None), (server["cell_name"], server["host"]))
        self.assertEqual(0, self.usage())

    def test_forced_host_that_fails_every_spawn_ends_in_error(self) -> None:
        self.start(topology({"cell1": [("a1", "broken")], "cell2": [("b1", "roomy")]},
                            {"broken": BROKEN, "roomy": ROOMY}))
        server = self._forced_boot("a1", "1")
        self.assertEqual("ERROR", server["status"])
        self.assertIn("No valid host was found", server["fault"]["message"])
        self.assertLessEqual(len(self.events(server["uuid"])), MAX_ATTEMPTS)

    def test_every_host_failing_stops_after_max_attempts(self) -> None:
        self.start(topology({"cell1": [("a1", "broken"), ("a2", "broken")],
                             "cell2": [("b1", "broken"), ("b2", "broken")],
                             "cell3": [("c1", "broken")]}, {"broken": BROKEN}))
        uuid = boot(self.api, member())["uuid"]
        server = wait_for_status(self.api, member(), uuid, "ERROR")
        self.assertIn("No valid host was found", server["fault"]["message"])
        self.assertIn("fails every spawn", server["fault"]["message"])
        self.assertIn("Exceeded maximum number of retries", server["fault"]["message"])
        # cell1's two hosts and one of cell2's make MAX_ATTEMPTS: cell3 is never tried
        self.assertEqual(3, MAX_ATTEMPTS)
        self.assertEqual("cell2", server["cell_name"])
        failed_on = sorted(e["host"] for e in self.events(uuid)
                           if e["event"] == "compute__do_build_and_run_instance")
        self.assertEqual(["a2", "b1"], failed_on)  # one event per cell, naming its last host
        self.assertEqual(0, self.usage())


class DeleteAcrossRestartTest(AtomicTestCase):

    def test_delete_of_a_build_lost_in_a_crash_wins_on_restart(self) -> None:
        state = self.useFixture(fixtures.TempDir()).path
        with CellsDeployment("multi-cell", state) as first:
            first.transport.stop()  # the cells die: neither the build nor the delete arrives
            uuid = boot(first.compute_api, member())["uuid"]
            first.compute_api.delete_server(member(), uuid)
        cloud = self.useFixture(DeploymentFixture("multi-cell", state))
        wait_for_deleted(cloud.api, member(), uuid)
        self.deployment = cloud.deployment
        wait_for(lambda: self.usage() == 0, what="nothing left on any host")
