"""/servers/{id}/metadata and /servers/{id}/metadata/{key}."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers.servers import server_or_404
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import servers as schemas
from cellgate.cloud.api.validation import validate


def index(req: ApiRequest, server_id: str) -> Response:
    """GET /servers/{id}/metadata."""
    server_or_404(req, server_id)
    return json_response({"metadata": req.deps.compute_api.get_metadata(req.context,
                                                                         server_id)})


def _set_all(req: ApiRequest, server_id: str, replace: bool) -> Response:
    body = req.json_body()
    validate(schemas.METADATA, body)
    server_or_404(req, server_id)
    metadata = req.deps.compute_api.update_metadata(req.context, server_id, body["metadata"],
                                                    replace=replace)
    return json_response({"metadata": metadata})


def create(req: ApiRequest, server_id: str) -> Response:
    """POST /servers/{id}/metadata: merge items."""
    return _set_all(req, server_id, replace=False)


def replace(req: ApiRequest, server_id: str) -> Response:
    """PUT /servers/{id}/metadata: replace the whole set."""
    return _set_all(req, server_id, replace=True)


def show(req: ApiRequest, server_id: str, key: str) -> Response:
    """GET /servers/{id}/metadata/{key}."""
    server_or_404(req, server_id)
    item = req.deps.compute_api.get_metadata_item(req.context, server_id, key)
    return json_response({"meta": item})


def update(req: ApiRequest, server_id: str, key: str) -> Response:
    """PUT /servers/{id}/metadata/{key}: the body's `meta` holds exactly that key."""
    body = req.json_body()
    validate(schemas.META_ITEM, body)
    if key not in body["meta"]:
        raise HTTPError(400, "Request body and URI mismatch")
    server_or_404(req, server_id)
    item = req.deps.compute_api.set_metadata_item(req.context, server_id, key,
                                                  body["meta"][key])
    return json_response({"meta": item})


def delete(req: ApiRequest, server_id: str, key: str) -> Response:
    """DELETE /servers/{id}/metadata/{key} (204)."""
    server_or_404(req, server_id)
    req.deps.compute_api.delete_metadata_item(req.context, server_id, key)
    return empty_response(204)
