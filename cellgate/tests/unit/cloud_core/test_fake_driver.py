"""FakeDriver: accounting, latency, fault plan and extra_specs, against a real cell DB."""

from __future__ import annotations

import testtools

from cellgate.cloud.db.cell_store import CellStore
from cellgate.cloud.topology import FaultPlan, HostProfile
from cellgate.fakes.driver import POWER_RUNNING, POWER_SHUTDOWN, FakeDriver, SpawnFailed

FLAVOR = {"name": "f", "vcpus": 2, "ram": 1024, "disk": 10, "ephemeral": 0, "extra_specs": {}}


class FakeDriverTest(testtools.TestCase):

    def driver(self, **profile) -> FakeDriver:
        values = {"name": "p", "vcpus": 4, "memory_mb": 4096, "disk_gb": 100, **profile}
        store = CellStore("cell1", "sqlite://")
        self.addCleanup(store.db.dispose)
        store.ensure_hosts([("h1", values["vcpus"], values["memory_mb"], values["disk_gb"],
                             "nova")])
        self.sleeps: list[float] = []
        return FakeDriver("h1", HostProfile(**values), store, sleep=self.sleeps.append)

    def used(self, driver: FakeDriver) -> tuple:
        node = driver.store.node("h1")
        return node["vcpus_used"], node["memory_mb_used"], node["local_gb_used"], \
            node["running_vms"]

    def test_usage_rises_and_falls(self) -> None:
        driver = self.driver()
        self.assertEqual(POWER_RUNNING, driver.spawn("i1", "vm1", FLAVOR))
        driver.spawn("i2", "vm2", FLAVOR)
        self.assertEqual((4, 2048, 20, 2), self.used(driver))
        self.assertFalse(driver.fits(FLAVOR))
        error = self.assertRaises(SpawnFailed, driver.spawn, "i3", "vm3", FLAVOR)
        self.assertTrue(error.reschedulable)
        self.assertEqual((4, 2048, 20, 2), self.used(driver))
        driver.destroy("i1")
        driver.destroy("i1")  # safe to repeat
        self.assertEqual((2, 1024, 10, 1), self.used(driver))
        self.assertTrue(driver.fits(FLAVOR))

    def test_spawn_latency(self) -> None:
        driver = self.driver(spawn_latency_ms=250)
        driver.spawn("i1", "vm", FLAVOR)
        self.assertEqual([0.25], self.sleeps)

    def test_fail_next_spawns(self) -> None:
        driver = self.driver(faults=FaultPlan(fail_next_spawns=2))
        for uuid in ("i1", "i2"):
            error = self.assertRaises(SpawnFailed, driver.spawn, uuid, "vm", FLAVOR)
            self.assertIn("fail_next_spawns", error.reason)
        self.assertEqual((0, 0, 0, 0), self.used(driver))  # failed claims are given back
        driver.spawn("i3", "vm", FLAVOR)

    def test_fail_instances_by_name_or_uuid(self) -> None:
        driver = self.driver(faults=FaultPlan(fail_instances=("bad-name", "bad-uuid")))
        self.assertRaises(SpawnFailed, driver.spawn, "x", "bad-name", FLAVOR)
        self.assertRaises(SpawnFailed, driver.spawn, "bad-uuid", "ok", FLAVOR)
        driver.spawn("y", "ok", FLAVOR)

    def test_fail_all_spawns(self) -> None:
        driver = self.driver(faults=FaultPlan(fail_all_spawns=True))
        for uuid in ("a", "b", "c"):
            self.assertRaises(SpawnFailed, driver.spawn, uuid, "vm", FLAVOR)

    def with_specs(self, **specs) -> dict:
        return {**FLAVOR, "extra_specs": specs}

    def test_extra_specs_understood(self) -> None:
        driver = self.driver(dedicated_cpus=True)
        driver.check_extra_specs(self.with_specs(**{
            "hw:cpu_policy": "dedicated", "hw:mem_page_size": "2MB", "hw:numa_nodes": "2",
            "hw:numa_cpus.0": "0,1", "quota:disk_read_bytes_sec": "10240",
            "aggregate_instance_extra_specs:ssd": "true", "custom": "anything"}))

    def test_extra_specs_refused(self) -> None:
        driver = self.driver()
        cases = [({"hw:cpu_policy": "bogus"}, False, "hw:cpu_policy=bogus"),
                 ({"hw:numa_nodes": "zero"}, False, "hw:numa_nodes"),
                 ({"hw:frobnicate": "1"}, False, "Unknown flavor extra spec hw:frobnicate"),
                 ({"hw:cpu_policy": "dedicated"}, True, "no dedicated CPUs")]
        for specs, reschedulable, fragment in cases:
            error = self.assertRaises(SpawnFailed, driver.spawn, "i", "vm",
                                      self.with_specs(**specs))
            self.assertEqual(reschedulable, error.reschedulable, specs)
            self.assertIn(fragment, error.reason)
        self.assertEqual((0, 0, 0, 0), self.used(driver))

    def test_power_ops(self) -> None:
        driver = self.driver()
        driver.spawn("i1", "vm", FLAVOR)
        self.assertEqual(POWER_SHUTDOWN, driver.power_off("i1"))
        self.assertEqual(POWER_RUNNING, driver.power_on("i1"))
        self.assertEqual(POWER_RUNNING, driver.reboot("i1", "HARD"))
