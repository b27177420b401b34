"""A plain (non-editable) install runs the shipped gate jobs from any folder.

The checkout is copied to a temp dir and installed with `pip install --target` (no deps: the
running environment already has them); then `python -m cellgate` runs
from an empty folder with only that target on PYTHONPATH, so nothing of the checkout (its
folders, the editable install) can stand in for the package data.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import fixtures
import testtools

import cellgate
from cellgate.harness.paths import package_dir

SOURCE_FILES = ("pyproject.toml", "README.md")
BUILD_BACKEND = ("setuptools", "wheel")


class NonEditableInstallTest(testtools.TestCase):
    """Install the checkout into a temp dir once, then run it from an empty folder."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        checkout = package_dir().parent
        if not (checkout / "pyproject.toml").is_file():
            raise cls.skipException("not running from a checkout: nothing to install")
        cls.tmp = Path(cls._make_tmp())
        source = cls.tmp / "src"
        source.mkdir()
        for name in SOURCE_FILES:
            shutil.copy2(checkout / name, source / name)
        shutil.copytree(checkout / "cellgate", source / "cellgate",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        cls.target = cls.tmp / "site"
        # offline when this environment can build the wheel itself (the `test` extra brings
        # setuptools and wheel), else pip fetches the build backend into an isolated env
        offline = all(importlib.util.find_spec(name) for name in BUILD_BACKEND)
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
             *(("--no-index", "--no-build-isolation") if offline else ()),
             "--disable-pip-version-check", "--target", str(cls.target), str(source)],
            capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode != 0:
            raise AssertionError(f"pip install failed:\n{proc.stdout}\n{proc.stderr}")
        shutil.rmtree(source)

    @classmethod
    def _make_tmp(cls) -> str:
        fixture = fixtures.TempDir()
        fixture.setUp()
        cls.addClassCleanup(fixture.cleanUp)
        return fixture.path

    def setUp(self) -> None:
        super().setUp()
        self.empty = self.useFixture(fixtures.TempDir()).path
        self.env = {**os.environ, "PYTHONPATH": str(self.target)}
        self.env.pop("CELLGATE_CONFIG", None)

    def run_python(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=self.empty, env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def test_the_installed_copy_is_the_one_imported(self) -> None:
        proc = self.run_python("-c", "import cellgate; print(cellgate.__file__)")
        self.assertEqual(0, proc.returncode, proc.stderr)
        self.assertTrue(Path(proc.stdout.strip()).is_relative_to(self.target), proc.stdout)
        self.assertTrue((self.target / "cellgate" / "data" / "gate" / "cells-single.yaml")
                        .is_file())
        self.assertTrue((self.target / "cellgate" / "data" / "parity-report.schema.json")
                        .is_file())

    def test_version(self) -> None:
        proc = self.run_python("-m", "cellgate", "--version")
        self.assertEqual(0, proc.returncode, proc.stderr)
        self.assertEqual(f"cellgate {cellgate.version()}\n", proc.stdout)
        self.assertNotIn("unknown", proc.stdout)

    def test_shipped_job_runs_from_an_empty_folder(self) -> None:
        output = os.path.join(self.empty, "out")
        proc = self.run_python("-m", "cellgate", "gate", "--job", "cells-single", "--filter",
                               r"\.versions\.", "--concurrency", "1", "--output", output,
                               timeout=120)
        self.assertEqual(0, proc.returncode, proc.stdout[-3000:] + proc.stderr[-3000:])
        with open(os.path.join(output, "summary.json"), encoding="utf-8") as handle:
            summary = json.load(handle)
        self.assertEqual(("cells-single", "pass"), (summary["job"], summary["result"]))
        self.assertGreater(summary["counts"]["passed"], 0)
        self.assertTrue(Path(summary["skiplist"]).is_relative_to(self.target),
                        summary["skiplist"])
        self.assertEqual(["out"], os.listdir(self.empty))  # nothing else written to the cwd
