"""/servers: create, list, detail, show, update, delete."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api import faults
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import boot_request, list_query, params
from cellgate.cloud.api.microversion import for_version
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import servers as schemas
from cellgate.cloud.api.schemas.types import to_bool
from cellgate.cloud.api.validation import validate
from cellgate.cloud.api.views import servers as views
from cellgate.cloud.api.views.common import next_link
from cellgate.cloud.compute.query import (
    EXACT_FILTERS,
    MEMBER_FILTERS,
    REGEX_FILTERS,
    TAG_FILTERS,
    VALID_STATUSES,
    regex_matcher,
)

_SORT_KEYS = ("access_ip_v4", "access_ip_v6", "auto_disk_config", "availability_zone",
              "config_drive", "created_at", "display_description", "display_name", "host",
              "hostname", "image_ref", "instance_type_id", "kernel_id", "key_name",
              "launch_index", "launched_at", "locked_by", "node", "power_state", "progress",
              "project_id", "ramdisk_id", "root_device_name", "task_state", "terminated_at",
              "updated_at", "user_id", "uuid", "vm_state")


# Sort keys Nova's schema accepts and then drops (below 2.75; ``locked`` below 2.73).
_IGNORED_SORT_KEYS = ("architecture", "cell_name", "cleaned", "default_ephemeral_device",
                      "default_swap_device", "deleted", "deleted_at", "disable_terminate",
                      "ephemeral_gb", "ephemeral_key_uuid", "id", "key_data", "launched_on",
                      "locked", "memory_mb", "os_type", "reservation_id", "root_gb",
                      "shutdown_terminate", "user_data", "vcpus", "vm_mode")


def server_or_404(req: ApiRequest, server_id: str) -> dict:
    """The server record, or 404 with Nova's message (malformed ids included)."""
    if not params.is_uuid(server_id):
        raise HTTPError(404, "Instance %s could not be found." % server_id)
    return req.deps.compute_api.get_server(req.context, server_id)


def _filters(req: ApiRequest) -> dict:
    filters: dict = {}
    if req.version >= "2.75":  # strict from 2.75: an unknown parameter is 400
        list_query.check_index_query(req)
    names = ("name", "status", "flavor", "image", "host", "availability_zone", "ip",
             "reservation_id")
    if req.version >= "2.5":
        names += ("ip6",)
    if req.version >= "2.26":
        names += TAG_FILTERS
    member_names = [n for minimum, more in MEMBER_FILTERS if req.version >= minimum
                    for n in more]
    if req.context.is_admin:  # Nova lets admins filter on any field of its query schema
        names += tuple(REGEX_FILTERS) + tuple(EXACT_FILTERS)
        names = tuple(n for n in names if n != "locked" or req.version >= "2.73")
    else:  # ... and checks every regex of it first, for anyone
        for name in REGEX_FILTERS:
            if req.query_one(name) is not None:
                regex_matcher(name, req.query_one(name))
        names += tuple(n for n in member_names if n != "changes-before")
    for name in names:
        value = req.query_one(name)
        if value is not None:
            filters[name] = value
    for name in ("vm_state", "task_state"):  # lists, as Nova's exact filters
        if name in filters:
            filters[name] = req.http.args.getlist(name)
    if "locked" in filters:
        filters["locked"] = str(params.strict_bool(filters["locked"]))
    status = filters.get("status")
    if status is not None and status.upper() not in VALID_STATUSES and req.version >= "2.38":
        raise HTTPError(400, "Invalid status value")
    deleted = req.query_one("deleted")
    if deleted is not None and req.context.is_admin:  # Nova drops it for others
        filters["deleted"] = params.bool_or_false(deleted)
    since = params.timestamp(req, "changes-since")
    if since is not None:
        filters["changes-since"] = since
    before = params.timestamp(req, "changes-before") if req.version >= "2.66" else None
    if before is not None:
        list_query.check_since_before(since, before)
        filters["changes-before"] = before
    all_tenants = params.boolean(req, "all_tenants")
    if all_tenants:
        if not req.context.is_admin:
            raise HTTPError(403, "Policy doesn't allow os_compute_api:servers:index:"
                                 "get_all_tenants to be performed.")
        filters["all_tenants"] = True
    project_id = req.query_one("project_id") or req.query_one("tenant_id")
    if project_id and req.context.is_admin and all_tenants is not False:
        filters["project_id"] = project_id
    return filters


def _list(req: ApiRequest) -> list[dict]:
    limit, marker = params.limit_and_marker(req)
    sort_keys = req.http.args.getlist("sort_key")
    sort_dirs = req.http.args.getlist("sort_dir")
    valid = _SORT_KEYS + (("locked",) if req.version >= "2.73" else ())
    if req.version < "2.75":  # Nova drops the keys it ignores; from 2.75 they are 400
        ignored = [k for k in sort_keys if k in _IGNORED_SORT_KEYS and k not in valid]
        sort_dirs = [d for k, d in zip(sort_keys, sort_dirs, strict=False) if k not in ignored] + \
            sort_dirs[len(sort_keys):]
        sort_keys = [k for k in sort_keys if k not in ignored]
    for key in sort_keys:
        if key not in valid:
            raise HTTPError(400, "Invalid input for query parameters sort_key. Value: %s. "
                                 "'%s' is not one of the allowed sort keys" % (key, key))
    for value in sort_dirs:
        if value not in ("asc", "desc"):
            raise HTTPError(400, "Invalid input for query parameters sort_dir. Value: %s. "
                                 "'%s' is not one of ['asc', 'desc']" % (value, value))
    if limit is None:
        limit_arg = params.MAX_LIMIT
    else:
        limit_arg = limit
    return req.deps.compute_api.list_servers(
        req.context, filters=_filters(req), limit=limit_arg, marker=marker,
        sort_keys=sort_keys or None, sort_dirs=sort_dirs or None)


def _page(req: ApiRequest, body: dict, items: list[dict], path: str) -> Response:
    limit, _ = params.limit_and_marker(req)
    if items and len(items) == (limit if limit is not None else params.MAX_LIMIT):
        query = {k: v for k, v in req.http.args.items() if k != "marker"}
        body["servers_links"] = next_link(req.base_url, path, query, items[-1]["uuid"])
    return json_response(body)


def index(req: ApiRequest) -> Response:
    """GET /servers."""
    items = _list(req)
    body = {"servers": [views.brief(r, req.base_url) for r in items]}
    return _page(req, body, items, "/compute/v2.1/servers")


def detail(req: ApiRequest) -> Response:
    """GET /servers/detail."""
    items = _list(req)
    view = views.ServerView.for_request(req.base_url, req.version, req.context.is_admin,
                                        services_for_view(req))
    body = {"servers": [view.show(r, in_list=True) for r in items]}
    return _page(req, body, items, "/compute/v2.1/servers/detail")


def show(req: ApiRequest, server_id: str) -> Response:
    """GET /servers/{id}."""
    record = server_or_404(req, server_id)
    body = views.show(record, req.base_url, req.version, req.context.is_admin,
                      services=services_for_view(req))
    return json_response({"server": _with_groups(req, body, record)})


def _with_groups(req: ApiRequest, body: dict, record: dict) -> dict:
    """From 2.71 a shown server lists the server groups it is a member of."""
    if req.version >= "2.71":
        body["server_groups"] = req.deps.compute_api.server_groups_of(req.context,
                                                                      record["uuid"])
    return body


def services_for_view(req: ApiRequest) -> list[dict]:
    """The compute services, when the view shows host_status (admins, 2.16+)."""
    if not req.context.is_admin or req.version < "2.16":
        return []
    return req.deps.compute_api.list_services(req.context, binary="nova-compute")


def _create_schema(req: ApiRequest):
    return for_version(req.version, (("2.94", schemas.CREATE_V294),
                                     ("2.90", schemas.CREATE_V290),
                                     ("2.74", schemas.CREATE_V274),
                                     ("2.67", schemas.CREATE_V267),
                                     ("2.63", schemas.CREATE_V263),
                                     ("2.57", schemas.CREATE_V257),
                                     ("2.52", schemas.CREATE_V252),
                                     ("2.37", schemas.CREATE_V237),
                                     ("2.19", schemas.CREATE_V219)), schemas.CREATE)


def create(req: ApiRequest) -> Response:
    """POST /servers: accept a boot request (202); the build runs in a cell."""
    body = req.json_body()
    validate(_create_schema(req), body)
    spec = body["server"]
    image_ref = boot_request.boot_image(spec)
    flavor_ref = str(spec["flavorRef"]).rstrip("/").rsplit("/", 1)[-1]
    _check_networks(spec.get("networks"))
    boot_request.check_personality(spec.get("personality"))
    min_count = int(spec.get("min_count", 1))
    max_count = int(spec.get("max_count", min_count))
    if min_count > max_count:
        raise HTTPError(400, "min_count must be <= max_count")
    _check_requested_destination(req, spec)
    try:
        record, admin_pass = req.deps.compute_api.create_server(
            req.context, name=spec["name"], image_ref=image_ref, flavor_ref=flavor_ref,
            networks=spec.get("networks"), metadata=spec.get("metadata"),
            availability_zone=spec.get("availability_zone"),
            description=spec.get("description"), key_name=spec.get("key_name"),
            access_ipv4=spec.get("accessIPv4"), access_ipv6=spec.get("accessIPv6"),
            min_count=min_count, max_count=max_count, user_data=spec.get("user_data"),
            config_drive=to_bool(spec.get("config_drive", False)), tags=spec.get("tags"),
            auto_disk_config=spec.get("OS-DCF:diskConfig") == "AUTO",
            security_groups=[g["name"] for g in spec.get("security_groups") or () if "name" in g],
            cell_hints=boot_request.cell_hints(body),
            trusted_certs=spec.get("trusted_image_certificates"),
            scheduler_hints=boot_request.scheduler_hints(body), hostname=spec.get("hostname"),
            requested_host=spec.get("host"), requested_node=spec.get("hypervisor_hostname"))
    except (exc.ImageNotFound, exc.FlavorNotFound, exc.InstanceGroupNotFound) as error:
        raise faults.translate(error, not_found_status=400)
    if to_bool(spec.get("return_reservation_id", False)):
        return json_response({"reservation_id": record["reservation_id"]}, status=202)
    if "adminPass" in spec:
        admin_pass = spec["adminPass"]
    body = views.created(record, admin_pass, req.base_url)
    if spec.get("security_groups"):  # Nova echoes what the boot asked for
        body["server"]["security_groups"] = spec["security_groups"]
    response = json_response(body, status=202)
    response.headers["Location"] = f"{req.base_url}/compute/v2.1/servers/{record['uuid']}"
    return response


def _check_requested_destination(req: ApiRequest, spec: dict) -> None:
    """2.74 ``host``/``hypervisor_hostname``: admin-only (Nova's requested_destination
    policy), and not together with a ``zone:host:node`` availability zone."""
    if not (spec.get("host") or spec.get("hypervisor_hostname")):
        return
    if not req.context.is_admin:
        raise HTTPError(403, "Policy doesn't allow compute:servers:create:"
                             "requested_destination to be performed.")
    if (spec.get("availability_zone") or "").partition(":")[2].strip(":"):
        raise HTTPError(400, "One mechanism with host and/or hypervisor_hostname and another "
                             "mechanism with zone:host:node are mutually exclusive.")


def _check_networks(networks) -> None:
    """This cloud has no network service: 'auto', 'none' or [] only; any named network or
    port is unknown (400, as Nova answers for a network or port Neutron does not have)."""
    if not isinstance(networks, list):
        return
    for item in networks:
        if item.get("port"):
            raise HTTPError(400, "Port id %s could not be found." % item["port"])
        if item.get("uuid"):
            raise HTTPError(400, "Network %s could not be found." % item["uuid"])
        if item.get("fixed_ip"):
            raise HTTPError(400, "Fixed IP address %s is not valid without a network."
                            % item["fixed_ip"])


def update(req: ApiRequest, server_id: str) -> Response:
    """PUT /servers/{id}: name (and description from 2.19)."""
    body = req.json_body()
    validate(for_version(req.version, (("2.94", schemas.UPDATE_V294),
                                       ("2.90", schemas.UPDATE_V290),
                                       ("2.19", schemas.UPDATE_V219)), schemas.UPDATE), body)
    server_or_404(req, server_id)
    spec = body["server"]
    kwargs = {}
    if "name" in spec:
        kwargs["name"] = spec["name"]
    if "description" in spec:
        kwargs["description"] = spec["description"]
    if "hostname" in spec:
        kwargs["hostname"] = spec["hostname"]
    record = req.deps.compute_api.update_server(req.context, server_id, **kwargs)
    body = views.show(record, req.base_url, req.version, req.context.is_admin,
                      extended=req.version >= "2.75", services=services_for_view(req))
    return json_response({"server": _with_groups(req, body, record)})


def delete(req: ApiRequest, server_id: str) -> Response:
    """DELETE /servers/{id} (204)."""
    server_or_404(req, server_id)
    req.deps.compute_api.delete_server(req.context, server_id)
    return empty_response(204)
