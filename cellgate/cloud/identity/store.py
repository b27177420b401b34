"""IdentityStore: the Keystone v3 subset behind `/identity` (password auth, tokens, roles).

Tokens are random (secrets), stored as a sha256 digest in the API database so that they survive
a restart, and validated through a small in-memory cache so that a compute request costs no
database round trip once its token has been seen.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from cellgate.cloud.identity import tables
from cellgate.cloud.identity.accounts import DEFAULT_DOMAIN_ID, DEFAULT_DOMAIN_NAME, Account
from cellgate.cloud.identity.passwords import check_password, generate_password, hash_password

DEFAULT_TOKEN_TTL = 3600.0
_CACHE_SIZE = 4096
_ROLE_NAMESPACE = uuid.UUID("6c0f3b8e-2c52-4b2f-9d76-0e6f4f3f4d11")
AUTH_FAILED = "The request you have made requires authentication."


class IdentityError(Exception):
    """Authentication failed (Keystone answers 401 with this message)."""

    def __init__(self, message: str = AUTH_FAILED) -> None:
        super().__init__(message)
        self.message = message


def role_id(name: str) -> str:
    """Stable id of a role name (roles are a fixed set, so ids derive from names)."""
    return uuid.uuid5(_ROLE_NAMESPACE, name).hex


@dataclass(frozen=True)
class TokenInfo:
    """What a token stands for: who, scoped to which project, with which roles, until when."""

    user_id: str
    user_name: str
    project_id: str | None
    project_name: str | None
    roles: tuple[str, ...]
    methods: tuple[str, ...]
    audit_id: str
    issued_at: float
    expires_at: float

    @property
    def is_admin(self) -> bool:
        """True for tokens carrying the `admin` role."""
        return "admin" in self.roles


class IdentityStore:
    """Users, projects, role assignments and tokens in the API cell's database."""

    def __init__(self, engine: Engine, token_ttl: float = DEFAULT_TOKEN_TTL) -> None:
        self._engine = engine
        self._ttl = token_ttl
        self._cache: OrderedDict[str, TokenInfo] = OrderedDict()
        self._lock = threading.Lock()

    # -- set-up ---------------------------------------------------------------------------

    def create_tables(self) -> None:
        """Create the identity tables when missing, and drop tokens that have expired."""
        tables.metadata.create_all(self._engine, checkfirst=True)
        with self._engine.begin() as conn:
            conn.execute(delete(tables.tokens).where(tables.tokens.c.expires_at < time.time()))

    def bootstrap(self, accounts: tuple[Account, ...],
                  known_passwords: dict[str, str] | None = None) -> dict[str, str]:
        """Make sure every seed account exists; return {username: password}.

        A password from `known_passwords` (read back from the state dir's clouds.yaml) is kept
        when it still matches the stored hash; otherwise a new random one is set, so the result
        always holds passwords that work.
        """
        known = dict(known_passwords or {})
        result: dict[str, str] = {}
        with self._engine.begin() as conn:
            for account in accounts:
                project_id = self._ensure_project(conn, account.project_name)
                row = conn.execute(select(tables.users).where(
                    tables.users.c.name == account.username)).first()
                password = known.get(account.username)
                if row is None:
                    password = password or generate_password()
                    user_id = uuid.uuid4().hex
                    conn.execute(insert(tables.users).values(
                        id=user_id, name=account.username, domain_id=DEFAULT_DOMAIN_ID,
                        password_hash=hash_password(password), default_project_id=project_id))
                else:
                    user_id = row.id
                    if not password or not check_password(password, row.password_hash):
                        password = generate_password()
                        conn.execute(update(tables.users).where(tables.users.c.id == user_id)
                                     .values(password_hash=hash_password(password)))
                have = {r.role for r in conn.execute(select(tables.role_assignments.c.role).where(
                    tables.role_assignments.c.user_id == user_id,
                    tables.role_assignments.c.project_id == project_id))}
                for role in account.roles:
                    if role not in have:
                        conn.execute(insert(tables.role_assignments).values(
                            user_id=user_id, project_id=project_id, role=role))
                result[account.username] = password
        return result

    @staticmethod
    def _ensure_project(conn, name: str) -> str:
        row = conn.execute(select(tables.projects.c.id).where(
            tables.projects.c.name == name)).first()
        if row is not None:
            return row.id
        project_id = uuid.uuid4().hex
        conn.execute(insert(tables.projects).values(id=project_id, name=name,
                                                    domain_id=DEFAULT_DOMAIN_ID))
        return project_id

    # -- queries --------------------------------------------------------------------------

    def project_ids(self) -> dict[str, str]:
        """{project name: project id} of every project."""
        with self._engine.connect() as conn:
            return {r.name: r.id for r in conn.execute(select(tables.projects))}

    # -- authentication -------------------------------------------------------------------

    def authenticate(self, *, user: dict, password: str,
                     project: dict | None) -> tuple[str, TokenInfo]:
        """Check a password and issue a token; return (token id, TokenInfo).

        `user` and `project` are Keystone's reference objects: `{"id": ...}` or
        `{"name": ..., "domain": {"id"|"name": ...}}`. Raises IdentityError on any mismatch
        (unknown user, wrong password, unknown project, no role on the project).
        """
        with self._engine.connect() as conn:
            row = self._find(conn, tables.users, user)
            if row is None or not check_password(password, row.password_hash):
                raise IdentityError()
            project_row = None
            roles: tuple[str, ...] = ()
            if project is not None:
                project_row = self._find(conn, tables.projects, project)
                if project_row is None:
                    raise IdentityError()
                roles = tuple(sorted(r.role for r in conn.execute(
                    select(tables.role_assignments.c.role).where(
                        tables.role_assignments.c.user_id == row.id,
                        tables.role_assignments.c.project_id == project_row.id))))
                if not roles:
                    raise IdentityError()
        now = time.time()
        info = TokenInfo(user_id=row.id, user_name=row.name,
                         project_id=project_row.id if project_row else None,
                         project_name=project_row.name if project_row else None,
                         roles=roles, methods=("password",),
                         audit_id=secrets.token_urlsafe(16)[:22], issued_at=now,
                         expires_at=now + self._ttl)
        token = secrets.token_urlsafe(32)
        with self._engine.begin() as conn:
            conn.execute(insert(tables.tokens).values(
                digest=_digest(token), user_id=info.user_id, project_id=info.project_id,
                roles=json.dumps(list(info.roles)), methods=json.dumps(list(info.methods)),
                audit_id=info.audit_id, issued_at=info.issued_at, expires_at=info.expires_at))
        self._remember(token, info)
        return token, info

    @staticmethod
    def _find(conn, table, ref: dict):
        if "id" in ref:
            row = conn.execute(select(table).where(table.c.id == ref["id"])).first()
        else:
            row = conn.execute(select(table).where(table.c.name == ref.get("name"))).first()
        if row is None:
            return None
        domain = ref.get("domain")
        if domain and "id" not in ref:
            if domain.get("id", DEFAULT_DOMAIN_ID) != row.domain_id:
                return None
            if domain.get("name", DEFAULT_DOMAIN_NAME) != DEFAULT_DOMAIN_NAME:
                return None
        return row

    def validate(self, token: str) -> TokenInfo | None:
        """The TokenInfo of a live token, or None (unknown, revoked or expired)."""
        now = time.time()
        with self._lock:
            info = self._cache.get(token)
        if info is not None:
            return info if info.expires_at > now else None
        with self._engine.connect() as conn:
            row = conn.execute(select(tables.tokens).where(
                tables.tokens.c.digest == _digest(token))).first()
            if row is None or row.expires_at <= now:
                return None
            user = conn.execute(select(tables.users.c.name).where(
                tables.users.c.id == row.user_id)).first()
            project = None
            if row.project_id:
                project = conn.execute(select(tables.projects.c.name).where(
                    tables.projects.c.id == row.project_id)).first()
        if user is None:
            return None
        info = TokenInfo(user_id=row.user_id, user_name=user.name, project_id=row.project_id,
                         project_name=project.name if project else None,
                         roles=tuple(json.loads(row.roles)),
                         methods=tuple(json.loads(row.methods)), audit_id=row.audit_id,
                         issued_at=row.issued_at, expires_at=row.expires_at)
        self._remember(token, info)
        return info

    def revoke(self, token: str) -> bool:
        """Revoke a token; True when it existed."""
        with self._lock:
            self._cache.pop(token, None)
        with self._engine.begin() as conn:
            result = conn.execute(delete(tables.tokens).where(
                tables.tokens.c.digest == _digest(token)))
        return bool(result.rowcount)

    def _remember(self, token: str, info: TokenInfo) -> None:
        with self._lock:
            self._cache[token] = info
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
