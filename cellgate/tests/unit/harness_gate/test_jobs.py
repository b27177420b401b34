"""Gate job files: validation and lookup by name."""

from __future__ import annotations

import textwrap

import fixtures
import testtools

from cellgate.errors import UsageError
from cellgate.harness import jobs


class JobFileTest(testtools.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        with open(f"{self.dir}/skips.yaml", "w", encoding="utf-8") as handle:
            handle.write("skips: []\n")

    def write(self, text: str) -> str:
        path = f"{self.dir}/job.yaml"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(textwrap.dedent(text))
        return path

    def test_valid_job_resolves_paths_relative_to_the_file(self) -> None:
        job = jobs.load_job(self.write("""
            name: mine
            topology: topo.yaml
            skiplist: skips.yaml
            voting: false
            concurrency: 3
            features: {aggregates: true}
            test_filter: 'servers'
            """))
        self.assertEqual(("mine", False, 3, {"aggregates": True}, "servers"),
                         (job.name, job.voting, job.concurrency, job.features, job.test_filter))
        self.assertEqual(f"{self.dir}/topo.yaml", job.topology)
        self.assertEqual(f"{self.dir}/skips.yaml", str(job.skiplist))

    def test_shipped_topology_name_stays_a_name(self) -> None:
        job = jobs.load_job(self.write("name: a\ntopology: nocells\nskiplist: null\n"
                                       "voting: true\n"))
        self.assertEqual(("nocells", None), (job.topology, job.skiplist))

    def test_unknown_key(self) -> None:
        path = self.write("name: a\ntopology: nocells\nskiplist: null\nvoting: true\nvote: 1\n")
        error = self.assertRaises(jobs.JobError, jobs.load_job, path)
        self.assertIn(path, str(error))
        self.assertIn("'vote' was unexpected", str(error))
        self.assertIn("fix: remove the unknown key", str(error))

    def test_voting_must_be_boolean(self) -> None:
        path = self.write("name: a\ntopology: nocells\nskiplist: null\nvoting: sometimes\n")
        error = self.assertRaises(jobs.JobError, jobs.load_job, path)
        self.assertIn("key voting", str(error))

    def test_unknown_feature_flag_suggests_the_right_one(self) -> None:
        path = self.write("name: a\ntopology: nocells\nskiplist: null\nvoting: true\n"
                          "features: {agregates: true}\n")
        error = self.assertRaises(jobs.JobError, jobs.load_job, path)
        self.assertIn("features.agregates", str(error))
        self.assertIn("did you mean 'aggregates'", str(error))

    def test_missing_skiplist_file(self) -> None:
        path = self.write("name: a\ntopology: nocells\nskiplist: gone.yaml\nvoting: true\n")
        error = self.assertRaises(jobs.JobError, jobs.load_job, path)
        self.assertIn("key skiplist", str(error))

    def test_bad_filter_regex(self) -> None:
        path = self.write("name: a\ntopology: nocells\nskiplist: null\nvoting: true\n"
                          "test_filter: '('\n")
        self.assertIn("key test_filter", str(self.assertRaises(jobs.JobError, jobs.load_job,
                                                               path)))

    def test_unknown_job_lists_known_ones(self) -> None:
        error = self.assertRaises(UsageError, jobs.find_job, "cells-triple")
        self.assertIn("cells-triple", str(error))
        self.assertIn("cells-single", str(error))

    def test_shipped_jobs_load(self) -> None:
        loaded = {name: jobs.load_job(jobs.find_job(name)) for name in jobs.known_jobs()}
        self.assertEqual({"nocells", "cells-single", "cells-multi"}, set(loaded))
        self.assertTrue(loaded["cells-single"].voting)
        self.assertTrue(loaded["nocells"].voting)
        self.assertFalse(loaded["cells-multi"].voting)


class ProjectRootTest(testtools.TestCase):
    def test_found_from_outside_the_checkout_through_the_package(self) -> None:
        from pathlib import Path

        from cellgate.harness.paths import find_project_root, package_dir

        elsewhere = Path(self.useFixture(fixtures.TempDir()).path)
        root = find_project_root(elsewhere)
        self.assertEqual(package_dir().parent, root)
        self.assertTrue((root / "gate" / "cells-single.yaml").is_file())

    def test_a_nearer_gate_folder_wins(self) -> None:
        from pathlib import Path

        from cellgate.harness.paths import find_project_root

        mine = Path(self.useFixture(fixtures.TempDir()).path)
        (mine / "gate").mkdir()
        (mine / "gate" / "custom.yaml").write_text("name: custom\n", encoding="utf-8")
        (mine / "deep").mkdir()
        self.assertEqual(mine.resolve(), find_project_root(mine / "deep"))
