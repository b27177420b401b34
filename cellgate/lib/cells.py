"""The cellgate cells route: which cell each compute host belongs to.

The Nova API never shows a host's cell (`os-cells` answers 410), so the reference cloud serves
`GET /cellgate/v1/cells` (admin only) beside the compute API. A cloud without the route
answers 404 there, and the caller falls back to what the operator says.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from tempest.lib import exceptions as lib_exc

CELLS_PATH = "/cellgate/v1/cells"


def list_cells(clients: Any) -> list[dict] | None:
    """`[{"name", "hosts": [...]}]` from the compute endpoint's host, or None if the cloud has
    no such route (404). Needs admin `clients`; other answers raise `UnexpectedResponseCode`."""
    rest = clients.rest_client("compute")
    parts = urlsplit(rest.base_url)
    url = f"{parts.scheme}://{parts.netloc}{CELLS_PATH}"
    headers = {"X-Auth-Token": clients.auth_provider.get_token(), "Accept": "application/json"}
    resp, body = rest.raw_request(url, "GET", headers=headers)
    if resp.status == 404:
        return None
    if resp.status != 200:
        raise lib_exc.UnexpectedResponseCode(f"GET {url} answered {resp.status}: {body!r}")
    return json.loads(body)["cells"]


def host_cells(cells: list[dict]) -> dict[str, str]:
    """{host: cell name} of a `list_cells` answer."""
    return {host: cell["name"] for cell in cells for host in cell["hosts"]}
