"""Filtering, sorting and paging of server lists (helpers of ComputeAPI.list_servers)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

import re2

from cellgate.cloud.exceptions import Invalid

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # an invalid pattern is the client's 400, not a log line

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

# Every status Nova's list filter knows (nova/api/openstack/common.py _STATE_MAP); from 2.38
# any other value is 400 "Invalid status value", below it an empty list.
VALID_STATUSES = frozenset((
    "ACTIVE", "BUILD", "CONFIRMING_RESIZE", "DELETED", "ERROR", "HARD_REBOOT", "MIGRATING",
    "PASSWORD", "PAUSED", "REBOOT", "REBUILD", "RESCUE", "RESIZE", "REVERT_RESIZE", "SHELVED",
    "SHELVED_OFFLOADED", "SHUTOFF", "SOFT_DELETED", "SUSPENDED", "UNKNOWN", "VERIFY_RESIZE"))

TAG_FILTERS = ("tags", "tags-any", "not-tags", "not-tags-any")

# Nova's regex query parameters (its servers index query schema) that name a record field:
# query parameter -> record field. Any user may send reservation_id; the rest are admin's.
REGEX_FILTERS = {
    "reservation_id": "reservation_id", "hostname": "hostname", "node": "node",
    "key_name": "key_name", "description": "description", "display_description": "description",
    "display_name": "name", "access_ip_v4": "access_ipv4", "access_ip_v6": "access_ipv6",
    "config_drive": "config_drive", "kernel_id": "kernel_id", "ramdisk_id": "ramdisk_id",
    "root_device_name": "root_device_name", "launch_index": "launch_index",
    "power_state": "power_state", "progress": "progress", "launched_at": "launched_at",
    "terminated_at": "terminated_at", "created_at": "created_at",
}

# Nova's exact-match list filters (a value or a list of values) -> record field; ``locked``
# (2.73) is a strict boolean.
EXACT_FILTERS = {"user_id": "user_id", "vm_state": "vm_state", "task_state": "task_state",
                 "locked": "locked"}

# What a non-admin may filter on besides the basic set (Nova's _get_server_search_options):
# 2.66 changes-before, 2.73 locked, 2.83 these, 2.90 hostname.
MEMBER_FILTERS = (("2.66", ("changes-before",)), ("2.73", ("locked",)),
                  ("2.83", ("availability_zone", "config_drive", "key_name", "created_at",
                            "launched_at", "terminated_at", "power_state", "task_state",
                            "vm_state", "progress", "user_id")),
                  ("2.90", ("hostname",)))


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


def regex_matcher(field: str, pattern: str, *,
                  anchored: bool = False) -> Callable[[str | None], bool]:
    """A predicate matching values the way Nova's regex filters do (search anywhere), run
    by RE2 so that no pattern can take more than linear time: one tenant's ``(a+)+$`` must
    not stall the others. An empty or invalid pattern is Nova's 400 (``is not a 'regex'``).
    A pattern Python accepts but RE2 does not (backreferences, lookaround) is refused with
    the same 400 rather than run by a backtracking engine or matched another way."""
    if not pattern:
        raise Invalid(_not_a_regex(field, pattern))
    try:
        regex = re2.compile(pattern, options=_RE2_OPTIONS)
    except re2.error:
        raise Invalid(_not_a_regex(field, pattern))
    find = regex.match if anchored else regex.search
    return lambda value: find(value or "") is not None


def _not_a_regex(field: str, pattern: str) -> str:
    return ("Invalid input for query parameters %s. Value: %s. '%s' is not a 'regex'"
            % (field, pattern, pattern))


def name_matcher(pattern: str) -> Callable[[str | None], bool]:
    """The ``name`` filter's predicate (see regex_matcher)."""
    return regex_matcher("name", pattern)


def ip_matcher(pattern: str, version: int = 4) -> Callable[[dict[str, Any]], bool]:
    """The ``ip`` (``ip6`` for version 6) filter's predicate on a record: a fixed address of
    that version matches the regex from its start (Nova's ``re.match`` over the fixed IPs),
    run by RE2 (see regex_matcher)."""
    matches = regex_matcher("ip" if version == 4 else "ip6", pattern, anchored=True)

    def match(record: dict[str, Any]) -> bool:
        return any(matches(ip.get("addr")) for ips in (record.get("addresses") or {}).values()
                   for ip in ips if ip.get("version", 4) == version
                   and ip.get("OS-EXT-IPS:type", "fixed") == "fixed")
    return match


def field_matcher(field: str, pattern: str) -> Callable[[dict[str, Any]], bool]:
    """A regex filter on one record field (``REGEX_FILTERS``); an unset field never
    matches, as a NULL column in Nova's ``REGEXP``."""
    matches = regex_matcher(field, pattern)
    name = REGEX_FILTERS[field]
    return lambda record: record.get(name) is not None and matches(str(record[name]))


def exact_matcher(field: str, wanted: Any) -> Callable[[dict[str, Any]], bool]:
    """An exact filter on one record field (``EXACT_FILTERS``): any of ``wanted``."""
    name = EXACT_FILTERS[field]
    values = {str(v) for v in (wanted if isinstance(wanted, (list, tuple)) else [wanted])}
    if field == "locked":
        return lambda record: bool(record.get(name)) == (values == {"True"})
    return lambda record: str(record.get(name)) in values


def tags_matcher(filters: dict[str, Any]) -> Callable[[dict[str, Any]], bool] | None:
    """Nova's tag filters (2.26+), each a comma-separated list: ``tags`` (all of them),
    ``tags-any`` (at least one), ``not-tags`` (not all of them), ``not-tags-any`` (none of
    them); None when no tag filter is given."""
    given = {name: str(filters[name]) for name in TAG_FILTERS if filters.get(name) is not None}
    for name, value in given.items():  # Nova's query schema types them as regexes
        regex_matcher(name, value)
    wanted = {name: {t for t in value.split(",") if t} for name, value in given.items()}
    if not wanted:
        return None

    def match(record: dict[str, Any]) -> bool:
        tags = set(record.get("tags") or ())
        return (("tags" not in wanted or wanted["tags"] <= tags)
                and ("tags-any" not in wanted or bool(wanted["tags-any"] & tags))
                and ("not-tags" not in wanted or not wanted["not-tags"] <= tags)
                and ("not-tags-any" not in wanted or not wanted["not-tags-any"] & tags))
    return match


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
