"""The cell registry, cell health, the cell scheduler's filters and weights, call_all's
per-cell errors, the outage transport and Nova's down-cell answers."""

from __future__ import annotations

import time

import fixtures
import testtools
import yaml

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api.microversion import APIVersion
from cellgate.cloud.api.views import servers as views
from cellgate.cloud.api.views.common import links
from cellgate.cloud.cells.deployment import CellsDeployment
from cellgate.cloud.cells.health import DOWN, STALE, UP, HealthPolicy
from cellgate.cloud.cells.router import CellRouter
from cellgate.cloud.cells.scheduler import CellCandidate, CellScheduler, host_slots
from cellgate.cloud.compute import down_cells
from cellgate.cloud.context import RequestContext
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.db.cell_registry import CellExists, CellNotFound, cell_mappings
from cellgate.cloud.messaging import Endpoint, InMemoryTransport
from cellgate.cloud.messaging.outage import OutageTransport
from cellgate.cloud.topology import TopologyError, load_topology, parse_topology
from cellgate.tests.unit.cloud_core.helpers import (
    DeploymentFixture,
    admin,
    boot,
    member,
    wait_for_status,
)


def host(cell: str, name: str, vcpus: int = 10, used: int = 0) -> dict:
    return {"host": name, "cell_name": cell, "vcpus": vcpus, "vcpus_used": used,
            "memory_mb": 1 << 20, "memory_mb_used": 0, "local_gb": 1 << 20,
            "local_gb_used": 0}


FLAVOR = {"vcpus": 1, "ram": 1, "disk": 0}


class RegistryTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.store = ApiStore("sqlite://")
        self.addCleanup(self.store.dispose)
        self.registry = self.store.cells

    def test_seeded_once_from_the_topology(self) -> None:
        topology = load_topology("multi-cell")
        urls = {"cell1": "sqlite:///one", "cell2": "sqlite:///two"}
        self.assertTrue(self.registry.seed(topology.cells, urls))
        self.assertFalse(self.registry.seed(load_topology("single-cell").cells, urls))
        records = self.registry.list()
        self.assertEqual(["cell1", "cell2"], [r.name for r in records])
        self.assertEqual("sqlite:///two", records[1].database_connection)
        self.assertEqual("inmemory://cell2", records[1].transport_url)
        self.assertEqual(topology.cells[1], records[1].spec())  # hosts and profiles whole

    def test_create_update_delete(self) -> None:
        hosts = [{"name": "h1", "profile": load_topology("single-cell").cells[0]
                  .hosts[0].profile.to_dict()}]
        record = self.registry.create("cell9", hosts, database_connection="sqlite://")
        self.assertFalse(record.disabled)
        self.assertRaises(CellExists, self.registry.create, "cell9", hosts,
                          database_connection="sqlite://")
        for bad in ("api", "sync", "-x", "a" * 64, ""):
            self.assertRaises(exc.Invalid, self.registry.create, bad, hosts,
                              database_connection="sqlite://")
        self.assertRaises(exc.Invalid, self.registry.create, "empty", [],
                          database_connection="sqlite://")
        updated = self.registry.update("cell9", disabled=True, weight_offset=-2.5)
        self.assertEqual((True, -2.5), (updated.disabled, updated.weight_offset))
        self.assertRaises(CellNotFound, self.registry.update, "nope", disabled=True)
        self.registry.record_report("cell9", at=123.0)
        self.registry.record_report("cell9", at=100.0)  # a late, older report
        self.assertEqual(123.0, self.registry.get("cell9").last_report_at)
        self.registry.forget_report("cell9")
        self.assertIsNone(self.registry.get("cell9").last_report_at)
        self.registry.delete("cell9")
        self.assertRaises(CellNotFound, self.registry.get, "cell9")
        self.assertRaises(CellNotFound, self.registry.delete, "cell9")

    def test_request_specs(self) -> None:
        self.assertEqual((None, []), self.registry.request_spec("u1"))
        self.registry.save_request_spec("u1", target_cell="cell2", different_cells=["b", "a"])
        self.assertEqual(("cell2", ["a", "b"]), self.registry.request_spec("u1"))


class HealthTest(testtools.TestCase):

    def test_thresholds(self) -> None:
        policy = HealthPolicy.from_dict({"stale_after": 5, "down_after": 10})
        self.assertEqual(UP, policy.state(100.0, 104.9))
        self.assertEqual(STALE, policy.state(100.0, 105.0))
        self.assertEqual(DOWN, policy.state(100.0, 110.0))
        self.assertEqual(DOWN, policy.state(None, 0.0))
        self.assertEqual(10.0, HealthPolicy().reserve_percent)  # the team's default

    def test_topology_checks_the_thresholds(self) -> None:
        document = {"name": "t", "profiles": {"p": {"vcpus": 1, "memory_mb": 1, "disk_gb": 1}},
                    "cells": [{"name": "c", "hosts": [{"name": "h", "profile": "p"}]}]}
        for health, fragment in (({"stale_after": 5, "down_after": 5}, "less than"),
                                 ({"reserve_percent": 11}, "<= 10"),
                                 ({"report_interval": 0}, "> 0"),
                                 ({"mute": 1}, "unknown key")):
            error = self.assertRaises(TopologyError, parse_topology,
                                      {**document, "cells_health": health}, "t.yaml")
            self.assertIn(fragment, str(error))


class CellSchedulerTest(testtools.TestCase):

    HOSTS = [host("c1", "a", vcpus=10), host("c2", "b", vcpus=20), host("c3", "c", vcpus=30)]

    def choose(self, cells, **kwargs):
        return CellScheduler().choose(self.HOSTS, cells, FLAVOR, **kwargs)

    def test_slots_weigh_and_filters_skip(self) -> None:
        cells = [CellCandidate("c1"), CellCandidate("c2"), CellCandidate("c3")]
        self.assertEqual(["c3", "c2", "c1"], self.choose(cells))
        cells[2] = CellCandidate("c3", disabled=True)
        self.assertEqual(["c2", "c1"], self.choose(cells))
        cells[1] = CellCandidate("c2", health=DOWN)
        self.assertEqual(["c1"], self.choose(cells))
        self.assertEqual([], self.choose(cells, exclude=["c1"]))

    def test_stale_is_last_and_offset_moves(self) -> None:
        cells = [CellCandidate("c1"), CellCandidate("c2"), CellCandidate("c3", health=STALE)]
        self.assertEqual(["c2", "c1", "c3"], self.choose(cells))
        cells[0] = CellCandidate("c1", weight_offset=1.0)
        self.assertEqual(["c1", "c2", "c3"], self.choose(cells))

    def test_no_slot_never_chosen_and_reserve(self) -> None:
        hosts = [host("c1", "a", vcpus=10, used=10), host("c2", "b", vcpus=10, used=9)]
        cells = [CellCandidate("c1"), CellCandidate("c2")]
        scheduler = CellScheduler()
        self.assertEqual(["c2"], scheduler.choose(hosts, cells, FLAVOR))
        # 10 % of 10 vcpus kept free: the ninth is the last one used
        self.assertEqual([], scheduler.choose(hosts, cells, FLAVOR,
                                              reserve_percent=10))
        self.assertEqual(1, host_slots(host("c", "x", vcpus=10, used=8), FLAVOR, 10))

    def test_target_and_different_cell(self) -> None:
        cells = [CellCandidate("c1"), CellCandidate("c2"), CellCandidate("c3")]
        self.assertEqual(["c1"], self.choose(cells, only="c1"))
        self.assertEqual([], self.choose(cells, only="nowhere"))
        self.assertEqual(["c2", "c1"], self.choose(cells, exclude=["c3"]))


class Answering:
    def msg_echo(self, payload: dict) -> str:
        return "pong"


class CallAllTest(testtools.TestCase):

    def test_silent_cell_is_an_error_and_the_others_answer(self) -> None:
        outage = OutageTransport(InMemoryTransport())
        for name in ("cell1", "cell2", "cell3"):
            Endpoint(name, outage, Answering())
        router = CellRouter(Endpoint("api", outage, Answering()), ["cell1", "cell2", "cell3"])
        outage.start()
        self.addCleanup(outage.stop)
        outage.set_offline("cell2", True)
        start = time.monotonic()
        results = router.call_all("echo", {}, timeout=0.3)
        # asked at once: one timeout, not one per silent cell in a row
        self.assertLess(time.monotonic() - start, 3.0)
        self.assertEqual({"cell1": "pong", "cell3": "pong"}, dict(results))
        self.assertEqual(["cell2"], list(results.errors))
        self.assertIsInstance(results.errors["cell2"], exc.MessageTimeout)
        outage.set_offline("cell2", False)
        results = router.call_all("echo", {}, timeout=5)
        self.assertEqual({}, results.errors)
        self.assertEqual(3, len(results))


class DownCellViewTest(testtools.TestCase):
    """Nova's answers for a down cell's server (nova/api/openstack/compute/views/servers.py
    ``_show_from_down_cell``; list_records_by_skipping_down_cells)."""

    RECORD = {"uuid": "u1", "name": "vm", "cell_name": "cell1", "project_id": "p",
              "user_id": "u", "image_ref": "img", "flavor": {"id": "1", "name": "m1.nano",
                                                             "vcpus": 1, "ram": 128,
                                                             "disk": 1, "extra_specs": {}},
              "requested_availability_zone": None, "task_state": None,
              "created_at": None}

    def ctx(self, version: str) -> RequestContext:
        return RequestContext(user_id="u", project_id="p", microversion=version)

    def test_listing_below_and_from_2_69(self) -> None:
        other = {**self.RECORD, "uuid": "u2", "cell_name": "cell2"}
        deleting = {**self.RECORD, "uuid": "u3", "task_state": "deleting"}
        records = [self.RECORD, other, deleting]
        self.assertEqual(["u2"], [r["uuid"] for r in
                                  down_cells.listed(records, {"cell1"}, self.ctx("2.68"))])
        marked = down_cells.listed(records, {"cell1"}, self.ctx("2.69"))
        self.assertEqual(["u1", "u2"], [r["uuid"] for r in marked])
        self.assertEqual("list", marked[0]["cell_down"])
        self.assertEqual({"id": "u1", "status": "UNKNOWN",
                          "links": links("http://x", "servers", "u1")},
                         views.brief(marked[0], "http://x"))
        view = views.ServerView.for_request("http://x", APIVersion.parse("2.69"), False)
        self.assertEqual({"id", "status", "tenant_id", "created", "links"},
                         set(view.show(marked[0])))

    def test_show_below_and_from_2_69(self) -> None:
        self.assertRaises(down_cells.CellDown, down_cells.shown, self.RECORD, {"cell1"},
                          self.ctx("2.61"))
        self.assertRaises(exc.InstanceNotFound, down_cells.shown,
                          {**self.RECORD, "task_state": "deleting"}, {"cell1"}, self.ctx("2.69"))
        shown = down_cells.shown(self.RECORD, {"cell1"}, self.ctx("2.69"))
        body = views.ServerView.for_request("http://x", APIVersion.parse("2.69"), False).show(shown)
        self.assertEqual("UNKNOWN", body["status"])
        self.assertEqual("UNKNOWN", body["OS-EXT-AZ:availability_zone"])
        self.assertEqual((0, "u", "p"), (body["OS-EXT-STS:power_state"], body["user_id"],
                                         body["tenant_id"]))
        self.assertEqual("m1.nano", body["flavor"]["original_name"])
        self.assertEqual("img", body["image"]["id"])
        self.assertIs(self.RECORD, down_cells.shown(self.RECORD, {"cell2"}, self.ctx("2.61")))


class DeploymentHealthTest(testtools.TestCase):
    """A deployment's cells report periodically; one taken offline goes down, its services
    too, builds avoid it, heal and sync go on, and it all recovers."""

    def test_offline_and_back(self) -> None:
        with open(load_topology("multi-cell").source, encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
        document["cells_health"] = {"report_interval": 0.1, "stale_after": 1.0,
                                    "down_after": 2.0}
        path = self.useFixture(fixtures.TempDir()).join("fast.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            yaml.safe_dump(document, handle)
        cloud = self.useFixture(DeploymentFixture(path))
        deployment = cloud.deployment
        before = deployment.api_store.cells.get("cell1").last_report_at
        _wait(lambda: deployment.api_store.cells.get("cell1").last_report_at > before)
        deployment.set_cell_online("cell1", False)
        _wait(lambda: deployment.api_cell.cell_states()["cell1"] == DOWN)
        self.assertEqual({"cell1"}, deployment.api_cell.down_cells())
        states = {s["host"]: s["state"] for s in cloud.api.list_services(admin())}
        self.assertEqual(("down", "up"), (states["cell1-compute1"], states["cell2-compute1"]))
        hypervisors = {h["host"]: h["state"] for h in cloud.api.list_hypervisors(admin())}
        self.assertEqual("down", hypervisors["cell1-compute2"])
        start = time.monotonic()
        self.assertEqual(0, deployment.api_cell.heal(timeout=5))  # skips the down cell
        self.assertLess(time.monotonic() - start, 4)
        deployment.set_cell_online("cell1", True)
        _wait(lambda: deployment.api_cell.cell_states()["cell1"] == UP)
        states = {s["host"]: s["state"] for s in cloud.api.list_services(admin())}
        self.assertEqual("up", states["cell1-compute1"])


class NoCellMayBuildTest(testtools.TestCase):
    """Every cell disabled: the build ends ERROR at the top, in no cell (Nova's cell0)."""

    def test_buried_at_the_top_then_deleted(self) -> None:
        cloud = self.useFixture(DeploymentFixture("multi-cell"))
        for name in ("cell1", "cell2"):
            cloud.deployment.api_store.cells.update(name, disabled=True)
        uuid = boot(cloud.api, member())["uuid"]
        server = wait_for_status(cloud.api, member(), uuid, "ERROR")
        self.assertIsNone(server["cell_name"])
        self.assertTrue(server["fault"]["message"].startswith("No valid host was found"))
        (action,) = cloud.api.list_instance_actions(member(), uuid)
        events = cloud.api.get_instance_action(member(), uuid, action["request_id"])["events"]
        self.assertEqual(["conductor_schedule_and_build_instances"],
                         [e["event"] for e in events])
        cloud.api.reboot_server(member(), uuid, "HARD")
        self.assertIsNone(cloud.api.get_server(member(), uuid)["task_state"])
        cloud.api.delete_server(member(), uuid)
        self.assertRaises(exc.InstanceNotFound, cloud.api.get_server, member(), uuid)


class UnreachableCellTest(testtools.TestCase):
    """A registered cell whose database does not open: the deployment starts down that
    cell and goes on with the others."""

    def test_start_goes_on_without_it(self) -> None:
        state = self.useFixture(fixtures.TempDir()).path
        with CellsDeployment("multi-cell", state) as first:
            uuid = boot(first.compute_api, member())["uuid"]
            cell = wait_for_status(first.compute_api, member(), uuid, "ACTIVE")["cell_name"]
        store = ApiStore(f"sqlite:///{state}/api.sqlite")
        with store.db.write() as conn:
            conn.execute(cell_mappings.update().where(cell_mappings.c.name == cell).values(
                database_connection="sqlite:////nonexistent-dir/cell.sqlite"))
        store.dispose()
        start = time.monotonic()
        cloud = self.useFixture(DeploymentFixture("multi-cell", state))
        self.assertLess(time.monotonic() - start, 20)  # no 30 s wait for the dead cell
        self.assertEqual({cell}, set(cloud.deployment.unreachable))
        self.assertEqual({cell}, cloud.deployment.api_cell.down_cells())
        self.assertEqual([], cloud.api.list_servers(member()))  # below 2.69: skipped
        other = boot(cloud.api, member())["uuid"]
        self.assertNotEqual(cell, wait_for_status(cloud.api, member(), other,
                                                  "ACTIVE")["cell_name"])


def _wait(check, timeout: float = 10.0) -> None:
    deadline, delay = time.monotonic() + timeout, 0.002
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
