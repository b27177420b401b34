"""GET /cellgate/v1/cells (admin): the cells and the compute hosts of each.

A cellgate extension, not a Nova API (Nova answers 410 on os-cells): the Nova API never shows
which cell a host belongs to, so the harness asks this route to write `[cells] host_cells`.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.request import ApiRequest, json_response


def index(req: ApiRequest) -> Response:
    """GET /cellgate/v1/cells -> {"cells": [{"name", "hosts": [host, ...]}, ...]}."""
    policy.require_admin(req, "cellgate:cells:list")
    return json_response({"cells": req.deps.compute_api.list_cells(req.context)})
