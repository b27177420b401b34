"""Filtering, sorting and paging of server lists (helpers of ComputeAPI.list_servers)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from cellgate.cloud.exceptions import Invalid

# Nova's sort keys (and our record names) -> record field.
SERVER_SORT_KEYS = {
    "created_at": "created_at", "updated_at": "updated_at", "uuid": "uuid",
    "display_name": "name", "name": "name", "display_description": "description",
    "description": "description", "vm_state": "vm_state", "task_state": "task_state",
    "power_state": "power_state", "launched_at": "launched_at",
    "terminated_at": "terminated_at", "host": "host", "node": "node",
    "project_id": "project_id", "user_id": "user_id", "key_name": "key_name",
    "availability_zone": "availability_zone", "config_drive": "config_drive",
    "image_ref": "image_ref", "instance_type_id": "flavor", "hostname": "hostname",
    "locked": "locked", "progress": "progress", "launch_index": "launch_index",
    "kernel_id": "kernel_id", "ramdisk_id": "ramdisk_id", "root_device_name":
    "root_device_name", "reservation_id": "reservation_id",
}

# Nova status -> the vm_states that may show it (the exact status is checked after).
STATUS_VM_STATES = {
    "ACTIVE": ("active",), "BUILD": ("building",), "SHUTOFF": ("stopped",),
    "ERROR": ("error",), "DELETED": ("deleted",), "SOFT_DELETED": ("soft-delete",),
    "REBOOT": ("active", "stopped"), "HARD_REBOOT": ("active", "stopped"),
    "PAUSED": ("paused",), "SUSPENDED": ("suspended",), "REBUILD": ("active", "error"),
    "PASSWORD": ("active",), "SHELVED": ("shelved",),
    "SHELVED_OFFLOADED": ("shelved_offloaded",),
}


def truthy(value: Any) -> bool:
    """Query-string truth as Nova reads all_tenants/deleted ('' and missing values count)."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("false", "0", "no", "off", "f", "n")


def parse_changes_since(value: Any) -> float:
    """An aware datetime or ISO 8601 string -> POSIX timestamp (Invalid otherwise)."""
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(f"Invalid changes-since value: {value}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def name_matcher(pattern: str) -> Any:
    """A predicate matching names the way Nova's name filter does (regex, anywhere)."""
    try:
        regex = re.compile(pattern)
    except re.error:
        return lambda name: pattern in (name or "")
    return lambda name: regex.search(name or "") is not None


def _sort_value(record: dict[str, Any], field: str) -> Any:
    value = record.get(field)
    if field == "flavor":
        value = (value or {}).get("id")
    if isinstance(value, datetime.datetime):
        value = value.timestamp()
    return (value is not None, value if value is not None else 0)


def sort_records(records: list[dict[str, Any]], sort_keys: Sequence[str] | None,
                 sort_dirs: Sequence[str] | None) -> list[dict[str, Any]]:
    """Sort records (already newest first) by Nova sort keys; stable, so ties keep order."""
    keys = list(sort_keys or [])
    dirs = list(sort_dirs or [])
    if not keys:
        return records
    for index in range(len(keys) - 1, -1, -1):
        key = keys[index]
        if key not in SERVER_SORT_KEYS:
            raise Invalid(f"Invalid sort key: {key}")
        direction = dirs[index] if index < len(dirs) else (dirs[0] if dirs else "desc")
        if direction not in ("asc", "desc"):
            raise Invalid(f"Invalid sort direction: {direction}")
        field = SERVER_SORT_KEYS[key]
        records.sort(key=lambda r, f=field: _sort_value(r, f), reverse=direction == "desc")
    return records


def page(records: list[dict[str, Any]], *, marker: str | None, limit: int | None,
         key: str = "uuid") -> list[dict[str, Any]]:
    """Items after ``marker`` (Invalid if absent), at most ``limit`` of them."""
    if marker is not None:
        for index, record in enumerate(records):
            if str(record[key]) == str(marker):
                records = records[index + 1:]
                break
        else:
            raise Invalid(f"marker [{marker}] not found")
    if limit is not None:
        if int(limit) < 0:
            raise Invalid("limit must be >= 0")
        records = records[:int(limit)]
    return records
