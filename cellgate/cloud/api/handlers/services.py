"""GET /os-services and PUT /os-services (admin): disable, enable, force down.

From 2.53 PUT /os-services/{uuid} with status/disabled_reason/forced_down; before that the
legacy PUT /os-services/{disable,enable,disable-log-reason,force-down} naming host and binary.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.schemas import services as schemas
from cellgate.cloud.api.validation import validate
from cellgate.cloud.api.views import hosts as views
from cellgate.cloud.compute.query import truthy


def index(req: ApiRequest) -> Response:
    """GET /os-services?binary=&host=."""
    policy.require_admin(req, "os_compute_api:os-services:list")
    records = req.deps.compute_api.list_services(
        req.context, binary=req.query_one("binary"), host=req.query_one("host"))
    return json_response({"services": [views.service(r, req.version) for r in records]})


def update(req: ApiRequest, service_id: str) -> Response:
    """PUT /os-services/{uuid} (2.53+) or /os-services/<action> (before)."""
    policy.require_admin(req, "os_compute_api:os-services:update")
    body = req.json_body()
    if req.version >= "2.53":
        return _update_v253(req, service_id, body)
    return _update_legacy(req, service_id, body)


def _update_v253(req: ApiRequest, service_id: str, body: dict) -> Response:
    validate(schemas.UPDATE_V253, body)
    if not params.is_uuid(service_id):
        raise HTTPError(400, "Invalid uuid %s" % service_id)
    status, reason = body.get("status"), body.get("disabled_reason")
    if status is None and "forced_down" not in body:
        raise HTTPError(400, "No updates were requested. Fields 'status' or 'forced_down' "
                             "should be specified.")
    if status == "enabled" and reason is not None:
        raise HTTPError(400, "Specifying 'disabled_reason' with status 'enabled' is invalid.")
    forced = truthy(body["forced_down"]) if "forced_down" in body else None
    record = req.deps.compute_api.update_service(
        req.context, service_id, disabled=None if status is None else status == "disabled",
        disabled_reason=reason, forced_down=forced)
    return json_response({"service": views.service(record, req.version)})


def _update_legacy(req: ApiRequest, action: str, body: dict) -> Response:
    validate(schemas.UPDATE_V211 if req.version >= "2.11" else schemas.UPDATE, body)
    known = {"enable", "disable", "disable-log-reason"} | (
        {"force-down"} if req.version >= "2.11" else set())
    if action not in known:
        raise HTTPError(404, "Unknown action")
    api = req.deps.compute_api
    service = api.find_service(req.context, body["host"], body["binary"])
    answer = {"host": body["host"], "binary": body["binary"]}
    if action == "force-down":
        if "forced_down" not in body:
            raise HTTPError(400, "Missing forced_down field")
        answer["forced_down"] = truthy(body["forced_down"])
        api.update_service(req.context, service["uuid"], forced_down=answer["forced_down"])
    elif action == "disable-log-reason":
        if "disabled_reason" not in body:
            raise HTTPError(400, "Missing disabled reason field")
        api.update_service(req.context, service["uuid"], disabled=True,
                           disabled_reason=body["disabled_reason"])
        answer.update(status="disabled", disabled_reason=body["disabled_reason"])
    else:
        disabled = action == "disable"
        api.update_service(req.context, service["uuid"], disabled=disabled,
                           disabled_reason=service["disabled_reason"] if disabled else None)
        answer["status"] = "disabled" if disabled else "enabled"
    return json_response({"service": answer})
