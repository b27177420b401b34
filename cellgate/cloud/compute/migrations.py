"""Resize, cold migrate, confirm/revert and os-migrations: the ComputeAPI side.

The API cell creates the migration record (``pre-migrating``) and casts the move to the
server's cell, which picks another host of the cell, claims the new flavor there, and reports
the record's status up (``finished``, ``confirmed``, ``reverted``, ``error``). Moves stay
within the server's cell.
"""

from __future__ import annotations

from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.compute.query import page
from cellgate.cloud.context import RequestContext
from cellgate.cloud.objects.instance import Instance

Record = dict[str, Any]

MOVABLE_VM_STATES = {"active", "stopped"}


class MigrationMethods:
    """Part of ComputeAPI (needs ``_instance``, ``_check_lock``, ``_check_state``, ``_act``,
    ``_start``, ``store``, ``get_flavor``)."""

    def _start_move(self, ctx: RequestContext, instance: Instance, action: str,
                    flavor: Record, migration_type: str, host: str | None) -> None:
        old_id = self.store.flavors.internal_id(instance.flavor.get("id"))
        migration = self.store.migrations.create(
            instance_uuid=instance.uuid, cell_name=instance.cell_name,
            migration_type=migration_type, status="pre-migrating",
            source_compute=instance.host, source_node=instance.node,
            old_instance_type_id=old_id,
            new_instance_type_id=self.store.flavors.internal_id(flavor["id"]),
            user_id=ctx.user_id, project_id=ctx.project_id)
        self._act(ctx, instance, action, "resize_prep", "resize_instance",
                  {"migration_uuid": migration["uuid"], "flavor": flavor, "host": host})

    def resize_server(self, ctx: RequestContext, uuid: str, flavor_ref: str) -> None:
        """Resize to another flavor (VERIFY_RESIZE on another host of the cell); the same
        flavor -> Invalid, an unknown one -> FlavorNotFound."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, "resize", MOVABLE_VM_STATES, {None})
        flavor = self.get_flavor(ctx, str(flavor_ref))
        if flavor["id"] == instance.flavor.get("id"):
            raise exc.Invalid("When resizing, instances must change flavor!")
        self._start_move(ctx, instance, "resize", flavor, "resize", None)

    def migrate_server(self, ctx: RequestContext, uuid: str, host: str | None = None) -> None:
        """Cold migrate (same flavor) to another host of the cell, or to ``host``; an unknown
        host -> Invalid."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, "migrate", MOVABLE_VM_STATES, {None})
        if host is not None and host not in {h["host"] for h in self.store.capacity.hosts()}:
            raise exc.Invalid(f"Compute host {host} could not be found.")
        self._start_move(ctx, instance, "migrate", dict(instance.flavor), "migration", host)

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
        self._start(ctx, instance, "confirmResize", "confirm_resize",
                    {"migration_uuid": migration["uuid"]})

    def revert_resize(self, ctx: RequestContext, uuid: str) -> None:
        """Go back to the source host and the old flavor (frees the destination)."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, "revertResize", {"resized"}, {None})
        migration = self._finished_migration(instance)
        self.store.migrations.update(migration["uuid"], status="reverting")
        self._act(ctx, instance, "revertResize", "resize_reverting", "revert_resize",
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
