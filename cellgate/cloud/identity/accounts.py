"""The accounts every reference cloud is seeded with (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_DOMAIN_ID = "default"
DEFAULT_DOMAIN_NAME = "Default"


@dataclass(frozen=True)
class Account:
    """One seeded user: its clouds.yaml entry name, project and roles."""

    cloud_name: str
    username: str
    project_name: str
    roles: tuple[str, ...]


SEED_ACCOUNTS: tuple[Account, ...] = (
    Account("cellgate-admin", "admin", "admin", ("admin", "member", "reader")),
    Account("cellgate-member1", "member1", "project-a", ("member", "reader")),
    Account("cellgate-member2", "member2", "project-a", ("member", "reader")),
    Account("cellgate-member3", "member3", "project-b", ("member", "reader")),
)
