"""Server sub-resources of later microversions that this cloud answers from what it has:
GET /servers/{id}/topology (2.78: the fake driver gives servers no NUMA topology, so no
nodes, as Nova answers for such a server) and GET /servers/{id}/shares (2.97: there is no
file-share service, so no share is ever attached). Both are 404 below their version."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers.servers import server_or_404
from cellgate.cloud.api.request import ApiRequest, json_response


def _since(req: ApiRequest, version: str) -> None:
    if req.version is None or req.version < version:
        raise HTTPError(404, "The resource could not be found.")


def topology(req: ApiRequest, server_id: str) -> Response:
    """GET /servers/{id}/topology (2.78+)."""
    _since(req, "2.78")
    server_or_404(req, server_id)
    return json_response({"nodes": [], "pagesize_kb": None})


def shares(req: ApiRequest, server_id: str) -> Response:
    """GET /servers/{id}/shares (2.97+)."""
    _since(req, "2.97")
    server_or_404(req, server_id)
    return json_response({"shares": []})
