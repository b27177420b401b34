"""JUnit XML written from a recorded subunit stream by python-subunit's junitxml filter."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import fixtures
import testtools

from cellgate.harness.junit import JUNIT_NAME, write_junit
from cellgate.tests.unit.harness_parity import recorded


class JunitTest(testtools.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = Path(self.useFixture(fixtures.TempDir()).path)

    def _convert(self, source: Path) -> ET.Element:
        target = write_junit(source, self.dir / JUNIT_NAME)
        return ET.parse(target).getroot()

    def test_every_test_of_the_stream_is_a_testcase_with_its_skip_reason(self) -> None:
        suite = self._convert(recorded.stream("cells-single"))
        self.assertEqual("24", suite.get("tests"))
        self.assertEqual("0", suite.get("failures"))
        cases = suite.findall("testcase")
        self.assertEqual(24, len(cases))
        skipped = {case.get("name"): case.find("skipped").text for case in cases
                   if case.find("skipped") is not None}
        self.assertEqual(2, len(skipped))
        listed = [text for name, text in skipped.items() if "8cb26b56" in name]
        self.assertIn("bug https://bugs.example.org/cellgate/7", listed[0])

    def test_a_failed_test_is_a_failure_with_its_traceback(self) -> None:
        source = recorded.planted(recorded.stream("nocells"), self.dir / "planted.subunit")
        suite = self._convert(source)
        self.assertEqual("1", suite.get("failures"))
        failed = [case for case in suite.findall("testcase") if case.find("failure") is not None]
        self.assertEqual(["test_list_services[id-64f6a0c7-f4e0-4a32-924c-5aa808ec2c96]"],
                         [case.get("name") for case in failed])

    def test_default_target_is_beside_the_stream(self) -> None:
        source = self.dir / "results.subunit"
        source.write_bytes(recorded.stream("nocells").read_bytes())
        self.assertEqual(self.dir / JUNIT_NAME, write_junit(source))
        self.assertTrue((self.dir / JUNIT_NAME).is_file())
