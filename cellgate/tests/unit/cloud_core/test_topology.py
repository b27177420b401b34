"""Topology loading and validation: every error names the file, the key path and the fix."""

from __future__ import annotations

import os

import fixtures
import testtools
import yaml

from cellgate.cloud.topology import (
    TopologyError,
    apply_host_profile,
    load_topology,
    shipped_topologies,
)
from cellgate.errors import CellgateError

VALID = {
    "name": "t",
    "profiles": {"p": {"vcpus": 4, "memory_mb": 4096, "disk_gb": 40}},
    "cells": [{"name": "c1", "hosts": [{"name": "h1", "profile": "p"}]}],
}


class TopologyTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def write(self, document: object, name: str = "topo.yaml") -> str:
        path = os.path.join(self.dir, name)
        with open(path, "w") as handle:
            yaml.safe_dump(document, handle)
        return path

    def assert_error(self, document: object, *fragments: str) -> None:
        path = self.write(document)
        error = self.assertRaises(TopologyError, load_topology, path)
        text = str(error)
        self.assertIn(path, text)
        self.assertIn("fix:", text)
        for fragment in fragments:
            self.assertIn(fragment, text)

    def test_shipped_topologies_load(self) -> None:
        self.assertEqual(["cells-ops", "multi-cell", "nocells", "single-cell"],
                         shipped_topologies())
        nocells = load_topology("nocells")
        self.assertFalse(nocells.cells_enabled)
        self.assertEqual(1, len(nocells.cells))
        multi = load_topology("multi-cell")
        self.assertTrue(multi.cells_enabled)
        self.assertEqual(["cell1", "cell2"], multi.cell_names)
        sizes = {c.name: (len(c.hosts), c.hosts[0].profile.vcpus) for c in multi.cells}
        self.assertNotEqual(sizes["cell1"][0], sizes["cell2"][0])
        self.assertNotEqual(sizes["cell1"][1], sizes["cell2"][1])
        self.assertEqual(0, multi.cells[0].hosts[0].profile.spawn_latency_ms)

    def test_defaults(self) -> None:
        topology = load_topology(self.write(VALID))
        profile = topology.cells[0].hosts[0].profile
        self.assertEqual("nova", profile.availability_zone)
        self.assertEqual(0, profile.spawn_latency_ms)
        self.assertFalse(profile.dedicated_cpus)
        self.assertEqual((), profile.faults.fail_instances)

    def test_unknown_name_lists_shipped(self) -> None:
        error = self.assertRaises(TopologyError, load_topology, "no-such-topology")
        self.assertIn("multi-cell", str(error))
        self.assertIsInstance(error, CellgateError)

    def test_missing_key(self) -> None:
        doc = {**VALID, "profiles": {"p": {"vcpus": 4, "memory_mb": 4096}}}
        self.assert_error(doc, "profiles.p", "disk_gb")

    def test_wrong_type(self) -> None:
        doc = {**VALID, "profiles": {"p": {"vcpus": "four", "memory_mb": 1, "disk_gb": 1}}}
        self.assert_error(doc, "profiles.p.vcpus", "integer")

    def test_unknown_key(self) -> None:
        doc = {**VALID, "cells": [{"name": "c1", "hosts": [{"name": "h1", "profile": "p",
                                                             "colour": "red"}]}]}
        self.assert_error(doc, "cells[0].hosts[0]", "colour", "remove")

    def test_fault_plan_validated(self) -> None:
        doc = {**VALID, "profiles": {"p": {"vcpus": 4, "memory_mb": 1, "disk_gb": 1,
                                           "faults": {"fail_next_spawns": -1}}}}
        self.assert_error(doc, "profiles.p.faults.fail_next_spawns", ">= 0")

    def test_unknown_profile(self) -> None:
        doc = {**VALID, "cells": [{"name": "c1", "hosts": [{"name": "h1", "profile": "q"}]}]}
        self.assert_error(doc, "cells[0].hosts[0].profile", "'q'", "define it under profiles")

    def test_host_names_unique_across_cells(self) -> None:
        doc = {**VALID, "cells": [{"name": "c1", "hosts": [{"name": "h1", "profile": "p"}]},
                                  {"name": "c2", "hosts": [{"name": "h1", "profile": "p"}]}]}
        self.assert_error(doc, "cells[1].hosts[0].name", "unique across cells")

    def test_nocells_needs_exactly_one_cell(self) -> None:
        doc = {**VALID, "cells_enabled": False,
               "cells": [{"name": "c1", "hosts": [{"name": "h1", "profile": "p"}]},
                         {"name": "c2", "hosts": [{"name": "h2", "profile": "p"}]}]}
        self.assert_error(doc, "cells", "exactly one cell")

    def test_bad_yaml(self) -> None:
        path = os.path.join(self.dir, "bad.yaml")
        with open(path, "w") as handle:
            handle.write("name: [unclosed\n")
        error = self.assertRaises(TopologyError, load_topology, path)
        self.assertIn(path, str(error))
        self.assertIn("YAML", str(error))

    def test_apply_host_profile_by_name(self) -> None:
        topology = apply_host_profile(load_topology("multi-cell"), "small")
        profiles = {h.profile.name for c in topology.cells for h in c.hosts}
        self.assertEqual({"small"}, profiles)

    def test_apply_host_profile_from_file(self) -> None:
        path = self.write({"name": "tiny", "vcpus": 1, "memory_mb": 256, "disk_gb": 1,
                           "faults": {"fail_all_spawns": True}}, "profile.yaml")
        topology = apply_host_profile(load_topology("single-cell"), path)
        for cell in topology.cells:
            for host in cell.hosts:
                self.assertEqual(1, host.profile.vcpus)
                self.assertTrue(host.profile.faults.fail_all_spawns)

    def test_apply_host_profile_errors(self) -> None:
        error = self.assertRaises(TopologyError, apply_host_profile,
                                  load_topology("single-cell"), "nope")
        self.assertIn("medium", str(error))
        path = self.write({"vcpus": 1}, "profile.yaml")
        error = self.assertRaises(TopologyError, apply_host_profile,
                                  load_topology("single-cell"), path)
        self.assertIn(path, str(error))
        self.assertIn("memory_mb", str(error))
