"""ApiCellService: the API cell: keeps the read model and capacity reports from sync-ups,
picks a cell for each build and reschedules failed builds to another cell.

It is also the *site* of instances saved at the top: such a save writes the read model and
sends the change down to the instance's cell.

A delete always wins: the read model's delete mark (task_state 'deleting', then deleted) is a
tombstone that a reschedule checks before it moves a build to another cell (one
compare-and-swap, so either the move or the delete comes first, never both), and a sync-up of
a live copy of a deleted instance makes the cell that holds it delete it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from cellgate.cloud.cells.cross_cell import CrossCellMoveMethods
from cellgate.cloud.cells.group_filters import GroupPlacer
from cellgate.cloud.cells.health import DOWN, HealthPolicy
from cellgate.cloud.cells.host_filters import HostRequest, passing_hosts
from cellgate.cloud.cells.ordering import status_advances
from cellgate.cloud.cells.router import CellRouter
from cellgate.cloud.cells.scheduler import (
    MAX_ATTEMPTS,
    NO_VALID_HOST,
    CellCandidate,
    CellScheduler,
    schedulable,
)
from cellgate.cloud.cells.sync import SyncReport, changed_fields, wanted
from cellgate.cloud.cells.zones import host_zones
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.objects.base import utcnow
from cellgate.cloud.objects.instance import CHILD_OWNED, TOP_OWNED, Instance

LOG = logging.getLogger(__name__)
API_CELL = "api"

# task_state marks the top sets before sending an action down, and the message to resend.
TASK_MESSAGES = {"deleting": "delete_instance", "rebooting": "reboot_instance",
                 "rebooting_hard": "reboot_instance", "powering-off": "stop_instance",
                 "powering-on": "start_instance", "pausing": "pause_instance",
                 "unpausing": "unpause_instance", "suspending": "suspend_instance",
                 "resuming": "resume_instance", "rebuilding": "rebuild_instance",
                 "shelving": "shelve_instance", "shelving_offloading": "shelve_offload_instance",
                 "unshelving": "unshelve_instance"}

# Messages down that choose a host: they carry the placement (candidate_hosts, host_zones).
PLACED_METHODS = frozenset({"build_instance", "resize_instance", "unshelve_instance"})


class ApiCellService(CrossCellMoveMethods):
    """The API cell's message handlers and its cell-level scheduling (cross-cell moves:
    ``cells/cross_cell.py``)."""

    def __init__(self, store: ApiStore, cell_names: list[str],
                 health: HealthPolicy | None = None) -> None:
        self.store = store
        self.cell_names = list(cell_names)
        self.router: CellRouter | None = None
        self.scheduler = CellScheduler()
        self.health = health or HealthPolicy()
        # cells that could not be started (their database did not open): never asked
        self.unreachable: set[str] = set()
        self.groups = GroupPlacer(store.server_groups)
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

    def swap_instance(self, uuid: str, change: Any, *, vm_states: Any = None,
                      task_states: Any = None) -> tuple[dict | None, dict | None]:
        """Compare-and-swap ``change`` onto the read model (see InstanceReadModel.swap), then
        send the user-owned fields it wrote down to the instance's cell."""
        written: dict[str, Any] = {}

        def stamped(data: dict[str, Any]) -> dict[str, Any] | None:
            fields = change(data)
            written.clear()
            written.update(fields or {})
            return None if fields is None else {**fields, "updated_at": utcnow().isoformat()}
        before, after = self.store.instances.swap(uuid, stamped, vm_states=vm_states,
                                                  task_states=task_states)
        down = {k: v for k, v in written.items() if k not in CHILD_OWNED}
        if after is not None and down and after.get("cell_name"):
            self.router.cast(after["cell_name"], "instance_update",
                             {"uuid": uuid, "changes": down})
        return before, after

    def load(self, uuid: str) -> Instance | None:
        """The read model's copy of an instance, bound to this site."""
        data = self.store.instances.get(uuid)
        return Instance.obj_from_data(data).bind(self) if data else None

    # -- sending work down --------------------------------------------------------------

    def build(self, instance: Instance, request_id: str | None, *,
              cell: str | None = None) -> None:
        """Pick a cell for ``instance`` (or use ``cell``), write it to the read model and cast
        the build, whole flavor included. When no cell may take it (none up, enabled and
        with a host that passes the API cell's filters, the group's policy and a free slot)
        it ends in ERROR at the top, in no cell (Nova's cell0)."""
        candidates = None
        if cell is None:
            cell, candidates = self._pick_cell(instance, [])
        else:  # resent as it was: to the host it was placed on, if any
            placed = self.store.server_groups.placed_host(instance.uuid)
            candidates = [placed] if placed else None
        instance._data["cell_name"] = cell
        if cell is None:
            self._bury_at_top(instance, request_id, NO_VALID_HOST)
            return
        self.store.instances.put(instance.obj_data())
        self._cast_build(instance, request_id, [], 0, candidates)

    # -- the cells: registry, health, choice ----------------------------------------------

    def cell_states(self, now: float | None = None) -> dict[str, str]:
        """``{cell: 'up'|'stale'|'down'}`` of every registered cell, from when it last
        reported."""
        now = time.time() if now is None else now
        return {c.name: self.health.state(c.last_report_at, now)
                for c in self.store.cells.list() if c.name in self.cell_names}

    def down_cells(self) -> set[str]:
        """Cells that stopped reporting (their servers show as from a down cell)."""
        return {name for name, state in self.cell_states().items() if state == DOWN}

    def service_down(self, service: dict[str, Any], now: float | None = None) -> bool:
        """Whether a reported service is down: forced down, or its cell stopped reporting
        it (Nova's service_down_time)."""
        now = time.time() if now is None else now
        return bool(service.get("forced_down")) or \
            self.health.state(service.get("reported_at"), now) == DOWN

    def _candidates(self) -> list[CellCandidate]:
        now = time.time()
        return [CellCandidate(name=c.name, disabled=c.disabled, weight_offset=c.weight_offset,
                              health=self.health.state(c.last_report_at, now))
                for c in self.store.cells.list() if c.name in self.cell_names]

    def placement(self, instance: Instance, cell: str,
                  flavor: dict[str, Any] | None = None) -> dict[str, Any]:
        """What a message choosing a host in ``cell`` carries: ``host_zones`` (the zone of
        each of the cell's hosts) and ``candidate_hosts`` (the hosts that pass the API cell's
        filters), the latter left out when every host passes or a host is forced."""
        hosts = [h for h in self.store.capacity.hosts() if h.get("cell_name") == cell]
        aggregates = self.store.aggregates.list()
        extra: dict[str, Any] = {"host_zones": host_zones(hosts, aggregates)}
        if not instance.requested_host:
            passing = passing_hosts(hosts, self._host_request(instance, flavor, aggregates))
            if len(passing) < len(hosts):
                extra["candidate_hosts"] = sorted(h["host"] for h in passing)
        return extra

    @staticmethod
    def _host_request(instance: Instance, flavor: dict[str, Any] | None,
                      aggregates: list[dict[str, Any]]) -> HostRequest:
        return HostRequest(flavor=flavor or instance.flavor, project_id=instance.project_id,
                           zone=instance.requested_availability_zone, aggregates=aggregates)

    def _pick_cell(self, instance: Instance, tried_cells: list[str],
                   exclude_hosts: Sequence[str] = ()) -> tuple[str | None, list[str] | None]:
        """The cell for a build and the host names it may use there (None: any host that
        passes the API cell's filters); (None, None) when no cell may take it. A forced
        host's cell as it is; the placement of a server group member or hinted build leaves
        out ``exclude_hosts`` and claims its host (group_filters)."""
        if instance.requested_host:  # forced by an admin: that host's cell
            cell = next((h["cell_name"] for h in self.store.capacity.hosts()
                         if h["host"] == instance.requested_host), None)
            if cell is not None:
                return (None if cell in tried_cells else cell), None
        target, different = self.store.cells.request_spec(instance.uuid)
        hosts = schedulable(self.store.capacity.hosts(), self.store.capacity.services())
        hosts = passing_hosts(hosts, self._host_request(instance, None,
                                                        self.store.aggregates.list()))

        def rank(some: list[dict[str, Any]]) -> list[str]:
            return self.scheduler.choose(some, self._candidates(), instance.flavor,
                                         exclude=[*tried_cells, *different], only=target,
                                         reserve_percent=self.health.reserve_percent)
        placed = self.groups.place(  # server group / host hints
            instance, [h for h in hosts if h["host"] not in exclude_hosts], rank)
        if placed is not None:
            return (placed[0], placed[1]) if placed[0] and placed[1] else (None, None)
        ranked = rank(hosts)
        return (ranked[0] if ranked else None), None

    def _bury_at_top(self, instance: Instance, request_id: str | None, reason: str) -> None:
        """No cell may build ``instance``: ERROR in the read model, in no cell, with the
        conductor's scheduling event (as Nova buries it in cell0)."""
        now = utcnow()
        instance._data.update(cell_name=None, vm_state="error", task_state=None, host=None,
                              node=None, fault={"code": 500, "message": reason,
                                                "details": reason, "created": now.isoformat()},
                              updated_at=now)
        self.store.instances.put(instance.obj_data())
        if request_id:
            stamp = time.time()
            self.store.actions.add_event(
                instance_uuid=instance.uuid, request_id=request_id,
                event="conductor_schedule_and_build_instances", start_time=stamp,
                finish_time=stamp, result="Error", host=None, traceback=reason,
                details=reason)

    def _cast_build(self, instance: Instance, request_id: str | None, tried_cells: list[str],
                    attempts: int, candidates: list[str] | None = None,
                    tried_hosts: Sequence[str] = ()) -> None:
        payload = {"instance": instance.obj_to_primitive(), "request_id": request_id,
                   "tried_cells": list(tried_cells), "attempts": attempts}
        if candidates is not None:  # the child picks only among these hosts
            payload["candidate_hosts"] = list(candidates)
        if tried_hosts:  # hosts a placed build failed on (the child adds its own)
            payload["tried_hosts"] = list(tried_hosts)
        self.send(instance, "build_instance", payload)

    def _reschedule(self, instance: Instance, request_id: str | None, tried_cells: list[str],
                    attempts: int, placement: tuple[str, list[str] | None],
                    tried_hosts: Sequence[str] = ()) -> bool:
        """Move a failed build to ``placement`` (cell, candidate hosts or None), unless a
        delete got in first (then False).

        The move is a compare-and-swap on the read model, so a delete either comes first
        (the move is refused) or sees the new cell and is sent there.
        """
        cell, candidates = placement
        data = instance.obj_data()

        def move(top: dict[str, Any]) -> dict[str, Any] | None:
            if top.get("task_state") == "deleting":
                return None
            # keep what users changed at the top meanwhile
            return {**data, **{k: top[k] for k in TOP_OWNED if k in top}, "cell_name": cell}
        _before, after = self.store.instances.swap(instance.uuid, move)
        if after is None:
            return False
        self._cast_build(Instance.obj_from_data(after), request_id, tried_cells, attempts,
                         candidates, tried_hosts)
        return True

    def _mark_deleted(self, uuid: str) -> None:
        """Finish a delete that no cell has left to do (the instance is in no cell)."""
        now = utcnow().isoformat()
        self.store.server_groups.forget_instance(uuid)
        self.store.instances.swap(uuid, lambda _top: {
            "vm_state": "deleted", "task_state": None, "deleted": True, "deleted_at": now,
            "terminated_at": now, "updated_at": now})

    def send(self, instance: Instance, method: str, payload: dict[str, Any]) -> None:
        """Cast an action for ``instance`` to its cell (one that chooses a host carries the
        placement, see ``placement``); a delete of an instance in no cell (buried at the top)
        is done here."""
        if not instance.cell_name:
            if method == "delete_instance":
                self._mark_deleted(instance.uuid)
            else:  # no host to do it: the action ends with nothing done, as in a cell
                LOG.warning("instance %s is in no cell: %s not done", instance.uuid, method)
                self.store.instances.swap(instance.uuid, lambda _top: {"task_state": None})
            return
        if method in PLACED_METHODS:
            # a group's or hint's candidates (already within the filters) win
            payload = {**self.placement(instance, instance.cell_name, payload.get("flavor")),
                       **payload}
        self.router.cast(instance.cell_name, method, {"uuid": instance.uuid, **payload})

    def call(self, cell: str, method: str, payload: dict[str, Any]) -> Any:
        """Ask one cell and wait for its answer (admin changes to a cell's services)."""
        return self.router.call(cell, method, payload)

    # -- handlers of messages coming up -----------------------------------------------

    def msg_instance_sync(self, payload: dict[str, Any]) -> bool:
        """Apply a child cell's copy of an instance to the read model (guarded)."""
        data = payload["instance"]["cellgate_object.data"]
        return self._apply_sync(data, heal=bool(payload.get("heal")))

    def _apply_sync(self, data: dict[str, Any], *, heal: bool) -> bool:
        """Apply a cell's copy; a live copy of an instance the top has deleted (a build that
        reached a cell after the delete won) is deleted in that cell, freeing its host."""
        if data.get("deleted"):  # gone: it leaves its server group (before anyone sees it)
            self.store.server_groups.forget_instance(data["uuid"])
        applied = self.store.instances.apply_sync(data, heal=heal)
        if not applied:
            LOG.debug("read model refused sync of %s seq %s", data["uuid"], data["sync_seq"])
            top = None if data.get("deleted") else self.store.instances.get(data["uuid"])
            if top is not None and top.get("deleted") and data.get("cell_name"):
                LOG.info("cell %s holds deleted instance %s: deleting it there",
                         data["cell_name"], data["uuid"])
                self.router.cast(data["cell_name"], "delete_instance", {"uuid": data["uuid"]})
        return applied

    def msg_capacity_report(self, payload: dict[str, Any]) -> None:
        """Store the hosts and services a cell reports."""
        self.store.capacity.save_report(payload["cell"], payload["hosts"], payload["services"],
                                        full=bool(payload.get("full")),
                                        at=payload.get("reported_at"))
        self.store.cells.record_report(payload["cell"], payload.get("reported_at"))

    def msg_action_event(self, payload: dict[str, Any]) -> None:
        """Record an instance action event reported by a cell."""
        self.store.actions.add_event(**payload)

    def msg_migration_update(self, payload: dict[str, Any]) -> None:
        """Apply a migration record's change reported by a cell, unless it would move the
        status backwards (a late or repeated report: see ordering.status_advances)."""
        current = self.store.migrations.get(payload["uuid"])
        if current is not None and not status_advances(current.get("status"),
                                                       payload["changes"].get("status")):
            LOG.info("migration %s: kept status %s over a late %s", payload["uuid"],
                     current.get("status"), payload["changes"].get("status"))
            return
        self.store.migrations.update(payload["uuid"], **payload["changes"])

    def msg_build_failed(self, payload: dict[str, Any]) -> None:
        """A cell could not build: try a cell not tried yet, else bury it in ERROR.

        A forced host lives in one cell, and MAX_ATTEMPTS counts hosts tried in every cell:
        past either, the build ends in ERROR (never a loop).
        """
        instance = Instance.obj_from_primitive(payload["instance"])
        tried = payload["tried_cells"]
        attempts = int(payload.get("attempts") or 0)
        top = self.store.instances.get(instance.uuid)
        if top is None or top.get("deleted") or top.get("task_state") == "deleting":
            # deleted while building: nothing left to build or bury
            self._mark_deleted(instance.uuid)
            return
        placement, tried_hosts = None, list(payload.get("tried_hosts") or [])
        if not instance.requested_host and attempts < MAX_ATTEMPTS:
            # a group member or hinted build may go to any host not tried yet, in any cell;
            # another build to a cell not tried yet
            placement = self._pick_cell(instance, [], tried_hosts) \
                if self.groups.wants_placement(instance) else self._pick_cell(instance, tried)
        if placement is not None and placement[0] is not None:
            LOG.info("rescheduling %s away from %s to %s: %s", instance.uuid, tried,
                     placement[0], payload["reason"])
            if not self._reschedule(instance, payload.get("request_id"), tried, attempts,
                                    placement, tried_hosts):
                self._mark_deleted(instance.uuid)
            return
        self._no_valid_host(payload["instance"], payload.get("request_id"), tried[-1],
                            payload["reason"])

    def _no_valid_host(self, primitive: dict[str, Any], request_id: str | None, cell: str,
                       reason: str) -> None:
        """Bury a build no cell can take in ``cell``, in ERROR with ``reason``; when no host
        ever tried it, Nova's conductor event records the scheduling failure."""
        uuid = primitive["cellgate_object.data"]["uuid"]
        action = self.store.actions.get(uuid, request_id) if request_id else None
        if action is not None and not action["events"]:
            now = time.time()
            self.store.actions.add_event(
                instance_uuid=uuid, request_id=request_id,
                event="conductor_schedule_and_build_instances", start_time=now,
                finish_time=now, result="Error", host=None, traceback=reason,
                details=reason)
        self.store.server_groups.release(uuid)  # it holds no host in ERROR
        self.router.cast(cell, "bury_instance", {"instance": primitive, "reason": reason})

    def msg_instance_missing(self, payload: dict[str, Any]) -> None:
        """A cell lacks an instance the top sent work for: a pending delete is done (there
        is nothing left to delete); anything else is an inconsistency to log loudly."""
        instance = self.load(payload["uuid"])
        if instance is None or instance.deleted or instance.cell_name != payload["cell"]:
            return
        if instance.task_state == "deleting":
            self._mark_deleted(instance.uuid)
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
        return len(self.sync(timeout=timeout).repaired)

    def sync(self, *, project_id: str | None = None, changed_since: float | None = None,
             timeout: float = 30.0) -> SyncReport:
        """Re-sync the instances of every cell that is not down (of ``project_id``, changed
        at or after ``changed_since``, epoch seconds) to the read model; see cells/sync.py.
        Cells that are down or do not answer are reported, never waited for twice.

        Must not run on a cell worker thread (it waits for the cells' replies).
        """
        report = SyncReport()
        down = self.down_cells()
        for cell in self.cell_names:
            if cell in down:
                report.cells[cell] = (f"down: not reported for {self.health.down_after:g} s "
                                      "or more")
        asked = [c for c in self.cell_names if c not in down and c not in self.unreachable]
        answers = self.router.call_all("list_instances", {}, timeout=timeout, cells=asked)
        for cell, error in answers.errors.items():
            report.cells[cell] = f"no answer: {error}"
        for cell, primitives in answers.items():
            report.cells[cell] = "ok"
            for primitive in primitives:
                data = primitive["cellgate_object.data"]
                if not wanted(data, project_id, changed_since):
                    continue
                report.checked += 1
                before = self.store.instances.get(data["uuid"])
                if self._apply_sync(data, heal=True):
                    report.repaired.append({
                        "uuid": data["uuid"], "cell": cell,
                        "fields": changed_fields(before, self.store.instances.get(data["uuid"]))})
        return report

    def heal_instance(self, uuid: str) -> bool:
        """On-demand sync of one instance from its cell; True if the read model changed."""
        data = self.store.instances.get(uuid)
        if data is None or not data.get("cell_name"):
            return False
        primitive = self.router.call(data["cell_name"], "get_instance", {"uuid": uuid})
        if primitive is None:
            return False
        return self._apply_sync(primitive["cellgate_object.data"], heal=True)

    def refresh_capacity(self, timeout: float = 30.0) -> None:
        """Ask every cell for its capacity report and store it (waits for the replies)."""
        self.store.capacity.forget_cells_except([API_CELL, *self.cell_names])
        answers = self.router.call_all(
            "report_capacity", {}, timeout=timeout,
            cells=[c for c in self.cell_names if c not in self.unreachable])
        for cell, report in answers.items():
            self.store.capacity.save_report(cell, report["hosts"], report["services"],
                                            full=True)
            self.store.cells.record_report(cell)
        for cell, error in answers.errors.items():
            LOG.error("cell %s did not report its capacity: %s", cell, error)

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
            if instance.task_state == "deleting":
                # a delete wins over a build in flight (a cell without it says so); in a
                # cell the topology no longer has, there is nothing left to delete
                if known_cell:
                    self.send(instance, "delete_instance", {"request_id": request_id})
                else:
                    self._mark_deleted(instance.uuid)
                resent += 1
            elif instance.vm_state == "building":
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
        return resent + self.recover_moves()
