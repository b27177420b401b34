"""The cells cloud over a transport that delivers every message twice and out of order:
nothing happens twice (no second build, event or claim) and nothing is lost."""

from __future__ import annotations

import collections
import logging

import fixtures
import testtools

from cellgate.cloud.cells.deployment import CellsDeployment
from cellgate.tests.unit.cloud_core.chaos import ChaosTransport
from cellgate.tests.unit.cloud_core.helpers import (
    admin,
    boot,
    member,
    wait_for,
    wait_for_deleted,
    wait_for_status,
)

EXPECTED_EVENTS = {"create": "compute__do_build_and_run_instance",
                   "stop": "compute_stop_instance", "start": "compute_start_instance",
                   "reboot": "compute_reboot_instance"}


class RedeliveryTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.transport = ChaosTransport()
        state = self.useFixture(fixtures.TempDir()).path
        self.deployment = CellsDeployment("multi-cell", state, transport=self.transport)
        self.addCleanup(self.deployment.stop)
        self.deployment.start()
        self.api = self.deployment.compute_api

    def test_nothing_twice_nothing_lost(self) -> None:
        uuids = [boot(self.api, member(), name=f"vm{i}")["uuid"] for i in range(12)]
        for uuid in uuids:
            wait_for_status(self.api, member(), uuid, "ACTIVE")
        stopped, rebooted, deleted = uuids[0:4], uuids[4:6], uuids[6:10]
        for uuid in stopped:
            self.api.stop_server(member(), uuid)
        for uuid in rebooted:
            self.api.reboot_server(member(), uuid)
        for uuid in deleted:
            self.api.delete_server(member(), uuid)
        for uuid in stopped:
            wait_for_status(self.api, member(), uuid, "SHUTOFF")
        for uuid in stopped[:2]:
            self.api.start_server(member(), uuid)
        for uuid in deleted:
            wait_for_deleted(self.api, member(), uuid)
        expected = {u: "ACTIVE" for u in uuids if u not in deleted}
        expected.update({u: "SHUTOFF" for u in stopped[2:]})
        for uuid, status in expected.items():
            wait_for_status(self.api, member(), uuid, status)
        # the transport did redeliver and reorder, and the endpoints dropped the repeats
        self.assertGreater(self.transport.redelivered, 30)
        self.assertGreater(self.transport.held_back, 0)
        self.assertEqual(sorted(expected), sorted(s["uuid"] for s in
                                                  self.api.list_servers(member())))
        # every action has its one event, once
        for uuid in expected:
            for action in self.api.list_instance_actions(member(), uuid):
                detail = wait_for(lambda u=uuid, a=action: (d := self.api.get_instance_action(
                    member(), u, a["request_id"]))["events"] and d)
                names = collections.Counter(e["event"] for e in detail["events"])
                self.assertEqual({EXPECTED_EVENTS[action["action"]]: 1}, dict(names),
                                 (uuid, action["action"]))
        # each server is held by one cell, built once: one claim per live server
        held = collections.Counter()
        for name, cell in self.deployment.cells.items():
            for data in cell.store.list_instances():
                if not data.get("deleted"):
                    held[data["uuid"]] += 1
                    self.assertEqual(name, data["cell_name"])
        self.assertEqual({u: 1 for u in expected}, dict(held))
        # usage as the API reports it settles at exactly the live servers
        wait_for(lambda: sum(h["running_vms"] for h in self.api.list_hypervisors(admin()))
                 == len(expected), what="usage to settle at the live servers")
