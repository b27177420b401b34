"""Server action methods of ComputeAPI: lock, pause, suspend, rebuild, shelve, console output.

Each action checks the lock and Nova's allowed (vm_state, task_state) set, then goes through
ComputeAPI._act: record the action, set the task state at the top, cast the work to the cell,
whose fake driver really does it (the same path in every topology).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.compute import boot_options
from cellgate.cloud.context import RequestContext
from cellgate.cloud.objects.instance import Instance

Record = dict[str, Any]

# Fields a rebuild may change, as the request names them -> instance field.
REBUILD_FIELDS = {"name": "name", "metadata": "metadata", "accessIPv4": "access_ipv4",
                  "accessIPv6": "access_ipv6", "description": "description",
                  "key_name": "key_name", "user_data": "user_data",
                  "trusted_image_certificates": "trusted_certs", "hostname": "hostname"}

# "No availability zone given" for unshelve (None there means: unpin).
UNCHANGED = object()

# Nova's fake driver's console log; ``length`` keeps its last lines as Nova's _tail_log.
CONSOLE_OUTPUT = "FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE"


def refuse_if_locked(ctx: RequestContext, uuid: str, locked: Any) -> None:
    """InstanceIsLocked (409) for a non-admin acting on a locked server."""
    if locked and not ctx.is_admin:
        raise exc.InstanceIsLocked(instance_uuid=uuid)


def tail(text: str, length: int | None) -> str:
    """The last ``length`` lines of ``text`` (None: all; 0: nothing), as Nova slices them."""
    if length is None:
        return text
    if int(length) == 0:
        return ""
    return "\n".join(text.split("\n")[-int(length):])


class ServerActionMethods:
    """Part of ComputeAPI (needs ``_instance``, ``_check_state``, ``_act``, ``store``,
    ``images``)."""

    @staticmethod
    def _check_lock(ctx: RequestContext, instance: Instance) -> None:
        """A locked server refuses every action to non-admins, as Nova's check_instance_lock."""
        refuse_if_locked(ctx, instance.uuid, instance.locked)

    def _api_event(self, ctx: RequestContext, instance: Instance, action: str) -> None:
        """Record an action done entirely in the API cell, with its ``api_<action>`` event."""
        self.store.actions.start(instance_uuid=instance.uuid, request_id=ctx.request_id,
                                 action=action, user_id=ctx.user_id,
                                 project_id=ctx.project_id)
        now = time.time()
        self.store.actions.add_event(instance_uuid=instance.uuid, request_id=ctx.request_id,
                                     event=f"api_{action}", start_time=now, finish_time=now,
                                     result="Success", host=None)

    def _simple(self, ctx: RequestContext, uuid: str, action: str, vm_states: set[str],
                task_state: str, method: str) -> None:
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, action, vm_states, {None})
        self._act(ctx, instance, action, task_state, method, {})

    # -- lock -------------------------------------------------------------------------------

    def lock_server(self, ctx: RequestContext, uuid: str, reason: str | None = None) -> None:
        """Lock (any state); ``locked_by`` is 'owner' for the server's project, else 'admin'."""
        instance = self._instance(ctx, uuid)
        instance.locked = True
        instance.locked_by = "owner" if ctx.project_id == instance.project_id else "admin"
        instance.locked_reason = reason
        self._api_event(ctx, instance, "lock")
        instance.save()

    def unlock_needs_override(self, ctx: RequestContext, uuid: str) -> bool:
        """Whether unlocking needs the admin-only override policy: the server is locked by
        the other kind (owner or admin) than the caller, as Nova's is_expected_locked_by."""
        instance = self._instance(ctx, uuid)
        expected = "owner" if ctx.project_id == instance.project_id else "admin"
        return instance.locked_by is not None and instance.locked_by != expected

    def unlock_server(self, ctx: RequestContext, uuid: str) -> None:
        """Unlock (the HTTP layer checked the override policy)."""
        instance = self._instance(ctx, uuid)
        instance.locked, instance.locked_by, instance.locked_reason = False, None, None
        self._api_event(ctx, instance, "unlock")
        instance.save()

    # -- pause, suspend -----------------------------------------------------------------------

    def pause_server(self, ctx: RequestContext, uuid: str) -> None:
        """ACTIVE -> PAUSED."""
        self._simple(ctx, uuid, "pause", {"active"}, "pausing", "pause_instance")

    def unpause_server(self, ctx: RequestContext, uuid: str) -> None:
        """PAUSED -> ACTIVE."""
        self._simple(ctx, uuid, "unpause", {"paused"}, "unpausing", "unpause_instance")

    def suspend_server(self, ctx: RequestContext, uuid: str) -> None:
        """ACTIVE -> SUSPENDED."""
        self._simple(ctx, uuid, "suspend", {"active"}, "suspending", "suspend_instance")

    def resume_server(self, ctx: RequestContext, uuid: str) -> None:
        """SUSPENDED -> ACTIVE."""
        self._simple(ctx, uuid, "resume", {"suspended"}, "resuming", "resume_instance")

    # -- rebuild ----------------------------------------------------------------------------

    def rebuild_server(self, ctx: RequestContext, uuid: str, image_ref: str,
                       changes: dict[str, Any],
                       admin_pass: str | None = None) -> tuple[Record, str]:
        """Rebuild from ``image_ref`` (id kept; ``changes`` keyed as REBUILD_FIELDS);
        returns (record in REBUILD, admin password). Unknown image -> ImageNotFound."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, "rebuild", {"active", "stopped", "error"}, {None})
        image = self.images.get(image_ref)
        fields = {REBUILD_FIELDS[key]: value for key, value in changes.items()}
        fields["image_ref"] = image["id"]
        fields["image_properties"] = boot_options.image_properties(image)
        self._act(ctx, instance, "rebuild", "rebuilding", "rebuild_instance",
                  {"image_ref": image["id"]}, fields=fields)
        for key, value in fields.items():
            setattr(instance, key, value)
        instance.task_state = "rebuilding"
        return instance.to_record(), admin_pass or secrets.token_urlsafe(9)

    # -- shelve -----------------------------------------------------------------------------

    def shelve_server(self, ctx: RequestContext, uuid: str) -> None:
        """Shelve; with Nova's default shelved_offload_time 0 it offloads at once."""
        self._simple(ctx, uuid, "shelve", {"active", "stopped", "paused", "suspended"},
                     "shelving", "shelve_instance")

    def shelve_offload_server(self, ctx: RequestContext, uuid: str) -> None:
        """SHELVED -> SHELVED_OFFLOADED (frees the host)."""
        self._simple(ctx, uuid, "shelveOffload", {"shelved"}, "shelving_offloading",
                     "shelve_offload_instance")

    def unshelve_server(self, ctx: RequestContext, uuid: str, zone: Any = UNCHANGED,
                        host: str | None = None) -> None:
        """SHELVED or SHELVED_OFFLOADED -> ACTIVE (scheduled again when offloaded).

        ``zone`` (2.77; None unpins, 2.91) and ``host`` (2.91) steer the new schedule, so
        they need an offloaded server (else UnshelveInvalidState, 409); an unknown zone, or a
        host that is not in the server's cell, is Invalid (400), a host outside the zone
        HostNotInZone (409), as Nova's."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, "unshelve", {"shelved", "shelved_offloaded"}, {None})
        if zone is UNCHANGED and not host:
            self._act(ctx, instance, "unshelve", "unshelving", "unshelve_instance", {})
            return
        if instance.vm_state != "shelved_offloaded":
            raise exc.UnshelveInvalidState(instance_uuid=uuid, state=instance.status)
        hosts = self.store.capacity.hosts()
        if zone not in (UNCHANGED, None) and zone not in {h.get("availability_zone")
                                                          for h in hosts}:
            raise exc.Invalid("The requested availability zone is not available")
        zone = instance.requested_availability_zone if zone is UNCHANGED else zone
        if host:  # looked up in the server's cell, as Nova's context is targeted there
            found = next((h for h in hosts if h["host"] == host
                          and h.get("cell_name") in (None, instance.cell_name)), None)
            if found is None:
                raise exc.Invalid(f"Compute host {host} could not be found.")
            if zone is not None and found.get("availability_zone") != zone:
                raise exc.HostNotInZone(host=host, availability_zone=zone)
        self._act(ctx, instance, "unshelve", "unshelving", "unshelve_instance",
                  {"availability_zone": zone, "host": host},
                  fields={"requested_availability_zone": zone})

    # -- console ----------------------------------------------------------------------------

    def console_output(self, ctx: RequestContext, uuid: str, length: int | None) -> str:
        """The fake console log's tail; a server without a host cannot answer (409)."""
        instance = self._instance(ctx, uuid)
        if not instance.host:
            raise exc.InstanceNotReady(instance_id=instance.uuid)
        return tail(CONSOLE_OUTPUT, length)
