"""The manual sync kick-off (``cellgate cells sync``): every server, or those of one project
or changed since a time, re-synced from the cells up to the API cell's read model.

It asks every cell that is not down for its instances at once (router.call_all), applies
each copy through the read model's guards (so it can never move a server backwards, undo a
delete or overwrite what users changed at the top) and reports what it repaired and which
cells did not answer. It changes nothing that was right, so it is safe to run at any time.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any


@dataclasses.dataclass
class SyncReport:
    """What one sync did: ``checked`` copies, ``repaired`` entries ``{uuid, cell,
    fields}`` (``fields``: what changed, ``["*"]`` for a copy the top lacked), per-cell
    ``cells`` status ('ok', or why not) and ``errors`` (count of cells not synced)."""

    checked: int = 0
    repaired: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    cells: dict[str, str] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (``--json``, the admin API)."""
        return {"checked": self.checked, "repaired": self.repaired,
                "repaired_count": len(self.repaired), "cells": dict(self.cells),
                "errors": sum(1 for v in self.cells.values() if v != "ok")}


def timestamp(value: Any) -> float:
    """Seconds since the epoch of an aware or naive-UTC datetime or ISO string (0 if none)."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    return 0.0


def wanted(data: dict[str, Any], project_id: str | None, changed_since: float | None) -> bool:
    """Whether a cell's copy is in the sync's scope."""
    if project_id is not None and data.get("project_id") != project_id:
        return False
    return changed_since is None or timestamp(data.get("updated_at")) >= changed_since


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The keys whose values differ (``["*"]`` when the top had no copy)."""
    if before is None:
        return ["*"]
    after = after or {}
    return sorted(k for k in set(before) | set(after)
                  if before.get(k) != after.get(k) and k != "updated_at") or ["updated_at"]
