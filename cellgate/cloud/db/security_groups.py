"""SecurityGroupStore: projects' security groups and rules in the API database, as Neutron
keeps them (the API cell owns them; cells get the effective rules of each server).

Records: group ``{id, project_id, name, description, is_default, rules: [rule, ...]}``; rule
``{id, security_group_id, project_id, direction, ethertype, protocol, port_range_min,
port_range_max, remote_ip_prefix, remote_group_id}``. Writes are serialised by the
database's write lock, so "check, then insert" (one default group per project, no duplicate
rule) holds within the process.
"""

from __future__ import annotations

import datetime
import uuid as uuidlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from cellgate.cloud import exceptions as exc
from cellgate.cloud.db import api_tables as t
from cellgate.cloud.db.engine import Database

DEFAULT_NAME = "default"
DEFAULT_DESCRIPTION = "Default security group"
# What makes two rules the same rule (Neutron's duplicate check).
RULE_KEY = ("direction", "ethertype", "protocol", "port_range_min", "port_range_max",
            "remote_ip_prefix", "remote_group_id")
_RULE_FIELDS = ("id", "security_group_id", "project_id", *RULE_KEY)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _egress(group_id: str, project_id: str) -> list[dict[str, Any]]:
    """Neutron's rules of every new group: all egress traffic, IPv4 and IPv6."""
    return [{"security_group_id": group_id, "project_id": project_id, "direction": "egress",
             "ethertype": ether} for ether in ("IPv4", "IPv6")]


class SecurityGroupStore:
    """Security groups and rules of every project."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading ------------------------------------------------------------------------

    @staticmethod
    def _rules(conn: Connection, group_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        ids = list(group_ids)
        by_group: dict[str, list[dict[str, Any]]] = {gid: [] for gid in ids}
        if not ids:
            return by_group
        c = t.security_group_rules.c
        rows = conn.execute(select(t.security_group_rules)
                            .where(c.security_group_id.in_(ids))
                            .order_by(c.created_at, c.id))
        for row in rows:
            by_group[row.security_group_id].append({k: getattr(row, k) for k in _RULE_FIELDS})
        return by_group

    def _groups(self, conn: Connection, where: Any) -> list[dict[str, Any]]:
        c = t.security_groups.c
        rows = conn.execute(select(t.security_groups).where(where)
                            .order_by(c.created_at, c.id)).all()
        rules = self._rules(conn, [row.id for row in rows])
        return [{"id": row.id, "project_id": row.project_id, "name": row.name,
                 "description": row.description, "is_default": bool(row.is_default),
                 "rules": rules[row.id]} for row in rows]

    def get(self, group_id: str) -> dict[str, Any]:
        """One group with its rules; unknown -> SecurityGroupNotFound."""
        with self.db.read() as conn:
            found = self._groups(conn, t.security_groups.c.id == group_id)
        if not found:
            raise exc.SecurityGroupNotFound(security_group_id=group_id)
        return found[0]

    def many(self, group_ids: Iterable[str]) -> list[dict[str, Any]]:
        """The groups of ``group_ids`` that exist, in the order asked."""
        ids = list(group_ids)
        with self.db.read() as conn:
            found = {g["id"]: g for g in self._groups(conn, t.security_groups.c.id.in_(ids))}
        return [found[gid] for gid in ids if gid in found]

    def list(self, project_id: str | None) -> list[dict[str, Any]]:
        """The groups of a project, or of every project (None)."""
        c = t.security_groups.c
        with self.db.read() as conn:
            return self._groups(conn, c.project_id == project_id if project_id is not None
                                else c.id.isnot(None))

    def find(self, project_id: str, name_or_id: str) -> list[dict[str, Any]]:
        """Groups whose id is ``name_or_id`` (any project: the caller checks it may see it),
        else the project's groups of that name."""
        c = t.security_groups.c
        with self.db.read() as conn:
            by_id = self._groups(conn, c.id == name_or_id)
            if by_id:
                return by_id
            return self._groups(conn, (c.project_id == project_id) & (c.name == name_or_id))

    def get_rule(self, rule_id: str) -> dict[str, Any]:
        """One rule; unknown -> SecurityGroupRuleNotFound."""
        c = t.security_group_rules.c
        with self.db.read() as conn:
            row = conn.execute(select(t.security_group_rules).where(c.id == rule_id)).first()
        if row is None:
            raise exc.SecurityGroupRuleNotFound(rule_id=rule_id)
        return {k: getattr(row, k) for k in _RULE_FIELDS}

    def referencing(self, group_id: str) -> set[str]:
        """Ids of the groups holding a rule whose remote group is ``group_id``."""
        c = t.security_group_rules.c
        with self.db.read() as conn:
            return {row.security_group_id for row in conn.execute(
                select(c.security_group_id).where(c.remote_group_id == group_id))}

    # -- writing ------------------------------------------------------------------------

    def _insert_rules(self, conn: Connection, rules: list[dict[str, Any]]) -> list[str]:
        ids = []
        for rule in rules:
            rule_id = str(uuidlib.uuid4())
            conn.execute(insert(t.security_group_rules).values(
                id=rule_id, created_at=_now(), **{k: rule.get(k) for k in _RULE_FIELDS[1:]}))
            ids.append(rule_id)
        return ids

    def _insert_group(self, conn: Connection, project_id: str, name: str, description: str,
                      is_default: bool) -> str:
        group_id = str(uuidlib.uuid4())
        conn.execute(insert(t.security_groups).values(
            id=group_id, project_id=project_id, name=name, description=description,
            is_default=is_default, created_at=_now()))
        rules = _egress(group_id, project_id)
        if is_default:  # ... and traffic from the group's own members
            rules += [{**rule, "direction": "ingress", "remote_group_id": group_id}
                      for rule in _egress(group_id, project_id)]
        self._insert_rules(conn, rules)
        return group_id

    def ensure_default(self, project_id: str) -> dict[str, Any]:
        """The project's ``default`` group, created on first use (as Neutron)."""
        c = t.security_groups.c
        where = (c.project_id == project_id) & c.is_default.is_(True)
        with self.db.read() as conn:
            found = self._groups(conn, where)
        if found:
            return found[0]
        with self.db.write() as conn:
            row = conn.execute(select(c.id).where(where)).first()
            group_id = row.id if row is not None else self._insert_group(
                conn, project_id, DEFAULT_NAME, DEFAULT_DESCRIPTION, True)
        return self.get(group_id)

    def create(self, project_id: str, name: str, description: str) -> dict[str, Any]:
        """A new group with Neutron's egress rules (the project's default made first)."""
        self.ensure_default(project_id)
        with self.db.write() as conn:
            group_id = self._insert_group(conn, project_id, name, description, False)
        return self.get(group_id)

    def update(self, group_id: str, name: str, description: str) -> dict[str, Any]:
        """Rename / re-describe a group."""
        with self.db.write() as conn:
            conn.execute(update(t.security_groups).where(t.security_groups.c.id == group_id)
                         .values(name=name, description=description))
        return self.get(group_id)

    def delete(self, group_id: str) -> None:
        """Delete a group, its rules and the rules of other groups naming it as remote."""
        r = t.security_group_rules.c
        with self.db.write() as conn:
            conn.execute(delete(t.security_group_rules).where(
                or_(r.security_group_id == group_id, r.remote_group_id == group_id)))
            result = conn.execute(delete(t.security_groups)
                                  .where(t.security_groups.c.id == group_id))
        if result.rowcount == 0:
            raise exc.SecurityGroupNotFound(security_group_id=group_id)

    def add_rule(self, rule: dict[str, Any]) -> dict[str, Any]:
        """Store a rule unless the group holds the same one (SecurityGroupRuleExists)."""
        c = t.security_group_rules.c
        with self.db.write() as conn:
            same = select(c.id).where(c.security_group_id == rule["security_group_id"],
                                      *[(c[k].is_(None) if rule.get(k) is None
                                         else c[k] == rule[k]) for k in RULE_KEY])
            existing = conn.execute(same).first()
            if existing is not None:
                raise exc.SecurityGroupRuleExists(rule_id=existing.id)
            (rule_id,) = self._insert_rules(conn, [rule])
        return self.get_rule(rule_id)

    def delete_rule(self, rule_id: str) -> None:
        """Delete a rule; unknown -> SecurityGroupRuleNotFound."""
        with self.db.write() as conn:
            result = conn.execute(delete(t.security_group_rules)
                                  .where(t.security_group_rules.c.id == rule_id))
        if result.rowcount == 0:
            raise exc.SecurityGroupRuleNotFound(rule_id=rule_id)
