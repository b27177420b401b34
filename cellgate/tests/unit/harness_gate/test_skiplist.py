"""Skiplist loader and resolver: validation errors name the file, the entry and the fix."""

from __future__ import annotations

import json
import textwrap

import fixtures
import testtools

from cellgate.errors import CellgateError
from cellgate.harness import skiplist as sl

UUID_A = "0c4b7c4e-1d2f-4e1a-9f6b-2a4d8e0b1c11"
UUID_B = "9a7e6f1c-3b5d-4c2e-8f0a-1b2c3d4e5f60"
TESTS = [
    f"cellgate.tests.api.flavors.test_flavors.FlavorsTest.test_list[id-{UUID_A}]",
    f"cellgate.tests.api.servers.test_create.CreateTest.test_boot[id-{UUID_B},smoke]",
    "cellgate.tests.scenario.aggregates.test_agg.AggTest.test_az[id-11111111-2222-3333-4444-"
    "555555555555]",
]


class SkiplistTest(testtools.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def write(self, text: str, name: str = "job.yaml") -> str:
        path = f"{self.dir}/{name}"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(textwrap.dedent(text))
        return path

    def assert_error(self, text: str, *fragments: str, test_ids: list[str] | None = None) -> None:
        path = self.write(text)
        error = self.assertRaises(sl.SkiplistError, sl.load_skiplist, path, test_ids=test_ids)
        self.assertIsInstance(error, CellgateError)
        for fragment in (path, *fragments):
            self.assertIn(fragment, str(error))

    def test_empty_list_is_valid(self) -> None:
        self.assertEqual((), sl.load_skiplist(self.write("skips: []\n")).entries)

    def test_unknown_key_names_entry_and_fix(self) -> None:
        self.assert_error(f"""
            skips:
              - {{id: {UUID_A}, reason: r, bug: "1", area: flavors}}
              - {{regex: 'x', reason: r, bug: "1", area: flavors, colour: red}}
            """, "entry 1 (regex 'x')", "colour", "fix: remove the unknown key")

    def test_missing_bug(self) -> None:
        self.assert_error(f"skips:\n  - {{id: {UUID_A}, reason: r, area: flavors}}\n",
                          f"entry 0 (id {UUID_A})", "'bug' is a required property", "fix:")

    def test_missing_reason(self) -> None:
        self.assert_error(f"skips:\n  - {{id: {UUID_A}, bug: LP1, area: flavors}}\n",
                          "'reason' is a required property")

    def test_id_and_regex_together(self) -> None:
        self.assert_error(f"skips:\n  - {{id: {UUID_A}, regex: x, reason: r, bug: b, "
                          "area: flavors}\n", "has id and regex", "exactly one of")

    def test_bad_regex(self) -> None:
        self.assert_error("skips:\n  - {regex: 'test_(', reason: r, bug: b, area: servers}\n",
                          "entry 0 (regex 'test_(')", "bad regex")

    def test_duplicate_entry(self) -> None:
        self.assert_error(f"""
            skips:
              - {{id: {UUID_A}, reason: r, bug: b, area: flavors}}
              - {{id: {UUID_A.upper()}, reason: r2, bug: b, area: flavors}}
            """, f"entry 1 (id {UUID_A.upper()})", "duplicates entry 0")

    def test_entry_matching_no_test(self) -> None:
        self.assert_error("skips:\n  - {regex: 'volumes', reason: r, bug: b, area: volumes}\n",
                          "entry 0 (regex 'volumes')", "matches no test", test_ids=TESTS)

    def test_id_entry_with_wrong_area(self) -> None:
        self.assert_error(f"skips:\n  - {{id: {UUID_B}, reason: r, bug: b, area: flavors}}\n",
                          "area is 'flavors'", "set `area: servers`", test_ids=TESTS)

    def test_not_a_mapping(self) -> None:
        self.assert_error("- just a list\n", "top level")

    def test_missing_file(self) -> None:
        error = self.assertRaises(sl.SkiplistError, sl.load_skiplist, f"{self.dir}/nope.yaml")
        self.assertIn("nope.yaml", str(error))

    def test_resolve_by_id_and_regex(self) -> None:
        path = self.write(f"""
            skips:
              - id: {UUID_B}
                reason: boot is broken
                bug: https://bugs.example.org/1
                area: servers
              - regex: '\\.scenario\\.aggregates\\.'
                reason: no aggregates
                bug: 42
                area: aggregates
            """, name="cells-single.yaml")
        skiplist = sl.load_skiplist(path, test_ids=TESTS)
        resolved = sl.resolve_skiplist(skiplist, TESTS)
        self.assertEqual({TESTS[1], TESTS[2]}, set(resolved))
        self.assertEqual({"reason": "boot is broken", "bug": "https://bugs.example.org/1",
                          "area": "servers", "file": "cells-single.yaml",
                          "entry": f"entry 0 (id {UUID_B})"}, resolved[TESTS[1]])
        self.assertEqual("42", resolved[TESTS[2]]["bug"])
        written = sl.write_resolved(f"{self.dir}/out/resolved.json", resolved)
        self.assertEqual(resolved, json.loads(written.read_text()))

    def test_shipped_skiplists_are_valid(self) -> None:
        files = sl.shipped_skiplists()
        self.assertEqual({"nocells", "cells-single", "cells-multi"},
                         {path.stem for path in files})
        for path in files:
            sl.load_skiplist(path)
