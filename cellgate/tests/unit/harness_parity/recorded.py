"""Recorded gate runs (`data/`), made by the project's own `cellgate gate` runs.

`data/README.md` says how each stream was made. `summary_of` turns a stream into the summary
the gate writes, so tests of the store and of the reports start from real results; `planted`
rewrites one test of a stream as failed (a planted regression) with python-subunit's writer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import subunit
import testtools

from cellgate.harness import summary as sm
from cellgate.harness.listed import fold_listed_outcomes, now_passing_entries

DATA = Path(__file__).parent / "data"
# a test that passes in every recorded run: the one the planted regression breaks
PLANTED = ("cellgate.tests.api.hosts.test_services.ServicesTest.test_list_services"
           "[id-64f6a0c7-f4e0-4a32-924c-5aa808ec2c96]")


def stream(name: str) -> Path:
    """The recorded subunit stream `data/<name>.subunit`."""
    return DATA / f"{name}.subunit"


def resolved() -> dict[str, dict[str, str]]:
    """The resolved skiplist of the recorded cells-single runs."""
    return json.loads((DATA / "cells-single-resolved.json").read_text(encoding="utf-8"))


def summary_of(path: Path, *, job: str, started_at: str = "2026-12-01T21:00:00+00:00",
               run_listed: bool = False, test_filter: str | None = None,
               voting: bool = True) -> dict[str, Any]:
    """The gate summary of a recorded stream, as `cellgate gate` builds it."""
    outcomes = sm.read_subunit(path)
    extra: dict[str, Any] = {"test_filter": test_filter, "run_listed": run_listed,
                             "skiplist": "skip.yaml" if job != "nocells" else None}
    if run_listed:
        outcomes = fold_listed_outcomes(outcomes, resolved(), [o.id for o in outcomes])
        extra["now_passing_entries"] = now_passing_entries(outcomes, resolved())
    topology = {"nocells": "nocells", "cells-single": "single-cell"}.get(job, job)
    return sm.build_summary(outcomes, job=job, voting=voting, topology=topology,
                            duration=1.0, started_at=started_at, extra=extra)


class _Plant(testtools.StreamResult):
    """Copies events to a subunit writer, turning the final status of one test into `fail`."""

    def __init__(self, writer: subunit.StreamResultToBytes, test_id: str) -> None:
        super().__init__()
        self._writer, self._test_id = writer, test_id

    def status(self, test_id=None, test_status=None, **kwargs) -> None:
        if test_id == self._test_id and test_status == "success":
            test_status = "fail"
        self._writer.status(test_id=test_id, test_status=test_status, **kwargs)


def planted(source: Path, target: Path, test_id: str = PLANTED) -> Path:
    """Write `source` to `target` with `test_id` failed instead of passed."""
    with open(source, "rb") as read, open(target, "wb") as write:
        copier = _Plant(subunit.StreamResultToBytes(write), test_id)
        subunit.ByteStreamToStreamResult(read, non_subunit_name="stdout").run(copier)
    return target
