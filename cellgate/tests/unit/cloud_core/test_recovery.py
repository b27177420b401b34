"""Work cut short and odd orders: deletes during builds, lost action messages, db URLs."""

from __future__ import annotations

import logging
import os

import fixtures
import testtools
import yaml

from cellgate.cloud.cells.deployment import CellsDeployment
from cellgate.cloud.topology import TopologyError
from cellgate.tests.unit.cloud_core.helpers import (
    DeploymentFixture,
    boot,
    member,
    wait_for,
    wait_for_deleted,
    wait_for_status,
)

SLOW = {"name": "slow", "profiles": {"p": {"vcpus": 8, "memory_mb": 8192, "disk_gb": 100,
                                           "spawn_latency_ms": 60}},
        "cells": [{"name": "cell1", "hosts": [{"name": "h1", "profile": "p"}]}]}


class RecoveryTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.state = self.useFixture(fixtures.TempDir()).path

    def slow_topology(self) -> str:
        path = os.path.join(self.state, "slow.yaml")
        with open(path, "w") as handle:
            yaml.safe_dump(SLOW, handle)
        return path

    def test_delete_during_build_leaves_nothing_behind(self) -> None:
        cloud = self.useFixture(DeploymentFixture(self.slow_topology()))
        uuid = boot(cloud.api, member())["uuid"]
        wait_for(lambda: cloud.api.get_server(member(), uuid)["task_state"] == "spawning")
        cloud.api.delete_server(member(), uuid)
        wait_for_deleted(cloud.api, member(), uuid)
        store = cloud.deployment.cells["cell1"].store
        wait_for(lambda: store.node("h1")["running_vms"] == 0)
        self.assertTrue(store.get_instance(uuid)["deleted"])

    def test_lost_stop_message_is_resent_on_restart(self) -> None:
        with CellsDeployment("single-cell", self.state) as first:
            uuid = boot(first.compute_api, member())["uuid"]
            wait_for_status(first.compute_api, member(), uuid, "ACTIVE")
            first.transport.stop()  # the cells die: the stop below is never delivered
            first.compute_api.stop_server(member(), uuid)
        cloud = self.useFixture(DeploymentFixture("single-cell", self.state))
        server = wait_for_status(cloud.api, member(), uuid, "SHUTOFF")
        self.assertEqual(4, server["power_state"])
        stop = cloud.api.list_instance_actions(member(), uuid)[0]
        self.assertEqual("stop", stop["action"])
        events = wait_for(lambda: cloud.api.get_instance_action(
            member(), uuid, stop["request_id"])["events"])
        self.assertEqual(["compute_stop_instance"], [e["event"] for e in events])

    def test_on_demand_sync_of_one_instance(self) -> None:
        cloud = self.useFixture(DeploymentFixture("single-cell", self.state))
        uuid = boot(cloud.api, member())["uuid"]
        wait_for_status(cloud.api, member(), uuid, "ACTIVE")
        model = cloud.deployment.api_store.instances
        wrong = model.get(uuid)
        wrong["power_state"] = 7
        model.put(wrong)
        self.assertTrue(cloud.deployment.api_cell.heal_instance(uuid))
        self.assertEqual(1, cloud.api.get_server(member(), uuid)["power_state"])
        self.assertFalse(cloud.deployment.api_cell.heal_instance(uuid))  # nothing left to fix


class HealTaskTest(testtools.TestCase):

    def test_periodic_heal_repairs_the_read_model(self) -> None:
        state = self.useFixture(fixtures.TempDir()).path
        deployment = CellsDeployment("single-cell", state, heal_interval=0.02)
        self.addCleanup(deployment.stop)
        deployment.start()
        uuid = boot(deployment.compute_api, member())["uuid"]
        wait_for_status(deployment.compute_api, member(), uuid, "ACTIVE")
        model = deployment.api_store.instances
        wrong = model.get(uuid)
        wrong["vm_state"] = "error"
        model.put(wrong)
        wait_for(lambda: model.get(uuid)["vm_state"] == "active", what="the heal task")


class DatabaseUrlTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.state = self.useFixture(fixtures.TempDir()).path
        self.other = self.useFixture(fixtures.TempDir()).path

    def test_urls_override_per_cell(self) -> None:
        urls = {"api": f"sqlite:///{self.other}/top.sqlite",
                "cell2": f"sqlite:///{self.other}/second.sqlite"}
        deployment = CellsDeployment("multi-cell", self.state, urls)
        self.addCleanup(deployment.stop)
        deployment.start()
        uuid = boot(deployment.compute_api, member())["uuid"]
        wait_for_status(deployment.compute_api, member(), uuid, "ACTIVE")
        self.assertEqual(["cell-cell1.sqlite"],
                         sorted(f for f in os.listdir(self.state) if f.endswith(".sqlite")))
        self.assertEqual(["second.sqlite", "top.sqlite"],
                         sorted(f for f in os.listdir(self.other) if f.endswith(".sqlite")))

    def test_cell_equals_url_strings(self) -> None:
        deployment = CellsDeployment("single-cell", self.state,
                                     [f"cell1=sqlite:///{self.other}/c1.sqlite"])
        self.addCleanup(deployment.stop)
        self.assertTrue(os.path.exists(os.path.join(self.other, "c1.sqlite")))

    def test_unknown_cell_is_an_error(self) -> None:
        error = self.assertRaises(TopologyError, CellsDeployment, "single-cell", self.state,
                                  {"cell7": "sqlite://"})
        self.assertIn("cell7", str(error))
        self.assertIn("fix:", str(error))
        self.assertRaises(TopologyError, CellsDeployment, "single-cell", self.state,
                          ["no-equals-sign"])
