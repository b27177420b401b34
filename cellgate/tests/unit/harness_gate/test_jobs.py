"""Gate job files: validation and lookup by name."""

from __future__ import annotations

import textwrap
from pathlib import Path

import fixtures
import testtools

from cellgate.errors import UsageError
from cellgate.harness import jobs, paths


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
        loaded = {name: jobs.load_job(jobs.find_job(name, Path(self.dir)))
                  for name in jobs.known_jobs(Path(self.dir))}
        self.assertEqual({"nocells", "cells-single", "cells-multi", "services-serial",
                          "cells-serial"}, set(loaded))
        self.assertEqual(1, loaded["services-serial"].concurrency)
        self.assertEqual(1, loaded["cells-serial"].concurrency)
        self.assertTrue(loaded["cells-single"].voting)
        self.assertTrue(loaded["nocells"].voting)
        self.assertTrue(loaded["cells-multi"].voting)


class ProjectRootTest(testtools.TestCase):
    """Shipped jobs come from package data; a user's own `gate/` folder wins by name."""

    def setUp(self) -> None:
        super().setUp()
        self.elsewhere = Path(self.useFixture(fixtures.TempDir()).path)

    def test_shipped_job_found_from_any_folder(self) -> None:
        self.assertIsNone(paths.find_project_root(self.elsewhere))
        path = jobs.find_job("cells-single", self.elsewhere)
        self.assertEqual(paths.data_root() / "gate" / "cells-single.yaml", path)
        self.assertTrue(path.is_relative_to(paths.package_dir()))
        job = jobs.load_job(path)
        self.assertEqual(paths.data_root() / "skiplists" / "cells-single.yaml", job.skiplist)

    def test_a_nearer_gate_folder_wins(self) -> None:
        mine = self.elsewhere
        (mine / "gate").mkdir()
        (mine / "gate" / "custom.yaml").write_text("name: custom\n", encoding="utf-8")
        (mine / "gate" / "nocells.yaml").write_text("name: nocells\n", encoding="utf-8")
        (mine / "deep").mkdir()
        self.assertEqual(mine.resolve(), paths.find_project_root(mine / "deep"))
        self.assertEqual((mine / "gate" / "nocells.yaml").resolve(),
                         jobs.find_job("nocells", mine / "deep"))
        self.assertEqual(paths.data_root() / "gate" / "cells-single.yaml",
                         jobs.find_job("cells-single", mine / "deep"))
        self.assertEqual(["cells-multi", "cells-serial", "cells-single", "custom", "nocells",
                          "services-serial"], jobs.known_jobs(mine / "deep"))

    def test_own_job_may_name_a_shipped_skiplist(self) -> None:
        (self.elsewhere / "gate").mkdir()
        own = self.elsewhere / "gate" / "mine.yaml"
        own.write_text("name: mine\ntopology: nocells\nskiplist: skiplists/nocells.yaml\n"
                       "voting: true\n", encoding="utf-8")
        self.assertEqual(paths.data_root() / "skiplists" / "nocells.yaml",
                         jobs.load_job(own).skiplist)
