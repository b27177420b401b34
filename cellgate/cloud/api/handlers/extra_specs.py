"""/flavors/{id}/os-extra_specs: list, create/update, show, update one key, delete one key."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import extra_spec_validators, policy
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import flavors as schemas
from cellgate.cloud.api.validation import invalid_input, validate


def _as_strings(req: ApiRequest, specs: dict) -> dict[str, str]:
    """The specs as stored (strings); from 2.86 each known one checked as Nova does."""
    out = {}
    for key, value in specs.items():
        if isinstance(value, bool):
            value = str(value)
        out[key] = value if isinstance(value, str) else str(value)
        if len(out[key]) > 255:
            raise invalid_input(key, value, f"'{value}' is too long")
        if req.version is not None and req.version >= "2.86":
            extra_spec_validators.validate(key, out[key])
    return out


def index(req: ApiRequest, flavor_id: str) -> Response:
    """GET /flavors/{id}/os-extra_specs."""
    specs = req.deps.compute_api.get_extra_specs(req.context, flavor_id)
    return json_response({"extra_specs": specs})


def create(req: ApiRequest, flavor_id: str) -> Response:
    """POST /flavors/{id}/os-extra_specs (admin): add or update keys."""
    policy.require_admin(req, "os_compute_api:os-flavor-extra-specs:create")
    body = req.json_body()
    validate(schemas.EXTRA_SPECS_CREATE, body)
    specs = req.deps.compute_api.update_extra_specs(
        req.context, flavor_id, _as_strings(req, body["extra_specs"]))
    return json_response({"extra_specs": specs})


def show(req: ApiRequest, flavor_id: str, key: str) -> Response:
    """GET /flavors/{id}/os-extra_specs/{key}."""
    return json_response(req.deps.compute_api.get_extra_spec(req.context, flavor_id, key))


def update(req: ApiRequest, flavor_id: str, key: str) -> Response:
    """PUT /flavors/{id}/os-extra_specs/{key} (admin): the body holds exactly that key."""
    policy.require_admin(req, "os_compute_api:os-flavor-extra-specs:update")
    body = req.json_body()
    validate(schemas.EXTRA_SPEC_UPDATE, body)
    if key not in body:
        raise HTTPError(400, "Request body and URI mismatch")
    specs = req.deps.compute_api.update_extra_specs(req.context, flavor_id, _as_strings(req, body))
    return json_response({key: specs.get(key, body[key])})


def delete(req: ApiRequest, flavor_id: str, key: str) -> Response:
    """DELETE /flavors/{id}/os-extra_specs/{key} (admin); 200 with no body, as Nova."""
    policy.require_admin(req, "os_compute_api:os-flavor-extra-specs:delete")
    req.deps.compute_api.delete_extra_spec(req.context, flavor_id, key)
    return empty_response(200)
