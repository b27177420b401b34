"""/flavors: list, detail, show, create, update (2.55), delete."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.microversion import for_version
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import flavors as schemas
from cellgate.cloud.api.schemas.types import to_bool
from cellgate.cloud.api.validation import validate
from cellgate.cloud.api.views import flavors as views
from cellgate.cloud.api.views.common import next_link
from cellgate.cloud.compute.query import name_matcher

_SORT_KEYS = ("created_at", "description", "disabled", "ephemeral_gb", "flavorid", "id",
              "is_public", "memory_mb", "name", "root_gb", "rxtx_factor", "swap",
              "updated_at", "vcpu_weight", "vcpus", "ram", "disk")


_QUERY = ("limit", "marker", "is_public", "minRam", "minDisk", "sort_key", "sort_dir")


def _list(req: ApiRequest) -> list[dict]:
    if req.version >= "2.75":  # strict from 2.75; 2.102 adds name
        params.only(req, *_QUERY, *(("name",) if req.version >= "2.102" else ()))
    limit, marker = params.limit_and_marker(req)
    sort_key = req.query_one("sort_key") or "flavorid"
    keys = _SORT_KEYS if req.version < "2.102" else tuple(k for k in _SORT_KEYS
                                                            if k != "rxtx_factor")
    if sort_key not in keys:
        raise HTTPError(400, "Invalid input for query parameters sort_key. Value: %s. "
                             "'%s' is not one of %s" % (sort_key, sort_key, list(keys)))
    name = req.query_one("name") if req.version >= "2.102" else None
    by_name = name_matcher(name) if name is not None else None
    found = req.deps.compute_api.list_flavors(
        req.context, is_public=req.query_one("is_public"),
        min_ram=params.non_negative_int(req, "minRam", "Invalid minRam filter [%s]"),
        min_disk=params.non_negative_int(req, "minDisk", "Invalid minDisk filter [%s]"),
        sort_key=sort_key, sort_dir=params.sort_dir(req),
        limit=limit if by_name is None else None, marker=marker)
    if by_name is None:
        return found
    found = [f for f in found if by_name(f["name"])]  # a regex searched anywhere (2.102)
    return found if limit is None else found[:limit]


def _links(req: ApiRequest, items: list[dict], path: str) -> dict:
    limit, _ = params.limit_and_marker(req)
    if limit and len(items) == limit:
        query = {k: v for k, v in req.http.args.items() if k != "marker"}
        return {"flavors_links": next_link(req.base_url, path, query, items[-1]["id"])}
    return {}


def index(req: ApiRequest) -> Response:
    """GET /flavors."""
    items = _list(req)
    body = {"flavors": [views.brief(f, req.base_url, req.version) for f in items]}
    body.update(_links(req, items, "/compute/v2.1/flavors"))
    return json_response(body)


def detail(req: ApiRequest) -> Response:
    """GET /flavors/detail."""
    items = _list(req)
    body = {"flavors": [views.detail(f, req.base_url, req.version) for f in items]}
    body.update(_links(req, items, "/compute/v2.1/flavors/detail"))
    return json_response(body)


def show(req: ApiRequest, flavor_id: str) -> Response:
    """GET /flavors/{id}."""
    flavor = req.deps.compute_api.get_flavor(req.context, flavor_id)
    return json_response({"flavor": views.detail(flavor, req.base_url, req.version)})


def create(req: ApiRequest) -> Response:
    """POST /flavors (admin)."""
    policy.require_admin(req, "os_compute_api:os-flavor-manage:create")
    body = req.json_body()
    validate(for_version(req.version, (("2.102", schemas.CREATE_V2102),
                                       ("2.55", schemas.CREATE_V255)), schemas.CREATE), body)
    spec = body["flavor"]
    flavor_id = spec.get("id")
    flavor = req.deps.compute_api.create_flavor(
        req.context, name=spec["name"].strip(), ram=int(spec["ram"]), vcpus=int(spec["vcpus"]),
        disk=int(spec["disk"]), flavorid=None if flavor_id is None else str(flavor_id),
        ephemeral=int(spec.get("OS-FLV-EXT-DATA:ephemeral", 0)),
        swap=int(spec.get("swap", 0)), rxtx_factor=float(spec.get("rxtx_factor", 1.0)),
        is_public=to_bool(spec.get("os-flavor-access:is_public", True)),
        description=spec.get("description"))
    return json_response({"flavor": views.detail(flavor, req.base_url, req.version)})


def update(req: ApiRequest, flavor_id: str) -> Response:
    """PUT /flavors/{id} (admin, 2.55+): set the description."""
    if req.version < "2.55":
        raise HTTPError(404, "The resource could not be found.")
    policy.require_admin(req, "os_compute_api:os-flavor-manage:update")
    body = req.json_body()
    validate(schemas.UPDATE, body)
    flavor = req.deps.compute_api.update_flavor(req.context, flavor_id,
                                                description=body["flavor"]["description"])
    return json_response({"flavor": views.detail(flavor, req.base_url, req.version)})


def delete(req: ApiRequest, flavor_id: str) -> Response:
    """DELETE /flavors/{id} (admin)."""
    policy.require_admin(req, "os_compute_api:os-flavor-manage:delete")
    req.deps.compute_api.delete_flavor(req.context, flavor_id)
    return empty_response(202)
