"""InstanceReadModel: the API cell's full copy of every instance, kept by sync-ups.

Guards: a sync-up with a sequence number lower than (or equal to) the stored one never moves
a server backwards; a deleted instance stays deleted, and a pending delete stays pending until
the cell reports the instance deleted. Writes made at the top (rename, metadata, task marks)
keep the sequence number: the child cell's next sync-up supersedes them. Ownership fence: a
sync-up counts only from the copy that owns the instance (``owner_fenced_out``), so once a
cross-cell move has handed the instance to another cell, a late sync-up of the old cell's copy
(whatever its sequence number) never overwrites the new cell's state. Changes that depend
on the stored state (task marks, metadata merges, moves to another cell) go through
``swap()``, a compare-and-swap, so concurrent writers never lose one another's change.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import bindparam, or_, select, update

from cellgate.cloud.db import api_tables as t
from cellgate.cloud.db.engine import Database, upsert_params, upsert_statements
from cellgate.cloud.objects.instance import TOP_OWNED, record_from_data


def _ts(value: Any) -> float:
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, str):
        parsed = datetime.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        return parsed.timestamp()
    return 0.0


_COLUMNS = ["project_id", "user_id", "name", "vm_state", "task_state", "flavor_id", "image_ref",
            "host", "availability_zone", "cell_name", "created_ts", "updated_ts", "deleted",
            "sync_seq", "data"]
_UPDATE, _INSERT = upsert_statements(t.instances, "uuid", _COLUMNS)
_SYNC_STATE = select(t.instances.c.sync_seq, t.instances.c.deleted, t.instances.c.data).where(
    t.instances.c.uuid == bindparam("uuid"))
_GET = select(t.instances.c.data).where(t.instances.c.uuid == bindparam("uuid"))
_SWAP_RETRIES = 1000


def owner_fenced_out(top: dict[str, Any], data: dict[str, Any]) -> bool:
    """Whether a cell's copy ``data`` is not the owner the read model's ``top`` names: another
    owner generation (a copy left behind by a cross-cell move, or one not yet handed over),
    or, once moved (generation above 0), another cell."""
    top_gen, gen = int(top.get("owner_gen") or 0), int(data.get("owner_gen") or 0)
    if gen != top_gen:
        return True
    return top_gen > 0 and data.get("cell_name") != top.get("cell_name")


class SwapConflict(RuntimeError):
    """A compare-and-swap kept losing to other writers (never expected in practice)."""


def _columns(data: dict[str, Any]) -> dict[str, Any]:
    return {"project_id": data.get("project_id"), "user_id": data.get("user_id"),
            "name": data.get("name"), "vm_state": data.get("vm_state"),
            "task_state": data.get("task_state"),
            "flavor_id": (data.get("flavor") or {}).get("id"),
            "image_ref": data.get("image_ref"), "host": data.get("host"),
            "availability_zone": data.get("availability_zone"),
            "cell_name": data.get("cell_name"), "created_ts": _ts(data.get("created_at")),
            "updated_ts": _ts(data.get("updated_at")), "deleted": bool(data.get("deleted")),
            "sync_seq": int(data.get("sync_seq") or 0), "data": json.dumps(data)}


class InstanceReadModel:
    """Read-optimised instance copies in the API database."""

    CACHE_LIMIT = 50000

    def __init__(self, db: Database) -> None:
        self.db = db
        # uuid -> (stored JSON text, decoded record): decoding is most of a 1,000-server
        # listing, so unchanged rows (same text) are decoded once.
        self._records: dict[str, tuple[str, dict[str, Any]]] = {}

    def put(self, data: dict[str, Any]) -> None:
        """Write an instance as the top knows it (create, or a change made at the top)."""
        params = upsert_params("uuid", data["uuid"], _columns(data))
        with self.db.write() as conn:
            if conn.execute(_UPDATE, params).rowcount == 0:
                conn.execute(_INSERT, params)

    def update_fields(self, uuid: str, fields: dict[str, Any]) -> dict[str, Any] | None:
        """Write only ``fields`` of a stored instance (a change made at the top), in one
        transaction, so a sync-up that landed since the caller read the row is kept; returns
        the stored data afterwards, or None when the instance is unknown."""
        with self.db.write() as conn:
            row = conn.execute(_SYNC_STATE, {"uuid": uuid}).first()
            if row is None:
                return None
            merged = {**json.loads(row.data), **fields}
            conn.execute(_UPDATE, upsert_params("uuid", uuid, _columns(merged)))
            return merged

    def swap(self, uuid: str, change: Callable[[dict[str, Any]], dict[str, Any] | None], *,
             vm_states: Iterable[str] | None = None,
             task_states: Iterable[str | None] | None = None,
             ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """Write ``change(data)`` (fields, or None: write nothing) to a live instance only if
        it still holds what was read: a conditional ``UPDATE ... WHERE uuid=? AND data=?
        [AND vm_state IN (...)] [AND task_state IS ? / IN (...)]``, its rowcount checked; a
        write that lost to another writer is re-read and tried again.

        ``vm_states``/``task_states`` (None: any) are the states the change needs. Returns
        ``(data read, data written)``; the second is None when nothing was written (unknown
        or deleted instance, a state that does not match, or ``change`` said None).
        Exceptions ``change`` raises propagate, with nothing written.
        """
        vm_states = None if vm_states is None else set(vm_states)
        task_states = None if task_states is None else set(task_states)
        c = t.instances.c
        guards = [c.uuid == uuid, c.deleted.is_(False)]
        if vm_states is not None:
            guards.append(c.vm_state.in_(sorted(vm_states)))
        if task_states is not None:
            named = sorted(s for s in task_states if s is not None)
            guards.append(or_(c.task_state.in_(named), *(
                [c.task_state.is_(None)] if None in task_states else [])))
        for _ in range(_SWAP_RETRIES):
            with self.db.read() as conn:
                row = conn.execute(_SYNC_STATE, {"uuid": uuid}).first()
            if row is None:
                return None, None
            data = json.loads(row.data)
            if (row.deleted or (vm_states is not None and data.get("vm_state") not in vm_states)
                    or (task_states is not None and data.get("task_state") not in task_states)):
                return data, None
            fields = change(data)
            if fields is None:
                return data, None
            written = {**data, **fields}
            stmt = update(t.instances).where(*guards, c.data == row.data).values(
                **_columns(written))
            with self.db.write() as conn:
                if conn.execute(stmt).rowcount == 1:
                    return data, written
        raise SwapConflict(f"instance {uuid}: {_SWAP_RETRIES} compare-and-swap attempts lost")

    def apply_sync(self, data: dict[str, Any], *, heal: bool = False) -> bool:
        """Apply a child cell's copy; False when a guard refuses it.

        ``heal`` also accepts an equal sequence number (the top may hold a wrong copy at the
        same sequence); a lower one is still refused, and deleted still stays deleted. The
        top keeps its own values of the fields users edit (TOP_OWNED).
        """
        seq = int(data.get("sync_seq") or 0)
        with self.db.write() as conn:
            row = conn.execute(_SYNC_STATE, {"uuid": data["uuid"]}).first()
            if row is None:
                conn.execute(_INSERT, upsert_params("uuid", data["uuid"], _columns(data)))
                return True
            if row.deleted and not data.get("deleted"):
                return False
            if seq < row.sync_seq or (seq == row.sync_seq and not heal):
                return False
            top = json.loads(row.data)
            if owner_fenced_out(top, data):
                return False
            merged = {**data, **{k: top[k] for k in TOP_OWNED if k in top}}
            if (seq == row.sync_seq and top.get("task_state")) or (
                    top.get("task_state") == "deleting" and not data.get("deleted")):
                # an action the top asked for that the cell has not seen yet stays pending;
                # a delete stays pending until the cell says the instance is deleted
                merged["task_state"] = top["task_state"]
            if heal and seq == row.sync_seq and top == merged:
                return False
            conn.execute(_UPDATE, upsert_params("uuid", data["uuid"], _columns(merged)))
            return True

    def get(self, uuid: str) -> dict[str, Any] | None:
        """Stored data of one instance (deleted too) or None."""
        with self.db.read() as conn:
            row = conn.execute(_GET, {"uuid": uuid}).first()
        return json.loads(row.data) if row else None

    def query(self, **filters: Any) -> list[dict[str, Any]]:
        """Stored data of matching instances, newest first (one query, no N+1); filters as
        ``query_statement``."""
        with self.db.read() as conn:
            return [json.loads(r.data) for r in conn.execute(self.query_statement(**filters))]

    @staticmethod
    def query_statement(*, project_id: str | None = None, include_deleted: bool = False,
                        changes_since: float | None = None, host: str | None = None,
                        changes_before: float | None = None,
                        availability_zone: str | None = None, flavor_id: str | None = None,
                        image_ref: str | None = None, vm_states: Iterable[str] | None = None,
                        only_deleted: bool = False) -> Any:
        """The SELECT of matching instances, newest first."""
        c = t.instances.c
        query = select(c.data)
        if project_id is not None:
            query = query.where(c.project_id == project_id)
        if only_deleted:
            query = query.where(c.deleted.is_(True))
        elif not include_deleted and changes_since is None and changes_before is None:
            query = query.where(c.deleted.is_(False))
        if changes_since is not None:
            query = query.where(c.updated_ts >= changes_since)
        if changes_before is not None:
            query = query.where(c.updated_ts <= changes_before)
        if host is not None:
            query = query.where(c.host == host)
        if availability_zone is not None:
            query = query.where(c.availability_zone == availability_zone)
        if flavor_id is not None:
            query = query.where(c.flavor_id == flavor_id)
        if image_ref is not None:
            query = query.where(c.image_ref == image_ref)
        if vm_states is not None:
            query = query.where(c.vm_state.in_(list(vm_states)))
        return query.order_by(c.created_ts.desc(), c.id.desc())

    def records(self, **filters: Any) -> list[dict[str, Any]]:
        """Like query(), but as instance records (see ``record_from_data``); each record is a
        fresh shallow copy, its nested values shared with a cache: treat them as read-only."""
        c = t.instances.c
        query = self.query_statement(**filters)
        records = []
        cache = self._records
        if len(cache) > self.CACHE_LIMIT:
            cache.clear()
        with self.db.read() as conn:
            for uuid, text in conn.execute(query.with_only_columns(c.uuid, c.data)):
                hit = cache.get(uuid)
                if hit is None or hit[0] != text:
                    hit = (text, record_from_data(json.loads(text)))
                    cache[uuid] = hit
                records.append(dict(hit[1]))
        return records

    def unfinished(self) -> list[dict[str, Any]]:
        """Instances not deleted that are building or have a task in flight."""
        c = t.instances.c
        query = select(c.data).where(c.deleted.is_(False)).where(
            (c.vm_state == "building") | c.task_state.is_not(None))
        with self.db.read() as conn:
            return [json.loads(r.data) for r in conn.execute(query)]
