"""Cross-cell resize and cold migration: what moves, who owns it, revert, failure, deletes,
the ownership fence of the read model and recovery after a crash."""

from __future__ import annotations

import logging
import os

import fixtures
import testtools
import yaml

from cellgate.cloud import exceptions as exc
from cellgate.cloud.compute.migrations import cross_cell_allowed
from cellgate.cloud.db.read_model import owner_fenced_out
from cellgate.cloud.topology import TopologyError, load_topology, parse_topology
from cellgate.tests.unit.cloud_core.helpers import (
    DeploymentFixture,
    admin,
    boot,
    member,
    topology,
    wait_for,
    wait_for_deleted,
    wait_for_status,
)

SMALL = {"vcpus": 4, "memory_mb": 8192, "disk_gb": 100}
LARGE = {"vcpus": 16, "memory_mb": 32768, "disk_gb": 400}


def two_cells(policy: str = "rule:admin_api", large_faults: dict | None = None) -> dict:
    """cell1: two small hosts; cell2: one large host (optionally with a fault plan)."""
    document = topology({"cell1": [("c1-h1", "small"), ("c1-h2", "small")],
                         "cell2": [("c2-h1", "large")]},
                        {"small": SMALL, "large": {**LARGE, **(
                            {"faults": large_faults} if large_faults else {})}})
    document["cross_cell_resize_policy"] = policy
    return document


class CrossCellTestBase(testtools.TestCase):
    """A two-cell deployment on a state directory of its own (restartable)."""

    policy = "rule:admin_api"
    large_faults: dict | None = None

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.state = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.state, "topology.yaml")
        with open(self.path, "w", encoding="utf-8") as handle:
            yaml.safe_dump(two_cells(self.policy, self.large_faults), handle)
        self.start()

    def start(self) -> None:
        self.cloud = self.useFixture(DeploymentFixture(self.path, self.state))
        self.api = self.cloud.api
        self.deployment = self.cloud.deployment

    def cell_copy(self, cell: str, uuid: str) -> dict | None:
        return self.deployment.cells[cell].store.get_instance(uuid)

    def used_vcpus(self, host: str) -> int:
        cell = "cell2" if host.startswith("c2") else "cell1"
        return self.deployment.cells[cell].store.node(host)["vcpus_used"]

    def flavor(self, vcpus: int, specs: dict | None = None) -> str:
        flavor = self.api.create_flavor(admin(), name=f"cc-{vcpus}-{len(specs or {})}",
                                        ram=256, vcpus=vcpus, disk=1)
        self.api.update_extra_specs(admin(), flavor["id"], specs or {"cc:size": str(vcpus)})
        return flavor["id"]

    def server_in_cell1(self, **kwargs) -> dict:
        """A server forced (by an admin) onto c1-h1, with a key, metadata and tags."""
        self.api.create_keypair(admin(), "k1")
        uuid = boot(self.api, admin(), name="mover", flavor=kwargs.get("flavor", "1"),
                    availability_zone="nova:c1-h1", metadata={"k": "v"}, key_name="k1",
                    tags=["t1", "t2"])["uuid"]
        return wait_for_status(self.api, admin(), uuid, "ACTIVE")

    def events(self, uuid: str, action: str) -> dict[str, str]:
        (request_id,) = [a["request_id"] for a in self.api.list_instance_actions(admin(), uuid)
                         if a["action"] == action]
        detail = self.api.get_instance_action(admin(), uuid, request_id)
        return {e["event"]: e["result"] for e in detail["events"]}

    def migration(self, uuid: str) -> dict:
        return self.api.list_migrations(admin(), instance_uuid=uuid)[0]


class CrossCellMoveTest(CrossCellTestBase):

    def test_migrate_to_a_host_of_the_other_cell_then_confirm(self) -> None:
        server = self.server_in_cell1()
        uuid = server["uuid"]
        self.api.migrate_server(admin(), uuid, "c2-h1")
        moved = wait_for_status(self.api, admin(), uuid, "VERIFY_RESIZE")
        self.assertEqual(("cell2", "c2-h1"), (moved["cell_name"], moved["host"]))
        for key in ("uuid", "name", "metadata", "flavor", "tags", "security_groups",
                    "key_name", "addresses", "created_at"):
            self.assertEqual(server[key], moved[key], key)
        # both cells hold it until confirm; only the new one owns it
        self.assertEqual(1, self.cell_copy("cell2", uuid)["owner_gen"])
        self.assertEqual(0, self.cell_copy("cell1", uuid)["owner_gen"])
        self.assertEqual((1, 1), (self.used_vcpus("c1-h1"), self.used_vcpus("c2-h1")))
        migration = self.migration(uuid)
        self.assertEqual(("finished", "migration", "c1-h1", "c2-h1", "c2-h1"),
                         (migration["status"], migration["migration_type"],
                          migration["source_compute"], migration["dest_compute"],
                          migration["dest_node"]))
        self.assertEqual([uuid], [s["uuid"] for s in self.api.list_servers(admin())])
        self.api.confirm_resize(admin(), uuid)
        confirmed = wait_for_status(self.api, admin(), uuid, "ACTIVE")
        self.assertEqual(("cell2", "c2-h1"), (confirmed["cell_name"], confirmed["host"]))
        self.assertIsNone(self.cell_copy("cell1", uuid))
        self.assertEqual((0, 1), (self.used_vcpus("c1-h1"), self.used_vcpus("c2-h1")))
        self.assertEqual("confirmed", self.migration(uuid)["status"])
        self.assertEqual({"conductor_migrate_server": "Success", "cold_migrate": "Success",
                          "compute_prep_snapshot_based_resize_at_dest": "Success",
                          "compute_finish_snapshot_based_resize_at_dest": "Success",
                          "compute_prep_snapshot_based_resize_at_source": "Success"},
                         self.events(uuid, "migrate"))
        self.assertEqual({"compute_confirm_snapshot_based_resize_at_source": "Success",
                          "conductor_confirm_snapshot_based_resize": "Success"},
                         self.events(uuid, "confirmResize"))
        # the public key travelled with the object to the new host's guest
        instance = self.deployment.api_cell.load(uuid)
        self.assertEqual(instance.key_data,
                         self.deployment.cells["cell2"].drivers["c2-h1"].injected_key(uuid))

    def test_resize_no_host_of_the_cell_fits_then_revert(self) -> None:
        server = self.server_in_cell1()
        uuid = server["uuid"]
        big = self.flavor(8, {"cc:big": "yes"})
        self.api.resize_server(admin(), uuid, big)
        resized = wait_for_status(self.api, admin(), uuid, "VERIFY_RESIZE")
        self.assertEqual(("cell2", big, {"cc:big": "yes"}),
                         (resized["cell_name"], resized["flavor"]["id"],
                          resized["flavor"]["extra_specs"]))
        self.assertEqual("resize", self.migration(uuid)["migration_type"])
        self.api.update_metadata(admin(), uuid, {"during": "verify"}, replace=False)
        self.api.revert_resize(admin(), uuid)
        back = wait_for_status(self.api, admin(), uuid, "ACTIVE")
        self.assertEqual(("cell1", "c1-h1", "1"),
                         (back["cell_name"], back["host"], back["flavor"]["id"]))
        self.assertEqual({"k": "v", "during": "verify"}, back["metadata"])
        self.assertEqual(["t1", "t2"], back["tags"])
        self.assertEqual(1, back["power_state"])
        self.assertIsNone(self.cell_copy("cell2", uuid))
        self.assertEqual((1, 0), (self.used_vcpus("c1-h1"), self.used_vcpus("c2-h1")))
        self.assertEqual(2, self.cell_copy("cell1", uuid)["owner_gen"])
        self.assertEqual({"k": "v", "during": "verify"},
                         self.cell_copy("cell1", uuid)["metadata"])
        self.assertEqual("reverted", self.migration(uuid)["status"])
        self.assertEqual({"compute_revert_snapshot_based_resize_at_dest": "Success",
                          "compute_finish_revert_snapshot_based_resize_at_source": "Success",
                          "conductor_revert_snapshot_based_resize": "Success"},
                         self.events(uuid, "revertResize"))
        # and it can move again (a fresh generation)
        self.api.migrate_server(admin(), uuid, "c2-h1")
        again = wait_for_status(self.api, admin(), uuid, "VERIFY_RESIZE")
        self.assertEqual(3, self.cell_copy("cell2", again["uuid"])["owner_gen"])

    def test_stopped_server_moves_stopped(self) -> None:
        uuid = self.server_in_cell1()["uuid"]
        self.api.stop_server(admin(), uuid)
        wait_for_status(self.api, admin(), uuid, "SHUTOFF")
        self.api.migrate_server(admin(), uuid, "c2-h1")
        wait_for_status(self.api, admin(), uuid, "VERIFY_RESIZE")
        self.api.confirm_resize(admin(), uuid)
        done = wait_for_status(self.api, admin(), uuid, "SHUTOFF")
        self.assertEqual(("cell2", 4), (done["cell_name"], done["power_state"]))

    def test_a_same_cell_move_stays_in_the_cell(self) -> None:
        uuid = self.server_in_cell1()["uuid"]
        self.api.resize_server(admin(), uuid, self.flavor(2))
        resized = wait_for_status(self.api, admin(), uuid, "VERIFY_RESIZE")
        self.assertEqual(("cell1", "c1-h2"), (resized["cell_name"], resized["host"]))

    def test_delete_in_verify_resize_removes_both_copies(self) -> None:
        uuid = self.server_in_cell1()["uuid"]
        self.api.migrate_server(admin(), uuid, "c2-h1")
        wait_for_status(self.api, admin(), uuid, "VERIFY_RESIZE")
        self.api.delete_server(admin(), uuid)
        wait_for_deleted(self.api, admin(), uuid)
        wait_for(lambda: self.cell_copy("cell1", uuid) is None, what="source copy gone")
        wait_for(lambda: (self.used_vcpus("c1-h1"), self.used_vcpus("c2-h1")) == (0, 0),
                 what="both hosts freed")

    def test_delete_while_the_destination_builds_wins(self) -> None:
        dest = self.deployment.cells["cell2"]
        held: list[dict] = []
        dest.msg_cross_cell_prep_dest, prep = held.append, dest.msg_cross_cell_prep_dest
        uuid = self.server_in_cell1()["uuid"]
        self.api.migrate_server(admin(), uuid, "c2-h1")
        wait_for(lambda: held, what="the move to reach the destination")
        self.api.delete_server(admin(), uuid)
        wait_for_deleted(self.api, admin(), uuid)
        prep(held[0])  # the destination builds its copy after the delete won
        wait_for(lambda: self.cell_copy("cell2", uuid) is None, what="destination copy gone")
        wait_for(lambda: self.used_vcpus("c2-h1") == 0, what="destination freed")
        self.assertEqual("error", self.migration(uuid)["status"])


    def test_delete_overtaking_a_revert_is_not_lost(self) -> None:
        source = self.deployment.cells["cell1"]
        held: list[dict] = []
        revert = source.msg_cross_cell_revert_source
        uuid = self.server_in_cell1()["uuid"]
        self.api.migrate_server(admin(), uuid, "c2-h1")
        wait_for_status(self.api, admin(), uuid, "VERIFY_RESIZE")
        source.msg_cross_cell_revert_source = held.append
        self.api.revert_resize(admin(), uuid)
        wait_for(lambda: held, what="the revert to reach the source")
        self.api.delete_server(admin(), uuid)  # reaches the source before the revert does
        wait_for(lambda: self.cell_copy("cell1", uuid)["deleted"], what="source deleted")
        revert(held[0])
        wait_for_deleted(self.api, admin(), uuid)
        self.assertEqual((0, 0), (self.used_vcpus("c1-h1"), self.used_vcpus("c2-h1")))


class OwnershipFenceTest(CrossCellTestBase):

    def test_late_sync_up_from_the_old_cell_is_ignored(self) -> None:
        uuid = self.server_in_cell1()["uuid"]
        source = self.deployment.cells["cell1"]
        stale = source._load(uuid).obj_to_primitive()  # the old cell's copy, as it was
        self.api.migrate_server(admin(), uuid, "c2-h1")
        wait_for_status(self.api, admin(), uuid, "VERIFY_RESIZE")
        stale["cellgate_object.data"]["sync_seq"] = 10 ** 6  # whatever its sequence
        stale["cellgate_object.data"]["name"] = "stale"
        self.assertFalse(self.deployment.api_cell.msg_instance_sync({"instance": stale}))
        self.assertFalse(self.deployment.api_cell.msg_instance_sync(
            {"instance": stale, "heal": True}))
        record = self.api.get_server(admin(), uuid)
        self.assertEqual(("VERIFY_RESIZE", "cell2"), (record["status"], record["cell_name"]))
        self.api.confirm_resize(admin(), uuid)
        wait_for_status(self.api, admin(), uuid, "ACTIVE")
        self.assertFalse(self.deployment.api_cell.msg_instance_sync({"instance": stale}))
        self.assertEqual(0, self.deployment.api_cell.heal())
        self.assertEqual("cell2", self.api.get_server(admin(), uuid)["cell_name"])

    def test_fence_rule(self) -> None:
        top = {"owner_gen": 1, "cell_name": "cell2"}
        self.assertFalse(owner_fenced_out(top, {"owner_gen": 1, "cell_name": "cell2"}))
        self.assertTrue(owner_fenced_out(top, {"owner_gen": 0, "cell_name": "cell1"}))
        self.assertTrue(owner_fenced_out(top, {"owner_gen": 2, "cell_name": "cell2"}))
        self.assertTrue(owner_fenced_out(top, {"owner_gen": 1, "cell_name": "cell1"}))
        # never moved: as before (a rescheduled build changes cells at generation 0)
        self.assertFalse(owner_fenced_out({"cell_name": "cell1"}, {"cell_name": "cell2"}))


class CrossCellFailureTest(CrossCellTestBase):

    large_faults = {"fail_all_spawns": True}

    def test_failed_move_leaves_it_active_where_it_was(self) -> None:
        server = self.server_in_cell1()
        uuid = server["uuid"]
        self.api.migrate_server(admin(), uuid, "c2-h1")
        wait_for(lambda: self.migration(uuid)["status"] == "error", what="migration error")
        back = wait_for_status(self.api, admin(), uuid, "ACTIVE")
        self.assertEqual(("cell1", "c1-h1", server["flavor"]),
                         (back["cell_name"], back["host"], back["flavor"]))
        self.assertIsNone(self.cell_copy("cell2", uuid))
        self.assertEqual((1, 0), (self.used_vcpus("c1-h1"), self.used_vcpus("c2-h1")))
        self.assertEqual("Error", self.events(uuid, "migrate")["conductor_migrate_server"])


class NovaDefaultPolicyTest(CrossCellTestBase):

    policy = "!"

    def test_host_of_another_cell_is_not_found(self) -> None:
        uuid = self.server_in_cell1()["uuid"]
        error = self.assertRaises(exc.Invalid, self.api.migrate_server, admin(), uuid, "c2-h1")
        self.assertEqual("Compute host c2-h1 could not be found.", str(error.message))

    def test_own_host_is_refused(self) -> None:
        uuid = self.server_in_cell1()["uuid"]
        error = self.assertRaises(exc.Invalid, self.api.migrate_server, admin(), uuid, "c1-h1")
        self.assertEqual("Cannot migrate to the host where the server exists.",
                         str(error.message))

    def test_resize_with_no_host_in_the_cell_fails_in_place(self) -> None:
        uuid = self.server_in_cell1()["uuid"]
        self.api.resize_server(admin(), uuid, self.flavor(8))
        wait_for(lambda: self.migration(uuid)["status"] == "error", what="migration error")
        back = wait_for_status(self.api, admin(), uuid, "ACTIVE")
        self.assertEqual(("cell1", "c1-h1"), (back["cell_name"], back["host"]))


class AdminOnlyPolicyTest(CrossCellTestBase):

    def test_a_member_resize_stays_in_the_cell(self) -> None:
        uuid = boot(self.api, member(), name="m", flavor="1")["uuid"]
        server = wait_for_status(self.api, member(), uuid, "ACTIVE")
        self.assertEqual("cell2", server["cell_name"])  # the large cell has most room
        self.api.resize_server(member(), uuid, self.flavor(12))
        # one host in cell2, the server's: Nova's No valid host, never cell1
        wait_for(lambda: self.migration(uuid)["status"] == "error", what="migration error")
        self.assertEqual("cell2", wait_for_status(self.api, member(), uuid,
                                                  "ACTIVE")["cell_name"])


class CrossCellRecoveryTest(CrossCellTestBase):

    def restart(self) -> None:
        self.deployment.stop()
        self.start()

    def test_move_cut_short_before_hand_over_is_rolled_back(self) -> None:
        api_cell = self.deployment.api_cell
        api_cell.msg_cross_cell_dest_ready = lambda payload: None  # the crash: never handed
        uuid = self.server_in_cell1()["uuid"]
        self.api.migrate_server(admin(), uuid, "c2-h1")
        wait_for(lambda: self.cell_copy("cell2", uuid), what="the destination's copy")
        self.assertEqual("RESIZE", self.api.get_server(admin(), uuid)["status"])
        self.restart()
        back = wait_for_status(self.api, admin(), uuid, "ACTIVE")
        self.assertEqual(("cell1", "c1-h1"), (back["cell_name"], back["host"]))
        wait_for(lambda: self.cell_copy("cell2", uuid) is None, what="copy discarded")
        self.assertEqual((1, 0), (self.used_vcpus("c1-h1"), self.used_vcpus("c2-h1")))
        self.assertEqual("error", self.migration(uuid)["status"])

    def test_revert_cut_short_is_finished_at_start(self) -> None:
        uuid = self.server_in_cell1()["uuid"]
        self.api.migrate_server(admin(), uuid, "c2-h1")
        wait_for_status(self.api, admin(), uuid, "VERIFY_RESIZE")
        self.deployment.api_cell.msg_cross_cell_dest_reverted = lambda payload: None
        self.api.revert_resize(admin(), uuid)
        wait_for(lambda: self.cell_copy("cell2", uuid) is None, what="destination dropped")
        self.restart()
        back = wait_for_status(self.api, admin(), uuid, "ACTIVE")
        self.assertEqual(("cell1", "c1-h1"), (back["cell_name"], back["host"]))
        self.assertEqual("reverted", self.migration(uuid)["status"])

    def test_confirm_cut_short_is_finished_at_start(self) -> None:
        uuid = self.server_in_cell1()["uuid"]
        self.api.migrate_server(admin(), uuid, "c2-h1")
        wait_for_status(self.api, admin(), uuid, "VERIFY_RESIZE")
        self.deployment.api_cell.msg_cross_cell_source_confirmed = lambda payload: None
        self.api.confirm_resize(admin(), uuid)
        wait_for(lambda: self.cell_copy("cell1", uuid) is None, what="source cleaned")
        self.restart()
        done = wait_for_status(self.api, admin(), uuid, "ACTIVE")
        self.assertEqual(("cell2", "c2-h1"), (done["cell_name"], done["host"]))
        self.assertEqual("confirmed", self.migration(uuid)["status"])


class CrossCellPolicyTopologyTest(testtools.TestCase):

    def test_shipped_topologies(self) -> None:
        self.assertEqual("rule:admin_api",
                         load_topology("multi-cell").cross_cell_resize_policy)
        for name in ("single-cell", "nocells"):
            self.assertEqual("!", load_topology(name).cross_cell_resize_policy)

    def test_unknown_check_string_names_the_key(self) -> None:
        document = two_cells(policy="role:admin")
        error = self.assertRaises(TopologyError, parse_topology, document, "t.yaml")
        self.assertIn("cross_cell_resize_policy", str(error))

    def test_policy_rule(self) -> None:
        self.assertEqual([False, False, True], [
            cross_cell_allowed(member(), p) for p in ("!", "rule:admin_api", "@")])
        self.assertEqual([False, True, True], [
            cross_cell_allowed(admin(), p) for p in ("!", "rule:admin_api", "@")])
