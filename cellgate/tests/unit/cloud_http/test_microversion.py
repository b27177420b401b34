"""Microversion parsing and negotiation (pure functions)."""

from __future__ import annotations

import testtools
from werkzeug.datastructures import Headers

from cellgate.cloud.api import microversion as mv


class ParseTest(testtools.TestCase):
    def test_parse_and_compare(self):
        self.assertEqual(mv.APIVersion(2, 47), mv.APIVersion.parse("2.47"))
        self.assertTrue(mv.APIVersion.parse("2.10") > mv.APIVersion.parse("2.9"))
        self.assertTrue(mv.APIVersion.parse("2.19") >= "2.19")
        self.assertTrue(mv.APIVersion.parse("2.18") < "2.19")
        self.assertEqual("2.61", str(mv.APIVersion.parse(" 2.61 ")))

    def test_malformed_is_400(self):
        for text in ("2", "2.", "two.one", "2.1.1", "", "2.01x", "-2.1"):
            error = self.assertRaises(mv.MicroversionError, mv.APIVersion.parse, text)
            self.assertEqual(400, error.status, text)


class NegotiateTest(testtools.TestCase):
    def test_no_header_is_minimum(self):
        self.assertEqual(mv.MIN_API_VERSION, mv.negotiate(Headers()))

    def test_latest_is_maximum(self):
        self.assertEqual(mv.APIVersion(2, 104),
                         mv.negotiate(Headers({"X-OpenStack-Nova-API-Version": "latest"})))
        self.assertEqual(mv.APIVersion(2, 104),
                         mv.negotiate(Headers({"OpenStack-API-Version": "compute latest"})))

    def test_new_header_wins_over_legacy(self):
        headers = Headers({"OpenStack-API-Version": "compute 2.47",
                           "X-OpenStack-Nova-API-Version": "2.3"})
        self.assertEqual(mv.APIVersion(2, 47), mv.negotiate(headers))

    def test_new_header_for_another_service_is_ignored(self):
        headers = Headers({"OpenStack-API-Version": "volume 3.5"})
        self.assertEqual(mv.MIN_API_VERSION, mv.negotiate(headers))

    def test_several_entries_last_compute_one_wins(self):
        headers = Headers({"OpenStack-API-Version": "compute 2.10, volume 3.5, compute 2.20"})
        self.assertEqual(mv.APIVersion(2, 20), mv.negotiate(headers))

    def test_compute_entry_without_version_is_ignored(self):
        # as Nova (microversion_parse): not an error, the request gets the minimum
        headers = Headers({"OpenStack-API-Version": "compute"})
        self.assertEqual(mv.MIN_API_VERSION, mv.negotiate(headers))

    def test_out_of_range_is_406(self):
        for text in ("2.0", "2.105", "3.0", "1.1"):
            error = self.assertRaises(mv.MicroversionError, mv.negotiate,
                                      Headers({"X-OpenStack-Nova-API-Version": text}))
            self.assertEqual(406, error.status, text)

    def test_malformed_header_is_400(self):
        error = self.assertRaises(mv.MicroversionError, mv.negotiate,
                                  Headers({"OpenStack-API-Version": "compute 2.x"}))
        self.assertEqual(400, error.status)

    def test_response_headers_echo_both_and_vary(self):
        headers = dict(mv.response_headers(mv.APIVersion(2, 55)))
        self.assertEqual("compute 2.55", headers["OpenStack-API-Version"])
        self.assertEqual("2.55", headers["X-OpenStack-Nova-API-Version"])
        self.assertIn("OpenStack-API-Version", headers["Vary"])
        self.assertIn("X-OpenStack-Nova-API-Version", headers["Vary"])


class ForVersionTest(testtools.TestCase):
    def test_first_minimum_reached_wins_else_default(self) -> None:
        choices = (("2.57", "new"), ("2.19", "mid"))
        self.assertEqual("new", mv.for_version(mv.APIVersion.parse("2.61"), choices, "old"))
        self.assertEqual("mid", mv.for_version(mv.APIVersion.parse("2.19"), choices, "old"))
        self.assertEqual("old", mv.for_version(mv.APIVersion.parse("2.18"), choices, "old"))
