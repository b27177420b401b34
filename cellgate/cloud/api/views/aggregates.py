"""Aggregate and availability-zone bodies."""

from __future__ import annotations

from cellgate.cloud.api.microversion import APIVersion
from cellgate.cloud.api.views.common import microtime


def aggregate(record: dict, version: APIVersion, *, created: bool = False) -> dict:
    """An aggregate as Nova shows it (naive timestamps, ``uuid`` from 2.41); the create
    answer has no ``hosts`` or ``metadata``."""
    body = {"id": record["id"], "name": record["name"],
            "availability_zone": record.get("availability_zone"),
            "created_at": microtime(record["created_at"]),
            "updated_at": microtime(record.get("updated_at")),
            "deleted_at": None, "deleted": False}
    if version >= "2.41":
        body["uuid"] = record["uuid"]
    if not created:
        body["hosts"] = list(record["hosts"])
        body["metadata"] = dict(record["metadata"])
    return body


def zones(records: list[dict], *, detail: bool) -> dict:
    """GET /os-availability-zone[/detail]: the summary hides ``internal`` and every host."""
    return {"availabilityZoneInfo": [
        {"zoneName": z["name"], "zoneState": {"available": z["available"]},
         "hosts": _hosts(z["hosts"]) if detail else None}
        for z in records if detail or z["name"] != "internal"]}


def _hosts(hosts: dict | None) -> dict | None:
    if hosts is None:
        return None
    return {host: {binary: {**state, "updated_at": microtime(state["updated_at"])}
                   for binary, state in services.items()}
            for host, services in hosts.items()}
