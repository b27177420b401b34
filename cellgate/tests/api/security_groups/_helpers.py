"""Helpers of the security group tests: groups and rules removed at cleanup, and the
comparisons the tests make (Nova shows a server's groups in no fixed order)."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.tests.api.servers._helpers import unique_name

__all__ = ["create_group", "create_rule", "default_group", "group_names", "unique_name"]


def _quietly(delete, resource_id: str) -> None:
    try:
        delete(resource_id)
    except lib_exc.NotFound:
        pass


def create_group(test, clients, cleanup=None, **body) -> dict:
    """Create a group through ``clients`` (a unique name and a description unless given),
    deleted by ``cleanup`` (default: the test's addCleanup); returns the group body."""
    client = clients.security_groups_client
    body.setdefault("name", unique_name("sg"))
    body.setdefault("description", "cellgate test group")
    group = client.create_security_group(**body)["security_group"]
    (cleanup or test.addCleanup)(_quietly, client.delete_security_group, group["id"])
    return group


def create_rule(test, clients, parent_id: str, cleanup=None, **body) -> dict:
    """Add an ingress rule to group ``parent_id`` (removed by ``cleanup``); returns the rule."""
    client = clients.security_group_rules_client
    rule = client.create_security_group_rule(parent_group_id=parent_id,
                                             **body)["security_group_rule"]
    (cleanup or test.addCleanup)(_quietly, client.delete_security_group_rule, rule["id"])
    return rule


def default_group(clients) -> dict:
    """The caller's project's ``default`` group (listing makes it if it is new)."""
    groups = clients.security_groups_client.list_security_groups()["security_groups"]
    return next(g for g in groups if g["name"] == "default"
                and g["tenant_id"] == clients.project_id)


def group_names(server: dict) -> list[str]:
    """A server body's security group names, sorted (Nova's order is not fixed)."""
    return sorted(g["name"] for g in server.get("security_groups") or [])
