"""AggregateStore: host aggregates in the API database (global, as Nova keeps them there).

An aggregate is a name, a uuid, a set of host names (of any cell) and string metadata; its
``availability_zone`` is the metadata key of that name. The rules about zones live above,
in ``compute/aggregates.py``; this store only keeps names unique and hosts once per aggregate.
"""

from __future__ import annotations

import datetime
import uuid as uuidlib
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from cellgate.cloud import exceptions as exc
from cellgate.cloud.db import api_tables as t
from cellgate.cloud.db.engine import Database

UTC = datetime.timezone.utc
Record = dict[str, Any]


def _now() -> datetime.datetime:
    return datetime.datetime.now(UTC).replace(tzinfo=None)


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class AggregateStore:
    """Aggregate records ``{id, uuid, name, hosts, metadata, availability_zone, created_at,
    updated_at}`` (datetimes aware UTC; ``hosts`` in the order they were added)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _load(self, conn: Any, ids: list[int] | None = None) -> list[Record]:
        a, h, m = t.aggregates.c, t.aggregate_hosts.c, t.aggregate_metadata.c
        query = select(t.aggregates).order_by(a.id)
        if ids is not None:
            query = query.where(a.id.in_(ids))
        records = {row.id: {"id": row.id, "uuid": row.uuid, "name": row.name, "hosts": [],
                            "metadata": {}, "created_at": _aware(row.created_at),
                            "updated_at": _aware(row.updated_at)}
                   for row in conn.execute(query)}
        if not records:
            return []
        for row in conn.execute(select(t.aggregate_hosts).where(
                h.aggregate_id.in_(list(records))).order_by(h.id)):
            records[row.aggregate_id]["hosts"].append(row.host)
        for row in conn.execute(select(t.aggregate_metadata).where(
                m.aggregate_id.in_(list(records))).order_by(m.id)):
            records[row.aggregate_id]["metadata"][row.key] = row.value
        for record in records.values():
            record["availability_zone"] = record["metadata"].get("availability_zone")
        return list(records.values())

    def list(self) -> list[Record]:
        """Every aggregate, by id."""
        with self.db.read() as conn:
            return self._load(conn)

    def get(self, aggregate_id: int) -> Record:
        """One aggregate; unknown -> AggregateNotFound."""
        with self.db.read() as conn:
            found = self._load(conn, [int(aggregate_id)])
        if not found:
            raise exc.AggregateNotFound(aggregate_id=aggregate_id)
        return found[0]

    def create(self, name: str, metadata: dict[str, str] | None = None) -> Record:
        """A new aggregate; a name in use -> AggregateNameExists."""
        try:
            with self.db.write() as conn:
                new_id = conn.execute(insert(t.aggregates).values(
                    uuid=str(uuidlib.uuid4()), name=name, created_at=_now())
                ).inserted_primary_key[0]
                for key, value in (metadata or {}).items():
                    conn.execute(insert(t.aggregate_metadata).values(
                        aggregate_id=new_id, key=key, value=value))
        except IntegrityError:
            raise exc.AggregateNameExists(aggregate_name=name)
        return self.get(new_id)

    def rename(self, aggregate_id: int, name: str) -> None:
        """Give an aggregate a new name; a name another one holds -> AggregateNameExists."""
        a = t.aggregates.c
        try:
            with self.db.write() as conn:
                done = conn.execute(update(t.aggregates).where(a.id == int(aggregate_id))
                                    .values(name=name, updated_at=_now())).rowcount
        except IntegrityError:
            raise exc.AggregateNameExists(aggregate_name=name)
        if not done:
            raise exc.AggregateNotFound(aggregate_id=aggregate_id)

    def update_metadata(self, aggregate_id: int, changes: dict[str, str | None]) -> None:
        """Set keys to values; a None value deletes the key (missing keys are no error)."""
        m = t.aggregate_metadata.c
        with self.db.write() as conn:
            self._exists(conn, aggregate_id)
            for key, value in changes.items():
                where = (m.aggregate_id == int(aggregate_id), m.key == key)
                if value is None:
                    conn.execute(delete(t.aggregate_metadata).where(*where))
                elif conn.execute(update(t.aggregate_metadata).where(*where)
                                  .values(value=value)).rowcount == 0:
                    conn.execute(insert(t.aggregate_metadata).values(
                        aggregate_id=int(aggregate_id), key=key, value=value))
            conn.execute(update(t.aggregates).where(t.aggregates.c.id == int(aggregate_id))
                         .values(updated_at=_now()))

    def delete(self, aggregate_id: int) -> None:
        """Delete an aggregate and its metadata (the caller checks it holds no host)."""
        with self.db.write() as conn:
            conn.execute(delete(t.aggregate_metadata).where(
                t.aggregate_metadata.c.aggregate_id == int(aggregate_id)))
            conn.execute(delete(t.aggregate_hosts).where(
                t.aggregate_hosts.c.aggregate_id == int(aggregate_id)))
            if not conn.execute(delete(t.aggregates).where(
                    t.aggregates.c.id == int(aggregate_id))).rowcount:
                raise exc.AggregateNotFound(aggregate_id=aggregate_id)

    def add_host(self, aggregate_id: int, host: str) -> None:
        """Put ``host`` in the aggregate; already there -> AggregateHostExists."""
        try:
            with self.db.write() as conn:
                self._exists(conn, aggregate_id)
                conn.execute(insert(t.aggregate_hosts).values(aggregate_id=int(aggregate_id),
                                                              host=host))
        except IntegrityError:
            raise exc.AggregateHostExists(aggregate_id=aggregate_id, host=host)

    def remove_host(self, aggregate_id: int, host: str) -> None:
        """Take ``host`` out of the aggregate; not there -> AggregateHostNotFound."""
        h = t.aggregate_hosts.c
        with self.db.write() as conn:
            self._exists(conn, aggregate_id)
            if not conn.execute(delete(t.aggregate_hosts).where(
                    h.aggregate_id == int(aggregate_id), h.host == host)).rowcount:
                raise exc.AggregateHostNotFound(aggregate_id=aggregate_id, host=host)

    @staticmethod
    def _exists(conn: Any, aggregate_id: int) -> None:
        if conn.execute(select(t.aggregates.c.id).where(
                t.aggregates.c.id == int(aggregate_id))).first() is None:
            raise exc.AggregateNotFound(aggregate_id=aggregate_id)
