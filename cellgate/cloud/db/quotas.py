"""QuotaStore: quota limits set by admins (per project, per user in a project, per quota
class), in the API database. Unset limits fall back in the compute layer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from cellgate.cloud.db import api_tables as t
from cellgate.cloud.db.engine import Database


class QuotaStore:
    """``{resource: hard_limit}`` mappings; only what was set is stored."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def limits(self, project_id: str, user_id: str | None = None) -> dict[str, int]:
        """The limits set for a project (``user_id`` None) or for one user in it."""
        c = t.quotas.c
        query = select(c.resource, c.hard_limit).where(c.project_id == project_id,
                                                       c.user_id == (user_id or ""))
        with self.db.read() as conn:
            return {r.resource: r.hard_limit for r in conn.execute(query)}

    def set(self, project_id: str, values: dict[str, int], user_id: str | None = None) -> None:
        """Create or overwrite limits of a project or of a user in it."""
        self._upsert(t.quotas, {"project_id": project_id, "user_id": user_id or ""}, values)

    def delete(self, project_id: str, user_id: str | None = None) -> None:
        """Forget a user's limits, or a project's and those of every user in it (Nova)."""
        c = t.quotas.c
        query = delete(t.quotas).where(c.project_id == project_id)
        if user_id:
            query = query.where(c.user_id == user_id)
        with self.db.write() as conn:
            conn.execute(query)

    def class_limits(self, class_name: str) -> dict[str, int]:
        """The limits set for a quota class."""
        c = t.quota_classes.c
        query = select(c.resource, c.hard_limit).where(c.class_name == class_name)
        with self.db.read() as conn:
            return {r.resource: r.hard_limit for r in conn.execute(query)}

    def set_class(self, class_name: str, values: dict[str, int]) -> None:
        """Create or overwrite limits of a quota class."""
        self._upsert(t.quota_classes, {"class_name": class_name}, values)

    def _upsert(self, table: Any, keys: dict[str, str], values: dict[str, int]) -> None:
        with self.db.write() as conn:
            for resource, limit in values.items():
                where = [table.c[k] == v for k, v in keys.items()] + [
                    table.c.resource == resource]
                result = conn.execute(update(table).where(*where).values(hard_limit=limit))
                if result.rowcount == 0:
                    conn.execute(insert(table).values(**keys, resource=resource,
                                                      hard_limit=limit))
