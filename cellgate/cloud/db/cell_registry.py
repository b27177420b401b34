"""CellRegistry: the cells of a deployment, in the API database (Nova's cell mappings).

A row per child cell: name, uuid, transport and database URLs, the disabled flag (a disabled
cell gets no new builds), an operator weight offset, the host specs the cell is started with
in-process (name, profile) and when the cell last reported up. The registry is seeded from
the topology on a deployment's first start and owns the cells from then on: a later start on
the same API database builds the cells the registry holds, whatever the topology says.

``request_specs`` keeps what a build asked of the cell scheduler (admin ``target_cell`` and
``different_cell`` hints), so a reschedule after a failure honours them too.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
import uuid as uuidlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    or_,
    select,
    update,
)

from cellgate.cloud import exceptions as exc
from cellgate.cloud.db.api_tables import api_metadata
from cellgate.cloud.db.engine import Database
from cellgate.cloud.topology import CellSpec, HostProfile, HostSpec

cell_mappings = Table(
    "cell_mappings", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("transport_url", String(255), nullable=False),
    Column("database_connection", String(1024), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("weight_offset", Float, nullable=False, default=0.0),
    Column("hosts", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("last_report_at", Float),
)

request_specs = Table(
    "cell_request_specs", api_metadata,
    Column("instance_uuid", String(36), primary_key=True),
    Column("target_cell", String(255)),
    Column("different_cells", Text, nullable=False, default="[]"),
)

# Facts about the deployment the registry belongs to (the topology it was seeded from).
settings = Table(
    "cellgate_settings", api_metadata,
    Column("key", String(255), primary_key=True),
    Column("value", Text, nullable=False),
)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
# Names the admin API routes as words of its own, and the API cell's name.
RESERVED_NAMES = frozenset({"api", "sync"})


def in_memory_transport_url(name: str) -> str:
    """The transport URL of a cell reached through the in-process transport."""
    return f"inmemory://{name}"


@dataclasses.dataclass(frozen=True)
class CellRecord:
    """One registered cell."""

    name: str
    uuid: str
    transport_url: str
    database_connection: str
    disabled: bool
    weight_offset: float
    hosts: tuple[dict[str, Any], ...]
    created_at: float
    updated_at: float
    last_report_at: float | None

    def spec(self) -> CellSpec:
        """The CellSpec a ChildCellService is started from."""
        return CellSpec(name=self.name, hosts=tuple(
            HostSpec(name=h["name"], profile=HostProfile.from_dict(h["profile"]))
            for h in self.hosts))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (the admin API and ``cellgate cells show``)."""
        return {"name": self.name, "uuid": self.uuid, "transport_url": self.transport_url,
                "database_connection": self.database_connection, "disabled": self.disabled,
                "weight_offset": self.weight_offset,
                "hosts": [{"name": h["name"], "profile": h["profile"]["name"]}
                          for h in self.hosts],
                "created_at": self.created_at, "updated_at": self.updated_at,
                "last_report_at": self.last_report_at}


def host_entries(spec: CellSpec) -> list[dict[str, Any]]:
    """The registry's form of a cell's hosts: name and the whole profile."""
    return [{"name": h.name, "profile": h.profile.to_dict()} for h in spec.hosts]


def check_name(name: str) -> None:
    """A cell name the registry accepts (Invalid otherwise, saying why)."""
    if not _NAME.match(name or ""):
        raise exc.Invalid(f"Invalid cell name {name!r}: use letters, digits, '.', '_' or '-' "
                          "(at most 63 characters)")
    if name in RESERVED_NAMES:
        raise exc.Invalid(f"Invalid cell name {name!r}: it is reserved")


class CellExists(exc.Conflict):
    msg_fmt = "Cell %(name)s already exists."


class CellNotFound(exc.NotFound):
    msg_fmt = "Cell %(name)s could not be found."


class CellRegistry:
    """Cell mappings and request specs in the API database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def _record(row: Any) -> CellRecord:
        return CellRecord(name=row.name, uuid=row.uuid, transport_url=row.transport_url,
                          database_connection=row.database_connection,
                          disabled=bool(row.disabled), weight_offset=float(row.weight_offset),
                          hosts=tuple(json.loads(row.hosts)), created_at=row.created_at,
                          updated_at=row.updated_at, last_report_at=row.last_report_at)

    def list(self) -> list[CellRecord]:
        """Every registered cell, in the order they were created."""
        with self.db.read() as conn:
            rows = conn.execute(select(cell_mappings).order_by(cell_mappings.c.id)).all()
        return [self._record(r) for r in rows]

    def get(self, name: str) -> CellRecord:
        """One cell by name (CellNotFound if none)."""
        with self.db.read() as conn:
            row = conn.execute(select(cell_mappings)
                               .where(cell_mappings.c.name == name)).first()
        if row is None:
            raise CellNotFound(name=name)
        return self._record(row)

    def create(self, name: str, hosts: Iterable[dict[str, Any]], *, database_connection: str,
               transport_url: str | None = None, disabled: bool = False,
               weight_offset: float = 0.0, cell_uuid: str | None = None) -> CellRecord:
        """Register a cell (CellExists when the name is taken)."""
        check_name(name)
        hosts = list(hosts)
        if not hosts:
            raise exc.Invalid(f"Cell {name} needs at least one host")
        now = time.time()
        with self.db.write() as conn:
            if conn.execute(select(cell_mappings.c.id)
                            .where(cell_mappings.c.name == name)).first() is not None:
                raise CellExists(name=name)
            conn.execute(insert(cell_mappings).values(
                uuid=cell_uuid or str(uuidlib.uuid4()), name=name,
                transport_url=transport_url or in_memory_transport_url(name),
                database_connection=database_connection, disabled=bool(disabled),
                weight_offset=float(weight_offset), hosts=json.dumps(hosts),
                created_at=now, updated_at=now))
        return self.get(name)

    def update(self, name: str, **changes: Any) -> CellRecord:
        """Change ``disabled`` and/or ``weight_offset`` of a cell."""
        allowed = {k: v for k, v in changes.items() if k in ("disabled", "weight_offset")
                   and v is not None}
        with self.db.write() as conn:
            result = conn.execute(update(cell_mappings).where(cell_mappings.c.name == name)
                                  .values(updated_at=time.time(), **allowed))
        if result.rowcount != 1:
            raise CellNotFound(name=name)
        return self.get(name)

    def move_database(self, name: str, database_connection: str) -> None:
        """Point cell ``name`` at another database (``cellgate convert`` moved its tables
        out of the flat database); nothing when no such cell is registered."""
        with self.db.write() as conn:
            conn.execute(update(cell_mappings).where(cell_mappings.c.name == name)
                         .values(database_connection=database_connection,
                                 updated_at=time.time()))

    def delete(self, name: str) -> None:
        """Forget a cell (CellNotFound if none)."""
        with self.db.write() as conn:
            result = conn.execute(delete(cell_mappings).where(cell_mappings.c.name == name))
        if result.rowcount != 1:
            raise CellNotFound(name=name)

    def seed(self, cells: Iterable[CellSpec], database_urls: dict[str, str]) -> bool:
        """Register ``cells`` when the registry is empty (a deployment's first start);
        True if it seeded."""
        if self.list():
            return False
        for spec in cells:
            self.create(spec.name, host_entries(spec),
                        database_connection=database_urls[spec.name])
        return True

    def record_report(self, name: str, at: float | None = None) -> None:
        """Note that ``name`` reported up at ``at`` (the cell's own stamp; None: now). Only
        a newer stamp is kept, so a report held back and delivered late never makes a
        silent cell look alive."""
        at = time.time() if at is None else float(at)
        c = cell_mappings.c
        with self.db.write() as conn:
            conn.execute(update(cell_mappings).where(
                c.name == name, or_(c.last_report_at.is_(None), c.last_report_at < at))
                .values(last_report_at=at))

    def forget_report(self, name: str) -> None:
        """Make ``name`` look never heard from (down until it reports)."""
        with self.db.write() as conn:
            conn.execute(update(cell_mappings).where(cell_mappings.c.name == name)
                         .values(last_report_at=None))

    def setting(self, key: str) -> str | None:
        """A deployment setting (None when unset)."""
        with self.db.read() as conn:
            row = conn.execute(select(settings.c.value).where(settings.c.key == key)).first()
        return None if row is None else row.value

    def set_setting(self, key: str, value: str) -> None:
        """Write a deployment setting."""
        with self.db.write() as conn:
            if conn.execute(update(settings).where(settings.c.key == key)
                            .values(value=value)).rowcount == 0:
                conn.execute(insert(settings).values(key=key, value=value))

    # -- request specs ------------------------------------------------------------------

    def save_request_spec(self, instance_uuid: str, *, target_cell: str | None,
                          different_cells: Iterable[str]) -> None:
        """Keep a build's cell hints (admin only; the caller checked)."""
        with self.db.write() as conn:
            conn.execute(delete(request_specs)
                         .where(request_specs.c.instance_uuid == instance_uuid))
            conn.execute(insert(request_specs).values(
                instance_uuid=instance_uuid, target_cell=target_cell,
                different_cells=json.dumps(sorted(set(different_cells)))))

    def request_spec(self, instance_uuid: str) -> tuple[str | None, list[str]]:
        """``(target_cell, different_cells)`` of a build (None, [] when it gave none)."""
        with self.db.read() as conn:
            row = conn.execute(select(request_specs)
                               .where(request_specs.c.instance_uuid == instance_uuid)).first()
        if row is None:
            return None, []
        return row.target_cell, json.loads(row.different_cells)
