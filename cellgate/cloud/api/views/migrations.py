"""Migration bodies of /os-migrations per microversion (2.23 type, 2.59 uuid, 2.80 owner)."""

from __future__ import annotations

from cellgate.cloud.api.microversion import APIVersion
from cellgate.cloud.api.views.common import microtime


def migration(record: dict, version: APIVersion) -> dict:
    """One item of GET /os-migrations."""
    body = {"id": record["id"]}
    if version >= "2.59":
        body["uuid"] = record["uuid"]
    for key in ("source_compute", "dest_compute", "source_node", "dest_node", "dest_host",
                "old_instance_type_id", "new_instance_type_id", "instance_uuid", "status"):
        body[key] = record.get(key)
    if version >= "2.23":
        body["migration_type"] = record["migration_type"]
    if version >= "2.80":
        body["user_id"] = record.get("user_id")
        body["project_id"] = record.get("project_id")
    body["created_at"] = microtime(record["created_at"])
    body["updated_at"] = microtime(record.get("updated_at"))
    return body
