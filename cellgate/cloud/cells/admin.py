"""CellAdmin: the operator's view of a running deployment's cells (the admin API under
``/cellgate/v1/cells`` and ``cellgate cells`` against a running cloud use it).

Listing, showing, enabling and disabling cells, changing a weight offset and the manual
sync act at once on a running cloud (the scheduler reads the registry for every build).
Creating and deleting a cell need a stopped cloud (``cellgate cells create|delete`` on its
state directory; as Nova's services pick up new cell mappings only on restart), because a
cell's database, transport queue and fake hosts are set up at start. Taking a cell offline
and back is a test facility.
"""

from __future__ import annotations

from typing import Any

from cellgate.cloud.db.cell_registry import CellRecord


def cell_view(record: CellRecord, *, state: str, hosts: list[str],
              offline: bool | None = None) -> dict[str, Any]:
    """One cell as the admin API and the CLI show it."""
    body = {**record.to_dict(), "state": state, "hosts": sorted(hosts),
            "host_specs": record.to_dict()["hosts"]}
    if offline is not None:
        body["offline"] = offline
    return body


class CellAdmin:
    """Cell operations on a started CellsDeployment."""

    def __init__(self, deployment: Any) -> None:
        self.deployment = deployment
        self.registry = deployment.api_store.cells

    def _hosts(self) -> dict[str, list[str]]:
        return {c["name"]: c["hosts"]
                for c in self.deployment.compute_api.list_cells(ctx=None)}

    def list(self) -> list[dict[str, Any]]:
        """Every registered cell with its health, reported hosts and offline flag."""
        states = self.deployment.api_cell.cell_states()
        hosts = self._hosts()
        offline = self.deployment.offline_cells()
        return [cell_view(r, state=states.get(r.name, "down"), hosts=hosts.get(r.name, []),
                          offline=r.name in offline) for r in self.registry.list()]

    def show(self, name: str) -> dict[str, Any]:
        """One cell (CellNotFound if none)."""
        record = self.registry.get(name)
        return next(c for c in self.list() if c["name"] == record.name)

    def update(self, name: str, *, disabled: bool | None = None,
               weight_offset: float | None = None) -> dict[str, Any]:
        """Enable/disable a cell or change its weight offset; effective for the next build."""
        self.registry.update(name, disabled=disabled, weight_offset=weight_offset)
        return self.show(name)

    def sync(self, *, project_id: str | None = None, changed_since: float | None = None,
             timeout: float = 30.0) -> dict[str, Any]:
        """The manual sync kick-off (see cells/sync.py); its report."""
        return self.deployment.api_cell.sync(project_id=project_id,
                                             changed_since=changed_since,
                                             timeout=timeout).to_dict()

    def set_online(self, name: str, online: bool) -> dict[str, Any]:
        """Take a cell offline or bring it back (test facility); the cell afterwards."""
        self.registry.get(name)
        self.deployment.set_cell_online(name, online)
        return self.show(name)
