"""GET /os-services (admin)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.views import hosts as views


def index(req: ApiRequest) -> Response:
    """GET /os-services?binary=&host=."""
    policy.require_admin(req, "os_compute_api:os-services:list")
    records = req.deps.compute_api.list_services(
        req.context, binary=req.query_one("binary"), host=req.query_one("host"))
    return json_response({"services": [views.service(r, req.version) for r in records]})
