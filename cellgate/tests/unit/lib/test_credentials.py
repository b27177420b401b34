"""Credentials from clouds.yaml entries and their turning into tempest.lib objects."""

from __future__ import annotations

import fixtures
import testtools
import yaml
from tempest.lib import auth

from cellgate.lib.credentials import Credentials
from cellgate.lib.exceptions import CredentialsError


class FromCloudsYamlTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = f"{self.dir}/clouds.yaml"

    def _write(self, data):
        with open(self.path, "w", encoding="utf-8") as handle:
            if isinstance(data, str):
                handle.write(data)
            else:
                yaml.safe_dump(data, handle)

    def test_reads_an_entry(self):
        self._write({"clouds": {"c1": {
            "auth": {"auth_url": "http://h/identity", "username": "u", "password": "p",
                     "project_name": "proj", "user_domain_name": "UD",
                     "project_domain_name": "PD"},
            "region_name": "R2", "interface": "internal"}}})
        creds = Credentials.from_clouds_yaml(self.path, "c1")
        self.assertEqual(Credentials(username="u", password="p", project_name="proj",
                                     auth_url="http://h/identity", user_domain_name="UD",
                                     project_domain_name="PD", region="R2",
                                     interface="internal"), creds)
        self.assertEqual("http://h/identity/v3", creds.identity_v3_url)

    def test_defaults_for_domains_and_region(self):
        self._write({"clouds": {"c1": {"auth": {"auth_url": "http://h/v3/", "username": "u",
                                                "password": 5, "project_name": "p"}}}})
        creds = Credentials.from_clouds_yaml(self.path, "c1")
        self.assertEqual(("Default", "Default", "RegionOne", "5"),
                         (creds.user_domain_name, creds.project_domain_name, creds.region,
                          creds.password))
        self.assertEqual("http://h/v3", creds.identity_v3_url)

    def test_password_from_secure_yaml_beside_it(self):
        self._write({"clouds": {"c1": {"auth": {"auth_url": "http://h/v3", "username": "u",
                                                "project_name": "p"}}}})
        with open(f"{self.dir}/secure.yaml", "w", encoding="utf-8") as handle:
            yaml.safe_dump({"clouds": {"c1": {"auth": {"password": "kept-apart"}}}}, handle)
        self.assertEqual("kept-apart", Credentials.from_clouds_yaml(self.path, "c1").password)

    def test_missing_file(self):
        error = self.assertRaises(CredentialsError, Credentials.from_clouds_yaml,
                                  f"{self.dir}/none.yaml", "c1")
        self.assertIn("none.yaml: no such clouds.yaml file", str(error))

    def test_bad_yaml(self):
        self._write("clouds: [unclosed\n")
        error = self.assertRaises(CredentialsError, Credentials.from_clouds_yaml, self.path, "c")
        self.assertIn("cannot read clouds.yaml", str(error))

    def test_no_clouds_mapping(self):
        self._write({"something": 1})
        error = self.assertRaises(CredentialsError, Credentials.from_clouds_yaml, self.path, "c")
        self.assertIn("no top-level 'clouds' mapping", str(error))

    def test_unknown_entry_lists_known_ones(self):
        self._write({"clouds": {"b": {}, "a": {}}})
        error = self.assertRaises(CredentialsError, Credentials.from_clouds_yaml, self.path, "z")
        self.assertIn("no cloud named 'z' (entries: a, b)", str(error))

    def test_missing_fields_are_named(self):
        self._write({"clouds": {"c": {"auth": {"auth_url": "http://h", "username": "u"}}}})
        error = self.assertRaises(CredentialsError, Credentials.from_clouds_yaml, self.path, "c")
        self.assertIn("cloud 'c': auth lacks password, project_name", str(error))

    def test_repr_hides_the_password(self):
        creds = Credentials("u", "hunter2", "p", "http://h/v3")
        self.assertNotIn("hunter2", repr(creds))

    def test_tempest_objects(self):
        creds = Credentials("u", "pw", "p", "http://h/identity", user_domain_name="UD")
        keystone = creds.keystone_credentials()
        self.assertIsInstance(keystone, auth.KeystoneV3Credentials)
        self.assertEqual(("u", "pw", "p", "UD"), (keystone.username, keystone.password,
                                                  keystone.project_name,
                                                  keystone.user_domain_name))
        self.assertTrue(keystone.is_valid())
        provider = creds.auth_provider()
        self.assertIsInstance(provider, auth.KeystoneV3AuthProvider)
        self.assertEqual("http://h/identity/v3/auth/tokens", provider.auth_client.auth_url)

    def test_with_password(self):
        creds = Credentials("u", "pw", "p", "http://h/v3")
        self.assertEqual("other", creds.with_password("other").password)
        self.assertEqual("pw", creds.password)
