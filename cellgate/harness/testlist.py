"""Listing the suite with stestr, and the stestr command line shared by listing and running."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from cellgate.errors import CellgateError
from cellgate.harness.paths import package_dir

# Group tests of one class on one worker so class-level resources are built once.
GROUP_REGEX = r"([^\.]*\.)*"


class TestListError(CellgateError):
    """The test suite could not be listed (usually an import error in a test module)."""


def stestr_base_command() -> list[str]:
    """`python -m stestr` pointed at the installed suite, wherever cellgate is installed."""
    pkg = package_dir()
    return [sys.executable, "-m", "stestr", "--test-path", str(pkg / "tests"),
            "--top-dir", str(pkg.parent), "--group-regex", GROUP_REGEX]


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def ensure_repository(workdir: str | Path, *, env: Mapping[str, str] | None = None) -> None:
    """Create the stestr repository (`.stestr/`) in `workdir` unless it exists."""
    if (Path(workdir) / ".stestr").is_dir():
        return
    proc = subprocess.run([sys.executable, "-m", "stestr", "init"], cwd=workdir,
                          env=dict(os.environ if env is None else env), capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        raise TestListError(f"cannot create a stestr repository in {workdir}:\n"
                            + _tail(proc.stdout + "\n" + proc.stderr))


def list_tests(*, cwd: str | Path | None = None, env: Mapping[str, str] | None = None
               ) -> list[str]:
    """Every test id of the suite (`stestr list`), in stestr's order.

    Runs in `cwd` (creating its stestr repository if needed), or in a scratch folder.

    Raises TestListError with the tail of stestr's output when listing fails.
    """
    if cwd is None:
        with tempfile.TemporaryDirectory(prefix="cellgate-list-") as scratch:
            return list_tests(cwd=scratch, env=env)
    run_env = dict(os.environ if env is None else env)
    ensure_repository(cwd, env=run_env)
    proc = subprocess.run([*stestr_base_command(), "list"], cwd=cwd, env=run_env,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise TestListError("listing the test suite with stestr failed (exit "
                            f"{proc.returncode}); fix the import error below:\n"
                            + _tail(proc.stdout + "\n" + proc.stderr))
    return [line.strip() for line in proc.stdout.splitlines()
            if line.strip() and not line.startswith(" ")]
