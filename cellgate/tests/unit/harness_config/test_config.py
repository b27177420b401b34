"""Loading the harness config: values, defaults and the errors that name file/section/key/fix."""

from __future__ import annotations

import dataclasses
import textwrap

import fixtures
import testtools

from cellgate.harness.config import ConfigError, load_config
from cellgate.tests.unit.harness_config import support


class LoadConfigTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        support.write_clouds(self.dir)

    def _load(self, text):
        return load_config(support.write(self.dir, "cellgate.conf", text))

    def _error(self, text):
        return str(self.assertRaises(ConfigError, self._load, text))

    def test_basic_file_with_defaults(self):
        config = self._load(support.BASIC)
        self.assertEqual("admin", config.auth.admin.username)
        self.assertEqual("secret-member1", config.auth.member.password)
        self.assertEqual("project-a", config.auth.member.project_name)
        self.assertIsNone(config.auth.member_peer)
        self.assertIsNone(config.auth.alt)
        # uri_v3 falls back to the admin entry's auth_url
        self.assertEqual("http://127.0.0.1:9/identity/v3", config.identity.uri_v3)
        self.assertEqual("RegionOne", config.identity.region)
        self.assertEqual("1", config.compute.flavor_ref_alt)
        self.assertEqual(config.compute.image_ref, config.compute.image_ref_alt)
        self.assertEqual(("2.1", "2.1"), (config.compute.min_microversion,
                                          config.compute.max_microversion))
        self.assertEqual(0.002, config.compute.build_interval)
        self.assertTrue(config.feature_enabled("extra_specs"))
        self.assertFalse(config.feature_enabled("aggregates"))
        self.assertFalse(config.feature_enabled("never_heard_of_it"))
        self.assertFalse(config.cells.enabled)
        self.assertIsNone(config.skiplist.resolved_file)

    def test_relative_paths_are_relative_to_the_file(self):
        config = self._load(support.BASIC + "[skiplist]\nresolved_file = skips.json\n")
        self.assertEqual(f"{self.dir}/clouds.yaml", config.auth.clouds_yaml)
        self.assertEqual(f"{self.dir}/skips.json", config.skiplist.resolved_file)

    def test_full_file(self):
        config = self._load(support.BASIC + textwrap.dedent("""
            [identity]
            uri_v3 = http://10.0.0.1/identity/v3   ; inline comment
            region = RegionTwo
            [compute-feature-enabled]
            aggregates = true
            extra_specs = False
            cold_migration = yes
            [cells]
            enabled = true
            count = 2
        """))
        self.assertEqual("http://10.0.0.1/identity/v3", config.identity.uri_v3)
        self.assertEqual("RegionTwo", config.identity.region)
        self.assertTrue(config.feature_enabled("aggregates"))
        self.assertFalse(config.feature_enabled("extra_specs"))
        self.assertTrue(config.feature_enabled("cold_migration"))
        self.assertEqual((True, 2), (config.cells.enabled, config.cells.count))

    def test_all_four_roles_from_clouds_yaml(self):
        config = self._load(support.BASIC.replace(
            "member_cloud = cellgate-member1",
            "member_cloud = cellgate-member1\nmember_peer_cloud = cellgate-member2\n"
            "alt_cloud = cellgate-member3"))
        self.assertEqual("member2", config.auth.credentials("member_peer").username)
        self.assertEqual("project-b", config.auth.credentials("alt").project_name)
        self.assertRaises(ValueError, config.auth.credentials, "superuser")

    def test_inline_credentials(self):
        config = self._load("""
            [auth]
            admin_username = root
            admin_password = pw
            admin_project_name = admin
            member_username = joe
            member_password = pw2
            member_project_name = demo
            member_user_domain_name = Users
            [identity]
            uri_v3 = http://keystone:5000/v3
            region = East
            [compute]
            image_ref = img
            flavor_ref = 42
        """)
        self.assertEqual("root", config.auth.admin.username)
        self.assertEqual("http://keystone:5000/v3", config.auth.admin.auth_url)
        self.assertEqual("East", config.auth.member.region)
        self.assertEqual("Users", config.auth.member.user_domain_name)
        self.assertEqual("Default", config.auth.member.project_domain_name)

    def test_config_is_frozen(self):
        config = self._load(support.BASIC)
        self.assertRaises(dataclasses.FrozenInstanceError, setattr, config.compute,
                          "image_ref", "x")
        flags = config.features.flags

        def assign():
            flags["aggregates"] = True

        self.assertRaises(TypeError, assign)

    def test_missing_file(self):
        error = str(self.assertRaises(ConfigError, load_config, f"{self.dir}/nope.conf"))
        self.assertIn("nope.conf", error)
        self.assertIn("cellgate config generate", error)

    def test_not_ini(self):
        error = self._error("this is not = an ini file\n")
        self.assertIn("cellgate.conf", error)
        self.assertIn("not a valid INI file", error)

    def test_missing_section(self):
        error = self._error("[auth]\nadmin_cloud = x\n")
        self.assertIn("[compute]", error)
        self.assertIn("missing section", error)

    def test_missing_image_ref_names_section_and_key(self):
        error = self._error(support.BASIC.replace(
            "image_ref = 11111111-2222-3333-4444-555555555555", ""))
        self.assertIn("cellgate.conf: [compute] image_ref: missing", error)
        self.assertIn("UUID of an active image", error)

    def test_unknown_key_suggests_the_close_one(self):
        error = self._error(support.BASIC + "imag_ref_alt = x\n")
        self.assertIn("[compute] imag_ref_alt: unknown key; did you mean image_ref_alt?", error)

    def test_unknown_section_suggests_the_close_one(self):
        error = self._error(support.BASIC + "[compute-features-enabled]\nreboot = true\n")
        self.assertIn("[compute-features-enabled]: unknown section; did you mean "
                      "[compute-feature-enabled]?", error)

    def test_bad_boolean(self):
        error = self._error(support.BASIC + "[compute-feature-enabled]\nreboot = sometimes\n")
        self.assertIn("[compute-feature-enabled] reboot: 'sometimes' is not a boolean", error)

    def test_bad_numbers(self):
        error = self._error(support.BASIC + "build_timeout = soon\n")
        self.assertIn("[compute] build_timeout: 'soon' is not a number", error)
        error = self._error(support.BASIC + "[cells]\ncount = -1\n")
        self.assertIn("[cells] count: '-1' is negative", error)

    def test_bad_microversions(self):
        error = self._error(support.BASIC + "max_microversion = 2.x\n")
        self.assertIn("[compute] max_microversion: '2.x' is not a microversion", error)
        error = self._error(support.BASIC + "min_microversion = 2.50\nmax_microversion = 2.10\n")
        self.assertIn("[compute] max_microversion: 2.10 is below min_microversion 2.50", error)

    def test_latest_is_a_valid_maximum(self):
        config = self._load(support.BASIC + "max_microversion = latest\n")
        self.assertEqual("latest", config.compute.max_microversion)

    def test_unknown_cloud_lists_the_entries(self):
        error = self._error(support.BASIC.replace("cellgate-member1", "cellgate-member9"))
        self.assertIn("[auth] member_cloud", error)
        self.assertIn("no cloud named 'cellgate-member9'", error)
        self.assertIn("cellgate-member1", error)

    def test_missing_clouds_yaml(self):
        error = self._error(support.BASIC.replace("clouds.yaml", "elsewhere.yaml"))
        self.assertIn("[auth] clouds_yaml", error)
        self.assertIn("elsewhere.yaml does not exist", error)

    def test_cloud_without_clouds_yaml(self):
        error = self._error(support.BASIC.replace("clouds_yaml = clouds.yaml", ""))
        self.assertIn("[auth] clouds_yaml: missing, but admin_cloud names an entry", error)

    def test_member_is_required(self):
        error = self._error(support.BASIC.replace("member_cloud = cellgate-member1", ""))
        self.assertIn("[auth] member_cloud: no credentials for the member role", error)

    def test_cloud_and_inline_together(self):
        error = self._error(support.BASIC.replace(
            "admin_cloud = cellgate-admin", "admin_cloud = cellgate-admin\nadmin_username = x"))
        self.assertIn("[auth] admin_cloud: admin has both a clouds.yaml entry and inline", error)

    def test_inline_without_password(self):
        error = self._error(support.BASIC.replace(
            "member_cloud = cellgate-member1",
            "member_username = joe\nmember_project_name = demo"))
        self.assertIn("[auth] member_password: missing", error)

    def test_clouds_yaml_entry_without_password(self):
        clouds = {"clouds": {"cellgate-admin": {"auth": {"auth_url": "http://x/v3",
                                                         "username": "a",
                                                         "project_name": "p"}},
                             "cellgate-member1": support.CLOUDS["clouds"]["cellgate-member1"]}}
        support.write_clouds(self.dir, clouds)
        error = self._error(support.BASIC)
        self.assertIn("[auth] admin_cloud", error)
        self.assertIn("auth lacks password", error)
