"""/servers/{id}/os-instance-actions: list and show (events for admins, or from 2.51)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.views import hosts as views


def _check(server_id: str) -> None:
    if not params.is_uuid(server_id):
        raise HTTPError(404, "Instance %s could not be found." % server_id)


def index(req: ApiRequest, server_id: str) -> Response:
    """GET /servers/{id}/os-instance-actions."""
    _check(server_id)
    limit, marker = params.limit_and_marker(req) if req.version >= "2.58" else (None, None)
    actions = req.deps.compute_api.list_instance_actions(req.context, server_id)
    if marker is not None:
        ids = [a["request_id"] for a in actions]
        if marker not in ids:
            raise HTTPError(400, "Marker %s could not be found." % marker)
        actions = actions[ids.index(marker) + 1:]
    if limit is not None:
        actions = actions[:limit]
    return json_response({"instanceActions": [views.instance_action(a, req.version)
                                              for a in actions]})


def show(req: ApiRequest, server_id: str, request_id: str) -> Response:
    """GET /servers/{id}/os-instance-actions/{request_id}."""
    _check(server_id)
    action = req.deps.compute_api.get_instance_action(req.context, server_id, request_id)
    return json_response({"instanceAction": views.instance_action_detail(
        action, req.version, req.context.is_admin)})
