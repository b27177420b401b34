"""GET /os-availability-zone (every user: zone names and whether they are available) and
/os-availability-zone/detail (admin: with each zone's hosts and services)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.views import aggregates as views


def index(req: ApiRequest) -> Response:
    """GET /os-availability-zone."""
    zones = req.deps.compute_api.list_availability_zones(req.context)
    return json_response(views.zones(zones, detail=False))


def detail(req: ApiRequest) -> Response:
    """GET /os-availability-zone/detail (admin)."""
    policy.require_admin(req, "os_compute_api:os-availability-zone:detail")
    zones = req.deps.compute_api.list_availability_zones(req.context)
    return json_response(views.zones(zones, detail=True))
