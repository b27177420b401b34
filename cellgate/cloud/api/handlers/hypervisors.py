"""/os-hypervisors (admin): list, detail, show; UUID ids from 2.53, integers before."""

from __future__ import annotations

import re

from werkzeug.wrappers import Response

from cellgate.cloud.api import policy
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.views import hosts as views
from cellgate.cloud.api.views.common import next_link


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
                                                 "name": server["name"]})
    for record, item in zip(records, items, strict=True):
        found = by_node.get(record["hypervisor_hostname"]) or by_node.get(record["host"])
        if found:
            item["servers"] = found


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


def show(req: ApiRequest, hypervisor_id: str) -> Response:
    """GET /os-hypervisors/{id}."""
    policy.require_admin(req, "os_compute_api:os-hypervisors:show")
    if req.version >= "2.53":
        params.only(req, "with_servers")
        if not params.is_uuid(hypervisor_id):
            raise HTTPError(400, "Invalid uuid %s" % hypervisor_id)
        ident: str | int = hypervisor_id
    else:
        try:
            ident = int(hypervisor_id)
        except ValueError:
            raise HTTPError(404, "Hypervisor with ID %s could not be found." % hypervisor_id)
    record = req.deps.compute_api.get_hypervisor(req.context, ident)
    item = views.hypervisor_detail(record, req.version)
    _with_servers(req, [record], [item])
    return json_response({"hypervisor": item})
