"""Cell health from report timestamps: up, stale (weighted down) or down (skipped).

Every child cell reports its hosts and services up every ``report_interval`` seconds; the
API cell notes when each report arrived. A cell silent for ``stale_after`` seconds is
weighted down by the cell scheduler (cells v1's "mute child"); silent for ``down_after``
seconds it is skipped, its servers show as from a down cell and its services are ``down``
(Nova's ``service_down_time``). The thresholds come from the topology's ``cells_health``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

UP, STALE, DOWN = "up", "stale", "down"


@dataclasses.dataclass(frozen=True)
class HealthPolicy:
    """Report interval and silence thresholds (seconds), and the scheduler's reserve.

    ``reserve_percent`` of every host's vcpus, RAM and disk is kept free by the cell
    scheduler (a cell whose hosts are full up to the reserve has no slot); 10 % by default,
    as cells v1's ``reserve_percent``, and never more (the topology schema's maximum).
    """

    report_interval: float = 10.0
    stale_after: float = 30.0
    down_after: float = 60.0
    reserve_percent: float = 10.0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> HealthPolicy:
        """From the topology's ``cells_health`` mapping (missing keys: the defaults)."""
        return cls(**{k: float(v) for k, v in (data or {}).items()})

    def state(self, last_report_at: float | None, now: float) -> str:
        """UP, STALE or DOWN for a cell or service last heard from at ``last_report_at``
        (None: never, which is DOWN)."""
        if last_report_at is None:
            return DOWN
        silent = now - last_report_at
        if silent >= self.down_after:
            return DOWN
        if silent >= self.stale_after:
            return STALE
        return UP
