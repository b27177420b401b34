"""CapacityStore: the hosts and services each child cell reports up, in the API database."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import delete, insert, select, update

from cellgate.cloud.db import api_tables as t
from cellgate.cloud.db.engine import Database


class CapacityStore:
    """Latest capacity report per host and service; ids are stable integers per host."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save_report(self, cell_name: str, hosts: list[dict[str, Any]],
                    services: list[dict[str, Any]], *, full: bool = False,
                    at: float | None = None) -> None:
        """Store a cell's report (hosts: usage and traits; services: service rows) made at
        ``at`` (the cell's stamp; None: now), which is what a service's state is read from.

        A ``full`` report lists everything the cell has: rows of that cell it does not list
        (hosts removed from the topology) are dropped.
        """
        now = time.time() if at is None else float(at)
        h, s = t.cell_hosts.c, t.cell_services.c
        with self.db.write() as conn:
            if full:
                conn.execute(delete(t.cell_hosts).where(
                    h.cell_name == cell_name, h.host.not_in([x["host"] for x in hosts])))
                conn.execute(delete(t.cell_services).where(
                    s.cell_name == cell_name, s.uuid.not_in([x["uuid"] for x in services])))
            for host in hosts:
                if self._stale(conn, host):
                    continue
                values = {"cell_name": cell_name, "data": json.dumps(host), "updated_at": now}
                if conn.execute(update(t.cell_hosts).where(h.host == host["host"])
                                .values(**values)).rowcount == 0:
                    conn.execute(insert(t.cell_hosts).values(host=host["host"], **values))
            for service in services:
                values = {"cell_name": cell_name, "data": json.dumps(service),
                          "updated_at": now}
                if conn.execute(update(t.cell_services).where(s.uuid == service["uuid"])
                                .values(**values)).rowcount == 0:
                    conn.execute(insert(t.cell_services).values(uuid=service["uuid"], **values))

    @staticmethod
    def _stale(conn: Any, host: dict[str, Any]) -> bool:
        """Whether the stored report of ``host`` is newer than this one (``report_seq``):
        reports may arrive out of order, and an older one never overwrites a newer."""
        seq = host.get("report_seq")
        if seq is None:
            return False
        row = conn.execute(select(t.cell_hosts.c.data)
                           .where(t.cell_hosts.c.host == host["host"])).first()
        return row is not None and (json.loads(row.data).get("report_seq") or 0) > seq

    def forget_cells_except(self, cell_names: list[str]) -> None:
        """Drop the reports of cells that are not in ``cell_names`` (left the topology)."""
        with self.db.write() as conn:
            conn.execute(delete(t.cell_hosts).where(t.cell_hosts.c.cell_name.not_in(cell_names)))
            conn.execute(delete(t.cell_services)
                         .where(t.cell_services.c.cell_name.not_in(cell_names)))

    def hosts(self) -> list[dict[str, Any]]:
        """Every reported host: its data plus ``id`` (int) and ``cell_name``."""
        with self.db.read() as conn:
            rows = conn.execute(select(t.cell_hosts).order_by(t.cell_hosts.c.id)).all()
        return [{**json.loads(r.data), "id": r.id, "cell_name": r.cell_name,
                 "reported_at": r.updated_at} for r in rows]

    def services(self) -> list[dict[str, Any]]:
        """Every reported service: its data plus ``id`` (int) and ``cell_name``."""
        with self.db.read() as conn:
            rows = conn.execute(select(t.cell_services).order_by(t.cell_services.c.id)).all()
        return [{**json.loads(r.data), "id": r.id, "cell_name": r.cell_name,
                 "reported_at": r.updated_at} for r in rows]
