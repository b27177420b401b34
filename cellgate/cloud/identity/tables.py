"""SQLAlchemy tables of the identity store; they live in the API cell's database."""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, MetaData, String, Table, Text

metadata = MetaData()

projects = Table(
    "identity_projects", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("domain_id", String(64), nullable=False),
)

users = Table(
    "identity_users", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("domain_id", String(64), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("default_project_id", String(64), ForeignKey("identity_projects.id")),
)

role_assignments = Table(
    "identity_role_assignments", metadata,
    Column("user_id", String(64), ForeignKey("identity_users.id"), primary_key=True),
    Column("project_id", String(64), ForeignKey("identity_projects.id"), primary_key=True),
    Column("role", String(64), primary_key=True),
)

tokens = Table(
    "identity_tokens", metadata,
    # sha256 of the token: a leaked database does not leak usable tokens
    Column("digest", String(64), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("project_id", String(64)),
    Column("roles", Text, nullable=False),
    Column("methods", Text, nullable=False),
    Column("audit_id", String(32), nullable=False),
    Column("issued_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)
