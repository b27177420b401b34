"""`cellgate convert` in process: a flat state dir becomes API cell + one child cell, also
when the conversion is interrupted at any step and run again."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import fixtures
import testtools

from cellgate.cloud.cells.deployment import CellsDeployment
from cellgate.cloud.convert import MARKER, STEPS, Conversion, ConvertError
from cellgate.cloud.db.cell_tables import cell_metadata
from cellgate.cloud.service import Cloud
from cellgate.cloud.state_topology import saved_topology
from cellgate.cloud.statedir import StateLock
from cellgate.tests.unit.cloud_core.helpers import (
    admin,
    boot,
    member,
    sqlite_tables,
    wait_for_status,
)


class Injected(RuntimeError):
    pass



class ConvertTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.state = self.useFixture(fixtures.TempDir()).path

    def _flat_cloud_with_servers(self) -> tuple[dict, dict]:
        """Run a flat cloud, leave two servers (one stopped), a private flavor, a keypair
        and a quota in it, stop it; returns (what the API showed, passwords)."""
        cloud = Cloud("nocells", self.state)
        passwords = cloud.start()
        api = cloud.compute_api
        try:
            flavor = api.create_flavor(admin(), name="private", ram=64, vcpus=1, disk=0,
                                       flavorid="priv", is_public=False)
            api.add_flavor_access(admin(), flavor["id"], "project-a")
            api.create_keypair(member(), "mine")
            api.update_quotas(admin(), "project-a", {"instances": 40})
            running = boot(api, member(), name="running", key_name="mine")["uuid"]
            stopped = boot(api, member(), name="stopped", flavor="priv")["uuid"]
            for uuid in (running, stopped):
                wait_for_status(api, member(), uuid, "ACTIVE")
            api.stop_server(member(), stopped)
            wait_for_status(api, member(), stopped, "SHUTOFF")
            seen = self._observe(cloud)
        finally:
            cloud.stop()
        return seen, passwords

    @staticmethod
    def _observe(cloud: Cloud) -> dict:
        api = cloud.compute_api
        servers = api.list_servers(member())
        return {
            "servers": sorted((s["uuid"], s["name"], s["status"], s["host"], s["key_name"],
                               s["flavor"]["id"]) for s in servers),
            "flavors": sorted(f["id"] for f in api.list_flavors(admin(), is_public=None)),
            "access": api.list_flavor_access(admin(), "priv"),
            "keypairs": [k["name"] for k in api.list_keypairs(member())],
            "quota": api.get_quotas(admin(), "project-a")["instances"],
            "actions": {s["uuid"]: [a["action"] for a in api.list_instance_actions(
                member(), s["uuid"])] for s in servers},
        }

    def _serve_converted(self, passwords: dict) -> tuple[Cloud, dict]:
        topology = saved_topology(Path(self.state))
        cloud = Cloud(topology, self.state)
        self.assertEqual(passwords, cloud.start(passwords))  # same accounts, same passwords
        self.addCleanup(cloud.stop)
        return cloud, self._observe(cloud)

    def test_convert_keeps_everything_and_the_cell_takes_new_work(self) -> None:
        before, passwords = self._flat_cloud_with_servers()
        conversion = Conversion(self.state)
        converted = conversion.run()
        self.assertTrue(converted.cells_enabled)
        self.assertEqual(["cell1"], converted.cell_names)
        files = sorted(f for f in os.listdir(self.state) if f.endswith(".sqlite"))
        self.assertEqual(["api.sqlite", "cell-cell1.sqlite"], files)
        self.assertFalse(os.path.exists(os.path.join(self.state, MARKER)))
        api_tables = sqlite_tables(os.path.join(self.state, "api.sqlite"))
        cell_tables = sqlite_tables(os.path.join(self.state, "cell-cell1.sqlite"))
        self.assertEqual(set(cell_metadata.tables), cell_tables)
        self.assertFalse((set(cell_metadata.tables) - {"instances"}) & api_tables)
        self.assertIn("identity_users", api_tables)

        cloud, after = self._serve_converted(passwords)
        self.assertEqual(before, after)
        self.assertFalse(cloud.deployment.flat)
        self.assertIsNotNone(cloud.deployment.transport)
        token, _info = cloud.identity.authenticate(
            user={"name": "member1", "domain": {"name": "Default"}},
            password=passwords["member1"], project=None)
        self.assertTrue(token)
        # the old servers are the child cell's now: actions reach them over the transport
        api = cloud.compute_api
        stopped = next(s for s in api.list_servers(member()) if s["name"] == "stopped")
        api.start_server(member(), stopped["uuid"])
        wait_for_status(api, member(), stopped["uuid"], "ACTIVE")
        fresh = boot(api, member(), name="fresh")["uuid"]
        self.assertEqual("cell1", wait_for_status(api, member(), fresh, "ACTIVE")["cell_name"])

    def test_interrupted_at_any_step_rerun_finishes(self) -> None:
        for failing in STEPS:
            self.state = self.useFixture(fixtures.TempDir()).path
            before, passwords = self._flat_cloud_with_servers()

            def fail(step: str, failing: str = failing) -> None:
                if step == failing:
                    raise Injected(step)
            self.assertRaises(Injected, Conversion(self.state, before_step=fail).run)
            self.assertTrue(os.path.exists(os.path.join(self.state, MARKER)) or
                            failing == STEPS[0])
            Conversion(self.state).run()
            _cloud, after = self._serve_converted(passwords)
            self.assertEqual(before, after, f"interrupted before {failing}")

    def test_refuses_while_the_cloud_runs(self) -> None:
        self._flat_cloud_with_servers()
        lock = StateLock(Path(self.state))
        lock.acquire()
        self.addCleanup(lock.release)
        error = self.assertRaises(ConvertError, Conversion(self.state).run)
        self.assertIn("while the cloud runs", str(error))
        self.assertTrue(os.path.exists(os.path.join(self.state, "cloud.sqlite")))

    def test_refuses_what_is_not_flat(self) -> None:
        CellsDeployment("single-cell", self.state).stop()
        error = self.assertRaises(ConvertError, Conversion(self.state).run)
        self.assertIn("no flat deployment", str(error))
