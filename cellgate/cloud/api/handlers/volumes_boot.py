"""/os-volumes_boot: Nova's old alias of /servers, served as /servers is up to 2.102 and
404 from 2.103, where Nova removed it."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import servers
from cellgate.cloud.api.request import ApiRequest

LAST_VERSION = "2.102"


def _served(req: ApiRequest) -> None:
    if req.version is not None and req.version > LAST_VERSION:
        raise HTTPError(404, "The resource could not be found.")


def index(req: ApiRequest) -> Response:
    """GET /os-volumes_boot."""
    _served(req)
    return servers.index(req)


def detail(req: ApiRequest) -> Response:
    """GET /os-volumes_boot/detail."""
    _served(req)
    return servers.detail(req)


def create(req: ApiRequest) -> Response:
    """POST /os-volumes_boot."""
    _served(req)
    return servers.create(req)


def show(req: ApiRequest, server_id: str) -> Response:
    """GET /os-volumes_boot/{id}."""
    _served(req)
    return servers.show(req, server_id)


def update(req: ApiRequest, server_id: str) -> Response:
    """PUT /os-volumes_boot/{id}."""
    _served(req)
    return servers.update(req, server_id)


def delete(req: ApiRequest, server_id: str) -> Response:
    """DELETE /os-volumes_boot/{id}."""
    _served(req)
    return servers.delete(req, server_id)
