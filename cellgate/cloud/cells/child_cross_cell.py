"""The child cell's side of a cross-cell resize or cold migration.

Part of ChildCellService (needs ``_load``, ``_event``, ``_report_up``, ``_migration_update``,
``drivers``, ``hosts``, ``schedulable``, ``scheduler``, ``store``, ``router``). Cells never
talk to each other: the API cell carries every step (``cells/cross_cell.py``).

The *source* cell keeps its copy of the instance, guest and claim until the move is confirmed
(then it destroys and forgets them) or reverted (then its copy owns the instance again). The
*destination* cell builds a copy from the whole instance object the source sent up, stamped
with the next owner generation, claims and spawns it with the new flavor; the read model
ignores that copy until the API cell hands ownership over (``owner_fenced_out``).
"""

from __future__ import annotations

import time
from typing import Any

from cellgate.cloud.cells.child_migrations import HOST_IP
from cellgate.cloud.cells.scheduler import NO_VALID_HOST
from cellgate.cloud.objects.instance import CHILD_OWNED, Instance
from cellgate.fakes.driver import SpawnFailed

SOURCE = "source"


def _is_source_of(instance: Any, migration_uuid: str) -> bool:
    migration = instance.migration or {}
    return migration.get("role") == SOURCE and migration.get("uuid") == migration_uuid


class ChildCrossCellMethods:
    """Message handlers of both ends of a cross-cell move."""

    # -- source: hand the instance over ------------------------------------------------

    def _hand_over(self, instance: Any, payload: dict[str, Any], start: float) -> None:
        """Ask the API cell to move ``instance`` to another cell (no host here fits, or an
        admin named a host of another cell); this copy stays as it is meanwhile."""
        migration_uuid = payload["migration_uuid"]
        instance.task_state = "resize_migrating"
        instance.migration = {"uuid": migration_uuid, "role": SOURCE,
                              "source_host": instance.host, "old_vm_state": instance.vm_state}
        self._migration_update(migration_uuid, status="migrating")
        instance.save()
        self.router.cast_up("cross_cell_move", {
            "instance": instance.obj_to_primitive(), "migration_uuid": migration_uuid,
            "flavor": payload["flavor"], "host": payload.get("host"),
            "host_cell": payload.get("host_cell"), "request_id": payload.get("request_id"),
            "start": start})

    def msg_cross_cell_source_moved(self, payload: dict[str, Any]) -> None:
        """The destination owns the instance now: power the guest off here, keeping it and
        its claim for a revert."""
        instance = self._load(payload["uuid"])
        if instance is None or instance.deleted or not _is_source_of(
                instance, payload["migration_uuid"]):
            return
        start = time.time()
        driver = self.drivers.get(instance.host or "")
        if driver is not None:
            instance.power_state = driver.power_off(instance.uuid)
        instance.task_state = "resize_migrated"
        self._event(instance, payload.get("request_id"),
                    "compute_prep_snapshot_based_resize_at_source", start, "Success",
                    instance.host)
        instance.save()  # the read model ignores it: this copy is no longer the owner

    def msg_move_abort(self, payload: dict[str, Any]) -> None:
        """A move that cannot finish (no cell could take it, or a crash cut it short): the
        instance stays where it was, as it was. A same-cell move that had finished is
        reported again instead."""
        instance = self._load(payload["uuid"])
        if instance is None or instance.deleted:
            return
        migration = instance.migration or {}
        if migration.get("uuid") == payload["migration_uuid"] and instance.vm_state == "resized":
            self._migration_update(migration["uuid"], status="finished",
                                   dest_compute=migration["dest_host"],
                                   dest_node=migration["dest_host"])
        elif not migration or _is_source_of(instance, payload["migration_uuid"]):
            instance.migration = None
            instance.task_state = None
        instance.save()

    def msg_cross_cell_confirm_source(self, payload: dict[str, Any]) -> None:
        """Confirm, source half: destroy the guest here, free its claim and forget this
        copy; then the API cell lets the owner finish the confirm."""
        instance = self._load(payload["uuid"])
        if instance is not None and not _is_source_of(instance, payload["migration_uuid"]):
            instance = None
        self._drop_then_reply(instance, payload,
                              "compute_confirm_snapshot_based_resize_at_source",
                              "cross_cell_source_confirmed")

    def msg_cross_cell_revert_source(self, payload: dict[str, Any]) -> None:
        """Revert, source half: this copy owns the instance again (generation
        ``owner_gen``), with the old flavor and host, powered as before the move; the
        user's changes made meanwhile (``changes``) are applied."""
        instance = self._load(payload["uuid"])
        if instance is None:
            return
        if instance.deleted:  # a delete overtook the revert: say so as the owner
            if instance.owner_gen != payload["owner_gen"]:
                instance.owner_gen = payload["owner_gen"]
                instance.save()
            return
        request_id = payload.get("request_id")
        start = time.time()
        if instance.owner_gen != payload["owner_gen"]:
            for key, value in payload.get("changes", {}).items():
                if key not in CHILD_OWNED and key in Instance.FIELDS:
                    setattr(instance, key, Instance.FIELDS[key].from_primitive(value))
            old_vm_state = (instance.migration or {}).get("old_vm_state", instance.vm_state)
            driver = self.drivers[instance.host]
            instance.power_state = (driver.power_on(instance.uuid) if old_vm_state == "active"
                                    else driver.power_off(instance.uuid))
            instance.vm_state, instance.task_state = old_vm_state, None
            instance.migration = None
            instance.cell_name = self.cell_name
            instance.owner_gen = payload["owner_gen"]
            self._event(instance, request_id,
                        "compute_finish_revert_snapshot_based_resize_at_source", start,
                        "Success", instance.host)
            self._event(instance, request_id, "conductor_revert_snapshot_based_resize",
                        start, "Success", None)
        self._migration_update(payload["migration_uuid"], status="reverted")
        instance.save()

    # -- destination --------------------------------------------------------------------

    def _place_copy(self, instance: Instance, flavor: dict[str, Any],
                    forced: str | None) -> tuple[str | None, int, str]:
        """Claim and spawn ``instance`` with ``flavor`` on a host of this cell; returns
        (host or None, power state, reason of the last failure)."""
        hosts = self.hosts()
        hosts = ([h for h in hosts if h["host"] == forced] if forced is not None
                 else self.schedulable(hosts))
        tried: list[str] = []
        reason = NO_VALID_HOST
        while True:
            host = self.scheduler.pick(hosts, flavor, exclude=tried)
            if host is None:
                return None, 0, reason
            tried.append(host)
            try:
                power = self.drivers[host].spawn(instance.uuid, instance.name, flavor,
                                                 key_data=instance.key_data)
            except SpawnFailed as failure:
                reason = f"{NO_VALID_HOST} Last failure on host {host}: {failure.reason}"
                continue
            return host, power, reason

    def msg_cross_cell_prep_dest(self, payload: dict[str, Any]) -> None:
        """Build this cell's copy of a moving instance: pick a host, claim and spawn the new
        flavor there, save the copy (generation ``owner_gen``, VERIFY_RESIZE) and report it
        up; or report why no host could take it."""
        incoming = Instance.obj_from_primitive(payload["instance"]).bind(self)
        gen, migration_uuid = payload["owner_gen"], payload["migration_uuid"]
        request_id, start = payload.get("request_id"), payload.get("start") or time.time()
        current = self._load(incoming.uuid)
        if current is not None and current.owner_gen == gen:  # redelivered
            if (current.migration or {}).get("uuid") == migration_uuid:
                self._report_ready(current, payload)
            return
        if current is not None:  # a copy left by an older move: start afresh
            self._drop_copy(current)
        flavor = payload["flavor"]
        dest, power, reason = self._place_copy(incoming, flavor, payload.get("host"))
        if dest is None:
            self.router.cast_up("cross_cell_dest_failed", {
                "uuid": incoming.uuid, "migration_uuid": migration_uuid, "reason": reason,
                "request_id": request_id, "start": start, "source_cell": incoming.cell_name})
            return
        instance = incoming
        old_vm_state = (instance.migration or {}).get("old_vm_state", "active")
        driver = self.drivers[dest]
        if old_vm_state != "active":
            power = driver.power_off(instance.uuid)
        instance.migration = {"uuid": migration_uuid, "cross_cell": True,
                              "source_cell": instance.cell_name, "source_gen": gen - 1,
                              "source_host": instance.host, "dest_host": dest,
                              "old_flavor": dict(instance.flavor), "new_flavor": flavor,
                              "old_vm_state": old_vm_state}
        instance.cell_name, instance.owner_gen = self.cell_name, gen
        instance.flavor = flavor
        instance.host = instance.node = dest
        instance.availability_zone = driver.profile.availability_zone
        instance.vm_state, instance.task_state, instance.power_state = "resized", None, power
        self._migration_update(migration_uuid, status="post-migrating", dest_compute=dest,
                               dest_node=dest, dest_host=HOST_IP)
        for event in ("compute_prep_snapshot_based_resize_at_dest",
                      "compute_finish_snapshot_based_resize_at_dest"):
            self._event(instance, request_id, event, start, "Success", dest)
        self._report_up(dest)
        instance.save()  # ignored by the read model until the API cell hands it over
        self._report_ready(instance, payload)

    def _report_ready(self, instance: Instance, payload: dict[str, Any]) -> None:
        self.router.cast_up("cross_cell_dest_ready", {
            "instance": instance.obj_to_primitive(),
            "migration_uuid": payload["migration_uuid"],
            "source_cell": instance.migration["source_cell"],
            "request_id": payload.get("request_id"), "start": payload.get("start")})

    def msg_cross_cell_revert_dest(self, payload: dict[str, Any]) -> None:
        """Revert, destination half: destroy the guest here, free its claim and forget this
        copy; then the API cell gives the instance back to the source cell."""
        instance = self._load(payload["uuid"])
        if instance is not None and (instance.deleted or (instance.migration or {}).get(
                "uuid") != payload["migration_uuid"]):
            return
        self._drop_then_reply(instance, payload, "compute_revert_snapshot_based_resize_at_dest",
                              "cross_cell_dest_reverted")

    # -- either end ---------------------------------------------------------------------

    def _drop_copy(self, instance: Instance) -> None:
        """Destroy this cell's guest of ``instance``, free its claim and forget the copy
        (nothing syncs up: this copy does not, or no longer, own the instance)."""
        driver = self.drivers.get(instance.host or "")
        if driver is not None:
            driver.destroy(instance.uuid)
        else:
            self.store.release(instance.uuid)
        self.store.remove_instance(instance.uuid)
        self._report_up(instance.host)

    def _drop_then_reply(self, instance: Instance | None, payload: dict[str, Any],
                         event: str, reply: str) -> None:
        """Forget this cell's copy (when there is one; a redelivery finds none) recording
        ``event``, then send ``reply`` up: one half of a confirm or revert is done."""
        if instance is not None:
            start = time.time()
            self._drop_copy(instance)
            self._event(instance, payload.get("request_id"), event, start, "Success",
                        instance.host)
        self.router.cast_up(reply, {"uuid": payload["uuid"],
                                    "migration_uuid": payload["migration_uuid"],
                                    "request_id": payload.get("request_id")})

    def msg_cross_cell_discard(self, payload: dict[str, Any]) -> None:
        """Forget this cell's copy if it carries owner generation ``owner_gen`` (a copy a
        move left behind: the instance was deleted, or the move was rolled back)."""
        instance = self._load(payload["uuid"])
        if instance is not None and instance.owner_gen == payload["owner_gen"]:
            self._drop_copy(instance)

    def _forget_other_copy(self, instance: Instance) -> None:
        """``instance`` was deleted in the middle of a cross-cell move it owns: the other
        cell's copy goes too."""
        migration = instance.migration or {}
        if migration.get("cross_cell"):
            self.router.cast_up("cross_cell_forget", {
                "uuid": instance.uuid, "cell": migration["source_cell"],
                "owner_gen": migration["source_gen"]})
