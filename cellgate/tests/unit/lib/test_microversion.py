"""The microversion fixture sets tempest.lib's COMPUTE_MICROVERSION and restores it."""

from __future__ import annotations

import testtools
from tempest.lib import exceptions as lib_exc
from tempest.lib.services.compute import base_compute_client

from cellgate.lib.microversion import ComputeMicroversion, current_microversion, version_at_least


class ComputeMicroversionTest(testtools.TestCase):

    def test_sets_and_restores(self):
        before = base_compute_client.COMPUTE_MICROVERSION
        outer = ComputeMicroversion("2.37")
        with outer:
            self.assertEqual("2.37", current_microversion())
            with ComputeMicroversion("2.61"):
                self.assertEqual("2.61", base_compute_client.COMPUTE_MICROVERSION)
            self.assertEqual("2.37", current_microversion())
            with ComputeMicroversion(None):
                self.assertIsNone(current_microversion())
        self.assertEqual(before, base_compute_client.COMPUTE_MICROVERSION)

    def test_restores_after_a_failing_body(self):
        before = current_microversion()

        def boom():
            with ComputeMicroversion("2.10"):
                raise RuntimeError("x")

        self.assertRaises(RuntimeError, boom)
        self.assertEqual(before, current_microversion())

    def test_malformed_version(self):
        self.assertRaises(lib_exc.InvalidAPIVersionString, ComputeMicroversion, "2.x")

    def test_version_at_least(self):
        self.assertTrue(version_at_least("2.37", "2.37"))
        self.assertTrue(version_at_least("2.100", "2.37"))
        self.assertFalse(version_at_least("2.36", "2.37"))
        self.assertFalse(version_at_least(None, "2.2"))
        self.assertTrue(version_at_least("latest", "2.61"))
