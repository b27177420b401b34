"""`cellgate convert`: turn a stopped flat (nocells) state directory into an API cell with
the flat cell as its one child cell.

A flat deployment keeps everything in STATE/cloud.sqlite: the API tables (accounts, tokens,
flavors and their access, keypairs, quotas, instance actions, migrations, and any table other
parts add to the API or identity schema), the cell's tables (hosts, allocations, services,
faults), and one instance table in the read model's form. Conversion therefore moves the
*cell's* part out, chosen by the cell schema's table metadata (never a hand list), and leaves
the rest where it is, now as the API database:

1. ``cell-db``: create STATE/cell-<name>.sqlite with the cell schema and copy every cell
   table into it (the instances in the cell's form, same uuids and sync sequence numbers);
2. ``api-db``: STATE/cloud.sqlite becomes STATE/api.sqlite (an atomic rename);
3. ``drop-cell-tables``: drop the cell-only tables from the API database;
4. ``sync``: apply every instance of the cell to the read model with the heal guard (the
   manual kick-off of the sync; `serve` heals again at start);
5. ``topology``: write STATE/topology.yaml, the flat topology with ``cells_enabled: true``,
   which a later `cellgate serve --state-dir STATE` starts from.

Each step is idempotent and STATE/convert.json records the steps done, so a conversion that
was interrupted (crash, failure, ^C) finishes when run again. The state directory's serve lock
is held throughout: a running cloud makes it refuse, and no cloud starts meanwhile.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, literal_column, select, text

from cellgate.cloud import statedir
from cellgate.cloud.cells.deployment import API_DB, FLAT_DB
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.db.cell_store import CellStore
from cellgate.cloud.db.cell_tables import cell_metadata
from cellgate.cloud.db.flat_store import cell_only_tables
from cellgate.cloud.state_topology import (
    TOPOLOGY_FILE,
    save_topology,
    saved_topology,
)
from cellgate.cloud.topology import Topology, load_topology, parse_topology, topology_document
from cellgate.errors import CellgateError

LOG = logging.getLogger(__name__)
MARKER = "convert.json"
STEPS = ("cell-db", "api-db", "drop-cell-tables", "sync", "topology")
_BATCH = 500


class ConvertError(CellgateError):
    """The state directory cannot be converted (in use, not flat, missing database)."""


def _sqlite(path: Path) -> str:
    return f"sqlite:///{path}"


class Conversion:
    """One conversion of ``state`` (see module docstring); ``run()`` does what is left.

    ``topology`` is the flat topology when the state directory does not remember it (a state
    dir served before serve saved its topology); ``before_step`` is called with each step's
    name before it runs (tests inject failures there).
    """

    def __init__(self, state: str | os.PathLike[str], topology: str | None = None,
                 before_step: Callable[[str], None] | None = None) -> None:
        self.state = Path(state)
        self._topology_arg = topology
        self.before_step = before_step or (lambda _step: None)
        self.repaired = 0

    # -- progress ------------------------------------------------------------------------

    def _done(self) -> list[str]:
        try:
            return list(json.loads((self.state / MARKER).read_text(encoding="utf-8"))["done"])
        except FileNotFoundError:
            return []

    def _mark(self, done: list[str], flat: Topology) -> None:
        statedir.write_atomic(self.state / MARKER, json.dumps(
            {"done": done, "cell": flat.cells[0].name, "topology": topology_document(flat)}))

    def _flat_topology(self) -> Topology:
        marker = self.state / MARKER
        if marker.is_file():  # an interrupted run: its topology, whatever the file says now
            document = json.loads(marker.read_text(encoding="utf-8"))["topology"]
            return parse_topology(document, marker)
        saved = saved_topology(self.state)
        if saved is not None and saved.cells_enabled:
            raise ConvertError(f"{self.state} is already a cells deployment (its "
                               f"{TOPOLOGY_FILE} has cells_enabled: true); nothing to convert")
        topology = saved or load_topology(self._topology_arg or "nocells")
        if topology.cells_enabled:
            raise ConvertError(f"--topology {self._topology_arg}: not a flat topology; fix: "
                               "give the nocells topology the state dir was served with")
        if not (self.state / FLAT_DB).is_file():
            raise ConvertError(f"{self.state} holds no flat deployment ({FLAT_DB} is missing); "
                               "fix: give the state dir of a stopped nocells cloud")
        return topology

    # -- the run -------------------------------------------------------------------------

    def run(self) -> Topology:
        """Convert (or finish converting); returns the cells topology now saved."""
        if not self.state.is_dir():
            raise ConvertError(f"--state-dir {self.state}: no such directory")
        lock = statedir.StateLock(self.state)
        try:
            lock.acquire()
        except statedir.StateDirLocked as error:
            raise ConvertError(f"cannot convert while the cloud runs: {error}")
        previous_umask = os.umask(statedir.SERVING_UMASK)
        try:
            flat = self._flat_topology()
            done = self._done()
            steps = {"cell-db": self._cell_db, "api-db": self._api_db,
                     "drop-cell-tables": self._drop_cell_tables, "sync": self._sync,
                     "topology": self._save_topology}
            for step in STEPS:
                if step in done:
                    continue
                self.before_step(step)
                steps[step](flat)
                done.append(step)
                self._mark(done, flat)
            (self.state / MARKER).unlink()
            return self._cells_topology(flat)
        finally:
            os.umask(previous_umask)
            lock.release()

    def _cell_path(self, flat: Topology) -> Path:
        return self.state / f"cell-{flat.cells[0].name}.sqlite"

    def _cell_db(self, flat: Topology) -> None:
        """A fresh cell database (a partial one from an interrupted run is replaced) holding
        a copy of every cell table of the flat database."""
        target = self._cell_path(flat)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        source = create_engine(_sqlite(self.state / FLAT_DB))
        cell = CellStore(flat.cells[0].name, _sqlite(target))
        try:
            with source.connect() as src, cell.db.write() as dst:
                for table in cell_metadata.sorted_tables:
                    columns = [c.name for c in table.columns]
                    rows = src.execute(select(*(literal_column(f'"{c}"') for c in columns))
                                       .select_from(text(f'"{table.name}"')))
                    while batch := rows.fetchmany(_BATCH):
                        dst.execute(insert(table),
                                    [dict(zip(columns, r, strict=True)) for r in batch])
        finally:
            source.dispose()
            cell.db.dispose()

    def _api_db(self, flat: Topology) -> None:
        """The flat database, left in rollback-journal mode (one file), becomes the API's."""
        flat_path, api_path = self.state / FLAT_DB, self.state / API_DB
        if not flat_path.exists() and api_path.exists():
            return  # renamed already
        engine = create_engine(_sqlite(flat_path))
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=DELETE")  # folds the WAL in
        finally:
            engine.dispose()
        os.replace(flat_path, api_path)

    def _drop_cell_tables(self, flat: Topology) -> None:
        engine = create_engine(_sqlite(self.state / API_DB))
        try:
            with engine.begin() as conn:
                for table in cell_only_tables():
                    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table.name}"')
        finally:
            engine.dispose()

    def _sync(self, flat: Topology) -> None:
        """Point the registry's cell at its own database, then apply the cell's instances
        to the read model as a heal would (guarded)."""
        api = ApiStore(_sqlite(self.state / API_DB))
        cell = CellStore(flat.cells[0].name, _sqlite(self._cell_path(flat)))
        try:
            api.cells.move_database(flat.cells[0].name, _sqlite(self._cell_path(flat)))
            for data in cell.list_instances():
                self.repaired += api.instances.apply_sync(data, heal=True)
        finally:
            api.dispose()
            cell.db.dispose()

    @staticmethod
    def _cells_topology(flat: Topology) -> Topology:
        document = {**topology_document(flat), "cells_enabled": True,
                    "name": f"{flat.name[:53]}-converted",
                    "description": f"{flat.name} converted to an API cell with "
                                   f"{flat.cells[0].name} as its one child cell"}
        return parse_topology(document, TOPOLOGY_FILE)

    def _save_topology(self, flat: Topology) -> None:
        save_topology(self.state, self._cells_topology(flat))


def run_convert(state_dir: str, topology: str | None = None, out: Any = None) -> int:
    """`cellgate convert`: convert, say what was done, return the exit code."""
    conversion = Conversion(state_dir, topology)
    converted = conversion.run()
    if out is not None:
        out.write(f"cellgate: {state_dir} is now an API cell with child cell "
                  f"{converted.cells[0].name} ({conversion.repaired} instance(s) synced to "
                  f"the read model); start it with `cellgate serve --state-dir {state_dir}`\n")
    return 0
