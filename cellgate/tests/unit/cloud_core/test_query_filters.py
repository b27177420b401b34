"""The server-list filter helpers: regex filters run by RE2 (linear time, so one tenant's
catastrophic pattern cannot stall the others), the ip and tag filters, and how many servers
one boot request makes."""

from __future__ import annotations

import threading

import testtools

from cellgate.cloud import exceptions as exc
from cellgate.cloud.compute import api, query
from cellgate.cloud.exceptions import Invalid

_CATASTROPHIC = "(a+)+$"  # exponential for a backtracking engine on "aaa...ab"


class RegexMatcherTest(testtools.TestCase):
    def test_search_anywhere(self):
        matches = query.name_matcher("pro.e")
        self.assertTrue(matches("my-probe-1"))
        self.assertFalse(matches("other"))
        self.assertFalse(matches(None))

    def test_catastrophic_pattern_completes(self):
        # Python's re needs ~2**40 steps here; RE2 is linear. The bound is generous on
        # purpose: the point is that it finishes at all.
        name = "a" * 40 + "b"
        long_name = "a" * 200_000 + "b"
        results: list[bool] = []
        worker = threading.Thread(target=lambda: results.extend(
            [query.name_matcher(_CATASTROPHIC)(name),
             query.name_matcher(_CATASTROPHIC)(long_name)]), daemon=True)
        worker.start()
        worker.join(timeout=60)
        self.assertFalse(worker.is_alive(), "the regex filter did not finish")
        self.assertEqual([False, False], results)

    def test_patterns_re2_lacks_are_refused_like_invalid_ones(self):
        # valid for Python's re but not linear-time: refused with Nova's 400, never run
        for pattern in (r"(pr)\1", "pro(?=be)", "(?<!x)a", "(unclosed", ""):
            error = self.assertRaises(Invalid, query.name_matcher, pattern)
            self.assertEqual("Invalid input for query parameters name. Value: %s. "
                             "'%s' is not a 'regex'" % (pattern, pattern), str(error))

    def test_ip_matches_fixed_ipv4_from_the_start(self):
        record = {"addresses": {"private": [
            {"version": 4, "addr": "10.1.2.3", "OS-EXT-IPS:type": "fixed"},
            {"version": 4, "addr": "172.16.0.9", "OS-EXT-IPS:type": "floating"},
            {"version": 6, "addr": "fd00::10.1.2.3", "OS-EXT-IPS:type": "fixed"}]}}
        self.assertTrue(query.ip_matcher(r"10\.1\.")(record))
        self.assertTrue(query.ip_matcher("10.1.2.3")(record))
        self.assertFalse(query.ip_matcher(r"1\.2\.3")(record))  # anchored at the start
        self.assertFalse(query.ip_matcher("172")(record))  # floating, not fixed
        self.assertFalse(query.ip_matcher("10")({"addresses": {}}))
        self.assertRaises(Invalid, query.ip_matcher, "(a+)+\\1")


class FieldMatcherTest(testtools.TestCase):
    def test_regex_on_a_field(self):
        matches = query.field_matcher("hostname", "^web-[0-9]+$")
        self.assertTrue(matches({"hostname": "web-12"}))
        self.assertFalse(matches({"hostname": "db-1"}))
        self.assertFalse(query.field_matcher("key_name", ".*")({"key_name": None}))
        self.assertRaises(Invalid, query.field_matcher, "node", r"(a)\1")


class TagsMatcherTest(testtools.TestCase):
    def _names(self, **filters):
        records = [{"name": "ab", "tags": ["a", "b"]}, {"name": "a", "tags": ["a"]},
                   {"name": "none", "tags": []}]
        matches = query.tags_matcher(filters)
        return [r["name"] for r in records if matches(r)]

    def test_filters(self):
        self.assertIsNone(query.tags_matcher({}))
        self.assertEqual(["ab"], self._names(tags="a,b"))
        self.assertEqual(["ab", "a"], self._names(**{"tags-any": "b,a"}))
        self.assertEqual(["a", "none"], self._names(**{"not-tags": "a,b"}))
        self.assertEqual(["none"], self._names(**{"not-tags-any": "a,c"}))
        self.assertEqual(["a"], self._names(tags="a", **{"not-tags": "b"}))


class ServerCountTest(testtools.TestCase):
    """min_count..max_count servers per boot, bounded by the per-request limit."""

    def test_counts(self):
        limit = api.MAX_SERVERS_PER_REQUEST
        self.assertEqual(1, api._server_count(1, 1))
        self.assertEqual(3, api._server_count(1, 3))
        self.assertEqual(limit, api._server_count(2, limit * 10))
        self.assertEqual(limit, api._server_count(limit, limit))
        error = self.assertRaises(exc.QuotaOrCapacityExceeded, api._server_count,
                                  limit + 1, limit + 1)
        self.assertIn("Quota exceeded for instances", str(error))
        self.assertRaises(exc.Invalid, api._server_count, 2, 1)
        self.assertRaises(exc.Invalid, api._server_count, 0, 1)
