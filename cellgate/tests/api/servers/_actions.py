"""Helpers of the server-action tests: request ids, instance-action events, server state.

Black-box: tempest.lib clients only, so they run unchanged against real Nova.
"""

from __future__ import annotations

from typing import Any

from cellgate.lib.microversion import ComputeMicroversion

STATE_KEYS = ("OS-EXT-STS:vm_state", "OS-EXT-STS:task_state", "OS-EXT-STS:power_state")


def request_id(response: Any) -> str:
    """The x-openstack-request-id of a tempest.lib response body."""
    return response.response["x-openstack-request-id"]


def action_events(servers_client: Any, server_id: str, req_id: str) -> tuple[str, set[str]]:
    """(action name, event names) of one instance action, read at microversion 2.51 (events
    are shown to the server's owner from there)."""
    with ComputeMicroversion("2.51"):
        action = servers_client.show_instance_action(server_id, req_id)["instanceAction"]
    return action["action"], {event["event"] for event in action.get("events", [])}


def vm_state(server: dict) -> str:
    """The server's OS-EXT-STS:vm_state."""
    return server["OS-EXT-STS:vm_state"]
