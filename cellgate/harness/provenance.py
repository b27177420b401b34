"""Which commit a gate run tested, for the results store's run metadata."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# CI systems name the commit under test in their environment; the first one set wins
_COMMIT_VARIABLES = ("CELLGATE_COMMIT", "ZUUL_COMMIT", "GITHUB_SHA", "CI_COMMIT_SHA",
                     "GIT_COMMIT")


def current_commit(checkout: str | Path | None = None) -> str | None:
    """The commit under test: a CI variable, else `git rev-parse HEAD` of the cellgate
    checkout (or `checkout`), else None (an installed package outside git)."""
    for name in _COMMIT_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    where = Path(checkout) if checkout else Path(__file__).resolve().parent
    try:
        done = subprocess.run(["git", "-C", str(where), "rev-parse", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
