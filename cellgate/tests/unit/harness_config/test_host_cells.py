"""[cells] host_cells: parsing, the accessor, and the --host-cell / --host-cell-regex options."""

from __future__ import annotations

import fixtures
import testtools

from cellgate.harness.config import ConfigError, format_host_cells, load_config
from cellgate.harness.host_cells import HostCellsError, cells_by_regex, parse_pairs
from cellgate.tests.unit.harness_config import support


class HostCellsConfigTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        support.write_clouds(self.dir)

    def _load(self, cells):
        return load_config(support.write(self.dir, "c.conf", support.BASIC + cells))

    def test_mapping_and_accessor(self):
        config = self._load("[cells]\ncount = 2\nhost_cells = a=cell1, b=cell2\n  c=cell2\n")
        self.assertEqual({"a": "cell1", "b": "cell2", "c": "cell2"}, dict(config.cells.host_cells))
        self.assertEqual("cell2", config.cells.cell_of("b"))
        self.assertIsNone(config.cells.cell_of("nowhere"))

    def test_absent_mapping_is_empty(self):
        self.assertEqual({}, dict(self._load("[cells]\ncount = 1\n").cells.host_cells))

    def test_bad_pair_names_the_key(self):
        error = str(self.assertRaises(ConfigError, self._load, "[cells]\nhost_cells = a-cell1\n"))
        self.assertIn("[cells] host_cells", error)
        self.assertIn("HOST=CELL", error)

    def test_format_round_trips(self):
        text = format_host_cells({"b": "cell2", "a": "cell1"})
        self.assertEqual("a=cell1, b=cell2", text)
        self.assertEqual({"a": "cell1", "b": "cell2"},
                         dict(self._load(f"[cells]\nhost_cells = {text}\n").cells.host_cells))


class HostCellOptionsTest(testtools.TestCase):

    def test_pairs(self):
        self.assertEqual({"h1": "c1", "h2": "c2"}, parse_pairs(["h1=c1", "h2=c2"]))
        self.assertRaises(HostCellsError, parse_pairs, ["h1"])

    def test_regex_first_or_named_group(self):
        hosts = ["cell1-compute1", "cell2-compute1", "other"]
        self.assertEqual({"cell1-compute1": "cell1", "cell2-compute1": "cell2"},
                         cells_by_regex(hosts, r"^(cell\d+)-"))
        self.assertEqual({"cell1-compute1": "cell1", "cell2-compute1": "cell2"},
                         cells_by_regex(hosts, r"^(?:x-)?(?P<cell>cell\d+)-"))

    def test_regex_errors(self):
        self.assertRaises(HostCellsError, cells_by_regex, ["a"], r"^cell\d+")
        self.assertRaises(HostCellsError, cells_by_regex, ["a"], r"(")
