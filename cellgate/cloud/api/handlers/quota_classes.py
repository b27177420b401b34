"""/os-quota-class-sets/{class}: show and update (admin); ``default`` sets every project's
defaults."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.handlers.quota_sets import quota_body
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.schemas import quotas as schemas
from cellgate.cloud.api.validation import validate
from cellgate.cloud.compute.quotas import FILTERED_V257, RESOURCES

# Below 2.50 the class API does not show server group quotas; from 2.50 it hides the
# network proxies (the quota sets API hides them from 2.36), from 2.57 personality too.
_BELOW_V250 = ("server_groups", "server_group_members")
_FROM_V250 = ("fixed_ips", "floating_ips", "security_group_rules", "security_groups")


def _hidden(req: ApiRequest) -> tuple[str, ...]:
    if req.version >= "2.57":
        return FILTERED_V257
    return _FROM_V250 if req.version >= "2.50" else _BELOW_V250


def _body(req: ApiRequest, class_name: str | None, values: dict) -> dict:
    return quota_body("quota_class_set", class_name, values, req.version, _hidden(req))


def show(req: ApiRequest, class_name: str) -> Response:
    """GET /os-quota-class-sets/{class} (admin)."""
    policy.require_admin(req, "os_compute_api:os-quota-class-sets:show")
    return json_response(_body(req, class_name,
                               req.deps.compute_api.quota_class(req.context, class_name)))


def update(req: ApiRequest, class_name: str) -> Response:
    """PUT /os-quota-class-sets/{class} (admin)."""
    policy.require_admin(req, "os_compute_api:os-quota-class-sets:update")
    body = req.json_body()
    if req.version >= "2.57":
        validate(schemas.CLASS_UPDATE_V257, body)
    elif req.version >= "2.50":
        validate(schemas.CLASS_UPDATE_V250, body)
    else:
        validate(schemas.CLASS_UPDATE, body)
    values = {k: int(v) for k, v in body["quota_class_set"].items()
              if k in RESOURCES and (v or v == 0)}
    result = req.deps.compute_api.update_quota_class(req.context, class_name, values)
    return json_response(_body(req, None, result))
