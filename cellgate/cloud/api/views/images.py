"""Glance v2 image bodies."""

from __future__ import annotations

from datetime import datetime

_ISO = "%Y-%m-%dT%H:%M:%SZ"


def _time(value) -> str:
    if isinstance(value, datetime):
        return value.strftime(_ISO)
    return value or "2026-01-01T00:00:00Z"


def image(record: dict) -> dict:
    """A Glance v2 image from a catalog record."""
    image_id = record["id"]
    return {
        "id": image_id,
        "name": record.get("name"),
        "status": record.get("status", "active"),
        "visibility": record.get("visibility", "public"),
        "protected": bool(record.get("protected", False)),
        "os_hidden": False,
        "checksum": record.get("checksum"),
        "os_hash_algo": record.get("os_hash_algo"),
        "os_hash_value": record.get("os_hash_value"),
        "owner": record.get("owner"),
        "size": record.get("size"),
        "virtual_size": record.get("virtual_size"),
        "min_ram": int(record.get("min_ram", 0) or 0),
        "min_disk": int(record.get("min_disk", 0) or 0),
        "disk_format": record.get("disk_format", "qcow2"),
        "container_format": record.get("container_format", "bare"),
        "created_at": _time(record.get("created_at")),
        "updated_at": _time(record.get("updated_at")),
        "tags": list(record.get("tags") or []),
        "self": f"/v2/images/{image_id}",
        "file": f"/v2/images/{image_id}/file",
        "schema": "/v2/schemas/image",
    }
