"""GET /cellgate/v1/cells (admin): the cells and the compute hosts of each; and Nova's
removed /os-cells API, which answers 410 Gone.

The first is a cellgate extension, not a Nova API: the Nova API never shows which cell a host
belongs to, so the harness asks this route to write `[cells] host_cells`.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.request import ApiRequest, json_response


def index(req: ApiRequest) -> Response:
    """GET /cellgate/v1/cells -> {"cells": [{"name", "hosts": [host, ...]}, ...]}."""
    policy.require_admin(req, "cellgate:cells:list")
    return json_response({"cells": req.deps.compute_api.list_cells(req.context)})


def gone(req: ApiRequest, **_ids: str) -> Response:
    """Every /os-cells route Nova still routes (cells v1 was removed): 410 with webob's text,
    for any caller and microversion."""
    raise HTTPError(410, "This resource is no longer available. No forwarding address is "
                         "given.")
