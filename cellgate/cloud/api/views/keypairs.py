"""Keypair bodies per microversion (Nova's keypairs view builder)."""

from __future__ import annotations

from cellgate.cloud.api.views.common import microtime


def _brief(keypair: dict, with_type: bool) -> dict:
    body = {"name": keypair["name"], "public_key": keypair["public_key"],
            "fingerprint": keypair["fingerprint"]}
    if with_type:
        body["type"] = keypair["type"]
    return body


def created(keypair: dict, private_key: str | None, with_type: bool) -> dict:
    """POST /os-keypairs: the private key only when one was generated."""
    body = {**_brief(keypair, with_type), "user_id": keypair["user_id"]}
    if private_key is not None:
        body["private_key"] = private_key
    return {"keypair": body}


def item(keypair: dict, with_type: bool) -> dict:
    """One entry of GET /os-keypairs."""
    return {"keypair": _brief(keypair, with_type)}


def show(keypair: dict, with_type: bool) -> dict:
    """GET /os-keypairs/{name}: with Nova's never-populated soft-delete fields."""
    return {"keypair": {**_brief(keypair, with_type), "user_id": keypair["user_id"],
                        "created_at": microtime(keypair["created_at"]), "deleted": False,
                        "deleted_at": None, "id": keypair["id"], "updated_at": None}}
