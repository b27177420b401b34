"""Keystone token bodies and the service catalog."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from cellgate.cloud.identity import TokenInfo
from cellgate.cloud.identity.accounts import DEFAULT_DOMAIN_ID, DEFAULT_DOMAIN_NAME
from cellgate.cloud.identity.store import role_id

REGION = "RegionOne"
_ENDPOINT_NS = uuid.UUID("0b7c52a4-8a8e-4f0c-9b0e-6a9d3f0e2b71")
_SERVICES = (("compute", "nova", "/compute/v2.1"), ("identity", "keystone", "/identity/v3"),
             ("image", "glance", "/image"))


def keystone_time(epoch: float) -> str:
    """'2026-01-01T00:00:00.000000Z' (Keystone's token timestamps)."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def catalog(base_url: str) -> list[dict]:
    """The service catalog: compute, identity and image, each on three interfaces."""
    services = []
    for service_type, name, path in _SERVICES:
        endpoints = [{"id": uuid.uuid5(_ENDPOINT_NS, f"{service_type}-{iface}").hex,
                      "interface": iface, "region": REGION, "region_id": REGION,
                      "url": base_url + path}
                     for iface in ("public", "internal", "admin")]
        services.append({"id": uuid.uuid5(_ENDPOINT_NS, service_type).hex, "type": service_type,
                         "name": name, "endpoints": endpoints})
    return services


def token(info: TokenInfo, base_url: str) -> dict:
    """The `{"token": ...}` body of POST and GET /v3/auth/tokens."""
    domain = {"id": DEFAULT_DOMAIN_ID, "name": DEFAULT_DOMAIN_NAME}
    body = {
        "methods": list(info.methods),
        "user": {"id": info.user_id, "name": info.user_name, "domain": domain,
                 "password_expires_at": None},
        "audit_ids": [info.audit_id],
        "issued_at": keystone_time(info.issued_at),
        "expires_at": keystone_time(info.expires_at),
    }
    if info.project_id is not None:
        body["project"] = {"id": info.project_id, "name": info.project_name, "domain": domain}
        body["is_domain"] = False
        body["roles"] = [{"id": role_id(r), "name": r} for r in info.roles]
        body["catalog"] = catalog(base_url)
    return {"token": body}
