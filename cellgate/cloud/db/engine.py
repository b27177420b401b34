"""Engines and the Database wrapper: SQLite tuned for a small fast cloud, any URL accepted."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    bindparam,
    create_engine,
    event,
    insert,
    update,
)
from sqlalchemy.pool import StaticPool


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An Engine for ``url``; SQLite gets WAL, synchronous=NORMAL and cross-thread use."""
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url
        kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if memory:
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def upsert_statements(table: Table, key: str, columns: list[str]) -> tuple[Any, Any]:
    """Prebuilt (UPDATE, INSERT) of ``columns`` keyed by ``key``, with bind parameters
    ``k_<key>`` and ``v_<column>``: building statements per call costs more than running
    them on SQLite, so hot paths build them once."""
    values = {name: bindparam(f"v_{name}") for name in columns}
    update_stmt = update(table).where(table.c[key] == bindparam(f"k_{key}")).values(values)
    insert_stmt = insert(table).values({key: bindparam(f"k_{key}"), **values})
    return update_stmt, insert_stmt


def upsert_params(key: str, key_value: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Parameters for the statements of upsert_statements()."""
    return {f"k_{key}": key_value, **{f"v_{k}": v for k, v in values.items()}}


class Database:
    """One cell's database: an Engine plus a write lock.

    Writes of this process go through ``write()`` one at a time, which keeps SQLite free of
    "database is locked" upgrades; reads use ``read()`` and run concurrently (WAL).
    """

    def __init__(self, url: str, metadata: MetaData) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.write_lock = threading.RLock()
        metadata.create_all(self.engine)

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a transaction that commits on success."""
        with self.write_lock, self.engine.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading."""
        with self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
