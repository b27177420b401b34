"""Keypair methods of ComputeAPI: per-user keypairs kept by the API cell.

A boot resolves ``key_name`` here, at the top, and the public key travels down with the
build (as the flavor does), so a child cell never reads the API database.
"""

from __future__ import annotations

from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.compute import keys
from cellgate.cloud.context import RequestContext
from cellgate.cloud.db.api_store import ApiStore

Record = dict[str, Any]

class KeypairMethods:
    """Part of ComputeAPI: keypairs (needs ``self.store``). ``user_id`` is whose keypairs
    to act on (the HTTP layer allows another user's to admins only); None is the caller."""

    store: ApiStore

    def key_pairs_limit(self, ctx: RequestContext, user_id: str) -> int:
        """How many keypairs ``user_id`` may hold (QuotaMethods answers)."""
        raise NotImplementedError

    def create_keypair(self, ctx: RequestContext, name: str, *, key_type: str = keys.SSH,
                       public_key: str | None = None,
                       user_id: str | None = None) -> tuple[Record, str | None]:
        """Import ``public_key`` or generate a pair; returns (keypair, private key or None).

        A bad key -> InvalidKeypair, a name the user has -> KeyPairExists, over the
        key_pairs quota -> KeypairLimitExceeded.
        """
        user_id = user_id or ctx.user_id
        if self.store.keypairs.count(user_id) + 1 > self.key_pairs_limit(ctx, user_id):
            raise exc.KeypairLimitExceeded()
        private_key = None
        if public_key is None:
            private_key, public_key, fingerprint = keys.generate(key_type, user_id)
        else:
            fingerprint = keys.fingerprint(public_key, key_type)
        record = self.store.keypairs.create(user_id=user_id, name=name, key_type=key_type,
                                            fingerprint=fingerprint, public_key=public_key)
        return record, private_key

    def list_keypairs(self, ctx: RequestContext, *, user_id: str | None = None,
                      limit: int | None = None, marker: str | None = None) -> list[Record]:
        """A user's keypairs by name (paged by name)."""
        return self.store.keypairs.list(user_id or ctx.user_id, limit=limit, marker=marker)

    def get_keypair(self, ctx: RequestContext, name: str, *,
                    user_id: str | None = None) -> Record:
        """One keypair; another user's or unknown -> KeypairNotFound."""
        return self.store.keypairs.get(user_id or ctx.user_id, name)

    def delete_keypair(self, ctx: RequestContext, name: str, *,
                       user_id: str | None = None) -> None:
        """Delete a keypair (servers booted with it keep their copy of the key)."""
        self.store.keypairs.delete(user_id or ctx.user_id, name)

    def boot_key(self, ctx: RequestContext, key_name: str | None) -> str | None:
        """The caller's public key a boot names, or None; unknown -> Invalid with Nova's
        'Invalid key_name provided.'"""
        if key_name is None:
            return None
        try:
            return self.get_keypair(ctx, key_name)["public_key"]
        except exc.KeypairNotFound:
            raise exc.Invalid("Invalid key_name provided.")
