"""/os-security-groups, /os-security-group-rules (Nova's network proxy APIs, 2.1-2.35: 404
from 2.36, as Nova), GET /servers/{id}/os-security-groups and the addSecurityGroup /
removeSecurityGroup actions (every microversion).

Nova words these answers after Neutron's: another project's group is 404, a group id that is
no UUID 400, a group in use 400, a duplicate rule 400 (Nova's check) or 403 (Neutron's).
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.handlers.servers import server_or_404
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import security_groups as schemas
from cellgate.cloud.api.validation import validate
from cellgate.cloud.api.views import security_groups as views

LAST_PROXY_VERSION = "2.35"  # Nova's MAX_PROXY_API_SUPPORT_VERSION


def _proxy(req: ApiRequest) -> None:
    """The proxy APIs are gone from 2.36: 404 as for an unknown route."""
    if req.version > LAST_PROXY_VERSION:
        raise HTTPError(404, "The resource could not be found.")


def _group_id(group_id: str) -> str:
    if not params.is_uuid(group_id):
        raise HTTPError(400, "Security group id should be uuid")
    return group_id


def _source(req: ApiRequest, known=()):
    """Source groups of rules, looked up as the caller (a group it cannot see: skipped)."""
    def lookup(group_id: str):
        try:
            return req.deps.compute_api.get_security_group(req.context, group_id)
        except exc.SecurityGroupNotFound:
            return None
    return views.source_of(lookup, known)


def _one(req: ApiRequest, group: dict) -> Response:
    return json_response({"security_group": views.group(group, _source(req, [group]))})


def index(req: ApiRequest) -> Response:
    """GET /os-security-groups: the project's groups (admins: ``all_tenants``); Nova's
    ``limit``/``offset``."""
    _proxy(req)
    message = "Invalid input for query parameters %s. Value: %%s."
    limit = params.non_negative_int(req, "limit", message % "limit")
    offset = params.non_negative_int(req, "offset", message % "offset") or 0
    groups = req.deps.compute_api.list_security_groups(
        req.context, all_projects="all_tenants" in req.http.args)
    groups = groups[offset:offset + min(limit if limit is not None else params.MAX_LIMIT,
                                        params.MAX_LIMIT)]
    return json_response({"security_groups": views.groups(groups, _source(req, groups))})


def show(req: ApiRequest, group_id: str) -> Response:
    """GET /os-security-groups/{id}."""
    _proxy(req)
    return _one(req, req.deps.compute_api.get_security_group(req.context, _group_id(group_id)))


def create(req: ApiRequest) -> Response:
    """POST /os-security-groups (200, as Nova)."""
    _proxy(req)
    body = req.json_body()
    validate(schemas.GROUP, body)
    spec = body["security_group"]
    return _one(req, req.deps.compute_api.create_security_group(
        req.context, spec["name"], spec["description"]))


def update(req: ApiRequest, group_id: str) -> Response:
    """PUT /os-security-groups/{id}: name and description."""
    _proxy(req)
    body = req.json_body()
    validate(schemas.GROUP, body)
    spec = body["security_group"]
    return _one(req, req.deps.compute_api.update_security_group(
        req.context, _group_id(group_id), spec["name"], spec["description"]))


def delete(req: ApiRequest, group_id: str) -> Response:
    """DELETE /os-security-groups/{id} (202)."""
    _proxy(req)
    req.deps.compute_api.delete_security_group(req.context, _group_id(group_id))
    return empty_response(202)


def create_rule(req: ApiRequest) -> Response:
    """POST /os-security-group-rules (200): an ingress rule from a CIDR or a source group."""
    _proxy(req)
    body = req.json_body()
    validate(schemas.RULE, body)
    api = req.deps.compute_api
    rule = api.create_security_group_rule(req.context, body["security_group_rule"])
    return json_response({"security_group_rule": views.rule(rule, _source(req))})


def delete_rule(req: ApiRequest, rule_id: str) -> Response:
    """DELETE /os-security-group-rules/{id} (202)."""
    _proxy(req)
    req.deps.compute_api.delete_security_group_rule(req.context, _group_id(rule_id))
    return empty_response(202)


def server_index(req: ApiRequest, server_id: str) -> Response:
    """GET /servers/{id}/os-security-groups: the groups on the server's port, whole."""
    server_or_404(req, server_id)
    groups = req.deps.compute_api.server_security_groups(req.context, server_id)
    return json_response({"security_groups": views.groups(groups, _source(req, groups))})


def add_to_server(req: ApiRequest, server_id: str, body: dict) -> None:
    """The addSecurityGroup action (202)."""
    validate(schemas.ADD, body)
    req.deps.compute_api.add_server_security_group(
        req.context, server_id, body["addSecurityGroup"]["name"])


def remove_from_server(req: ApiRequest, server_id: str, body: dict) -> None:
    """The removeSecurityGroup action (202)."""
    validate(schemas.REMOVE, body)
    req.deps.compute_api.remove_server_security_group(
        req.context, server_id, body["removeSecurityGroup"]["name"])
