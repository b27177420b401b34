"""The test base class: skip reasons, skip stages and helpers, run in-process on probe classes.

The probe classes are built inside functions so test discovery never picks them up; their
clients point at a closed port and are never used.
"""

from __future__ import annotations

import json
import unittest

import fixtures
import testtools

from cellgate.harness.config import ConfigError
from cellgate.lib import decorators
from cellgate.lib.microversion import ComputeMicroversion, current_microversion
from cellgate.tests import base
from cellgate.tests.unit.harness_config import support

LISTED_ID = "0b0f5f8e-8a57-4f43-9e4c-2d1e4f1f2a11"


def make_probe(events: list, **class_attrs):
    """A BaseComputeTest subclass with one test per kind of skip; `events` records what ran."""

    class Probe(base.BaseComputeTest):
        @classmethod
        def resource_setup(cls):
            events.append("resource_setup")
            cls.addClassCleanup(events.append, "class_cleanup")

        def test_plain(self):
            events.append(("plain", current_microversion()))

        @decorators.requires_features("aggregates")
        def test_feature(self):
            events.append("feature")

        @decorators.requires_microversion("2.70")
        def test_new(self):
            events.append("new")

        @decorators.idempotent_id(LISTED_ID)
        def test_listed(self):
            events.append("listed")

        def test_switches_microversion(self):
            self.use_microversion("2.40")
            events.append(("switched", current_microversion()))

        def test_too_new_microversion(self):
            self.use_microversion("2.90")
            events.append("too new")

    for name, value in class_attrs.items():
        setattr(Probe, name, value)
    return Probe


def run_class(cls) -> unittest.TestResult:
    suite = unittest.TestSuite(unittest.TestLoader().loadTestsFromTestCase(cls))
    result = unittest.TestResult()
    suite.run(result)
    return result


def skips(result) -> dict[str, str]:
    return {test._testMethodName: reason for test, reason in result.skipped}


class SkipReasonTest(testtools.TestCase):

    def test_feature_reason(self):
        self.assertEqual("feature disabled: [compute-feature-enabled] extra_specs",
                         base.feature_skip_reason("extra_specs"))

    def test_skiplist_reason(self):
        entry = {"reason": "resize not routed", "bug": "LP#1", "area": "servers",
                 "file": "skiplists/cells-single.yaml"}
        self.assertEqual("skiplist skiplists/cells-single.yaml: resize not routed (bug LP#1)",
                         base.skiplist_skip_reason(entry))

    def test_microversion_reason(self):
        self.assertIsNone(base.microversion_skip_reason("2.55", None, "2.1", "2.61"))
        self.assertIsNone(base.microversion_skip_reason(None, "2.10", "2.1", "latest"))
        self.assertIsNone(base.microversion_skip_reason(None, None, "2.5", "2.6"))
        self.assertEqual("microversion: test needs 2.70 - latest, config offers 2.1 - 2.61 "
                         "([compute] min_microversion/max_microversion)",
                         base.microversion_skip_reason("2.70", None, "2.1", "2.61"))
        self.assertIn("test needs 2.1 - 2.10, config offers 2.20 - latest",
                      base.microversion_skip_reason(None, "2.10", "2.20", "latest"))

    def test_strip_attrs(self):
        self.assertEqual("a.b.C.test_x", base.strip_attrs("a.b.C.test_x[id-1,smoke]"))
        self.assertEqual("a.b.C.test_x", base.strip_attrs("a.b.C.test_x"))


class BaseClassTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        support.write_clouds(self.dir, auth_url=f"http://127.0.0.1:{support.free_port()}/v3")
        self.events = []
        self.useFixture(fixtures.EnvironmentVariable(base.CONFIG_ENV, self._config()))

    def _config(self, extra="", skips_file=None):
        text = support.BASIC + "max_microversion = 2.61\n" + extra
        if skips_file:
            text += f"[skiplist]\nresolved_file = {skips_file}\n"
        return support.write(self.dir, "cellgate.conf", text)

    def _skiplist(self, probe, names):
        data = {}
        for name in names:
            test = probe(name)
            data[test.id()] = {"reason": "known broken", "bug": "42", "area": "flavors",
                               "file": "skiplists/x.yaml"}
        path = support.write(self.dir, "skips.json", json.dumps(data))
        self.useFixture(fixtures.EnvironmentVariable(base.CONFIG_ENV,
                                                     self._config(skips_file=path)))

    def test_each_kind_of_test_skip(self):
        probe = make_probe(self.events)
        self._skiplist(probe, ["test_listed"])
        result = run_class(probe)
        self.assertEqual([], result.errors + result.failures)
        reasons = skips(result)
        self.assertEqual("feature disabled: [compute-feature-enabled] aggregates",
                         reasons["test_feature"])
        self.assertIn("test needs 2.70 - latest, config offers 2.1 - 2.61", reasons["test_new"])
        self.assertEqual("skiplist skiplists/x.yaml: known broken (bug 42)",
                         reasons["test_listed"])
        self.assertIn("test needs 2.90 - 2.90", reasons["test_too_new_microversion"])
        self.assertEqual(["test_feature", "test_listed", "test_new",
                          "test_too_new_microversion"], sorted(reasons))
        self.assertEqual("resource_setup", self.events[0])
        self.assertIn(("plain", None), self.events)
        self.assertIn(("switched", "2.40"), self.events)
        self.assertEqual("class_cleanup", self.events[-1])

    def test_skiplist_matches_id_without_attrs(self):
        probe = make_probe(self.events)
        test = probe("test_listed")
        self.assertIn("[id-", test.id())
        path = support.write(self.dir, "skips.json", json.dumps(
            {base.strip_attrs(test.id()): {"reason": "r", "bug": "b", "file": "f"}}))
        self.useFixture(fixtures.EnvironmentVariable(base.CONFIG_ENV,
                                                     self._config(skips_file=path)))
        self.assertEqual("skiplist f: r (bug b)", skips(run_class(probe))["test_listed"])

    def test_class_feature_skips_every_test_without_setup(self):
        probe = make_probe(self.events, required_features=("server_groups",))
        result = run_class(probe)
        self.assertEqual([], result.errors)
        reasons = set(skips(result).values())
        self.assertEqual({"feature disabled: [compute-feature-enabled] server_groups"}, reasons)
        self.assertEqual(6, len(result.skipped))
        self.assertEqual([], self.events)
        self.assertIsNone(probe.os_member)

    def test_class_microversion_out_of_range_skips(self):
        result = run_class(make_probe(self.events, microversion="2.70"))
        self.assertEqual(6, len(result.skipped))
        self.assertIn("test needs 2.70 - latest", result.skipped[0][1])

    def test_missing_role_skips(self):
        result = run_class(make_probe(self.events, roles=("member", "alt")))
        self.assertEqual({"no credentials for the alt role in [auth] (alt_cloud)"},
                         set(skips(result).values()))

    def test_class_microversion_is_applied_and_restored(self):
        before = current_microversion()
        run_class(make_probe(self.events, microversion="2.55"))
        self.assertIn(("plain", "2.55"), self.events)
        self.assertIn(("switched", "2.40"), self.events)
        self.assertEqual(before, current_microversion())

    def test_fully_skiplisted_class_skips_resource_setup(self):
        probe = make_probe(self.events)
        self._skiplist(probe, unittest.TestLoader().getTestCaseNames(probe))
        result = run_class(probe)
        self.assertEqual(6, len(result.skipped))
        self.assertEqual([], self.events)

    def test_missing_environment_variable_fails_clearly(self):
        self.useFixture(fixtures.EnvironmentVariable(base.CONFIG_ENV))
        result = run_class(make_probe(self.events))
        self.assertEqual(1, len(result.errors))
        self.assertIn("CELLGATE_CONFIG is not set", result.errors[0][1])
        self.assertIn("cellgate gate", result.errors[0][1])

    def test_bad_resolved_file_fails_clearly(self):
        self.assertEqual({}, base.load_resolved_skips(None))
        error = self.assertRaises(ConfigError, base.load_resolved_skips, f"{self.dir}/no.json")
        self.assertIn("no.json does not exist", str(error))
        path = support.write(self.dir, "bad.json", "[1, 2]")
        error = self.assertRaises(ConfigError, base.load_resolved_skips, path)
        self.assertIn("must map test ids", str(error))

    def test_server_body_defaults(self):
        probe = make_probe(self.events)
        probe.image_ref, probe.flavor_ref = "img", "7"
        body = probe._server_body({})
        self.assertEqual(("img", "7"), (body["imageRef"], body["flavorRef"]))
        self.assertTrue(body["name"].startswith("cellgate-server-"))
        self.assertNotIn("networks", body)
        self.assertNotEqual(body["name"], probe._server_body({})["name"])
        with ComputeMicroversion("2.37"):
            self.assertEqual("none", probe._server_body({})["networks"])
            self.assertEqual("auto", probe._server_body({"networks": "auto"})["networks"])

    def test_flavor_body_defaults(self):
        probe = make_probe(self.events)
        body = probe._flavor_body({"ram": 256})
        self.assertEqual(256, body["ram"])
        self.assertTrue(body["name"].startswith("cellgate-flavor-"))
        self.assertNotEqual(body["id"], probe._flavor_body({})["id"])
