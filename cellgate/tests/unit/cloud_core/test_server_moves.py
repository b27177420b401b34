"""Capacity accounting of shelve, resize, migrate and their undoing, end to end."""

from __future__ import annotations

import logging

import fixtures
import testtools

from cellgate.cloud import exceptions as exc
from cellgate.tests.unit.cloud_core.helpers import (
    admin,
    boot,
    member,
    start_topology,
    wait_for,
    wait_for_deleted,
    wait_for_status,
)

PROFILE = {"vcpus": 4, "memory_mb": 4096, "disk_gb": 100}
TOPOLOGY = {"name": "moves", "profiles": {"p": PROFILE},
            "cells_health": {"reserve_percent": 0},
            "cells": [{"name": "cell1", "hosts": [{"name": "h1", "profile": "p"},
                                                  {"name": "h2", "profile": "p"}]}]}


class ServerMovesTest(testtools.TestCase):
    """One cell with two hosts; usage read straight from the cell's database."""

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        cloud = start_topology(self, TOPOLOGY)
        self.api = cloud.api
        self.store = cloud.deployment.cells["cell1"].store

    def used(self) -> dict[str, tuple[int, int]]:
        """{host: (vcpus_used, memory_mb_used)}."""
        return {h: (self.store.node(h)["vcpus_used"], self.store.node(h)["memory_mb_used"])
                for h in ("h1", "h2")}

    def active(self, flavor: str = "1") -> dict:
        uuid = boot(self.api, member(), flavor=flavor)["uuid"]
        return wait_for_status(self.api, member(), uuid, "ACTIVE")

    def test_shelve_frees_the_host_and_unshelve_claims_again(self) -> None:
        server = self.active()
        self.api.shelve_server(member(), server["uuid"])
        shelved = wait_for_status(self.api, member(), server["uuid"], "SHELVED_OFFLOADED")
        self.assertEqual((None, None), (shelved["host"], shelved["node"]))
        self.assertEqual({"h1": (0, 0), "h2": (0, 0)}, self.used())
        self.api.unshelve_server(member(), server["uuid"])
        back = wait_for_status(self.api, member(), server["uuid"], "ACTIVE")
        self.assertEqual((1, 128), self.used()[back["host"]])

    def test_resize_holds_both_hosts_until_confirm(self) -> None:
        server = self.active(flavor="1")
        source = server["host"]
        self.api.resize_server(member(), server["uuid"], "3")
        resized = wait_for_status(self.api, member(), server["uuid"], "VERIFY_RESIZE")
        dest = resized["host"]
        self.assertNotEqual(source, dest)
        self.assertEqual({source: (1, 128), dest: (1, 512)}, self.used())
        self.api.confirm_resize(member(), server["uuid"])
        wait_for_status(self.api, member(), server["uuid"], "ACTIVE")
        self.assertEqual({source: (0, 0), dest: (1, 512)}, self.used())
        self.api.delete_server(member(), server["uuid"])
        wait_for_deleted(self.api, member(), server["uuid"])
        self.assertEqual({"h1": (0, 0), "h2": (0, 0)}, self.used())

    def test_revert_frees_the_destination(self) -> None:
        server = self.active(flavor="1")
        self.api.resize_server(member(), server["uuid"], "3")
        wait_for_status(self.api, member(), server["uuid"], "VERIFY_RESIZE")
        self.api.revert_resize(member(), server["uuid"])
        reverted = wait_for_status(self.api, member(), server["uuid"], "ACTIVE")
        self.assertEqual((server["host"], "1"), (reverted["host"], reverted["flavor"]["id"]))
        self.assertEqual((1, 128), self.used()[server["host"]])
        self.assertEqual(1, sum(v[0] for v in self.used().values()))
        (migration,) = self.api.list_migrations(admin(), instance_uuid=server["uuid"])
        self.assertEqual("reverted", migration["status"])

    def test_delete_while_resized_frees_both_hosts(self) -> None:
        server = self.active()
        self.api.migrate_server(admin(), server["uuid"])
        wait_for_status(self.api, member(), server["uuid"], "VERIFY_RESIZE")
        self.api.delete_server(member(), server["uuid"])
        wait_for_deleted(self.api, member(), server["uuid"])
        self.assertEqual({"h1": (0, 0), "h2": (0, 0)}, self.used())

    def test_migrate_with_no_other_host_ends_back_active_with_error_record(self) -> None:
        big = self.api.create_flavor(admin(), name="big", ram=4096, vcpus=4, disk=1)
        server = self.active(flavor=big["id"])
        blocker = self.active(flavor=big["id"])  # fills the other host
        self.assertNotEqual(server["host"], blocker["host"])
        self.api.migrate_server(admin(), server["uuid"])
        wait_for(lambda: self.api.list_migrations(admin(), instance_uuid=server["uuid"])[0]
                 ["status"] == "error", what="the migration to fail")
        after = wait_for_status(self.api, member(), server["uuid"], "ACTIVE")
        self.assertEqual(server["host"], after["host"])

    def test_locked_server_refuses_members_but_not_admins(self) -> None:
        server = self.active()
        self.api.lock_server(member(), server["uuid"], "because")
        self.assertRaises(exc.InstanceIsLocked, self.api.pause_server, member(),
                          server["uuid"])
        self.api.pause_server(admin(), server["uuid"])
        self.assertEqual("PAUSED", wait_for_status(self.api, member(), server["uuid"],
                                                   "PAUSED")["status"])
