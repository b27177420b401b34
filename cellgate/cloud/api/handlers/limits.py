"""GET /limits: the caller's project's absolute limits and usage, per microversion as Nova
(2.36 drops the network proxies, 2.39 maxImageMeta, 2.57 the personality limits)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.compute.quotas import filtered_for

_LIMIT_NAMES = (
    ("cores", ("maxTotalCores",)), ("injected_files", ("maxPersonality",)),
    ("injected_file_content_bytes", ("maxPersonalitySize",)),
    ("instances", ("maxTotalInstances",)), ("key_pairs", ("maxTotalKeypairs",)),
    ("metadata_items", ("maxServerMeta", "maxImageMeta")), ("ram", ("maxTotalRAMSize",)),
    ("server_groups", ("maxServerGroups",)),
    ("server_group_members", ("maxServerGroupMembers",)),
    ("floating_ips", ("maxTotalFloatingIps",)), ("security_groups", ("maxSecurityGroups",)),
    ("security_group_rules", ("maxSecurityGroupRules",)),
)
_USED_NAMES = (("totalRAMUsed", "ram"), ("totalCoresUsed", "cores"),
               ("totalInstancesUsed", "instances"), ("totalFloatingIpsUsed", "floating_ips"),
               ("totalSecurityGroupsUsed", "security_groups"),
               ("totalServerGroupsUsed", "server_groups"))


def index(req: ApiRequest) -> Response:
    """GET /limits; ``tenant_id`` (admin) asks for another project."""
    project_id = req.context.project_id
    if req.query_one("tenant_id") is not None:
        if not req.context.is_admin:
            raise HTTPError(403, "Policy doesn't allow os_compute_api:limits:other_project "
                                 "to be performed.")
        project_id = req.query_one("tenant_id")
    api = req.deps.compute_api
    limits = api.get_quotas(req.context, project_id)
    usage = api.quota_usage(req.context, project_id)
    hidden = filtered_for(req.version)
    absolute: dict[str, int] = {}
    for resource, names in _LIMIT_NAMES:
        if resource in hidden:
            continue
        for name in names:
            if name == "maxImageMeta" and req.version >= "2.39":
                continue
            absolute[name] = limits[resource]
    for name, resource in _USED_NAMES:
        if resource not in hidden:
            absolute[name] = usage[resource]
    return json_response({"limits": {"rate": [], "absolute": absolute}})
