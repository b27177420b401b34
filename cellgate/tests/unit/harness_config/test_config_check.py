"""`cellgate config check` / `config generate` against a real reference cloud (child process)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import fixtures
import testtools

from cellgate.cloud.process import CloudProcess
from cellgate.harness.config import ConfigError, load_config
from cellgate.harness.config_check import run_config_check
from cellgate.harness.config_generate import (
    CloudSettings,
    DiscoveryError,
    _pick_flavors,
    _pick_images,
    discover_cloud_settings,
    parse_feature_pairs,
    render_config,
    run_config_generate,
)
from cellgate.lib.clients import Clients
from cellgate.lib.credentials import Credentials
from cellgate.tests.unit.harness_config import support


class OfflineCheckTest(testtools.TestCase):
    """Checks that need no cloud: unreadable configs and unreachable endpoints."""

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def test_bad_config_is_one_problem_line(self):
        out = io.StringIO()
        path = support.write(self.dir, "c.conf", "[compute]\nimage_ref = x\nflavor_ref = 1\n")
        self.assertEqual(1, run_config_check(path=path, out=out))
        self.assertIn("problem:", out.getvalue())
        self.assertIn("[auth]: missing section", out.getvalue())

    def test_unreachable_identity(self):
        port = support.free_port()
        support.write_clouds(self.dir, auth_url=f"http://127.0.0.1:{port}/identity/v3")
        path = support.write(self.dir, "c.conf", support.BASIC)
        out = io.StringIO()
        self.assertEqual(1, run_config_check(path=path, out=out))
        lines = out.getvalue().splitlines()
        self.assertIn(f"problem: identity endpoint http://127.0.0.1:{port}/identity/v3 is "
                      "unreachable", lines[0])
        self.assertIn("fix: start the cloud or correct [identity] uri_v3", lines[0])

    def test_render_config_round_trips(self):
        support.write_clouds(self.dir)
        settings = CloudSettings("img-1", "img-2", "1", "2", "2.1", "2.61")
        text = render_config(clouds_yaml=f"{self.dir}/clouds.yaml",
                             roles={"admin": "cellgate-admin", "member": "cellgate-member1",
                                    "member_peer": None, "alt": "cellgate-member3"},
                             uri_v3="http://h/identity/v3", region="RegionOne",
                             settings=settings, cells=2, features={"aggregates": True},
                             resolved_file="skips.json")
        config = load_config(support.write(self.dir, "c.conf", text))
        self.assertEqual(("img-1", "img-2", "1", "2", "2.1", "2.61"),
                         (config.compute.image_ref, config.compute.image_ref_alt,
                          config.compute.flavor_ref, config.compute.flavor_ref_alt,
                          config.compute.min_microversion, config.compute.max_microversion))
        self.assertIsNone(config.auth.member_peer)
        self.assertEqual("member3", config.auth.alt.username)
        self.assertTrue(config.feature_enabled("aggregates"))
        self.assertEqual((True, 2), (config.cells.enabled, config.cells.count))
        self.assertEqual(f"{self.dir}/skips.json", config.skiplist.resolved_file)

    def test_discovery_of_unreachable_cloud(self):
        creds = Credentials("u", "p", "proj", f"http://127.0.0.1:{support.free_port()}/v3")
        error = self.assertRaises(DiscoveryError, discover_cloud_settings, creds)
        self.assertIn("authenticate at", str(error))
        self.assertIn("check the cloud is running", str(error))

    def test_generate_with_unknown_entry(self):
        support.write_clouds(self.dir)
        error = self.assertRaises(ConfigError, run_config_generate,
                                  clouds_yaml=f"{self.dir}/clouds.yaml",
                                  admin_cloud="nope", member_cloud="cellgate-member1",
                                  member_peer_cloud=None, alt_cloud=None, cells=0,
                                  output=f"{self.dir}/out.conf")
        self.assertIn("no cloud named 'nope'", str(error))

    def test_feature_pairs(self):
        self.assertEqual({"resize": True, "shelve": False},
                         parse_feature_pairs(["resize=true", " shelve = off"]))
        for bad in ("resize", "=true", "resize=maybe"):
            error = self.assertRaises(ConfigError, parse_feature_pairs, [bad])
            self.assertIn("give NAME=BOOL", str(error))


class LiveCheckTest(testtools.TestCase):
    """Generate a config for a running reference cloud, then break it one way at a time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cloud = CloudProcess(topology="single-cell")
        cls.cloud.setUp()
        cls.addClassCleanup(cls.cloud.cleanUp)

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.dir, "cellgate.conf")
        out = io.StringIO()
        self.assertEqual(0, run_config_generate(
            clouds_yaml=self.cloud.clouds_yaml, admin_cloud="cellgate-admin",
            member_cloud="cellgate-member1", member_peer_cloud="cellgate-member2",
            alt_cloud="cellgate-member3", cells=1, output=self.path, cpu_pinning=False,
            out=out))
        self.assertIn(f"wrote {self.path}", out.getvalue())
        with open(self.path, encoding="utf-8") as handle:
            self.text = handle.read()

    def _check(self, text=None):
        if text is not None:
            support.write(self.dir, "cellgate.conf", text)
        out = io.StringIO()
        code = run_config_check(path=self.path, out=out)
        return code, out.getvalue()

    def test_generated_config_matches_the_seed_data(self):
        config = load_config(self.path)
        self.assertEqual(("1", "2"), (config.compute.flavor_ref, config.compute.flavor_ref_alt))
        self.assertNotEqual(config.compute.image_ref, config.compute.image_ref_alt)
        self.assertEqual(("2.1", "2.104"), (config.compute.min_microversion,
                                           config.compute.max_microversion))
        self.assertEqual(self.cloud.identity_url, config.identity.uri_v3)

    def test_real_cloud_timing_and_given_cpu_pinning(self):
        config = load_config(self.path)
        self.assertEqual((300.0, 1.0), (config.compute.build_timeout,
                                        config.compute.build_interval))
        self.assertIs(False, config.features.flags["cpu_pinning"])

    def test_probe_finds_dedicated_cpus_and_cleans_up(self):
        out = io.StringIO()
        run_config_generate(clouds_yaml=self.cloud.clouds_yaml, admin_cloud="cellgate-admin",
                            member_cloud="cellgate-member1", member_peer_cloud=None,
                            alt_cloud=None, cells=1, output=self.path, build_timeout=30,
                            build_interval=0.01, out=out)
        config = load_config(self.path)
        self.assertIs(True, config.features.flags["cpu_pinning"])
        self.assertIn("cpu_pinning true (probed)", out.getvalue())
        self.assertEqual((30.0, 0.01), (config.compute.build_timeout,
                                        config.compute.build_interval))
        self.assertEqual([], _probe_leftovers(config))

    def test_generated_config_passes(self):
        code, output = self._check()
        self.assertEqual(0, code, output)
        self.assertIn("ok: admin credentials work", output)
        self.assertIn("ok: microversions 2.1-2.104 offered", output)
        self.assertIn("all checks passed", output)
        self.assertNotIn("problem:", output)

    def test_missing_image_and_flavor(self):
        text = self.text.replace("flavor_ref = 1", "flavor_ref = no-such-flavor")
        image_line = [ln for ln in text.splitlines() if ln.startswith("image_ref =")][0]
        text = text.replace(image_line, "image_ref = 00000000-0000-0000-0000-000000000000")
        code, output = self._check(text)
        self.assertEqual(1, code)
        self.assertIn("problem: [compute] image_ref 00000000-0000-0000-0000-000000000000 is "
                      "not an image the member sees", output)
        self.assertIn("problem: [compute] flavor_ref no-such-flavor is not a flavor", output)
        self.assertIn("ok: [compute] flavor_ref_alt 2", output)

    def test_microversion_range_not_offered(self):
        code, output = self._check(self.text.replace("max_microversion = 2.104",
                                                     "max_microversion = 2.110"))
        self.assertEqual(1, code)
        self.assertIn("problem: [compute] microversions 2.1-2.110 are not all offered by the "
                      "cloud (2.1-2.104); fix: set min_microversion >= 2.1 and "
                      "max_microversion <= 2.104", output)

    def test_bad_password(self):
        config = load_config(self.path)
        member = config.auth.member
        text = self.text.replace("member_cloud = cellgate-member1", "\n".join([
            f"member_username = {member.username}", "member_password = wrong",
            f"member_project_name = {member.project_name}"]))
        code, output = self._check(text)
        self.assertEqual(1, code)
        self.assertIn("problem: member credentials (user 'member1', project 'project-a') are "
                      "refused", output)

    def test_admin_without_admin_role_and_wrong_projects(self):
        text = self.text.replace("admin_cloud = cellgate-admin", "admin_cloud = cellgate-member3")
        text = text.replace("alt_cloud = cellgate-member3", "alt_cloud = cellgate-member2")
        code, output = self._check(text)
        self.assertEqual(1, code)
        self.assertIn("problem: the admin account 'member3' lacks the admin role", output)
        self.assertIn("problem: alt is in the member's project", output)

    def test_cli_exit_codes(self):
        ok = subprocess.run([sys.executable, "-m", "cellgate", "config", "check", self.path],
                            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, ok.returncode, ok.stdout + ok.stderr)
        support.write(self.dir, "cellgate.conf",
                      self.text.replace("flavor_ref = 1", "flavor_ref = 999"))
        bad = subprocess.run([sys.executable, "-m", "cellgate", "config", "check", self.path],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(1, bad.returncode, bad.stdout + bad.stderr)
        self.assertIn("flavor_ref 999", bad.stdout)


def _probe_leftovers(config) -> list[str]:
    """Names of probe flavors and servers still present (the probe must delete both)."""
    admin = Clients(config.auth.admin)
    flavors = admin.flavors_client.list_flavors(is_public="None")["flavors"]
    servers = admin.servers_client.list_servers(all_tenants=True)["servers"]
    return [item["name"] for item in [*flavors, *servers]
            if item["name"].startswith("cellgate-probe")]


class ProbeWithoutDedicatedCpusTest(testtools.TestCase):
    """On hosts without dedicated CPUs the probe boot ends in ERROR: cpu_pinning false."""

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        profile = support.write(self.dir, "shared.yaml", """
            name: shared-only
            vcpus: 64
            memory_mb: 65536
            disk_gb: 1000
            dedicated_cpus: false
            """)
        self.cloud = self.useFixture(CloudProcess(topology="single-cell", host_profile=profile))

    def test_probe_says_false_and_cleans_up(self):
        path = os.path.join(self.dir, "cellgate.conf")
        out = io.StringIO()
        run_config_generate(clouds_yaml=self.cloud.clouds_yaml, admin_cloud="cellgate-admin",
                            member_cloud="cellgate-member1", member_peer_cloud=None,
                            alt_cloud=None, cells=1, output=path, build_timeout=30,
                            build_interval=0.01, out=out)
        config = load_config(path)
        self.assertIs(False, config.features.flags["cpu_pinning"])
        self.assertIn("cpu_pinning false (probed)", out.getvalue())
        self.assertEqual([], _probe_leftovers(config))


class PickTest(testtools.TestCase):
    """How discovery chooses images and flavors."""

    def test_images_prefer_active_public_plain_names(self):
        images = [{"id": "a", "name": "cirros-alt", "status": "active"},
                  {"id": "b", "name": "cirros", "status": "active"},
                  {"id": "c", "name": "aaa", "status": "queued"},
                  {"id": "d", "name": "private", "status": "active", "visibility": "private"}]
        self.assertEqual(("b", "a"), _pick_images(images))
        self.assertEqual(("b", "b"), _pick_images(images[1:]))
        error = self.assertRaises(DiscoveryError, _pick_images, images[2:])
        self.assertIn("no active public image", str(error))

    def test_flavors_smallest_public_first(self):
        flavors = [{"id": "5", "ram": 4096, "vcpus": 2, "disk": 40},
                   {"id": "1", "ram": 128, "vcpus": 1, "disk": 1},
                   {"id": "9", "ram": 64, "vcpus": 1, "disk": 1,
                    "os-flavor-access:is_public": False},
                   {"id": "2", "ram": 192, "vcpus": 1, "disk": 1}]
        self.assertEqual(("1", "2"), _pick_flavors(flavors))
        self.assertRaises(DiscoveryError, _pick_flavors, flavors[2:3])
