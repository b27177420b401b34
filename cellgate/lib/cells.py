"""The cellgate cells route: which cell each compute host belongs to.

The Nova API never shows a host's cell (`os-cells` answers 410), so the reference cloud serves
`GET /cellgate/v1/cells` (admin only) beside the compute API, and the driver view of one server
(`GET /cellgate/v1/servers/{id}/driver`). A cloud without the route
answers 404 there, and the caller falls back to what the operator says.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tempest.lib import exceptions as lib_exc

from cellgate.lib.exceptions import TimeoutException
from cellgate.lib.waiters import backoff_intervals

CELLS_PATH = "/cellgate/v1/cells"


def _get(clients: Any, path: str) -> tuple[int, Any]:
    """GET a cellgate route beside the compute endpoint: (status, parsed body or text)."""
    rest = clients.rest_client("compute")
    parts = urlsplit(rest.base_url)
    url = f"{parts.scheme}://{parts.netloc}{path}"
    headers = {"X-Auth-Token": clients.auth_provider.get_token(), "Accept": "application/json"}
    resp, body = rest.raw_request(url, "GET", headers=headers)
    try:
        return resp.status, json.loads(body)
    except ValueError:
        return resp.status, body


def list_cells(clients: Any) -> list[dict] | None:
    """`[{"name", "hosts": [...]}]` from the compute endpoint's host, or None if the cloud has
    no such route (404). Needs admin `clients`; other answers raise `UnexpectedResponseCode`."""
    status, body = _get(clients, CELLS_PATH)
    if status == 404:
        return None
    if status != 200:
        raise lib_exc.UnexpectedResponseCode(f"GET {CELLS_PATH} answered {status}: {body!r}")
    return body["cells"]


def driver_view(clients: Any, server_id: str) -> tuple[int, Any]:
    """`GET /cellgate/v1/servers/{id}/driver`: what the fake driver of the server's host
    holds (`{"server": {"id", "cell", "host", "power_state", "key_data", "security_rules":
    {"revision", "rules"}}}`); (status, body) so tests can check 403/404 too."""
    return _get(clients, f"/cellgate/v1/servers/{server_id}/driver")


def host_cells(cells: list[dict]) -> dict[str, str]:
    """{host: cell name} of a `list_cells` answer."""
    return {host: cell["name"] for cell in cells for host in cell["hosts"]}


def wait_for_driver_view(clients: Any, server_id: str, predicate: Callable[[dict], bool],
                         timeout: float, interval: float = 0.002, *,
                         clock: Callable[[], float] = time.monotonic,
                         sleep: Callable[[float], None] = time.sleep) -> dict:
    """Poll the driver view of a server until ``predicate(view["server"])`` holds (a change
    reaches the server's cell by a cast, so after the API answered); returns the view.
    Raises `TimeoutException` with the last view."""
    start = clock()
    intervals = backoff_intervals(interval)
    while True:
        status, body = driver_view(clients, server_id)
        if status != 200:
            raise lib_exc.UnexpectedResponseCode(
                f"driver view of {server_id} answered {status}: {body!r}")
        if predicate(body["server"]):
            return body["server"]
        elapsed = clock() - start
        if elapsed >= timeout:
            raise TimeoutException(f"driver view of server {server_id} did not change as "
                                   f"expected within {timeout:g} s (last: {body['server']})")
        sleep(next(intervals))
