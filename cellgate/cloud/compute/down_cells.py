"""Servers of a cell that stopped answering, as Nova shows them.

The read model still holds a down cell's servers, but nothing about them can be trusted, so
Nova's rules apply: from microversion 2.69 a listing returns them as minimal records with
status UNKNOWN and ``GET /servers/{id}`` answers a partial body (from what the API database
knows: project, user, flavor, image, zone, created); below 2.69 a listing skips them
(``[api] list_records_by_skipping_down_cells``, default True) and a show is Nova's 500. A
server being deleted is gone for both (Nova: ``queued_for_delete``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.context import RequestContext

CELL_DOWN_VERSION = "2.69"
# Values of a record's ``cell_down`` key: which partial body the view builds.
LISTED, SHOWN = "list", "show"


class CellDown(exc.CloudError):
    """A server's cell is not answering and the microversion has no partial answer (500,
    Nova's NovaException)."""

    msg_fmt = ("Cell %(cell)s is not responding or returned an exception, hence instance "
               "info is not available.")


def listed(records: Iterable[dict[str, Any]], down: set[str],
           ctx: RequestContext) -> list[dict[str, Any]]:
    """A listing's records with the down cells' servers marked (2.69+) or left out."""
    if not down:
        return list(records)
    partial = ctx.microversion_at_least(CELL_DOWN_VERSION)
    out = []
    for record in records:
        if record.get("cell_name") not in down:
            out.append(record)
        elif partial and record.get("task_state") != "deleting":
            out.append({**record, "cell_down": LISTED})
    return out


def shown(record: dict[str, Any], down: set[str], ctx: RequestContext) -> dict[str, Any]:
    """One server's record, marked when its cell is down (2.69+); CellDown below 2.69."""
    cell = record.get("cell_name")
    if cell not in down:
        return record
    if record.get("task_state") == "deleting":
        raise exc.InstanceNotFound(instance_id=record["uuid"])
    if not ctx.microversion_at_least(CELL_DOWN_VERSION):
        raise CellDown(cell=cell)
    return {**record, "cell_down": SHOWN}
