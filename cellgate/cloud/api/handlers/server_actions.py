"""POST /servers/{id}/action: reboot, os-stop, os-start, lock/unlock, pause/unpause,
suspend/resume, rebuild, shelve/shelveOffload/unshelve, resize/confirmResize/revertResize,
migrate, os-getConsoleOutput (409 in the wrong state, as Nova)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import security_groups
from cellgate.cloud.api.handlers.servers import server_or_404, services_for_view
from cellgate.cloud.api.microversion import for_version
from cellgate.cloud.api.policy import require_admin
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import server_actions as action_schemas
from cellgate.cloud.api.schemas import servers as schemas
from cellgate.cloud.api.validation import validate
from cellgate.cloud.api.views import servers as views
from cellgate.cloud.compute.actions import REBUILD_FIELDS, UNCHANGED


def _reboot(req: ApiRequest, server_id: str, body: dict) -> None:
    validate(schemas.REBOOT, body)
    req.deps.compute_api.reboot_server(req.context, server_id, body["reboot"]["type"].upper())


def _stop(req: ApiRequest, server_id: str, body: dict) -> None:
    req.deps.compute_api.stop_server(req.context, server_id)


def _start(req: ApiRequest, server_id: str, body: dict) -> None:
    req.deps.compute_api.start_server(req.context, server_id)


def _lock(req: ApiRequest, server_id: str, body: dict) -> None:
    reason = None
    if req.version >= "2.73":
        validate(action_schemas.LOCK_V273, body)
        reason = (body["lock"] or {}).get("locked_reason")
    req.deps.compute_api.lock_server(req.context, server_id, reason)


def _unlock(req: ApiRequest, server_id: str, body: dict) -> None:
    api = req.deps.compute_api
    if api.unlock_needs_override(req.context, server_id):
        require_admin(req, "os_compute_api:os-lock-server:unlock:unlock_override")
    api.unlock_server(req.context, server_id)


def _pause(req: ApiRequest, server_id: str, body: dict) -> None:
    req.deps.compute_api.pause_server(req.context, server_id)


def _unpause(req: ApiRequest, server_id: str, body: dict) -> None:
    req.deps.compute_api.unpause_server(req.context, server_id)


def _suspend(req: ApiRequest, server_id: str, body: dict) -> None:
    req.deps.compute_api.suspend_server(req.context, server_id)


def _resume(req: ApiRequest, server_id: str, body: dict) -> None:
    req.deps.compute_api.resume_server(req.context, server_id)


def _rebuild_schema(req: ApiRequest):
    return for_version(req.version, (("2.94", action_schemas.REBUILD_V294),
                                     ("2.90", action_schemas.REBUILD_V290),
                                     ("2.63", action_schemas.REBUILD_V263),
                                     ("2.57", action_schemas.REBUILD_V257),
                                     ("2.54", action_schemas.REBUILD_V254),
                                     ("2.19", action_schemas.REBUILD_V219)),
                       action_schemas.REBUILD)


def _rebuild(req: ApiRequest, server_id: str, body: dict) -> Response:
    validate(_rebuild_schema(req), body)
    rebuild = body["rebuild"]
    changes = {k: v for k, v in rebuild.items() if k in REBUILD_FIELDS}
    if "metadata" in changes:
        changes["metadata"] = {str(k): str(v) for k, v in changes["metadata"].items()}
    try:
        record, admin_pass = req.deps.compute_api.rebuild_server(
            req.context, server_id, rebuild["imageRef"], changes, rebuild.get("adminPass"))
    except exc.ImageNotFound:
        raise HTTPError(400, "Cannot find image for rebuild") from None
    server = views.show(record, req.base_url, req.version, req.context.is_admin,
                        extended=req.version >= "2.75", services=services_for_view(req))
    server.pop("OS-EXT-SRV-ATTR:user_data", None)  # Nova's rebuild shows it as user_data
    if req.version >= "2.54":
        server["key_name"] = record.get("key_name")
    if req.version >= "2.57":
        server["user_data"] = record.get("user_data")
    server["adminPass"] = admin_pass
    return json_response({"server": server}, status=202)


def _shelve(req: ApiRequest, server_id: str, body: dict) -> None:
    req.deps.compute_api.shelve_server(req.context, server_id)


def _shelve_offload(req: ApiRequest, server_id: str, body: dict) -> None:
    require_admin(req, "os_compute_api:os-shelve:shelve_offload")
    req.deps.compute_api.shelve_offload_server(req.context, server_id)


def _unshelve(req: ApiRequest, server_id: str, body: dict) -> None:
    """2.77: to an availability zone; 2.91: to a host (admin) or unpinned (zone null)."""
    zone, host = UNCHANGED, None
    if req.version >= "2.77":
        validate(action_schemas.UNSHELVE_V291 if req.version >= "2.91"
                 else action_schemas.UNSHELVE_V277, body)
        spec = body["unshelve"] or {}
        zone = spec.get("availability_zone", UNCHANGED)
        host = spec.get("host") if req.version >= "2.91" else None
        if host:
            require_admin(req, "os_compute_api:os-shelve:unshelve_to_host")
    req.deps.compute_api.unshelve_server(req.context, server_id, zone, host)


def _console_output(req: ApiRequest, server_id: str, body: dict) -> Response:
    validate(action_schemas.CONSOLE_OUTPUT, body)
    length = body["os-getConsoleOutput"].get("length")
    output = req.deps.compute_api.console_output(req.context, server_id,
                                                 None if length is None else int(length))
    return json_response({"output": output})


def _resize(req: ApiRequest, server_id: str, body: dict) -> None:
    validate(action_schemas.RESIZE, body)
    try:
        req.deps.compute_api.resize_server(req.context, server_id,
                                           str(body["resize"]["flavorRef"]))
    except exc.FlavorNotFound as error:
        raise HTTPError(400, error.message) from None


def _confirm_resize(req: ApiRequest, server_id: str, body: dict) -> Response:
    req.deps.compute_api.confirm_resize(req.context, server_id)
    return empty_response(204)


def _revert_resize(req: ApiRequest, server_id: str, body: dict) -> None:
    req.deps.compute_api.revert_resize(req.context, server_id)


def _migrate(req: ApiRequest, server_id: str, body: dict) -> None:
    require_admin(req, "os_compute_api:os-migrate-server:migrate")
    host = None
    if req.version >= "2.56":
        validate(action_schemas.MIGRATE_V256, body)
        host = (body["migrate"] or {}).get("host")
    req.deps.compute_api.migrate_server(req.context, server_id, host)


_ACTIONS = {"reboot": _reboot, "os-stop": _stop, "os-start": _start, "lock": _lock,
            "unlock": _unlock, "pause": _pause, "unpause": _unpause, "suspend": _suspend,
            "resume": _resume, "rebuild": _rebuild, "shelve": _shelve,
            "shelveOffload": _shelve_offload, "unshelve": _unshelve,
            "os-getConsoleOutput": _console_output, "resize": _resize,
            "confirmResize": _confirm_resize, "revertResize": _revert_resize,
            "migrate": _migrate, "addSecurityGroup": security_groups.add_to_server,
            "removeSecurityGroup": security_groups.remove_from_server}


def action(req: ApiRequest, server_id: str) -> Response:
    """Dispatch one server action named by the body's only key."""
    body = req.json_body()
    if not isinstance(body, dict) or not body:
        raise HTTPError(400, "Malformed request body")
    server_or_404(req, server_id)  # Nova looks the server up before it runs the action
    names = [name for name in body if name in _ACTIONS]
    if len(names) != 1:
        raise HTTPError(400, "There is no such action: %s" % ", ".join(sorted(body)))
    return _ACTIONS[names[0]](req, server_id, body) or empty_response(202)
