"""/cellgate/v1/cells (admin): the cell registry, its health and the manual sync;
/cellgate/v1/servers/{id}/driver (admin): what a server's driver holds; and Nova's removed
/os-cells API, which answers 410 Gone.

The first is a cellgate extension, not a Nova API: the Nova API never shows which cell a host
belongs to, so the harness asks this route to write `[cells] host_cells`; operators (and
`cellgate cells` against a running cloud) list, show, enable, disable and sync cells here,
and tests take a cell offline and back (`POST .../cells/NAME/action`, a test facility).
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.schemas import cells as schemas
from cellgate.cloud.api.validation import validate
from cellgate.cloud.compute.query import parse_changes_since


def index(req: ApiRequest) -> Response:
    """GET /cellgate/v1/cells -> {"cells": [{"name", "hosts": [host, ...], "uuid", "state",
    "disabled", "weight_offset", ...}, ...]}: every registered cell."""
    policy.require_admin(req, "cellgate:cells:list")
    return json_response({"cells": req.deps.cell_admin.list()})


def show(req: ApiRequest, name: str) -> Response:
    """GET /cellgate/v1/cells/{name}."""
    policy.require_admin(req, "cellgate:cells:show")
    return json_response({"cell": req.deps.cell_admin.show(name)})


def update(req: ApiRequest, name: str) -> Response:
    """PUT /cellgate/v1/cells/{name} {"cell": {"disabled", "weight_offset"}}."""
    policy.require_admin(req, "cellgate:cells:update")
    body = req.json_body()
    validate(schemas.UPDATE, body)
    return json_response({"cell": req.deps.cell_admin.update(name, **body["cell"])})


def sync(req: ApiRequest) -> Response:
    """POST /cellgate/v1/cells/sync {"sync": {"project_id", "changed_since", "timeout"}}:
    the manual sync kick-off (``timeout``: seconds to wait for each cell); its report."""
    policy.require_admin(req, "cellgate:cells:sync")
    body = req.json_body()
    validate(schemas.SYNC, body)
    spec = body["sync"]
    since = spec.get("changed_since")
    return json_response({"sync": req.deps.cell_admin.sync(
        project_id=spec.get("project_id"),
        changed_since=None if since is None else parse_changes_since(since),
        timeout=float(spec.get("timeout", 30.0)))})


def action(req: ApiRequest, name: str) -> Response:
    """POST /cellgate/v1/cells/{name}/action {"offline": null} | {"online": null}: a test
    facility that makes a cell go silent and come back."""
    policy.require_admin(req, "cellgate:cells:action")
    body = req.json_body()
    validate(schemas.ACTION, body)
    return json_response({"cell": req.deps.cell_admin.set_online(name, "online" in body)})


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
