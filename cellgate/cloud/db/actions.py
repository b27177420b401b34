"""ActionStore: instance actions and their events, in the API database."""

from __future__ import annotations

import datetime
import time
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from cellgate.cloud.db import api_tables as t
from cellgate.cloud.db.engine import Database

UTC = datetime.timezone.utc


def _dt(value: float | None) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(value, UTC) if value is not None else None


class ActionStore:
    """Records ``create``/``reboot``/``stop``/``start``/``delete`` actions and events."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, *, instance_uuid: str, request_id: str, action: str,
              user_id: str | None, project_id: str | None) -> None:
        """Record that ``action`` began (idempotent per instance and request id)."""
        now = time.time()
        try:
            with self.db.write() as conn:
                conn.execute(insert(t.instance_actions).values(
                    instance_uuid=instance_uuid, request_id=request_id, action=action,
                    user_id=user_id, project_id=project_id, start_time=now, updated_at=now,
                    message=None))
        except IntegrityError:
            return

    def add_event(self, *, instance_uuid: str, request_id: str, event: str,
                  start_time: float, finish_time: float | None, result: str | None,
                  host: str | None, traceback: str | None = None,
                  details: str | None = None) -> None:
        """Record a finished event; an 'Error' result marks the action's message 'Error'.

        Idempotent: an event already recorded for the action on the same host (a report
        delivered again) is not recorded twice."""
        a, e = t.instance_actions.c, t.instance_action_events.c
        with self.db.write() as conn:
            row = conn.execute(select(a.id).where(a.instance_uuid == instance_uuid,
                                                  a.request_id == request_id)).first()
            if row is None:
                return
            if conn.execute(select(e.id).where(
                    e.action_id == row.id, e.event == event,
                    e.host.is_(None) if host is None else e.host == host)).first():
                return
            conn.execute(insert(t.instance_action_events).values(
                action_id=row.id, event=event, start_time=start_time, finish_time=finish_time,
                result=result, host=host, traceback=traceback, details=details))
            values: dict[str, Any] = {"updated_at": finish_time or time.time()}
            if result == "Error":
                values["message"] = "Error"
            conn.execute(update(t.instance_actions).where(a.id == row.id).values(**values))

    @staticmethod
    def _record(row: Any) -> dict[str, Any]:
        return {"action": row.action, "instance_uuid": row.instance_uuid,
                "request_id": row.request_id, "user_id": row.user_id,
                "project_id": row.project_id, "start_time": _dt(row.start_time),
                "updated_at": _dt(row.updated_at), "message": row.message}

    def list(self, instance_uuid: str) -> list[dict[str, Any]]:
        """Actions of an instance, newest first, without events."""
        a = t.instance_actions.c
        query = select(t.instance_actions).where(a.instance_uuid == instance_uuid).order_by(
            a.start_time.desc(), a.id.desc())
        with self.db.read() as conn:
            return [self._record(r) for r in conn.execute(query)]

    def get(self, instance_uuid: str, request_id: str) -> dict[str, Any] | None:
        """One action with its events, or None."""
        a = t.instance_actions.c
        e = t.instance_action_events.c
        with self.db.read() as conn:
            row = conn.execute(select(t.instance_actions).where(
                a.instance_uuid == instance_uuid, a.request_id == request_id)).first()
            if row is None:
                return None
            events = conn.execute(select(t.instance_action_events)
                                  .where(e.action_id == row.id).order_by(e.id)).all()
        record = self._record(row)
        record["events"] = [{"event": ev.event, "start_time": _dt(ev.start_time),
                             "finish_time": _dt(ev.finish_time), "result": ev.result,
                             "traceback": ev.traceback, "host": ev.host,
                             "details": ev.details} for ev in events]
        return record
