"""Small helpers shared by the servers, hosts, images and scenario tests.

They talk to the cloud only through tempest.lib service clients and `cellgate.lib` waiters, so
they run unchanged against any OpenStack endpoint.
"""

from __future__ import annotations

from typing import Any

from tempest.lib import exceptions as lib_exc
from tempest.lib.common.utils import data_utils

from cellgate.lib import waiters


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
