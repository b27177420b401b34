"""Service, hypervisor and instance action bodies per microversion."""

from __future__ import annotations

import json

from cellgate.cloud.api.microversion import APIVersion
from cellgate.cloud.api.views.common import host_id_of, microtime


def service(record: dict, version: APIVersion) -> dict:
    """An item of GET /os-services."""
    body = {
        "id": record["uuid"] if version >= "2.53" else record["id"],
        "binary": record["binary"], "host": record["host"], "zone": record["zone"],
        "status": record["status"], "state": record["state"],
        "updated_at": _time(record.get("updated_at")),
        "disabled_reason": record.get("disabled_reason"),
    }
    if version >= "2.11":
        body["forced_down"] = bool(record.get("forced_down"))
    return body


def hypervisor_brief(record: dict, version: APIVersion) -> dict:
    """An item of GET /os-hypervisors."""
    return {"id": record["uuid"] if version >= "2.53" else record["id"],
            "hypervisor_hostname": record["hypervisor_hostname"],
            "state": record["state"], "status": record["status"]}


def hypervisor_detail(record: dict, version: APIVersion) -> dict:
    """An item of GET /os-hypervisors/detail and the body of GET /os-hypervisors/{id}; from
    2.88 without the usage fields and cpu_info, with ``uptime`` (None: the fake driver, as
    Nova's, reports none)."""
    body = hypervisor_brief(record, version)
    body.update({
        "hypervisor_type": record["hypervisor_type"],
        "hypervisor_version": int(record["hypervisor_version"]),
        "host_ip": record.get("host_ip"),
        "service": {
            "host": record["host"],
            "id": record["service_uuid"] if version >= "2.53" else record["service_id"],
            "disabled_reason": record.get("service_disabled_reason"),
        },
    })
    if version >= "2.88":
        body["uptime"] = None
        return body
    cpu_info = record.get("cpu_info") or {}
    if isinstance(cpu_info, str):
        try:
            cpu_info = json.loads(cpu_info) if cpu_info else {}
        except ValueError:
            cpu_info = {}
    body.update({
        "vcpus": record["vcpus"], "vcpus_used": record["vcpus_used"],
        "memory_mb": record["memory_mb"], "memory_mb_used": record["memory_mb_used"],
        "local_gb": record["local_gb"], "local_gb_used": record["local_gb_used"],
        "free_ram_mb": record["free_ram_mb"], "free_disk_gb": record["free_disk_gb"],
        "running_vms": record["running_vms"], "current_workload": record["current_workload"],
        "disk_available_least": record.get("disk_available_least"),
        "cpu_info": cpu_info if version >= "2.28" else json.dumps(cpu_info),
    })
    return body


def instance_action(record: dict, version: APIVersion) -> dict:
    """An item of GET /servers/{id}/os-instance-actions."""
    body = {key: record.get(key) for key in ("action", "instance_uuid", "request_id",
                                             "user_id", "project_id", "message")}
    body["start_time"] = _time(record.get("start_time"))
    if version >= "2.58":
        body["updated_at"] = _time(record.get("updated_at") or record.get("start_time"))
    return body


def instance_action_detail(record: dict, version: APIVersion, is_admin: bool) -> dict:
    """GET /servers/{id}/os-instance-actions/{request_id}: events for admins, and for
    everyone from 2.51 on (without the traceback); from 2.62 each event's ``hostId`` (and
    ``host`` for admins), from 2.84 its fault ``details`` for admins."""
    body = instance_action(record, version)
    if is_admin or version >= "2.51":
        host_id = version >= "2.62"
        details = is_admin and version >= "2.84"
        events = []
        for event in record.get("events") or []:
            item = {"event": event["event"], "start_time": _time(event.get("start_time")),
                    "finish_time": _time(event.get("finish_time")),
                    "result": event.get("result")}
            if is_admin:
                item["traceback"] = event.get("traceback")
                if host_id:
                    item["host"] = event.get("host")
            if host_id:
                item["hostId"] = host_id_of(record.get("project_id") or "", event.get("host"))
            if details:
                item["details"] = event.get("details")
            events.append(item)
        body["events"] = events
    return body


def _time(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return microtime(value)
