"""Flavor access: GET /flavors/{id}/os-flavor-access and the tenant access actions."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.schemas import flavors as schemas
from cellgate.cloud.api.validation import validate
from cellgate.cloud.api.views import flavors as views


def index(req: ApiRequest, flavor_id: str) -> Response:
    """GET /flavors/{id}/os-flavor-access (admin)."""
    policy.require_admin(req, "os_compute_api:os-flavor-access")
    entries = req.deps.compute_api.list_flavor_access(req.context, flavor_id)
    return json_response(views.access_list(entries))


def action(req: ApiRequest, flavor_id: str) -> Response:
    """POST /flavors/{id}/action: addTenantAccess or removeTenantAccess (admin)."""
    body = req.json_body()
    if not isinstance(body, dict) or len(body) != 1:
        raise HTTPError(400, "Malformed request body")
    name = next(iter(body))
    api = req.deps.compute_api
    if name == "addTenantAccess":
        policy.require_admin(req, "os_compute_api:os-flavor-access:add_tenant_access")
        validate(schemas.ADD_TENANT_ACCESS, body)
        entries = api.add_flavor_access(req.context, flavor_id, body[name]["tenant"])
    elif name == "removeTenantAccess":
        policy.require_admin(req, "os_compute_api:os-flavor-access:remove_tenant_access")
        validate(schemas.REMOVE_TENANT_ACCESS, body)
        entries = api.remove_flavor_access(req.context, flavor_id, body[name]["tenant"])
    else:
        raise HTTPError(400, "There is no such action: %s" % name)
    return json_response(views.access_list(entries))
