"""Helpers of the server-action tests: request ids, instance-action events, server state.

Black-box: tempest.lib clients only, so they run unchanged against real Nova.
"""

from __future__ import annotations

import time
from typing import Any

from cellgate.lib import waiters
from cellgate.lib.microversion import ComputeMicroversion
from cellgate.tests import base

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


class ActionTest(base.BaseComputeTest):
    """Base of the server-action test classes: a member's and an admin's servers client;
    each test boots its own server."""

    roles = ("member", "admin")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client
        cls.admin_client = cls.os_admin.servers_client

    def do(self, call: Any, server_id: str, status: str, **kwargs: Any) -> str:
        """Run an action and wait for `status`; its request id."""
        req_id = request_id(call(server_id, **kwargs))
        self.wait_for_server_status(server_id, status)
        return req_id

    def stopped_server(self) -> dict:
        """A server of this test, stopped (SHUTOFF)."""
        server = self.create_server_for_test()
        self.do(self.client.stop_server, server["id"], "SHUTOFF")
        return server

    def status_of(self, server_id: str) -> str:
        """The server's status, as its owner sees it."""
        return self.client.show_server(server_id)["server"]["status"]
