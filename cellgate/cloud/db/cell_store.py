"""CellStore: a child cell's database: authoritative instances, hosts, allocations, services,
faults."""

from __future__ import annotations

import json
import time
import uuid as uuidlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update

from cellgate.cloud.db import cell_tables as t
from cellgate.cloud.db.engine import Database, upsert_params, upsert_statements

_NODE_NS = uuidlib.UUID("6f1c7d4e-5a9b-4c1e-9d57-0b2f6c2a7e11")

# Statements of the boot path, built once (building them costs more than running them).
_n = t.compute_nodes.c
_SEQ = select(t.instances.c.sync_seq).where(t.instances.c.uuid == bindparam("uuid"))
_GET_INSTANCE = select(t.instances.c.data).where(t.instances.c.uuid == bindparam("uuid"))
_UPDATE_INSTANCE, _INSERT_INSTANCE = upsert_statements(
    t.instances, "uuid", ["vm_state", "task_state", "host", "deleted", "sync_seq", "data"])
_GET_ALLOCATION = select(t.allocations).where(
    t.allocations.c.instance_uuid == bindparam("uuid"))
_CLAIM = update(t.compute_nodes).where(
    _n.host == bindparam("b_host"), _n.vcpus_used + bindparam("b_vcpus") <= _n.vcpus,
    _n.memory_mb_used + bindparam("b_memory_mb") <= _n.memory_mb,
    _n.local_gb_used + bindparam("b_disk_gb") <= _n.local_gb).values(
    vcpus_used=_n.vcpus_used + bindparam("b_vcpus"),
    memory_mb_used=_n.memory_mb_used + bindparam("b_memory_mb"),
    local_gb_used=_n.local_gb_used + bindparam("b_disk_gb"), running_vms=_n.running_vms + 1,
    updated_at=bindparam("b_now"))
_INSERT_ALLOCATION = insert(t.allocations).values(
    instance_uuid=bindparam("b_uuid"), host=bindparam("b_host"), vcpus=bindparam("b_vcpus"),
    memory_mb=bindparam("b_memory_mb"), disk_gb=bindparam("b_disk_gb"))
_NODE = select(t.compute_nodes).where(_n.host == bindparam("host"))


def stable_uuid(*parts: str) -> str:
    """A UUID that is the same for the same names in every run (hosts, services)."""
    return str(uuidlib.uuid5(_NODE_NS, "/".join(parts)))


class CellStore:
    """Persistence of one child cell; every write is one transaction."""

    def __init__(self, cell_name: str, url: str) -> None:
        self.cell_name = cell_name
        self.db = Database(url, t.cell_metadata)

    # -- hosts and services -------------------------------------------------------------

    def ensure_hosts(self, hosts: Iterable[tuple[str, int, int, int, str]]) -> None:
        """Create or resize compute nodes and services for ``(host, vcpus, memory_mb,
        disk_gb, zone)`` and this cell's conductor."""
        now = time.time()
        with self.db.write() as conn:
            for host, vcpus, memory_mb, disk_gb, zone in hosts:
                totals = {"vcpus": vcpus, "memory_mb": memory_mb, "local_gb": disk_gb,
                          "updated_at": now}
                row = conn.execute(select(t.compute_nodes.c.id)
                                   .where(t.compute_nodes.c.host == host)).first()
                if row is None:
                    conn.execute(insert(t.compute_nodes).values(
                        uuid=stable_uuid(self.cell_name, "node", host), host=host, **totals))
                else:
                    conn.execute(update(t.compute_nodes).where(t.compute_nodes.c.id == row.id)
                                 .values(**totals))
                self._ensure_service(conn, host, "nova-compute", zone, now)
            self._ensure_service(conn, f"{self.cell_name}-conductor", "nova-conductor",
                                 "internal", now)

    def _ensure_service(self, conn: Any, host: str, binary: str, zone: str, now: float) -> None:
        svc_uuid = stable_uuid(self.cell_name, binary, host)
        row = conn.execute(select(t.services.c.id).where(t.services.c.uuid == svc_uuid)).first()
        if row is None:
            conn.execute(insert(t.services).values(uuid=svc_uuid, host=host, binary=binary,
                                                   zone=zone, created_at=now, updated_at=now))
        else:
            conn.execute(update(t.services).where(t.services.c.id == row.id)
                         .values(zone=zone, updated_at=now))

    def nodes(self) -> list[dict[str, Any]]:
        """Every compute node row as a dict."""
        with self.db.read() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t.compute_nodes))]

    def node(self, host: str) -> dict[str, Any]:
        """One compute node row by host name (KeyError if none)."""
        with self.db.read() as conn:
            row = conn.execute(_NODE, {"host": host}).first()
        if row is None:
            raise KeyError(host)
        return dict(row._mapping)

    def services(self) -> list[dict[str, Any]]:
        """Every service row of this cell as a dict."""
        with self.db.read() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t.services))]

    def update_service(self, service_uuid: str, **changes: Any) -> bool:
        """Change ``disabled``, ``disabled_reason`` or ``forced_down`` of one service; False
        when this cell has no such service."""
        with self.db.write() as conn:
            result = conn.execute(update(t.services).where(t.services.c.uuid == service_uuid)
                                  .values(updated_at=time.time(), **changes))
        return result.rowcount == 1

    # -- resource accounting ------------------------------------------------------------

    def claim(self, host: str, instance_uuid: str, vcpus: int, memory_mb: int,
              disk_gb: int) -> bool:
        """Record that ``instance_uuid`` uses these resources on ``host``.

        False (and nothing recorded) when the host lacks room. Idempotent: a second claim
        for the same instance on the same host changes nothing; a claim on another host
        moves the allocation.
        """
        with self.db.write() as conn:
            existing = conn.execute(_GET_ALLOCATION, {"uuid": instance_uuid}).first()
            if existing is not None:
                if existing.host == host:
                    return True
                self._release(conn, existing)
            amounts = {"b_host": host, "b_vcpus": vcpus, "b_memory_mb": memory_mb,
                       "b_disk_gb": disk_gb}
            if conn.execute(_CLAIM, {**amounts, "b_now": time.time()}).rowcount != 1:
                return False
            conn.execute(_INSERT_ALLOCATION, {**amounts, "b_uuid": instance_uuid})
            return True

    def release(self, instance_uuid: str) -> str | None:
        """Forget an instance's usage; returns the host it was on (None if it had none)."""
        with self.db.write() as conn:
            row = conn.execute(select(t.allocations)
                               .where(t.allocations.c.instance_uuid == instance_uuid)).first()
            if row is None:
                return None
            self._release(conn, row)
            return row.host

    @staticmethod
    def _release(conn: Any, alloc: Any) -> None:
        n = t.compute_nodes.c
        conn.execute(delete(t.allocations)
                     .where(t.allocations.c.instance_uuid == alloc.instance_uuid))
        conn.execute(update(t.compute_nodes).where(n.host == alloc.host).values(
            vcpus_used=n.vcpus_used - alloc.vcpus, memory_mb_used=n.memory_mb_used
            - alloc.memory_mb, local_gb_used=n.local_gb_used - alloc.disk_gb,
            running_vms=n.running_vms - 1, updated_at=time.time()))

    def recount_usage(self) -> None:
        """Recompute every host's usage from the allocations (repairs drifted counters)."""
        a, n = t.allocations.c, t.compute_nodes.c
        with self.db.write() as conn:
            for node in conn.execute(select(n.host)).all():
                row = conn.execute(select(func.coalesce(func.sum(a.vcpus), 0),
                                          func.coalesce(func.sum(a.memory_mb), 0),
                                          func.coalesce(func.sum(a.disk_gb), 0), func.count())
                                   .where(a.host == node.host)).one()
                conn.execute(update(t.compute_nodes).where(n.host == node.host).values(
                    vcpus_used=row[0], memory_mb_used=row[1], local_gb_used=row[2],
                    running_vms=row[3]))

    # -- instances ----------------------------------------------------------------------

    def get_instance(self, instance_uuid: str) -> dict[str, Any] | None:
        """Stored data of an instance (deleted ones too), or None."""
        with self.db.read() as conn:
            row = conn.execute(_GET_INSTANCE, {"uuid": instance_uuid}).first()
        return json.loads(row.data) if row else None

    def save_instance(self, data: dict[str, Any]) -> int:
        """Write an instance, bumping its sync sequence; returns the new sequence number."""
        with self.db.write() as conn:
            row = conn.execute(_SEQ, {"uuid": data["uuid"]}).first()
            seq = max(row.sync_seq if row else 0, int(data.get("sync_seq") or 0)) + 1
            data["sync_seq"] = seq
            params = upsert_params("uuid", data["uuid"], {
                "vm_state": data.get("vm_state"), "task_state": data.get("task_state"),
                "host": data.get("host"), "deleted": bool(data.get("deleted")),
                "sync_seq": seq, "data": json.dumps(data)})
            conn.execute(_INSERT_INSTANCE if row is None else _UPDATE_INSTANCE, params)
        return seq

    def remove_instance(self, instance_uuid: str) -> None:
        """Drop an instance from this cell entirely (it was rescheduled to another cell)."""
        with self.db.write() as conn:
            conn.execute(delete(t.instances).where(t.instances.c.uuid == instance_uuid))

    def list_instances(self, *, vm_state: str | None = None) -> list[dict[str, Any]]:
        """Stored data of every instance (optionally only those in ``vm_state``)."""
        query = select(t.instances.c.data)
        if vm_state is not None:
            query = query.where(t.instances.c.vm_state == vm_state)
        with self.db.read() as conn:
            return [json.loads(r.data) for r in conn.execute(query)]

    def add_fault(self, instance_uuid: str, code: int, message: str, details: str) -> None:
        """Record why an instance failed (kept in the cell DB, as Nova's instance_faults)."""
        with self.db.write() as conn:
            conn.execute(insert(t.instance_faults).values(
                instance_uuid=instance_uuid, code=code, message=message[:255], details=details,
                created_at=time.time()))
