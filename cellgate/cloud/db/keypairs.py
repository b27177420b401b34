"""KeypairStore: users' keypairs in the API database (the API cell owns them)."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from cellgate.cloud import exceptions as exc
from cellgate.cloud.db import api_tables as t
from cellgate.cloud.db.engine import Database

UTC = datetime.timezone.utc


class KeypairStore:
    """Keypair records ``{id, user_id, name, type, fingerprint, public_key, created_at}``
    (``created_at`` an aware UTC datetime), unique per user and name."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def _record(row: Any) -> dict[str, Any]:
        created = row.created_at
        return {"id": row.id, "user_id": row.user_id, "name": row.name, "type": row.type,
                "fingerprint": row.fingerprint, "public_key": row.public_key,
                "created_at": created.replace(tzinfo=UTC) if created.tzinfo is None
                else created}

    def create(self, *, user_id: str, name: str, key_type: str, fingerprint: str,
               public_key: str) -> dict[str, Any]:
        """Store a keypair; a name the user already has -> KeyPairExists."""
        try:
            with self.db.write() as conn:
                conn.execute(insert(t.key_pairs).values(
                    user_id=user_id, name=name, type=key_type, fingerprint=fingerprint,
                    public_key=public_key,
                    created_at=datetime.datetime.now(UTC).replace(tzinfo=None)))
        except IntegrityError:
            raise exc.KeyPairExists(key_name=name)
        return self.get(user_id, name)

    def get(self, user_id: str, name: str) -> dict[str, Any]:
        """One keypair of a user; unknown -> KeypairNotFound."""
        c = t.key_pairs.c
        with self.db.read() as conn:
            row = conn.execute(select(t.key_pairs).where(c.user_id == user_id,
                                                         c.name == name)).first()
        if row is None:
            raise exc.KeypairNotFound(name=name, user_id=user_id)
        return self._record(row)

    def list(self, user_id: str, *, limit: int | None = None,
             marker: str | None = None) -> list[dict[str, Any]]:
        """A user's keypairs by name; after ``marker`` (a name of theirs, else Invalid with
        Nova's 'Marker ... could not be found.'), at most ``limit``."""
        c = t.key_pairs.c
        query = select(t.key_pairs).where(c.user_id == user_id).order_by(c.name.asc())
        with self.db.read() as conn:
            if marker is not None:
                if conn.execute(select(c.id).where(c.user_id == user_id,
                                                   c.name == marker)).first() is None:
                    raise exc.Invalid(f"Marker {marker} could not be found.")
                query = query.where(c.name > marker)
            if limit is not None:
                query = query.limit(limit)
            return [self._record(row) for row in conn.execute(query)]

    def count(self, user_id: str) -> int:
        """How many keypairs a user has (the key_pairs quota counts them)."""
        c = t.key_pairs.c
        with self.db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(t.key_pairs)
                                    .where(c.user_id == user_id)).scalar_one())

    def delete(self, user_id: str, name: str) -> None:
        """Delete a keypair of a user; unknown -> KeypairNotFound."""
        c = t.key_pairs.c
        with self.db.write() as conn:
            result = conn.execute(delete(t.key_pairs).where(c.user_id == user_id,
                                                            c.name == name))
        if result.rowcount == 0:
            raise exc.KeypairNotFound(name=name, user_id=user_id)
