"""MigrationStore: resize and cold-migration records (os-migrations), in the API database."""

from __future__ import annotations

import datetime
import time
import uuid as uuidlib
from typing import Any

from sqlalchemy import insert, or_, select, update

from cellgate.cloud.db import api_tables as t
from cellgate.cloud.db.engine import Database

UTC = datetime.timezone.utc

# What a cell may change in a migration record it reports up.
CELL_FIELDS = frozenset({"status", "dest_compute", "dest_node", "dest_host"})


def _dt(value: float | None) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(value, UTC) if value is not None else None


class MigrationStore:
    """Creates migration records at the API and applies the status changes cells report."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, **fields: Any) -> dict[str, Any]:
        """Insert a record (``instance_uuid``, ``migration_type``, ``status``, source and
        flavor ids, ``user_id``, ``project_id``, ``cell_name``); returns it with id and uuid."""
        values = {"uuid": str(uuidlib.uuid4()), "created_at": time.time(), "updated_at": None,
                  **fields}
        with self.db.write() as conn:
            conn.execute(insert(t.migrations).values(**values))
        return self.get(values["uuid"])

    def update(self, uuid: str, **fields: Any) -> None:
        """Apply a change a cell (or the API) reports; unknown keys are refused."""
        unknown = set(fields) - CELL_FIELDS
        if unknown:
            raise ValueError(f"migration fields {sorted(unknown)} cannot be changed")
        with self.db.write() as conn:
            conn.execute(update(t.migrations).where(t.migrations.c.uuid == uuid)
                         .values(updated_at=time.time(), **fields))

    def get(self, uuid: str) -> dict[str, Any] | None:
        """One record by uuid, or None."""
        with self.db.read() as conn:
            row = conn.execute(select(t.migrations).where(t.migrations.c.uuid == uuid)).first()
        return _record(row) if row else None

    def list(self, *, instance_uuid: str | None = None, status: str | None = None,
             migration_type: str | None = None, host: str | None = None,
             source_compute: str | None = None) -> list[dict[str, Any]]:
        """Records matching every filter given, newest first (``host``: source or dest)."""
        m = t.migrations.c
        query = select(t.migrations).order_by(m.created_at.desc(), m.id.desc())
        for column, value in ((m.instance_uuid, instance_uuid), (m.status, status),
                              (m.migration_type, migration_type),
                              (m.source_compute, source_compute)):
            if value is not None:
                query = query.where(column == value)
        if host is not None:
            query = query.where(or_(m.source_compute == host, m.dest_compute == host))
        with self.db.read() as conn:
            return [_record(r) for r in conn.execute(query)]


def _record(row: Any) -> dict[str, Any]:
    record = dict(row._mapping)
    record["created_at"] = _dt(record["created_at"])
    record["updated_at"] = _dt(record["updated_at"])
    return record
