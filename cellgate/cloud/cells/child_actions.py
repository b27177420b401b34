"""Server action handlers of a child cell: pause, suspend, rebuild, shelve, unshelve.

Part of ChildCellService (needs ``_existing``, ``_event``, ``_power_action``, ``_report_up``,
``drivers``, ``hosts``, ``scheduler``). Each handler asks the host's fake driver to do the
work, records the compute events real Nova records, and saves (which syncs the top).
"""

from __future__ import annotations

import time
from typing import Any

from cellgate.cloud.cells.scheduler import NO_VALID_HOST, among_candidates, zone_for
from cellgate.fakes.driver import POWER_SHUTDOWN, SpawnFailed


class ChildActionMethods:
    """Message handlers for the server actions beyond reboot/stop/start."""

    def msg_pause_instance(self, payload: dict[str, Any]) -> None:
        """Pause; the instance ends PAUSED."""
        self._power_action(payload, "compute_pause_instance", "paused",
                           lambda d, u: d.pause(u))

    def msg_unpause_instance(self, payload: dict[str, Any]) -> None:
        """Unpause; the instance ends ACTIVE."""
        self._power_action(payload, "compute_unpause_instance", "active",
                           lambda d, u: d.unpause(u))

    def msg_suspend_instance(self, payload: dict[str, Any]) -> None:
        """Suspend; the instance ends SUSPENDED."""
        self._power_action(payload, "compute_suspend_instance", "suspended",
                           lambda d, u: d.suspend(u))

    def msg_resume_instance(self, payload: dict[str, Any]) -> None:
        """Resume; the instance ends ACTIVE."""
        self._power_action(payload, "compute_resume_instance", "active",
                           lambda d, u: d.resume(u))

    def msg_rebuild_instance(self, payload: dict[str, Any]) -> None:
        """Rebuild from the new image on the same host; a stopped server is stopped again
        afterwards (its own compute_stop_instance event, as Nova)."""
        instance = self._existing(payload)
        if instance is None or instance.deleted:
            return
        request_id = payload.get("request_id")
        start = time.time()
        driver = self.drivers.get(instance.host or "")
        if driver is None:
            self._event(instance, request_id, "compute_rebuild_instance", start, "Error", None,
                        "instance has no host")
            instance.task_state = None
            instance.save()
            return
        was_stopped = instance.vm_state == "stopped"
        # a rebuild resent after a crash carries no image: the top already set it
        instance.image_ref = payload.get("image_ref") or instance.image_ref
        instance.power_state = driver.rebuild(instance.uuid, instance.image_ref)
        instance.vm_state = "active"
        self._event(instance, request_id, "rebuild_server", start, "Success", None)
        self._event(instance, request_id, "compute_rebuild_instance", start, "Success",
                    instance.host)
        if was_stopped:
            stop_start = time.time()
            instance.power_state = driver.power_off(instance.uuid)
            instance.vm_state = "stopped"
            self._event(instance, request_id, "compute_stop_instance", stop_start, "Success",
                        instance.host)
        instance.task_state = None
        instance.save()

    def msg_shelve_instance(self, payload: dict[str, Any]) -> None:
        """Shelve and, as Nova with shelved_offload_time 0, offload at once: the driver
        destroys the guest, the host's resources are released, host and node become None."""
        self._offload(payload, "compute_shelve_instance")

    def msg_shelve_offload_instance(self, payload: dict[str, Any]) -> None:
        """Offload a shelved instance (frees its host)."""
        self._offload(payload, "compute_shelve_offload_instance")

    def _offload(self, payload: dict[str, Any], event: str) -> None:
        instance = self._existing(payload)
        if instance is None or instance.deleted:
            return
        start = time.time()
        host = instance.host
        driver = self.drivers.get(host or "")
        if driver is not None:
            driver.power_off(instance.uuid)
            driver.destroy(instance.uuid)
        else:
            self.store.release(instance.uuid)
        instance.vm_state, instance.task_state, instance.power_state = \
            "shelved_offloaded", None, POWER_SHUTDOWN
        instance.host = instance.node = None
        self._event(instance, payload.get("request_id"), event, start, "Success", host)
        self._report_up(host)
        instance.save()

    def msg_unshelve_instance(self, payload: dict[str, Any]) -> None:
        """Schedule an offloaded instance to a host of this cell and spawn it there; with no
        host it stays SHELVED_OFFLOADED and the schedule event is an Error."""
        instance = self._existing(payload)
        if instance is None or instance.deleted:
            return
        request_id = payload.get("request_id")
        start = time.time()
        tried: list[str] = []
        if "availability_zone" in payload:  # 2.77/2.91: a new zone (None: unpinned)
            instance.requested_availability_zone = payload["availability_zone"]
        while True:
            hosts = among_candidates(self.schedulable(self.hosts()), payload)
            if payload.get("host"):  # 2.91: that host or none
                hosts = [h for h in hosts if h["host"] == payload["host"]]
            host = self.scheduler.pick(hosts, instance.flavor, exclude=tried)
            if host is None:
                self._event(instance, request_id, "schedule_instances", start, "Error", None,
                            NO_VALID_HOST)
                instance.task_state = None
                instance.save()
                return
            tried.append(host)
            try:
                power_state = self.drivers[host].spawn(
                    instance.uuid, instance.name, instance.flavor,
                    security_rules=instance.security_rules)
            except SpawnFailed:
                continue
            break
        self._event(instance, request_id, "schedule_instances", start, "Success", None)
        self._event(instance, request_id, "get_image_info", start, "Success", None)
        self._event(instance, request_id, "compute_unshelve_instance", start, "Success", host)
        instance.vm_state, instance.task_state, instance.power_state = \
            "active", None, power_state
        instance.host = instance.node = host
        instance.availability_zone = zone_for(payload, host, instance.availability_zone)
        self._report_up(host)
        instance.save()
