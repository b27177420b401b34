"""/os-hypervisors (admin): list, detail, show; UUID ids from 2.53, integers before. And the
statistics and uptime routes Nova removed at 2.88 (404 from there)."""

from __future__ import annotations

import re

from werkzeug.wrappers import Response

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api import policy
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.views import hosts as views
from cellgate.cloud.api.views.common import next_link
from cellgate.cloud.api.views.servers import instance_name


def _records(req: ApiRequest) -> list[dict]:
    records = req.deps.compute_api.list_hypervisors(req.context)
    if req.version >= "2.53":
        params.only(req, "limit", "marker", "hypervisor_hostname_pattern", "with_servers")
        pattern = req.query_one("hypervisor_hostname_pattern")
        if pattern is not None and ("limit" in req.http.args or "marker" in req.http.args):
            raise HTTPError(400, "Paging over hypervisors with the "
                                 "hypervisor_hostname_pattern query parameter is not "
                                 "supported.")
        if pattern is not None:
            records = [r for r in records if re.search(re.escape(pattern),
                                                       r["hypervisor_hostname"])]
            if not records:
                raise HTTPError(404, "No hypervisor matching '%s' could be found." % pattern)
    if req.version >= "2.33":
        limit, marker = params.limit_and_marker(req)
        if marker is not None:
            key = "uuid" if req.version >= "2.53" else "id"
            ids = [str(r[key]) for r in records]
            if marker not in ids:
                raise HTTPError(400, "marker [%s] not found" % marker)
            records = records[ids.index(marker) + 1:]
        if limit is not None:
            records = records[:limit]
    return records


def _body(req: ApiRequest, records: list[dict], items: list[dict], path: str) -> dict:
    body: dict = {"hypervisors": items}
    if req.version >= "2.33":
        limit, _ = params.limit_and_marker(req)
        if limit and len(records) == limit:
            query = {k: v for k, v in req.http.args.items() if k != "marker"}
            body["hypervisors_links"] = next_link(req.base_url, path, query,
                                                  str(items[-1]["id"]))
    return body


def _with_servers(req: ApiRequest, records: list[dict], items: list[dict]) -> None:
    """2.53+: `with_servers=true` lists each hypervisor's servers ({uuid, name})."""
    if req.version < "2.53" or not params.boolean(req, "with_servers"):
        return
    servers = req.deps.compute_api.list_servers(req.context, filters={"all_tenants": True},
                                                limit=None)
    by_node: dict[str, list[dict]] = {}
    for server in servers:
        node = server.get("node") or server.get("host")
        if node:
            by_node.setdefault(node, []).append({"uuid": server["uuid"],
                                                 "name": instance_name(server["uuid"])})
    for record, item in zip(records, items, strict=True):
        found = by_node.get(record["hypervisor_hostname"]) or by_node.get(record["host"])
        if found:
            item["servers"] = found
        elif req.version >= "2.75":  # from 2.75 an empty list rather than no key
            item["servers"] = []


def index(req: ApiRequest) -> Response:
    """GET /os-hypervisors."""
    policy.require_admin(req, "os_compute_api:os-hypervisors:list")
    records = _records(req)
    items = [views.hypervisor_brief(r, req.version) for r in records]
    _with_servers(req, records, items)
    return json_response(_body(req, records, items, "/compute/v2.1/os-hypervisors"))


def detail(req: ApiRequest) -> Response:
    """GET /os-hypervisors/detail."""
    policy.require_admin(req, "os_compute_api:os-hypervisors:list-detail")
    records = _records(req)
    items = [views.hypervisor_detail(r, req.version) for r in records]
    _with_servers(req, records, items)
    return json_response(_body(req, records, items, "/compute/v2.1/os-hypervisors/detail"))


# The last microversion that has GET /os-hypervisors/statistics and /{id}/uptime
LAST_STATISTICS_VERSION = "2.87"


def _ident(req: ApiRequest, hypervisor_id: str, not_found: str) -> str | int:
    """The id as the version names hypervisors: a UUID from 2.53 (else 400), an integer before
    (else 404 with ``not_found``, Nova's message of the route)."""
    if req.version >= "2.53":
        if not params.is_uuid(hypervisor_id):
            raise HTTPError(400, "Invalid uuid %s" % hypervisor_id)
        return hypervisor_id
    try:
        return int(hypervisor_id)
    except ValueError:
        raise HTTPError(404, not_found % hypervisor_id)


def show(req: ApiRequest, hypervisor_id: str) -> Response:
    """GET /os-hypervisors/{id}."""
    policy.require_admin(req, "os_compute_api:os-hypervisors:show")
    if req.version >= "2.53":
        params.only(req, "with_servers")
    ident = _ident(req, hypervisor_id, "Hypervisor with ID %s could not be found.")
    record = req.deps.compute_api.get_hypervisor(req.context, ident)
    item = views.hypervisor_detail(record, req.version)
    _with_servers(req, [record], [item])
    return json_response({"hypervisor": item})


def _removed_at_2_88(req: ApiRequest) -> None:
    if req.version > LAST_STATISTICS_VERSION:
        raise HTTPError(404, "The resource could not be found.")


def statistics(req: ApiRequest) -> Response:
    """GET /os-hypervisors/statistics (up to 2.87): sums over the enabled hypervisors."""
    _removed_at_2_88(req)
    policy.require_admin(req, "os_compute_api:os-hypervisors:statistics")
    stats = req.deps.compute_api.hypervisor_statistics(req.context)
    return json_response({"hypervisor_statistics": stats})


def uptime(req: ApiRequest, hypervisor_id: str) -> Response:
    """GET /os-hypervisors/{id}/uptime (up to 2.87): the hypervisor is looked up as Nova does
    (400/404), then 501, as Nova answers on its fake virt driver, which reports no uptime."""
    _removed_at_2_88(req)
    policy.require_admin(req, "os_compute_api:os-hypervisors:uptime")
    not_found = "Hypervisor with ID '%s' could not be found."
    ident = _ident(req, hypervisor_id, not_found)
    try:
        req.deps.compute_api.get_hypervisor(req.context, ident)
    except exc.HypervisorNotFound:
        raise HTTPError(404, not_found % hypervisor_id)
    raise HTTPError(501, "The requested functionality is not supported.")
