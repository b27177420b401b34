"""The query parameters of GET /servers and /servers/detail that Nova checks before it
filters: its strict 2.75 query schema and the order of ``changes-since`` and
``changes-before`` (2.66)."""

from __future__ import annotations

from datetime import datetime

from jsonschema import Draft4Validator

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.request import ApiRequest

# Every parameter of Nova's index_query_v275 (its filters, sorting and paging, the joined
# tables it refuses later); anything else is 400 from 2.75, except names starting with '_'.
INDEX_QUERY_V275 = (
    "user_id", "project_id", "tenant_id", "launch_index", "image_ref", "image", "kernel_id",
    "ramdisk_id", "hostname", "key_name", "power_state", "vm_state", "task_state", "host",
    "node", "flavor", "reservation_id", "launched_at", "terminated_at", "availability_zone",
    "name", "display_name", "description", "display_description", "locked_by", "uuid",
    "root_device_name", "config_drive", "access_ip_v4", "access_ip_v6", "auto_disk_config",
    "progress", "sort_key", "sort_dir", "all_tenants", "soft_deleted", "deleted", "status",
    "changes-since", "ip", "ip6", "created_at", "block_device_mapping", "services",
    "metadata", "system_metadata", "info_cache", "security_groups", "pci_devices", "limit",
    "marker", "tags", "tags-any", "not-tags", "not-tags-any", "changes-before", "locked")

_INDEX_V275 = Draft4Validator({"type": "object",
                               "properties": {name: {} for name in INDEX_QUERY_V275},
                               "patternProperties": {"^_": {}},
                               "additionalProperties": False})

def check_index_query(req: ApiRequest) -> None:
    """400 with Nova's message for a parameter its 2.75 schema does not know."""
    error = next(iter(_INDEX_V275.iter_errors(dict(req.http.args))), None)
    if error is not None:
        raise HTTPError(400, error.message)


def check_since_before(since: datetime | None, before: datetime) -> None:
    """changes-since after changes-before is Nova's 400."""
    if since is not None and before < since:
        raise HTTPError(400, "The value of changes-since must be less than or equal to "
                             "changes-before.")
