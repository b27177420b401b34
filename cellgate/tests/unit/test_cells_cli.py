"""`cellgate cells ...` against a stopped state directory (in-process) and a running cloud
(through the admin API): output, JSON and exit codes."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import fixtures
import testtools

from cellgate import cli
from cellgate.cloud.cells.deployment import CellsDeployment
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.process import CloudProcess
from cellgate.tests.unit.cloud_core.helpers import boot, member, wait_for_status


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


class StoppedCloudTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.state = self.useFixture(fixtures.TempDir()).path
        with CellsDeployment("multi-cell", self.state) as deployment:
            self.uuid = boot(deployment.compute_api, member())["uuid"]
            self.cell = wait_for_status(deployment.compute_api, member(), self.uuid,
                                        "ACTIVE")["cell_name"]

    def cells(self, *argv: str) -> tuple[int, object, str]:
        code, out, err = run("cells", *argv, "--state-dir", self.state, "--json")
        return code, json.loads(out) if out else None, err

    def test_list_show_disable_set(self) -> None:
        code, cells, _ = self.cells("list")
        self.assertEqual((0, ["cell1", "cell2"]), (code, [c["name"] for c in cells]))
        self.assertEqual("stopped", cells[0]["state"])
        code, cell, _ = self.cells("disable", "cell1")
        self.assertTrue(cell["disabled"])
        code, cell, _ = self.cells("set", "cell1", "--weight-offset", "2.5")
        self.assertEqual((True, 2.5), (cell["disabled"], cell["weight_offset"]))
        code, cell, _ = self.cells("enable", "cell1")
        self.assertFalse(cell["disabled"])
        code, _, err = self.cells("show", "nope")
        self.assertEqual(2, code)
        self.assertIn("registered: cell1, cell2", err)

    def test_create_then_serve_builds_in_it_and_delete_refuses_a_cell_with_servers(self):
        code, cell, err = self.cells("create", "cell3", "--host", "cell3-compute1=large")
        self.assertEqual(0, code, err)
        self.assertEqual(["cell3-compute1"], cell["hosts"])
        code, _, err = self.cells("create", "cell4", "--host", "cell1-compute1=small")
        self.assertEqual(2, code)
        self.assertIn("has that host already", err)
        code, _, err = self.cells("create", "cell4", "--host", "h=nosuchprofile")
        self.assertEqual(2, code)
        self.assertIn("no such host profile", err)
        code, _, err = self.cells("delete", self.cell)
        self.assertEqual(2, code)
        self.assertIn("holds 1 server", err)
        with CellsDeployment("single-cell", self.state) as deployment:  # registry wins
            self.assertEqual(["cell1", "cell2", "cell3"], sorted(deployment.cells))
            deployment.api_store.cells.update("cell1", disabled=True)
            deployment.api_store.cells.update("cell2", disabled=True)
            uuid = boot(deployment.compute_api, member())["uuid"]
            server = wait_for_status(deployment.compute_api, member(), uuid, "ACTIVE")
            self.assertEqual(("cell3", "cell3-compute1"), (server["cell_name"], server["host"]))
        code, _, err = self.cells("delete", "cell1")
        self.assertEqual(0, code, err)
        self.assertEqual(["cell2", "cell3"], [c["name"] for c in self.cells("list")[1]])

    def test_sync_in_process_repairs_and_reports(self) -> None:
        # the read model of the stopped cloud goes wrong; the sync puts it right
        store = ApiStore(f"sqlite:///{self.state}/api.sqlite")
        wrong = store.instances.get(self.uuid)
        wrong["vm_state"] = "error"
        store.instances.put(wrong)
        store.dispose()
        code, report, err = self.cells("sync", "--project", "project-a")
        self.assertEqual(0, code, err)
        self.assertEqual([self.uuid], [r["uuid"] for r in report["repaired"]])
        code, report, _ = self.cells("sync", "--changed-since", "2999-01-01T00:00:00Z")
        self.assertEqual((0, 0), (report["checked"], report["repaired_count"]))
        code, _, err = self.cells("sync", "--changed-since", "soon")
        self.assertEqual(2, code)

    def test_offline_needs_a_running_cloud(self) -> None:
        code, _, err = self.cells("offline", "cell1")
        self.assertEqual(2, code)
        self.assertIn("needs a running cloud", err)


class RunningCloudTest(testtools.TestCase):

    def test_commands_go_through_the_admin_api(self) -> None:
        cloud = self.useFixture(CloudProcess(topology="multi-cell"))
        state = cloud.state_dir
        code, out, err = run("cells", "list", "--state-dir", state)
        self.assertEqual(0, code, err)
        self.assertIn("cell2-compute3", out)
        code, out, err = run("cells", "offline", "cell2", "--state-dir", state, "--json")
        self.assertEqual((0, True), (code, json.loads(out)["offline"]), err)
        # not down yet (the default thresholds are long): asked, no answer, the others synced
        code, out, err = run("cells", "sync", "--state-dir", state, "--json", "--timeout", "0.5")
        self.assertEqual(1, code, err)
        report = json.loads(out)
        self.assertEqual("ok", report["cells"]["cell1"])
        self.assertTrue(report["cells"]["cell2"].startswith("no answer"), report)
        code, out, err = run("cells", "online", "cell2", "--state-dir", state, "--json")
        self.assertFalse(json.loads(out)["offline"])
        code, _, err = run("cells", "delete", "cell2", "--state-dir", state)
        self.assertEqual(2, code)
        self.assertIn("needs a stopped cloud", err)
        code, _, err = run("cells", "show", "nope", "--state-dir", state)
        self.assertEqual(2, code)
        self.assertIn("404", err)
