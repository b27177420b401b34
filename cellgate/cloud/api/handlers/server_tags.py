"""/servers/{id}/tags and /servers/{id}/tags/{tag} (microversion 2.26+; 404 below)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import server_tags as schemas
from cellgate.cloud.api.validation import validate

MIN_VERSION = "2.26"


def _check(req: ApiRequest, server_id: str) -> None:
    """404 below 2.26: the routes do not exist there."""
    if req.version < MIN_VERSION:
        raise HTTPError(404, "The resource could not be found.")


def index(req: ApiRequest, server_id: str) -> Response:
    """GET /servers/{id}/tags."""
    _check(req, server_id)
    return json_response({"tags": req.deps.compute_api.get_tags(req.context, server_id)})


def replace(req: ApiRequest, server_id: str) -> Response:
    """PUT /servers/{id}/tags: replace them all; answers the new list."""
    _check(req, server_id)
    body = req.json_body()
    validate(schemas.REPLACE, body)
    tags = req.deps.compute_api.replace_tags(req.context, server_id, body["tags"])
    return json_response({"tags": tags})


def delete_all(req: ApiRequest, server_id: str) -> Response:
    """DELETE /servers/{id}/tags (204)."""
    _check(req, server_id)
    req.deps.compute_api.delete_all_tags(req.context, server_id)
    return empty_response(204)


def show(req: ApiRequest, server_id: str, tag: str) -> Response:
    """GET /servers/{id}/tags/{tag}: 204 when the server has it, else 404."""
    _check(req, server_id)
    if not req.deps.compute_api.has_tag(req.context, server_id, tag):
        raise HTTPError(404, f"Server {server_id} has no tag '{tag}'")
    return empty_response(204)


def update(req: ApiRequest, server_id: str, tag: str) -> Response:
    """PUT /servers/{id}/tags/{tag}: 201 with Location when new, 204 when already there."""
    _check(req, server_id)
    validate(schemas.ADD, req.json_body(required=False))
    # Nova's order: the server (404/403) and its state (409) before the tag itself (400)
    req.deps.compute_api.check_taggable(req.context, server_id)
    try:
        validate(schemas.TAG, tag)
    except HTTPError as error:
        raise HTTPError(400, f"Tag '{tag}' is invalid. It must be a non empty string without "
                             f"characters '/' and ','. Validation error message: "
                             f"{error.message}")
    if not req.deps.compute_api.add_tag(req.context, server_id, tag):
        return empty_response(204)
    location = f"{req.base_url}/compute/v2.1/servers/{server_id}/tags/{tag}"
    return empty_response(201, headers=[("Location", location)])


def delete(req: ApiRequest, server_id: str, tag: str) -> Response:
    """DELETE /servers/{id}/tags/{tag} (204; 404 when the server has no such tag)."""
    _check(req, server_id)
    req.deps.compute_api.delete_tag(req.context, server_id, tag)
    return empty_response(204)
