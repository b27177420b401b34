"""/os-aggregates (admin only): create, list, show, update, delete and the actions add_host,
remove_host, set_metadata. Nova answers 200 everywhere (even create and delete); ``uuid``
shows from 2.41. As Nova, the body is validated before the policy check, the policy before
the id (``id must be an integer``).
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import aggregates as schemas
from cellgate.cloud.api.validation import validate
from cellgate.cloud.api.views import aggregates as views

_RULE = "os_compute_api:os-aggregates:%s"


def _id(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise HTTPError(400, "Invalid input received: id must be an integer")


def _answer(req: ApiRequest, record: dict) -> Response:
    return json_response({"aggregate": views.aggregate(record, req.version)})


def index(req: ApiRequest) -> Response:
    """GET /os-aggregates."""
    policy.require_admin(req, _RULE % "index")
    records = req.deps.compute_api.list_aggregates(req.context)
    return json_response({"aggregates": [views.aggregate(r, req.version) for r in records]})


def create(req: ApiRequest) -> Response:
    """POST /os-aggregates: 200 without hosts and metadata; a name in use is 409."""
    body = req.json_body()
    validate(schemas.CREATE, body)
    policy.require_admin(req, _RULE % "create")
    spec = body["aggregate"]
    record = req.deps.compute_api.create_aggregate(
        req.context, spec["name"].strip(), (spec.get("availability_zone") or "").strip() or None)
    return json_response({"aggregate": views.aggregate(record, req.version, created=True)})


def show(req: ApiRequest, aggregate_id: str) -> Response:
    """GET /os-aggregates/{id}."""
    policy.require_admin(req, _RULE % "show")
    return _answer(req, req.deps.compute_api.get_aggregate(req.context, _id(aggregate_id)))


def update(req: ApiRequest, aggregate_id: str) -> Response:
    """PUT /os-aggregates/{id}: name and/or availability_zone."""
    body = req.json_body()
    validate(schemas.UPDATE, body)
    policy.require_admin(req, _RULE % "update")
    spec = dict(body["aggregate"])
    if "name" in spec:
        spec["name"] = spec["name"].strip()
    return _answer(req, req.deps.compute_api.update_aggregate(req.context, _id(aggregate_id),
                                                              **spec))


def delete(req: ApiRequest, aggregate_id: str) -> Response:
    """DELETE /os-aggregates/{id}: 200 with no body; one holding hosts is 400."""
    policy.require_admin(req, _RULE % "delete")
    req.deps.compute_api.delete_aggregate(req.context, _id(aggregate_id))
    return empty_response(200)


_ACTIONS = {"add_host": (schemas.ADD_HOST, "add_aggregate_host"),
            "remove_host": (schemas.REMOVE_HOST, "remove_aggregate_host"),
            "set_metadata": (schemas.SET_METADATA, "set_aggregate_metadata")}


def action(req: ApiRequest, aggregate_id: str) -> Response:
    """POST /os-aggregates/{id}/action: add_host, remove_host or set_metadata."""
    body = req.json_body()
    name = next(iter(body), None) if isinstance(body, dict) and len(body) == 1 else None
    if name not in _ACTIONS:
        raise HTTPError(400, "There is no such action: %s" % name)
    schema, method = _ACTIONS[name]
    validate(schema, body)
    policy.require_admin(req, _RULE % name)
    argument = body[name]["metadata"] if name == "set_metadata" else body[name]["host"]
    record = getattr(req.deps.compute_api, method)(req.context, _id(aggregate_id), argument)
    return _answer(req, record)
