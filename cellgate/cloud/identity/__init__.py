"""Keystone v3 subset: projects, users, role assignments, hashed passwords and tokens."""

from cellgate.cloud.identity.accounts import SEED_ACCOUNTS, Account
from cellgate.cloud.identity.store import IdentityError, IdentityStore, TokenInfo

__all__ = ["SEED_ACCOUNTS", "Account", "IdentityError", "IdentityStore", "TokenInfo"]
