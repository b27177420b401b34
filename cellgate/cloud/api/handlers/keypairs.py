"""/os-keypairs: create (generate or import), list (paged from 2.35), show, delete.

Keypairs belong to users. From 2.10 ``user_id`` (query, or in the create body) names whose
keypairs to act on: the caller's own always, another user's for admins only (Nova's policy
'admin or user_id:%(user_id)s'). Another user's keypair is otherwise 404, as it is unknown.
"""

from __future__ import annotations

import re

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.microversion import for_version
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import keypairs as schemas
from cellgate.cloud.api.validation import validate
from cellgate.cloud.api.views import keypairs as views
from cellgate.cloud.api.views.common import next_link

_PATH = "/compute/v2.1/os-keypairs"
_QUERY = ("user_id", "limit", "marker")


def _create_schema(req: ApiRequest):
    return for_version(req.version, (("2.92", schemas.CREATE_V292),
                                     ("2.10", schemas.CREATE_V210),
                                     ("2.2", schemas.CREATE_V22)), schemas.CREATE)


def _user(req: ApiRequest, action: str, requested: str | None) -> str:
    """Whose keypairs: ``requested`` (2.10+) if the caller may, else 403 as Nova's policy."""
    user_id = requested or req.context.user_id
    if user_id != req.context.user_id and not req.context.is_admin:
        raise HTTPError(403, "Policy doesn't allow os_compute_api:os-keypairs:%s to be "
                             "performed." % action)
    return user_id


def _query_user(req: ApiRequest, action: str) -> str:
    if req.version >= "2.75":  # strict query schemas from 2.75
        params.only(req, *(_QUERY if action == "index" else ("user_id",)))
    values = req.http.args.getlist("user_id") if req.version >= "2.10" else []
    return _user(req, action, values[0] if values else None)


def create(req: ApiRequest) -> Response:
    """POST /os-keypairs: 200 below 2.2, 201 from 2.2 (with ``type``)."""
    body = req.json_body()
    validate(_create_schema(req), body)
    spec = body["keypair"]
    user_id = _user(req, "create", spec.get("user_id") if req.version >= "2.10" else None)
    keypair, private_key = req.deps.compute_api.create_keypair(
        req.context, spec["name"].strip(), key_type=spec.get("type", "ssh"),
        public_key=spec.get("public_key"), user_id=user_id)
    with_type = req.version >= "2.2"
    return json_response(views.created(keypair, private_key, with_type),
                         status=201 if with_type else 200)


def _limit_and_marker(req: ApiRequest) -> tuple[int | None, str | None]:
    """Nova's 2.35 pagination parameters (below 2.35 they are ignored)."""
    if req.version < "2.35":
        return None, None
    raw = req.query_one("limit")
    limit = None
    if raw is not None:
        if not re.fullmatch(schemas.LIMIT_PATTERN, raw):
            raise HTTPError(400, "Invalid input for query parameters limit. Value: %s. "
                                 "'%s' does not match '%s'" % (raw, raw, schemas.LIMIT_PATTERN))
        limit = min(int(raw or 0), params.MAX_LIMIT)
    return limit, req.query_one("marker")


def index(req: ApiRequest) -> Response:
    """GET /os-keypairs; from 2.35 ``limit``/``marker`` (a name) and ``keypairs_links``."""
    user_id = _query_user(req, "index")
    limit, marker = _limit_and_marker(req)
    items = req.deps.compute_api.list_keypairs(req.context, user_id=user_id, limit=limit,
                                               marker=marker)
    with_type = req.version >= "2.2"
    body: dict = {"keypairs": [views.item(k, with_type) for k in items]}
    if req.version >= "2.35" and items and len(items) == (limit or params.MAX_LIMIT):
        query = {k: req.http.args.getlist(k)[0] for k in ("user_id", "limit")
                 if k in req.http.args}
        body["keypairs_links"] = next_link(req.base_url, _PATH, query, items[-1]["name"])
    return json_response(body)


def show(req: ApiRequest, name: str) -> Response:
    """GET /os-keypairs/{name}."""
    user_id = _query_user(req, "show")
    keypair = req.deps.compute_api.get_keypair(req.context, name, user_id=user_id)
    return json_response(views.show(keypair, req.version >= "2.2"))


def delete(req: ApiRequest, name: str) -> Response:
    """DELETE /os-keypairs/{name}: 202 below 2.2, 204 from 2.2."""
    user_id = _query_user(req, "delete")
    req.deps.compute_api.delete_keypair(req.context, name, user_id=user_id)
    return empty_response(204 if req.version >= "2.2" else 202)
