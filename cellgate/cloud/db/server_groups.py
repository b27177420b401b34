"""ServerGroupStore: server groups, their members and where members are placed (API database).

Server groups are global (the API cell owns them, as Nova cells v2's API database holds
instance groups). A member's ``host`` is written when the API cell places it; the writes that
decide a hard policy are atomic in the database, so concurrent boots cannot both win:
- anti-affinity: a member takes a free ``slot`` (0 .. max_server_per_host - 1) on a host,
  under the unique constraint (group, host, slot);
- affinity: a conditional update that lands only while no member of the group is placed on
  another host.
"""

from __future__ import annotations

import datetime
import json
import uuid as uuidlib
from collections import Counter
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from cellgate.cloud import exceptions as exc
from cellgate.cloud.db import api_tables as t
from cellgate.cloud.db.engine import Database

UTC = datetime.timezone.utc
_G, _M, _H = t.server_groups.c, t.server_group_members.c, t.scheduler_hints.c


class ServerGroupStore:
    """Group records ``{uuid, name, project_id, user_id, policy, rules, members,
    created_at}`` (``members``: instance uuids in the order they joined)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- groups ---------------------------------------------------------------------------

    def create(self, *, name: str, project_id: str, user_id: str, policy: str,
               rules: dict[str, Any]) -> dict[str, Any]:
        """Store a new group; returns its record."""
        group_uuid = str(uuidlib.uuid4())
        with self.db.write() as conn:
            conn.execute(insert(t.server_groups).values(
                uuid=group_uuid, name=name, project_id=project_id, user_id=user_id,
                policy=policy, rules=json.dumps(rules),
                created_at=datetime.datetime.now(UTC).replace(tzinfo=None)))
        return self.get(group_uuid)

    def _records(self, conn: Any, rows: list[Any]) -> list[dict[str, Any]]:
        members: dict[str, list[str]] = {row.uuid: [] for row in rows}
        if members:
            query = (select(_M.group_uuid, _M.instance_uuid)
                     .where(_M.group_uuid.in_(list(members))).order_by(_M.id))
            for group_uuid, instance_uuid in conn.execute(query):
                members[group_uuid].append(instance_uuid)
        return [{"uuid": row.uuid, "name": row.name, "project_id": row.project_id,
                 "user_id": row.user_id, "policy": row.policy, "rules": json.loads(row.rules),
                 "members": members[row.uuid], "created_at": row.created_at} for row in rows]

    def get(self, group_uuid: str, project_id: str | None = None) -> dict[str, Any]:
        """One group (of ``project_id`` when given); unknown -> InstanceGroupNotFound."""
        query = select(t.server_groups).where(_G.uuid == group_uuid)
        if project_id is not None:
            query = query.where(_G.project_id == project_id)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
            if not rows:
                raise exc.InstanceGroupNotFound(group_uuid=group_uuid)
            return self._records(conn, rows)[0]

    def list(self, project_id: str | None = None) -> list[dict[str, Any]]:
        """Groups in creation order, of one project or (None) of every project."""
        query = select(t.server_groups).order_by(_G.id)
        if project_id is not None:
            query = query.where(_G.project_id == project_id)
        with self.db.read() as conn:
            return self._records(conn, conn.execute(query).all())

    def count(self, project_id: str, user_id: str | None = None) -> int:
        """How many groups a project (or one user in it) has: the server_groups quota."""
        query = select(func.count()).select_from(t.server_groups).where(
            _G.project_id == project_id)
        if user_id is not None:
            query = query.where(_G.user_id == user_id)
        with self.db.read() as conn:
            return int(conn.execute(query).scalar_one())

    def delete(self, group_uuid: str) -> None:
        """Delete a group and its memberships (the servers stay); unknown ->
        InstanceGroupNotFound."""
        with self.db.write() as conn:
            if conn.execute(delete(t.server_groups)
                            .where(_G.uuid == group_uuid)).rowcount == 0:
                raise exc.InstanceGroupNotFound(group_uuid=group_uuid)
            conn.execute(delete(t.server_group_members).where(_M.group_uuid == group_uuid))

    # -- members --------------------------------------------------------------------------

    def member_count(self, group_uuid: str, user_id: str) -> int:
        """How many members of a group a user has (the server_group_members quota, as
        Nova counts it: per user in the group)."""
        query = select(func.count()).select_from(t.server_group_members).where(
            _M.group_uuid == group_uuid, _M.user_id == user_id)
        with self.db.read() as conn:
            return int(conn.execute(query).scalar_one())

    def add_member(self, group_uuid: str, instance_uuid: str, user_id: str) -> None:
        """Make a server a member (before its build is scheduled)."""
        with self.db.write() as conn:
            conn.execute(insert(t.server_group_members).values(
                group_uuid=group_uuid, instance_uuid=instance_uuid, user_id=user_id))

    def group_of(self, instance_uuid: str) -> dict[str, Any] | None:
        """The group a server is a member of, or None."""
        with self.db.read() as conn:
            group_uuid = conn.execute(select(_M.group_uuid).where(
                _M.instance_uuid == instance_uuid)).scalar_one_or_none()
            if group_uuid is None:
                return None
            rows = conn.execute(select(t.server_groups).where(_G.uuid == group_uuid)).all()
            return self._records(conn, rows)[0] if rows else None

    def forget_instance(self, instance_uuid: str) -> None:
        """A server is gone: it leaves its group (freeing its host) and its hints go. Reads
        first, so the many servers in no group cost no write."""
        with self.db.read() as conn:
            held = any(conn.execute(select(column).where(column == instance_uuid)).first()
                       for column in (_M.instance_uuid, _H.instance_uuid))
        if not held:
            return
        with self.db.write() as conn:
            conn.execute(delete(t.server_group_members)
                         .where(_M.instance_uuid == instance_uuid))
            conn.execute(delete(t.scheduler_hints).where(_H.instance_uuid == instance_uuid))

    # -- placement ------------------------------------------------------------------------

    def member_hosts(self, group_uuid: str) -> Counter[str]:
        """How many members of the group are placed on each host."""
        query = select(_M.host).where(_M.group_uuid == group_uuid, _M.host.is_not(None))
        with self.db.read() as conn:
            return Counter(row.host for row in conn.execute(query))

    def claim(self, group_uuid: str, instance_uuid: str, host: str, *,
              slots: int | None = None, alone: bool = False) -> bool:
        """Place a member on ``host``; False when the policy forbids it now.

        ``slots`` (anti-affinity): take a free slot among ``slots`` on the host; ``alone``
        (affinity): only while no other member is placed on another host; neither: always.
        """
        row = _M.instance_uuid == instance_uuid
        if slots is not None:
            for slot in range(slots):
                try:
                    with self.db.write() as conn:
                        if conn.execute(update(t.server_group_members).where(row)
                                        .values(host=host, slot=slot)).rowcount:
                            return True
                        return False  # not a member (group deleted meanwhile)
                except IntegrityError:
                    continue
            return False
        other = t.server_group_members.alias("other")
        query = update(t.server_group_members).where(row).values(host=host, slot=None)
        if alone:
            query = query.where(~exists().where(and_(
                other.c.group_uuid == group_uuid, other.c.host.is_not(None),
                other.c.host != host, other.c.instance_uuid != instance_uuid)))
        with self.db.write() as conn:
            return bool(conn.execute(query).rowcount)

    def release(self, instance_uuid: str) -> None:
        """A member's build left its host (failed there): it holds no host until placed."""
        with self.db.write() as conn:
            conn.execute(update(t.server_group_members)
                         .where(_M.instance_uuid == instance_uuid)
                         .values(host=None, slot=None))

    def placed_host(self, instance_uuid: str) -> str | None:
        """The host a member is placed on, or None."""
        with self.db.read() as conn:
            return conn.execute(select(_M.host).where(
                _M.instance_uuid == instance_uuid)).scalar_one_or_none()

    # -- scheduler hints ------------------------------------------------------------------

    def set_hints(self, instance_uuid: str, hints: dict[str, list[str]]) -> None:
        """Keep the hints a boot gave, for every (re)schedule of that server."""
        with self.db.write() as conn:
            conn.execute(insert(t.scheduler_hints).values(instance_uuid=instance_uuid,
                                                          hints=json.dumps(hints)))

    def hints(self, instance_uuid: str) -> dict[str, list[str]]:
        """The kept hints of a server ({} when none)."""
        with self.db.read() as conn:
            text = conn.execute(select(_H.hints).where(
                _H.instance_uuid == instance_uuid)).scalar_one_or_none()
        return json.loads(text) if text else {}

    def instance_hosts(self, uuids: list[str]) -> set[str]:
        """The hosts the named live servers are on (any project: Nova's host filters look
        at every instance on a host)."""
        c = t.instances.c
        query = select(c.host).where(c.uuid.in_(uuids), c.deleted.is_(False),
                                     c.host.is_not(None))
        with self.db.read() as conn:
            return {row.host for row in conn.execute(query)}
