"""Helpers of the server group tests: groups deleted when the test ends, members' hosts."""

from __future__ import annotations

from typing import Any

from tempest.lib import exceptions as lib_exc

from cellgate.lib.microversion import current_microversion, version_at_least
from cellgate.tests.api.servers import _helpers as server_helpers

#: The fault of a member no host can take under a hard policy (Nova's NoValidHost).
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."


def create_group(test: Any, clients: Any, policy: str = "anti-affinity", *,
                 rules: dict | None = None, **body: Any) -> dict:
    """Create a server group (``policies`` below 2.64, ``policy`` and ``rules`` from 2.64,
    by the microversion in use) deleted when the test ends."""
    body.setdefault("name", server_helpers.unique_name("group"))
    if version_at_least(current_microversion(), "2.64"):
        body["policy"] = policy
        if rules is not None:
            body["rules"] = rules
    else:
        body["policies"] = [policy]
    group = clients.server_groups_client.create_server_group(**body)["server_group"]
    test.addCleanup(delete_group, clients, group["id"])
    return group


def delete_group(clients: Any, group_id: str) -> None:
    """Delete a group; already gone is fine."""
    try:
        clients.server_groups_client.delete_server_group(group_id)
    except lib_exc.NotFound:
        pass


def hint(group: dict) -> dict:
    """The create-server keyword that boots into ``group``."""
    return {"scheduler_hints": {"group": group["id"]}}


def host_of(admin: Any, server_id: str) -> str | None:
    """The compute host of a server (admin view)."""
    return admin.servers_client.show_server(server_id)["server"]["OS-EXT-SRV-ATTR:host"]


def compute_hosts(admin: Any) -> list[str]:
    """The compute hosts that can take a build: the service host of every hypervisor that
    is up and enabled."""
    hypervisors = admin.hypervisor_client.list_hypervisors(detail=True)["hypervisors"]
    return sorted(h["service"]["host"] for h in hypervisors
                  if h.get("state") == "up" and h.get("status") == "enabled")
