"""POST /servers/{id}/action: reboot, os-stop, os-start (202; 409 in the wrong state)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers.servers import server_or_404
from cellgate.cloud.api.request import ApiRequest, empty_response
from cellgate.cloud.api.schemas import servers as schemas
from cellgate.cloud.api.validation import validate


def _reboot(req: ApiRequest, server_id: str, body: dict) -> None:
    validate(schemas.REBOOT, body)
    req.deps.compute_api.reboot_server(req.context, server_id, body["reboot"]["type"].upper())


def _stop(req: ApiRequest, server_id: str, body: dict) -> None:
    req.deps.compute_api.stop_server(req.context, server_id)


def _start(req: ApiRequest, server_id: str, body: dict) -> None:
    req.deps.compute_api.start_server(req.context, server_id)


_ACTIONS = {"reboot": _reboot, "os-stop": _stop, "os-start": _start}


def action(req: ApiRequest, server_id: str) -> Response:
    """Dispatch one server action named by the body's only key."""
    body = req.json_body()
    if not isinstance(body, dict) or not body:
        raise HTTPError(400, "Malformed request body")
    server_or_404(req, server_id)  # Nova looks the server up before it runs the action
    names = [name for name in body if name in _ACTIONS]
    if len(names) != 1:
        raise HTTPError(400, "There is no such action: %s" % ", ".join(sorted(body)))
    _ACTIONS[names[0]](req, server_id, body)
    return empty_response(202)
