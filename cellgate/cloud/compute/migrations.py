"""Resize, cold migrate, confirm/revert and os-migrations: the ComputeAPI side.

The API cell creates the migration record (``pre-migrating``) and casts the move to the
server's cell, which picks another host of the cell, claims the new flavor there, and reports
the record's status up (``finished``, ``confirmed``, ``reverted``, ``error``). A move may leave
the cell when Nova's policy ``compute:servers:resize:cross_cell`` (the topology's
``cross_cell_resize_policy``) allows it for the caller: to an admin's target host in another
cell, or when no host of the cell fits (see ``cells/cross_cell.py``).
"""

from __future__ import annotations

from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.compute.query import page
from cellgate.cloud.context import RequestContext
from cellgate.cloud.objects.instance import Instance
from cellgate.cloud.topology import CROSS_CELL_POLICIES

Record = dict[str, Any]

MOVABLE_VM_STATES = {"active", "stopped"}


def cross_cell_allowed(ctx: RequestContext, policy: str) -> bool:
    """Whether ``policy`` (a check string of CROSS_CELL_POLICIES) lets the caller move a
    server to another cell, as Nova's ``compute:servers:resize:cross_cell`` rule."""
    if policy not in CROSS_CELL_POLICIES:
        raise ValueError(f"unknown cross-cell resize policy {policy!r}")
    return policy == "@" or (policy == "rule:admin_api" and ctx.is_admin)


class MigrationMethods:
    """Part of ComputeAPI (needs ``_instance``, ``_check_lock``, ``_check_state``, ``_act``,
    ``_start``, ``store``, ``get_flavor``)."""

    def _may_leave_cell(self, ctx: RequestContext) -> bool:
        """Whether the caller's moves may leave the server's cell (a cells service that
        names no policy has Nova's default: nobody)."""
        return cross_cell_allowed(ctx, getattr(self.router, "cross_cell_policy", "!"))

    def _start_move(self, ctx: RequestContext, instance: Instance, action: str,
                    flavor: Record, migration_type: str, host: str | None,
                    host_cell: str | None = None) -> None:
        old_id = self.store.flavors.internal_id(instance.flavor.get("id"))
        migration = self.store.migrations.create(
            instance_uuid=instance.uuid, cell_name=instance.cell_name,
            migration_type=migration_type, status="pre-migrating",
            source_compute=instance.host, source_node=instance.node,
            old_instance_type_id=old_id,
            new_instance_type_id=self.store.flavors.internal_id(flavor["id"]),
            user_id=ctx.user_id, project_id=ctx.project_id)
        self._act(ctx, instance, action, "resize_prep", "resize_instance",
                  {"migration_uuid": migration["uuid"], "flavor": flavor, "host": host,
                   "host_cell": host_cell,
                   "cross_cell": self._may_leave_cell(ctx)})

    def resize_server(self, ctx: RequestContext, uuid: str, flavor_ref: str) -> None:
        """Resize to another flavor (VERIFY_RESIZE on another host of the cell, or of another
        cell when none fits and the policy allows); the same flavor -> Invalid, an unknown
        one -> FlavorNotFound."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, "resize", MOVABLE_VM_STATES, {None})
        flavor = self.get_flavor(ctx, str(flavor_ref))
        if flavor["id"] == instance.flavor.get("id"):
            raise exc.Invalid("When resizing, instances must change flavor!")
        self._start_move(ctx, instance, "resize", flavor, "resize", None)

    def migrate_server(self, ctx: RequestContext, uuid: str, host: str | None = None) -> None:
        """Cold migrate (same flavor) to another host of the cell, or to ``host`` (in another
        cell when the policy allows); an unknown host, or the server's own -> Invalid."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, "migrate", MOVABLE_VM_STATES, {None})
        host_cell = None
        if host is not None:
            host_cell = next((h["cell_name"] for h in self.store.capacity.hosts()
                              if h["host"] == host), None)
            if host_cell is None or (host_cell != instance.cell_name
                                     and not self._may_leave_cell(ctx)):
                # as Nova, which looks the host up in the server's cell only unless the
                # cross-cell policy allows the move
                raise exc.Invalid(f"Compute host {host} could not be found.")
            if host == instance.host:
                raise exc.Invalid("Cannot migrate to the host where the server exists.")
        self._start_move(ctx, instance, "migrate", dict(instance.flavor), "migration", host,
                         host_cell)

    def _finished_migration(self, instance: Instance) -> Record:
        for migration in self.store.migrations.list(instance_uuid=instance.uuid):
            if migration["status"] == "finished":
                return migration
        raise exc.Invalid("Instance has not been resized.")

    def confirm_resize(self, ctx: RequestContext, uuid: str) -> None:
        """Keep the new host and flavor: the source's resources are freed. Like Nova, no task
        state is set; the record goes to ``confirming``."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, "confirmResize", {"resized"}, {None})
        migration = self._finished_migration(instance)
        self.store.migrations.update(migration["uuid"], status="confirming")
        method = "confirm_resize"
        if migration["cell_name"] != instance.cell_name:
            # a cross-cell move: the source cell cleans up first, then the owner confirms
            method = "cross_cell_confirm_source"
            instance = Instance.obj_from_data({**instance.obj_data(),
                                               "cell_name": migration["cell_name"]})
        self._start(ctx, instance, "confirmResize", method,
                    {"migration_uuid": migration["uuid"]})

    def revert_resize(self, ctx: RequestContext, uuid: str) -> None:
        """Go back to the source host and the old flavor (frees the destination)."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, "revertResize", {"resized"}, {None})
        migration = self._finished_migration(instance)
        self.store.migrations.update(migration["uuid"], status="reverting")
        cross_cell = migration["cell_name"] != instance.cell_name
        self._act(ctx, instance, "revertResize", "resize_reverting",
                  "cross_cell_revert_dest" if cross_cell else "revert_resize",
                  {"migration_uuid": migration["uuid"]})

    def list_migrations(self, ctx: RequestContext, *, marker: str | None = None,
                        limit: int | None = None, **filters: Any) -> list[Record]:
        """Migration records, newest first (admin-only at the HTTP layer), after the one
        whose uuid is ``marker``; ``filters``: instance_uuid, status, migration_type, host,
        source_compute; and user_id, project_id (2.80), changes_since (2.59) and
        changes_before (2.66, aware datetimes, on the record's last update)."""
        owner = {k: filters.pop(k) for k in ("user_id", "project_id") if k in filters}
        since, before = filters.pop("changes_since", None), filters.pop("changes_before", None)
        records = [r for r in self.store.migrations.list(**filters)
                   if all(r.get(k) == v for k, v in owner.items())
                   and (since is None or (r.get("updated_at") or r["created_at"]) >= since)
                   and (before is None or (r.get("updated_at") or r["created_at"]) <= before)]
        try:
            return page(records, marker=marker, limit=limit)
        except exc.Invalid:
            raise exc.Invalid(f"Marker {marker} could not be found.") from None
