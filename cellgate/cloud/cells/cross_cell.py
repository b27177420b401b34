"""The API cell's side of a cross-cell resize or cold migration (Nova's super-conductor role).

Part of ApiCellService (needs ``store``, ``router``, ``scheduler``, ``cell_names``). Cells
only talk to the API cell, which carries each step and alone decides who owns the instance:

1. the source cell finds no host of its own (or an admin named a host of another cell) and
   sends the whole instance object up (``cross_cell_move``);
2. the API cell picks a destination cell (the admin's host's, else by free slots) and sends it
   the object with the next owner generation (``cross_cell_prep_dest``);
3. the destination claims and spawns it with the new flavor and reports its copy
   (``cross_cell_dest_ready``), or why it could not (``cross_cell_dest_failed``: the record
   goes to ``error`` and the source copy, untouched, is ACTIVE again);
4. the API cell hands ownership over in one compare-and-swap of the read model (owning cell
   and generation together, so a late sync-up of the old copy is fenced out, see
   ``owner_fenced_out``), unless a delete got in first (then the destination's copy goes).

Confirm cleans the source first (``cross_cell_confirm_source``), then the owner ends ACTIVE;
revert drops the destination's copy (``cross_cell_revert_dest``), hands ownership back to the
source (next generation) and lets it power the old guest on (``cross_cell_revert_source``).
``recover_moves`` finishes or rolls back what a crash cut short.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from cellgate.cloud.cells.scheduler import NO_VALID_HOST, schedulable
from cellgate.cloud.cells.zones import host_zones
from cellgate.cloud.objects.instance import TOP_OWNED

LOG = logging.getLogger(__name__)

MOVE_TASKS = frozenset({"resize_prep", "resize_migrating", "resize_migrated"})
UNFINISHED = frozenset({"pre-migrating", "migrating", "post-migrating", "finished"})


def _gen(data: dict[str, Any]) -> int:
    return int(data.get("owner_gen") or 0)


def _user_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in TOP_OWNED if k in data}


class CrossCellMoveMethods:
    """Message handlers and recovery of cross-cell moves, in the API cell."""

    cross_cell_policy = "!"  # the topology's cross_cell_resize_policy (Nova's default)

    def _event_now(self, uuid: str, request_id: str | None, event: str, start: float,
                   result: str, details: str | None = None) -> None:
        if request_id:
            self.store.actions.add_event(
                instance_uuid=uuid, request_id=request_id, event=event, start_time=start,
                finish_time=time.time(), result=result, host=None,
                traceback=details if result == "Error" else None, details=details)

    def _pick_dest_cell(self, source: str, flavor: dict[str, Any],
                        zone: str | None) -> str | None:
        """The best other cell with a free slot for ``flavor`` in ``zone`` (of the cells the
        scheduler may choose: enabled, up), or None."""
        hosts = schedulable(self.store.capacity.hosts(), self.store.capacity.services())
        if zone:
            zones = host_zones(hosts, self.store.aggregates.list())
            hosts = [h for h in hosts if zones.get(h["host"]) == zone]
        ranked = self.scheduler.choose(hosts, self._candidates(), flavor, exclude=[source])
        return ranked[0] if ranked else None

    def _move_failed(self, uuid: str, migration_uuid: str, request_id: str | None,
                     start: float, reason: str, source_cell: str) -> None:
        self.store.migrations.update(migration_uuid, status="error")
        self._event_now(uuid, request_id, "conductor_migrate_server", start, "Error", reason)
        self.router.cast(source_cell, "move_abort", {"uuid": uuid,
                                                     "migration_uuid": migration_uuid})

    def msg_cross_cell_move(self, payload: dict[str, Any]) -> None:
        """The source cell asks to move an instance out: pick a cell, send the object on."""
        data = payload["instance"]["cellgate_object.data"]
        uuid, source = data["uuid"], data["cell_name"]
        start = payload.get("start") or time.time()
        top = self.store.instances.get(uuid)
        if top is None or top.get("deleted") or top.get("task_state") == "deleting":
            self.store.migrations.update(payload["migration_uuid"], status="error")
            return  # deleted meanwhile: the delete went to the source, nothing to move
        dest = payload.get("host_cell") or self._pick_dest_cell(
            source, payload["flavor"], data.get("requested_availability_zone"))
        if dest is None or dest == source or dest not in self.cell_names:
            self._move_failed(uuid, payload["migration_uuid"], payload.get("request_id"),
                              start, NO_VALID_HOST, source)
            return
        self.router.cast(dest, "cross_cell_prep_dest", {
            "instance": payload["instance"], "owner_gen": _gen(top) + 1,
            "migration_uuid": payload["migration_uuid"], "flavor": payload["flavor"],
            "host": payload.get("host"), "request_id": payload.get("request_id"),
            "start": start})

    def msg_cross_cell_dest_failed(self, payload: dict[str, Any]) -> None:
        """No host of the destination cell could take it: the move fails, the source keeps
        the instance as it was."""
        self._move_failed(payload["uuid"], payload["migration_uuid"], payload.get("request_id"),
                          payload.get("start") or time.time(), payload["reason"],
                          payload["source_cell"])

    def msg_cross_cell_dest_ready(self, payload: dict[str, Any]) -> None:
        """The destination holds a resized copy: hand ownership over (one compare-and-swap
        of the read model), unless a delete came first; then let the source power off."""
        data = payload["instance"]["cellgate_object.data"]
        uuid, source, gen = data["uuid"], payload["source_cell"], _gen(data)
        migration_uuid, request_id = payload["migration_uuid"], payload.get("request_id")
        start = payload.get("start") or time.time()
        migration = self.store.migrations.get(migration_uuid) or {}
        if migration.get("status") in ("finished", "error"):  # redelivered
            return
        for event in ("conductor_migrate_server", "cold_migrate"):
            self._event_now(uuid, request_id, event, start, "Success")
        self.store.migrations.update(migration_uuid, status="finished")

        def hand_over(top: dict[str, Any]) -> dict[str, Any] | None:
            if (top.get("task_state") == "deleting" or top.get("cell_name") != source
                    or _gen(top) != gen - 1):
                return None
            return {**data, **_user_fields(top)}
        _before, after = self.store.instances.swap(uuid, hand_over)
        if after is None:
            LOG.info("cross-cell move of %s to %s abandoned: deleted meanwhile", uuid,
                     data["cell_name"])
            self.store.migrations.update(migration_uuid, status="error")
            self.router.cast(data["cell_name"], "cross_cell_discard",
                             {"uuid": uuid, "owner_gen": gen})
            return
        self.router.cast(source, "cross_cell_source_moved", {
            "uuid": uuid, "migration_uuid": migration_uuid, "request_id": request_id})
        changed = {k: v for k, v in _user_fields(after).items() if data.get(k) != v}
        if changed:  # what users changed at the top while the copy was being built
            self.router.cast(after["cell_name"], "instance_update",
                             {"uuid": uuid, "changes": changed})

    def msg_cross_cell_source_confirmed(self, payload: dict[str, Any]) -> None:
        """The source has cleaned up: the owning cell finishes the confirm."""
        top = self.store.instances.get(payload["uuid"])
        if top is None or top.get("deleted"):
            return
        self.router.cast(top["cell_name"], "confirm_resize", {
            "uuid": payload["uuid"], "migration_uuid": payload["migration_uuid"],
            "request_id": payload.get("request_id")})

    def msg_cross_cell_dest_reverted(self, payload: dict[str, Any]) -> None:
        """The destination dropped its copy: ownership goes back to the source cell (next
        generation), which powers the old guest on; a delete that came first wins."""
        uuid, migration_uuid = payload["uuid"], payload["migration_uuid"]
        migration = self.store.migrations.get(migration_uuid)
        if migration is None:
            return
        source = migration["cell_name"]

        def give_back(top: dict[str, Any]) -> dict[str, Any] | None:
            if top.get("task_state") == "deleting" or top.get("cell_name") == source:
                return None
            return {"cell_name": source, "owner_gen": _gen(top) + 1, "sync_seq": 0}
        before, after = self.store.instances.swap(uuid, give_back)
        if after is None and before is not None and before.get("cell_name") == source \
                and not before.get("deleted") and before.get("task_state") != "deleting":
            after = before  # redelivered: given back already
        if after is None:
            self.router.cast(source, "delete_instance", {"uuid": uuid})
            return
        self.router.cast(source, "cross_cell_revert_source", {
            "uuid": uuid, "migration_uuid": migration_uuid,
            "request_id": payload.get("request_id"), "owner_gen": _gen(after),
            "changes": _user_fields(after)})

    def msg_cross_cell_forget(self, payload: dict[str, Any]) -> None:
        """An owner was deleted mid-move: the other cell's copy goes too."""
        if payload["cell"] in self.cell_names:
            self.router.cast(payload["cell"], "cross_cell_discard",
                             {"uuid": payload["uuid"], "owner_gen": payload["owner_gen"]})

    # -- recovery -----------------------------------------------------------------------

    def _request_id(self, uuid: str) -> str | None:
        actions = self.store.actions.list(uuid)
        return actions[0]["request_id"] if actions else None

    def recover_moves(self) -> int:
        """Finish or roll back moves a crash cut short; returns how many were resent.

        A move not yet handed over is rolled back (the destination's copy, if any, is
        discarded; the source keeps the instance, ACTIVE as it was); a revert or confirm is
        sent again (every step is idempotent).
        """
        resent = 0
        for data in self.store.instances.unfinished():
            task = data.get("task_state")
            if task not in MOVE_TASKS and task != "resize_reverting":
                continue
            migrations = self.store.migrations.list(instance_uuid=data["uuid"])
            if not migrations or data.get("cell_name") not in self.cell_names:
                continue
            migration, uuid = migrations[0], data["uuid"]
            if task in MOVE_TASKS and migration["status"] in UNFINISHED:
                self._roll_back(data, migration)
            elif task == "resize_reverting" and migration["status"] == "reverting":
                self._resend_revert(data, migration)
            else:
                continue
            LOG.info("recovered move %s of %s (%s)", migration["uuid"], uuid,
                     migration["status"])
            resent += 1
        for migration in self.store.migrations.list(status="confirming"):
            data = self.store.instances.get(migration["instance_uuid"])
            if data is None or data.get("deleted") or data.get("cell_name") not in \
                    self.cell_names:
                continue
            cross = data["cell_name"] != migration["cell_name"]
            self.router.cast(migration["cell_name"] if cross else data["cell_name"],
                             "cross_cell_confirm_source" if cross else "confirm_resize",
                             {"uuid": data["uuid"], "migration_uuid": migration["uuid"],
                              "request_id": self._request_id(data["uuid"])})
            resent += 1
        return resent

    def _roll_back(self, data: dict[str, Any], migration: dict[str, Any]) -> None:
        uuid, source = data["uuid"], data["cell_name"]
        self.store.migrations.update(migration["uuid"], status="error")
        for cell in self.cell_names:
            if cell != source:
                self.router.cast(cell, "cross_cell_discard",
                                 {"uuid": uuid, "owner_gen": _gen(data) + 1})
        self.router.cast(source, "move_abort", {"uuid": uuid,
                                                "migration_uuid": migration["uuid"]})

    def _resend_revert(self, data: dict[str, Any], migration: dict[str, Any]) -> None:
        uuid, request_id = data["uuid"], self._request_id(data["uuid"])
        payload = {"uuid": uuid, "migration_uuid": migration["uuid"], "request_id": request_id}
        if data["cell_name"] != migration["cell_name"]:  # the destination still owns it
            self.router.cast(data["cell_name"], "cross_cell_revert_dest", payload)
        elif _gen(data) > 0 and self._host_cell(migration["dest_compute"]) != data["cell_name"]:
            self.router.cast(data["cell_name"], "cross_cell_revert_source", {
                **payload, "owner_gen": _gen(data), "changes": _user_fields(data)})
        else:
            self.router.cast(data["cell_name"], "revert_resize", payload)

    def _host_cell(self, host: str | None) -> str | None:
        return next((h["cell_name"] for h in self.store.capacity.hosts() if h["host"] == host),
                    None)
