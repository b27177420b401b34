"""/os-quota-sets/{project}: show, detail (with usage), defaults, update and delete (admin).

``user_id`` in the query names a user's quotas within the project. A member may read its
own project's quotas only (Nova's policy 'admin or project_id:%(project_id)s'), and any
project's defaults; an unknown
project is 400, as Nova asks Keystone.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.microversion import for_version
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import quotas as schemas
from cellgate.cloud.api.schemas.types import to_bool
from cellgate.cloud.api.validation import validate
from cellgate.cloud.compute.quotas import RESOURCES, filtered_for


def _project(req: ApiRequest, project_id: str, action: str | None) -> str:
    """The project, if the caller may see it (``action`` None: anyone may)."""
    if (action is not None and not req.context.is_admin
            and project_id != req.context.project_id):
        raise HTTPError(403, "Policy doesn't allow os_compute_api:os-quota-sets:%s to be "
                             "performed." % action)
    if project_id not in req.deps.identity.project_ids().values():
        raise HTTPError(400, "Project ID %s is not a valid project." % project_id)
    return project_id


def _user(req: ApiRequest) -> str | None:
    values = req.http.args.getlist("user_id")
    return values[0] if values else None


def quota_body(key: str, ident: str | None, values: dict, version,
               hidden: tuple[str, ...] | None = None) -> dict:
    """Nova's ``{key: {id?, resource: value...}}`` without the resources ``hidden`` (by
    default those the quota sets hide at ``version``)."""
    hidden = filtered_for(version) if hidden is None else hidden
    body = {"id": str(ident)} if ident is not None else {}
    body.update({name: values[name] for name in RESOURCES if name not in hidden})
    return {key: body}


def show(req: ApiRequest, project_id: str) -> Response:
    """GET /os-quota-sets/{project}."""
    _project(req, project_id, "show")
    values = req.deps.compute_api.get_quotas(req.context, project_id, _user(req))
    return json_response(quota_body("quota_set", project_id, values, req.version))


def detail(req: ApiRequest, project_id: str) -> Response:
    """GET /os-quota-sets/{project}/detail: limit, in_use and reserved (0) per resource."""
    _project(req, project_id, "detail")
    api = req.deps.compute_api
    user_id = _user(req)
    limits = api.get_quotas(req.context, project_id, user_id)
    usage = api.quota_usage(req.context, project_id, user_id)
    values = {name: {"limit": limits[name], "in_use": usage[name], "reserved": 0}
              for name in RESOURCES}
    return json_response(quota_body("quota_set", project_id, values, req.version))


def defaults(req: ApiRequest, project_id: str) -> Response:
    """GET /os-quota-sets/{project}/defaults: the default quota class (anyone may ask)."""
    _project(req, project_id, None)
    values = req.deps.compute_api.quota_class(req.context)
    return json_response(quota_body("quota_set", project_id, values, req.version))


def _update_schema(req: ApiRequest):
    return for_version(req.version, (("2.57", schemas.UPDATE_V257),
                                     ("2.36", schemas.UPDATE_V236)), schemas.UPDATE)


def update(req: ApiRequest, project_id: str) -> Response:
    """PUT /os-quota-sets/{project} (admin); ``force`` skips the in-use check."""
    policy.require_admin(req, "os_compute_api:os-quota-sets:update")
    body = req.json_body()
    validate(_update_schema(req), body)
    _project(req, project_id, "update")
    spec = dict(body["quota_set"])
    force = to_bool(spec.pop("force", False))
    values = {k: int(v) for k, v in spec.items() if v or v == 0}
    result = req.deps.compute_api.update_quotas(req.context, project_id, values,
                                                user_id=_user(req), force=force)
    return json_response(quota_body("quota_set", None, result, req.version))


def delete(req: ApiRequest, project_id: str) -> Response:
    """DELETE /os-quota-sets/{project} (admin): back to the defaults (202)."""
    policy.require_admin(req, "os_compute_api:os-quota-sets:delete")
    req.deps.compute_api.delete_quotas(req.context, project_id, _user(req))
    return empty_response(202)
