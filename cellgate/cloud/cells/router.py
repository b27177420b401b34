"""CellRouter: decides where a call goes (local, one cell, every cell) and sends it.

Above the router nothing knows whether there are cells. Below it, the endpoint delivers:
over a transport in a cells deployment, or by local dispatch (cells/local.py) in a flat one.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cellgate.cloud.exceptions import MessagingError
from cellgate.cloud.messaging.endpoint import Endpoint

LOG = logging.getLogger(__name__)
EVERY_CELL = "*"
# At most this many cells are asked at once by call_all.
CALL_ALL_WORKERS = 16


class CellResults(dict):
    """``{cell: result}`` of the cells that answered a call_all; ``errors`` maps every cell
    that did not (timed out, failed, unreachable) to its MessagingError."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: dict[str, MessagingError] = {}


@dataclasses.dataclass(frozen=True)
class Route:
    """Where a message goes: ``scope`` is 'local', 'cell' or 'all'."""

    scope: str
    targets: tuple[str, ...]


class CellRouter:
    """Routes messages from the cell owning ``endpoint`` to child cells (down) or its parent
    (up)."""

    def __init__(self, endpoint: Endpoint, child_cells: Sequence[str],
                 parent: str | None = None) -> None:
        self.endpoint = endpoint
        self.child_cells = tuple(child_cells)
        self.parent = parent

    @property
    def cell_name(self) -> str:
        """The cell this router sends from."""
        return self.endpoint.cell_name

    def decide(self, target: str | None) -> Route:
        """Route for ``target``: a cell name, None/EVERY_CELL for every child cell."""
        if target in (None, EVERY_CELL):
            return Route("all", self.child_cells)
        if target == self.cell_name:
            return Route("local", (target,))
        if target in self.child_cells or target == self.parent:
            return Route("cell", (target,))
        raise MessagingError(f"cell {self.cell_name} has no route to cell {target!r} "
                             f"(children: {', '.join(self.child_cells) or 'none'}; "
                             f"parent: {self.parent or 'none'})")

    def _direction(self, target: str) -> str:
        return "up" if target == self.parent else "down"

    def cast(self, target: str | None, method: str, payload: dict[str, Any]) -> None:
        """Send to one cell, or broadcast to every child cell when ``target`` is None."""
        route = self.decide(target)
        kind = "broadcast" if route.scope == "all" else "targeted"
        for cell in route.targets:
            self.endpoint.cast(cell, method, payload, direction=self._direction(cell), kind=kind)

    def call(self, target: str, method: str, payload: dict[str, Any], *,
             timeout: float = 30.0) -> Any:
        """Send to one cell and wait for its reply."""
        (cell,) = self.decide(target).targets
        return self.endpoint.call(cell, method, payload, direction=self._direction(cell),
                                  timeout=timeout)

    def call_all(self, method: str, payload: dict[str, Any], *,
                 timeout: float = 30.0, cells: Sequence[str] | None = None) -> CellResults:
        """Call every child cell (or ``cells``) at once and wait at most ``timeout`` for
        each; returns the answers as CellResults, whose ``errors`` hold the cells that
        did not answer. One silent cell never stops the others."""
        targets = self.decide(None).targets if cells is None else tuple(cells)
        results = CellResults()

        def ask(cell: str) -> Any:
            return self.endpoint.call(cell, method, payload, direction="down",
                                      kind="broadcast", timeout=timeout)
        if not targets:
            return results
        with ThreadPoolExecutor(max_workers=min(CALL_ALL_WORKERS, len(targets)),
                                thread_name_prefix=f"call-all-{method}") as pool:
            futures = {cell: pool.submit(ask, cell) for cell in targets}
        for cell, future in futures.items():
            error = future.exception()
            if error is None:
                results[cell] = future.result()
            elif isinstance(error, MessagingError):
                LOG.warning("cell %s did not answer %s: %s", cell, method, error)
                results.errors[cell] = error
            else:
                raise error
        return results

    def cast_up(self, method: str, payload: dict[str, Any]) -> None:
        """Send to the parent cell (a child cell's sync-ups and reports)."""
        if self.parent is None:
            raise MessagingError(f"cell {self.cell_name} has no parent to send {method} to")
        self.cast(self.parent, method, payload)
