"""benchmarks/cells_scale.py at a tiny size (2 cells x 2 hosts x 20 servers), so it does not
rot: it completes, its figures are there, and its repair leaves the read model exact. No
timing is asserted."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from pathlib import Path

import fixtures
import testtools

import cellgate

BENCHMARK = Path(cellgate.__file__).resolve().parent.parent / "benchmarks" / "cells_scale.py"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("cells_scale_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@testtools.skipUnless(BENCHMARK.is_file(), "benchmarks/ is not in this installation")
class CellsScaleBenchmarkTest(testtools.TestCase):
    def test_tiny_run_completes_and_repair_leaves_the_read_model_exact(self):
        bench = _load_benchmark()
        out = Path(self.useFixture(fixtures.TempDir()).path) / "figures.json"
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = bench.main(["--cells", "2", "--hosts-per-cell", "2", "--servers", "20",
                               "--drop", "0.25", "--listings", "1", "--json", str(out)])
        self.assertEqual(0, code, printed.getvalue())
        (figures,) = json.loads(out.read_text(encoding="utf-8"))["results"]
        self.assertEqual((2, 4, 20, 0), (figures["cells"], figures["hosts"],
                                         figures["servers"], figures["errors"]))
        self.assertEqual(20, figures["decisions"])  # one scheduling decision per server
        # the dropped sync-ups left exactly those servers stale; the repair fixed them all
        self.assertGreater(figures["dropped"], 0)
        self.assertEqual(figures["dropped"], figures["stale_before_repair"])
        self.assertEqual(figures["dropped"], figures["repaired"])
        self.assertTrue(figures["exact_after_repair"], figures["differences"])
        self.assertEqual(0, figures["repaired_again"])  # a second repair changes nothing
        self.assertEqual(20, figures["listed"])
        self.assertIn("repair s", printed.getvalue())

    def test_generated_topology_has_the_asked_shape(self):
        bench = _load_benchmark()
        folder = Path(self.useFixture(fixtures.TempDir()).path)
        topology = bench.write_topology(folder, 3, 4, 1000)
        self.assertEqual(["cell1", "cell2", "cell3"], topology.cell_names)
        hosts = [host for cell in topology.cells for host in cell.hosts]
        self.assertEqual(12, len({host.name for host in hosts}))
        # every host has room for twice its share of the servers
        self.assertTrue(all(host.profile.vcpus * len(hosts) >= 2 * 1000 for host in hosts))

    def test_read_model_differences_sees_a_stale_copy(self):
        bench = _load_benchmark()
        folder = Path(self.useFixture(fixtures.TempDir()).path)
        topology = bench.write_topology(folder, 1, 1, 1)
        with bench.serving(topology, folder / "state") as (cloud, clouds_yaml):
            tap = bench.SyncTap(cloud.deployment.transport, drop=1.0, seed=1)
            tap.dropping = True
            bench.ComputeHttp(clouds_yaml).boot("stale", cloud.images_list()[0]["id"], 1)
            tap.wait_finished(1, timeout=60)
            bench.quiesce(cloud, tap, timeout=60)
            (problem,) = bench.read_model_differences(cloud)
            self.assertIn("read model differs in", problem)
            self.assertIn("vm_state", problem)
            self.assertEqual(1, bench.repair_read_model(cloud, timeout=60))
            self.assertEqual([], bench.read_model_differences(cloud))
