"""The planted-defect registry: names, listing, errors, and that a defect really breaks the
cloud it is planted in (and only that cloud)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import time
from pathlib import Path

import testtools
from werkzeug.test import Client

from cellgate import cli
from cellgate.cloud.defects import (
    DefectError,
    all_defects,
    apply_defects,
    find_defects,
    format_defect_list,
)
from cellgate.cloud.process import CloudProcess
from cellgate.harness.jobs import known_jobs
from cellgate.tests.unit.cloud_http.support import InProcessCloud

AREAS = {"servers", "server-actions", "metadata", "instance-actions", "flavors",
         "flavor-access", "extra-specs", "hosts", "identity", "images", "versions", "cells",
         "paging", "rbac"}


def _main(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


class RegistryTest(testtools.TestCase):
    def test_at_least_24_defects_over_every_area(self):
        defects = all_defects()
        self.assertGreaterEqual(len(defects), 24)
        names = [d.name for d in defects]
        self.assertEqual(len(names), len(set(names)), "defect names must be unique")
        self.assertEqual(AREAS, {d.area for d in defects})
        jobs = set(known_jobs())
        for defect in defects:
            self.assertRegex(defect.name, r"^[a-z0-9]+(-[a-z0-9]+)*$")
            self.assertTrue(defect.description, defect.name)
            re.compile(defect.tests)
            self.assertIn(defect.job, jobs, defect.name)

    def test_find_keeps_order_and_drops_duplicates(self):
        found = find_defects(["metadata-not-saved", "delete-noop", "metadata-not-saved"])
        self.assertEqual(["metadata-not-saved", "delete-noop"], [d.name for d in found])

    def test_unknown_name_lists_the_known_ones(self):
        error = self.assertRaises(DefectError, find_defects, ["delete-noop", "no-such"])
        self.assertIn("no-such", str(error))
        self.assertIn("delete-noop", str(error))
        self.assertIn("--list-defects", str(error))
        self.assertEqual(2, error.exit_code)

    def test_serve_unknown_defect_exits_2(self):
        code, _, err = _main("serve", "--defect", "no-such-defect")
        self.assertEqual(2, code)
        self.assertIn("unknown defect(s) no-such-defect", err)
        self.assertIn("builds-first-cell", err)

    def test_list_defects(self):
        code, out, _ = _main("serve", "--list-defects")
        self.assertEqual(0, code)
        self.assertEqual(format_defect_list(), out)
        lines = out.splitlines()
        self.assertEqual(["NAME", "AREA", "DESCRIPTION"], lines[0].split())
        for defect, line in zip(all_defects(), lines[1:], strict=True):
            self.assertEqual([defect.name, defect.area], line.split()[:2])
            self.assertTrue(line.endswith(defect.description))


class PlantedDefectTest(testtools.TestCase):
    """In-process: a defect changes what the cloud answers, and only where it is planted."""

    def _cloud(self, *names: str, topology: str = "nocells") -> InProcessCloud:
        fixture = self.useFixture(InProcessCloud(topology))
        apply_defects(fixture.cloud, find_defects(names))
        fixture.client = Client(fixture.cloud.app)  # a middleware defect replaces the app
        return fixture

    def _boot(self, cloud: InProcessCloud, **extra) -> str:
        body = {"server": {"name": "d", "imageRef": cloud.image_id(), "flavorRef": "1",
                           **extra}}
        resp = cloud.request("POST", "/compute/v2.1/servers", body=body)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        return resp.get_json()["server"]["id"]

    def _delete_key_then_list(self, cloud: InProcessCloud) -> tuple[int, dict]:
        sid = self._boot(cloud, metadata={"a": "1", "b": "2"})
        status = cloud.request("DELETE", f"/compute/v2.1/servers/{sid}/metadata/a").status_code
        return status, cloud.request("GET", f"/compute/v2.1/servers/{sid}/metadata").get_json()

    def test_method_wrapping_defect(self):
        self.assertEqual((204, {"metadata": {"b": "2"}}),
                         self._delete_key_then_list(self._cloud()))
        self.assertEqual((204, {"metadata": {"a": "1", "b": "2"}}),
                         self._delete_key_then_list(self._cloud("metadata-delete-noop")))

    def test_middleware_defect(self):
        for names, status in (((), 400), (("bad-body-500",), 500)):
            resp = self._cloud(*names).request("POST", "/compute/v2.1/servers",
                                               data=b"{not json")
            self.assertEqual(status, resp.status_code, names)

    def _wait(self, cloud: InProcessCloud, sid: str, done) -> dict:
        deadline = time.monotonic() + 30
        while True:
            server = cloud.request("GET", f"/compute/v2.1/servers/{sid}",
                                   version="2.51").get_json()["server"]
            if done(server) or time.monotonic() > deadline:
                return server
            time.sleep(0.005)

    def _reboot_events_and_power_after_stop(self, cloud: InProcessCloud) -> tuple[list, int]:
        sid = self._boot(cloud)
        self._wait(cloud, sid, lambda s: s["status"] == "ACTIVE")
        resp = cloud.request("POST", f"/compute/v2.1/servers/{sid}/action",
                             body={"reboot": {"type": "HARD"}})
        self._wait(cloud, sid, lambda s: s["OS-EXT-STS:task_state"] is None)
        action = cloud.request("GET", f"/compute/v2.1/servers/{sid}/os-instance-actions/"
                                      f"{resp.headers['X-Openstack-Request-Id']}",
                               version="2.51").get_json()["instanceAction"]
        cloud.request("POST", f"/compute/v2.1/servers/{sid}/action", body={"os-stop": None})
        server = self._wait(cloud, sid, lambda s: s["status"] == "SHUTOFF")
        return [e["event"] for e in action["events"]], server["OS-EXT-STS:power_state"]

    def test_cell_side_defects(self):
        self.assertEqual((["compute_reboot_instance"], 4),
                         self._reboot_events_and_power_after_stop(self._cloud()))
        planted = self._cloud("reboot-noop", "stop-leaves-power-on")
        self.assertEqual(([], 1), self._reboot_events_and_power_after_stop(planted))

    def test_every_defect_plants_at_once_on_two_cells(self):
        cloud = self._cloud(*(d.name for d in all_defects()), topology="multi-cell")
        self.assertEqual(202, cloud.request("POST", "/compute/v2.1/servers", body={"server": {
            "name": "all", "imageRef": cloud.image_id(), "flavorRef": "1"}}).status_code)


class ServeWithDefectsTest(testtools.TestCase):
    def test_ready_json_records_the_defects(self):
        cloud = CloudProcess(topology="nocells",
                             extra_args=("--defect", "delete-noop", "--defect", "min-ram-ignored"))
        cloud.setUp()
        self.addCleanup(cloud.cleanUp)
        ready = json.loads((Path(cloud.state_dir) / "ready.json").read_text(encoding="utf-8"))
        self.assertEqual(["delete-noop", "min-ram-ignored"], ready["defects"])
        out = (Path(cloud.state_dir) / "serve-1.out").read_text(encoding="utf-8")
        self.assertIn("PLANTED DEFECTS", out)
