"""A small run history from the recorded streams: two runs of nocells and of cells-single, the
second cells-single run with a planted regression and its listed test run anyway."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cellgate.tests.unit.harness_parity import recorded

FIRST, SECOND = "2026-12-01T10:00:00+00:00", "2026-12-01T11:00:00+00:00"


def two_runs_of_two_jobs(workdir: Path) -> list[tuple[dict[str, Any], str]]:
    """(summary, commit) pairs, oldest first."""
    broken = recorded.planted(recorded.stream("cells-single-listed"), workdir / "planted.subunit")
    return [
        (recorded.summary_of(recorded.stream("nocells"), job="nocells", started_at=FIRST), "a1"),
        (recorded.summary_of(recorded.stream("cells-single"), job="cells-single",
                             started_at=FIRST), "a1"),
        (recorded.summary_of(recorded.stream("nocells"), job="nocells", started_at=SECOND), "b2"),
        (recorded.summary_of(broken, job="cells-single", started_at=SECOND, run_listed=True),
         "b2"),
    ]
