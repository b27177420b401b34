"""Glance v2 images: GET /image/v2/images and GET /image/v2/images/{id} (read only)."""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.wrappers import Response

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.views import images as views


def index(req: ApiRequest) -> Response:
    """GET /image/v2/images."""
    records = [views.image(r) for r in req.deps.images_list()]
    for name in ("name", "status", "visibility", "container_format", "disk_format", "owner"):
        wanted = req.query_one(name)
        if wanted is not None:
            records = [r for r in records if r.get(name) == wanted]
    limit, marker = params.limit_and_marker(req)
    if marker is not None:
        ids = [r["id"] for r in records]
        if marker not in ids:
            raise HTTPError(400, "Invalid marker. Image %s could not be found." % marker)
        records = records[ids.index(marker) + 1:]
    body = {"images": records, "first": "/v2/images", "schema": "/v2/schemas/images"}
    if limit is not None:
        body["images"] = records[:limit]
        if len(records) > limit:
            query = {k: v for k, v in req.http.args.items() if k != "marker"}
            query["marker"] = records[limit - 1]["id"] if limit else ""
            body["next"] = "/v2/images?" + urlencode(query)
    return json_response(body)


def show(req: ApiRequest, image_id: str) -> Response:
    """GET /image/v2/images/{id}."""
    not_found = HTTPError(404, "No image found with ID %s" % image_id)
    if not params.is_uuid(image_id):
        raise not_found
    try:
        record = req.deps.images_get(image_id)
    except exc.NotFound:
        raise not_found
    if record is None:
        raise not_found
    return json_response(views.image(record))
