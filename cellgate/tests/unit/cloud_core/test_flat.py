"""nocells is a flat deployment (one database, local delivery, no transport), unlike the cells
topologies; the three gate jobs run three different deployments."""

from __future__ import annotations

import logging
import os
import sqlite3
from unittest import mock

import fixtures
import testtools

from cellgate.cloud.cells.deployment import CellsDeployment
from cellgate.cloud.messaging.memory import InMemoryTransport
from cellgate.cloud.messaging.message import Message
from cellgate.cloud.topology import TopologyError, load_topology
from cellgate.harness import jobs
from cellgate.tests.unit.cloud_core.helpers import (
    DeploymentFixture,
    boot,
    member,
    sqlite_tables,
    start_topology,
    wait_for_deleted,
    wait_for_status,
)


class FlatDeploymentTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.state = self.useFixture(fixtures.TempDir()).path

    def test_one_database_file_holds_api_and_cell_tables(self) -> None:
        cloud = self.useFixture(DeploymentFixture("nocells", self.state))
        uuid = boot(cloud.api, member())["uuid"]
        wait_for_status(cloud.api, member(), uuid, "ACTIVE")
        files = sorted(f for f in os.listdir(self.state) if f.endswith(".sqlite"))
        self.assertEqual(["cloud.sqlite"], files)
        tables = sqlite_tables(os.path.join(self.state, "cloud.sqlite"))
        # API tables and the cell's tables side by side
        self.assertTrue({"flavors", "key_pairs", "quotas", "instance_actions", "instances",
                         "compute_nodes", "allocations", "services"} <= tables, tables)
        # one copy of each instance: the cell's row is the read model's row
        deployment = cloud.deployment
        cell = deployment.cells["cell1"]
        self.assertEqual(deployment.api_store.instances.get(uuid),
                         cell.store.get_instance(uuid))
        with sqlite3.connect(os.path.join(self.state, "cloud.sqlite")) as conn:
            self.assertEqual(1, conn.execute("SELECT count(*) FROM instances").fetchone()[0])

    def test_no_transport_and_no_message_in_a_whole_lifecycle(self) -> None:
        with mock.patch.object(Message, "__post_init__",
                               side_effect=AssertionError("a Message was built")), \
                mock.patch.object(InMemoryTransport, "send",
                                  side_effect=AssertionError("the transport was used")):
            cloud = self.useFixture(DeploymentFixture("nocells", self.state))
            self.assertIsNone(cloud.deployment.transport)
            self.assertTrue(cloud.deployment.flat)
            ctx = member()
            uuid = boot(cloud.api, ctx, name="web")["uuid"]
            wait_for_status(cloud.api, ctx, uuid, "ACTIVE")
            cloud.api.stop_server(member(), uuid)
            wait_for_status(cloud.api, ctx, uuid, "SHUTOFF")
            cloud.api.update_metadata(member(), uuid, {"k": "v"}, replace=False)
            cloud.api.start_server(member(), uuid)
            server = wait_for_status(cloud.api, ctx, uuid, "ACTIVE")
            self.assertEqual({"k": "v"}, server["metadata"])
            actions = [a["action"] for a in cloud.api.list_instance_actions(ctx, uuid)]
            self.assertEqual(["start", "stop", "create"], actions)
            cloud.api.delete_server(member(), uuid)
            wait_for_deleted(cloud.api, ctx, uuid)
        self.assertGreater(cloud.deployment.delivery.delivered, 0)

    def test_cells_topology_goes_through_the_transport_and_separate_databases(self) -> None:
        sent = []
        real_send = InMemoryTransport.send

        def counting(transport, message):
            sent.append(message.method)
            sent.extend(m["method"] for m in message.payload.get("messages", ()))
            return real_send(transport, message)
        with mock.patch.object(InMemoryTransport, "send", counting):
            cloud = self.useFixture(DeploymentFixture("single-cell", self.state))
            uuid = boot(cloud.api, member())["uuid"]
            wait_for_status(cloud.api, member(), uuid, "ACTIVE")
        self.assertFalse(cloud.deployment.flat)
        self.assertIn("build_instance", sent)
        self.assertIn("instance_sync", sent)
        files = sorted(f for f in os.listdir(self.state) if f.endswith(".sqlite"))
        self.assertEqual(["api.sqlite", "cell-cell1.sqlite"], files)

    def test_failed_build_in_the_only_cell_ends_in_error_not_gone(self) -> None:
        document = {"name": "flat-failing", "cells_enabled": False,
                    "profiles": {"bad": {"vcpus": 8, "memory_mb": 8192, "disk_gb": 80,
                                         "faults": {"fail_all_spawns": True}}},
                    "cells": [{"name": "cell1", "hosts": [{"name": "h1", "profile": "bad"}]}]}
        cloud = start_topology(self, document)
        uuid = boot(cloud.api, member())["uuid"]
        server = wait_for_status(cloud.api, member(), uuid, "ERROR")
        self.assertIn("No valid host", server["fault"]["message"])

    def test_a_state_dir_holds_one_kind_of_deployment(self) -> None:
        self.useFixture(DeploymentFixture("nocells", self.state)).deployment.stop()
        error = self.assertRaises(TopologyError, CellsDeployment, "single-cell", self.state)
        self.assertIn("cellgate convert", str(error))


class GateJobsDifferTest(testtools.TestCase):
    """nocells = flat, cells-single = API cell + one child cell, cells-multi = many cells."""

    def test_each_job_runs_its_own_kind_of_deployment(self) -> None:
        topologies = {name: load_topology(jobs.load_job(jobs.find_job(name)).topology)
                      for name in ("nocells", "cells-single", "cells-multi")}
        self.assertFalse(topologies["nocells"].cells_enabled)
        self.assertTrue(topologies["cells-single"].cells_enabled)
        self.assertEqual(1, len(topologies["cells-single"].cells))
        self.assertTrue(topologies["cells-multi"].cells_enabled)
        self.assertGreater(len(topologies["cells-multi"].cells), 1)
        state = self.useFixture(fixtures.TempDir()).path
        flat = CellsDeployment(topologies["nocells"], os.path.join(state, "a"))
        cells = CellsDeployment(topologies["cells-single"], os.path.join(state, "b"))
        self.addCleanup(flat.stop)
        self.addCleanup(cells.stop)
        self.assertEqual((True, None), (flat.flat, flat.transport))
        self.assertEqual(False, cells.flat)
        self.assertIsNotNone(cells.transport)
