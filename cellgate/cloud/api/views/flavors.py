"""Flavor, flavor access and extra specs bodies, per microversion."""

from __future__ import annotations

from cellgate.cloud.api.microversion import APIVersion
from cellgate.cloud.api.views.common import links


def brief(flavor: dict, base_url: str, version: APIVersion) -> dict:
    """An item of GET /flavors."""
    body = {"id": flavor["id"], "name": flavor["name"],
            "links": links(base_url, "flavors", flavor["id"])}
    if version >= "2.55":
        body["description"] = flavor.get("description")
    return body


def detail(flavor: dict, base_url: str, version: APIVersion) -> dict:
    """GET /flavors/{id}, items of GET /flavors/detail, create and update answers."""
    body = {
        "id": flavor["id"],
        "name": flavor["name"],
        "ram": flavor["ram"],
        "disk": flavor["disk"],
        "vcpus": flavor["vcpus"],
        "links": links(base_url, "flavors", flavor["id"]),
        "OS-FLV-EXT-DATA:ephemeral": flavor.get("ephemeral", 0),
        # 2.75: no swap is 0, not ""
        "swap": flavor.get("swap") or (0 if version >= "2.75" else ""),
        "os-flavor-access:is_public": flavor.get("is_public", True),
    }
    if version < "2.102":  # 2.102 drops both
        body["OS-FLV-DISABLED:disabled"] = False
        body["rxtx_factor"] = flavor.get("rxtx_factor", 1.0)
    if version >= "2.55":
        body["description"] = flavor.get("description")
    if version >= "2.61":
        body["extra_specs"] = dict(flavor.get("extra_specs") or {})
    return body


def access_list(entries: list[dict]) -> dict:
    """GET /flavors/{id}/os-flavor-access and the tenant access actions."""
    return {"flavor_access": [{"flavor_id": e["flavor_id"], "tenant_id": e["tenant_id"]}
                              for e in entries]}
