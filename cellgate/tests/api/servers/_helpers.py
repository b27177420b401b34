"""Small helpers shared by the servers, hosts, images and scenario tests.

They talk to the cloud only through tempest.lib service clients and `cellgate.lib` waiters, so
they run unchanged against any OpenStack endpoint.
"""

from __future__ import annotations

from typing import Any

from tempest.lib import exceptions as lib_exc
from tempest.lib.common.utils import data_utils

from cellgate.lib import waiters

#: The compute event Nova 34 records for each instance action (checked against real Nova:
#: `GET /servers/{id}/os-instance-actions/{request_id}` after each action).
ACTION_EVENTS = {
    "create": "compute__do_build_and_run_instance",
    "delete": "compute_terminate_instance",
    "reboot": "compute_reboot_instance",
    "stop": "compute_stop_instance",
    "start": "compute_start_instance",
}

#: The event Nova's conductor records on a create no host could take (NoValidHost).
SCHEDULE_FAILED_EVENT = "conductor_schedule_and_build_instances"

#: `OS-EXT-STS:power_state` values (nova.compute.power_state).
NOSTATE, RUNNING, SHUTDOWN = 0, 1, 4


def unique_name(kind: str) -> str:
    """A name no other test or worker uses: `cellgate-<kind>-<random>`."""
    return data_utils.rand_name(name=kind, prefix="cellgate")


def timeouts(servers_client: Any) -> tuple[float, float]:
    """(build_timeout, build_interval) the client was built with."""
    return float(servers_client.build_timeout), float(servers_client.build_interval)


def delete_server_and_wait(servers_client: Any, server_id: str) -> None:
    """Delete a server (already gone is fine) and wait until it answers 404."""
    try:
        servers_client.delete_server(server_id)
    except lib_exc.NotFound:
        return
    wait_for_termination(servers_client, server_id)


def wait_for_termination(servers_client: Any, server_id: str) -> None:
    """Wait until a deleted server answers 404 (an ERROR server may be deleted too)."""
    timeout, interval = timeouts(servers_client)
    waiters.wait_for_server_termination(servers_client, server_id, timeout=timeout,
                                        interval=interval, ignore_error=True)


def identity_ids(clients: Any) -> tuple[str, str]:
    """(project id, user id) of the token the clients authenticate with."""
    auth_data = clients.auth_provider.auth_data[1]
    return auth_data["project"]["id"], auth_data["user"]["id"]


def first_hypervisor(admin: Any) -> tuple[dict, str]:
    """The first hypervisor (detailed) and the ``zone:host`` that forces an admin's boot onto
    it (needs microversion 2.53 for the hypervisor's ``service``)."""
    hypervisor = admin.hypervisor_client.list_hypervisors(detail=True)["hypervisors"][0]
    host = hypervisor["service"]["host"]
    zone = admin.services_client.list_services(
        binary="nova-compute", host=host)["services"][0]["zone"]
    return hypervisor, f"{zone}:{host}"


def find_by_name(servers: list[dict], name: str) -> list[dict]:
    """The servers of a listing whose name is exactly `name` (Nova's filter is a regex)."""
    return [s for s in servers if s.get("name") == name]


def request_id_of(body: Any) -> str:
    """The request id a Nova response names (x-openstack-request-id or x-compute-request-id)."""
    response = getattr(body, "response", None) or {}
    request_id = response.get("x-openstack-request-id") or response.get("x-compute-request-id")
    if not request_id:
        raise AssertionError("the response names no request id (x-openstack-request-id / "
                             f"x-compute-request-id): {dict(response)}")
    return request_id


def wait_for_event(servers_client: Any, server_id: str, request_id: str, action: str) -> dict:
    """Wait until the action of `request_id` records Nova's finished compute event for
    `action`; returns the event. Call it once the server settled after the action (the event
    has started by then, so a missing one fails at once). Members see events from microversion
    2.51 on, admins always.
    """
    timeout, interval = timeouts(servers_client)
    return waiters.wait_for_action_event(servers_client, server_id, request_id,
                                         ACTION_EVENTS[action], timeout, interval, settled=True)


def states(server: dict) -> tuple:
    """(status, OS-EXT-STS:power_state, vm_state, task_state) of a server body."""
    return (server.get("status"), server.get("OS-EXT-STS:power_state"),
            server.get("OS-EXT-STS:vm_state"), server.get("OS-EXT-STS:task_state"))


def watch_until(servers_client: Any, server_id: str, status: str) -> list[tuple]:
    """Poll until the server shows `status` with no task_state; every distinct
    (status, task_state) pair seen, in order (what a client can see of a transition)."""
    timeout, interval = timeouts(servers_client)
    seen: list[tuple] = []

    class _Recorder:
        def show_server(self, sid):
            body = servers_client.show_server(sid)
            pair = (body["server"].get("status"), body["server"].get("OS-EXT-STS:task_state"))
            if not seen or seen[-1] != pair:
                seen.append(pair)
            return body

    waiters.wait_for_server_status(_Recorder(), server_id, status, timeout, interval)
    return seen


#: Why a test that needs each host's cell cannot run (the Nova API does not show it).
NO_HOST_CELLS = ("[cells] host_cells is not set: the Nova API does not show a host's cell; "
                 "give `cellgate config generate` --host-cell HOST=CELL or --host-cell-regex")


def expected_cells(config: Any) -> set[str]:
    """The cells `[cells] host_cells` names (what the tests expect servers and hosts in)."""
    return set(config.cells.host_cells.values())


def cells_of(config: Any, hosts: list[str]) -> dict[str, str | None]:
    """{host: its cell by `[cells] host_cells`} (None for a host the mapping does not name)."""
    return {host: config.cells.cell_of(host) for host in hosts}


def enabled_computes(admin: Any) -> list[dict]:
    """The enabled nova-compute services (one per compute host)."""
    return [s for s in admin.services_client.list_services(binary="nova-compute")["services"]
            if s["status"] == "enabled"]


def boot_all(test: Any, clients: Any, bodies: list[dict]) -> list[dict]:
    """Boot every body (deleted when the test ends) before waiting, so hosts build in
    parallel; returns the ACTIVE servers in order."""
    created = [test.create_server_for_test(clients=clients, wait_until=None, **body)
               for body in bodies]
    return [test.wait_for_server_status(c["id"], "ACTIVE", clients=clients) for c in created]
