"""ApiCellService: the API cell: keeps the read model and capacity reports from sync-ups,
picks a cell for each build and reschedules failed builds to another cell.

It is also the *site* of instances saved at the top: such a save writes the read model and
sends the change down to the instance's cell.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from cellgate.cloud.cells.router import CellRouter
from cellgate.cloud.cells.scheduler import CellScheduler
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.objects.base import utcnow
from cellgate.cloud.objects.instance import CHILD_OWNED, TOP_OWNED, Instance

LOG = logging.getLogger(__name__)
API_CELL = "api"

# task_state marks the top sets before sending an action down, and the message to resend.
TASK_MESSAGES = {"deleting": "delete_instance", "rebooting": "reboot_instance",
                 "rebooting_hard": "reboot_instance", "powering-off": "stop_instance",
                 "powering-on": "start_instance"}


class ApiCellService:
    """The API cell's message handlers and its cell-level scheduling."""

    def __init__(self, store: ApiStore, cell_names: list[str]) -> None:
        self.store = store
        self.cell_names = list(cell_names)
        self.router: CellRouter | None = None
        self.scheduler = CellScheduler()
        self._heal_stop: threading.Event | None = None
        self._heal_thread: threading.Thread | None = None

    def attach(self, router: CellRouter) -> None:
        """Give the service its router (the endpoint needs the service first)."""
        self.router = router

    # -- the site of instances saved at the top ---------------------------------------

    def save_instance(self, instance: Instance, changes: set[str]) -> None:
        """Write the read model (sequence unchanged) and send user changes down."""
        instance._data["updated_at"] = utcnow()
        data = instance.obj_data()
        written = {k: data[k] for k in changes | {"updated_at"}}
        if self.store.instances.update_fields(instance.uuid, written) is None:
            self.store.instances.put(data)
        down = {k: data[k] for k in changes if k not in CHILD_OWNED}
        if down and instance.cell_name and not instance.deleted:
            self.router.cast(instance.cell_name, "instance_update",
                             {"uuid": instance.uuid, "changes": down})

    def load(self, uuid: str) -> Instance | None:
        """The read model's copy of an instance, bound to this site."""
        data = self.store.instances.get(uuid)
        return Instance.obj_from_data(data).bind(self) if data else None

    # -- sending work down --------------------------------------------------------------

    def build(self, instance: Instance, request_id: str | None,
              tried_cells: list[str] = (), *, cell: str | None = None) -> None:
        """Pick a cell for ``instance`` (or use ``cell``), write it to the read model and cast
        the build, whole flavor included."""
        if cell is None and instance.requested_host:
            cell = next((h["cell_name"] for h in self.store.capacity.hosts()
                         if h["host"] == instance.requested_host), None)
        if cell is None:
            cell = self.scheduler.rank(self.store.capacity.hosts(), self.cell_names,
                                       instance.flavor, instance.requested_availability_zone,
                                       exclude=tried_cells)[0]
        instance._data["cell_name"] = cell
        self.store.instances.put(instance.obj_data())
        self.router.cast(cell, "build_instance", {
            "instance": instance.obj_to_primitive(), "request_id": request_id,
            "tried_cells": list(tried_cells)})

    def send(self, instance: Instance, method: str, payload: dict[str, Any]) -> None:
        """Cast an action for ``instance`` to its cell."""
        self.router.cast(instance.cell_name, method, {"uuid": instance.uuid, **payload})

    # -- handlers of messages coming up -----------------------------------------------

    def msg_instance_sync(self, payload: dict[str, Any]) -> bool:
        """Apply a child cell's copy of an instance to the read model (guarded)."""
        data = payload["instance"]["cellgate_object.data"]
        applied = self.store.instances.apply_sync(data, heal=bool(payload.get("heal")))
        if not applied:
            LOG.debug("read model refused sync of %s seq %s", data["uuid"], data["sync_seq"])
        return applied

    def msg_capacity_report(self, payload: dict[str, Any]) -> None:
        """Store the hosts and services a cell reports."""
        self.store.capacity.save_report(payload["cell"], payload["hosts"], payload["services"])

    def msg_action_event(self, payload: dict[str, Any]) -> None:
        """Record an instance action event reported by a cell."""
        self.store.actions.add_event(**payload)

    def msg_build_failed(self, payload: dict[str, Any]) -> None:
        """A cell could not build: try a cell not tried yet, else bury it in ERROR."""
        instance = Instance.obj_from_primitive(payload["instance"])
        tried = payload["tried_cells"]
        top = self.load(instance.uuid)
        if top is not None and (top.deleted or top.task_state == "deleting"):
            # deleted while building: nothing left to build or bury
            now = utcnow()
            top.vm_state, top.task_state, top.deleted = "deleted", None, True
            top.deleted_at = top.terminated_at = now
            self.store.instances.put(top.obj_data())
            return
        if top is not None:  # keep what users changed at the top meanwhile
            for key in TOP_OWNED:
                instance._data[key] = top._data[key]
        remaining = [c for c in self.cell_names if c not in tried]
        if remaining:
            LOG.info("rescheduling %s away from %s: %s", instance.uuid, tried,
                     payload["reason"])
            self.build(instance, payload.get("request_id"), tried)
            return
        action = (self.store.actions.get(instance.uuid, payload["request_id"])
                  if payload.get("request_id") else None)
        if action is not None and not action["events"]:
            # no host ever tried it: Nova's conductor records the scheduling failure
            now = time.time()
            self.store.actions.add_event(
                instance_uuid=instance.uuid, request_id=payload["request_id"],
                event="conductor_schedule_and_build_instances", start_time=now,
                finish_time=now, result="Error", host=None, traceback=payload["reason"],
                details=payload["reason"])
        self.router.cast(tried[-1], "bury_instance", {"instance": payload["instance"],
                                                      "reason": payload["reason"]})

    def msg_instance_missing(self, payload: dict[str, Any]) -> None:
        """A cell lacks an instance the top sent work for: a pending delete is done (there
        is nothing left to delete); anything else is an inconsistency to log loudly."""
        instance = self.load(payload["uuid"])
        if instance is None or instance.cell_name != payload["cell"]:
            return
        if instance.task_state == "deleting":
            now = utcnow()
            instance.vm_state, instance.task_state, instance.deleted = "deleted", None, True
            instance.deleted_at = instance.terminated_at = now
            self.store.instances.put(instance.obj_data())
            return
        LOG.error("cell %s has no instance %s that the read model places there",
                  payload["cell"], payload["uuid"])
        if instance.task_state is not None:  # the action cannot happen: do not leave it pending
            instance.task_state = None
            self.store.instances.put(instance.obj_data())

    # -- healing and recovery ---------------------------------------------------------

    def start_heal_task(self, interval: float) -> None:
        """Run heal() every ``interval`` seconds on a thread of its own until stop_heal_task()."""
        self.stop_heal_task()
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(interval):
                try:
                    fixed = self.heal(timeout=max(interval, 5.0))
                    if fixed:
                        LOG.info("heal task re-synced %d instance(s)", fixed)
                except Exception:  # keep healing after a cell timed out once
                    LOG.exception("heal task failed")

        self._heal_stop = stop
        self._heal_thread = threading.Thread(target=loop, name="api-heal", daemon=True)
        self._heal_thread.start()

    def stop_heal_task(self) -> None:
        """Stop the periodic heal (no-op when none runs)."""
        if self._heal_stop is not None:
            self._heal_stop.set()
            self._heal_thread.join(timeout=10)
            self._heal_stop = self._heal_thread = None

    def heal(self, timeout: float = 30.0) -> int:
        """Re-sync every instance the top has wrong or lacks; returns how many changed.

        Must not run on a cell worker thread (it waits for the cells' replies).
        """
        fixed = 0
        for _cell, primitives in self.router.call_all("list_instances", {},
                                                      timeout=timeout).items():
            for primitive in primitives:
                fixed += self.store.instances.apply_sync(primitive["cellgate_object.data"],
                                                         heal=True)
        return fixed

    def heal_instance(self, uuid: str) -> bool:
        """On-demand sync of one instance from its cell; True if the read model changed."""
        data = self.store.instances.get(uuid)
        if data is None or not data.get("cell_name"):
            return False
        primitive = self.router.call(data["cell_name"], "get_instance", {"uuid": uuid})
        if primitive is None:
            return False
        return self.store.instances.apply_sync(primitive["cellgate_object.data"], heal=True)

    def refresh_capacity(self, timeout: float = 30.0) -> None:
        """Ask every cell for its capacity report and store it (waits for the replies)."""
        self.store.capacity.forget_cells_except([API_CELL, *self.cell_names])
        for cell, report in self.router.call_all("report_capacity", {},
                                                 timeout=timeout).items():
            self.store.capacity.save_report(cell, report["hosts"], report["services"],
                                            full=True)

    def recover(self) -> int:
        """Finish work a crash left behind: resend builds and in-flight actions.

        A build whose message was lost is sent again with the whole instance the read model
        holds (flavor included), so it ends ACTIVE or ERROR, never stuck in BUILD.
        """
        resent = 0
        for data in self.store.instances.unfinished():
            instance = Instance.obj_from_data(data).bind(self)
            # the action being finished (newest first), so its events land where they belong
            actions = self.store.actions.list(instance.uuid)
            request_id = actions[0]["request_id"] if actions else None
            known_cell = instance.cell_name in self.cell_names
            if instance.vm_state == "building":
                # a cell that left the topology cannot finish it: schedule it afresh
                self.build(instance, request_id,
                           cell=instance.cell_name if known_cell else None)
                resent += 1
            elif not known_cell:
                LOG.error("instance %s lives in cell %r, which the topology no longer has",
                          instance.uuid, instance.cell_name)
            elif instance.task_state in TASK_MESSAGES:
                self.send(instance, TASK_MESSAGES[instance.task_state],
                          {"request_id": request_id, "reboot_type":
                           "HARD" if instance.task_state == "rebooting_hard" else "SOFT"})
                resent += 1
        return resent
