"""/os-server-groups: create, list (``all_projects`` for admins, ``limit``/``offset``), show,
delete. Groups belong to projects: another project's group is 404 except for admins (Nova's
policy and lookup)."""

from __future__ import annotations

import re

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.microversion import for_version
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import server_groups as schemas
from cellgate.cloud.api.validation import validate
from cellgate.cloud.api.views import server_groups as views


def _create_schema(req: ApiRequest):
    return for_version(req.version, (("2.64", schemas.CREATE_V264),
                                     ("2.15", schemas.CREATE_V215)), schemas.CREATE)


def create(req: ApiRequest) -> Response:
    """POST /os-server-groups (200, as Nova): ``policies`` (one) below 2.64, ``policy`` and
    ``rules`` from 2.64, where only anti-affinity takes rules."""
    body = req.json_body()
    validate(_create_schema(req), body)
    spec = body["server_group"]
    if req.version >= "2.64":
        policy = spec["policy"]
        rules = {k: int(v) for k, v in (spec.get("rules") or {}).items()}
        if policy != "anti-affinity" and rules:
            raise HTTPError(400, "Only anti-affinity policy supports rules.")
    else:
        policy, rules = spec["policies"][0], {}
    group = req.deps.compute_api.create_server_group(req.context, name=spec["name"],
                                                     policy=policy, rules=rules)
    return json_response({"server_group": views.show(group, req.version)})


def _paging(req: ApiRequest, name: str) -> int | None:
    raw = req.query_one(name)
    if raw is None:
        return None
    if not re.fullmatch(schemas.PAGING_PATTERN, raw):
        raise HTTPError(400, "Invalid input for query parameters %s. Value: %s. "
                             "'%s' does not match '%s'"
                        % (name, raw, raw, schemas.PAGING_PATTERN))
    return int(raw or 0)


def index(req: ApiRequest) -> Response:
    """GET /os-server-groups: ``all_projects`` (any value) shows every project's to admins
    and is ignored for others, as Nova; ``offset`` then ``limit`` (at most 1000)."""
    if req.version >= "2.75":  # strict query schema from 2.75
        params.only(req, "all_projects", "limit", "offset")
    limit, offset = _paging(req, "limit"), _paging(req, "offset") or 0
    groups = req.deps.compute_api.list_server_groups(
        req.context, all_projects="all_projects" in req.http.args)
    groups = groups[offset:offset + min(limit or params.MAX_LIMIT, params.MAX_LIMIT)]
    return json_response({"server_groups": [views.show(g, req.version) for g in groups]})


def show(req: ApiRequest, group_id: str) -> Response:
    """GET /os-server-groups/{id}."""
    if req.version >= "2.102":  # strict query schema from 2.102
        params.only(req)
    group = req.deps.compute_api.get_server_group(req.context, group_id)
    return json_response({"server_group": views.show(group, req.version)})


def delete(req: ApiRequest, group_id: str) -> Response:
    """DELETE /os-server-groups/{id} (204); the member servers stay."""
    req.deps.compute_api.delete_server_group(req.context, group_id)
    return empty_response(204)
