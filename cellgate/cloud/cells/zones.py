"""Availability zones, derived from host aggregates (the API cell owns both).

A compute host's zone is the ``availability_zone`` of an aggregate holding it (Nova allows
one zone per host); a host in none is in its default zone (its profile's, ``nova`` unless
the topology says otherwise, as Nova's ``default_availability_zone``). Services other than
nova-compute are in ``internal``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

DEFAULT_ZONE = "nova"
INTERNAL_ZONE = "internal"
ZONE_KEY = "availability_zone"


def aggregates_by_host(aggregates: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """``{host: [aggregate, ...]}`` (aggregates by id) for every host in some aggregate."""
    result: dict[str, list[dict[str, Any]]] = {}
    for aggregate in sorted(aggregates, key=lambda a: a["id"]):
        for host in aggregate["hosts"]:
            result.setdefault(host, []).append(aggregate)
    return result


def zone_of(host: str, by_host: dict[str, list[dict[str, Any]]], default: str | None) -> str:
    """The zone of compute host ``host``: its first zoned aggregate's, else ``default``."""
    for aggregate in by_host.get(host, ()):
        zone = aggregate["metadata"].get(ZONE_KEY)
        if zone:
            return zone
    return default or DEFAULT_ZONE


def host_zones(hosts: Iterable[dict[str, Any]],
               aggregates: Iterable[dict[str, Any]]) -> dict[str, str]:
    """``{host: zone}`` for reported compute hosts (``availability_zone`` of a host report is
    its default)."""
    by_host = aggregates_by_host(aggregates)
    return {h["host"]: zone_of(h["host"], by_host, h.get(ZONE_KEY)) for h in hosts}


def service_zone(service: dict[str, Any], zones: dict[str, str]) -> str:
    """The zone a service shows: its host's for nova-compute, ``internal`` otherwise."""
    if service["binary"] != "nova-compute":
        return INTERNAL_ZONE
    return zones.get(service["host"]) or service.get("zone") or DEFAULT_ZONE
