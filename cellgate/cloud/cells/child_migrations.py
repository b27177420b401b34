"""Resize and cold-migration handlers of a child cell (moves within this cell; a move to
another cell is handed over to the API cell, see ``child_cross_cell.py``).

Part of ChildCellService (needs ``_existing``, ``_event``, ``_report_up``, ``drivers``,
``hosts``, ``scheduler``, ``router``). The destination claims the new flavor under the
migration's id while the source keeps the instance's claim, so both hosts hold the server
until confirm (source freed) or revert (destination freed), as Nova's placement does.
"""

from __future__ import annotations

import time
from typing import Any

from cellgate.cloud.cells.scheduler import NO_VALID_HOST, among_candidates, zone_for
from cellgate.fakes.driver import SpawnFailed

# the address Nova shows as a migration's dest_host (the fake hosts' host_ip)
HOST_IP = "127.0.0.1"


class ChildMigrationMethods:
    """Message handlers: resize_instance (resize and migrate), confirm_resize, revert_resize."""

    def _migration_update(self, migration_uuid: str, **changes: Any) -> None:
        self.router.cast_up("migration_update", {"uuid": migration_uuid, "changes": changes})

    def _pick_destination(self, instance: Any, flavor: dict[str, Any],
                          payload: dict[str, Any]) -> tuple[str | None, int | None]:
        forced, migration_uuid = payload.get("host"), payload["migration_uuid"]
        hosts = [h for h in self.hosts() if h["host"] != instance.host]
        hosts = among_candidates([h for h in hosts if h["host"] == forced] if forced is not None
                                 else self.schedulable(hosts), payload)
        tried: list[str] = []
        while True:
            dest = self.scheduler.pick(hosts, flavor, exclude=tried)
            if dest is None:
                return None, None
            tried.append(dest)
            try:
                power = self.drivers[dest].finish_migration(
                    instance.uuid, migration_uuid, flavor, instance.vm_state == "active")
            except SpawnFailed:
                continue
            if instance.security_rules is not None:  # the firewall moves with it
                self.drivers[dest].set_security_rules(instance.uuid, instance.security_rules)
            return dest, power

    def msg_resize_instance(self, payload: dict[str, Any]) -> None:
        """Move to another host of this cell with ``flavor`` (the old one for a migrate); the
        instance ends VERIFY_RESIZE, or back as it was with the record in ``error``."""
        instance = self._existing(payload)
        if instance is None or instance.deleted:
            return
        request_id = payload.get("request_id")
        migration_uuid, flavor = payload["migration_uuid"], payload["flavor"]
        start = time.time()
        source = instance.host
        host_cell = payload.get("host_cell")
        if host_cell is not None and host_cell != self.cell_name:
            self._hand_over(instance, payload, start)  # an admin's target in another cell
            return
        dest, power = self._pick_destination(instance, flavor, payload)
        if dest is None and payload.get("cross_cell") and payload.get("host") is None:
            self._hand_over(instance, payload, start)  # no host here: try the other cells
            return
        if dest is None:
            self._migration_update(migration_uuid, status="error")
            self._event(instance, request_id, "conductor_migrate_server", start, "Error",
                        None, NO_VALID_HOST)
            instance.task_state = None
            instance.save()
            return
        self._migration_update(migration_uuid, status="finished", dest_compute=dest,
                               dest_node=dest, dest_host=HOST_IP)
        for event, host in (("conductor_migrate_server", None), ("cold_migrate", None),
                            ("compute_prep_resize", dest), ("compute_resize_instance", source),
                            ("compute_finish_resize", dest)):
            self._event(instance, request_id, event, start, "Success", host)
        instance.migration = {"uuid": migration_uuid, "source_host": source, "dest_host": dest,
                              "old_flavor": dict(instance.flavor), "new_flavor": flavor,
                              "old_vm_state": instance.vm_state,
                              "old_zone": instance.availability_zone}
        instance.flavor = flavor
        instance.host = instance.node = dest
        instance.availability_zone = zone_for(payload, dest, instance.availability_zone)
        instance.vm_state, instance.task_state, instance.power_state = "resized", None, power
        self._report_up(source)
        self._report_up(dest)
        instance.save()

    def _current_migration(self, payload: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
        instance = self._existing(payload)
        if instance is None or instance.deleted:
            return None, None
        migration = instance.migration
        if not migration or migration["uuid"] != payload["migration_uuid"]:
            instance.task_state = None
            instance.save()
            return None, None
        return instance, migration

    def msg_confirm_resize(self, payload: dict[str, Any]) -> None:
        """Keep the destination: its claim becomes the instance's, the source is freed."""
        instance, migration = self._current_migration(payload)
        if migration is None:
            return
        start = time.time()
        if migration.get("cross_cell"):  # the source cell has cleaned up already
            self._migration_update(migration["uuid"], status="confirmed")
            self._event(instance, payload.get("request_id"),
                        "conductor_confirm_snapshot_based_resize", start, "Success", None)
        else:
            self.drivers[migration["dest_host"]].confirm_migration(
                instance.uuid, migration["uuid"], migration["new_flavor"])
            source = self.drivers.get(migration["source_host"])
            if source is not None:
                source.forget(instance.uuid)
            self._migration_update(migration["uuid"], status="confirmed")
            self._event(instance, payload.get("request_id"), "compute_confirm_resize", start,
                        "Success", migration["source_host"])
        instance.vm_state, instance.task_state = migration["old_vm_state"], None
        instance.migration = None
        self._report_up(migration["source_host"])
        self._report_up(migration["dest_host"])
        instance.save()

    def msg_revert_resize(self, payload: dict[str, Any]) -> None:
        """Go back to the source host and old flavor; the destination is freed."""
        instance, migration = self._current_migration(payload)
        if migration is None:
            return
        request_id = payload.get("request_id")
        start = time.time()
        self.drivers[migration["dest_host"]].revert_migration(instance.uuid, migration["uuid"])
        source = self.drivers[migration["source_host"]]
        was_active = migration["old_vm_state"] == "active"
        instance.power_state = (source.power_on(instance.uuid) if was_active
                                else source.power_off(instance.uuid))
        self._migration_update(migration["uuid"], status="reverted")
        self._event(instance, request_id, "compute_revert_resize", start, "Success",
                    migration["dest_host"])
        self._event(instance, request_id, "compute_finish_revert_resize", start, "Success",
                    migration["source_host"])
        if not was_active:
            self._event(instance, request_id, "compute_stop_instance", start, "Success",
                        migration["source_host"])
        instance.flavor = migration["old_flavor"]
        instance.host = instance.node = migration["source_host"]
        instance.availability_zone = migration.get("old_zone", instance.availability_zone)
        instance.vm_state, instance.task_state = migration["old_vm_state"], None
        instance.migration = None
        self._report_up(migration["source_host"])
        self._report_up(migration["dest_host"])
        instance.save()
