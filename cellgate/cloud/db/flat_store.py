"""FlatCellStore: the one cell of a flat deployment, kept in the one database.

The cell's tables (hosts, allocations, services, faults) are created in the API database
beside the API tables, and the cell's instances ARE the API read model's rows: one copy, so
there is nothing to sync up. A save by the cell goes through the read model's sync guard with
the next sequence number, so the fields users own (TOP_OWNED) and a pending delete set at the
top are kept exactly as a sync-up would keep them.
"""

from __future__ import annotations

from typing import Any

from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.db.api_tables import api_metadata
from cellgate.cloud.db.cell_store import CellStore
from cellgate.cloud.db.cell_tables import cell_metadata

SHARED_TABLE = "instances"  # the cell's instances are the read model's


def cell_only_tables() -> list[Any]:
    """The cell tables a flat database adds to the API tables (every cell table but the
    instances); a cell table named like an API table would be ambiguous and is refused."""
    clashes = sorted(set(cell_metadata.tables) & set(api_metadata.tables) - {SHARED_TABLE})
    if clashes:
        raise RuntimeError(f"cell tables {clashes} clash with API tables of the same name; "
                           "a flat database cannot hold both")
    return [t for name, t in cell_metadata.tables.items() if name != SHARED_TABLE]


class FlatCellStore(CellStore):
    """A CellStore on the API database whose instances are the read model's rows."""

    def __init__(self, cell_name: str, api_store: ApiStore) -> None:
        self.cell_name = cell_name
        self.db = api_store.db
        self.instances = api_store.instances
        cell_metadata.create_all(self.db.engine, tables=cell_only_tables())

    def get_instance(self, instance_uuid: str) -> dict[str, Any] | None:
        """Stored data of an instance (deleted ones too), or None."""
        return self.instances.get(instance_uuid)

    def save_instance(self, data: dict[str, Any]) -> int:
        """Write the instance with the next sync sequence through the read model's guard."""
        with self.db.write_lock:  # re-entrant: apply_sync takes it again
            current = self.instances.get(data["uuid"])
            seq = max(int((current or {}).get("sync_seq") or 0),
                      int(data.get("sync_seq") or 0)) + 1
            data["sync_seq"] = seq
            self.instances.apply_sync(data)
        return seq

    def remove_instance(self, instance_uuid: str) -> None:
        """Nothing to do: the one row is the read model's, and with a single cell a failed
        build is buried next (never moved to another cell)."""

    def list_instances(self, *, vm_state: str | None = None) -> list[dict[str, Any]]:
        """Stored data of every instance (optionally only those in ``vm_state``)."""
        return self.instances.query(include_deleted=True,
                                    vm_states=None if vm_state is None else [vm_state])
