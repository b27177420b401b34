"""GET /cellgate/v1/cells (admin): the cells and the compute hosts of each; GET
/cellgate/v1/servers/{id}/driver (admin): what a server's driver holds; and Nova's removed
/os-cells API, which answers 410 Gone.

The first is a cellgate extension, not a Nova API: the Nova API never shows which cell a host
belongs to, so the harness asks this route to write `[cells] host_cells`.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.request import ApiRequest, json_response


def index(req: ApiRequest) -> Response:
    """GET /cellgate/v1/cells -> {"cells": [{"name", "hosts": [host, ...]}, ...]}."""
    policy.require_admin(req, "cellgate:cells:list")
    return json_response({"cells": req.deps.compute_api.list_cells(req.context)})


def driver(req: ApiRequest, server_id: str) -> Response:
    """GET /cellgate/v1/servers/{id}/driver -> {"server": {"id", "cell", "host",
    "power_state", "key_data", "security_rules": {"revision", "rules"}}}: what the fake driver
    of the server's host holds for it, asked of its cell (admin only; unknown server 404)."""
    policy.require_admin(req, "cellgate:servers:driver")
    if not params.is_uuid(server_id):
        raise HTTPError(404, "Instance %s could not be found." % server_id)
    return json_response({"server": req.deps.compute_api.driver_view(req.context, server_id)})


def gone(req: ApiRequest, **_ids: str) -> Response:
    """Every /os-cells route Nova still routes (cells v1 was removed): 410 with webob's text,
    for any caller and microversion."""
    raise HTTPError(410, "This resource is no longer available. No forwarding address is "
                         "given.")
