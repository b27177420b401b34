"""Host methods of ComputeAPI: services and hypervisors, from the cells' capacity reports."""

from __future__ import annotations

import datetime
import time
from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.cells.zones import service_zone
from cellgate.cloud.context import RequestContext
from cellgate.cloud.db.api_store import ApiStore

Record = dict[str, Any]


class HostMethods:
    """Part of ComputeAPI: services and hypervisors (needs ``self.store``)."""

    store: ApiStore
    router: Any
    host_zones: Any  # AggregateMethods.host_zones

    def list_services(self, ctx: RequestContext, *, binary: str | None = None,
                      host: str | None = None) -> list[Record]:
        """Service records ``{id, uuid, binary, host, zone, status, state, updated_at,
        disabled_reason, forced_down, cell_name}``."""
        records = []
        now = time.time()
        zones = self.host_zones()  # zones come from aggregates (AggregateMethods)
        for svc in self.store.capacity.services():
            if (binary and svc["binary"] != binary) or (host and svc["host"] != host):
                continue
            records.append({
                "id": svc["id"], "uuid": svc["uuid"], "binary": svc["binary"],
                "host": svc["host"], "zone": service_zone(svc, zones),
                "status": "disabled" if svc.get("disabled") else "enabled",
                "state": "down" if self.router.service_down(svc, now) else "up",
                "updated_at": _dt(svc["reported_at"]),
                "created_at": _dt(svc.get("created_at")),
                "disabled_reason": svc.get("disabled_reason"),
                "forced_down": bool(svc.get("forced_down")),
                "cell_name": svc["cell_name"]})
        return records

    def update_service(self, ctx: RequestContext, service_uuid: str, *,
                       disabled: bool | None = None, disabled_reason: str | None = None,
                       forced_down: bool | None = None) -> Record:
        """Disable (with a reason), enable or force down a nova-compute service in its cell
        (enabling clears the reason); returns the new service record. Unknown ->
        ServiceNotFound; another binary -> Invalid, as Nova."""
        service = next((s for s in self.list_services(ctx) if s["uuid"] == service_uuid), None)
        if service is None:
            raise exc.ServiceNotFound(service_id=service_uuid)
        if service["binary"] != "nova-compute":
            raise exc.Invalid(f"Updating a {service['binary']} service is not supported. "
                              "Only nova-compute services can be updated.")
        changes: dict[str, Any] = {}
        if disabled is not None:
            changes["disabled"] = disabled
            changes["disabled_reason"] = disabled_reason if disabled else None
        elif disabled_reason is not None:
            changes["disabled_reason"] = disabled_reason
        if forced_down is not None:
            changes["forced_down"] = forced_down
        report = self.router.call(service["cell_name"], "update_service",
                                  {"uuid": service_uuid, "changes": changes})
        if report is None:
            raise exc.ServiceNotFound(service_id=service_uuid)
        self.store.capacity.save_report(report["cell"], report["hosts"], report["services"],
                                        full=True)
        return next(s for s in self.list_services(ctx) if s["uuid"] == service_uuid)

    def find_service(self, ctx: RequestContext, host: str, binary: str) -> Record:
        """The service ``binary`` on ``host`` (the legacy PUT /os-services/<action> names it
        so); an unknown host or binary -> NotFound with Nova's message."""
        services = [s for s in self.list_services(ctx) if s["host"] == host]
        if not services:
            raise exc.NotFound(f"Host '{host}' is not mapped to any cell")
        for service in services:
            if service["binary"] == binary:
                return service
        raise exc.NotFound(f"Could not find binary {binary} on host {host}.")

    def list_cells(self, ctx: RequestContext) -> list[Record]:
        """``[{name, hosts}]``: every cell that reported hosts, with its host names sorted."""
        cells: dict[str, list[str]] = {}
        for host in self.store.capacity.hosts():
            cells.setdefault(host["cell_name"], []).append(host["host"])
        return [{"name": name, "hosts": sorted(hosts)} for name, hosts in sorted(cells.items())]

    def list_hypervisors(self, ctx: RequestContext) -> list[Record]:
        """Hypervisor records ``{id, uuid, hypervisor_hostname, host, state, status, vcpus,
        vcpus_used, memory_mb, memory_mb_used, local_gb, local_gb_used, free_ram_mb,
        free_disk_gb, running_vms, current_workload, disk_available_least,
        hypervisor_type, hypervisor_version, host_ip, cpu_info, cell_name, service_id,
        service_uuid, service_disabled_reason}`` (``id`` is an int, ``uuid`` a UUID for
        microversion >= 2.53 views)."""
        services = {s["uuid"]: s for s in self.store.capacity.services()}
        now = time.time()
        return [_hypervisor(h, services.get(h.get("service_uuid"), {}),
                            self.router.service_down(
                                services.get(h.get("service_uuid"), {"reported_at": None}), now))
                for h in self.store.capacity.hosts()]

    def get_hypervisor(self, ctx: RequestContext, hypervisor_id: str | int) -> Record:
        """One hypervisor by int id or uuid; unknown -> HypervisorNotFound."""
        key = str(hypervisor_id)
        for record in self.list_hypervisors(ctx):
            if key == str(record["id"]) or key == record["uuid"]:
                return record
        raise exc.HypervisorNotFound(hypervisor_id=hypervisor_id)

    def hypervisor_statistics(self, ctx: RequestContext) -> Record:
        """Nova's ``compute_node_statistics``: ``count`` and the sums of STATISTICS_FIELDS
        over the hypervisors whose nova-compute service is enabled."""
        enabled = [h for h in self.list_hypervisors(ctx) if h["status"] == "enabled"]
        stats = {field: sum(int(h.get(field) or 0) for h in enabled)
                 for field in STATISTICS_FIELDS}
        return {"count": len(enabled), **stats}


# What GET /os-hypervisors/statistics sums, besides the count (Nova's field list)
STATISTICS_FIELDS = ("current_workload", "disk_available_least", "free_disk_gb", "free_ram_mb",
                     "local_gb", "local_gb_used", "memory_mb", "memory_mb_used", "running_vms",
                     "vcpus", "vcpus_used")


def _dt(value: float | None) -> datetime.datetime | None:
    if value is None:
        return None
    return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)


def _hypervisor(host: dict[str, Any], service: dict[str, Any], down: bool) -> Record:
    free_ram = host["memory_mb"] - host["memory_mb_used"]
    free_disk = host["local_gb"] - host["local_gb_used"]
    return {
        "id": host["id"], "uuid": host["uuid"], "hypervisor_hostname": host["host"],
        "host": host["host"], "state": "down" if down else "up",
        "status": "disabled" if service.get("disabled") else "enabled",
        "vcpus": host["vcpus"], "vcpus_used": host["vcpus_used"],
        "memory_mb": host["memory_mb"], "memory_mb_used": host["memory_mb_used"],
        "local_gb": host["local_gb"], "local_gb_used": host["local_gb_used"],
        "free_ram_mb": free_ram, "free_disk_gb": free_disk,
        "running_vms": host["running_vms"], "current_workload": 0,
        "disk_available_least": free_disk, "hypervisor_type": host["hypervisor_type"],
        "hypervisor_version": host["hypervisor_version"], "host_ip": "127.0.0.1",
        "cpu_info": {"arch": "x86_64", "model": "fake", "vendor": "cellgate",
                     "features": [], "topology": {"cores": host["vcpus"], "threads": 1,
                                                  "sockets": 1}},
        "cell_name": host["cell_name"], "availability_zone": host.get("availability_zone"),
        "dedicated_cpus": host.get("dedicated_cpus", False),
        "service_id": service.get("id"), "service_uuid": service.get("uuid"),
        "service_disabled_reason": service.get("disabled_reason"),
    }
