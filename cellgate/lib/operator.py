"""The reference cloud's operator commands, for what the Nova API cannot show or do.

`cellgate cells ...` against the cloud's state directory (`[cells] operator_state_dir`),
run as a subprocess and read as JSON: the cell registry, a cell's weight offset, enabling
and disabling a cell, the manual sync, and taking a cell offline and back (a test facility
of the reference cloud). A real cloud has none of this; tests that need it skip there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

COMMAND = (sys.executable, "-m", "cellgate", "cells")


class OperatorError(AssertionError):
    """An operator command failed (its exit code and stderr in the message)."""


class CellsOperator:
    """`cellgate cells ACTION ... --state-dir DIR --json` for one state directory."""

    def __init__(self, state_dir: str, timeout: float = 120.0) -> None:
        self.state_dir = state_dir
        self.timeout = timeout

    def run(self, action: str, *args: str, ok_codes: tuple[int, ...] = (0,)) -> Any:
        """Run one action; its JSON answer (OperatorError on another exit code)."""
        proc = subprocess.run([*COMMAND, action, *args, "--state-dir", self.state_dir,
                               "--json"], capture_output=True, text=True,
                              timeout=self.timeout, check=False)
        if proc.returncode not in ok_codes:
            raise OperatorError(f"cellgate cells {action} {' '.join(args)} exited "
                                f"{proc.returncode}: {proc.stderr.strip()}")
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    def list(self) -> list[dict[str, Any]]:
        """Every registered cell (name, state, disabled, weight_offset, hosts, ...)."""
        return self.run("list")

    def show(self, name: str) -> dict[str, Any]:
        """One cell."""
        return self.run("show", name)

    def set_weight(self, name: str, offset: float) -> dict[str, Any]:
        """Set a cell's weight offset."""
        return self.run("set", name, "--weight-offset", str(offset))

    def disable(self, name: str) -> dict[str, Any]:
        """Give a cell no new builds."""
        return self.run("disable", name)

    def enable(self, name: str) -> dict[str, Any]:
        """Let a cell take builds again."""
        return self.run("enable", name)

    def offline(self, name: str) -> dict[str, Any]:
        """Make a cell go silent (it stops answering and reporting)."""
        return self.run("offline", name)

    def online(self, name: str) -> dict[str, Any]:
        """Bring a silent cell back."""
        return self.run("online", name)

    def sync(self, *args: str) -> dict[str, Any]:
        """The manual sync; its report (exit 1, some cell not synced, is a report too)."""
        return self.run("sync", *args, ok_codes=(0, 1))
