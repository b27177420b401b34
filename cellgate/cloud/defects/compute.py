"""Planted defects of servers, server actions, metadata, instance actions, paging and RBAC.

Each `_name(cloud)` function changes the live cloud; DEFECTS lists them with their area,
what they break and which part of the suite should notice.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from werkzeug.wrappers import Response

from cellgate.cloud.defects.base import (
    Defect,
    compute_api,
    compute_path,
    drop_effect,
    wrap,
    wrap_app,
)

SERVERS = r"^cellgate\.tests\.api\.servers\."
SERVERS_CORE = r"^cellgate\.tests\.api\.servers\.test_servers\."
ACTIONS = r"^cellgate\.tests\.api\.servers\.test_server_actions\."
METADATA = r"^cellgate\.tests\.api\.servers\.test_server_metadata\."
INSTANCE_ACTIONS = r"^cellgate\.tests\.api\.servers\.test_instance_action"
RBAC = r"^cellgate\.tests\.api\.servers\.test_servers_rbac\."


def _cells(cloud: Any) -> list[Any]:
    return list(cloud.deployment.cells.values())


# -- servers ----------------------------------------------------------------------------------

def _delete_noop(cloud: Any) -> None:
    api = compute_api(cloud)
    drop_effect(api, "delete_server", api._instance)


def _update_not_saved(cloud: Any) -> None:
    api = compute_api(cloud)

    def make(real):
        def update_server(ctx, uuid, *, name=None, description=None):
            record = api.get_server(ctx, uuid)
            record.update({k: v for k, v in (("name", name), ("description", description))
                           if v is not None})
            return record
        return update_server
    wrap(api, "update_server", make)


def _boot_ignores_image(cloud: Any) -> None:
    api = compute_api(cloud)
    first = api.images.list()[0]["id"]

    def make(real):
        def create_server(ctx, *, image_ref, **kwargs):
            api.images.get(image_ref)  # an unknown image is still refused
            return real(ctx, image_ref=first, **kwargs)
        return create_server
    wrap(api, "create_server", make)


def _min_count_ignored(cloud: Any) -> None:
    api = compute_api(cloud)
    wrap(api, "create_server",  # max_count too, where the cloud takes it
         lambda real: lambda ctx, *, min_count=1, max_count=None, **kwargs: real(ctx, **kwargs))


def _access_ip_dropped(cloud: Any) -> None:
    api = compute_api(cloud)

    def make(real):
        def create_server(ctx, *, access_ipv4=None, access_ipv6=None, **kwargs):
            return real(ctx, **kwargs)
        return create_server
    wrap(api, "create_server", make)


def _bad_body_500(cloud: Any) -> None:
    def middleware(request, call_app):
        if request.method in ("POST", "PUT") and request.path.startswith("/compute/"):
            try:
                json.loads(request.get_data(cache=True) or b"{}")
            except ValueError:
                return Response(json.dumps({"computeFault": {
                    "code": 500, "message": "Unexpected API Error."}}), status=500,
                    content_type="application/json")
        return call_app()
    wrap_app(cloud, middleware)


# -- server actions ---------------------------------------------------------------------------

def _reboot_noop(cloud: Any) -> None:
    for cell in _cells(cloud):
        def make(real, cell=cell):
            def msg_reboot_instance(payload):
                instance = cell._existing(payload)
                if instance is not None and not instance.deleted:
                    instance.task_state = None
                    instance.save()
            return msg_reboot_instance
        wrap(cell, "msg_reboot_instance", make)


def _stop_leaves_power_on(cloud: Any) -> None:
    for cell in _cells(cloud):
        def make(real, cell=cell):
            def msg_stop_instance(payload):
                cell._power_action(payload, "compute_stop_instance", "stopped",
                                   lambda driver, uuid: cell._load(uuid).power_state)
            return msg_stop_instance
        wrap(cell, "msg_stop_instance", make)


def _start_active_accepted(cloud: Any) -> None:
    api = compute_api(cloud)

    def make(real):
        def start_server(ctx, uuid):
            if api._instance(ctx, uuid).vm_state == "active":
                return None
            return real(ctx, uuid)
        return start_server
    wrap(api, "start_server", make)


def _action_errors_202(cloud: Any) -> None:
    def middleware(request, call_app):
        response = call_app()
        if (request.method == "POST" and compute_path(request, "servers", "*", "action")
                and response.status_code == 400):
            return Response(b"", status=202)
        return response
    wrap_app(cloud, middleware)


# -- metadata ---------------------------------------------------------------------------------

def _metadata_not_saved(cloud: Any) -> None:
    api = compute_api(cloud)

    def make(real):
        def update_metadata(ctx, uuid, metadata, *, replace):
            new = {} if replace else api.get_metadata(ctx, uuid)
            new.update({str(k): str(v) for k, v in metadata.items()})
            return new
        return update_metadata
    wrap(api, "update_metadata", make)


def _metadata_replace_merges(cloud: Any) -> None:
    api = compute_api(cloud)
    wrap(api, "update_metadata", lambda real: lambda ctx, uuid, metadata, *, replace:
         real(ctx, uuid, metadata, replace=False))


def _metadata_delete_noop(cloud: Any) -> None:
    api = compute_api(cloud)
    drop_effect(api, "delete_metadata_item", api.get_metadata_item)


def _boot_metadata_dropped(cloud: Any) -> None:
    api = compute_api(cloud)
    wrap(api, "create_server",
         lambda real: lambda ctx, *, metadata=None, **kwargs: real(ctx, **kwargs))


# -- instance actions -------------------------------------------------------------------------

def _actions_unscoped(cloud: Any) -> None:
    api = compute_api(cloud)
    wrap(api, "list_instance_actions",
         lambda real: lambda ctx, uuid: real(ctx.elevated(), uuid))
    wrap(api, "get_instance_action",
         lambda real: lambda ctx, uuid, request_id: real(ctx.elevated(), uuid, request_id))


def _action_events_missing(cloud: Any) -> None:
    api = compute_api(cloud)
    wrap(api, "get_instance_action",
         lambda real: lambda ctx, uuid, request_id: {**real(ctx, uuid, request_id),
                                                     "events": []})


def _actions_oldest_first(cloud: Any) -> None:
    api = compute_api(cloud)
    wrap(api, "list_instance_actions", lambda real: lambda ctx, uuid: real(ctx, uuid)[::-1])


def _action_wrong_user(cloud: Any) -> None:
    actions = compute_api(cloud).store.actions

    def make(real):
        def start(*, user_id, project_id, action, **kwargs):
            if action != "create":  # later actions are booked to the server's creator's
                user_id = project_id = "00000000000000000000000000000000"
            return real(user_id=user_id, project_id=project_id, action=action, **kwargs)
        return start
    wrap(actions, "start", make)


# -- paging and filters -----------------------------------------------------------------------

def _server_paging_repeats(cloud: Any) -> None:
    api = compute_api(cloud)

    def make(real):
        def list_servers(ctx, *, marker=None, limit=None, **kwargs):
            if marker is None:
                return real(ctx, limit=limit, **kwargs)
            everything = real(ctx, **kwargs)
            ids = [r["uuid"] for r in everything]
            if marker not in ids:
                return real(ctx, marker=marker, limit=limit, **kwargs)  # still 400
            rest = everything[ids.index(marker):]  # the marker itself comes again
            return rest[:limit] if limit is not None else rest
        return list_servers
    wrap(api, "list_servers", make)


def _filter_ignored(name: str):
    def apply(cloud: Any) -> None:
        api = compute_api(cloud)

        def make(real):
            def list_servers(ctx, *, filters=None, **kwargs):
                kept = {k: v for k, v in (filters or {}).items() if k != name}
                return real(ctx, filters=kept, **kwargs)
            return list_servers
        wrap(api, "list_servers", make)
    return apply


# -- RBAC -------------------------------------------------------------------------------------

def _member_sees_other_project(cloud: Any) -> None:
    api = compute_api(cloud)
    wrap(api, "_instance", lambda real: lambda ctx, uuid, **kw: real(ctx.elevated(), uuid, **kw))


def _member_lists_all_projects(cloud: Any) -> None:
    api = compute_api(cloud)

    def make(real):
        def list_servers(ctx, *, filters=None, **kwargs):
            if ctx.is_admin:
                return real(ctx, filters=filters, **kwargs)
            return real(dataclasses.replace(ctx, is_admin=True),
                        filters={**(filters or {}), "all_tenants": True}, **kwargs)
        return list_servers
    wrap(api, "list_servers", make)


DEFECTS = (
    Defect("delete-noop", "servers",
           "DELETE /servers/{id} answers 204 and leaves the server as it was",
           _delete_noop, SERVERS_CORE),
    Defect("update-not-saved", "servers",
           "PUT /servers/{id} answers the new name and description but stores neither",
           _update_not_saved, r"^cellgate\.tests\.api\.servers\.test_servers(_microversions)?\."),
    Defect("boot-ignores-image", "servers",
           "a boot records the catalog's first image, whatever imageRef asked for",
           _boot_ignores_image, SERVERS_CORE),
    Defect("min-count-ignored", "servers",
           "a boot with min_count (and max_count) N creates one server only",
           _min_count_ignored, SERVERS),
    Defect("access-ip-dropped", "servers",
           "accessIPv4/accessIPv6 given at boot are accepted and not stored",
           _access_ip_dropped, SERVERS),
    Defect("bad-body-500", "servers",
           "a compute request whose body is not JSON answers 500 instead of 400",
           _bad_body_500, SERVERS),
    Defect("reboot-noop", "server-actions",
           "reboot answers 202 and ends ACTIVE without calling the driver or recording events",
           _reboot_noop, r"^cellgate\.tests\.api\.servers\.test_(server|instance)_actions\."),
    Defect("stop-leaves-power-on", "server-actions",
           "os-stop ends SHUTOFF while the driver's power state stays RUNNING",
           _stop_leaves_power_on,
           r"^cellgate\.tests\.api\.servers\.test_(server|instance)_actions\."),
    Defect("start-active-accepted", "server-actions",
           "os-start on an ACTIVE server answers 202 instead of 409",
           _start_active_accepted, ACTIONS),
    Defect("action-errors-202", "server-actions",
           "a server action Nova refuses with 400 (unknown action, bad reboot type) "
           "answers 202",
           _action_errors_202, ACTIONS),
    Defect("metadata-not-saved", "metadata",
           "metadata updates answer the new metadata but store nothing",
           _metadata_not_saved, METADATA),
    Defect("metadata-replace-merges", "metadata",
           "PUT /servers/{id}/metadata merges into the old metadata instead of replacing it",
           _metadata_replace_merges, METADATA),
    Defect("metadata-delete-noop", "metadata",
           "DELETE /servers/{id}/metadata/{key} answers 204 and keeps the key",
           _metadata_delete_noop, METADATA),
    Defect("boot-metadata-dropped", "metadata",
           "metadata given at boot is accepted and not stored",
           _boot_metadata_dropped, METADATA),
    Defect("actions-unscoped", "instance-actions",
           "another project's member can list and show a server's instance actions",
           _actions_unscoped, INSTANCE_ACTIONS),
    Defect("action-events-missing", "instance-actions",
           "an instance action shows no events (the compute side never reported)",
           _action_events_missing, INSTANCE_ACTIONS),
    Defect("actions-oldest-first", "instance-actions",
           "os-instance-actions lists actions oldest first",
           _actions_oldest_first, INSTANCE_ACTIONS),
    Defect("action-wrong-user", "instance-actions",
           "actions after the create are recorded with a wrong user_id and project_id",
           _action_wrong_user, INSTANCE_ACTIONS),
    Defect("server-paging-repeats", "paging",
           "a server page after a marker starts with the marker's server again",
           _server_paging_repeats, SERVERS_CORE),
    Defect("status-filter-ignored", "paging",
           "GET /servers?status=... ignores the status filter",
           _filter_ignored("status"), SERVERS_CORE),
    Defect("changes-since-ignored", "paging",
           "GET /servers?changes-since=... ignores the filter",
           _filter_ignored("changes-since"), SERVERS_CORE),
    Defect("member-sees-other-project", "rbac",
           "a member can show, change and act on another project's server",
           _member_sees_other_project, RBAC),
    Defect("member-lists-all-projects", "rbac",
           "a member's server list holds every project's servers",
           _member_lists_all_projects, RBAC),
)
