"""ChildCellService: a compute cell: host scheduling, fake driver, the authoritative instances.

Its ``msg_*`` methods handle the messages the API cell sends down; everything it changes is
saved through Instance.save(), which writes the cell DB and syncs the instance up.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from cellgate.cloud.cells.child_actions import ChildActionMethods
from cellgate.cloud.cells.child_cross_cell import ChildCrossCellMethods
from cellgate.cloud.cells.child_migrations import ChildMigrationMethods
from cellgate.cloud.cells.child_security import ChildSecurityMethods
from cellgate.cloud.cells.ordering import ReportSequence
from cellgate.cloud.cells.router import CellRouter
from cellgate.cloud.cells.scheduler import (
    MAX_ATTEMPTS,
    NO_VALID_HOST,
    HostScheduler,
    among_candidates,
    schedulable,
    zone_for,
)
from cellgate.cloud.db.cell_store import CellStore, stable_uuid
from cellgate.cloud.objects.base import utcnow
from cellgate.cloud.objects.instance import CHILD_OWNED, Instance
from cellgate.cloud.topology import CellSpec
from cellgate.fakes.driver import POWER_NOSTATE, FakeDriver, SpawnFailed

LOG = logging.getLogger(__name__)


def fake_addresses(instance: Instance) -> dict[str, Any]:
    """A stable fixed address for an instance on the fake 'private' network."""
    if instance.networks == "none":
        return {}
    digest = hashlib.sha256(instance.uuid.encode()).digest()
    mac = "fa:16:3e:" + ":".join(f"{b:02x}" for b in digest[:3])
    return {"private": [{"version": 4, "addr": f"10.{digest[3]}.{digest[4]}.{digest[5] or 1}",
                         "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": mac}]}


class ChildCellService(ChildActionMethods, ChildMigrationMethods, ChildCrossCellMethods,
                       ChildSecurityMethods):
    """One child cell; handlers run on the cell's worker thread, one message at a time."""

    def __init__(self, cell: CellSpec, store: CellStore) -> None:
        self.cell_name = cell.name
        self.store = store
        self.router: CellRouter | None = None
        store.ensure_hosts((h.name, h.profile.vcpus, h.profile.memory_mb, h.profile.disk_gb,
                            h.profile.availability_zone) for h in cell.hosts)
        self.drivers = {h.name: FakeDriver(h.name, h.profile, store) for h in cell.hosts}
        self.scheduler = HostScheduler()
        self.report_seq = ReportSequence()

    def attach(self, router: CellRouter) -> None:
        """Give the cell its router (the endpoint needs the service first)."""
        self.router = router

    # -- the site of the instances this cell holds ------------------------------------

    def save_instance(self, instance: Instance, changes: set[str]) -> None:
        """Write the cell DB (bumping sync_seq) and sync the instance up."""
        instance._data["updated_at"] = utcnow()
        data = instance.obj_data()
        instance._data["sync_seq"] = self.store.save_instance(data)
        self.router.cast_up("instance_sync", {"instance": instance.obj_to_primitive()})

    def _load(self, uuid: str) -> Instance | None:
        data = self.store.get_instance(uuid)
        return Instance.obj_from_data(data).bind(self) if data else None

    def _event(self, instance: Instance, request_id: str | None, event: str, start: float,
               result: str, host: str | None, details: str | None = None) -> None:
        if request_id:
            self.router.cast_up("action_event", {
                "instance_uuid": instance.uuid, "request_id": request_id, "event": event,
                "start_time": start, "finish_time": time.time(), "result": result,
                "host": host, "traceback": details if result == "Error" else None,
                "details": details})

    def _host_info(self, node: dict[str, Any]) -> dict[str, Any]:
        driver = self.drivers[node["host"]]
        return {**node, "dedicated_cpus": driver.profile.dedicated_cpus,
                "availability_zone": driver.profile.availability_zone,
                "hypervisor_type": driver.hypervisor_type,
                "hypervisor_version": driver.hypervisor_version,
                "service_uuid": stable_uuid(self.cell_name, "nova-compute", node["host"])}

    def hosts(self) -> list[dict[str, Any]]:
        """Every host of this cell: totals, usage, zone, dedicated CPUs (one query)."""
        return [self._host_info(n) for n in self.store.nodes() if n["host"] in self.drivers]

    def schedulable(self, hosts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The hosts whose nova-compute service is neither disabled nor forced down."""
        return schedulable(hosts, self.store.services())

    def msg_update_service(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Apply an admin's change to one of this cell's services; the new full report, or
        None when the service is not here."""
        if not self.store.update_service(payload["uuid"], **payload["changes"]):
            return None
        return self.report()

    def report(self, only_host: str | None = None) -> dict[str, Any]:
        """This cell's hosts and services; ``only_host`` limits it to one host's usage.
        Every host carries ``report_seq``: the API cell keeps the newest report of a host
        whatever order reports arrive in."""
        seq = self.report_seq.next()
        if only_host is not None:
            return {"cell": self.cell_name, "services": [],
                    "hosts": [{**self._host_info(self.store.node(only_host)),
                               "report_seq": seq}]}
        services = [{"uuid": s["uuid"], "host": s["host"], "binary": s["binary"],
                     "zone": s["zone"], "disabled": s["disabled"],
                     "disabled_reason": s["disabled_reason"],
                     "forced_down": bool(s.get("forced_down")), "created_at": s["created_at"],
                     "updated_at": s["updated_at"]} for s in self.store.services()]
        return {"cell": self.cell_name, "services": services,
                "hosts": [{**h, "report_seq": seq} for h in self.hosts()]}

    def _report_up(self, host: str | None) -> None:
        if host in self.drivers:
            self.router.cast_up("capacity_report", self.report(only_host=host))

    # -- builds -----------------------------------------------------------------------

    def msg_build_instance(self, payload: dict[str, Any]) -> None:
        """Build an instance whose whole flavor travels in the message; reschedule across the
        hosts left of MAX_ATTEMPTS (``attempts`` counts those other cells tried); report a
        reschedulable failure up, bury the rest in ERROR."""
        incoming = Instance.obj_from_primitive(payload["instance"]).bind(self)
        request_id = payload.get("request_id")
        current = self._load(incoming.uuid)
        if current is not None and (current.deleted or current.vm_state != "building"):
            self.save_instance(current, set())  # already done: just tell the top again
            return
        if current is not None:  # a build cut short by a crash: start it over
            self.store.release(current.uuid)
            incoming._data["sync_seq"] = max(incoming.sync_seq, current.sync_seq)
        instance = incoming
        instance.cell_name = self.cell_name
        instance.vm_state, instance.task_state, instance.host, instance.node = \
            "building", "scheduling", None, None
        # No save yet: the read model already shows this; a crash from here on is recovered
        # by the API cell resending the build (claims are idempotent per instance).
        start = time.time()
        tried: list[str] = []
        failure: SpawnFailed | None = None
        for _attempt in range(MAX_ATTEMPTS - int(payload.get("attempts") or 0)):
            hosts = self.hosts()
            if instance.requested_host:  # forced by an admin: that host or none
                hosts = [h for h in hosts if h["host"] == instance.requested_host]
            else:  # as Nova's ComputeFilter: no disabled or forced-down compute service;
                # and only the hosts that passed the API cell's filters
                hosts = among_candidates(self.schedulable(hosts), payload)
            host = self.scheduler.pick(hosts, instance.flavor, exclude=tried)
            if host is None:
                break
            tried.append(host)
            driver = self.drivers[host]
            if driver.profile.spawn_latency_ms:
                instance.task_state, instance.host, instance.node = "spawning", host, host
                instance.save()
            try:
                power_state = driver.spawn(instance.uuid, instance.name, instance.flavor,
                                           key_data=instance.key_data,
                                           security_rules=instance.security_rules)
            except SpawnFailed as exc:
                failure = exc
                LOG.info("cell %s: build of %s failed on %s: %s", self.cell_name,
                         instance.uuid, host, exc.reason)
                if not exc.reschedulable:
                    break
                continue
            now = utcnow()
            instance.vm_state, instance.task_state, instance.power_state = \
                "active", None, power_state
            instance.host = instance.node = host
            instance.availability_zone = zone_for(payload, host,
                                                  driver.profile.availability_zone)
            instance.launched_at = now
            instance.addresses = fake_addresses(instance)
            # Event and usage go up before the state, so whoever sees ACTIVE sees them too.
            self._event(instance, request_id, "compute__do_build_and_run_instance", start,
                        "Success", host)
            self._report_up(host)
            instance.save()
            return
        self._build_failed(instance, payload, request_id, start, tried, failure)

    def _build_failed(self, instance: Instance, payload: dict[str, Any],
                      request_id: str | None, start: float, tried: list[str],
                      failure: SpawnFailed | None) -> None:
        host = tried[-1] if tried else None
        if failure is not None and not failure.reschedulable:
            reason = f"Build of instance {instance.uuid} aborted: {failure.reason}"
            self._event(instance, request_id, "compute__do_build_and_run_instance", start,
                        "Error", host, reason)
            self._set_error(instance, reason)
            return
        if failure is None:
            reason = NO_VALID_HOST
        else:
            reason = (f"No valid host was found. Exceeded maximum number of retries. Exhausted "
                      f"all hosts available for retrying build failures for instance "
                      f"{instance.uuid}. Last failure on host {host}: {failure.reason}")
        if tried:
            self._event(instance, request_id, "compute__do_build_and_run_instance", start,
                        "Error", host, reason)
        # Let the API cell try another cell; the instance leaves this cell.
        instance.host = instance.node = None
        primitive = instance.obj_to_primitive()
        self.store.remove_instance(instance.uuid)
        self.router.cast_up("build_failed", {
            "instance": primitive, "reason": reason, "request_id": request_id,
            "tried_cells": [*payload.get("tried_cells", []), self.cell_name],
            # hosts a placed build may not be sent to again (the ones offered, if none fit)
            "tried_hosts": [*payload.get("tried_hosts", []),
                            *(tried or payload.get("candidate_hosts") or [])],
            "attempts": int(payload.get("attempts") or 0) + len(tried)})

    def _set_error(self, instance: Instance, reason: str) -> None:
        host = self.store.release(instance.uuid)
        instance.vm_state, instance.task_state, instance.power_state = "error", None, \
            POWER_NOSTATE
        instance.fault = {"code": 500, "message": reason, "details": reason,
                          "created": utcnow().isoformat()}
        self.store.add_fault(instance.uuid, 500, reason, reason)
        self._report_up(host)
        instance.save()

    def msg_bury_instance(self, payload: dict[str, Any]) -> None:
        """No cell could build the instance: keep it here in ERROR with the reason."""
        instance = Instance.obj_from_primitive(payload["instance"]).bind(self)
        current = self._load(instance.uuid)
        if current is not None:
            instance._data["sync_seq"] = max(instance.sync_seq, current.sync_seq)
        instance.cell_name = self.cell_name
        self._set_error(instance, payload["reason"])

    # -- lifecycle --------------------------------------------------------------------

    def _existing(self, payload: dict[str, Any]) -> Instance | None:
        instance = self._load(payload["uuid"])
        if instance is None:
            LOG.warning("cell %s has no instance %s", self.cell_name, payload["uuid"])
            self.router.cast_up("instance_missing", {"uuid": payload["uuid"],
                                                     "cell": self.cell_name})
        return instance

    def msg_delete_instance(self, payload: dict[str, Any]) -> None:
        """Destroy an instance, give its resources back and sync it up deleted."""
        instance = self._existing(payload)
        if instance is None:
            return
        if instance.deleted:  # already done: just tell the top again
            self.save_instance(instance, set())
            return
        start = time.time()
        driver = self.drivers.get(instance.host or "")
        if driver is not None:
            driver.destroy(instance.uuid)
        else:
            self.store.release(instance.uuid)
        if instance.migration:  # deleted while resized: the other host's claim goes too
            self.store.release(instance.migration["uuid"])
            self._report_up(instance.migration["source_host"])
            self._forget_other_copy(instance)  # ... and another cell's copy
        now = utcnow()
        instance.vm_state, instance.task_state, instance.power_state = "deleted", None, \
            POWER_NOSTATE
        instance.deleted, instance.deleted_at, instance.terminated_at = True, now, now
        self._event(instance, payload.get("request_id"), "compute_terminate_instance", start,
                    "Success", instance.host)
        self._report_up(instance.host)
        instance.save()

    def _power_action(self, payload: dict[str, Any], event: str, vm_state: str,
                      act: Any) -> None:
        instance = self._existing(payload)
        if instance is None or instance.deleted:
            return
        start = time.time()
        driver = self.drivers.get(instance.host or "")
        if driver is None:
            self._event(instance, payload.get("request_id"), event, start, "Error", None,
                        "instance has no host")
            instance.task_state = None
            instance.save()
            return
        instance.power_state = act(driver, instance.uuid)
        instance.vm_state, instance.task_state = vm_state, None
        self._event(instance, payload.get("request_id"), event, start, "Success",
                    instance.host)
        instance.save()

    def msg_reboot_instance(self, payload: dict[str, Any]) -> None:
        """Reboot (SOFT or HARD); the instance ends ACTIVE."""
        reboot_type = payload.get("reboot_type", "SOFT")
        self._power_action(payload, "compute_reboot_instance", "active",
                           lambda d, u: d.reboot(u, reboot_type))

    def msg_stop_instance(self, payload: dict[str, Any]) -> None:
        """Power off; the instance ends SHUTOFF (power state 4)."""
        self._power_action(payload, "compute_stop_instance", "stopped",
                           lambda d, u: d.power_off(u))

    def msg_start_instance(self, payload: dict[str, Any]) -> None:
        """Power on; the instance ends ACTIVE."""
        self._power_action(payload, "compute_start_instance", "active",
                           lambda d, u: d.power_on(u))

    def msg_instance_update(self, payload: dict[str, Any]) -> None:
        """Apply a change made at the top (never vm_state/task_state: this cell owns them)."""
        instance = self._existing(payload)
        if instance is None or instance.deleted:
            return
        for key, value in payload["changes"].items():
            if key == "security_rules" and not self.accept_security_rules(instance, value):
                continue
            if key not in CHILD_OWNED and key in Instance.FIELDS:
                setattr(instance, key, Instance.FIELDS[key].from_primitive(value))
        instance.save()

    # -- reports and healing ----------------------------------------------------------

    def msg_report_capacity(self, payload: dict[str, Any]) -> dict[str, Any]:
        """This cell's full capacity report (hosts and services)."""
        return self.report()

    def msg_list_instances(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        """Every instance this cell holds, as primitives (for heal)."""
        return [Instance.obj_from_data(d).obj_to_primitive() for d in self.store.list_instances()]

    def msg_get_instance(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """One instance's primitive, or None (on-demand sync)."""
        instance = self._load(payload["uuid"])
        return instance.obj_to_primitive() if instance else None

    def msg_report_up(self, payload: dict[str, Any]) -> None:
        """The periodic report: this cell's hosts and services, stamped, sent up. It runs on
        the cell's worker, so it never overtakes a build's own usage report, and a cell that
        stopped handling messages stops reporting."""
        self.router.cast_up("capacity_report", {**self.report(), "full": True,
                                                "reported_at": time.time()})

    def msg_ping(self, payload: dict[str, Any]) -> str:
        """Answer with this cell's name (liveness)."""
        return self.cell_name
