"""Helpers of the server-action tests: request ids, instance-action events, server state.

Black-box: tempest.lib clients only, so they run unchanged against real Nova.
"""

from __future__ import annotations

import time
from typing import Any

from cellgate.lib import waiters
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


def wait_for_admin_view(test: Any, server_id: str, predicate: Any) -> dict:
    """Poll the admin's view of a server (back-off, the config's build timeout) until
    `predicate(server)` holds: Nova clears host/node just after the state it reports."""
    client = test.os_admin.servers_client
    deadline = time.monotonic() + test.build_timeout
    for pause in waiters.backoff_intervals(test.build_interval):
        server = client.show_server(server_id)["server"]
        if predicate(server) or time.monotonic() > deadline:
            return server
        time.sleep(pause)
    return server
