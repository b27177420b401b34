"""Version discovery: GET /, /compute/, /compute/v2.1, /compute/v2, /identity/, /identity/v3,
/image/."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.views import versions as views


def compute_versions(req: ApiRequest) -> Response:
    """GET / and GET /compute/."""
    return json_response(views.compute_versions(req.base_url))


def compute_version(req: ApiRequest) -> Response:
    """GET /compute/v2.1 and /compute/v2.1/."""
    return json_response(views.compute_version(req.base_url))


def compute_v2_version(req: ApiRequest) -> Response:
    """GET /compute/v2 and /compute/v2/ (the legacy endpoint)."""
    return json_response(views.compute_v2_version(req.base_url))


def identity_versions(req: ApiRequest) -> Response:
    """GET /identity/ (300, as Keystone)."""
    return json_response(views.identity_versions(req.base_url), status=300)


def identity_version(req: ApiRequest) -> Response:
    """GET /identity/v3."""
    return json_response({"version": views.identity_v3(req.base_url)})


def image_versions(req: ApiRequest) -> Response:
    """GET /image/ (300, as Glance)."""
    return json_response(views.image_versions(req.base_url), status=300)
