"""Security group bodies as Nova shows Neutron's groups: ingress rules only, each with its
source group (name and project) or its CIDR; lists sorted by project, then name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cellgate.cloud.compute.security_rules import to_nova

# group id -> {name, tenant_id}, or None when the group is gone (its rules are then skipped)
GroupLookup = Callable[[str], dict[str, Any] | None]


def rule(record: dict[str, Any], source: GroupLookup) -> dict[str, Any] | None:
    """One rule (``POST /os-security-group-rules`` and inside groups)."""
    shown = to_nova(record)
    body = {"id": shown["id"], "parent_group_id": shown["parent_group_id"],
            "ip_protocol": shown["protocol"], "from_port": shown["from_port"],
            "to_port": shown["to_port"], "group": {}, "ip_range": {}}
    if shown["group_id"]:
        group = source(shown["group_id"])
        if group is None:
            return None
        body["group"] = group
    else:
        body["ip_range"] = {"cidr": shown["cidr"]}
    return body


def group(record: dict[str, Any], source: GroupLookup) -> dict[str, Any]:
    """One group with its ingress rules."""
    rules = [rule(r, source) for r in record["rules"] if r["direction"] == "ingress"]
    return {"id": record["id"], "description": record["description"],
            "name": record["name"], "tenant_id": record["project_id"],
            "rules": [r for r in rules if r is not None]}


def groups(records: Iterable[dict[str, Any]], source: GroupLookup) -> list[dict[str, Any]]:
    """Groups sorted as Nova sorts them (project, then name)."""
    shown = [group(r, source) for r in records]
    return sorted(shown, key=lambda g: (g["tenant_id"], g["name"]))


def source_of(lookup: Callable[[str], dict[str, Any] | None],
              known: Iterable[dict[str, Any]] = ()) -> GroupLookup:
    """A GroupLookup over ``known`` groups first, then ``lookup`` (a group record, or None
    when missing), each group looked up once."""
    cache: dict[str, dict[str, Any] | None] = {
        g["id"]: {"name": g["name"], "tenant_id": g["project_id"]} for g in known}

    def find(group_id: str) -> dict[str, Any] | None:
        if group_id not in cache:
            found = lookup(group_id)
            cache[group_id] = (None if found is None
                               else {"name": found["name"], "tenant_id": found["project_id"]})
        return cache[group_id]
    return find
