"""Order guards for messages that may arrive late or twice (the transport promises neither
order nor once-only delivery): report sequence numbers and the forward-only migration
status."""

from __future__ import annotations

import threading
import time

# Nova's migration statuses by progress; a reported status never moves a record backwards
# (a late 'finished' cannot undo 'confirmed'). Statuses not listed are always accepted.
_STATUS_RANK = {"accepted": 0, "queued": 0, "preparing": 0, "pre-migrating": 0,
                "migrating": 1, "running": 1, "post-migrating": 2, "finished": 3,
                "confirming": 4, "reverting": 4, "confirmed": 5, "reverted": 5, "error": 5,
                "failed": 5, "done": 5, "completed": 5, "cancelled": 5}


def status_advances(current: str | None, new: str | None) -> bool:
    """Whether a migration in ``current`` may take ``new`` (None: no status change)."""
    if new is None or current is None or current == new:
        return True
    if current not in _STATUS_RANK or new not in _STATUS_RANK:
        return True
    return _STATUS_RANK[new] > _STATUS_RANK[current]


class ReportSequence:
    """Strictly increasing report numbers that also grow across restarts (clock based), so
    the API cell can keep the newest of reports that arrive out of order."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        """The next number."""
        with self._lock:
            self._last = max(self._last + 1, time.time_ns())
            return self._last
