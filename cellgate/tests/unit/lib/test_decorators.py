"""Feature/microversion decorators attach metadata only; tempest.lib's are re-exported."""

from __future__ import annotations

import testtools
from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators


class DecoratorsTest(testtools.TestCase):

    def test_requires_features_attaches_and_accumulates(self):
        @decorators.requires_features("extra_specs")
        @decorators.requires_features("private_flavors", "extra_specs")
        def test_thing():
            return "ran"

        self.assertEqual(("private_flavors", "extra_specs"),
                         decorators.required_features_of(test_thing))
        self.assertEqual("ran", test_thing())  # the function itself is untouched

    def test_requires_features_needs_names(self):
        self.assertRaises(ValueError, decorators.requires_features)
        self.assertRaises(ValueError, decorators.requires_features, "")

    def test_requires_microversion(self):
        @decorators.requires_microversion("2.55")
        def test_a():
            pass

        @decorators.requires_microversion("2.1", "2.60")
        def test_b():
            pass

        self.assertEqual(("2.55", None), decorators.microversion_range_of(test_a))
        self.assertEqual(("2.1", "2.60"), decorators.microversion_range_of(test_b))
        self.assertIsNone(decorators.microversion_range_of(lambda: None))
        self.assertEqual((), decorators.required_features_of(lambda: None))

    def test_requires_microversion_validates(self):
        self.assertRaises(lib_exc.InvalidAPIVersionString, decorators.requires_microversion, "two")
        self.assertRaises(ValueError, decorators.requires_microversion, "2.60", "2.1")

    def test_metadata_survives_idempotent_id_and_skip_because(self):
        @decorators.idempotent_id("6f1e3c1a-4c0f-4d59-9d7c-0f2b7f1b4d1e")
        @decorators.skip_because(bug="123", condition=False)
        @decorators.requires_features("reboot")
        def test_c():
            return 1

        self.assertEqual(("reboot",), decorators.required_features_of(test_c))
        attrs = getattr(test_c, "__testtools_attrs")
        self.assertIn("id-6f1e3c1a-4c0f-4d59-9d7c-0f2b7f1b4d1e", attrs)
        self.assertEqual(1, test_c())

    def test_class_metadata(self):
        @decorators.requires_features("aggregates")
        class Something:
            pass

        self.assertEqual(("aggregates",), decorators.required_features_of(Something))
