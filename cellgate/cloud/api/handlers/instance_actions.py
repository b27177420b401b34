"""/servers/{id}/os-instance-actions: list and show (events for admins, or from 2.51)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.handlers.list_query import check_since_before
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.views import hosts as views
from cellgate.cloud.api.views.common import next_link


def _check(server_id: str) -> None:
    if not params.is_uuid(server_id):
        raise HTTPError(404, "Instance %s could not be found." % server_id)


def index(req: ApiRequest, server_id: str) -> Response:
    """GET /servers/{id}/os-instance-actions; from 2.58 paged by limit/marker (with a `links`
    next link on a full page) and filtered by changes-since (the action's updated_at), from
    2.66 by changes-before too."""
    _check(server_id)
    paged = req.version >= "2.58"
    with_before = req.version >= "2.66"
    if paged:
        params.only(req, "limit", "marker", "changes-since",
                    *(("changes-before",) if with_before else ()))
    limit, marker = params.limit_and_marker(req) if paged else (None, None)
    since = params.timestamp(req, "changes-since") if paged else None
    before = params.timestamp(req, "changes-before") if with_before else None
    if before is not None:
        check_since_before(since, before)
    actions = req.deps.compute_api.list_instance_actions(req.context, server_id)
    if since is not None:
        actions = [a for a in actions
                   if (a.get("updated_at") or a.get("start_time")) >= since]
    if before is not None:  # 2.66
        actions = [a for a in actions
                   if (a.get("updated_at") or a.get("start_time")) <= before]
    if marker is not None:
        ids = [a["request_id"] for a in actions]
        if marker not in ids:
            raise HTTPError(400, "Marker %s could not be found." % marker)
        actions = actions[ids.index(marker) + 1:]
    if limit is not None:
        actions = actions[:limit]
    body = {"instanceActions": [views.instance_action(a, req.version) for a in actions]}
    if paged and actions and len(actions) == (limit if limit is not None else params.MAX_LIMIT):
        query = {k: v for k, v in req.http.args.items() if k != "marker"}
        body["links"] = next_link(req.base_url,
                                  f"/compute/v2.1/servers/{server_id}/os-instance-actions",
                                  query, actions[-1]["request_id"])
    return json_response(body)


def show(req: ApiRequest, server_id: str, request_id: str) -> Response:
    """GET /servers/{id}/os-instance-actions/{request_id}."""
    _check(server_id)
    action = req.deps.compute_api.get_instance_action(req.context, server_id, request_id)
    return json_response({"instanceAction": views.instance_action_detail(
        action, req.version, req.context.is_admin)})
