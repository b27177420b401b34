"""ComputeAPI: the one compute API code path, above the cell router.

Every method takes a RequestContext first and returns plain dicts (records, see
docs/ARCHITECTURE.md). It raises only exceptions from cellgate.cloud.exceptions. The HTTP
layer enforces admin-only policy; ComputeAPI enforces tenant scoping (another project's
server is InstanceNotFound unless the caller is admin).
"""

from __future__ import annotations

import re
import secrets
import uuid as uuidlib
from collections.abc import Sequence
from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.cells.api import ApiCellService
from cellgate.cloud.compute import boot_options, down_cells
from cellgate.cloud.compute.actions import ServerActionMethods, refuse_if_locked
from cellgate.cloud.compute.aggregates import AggregateMethods
from cellgate.cloud.compute.diagnostics import DriverViewMethods
from cellgate.cloud.compute.flavors import FlavorMethods
from cellgate.cloud.compute.hosts import HostMethods
from cellgate.cloud.compute.keypairs import KeypairMethods
from cellgate.cloud.compute.migrations import MigrationMethods
from cellgate.cloud.compute.query import (
    EXACT_FILTERS,
    REGEX_FILTERS,
    STATUS_VM_STATES,
    exact_matcher,
    field_matcher,
    ip_matcher,
    name_matcher,
    page,
    parse_changes_since,
    sort_records,
    tags_matcher,
    truthy,
)
from cellgate.cloud.compute.quotas import QuotaMethods
from cellgate.cloud.compute.security_groups import SecurityGroupMethods
from cellgate.cloud.compute.server_groups import ServerGroupMethods
from cellgate.cloud.compute.tags import TagMethods
from cellgate.cloud.context import RequestContext
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.images import ImageCatalog
from cellgate.cloud.objects.base import utcnow
from cellgate.cloud.objects.instance import Instance

MAX_METADATA_ITEMS = 128  # Nova's default metadata_items quota
# The most servers one POST /servers makes (min_count/max_count) besides the instances
# quota (which is unlimited by default): a larger min_count is 403 "Quota exceeded for
# instances", a larger max_count is cut to it.
MAX_SERVERS_PER_REQUEST = 100

Record = dict[str, Any]


class ComputeAPI(FlavorMethods, HostMethods, ServerActionMethods, MigrationMethods,
                 QuotaMethods, KeypairMethods, TagMethods, SecurityGroupMethods,
                 DriverViewMethods, AggregateMethods, ServerGroupMethods):
    """Flavors, keypairs, quotas, security groups, server groups, servers, metadata, tags,
    instance actions, migrations, services, hypervisors, aggregates and availability
    zones.

    ``store`` is the API cell database store (ApiStore), ``router`` the API cell service
    that routes work to cells through the CellRouter, ``images`` the ImageCatalog.
    """

    def __init__(self, store: ApiStore, router: ApiCellService, images: ImageCatalog) -> None:
        self.store = store
        self.router = router
        self.images = images

    # -- helpers ---------------------------------------------------------------------------

    def _instance(self, ctx: RequestContext, uuid: str, *,
                  allow_deleted: bool = False) -> Instance:
        instance = self.router.load(str(uuid))
        if (instance is None or (instance.deleted and not allow_deleted)
                or (not ctx.is_admin and instance.project_id != ctx.project_id)):
            raise exc.InstanceNotFound(instance_id=uuid)
        return instance

    @staticmethod
    def _check_state(instance: Instance, action: str, vm_states: set[str],
                     task_states: set[str | None]) -> None:
        if instance.vm_state not in vm_states:
            raise exc.InstanceInvalidState(action=action, instance_uuid=instance.uuid,
                                           attr="vm_state", state=instance.vm_state)
        if instance.task_state not in task_states:
            raise exc.InstanceInvalidState(action=action, instance_uuid=instance.uuid,
                                           attr="task_state", state=instance.task_state)

    def _act(self, ctx: RequestContext, instance: Instance, action: str, task_state: str,
             method: str, payload: dict[str, Any], *,
             vm_states: set[str] | None = None,
             task_states: set[str | None] | None = None,
             fields: dict[str, Any] | None = None) -> None:
        """Mark the task at the top, record the action and cast the work to the cell.

        The mark is a compare-and-swap in the API store: it lands only if the server is
        still in ``vm_states``/``task_states`` (by default: the states ``instance`` was read
        in, which _check_state approved), so of concurrent requests one wins and the others
        get InstanceInvalidState (409), as Nova's ``save(expected_task_state=...)``.
        ``fields`` (stored form) are written in the same swap (a rebuild's new name, image...).
        """
        vm_states = {instance.vm_state} if vm_states is None else vm_states
        task_states = {instance.task_state} if task_states is None else task_states
        before, after = self.router.swap_instance(
            instance.uuid, lambda _data: {**(fields or {}), "task_state": task_state},
            vm_states=vm_states, task_states=task_states)
        if after is None:
            if before is None or before.get("deleted"):
                raise exc.InstanceNotFound(instance_id=instance.uuid)
            current = Instance.obj_from_data(before)
            self._check_state(current, action, vm_states, task_states)
            raise exc.InstanceInvalidState(action=action, instance_uuid=instance.uuid,
                                           attr="task_state", state=current.task_state)
        self._start(ctx, Instance.obj_from_data(after), action, method, payload)

    def _start(self, ctx: RequestContext, instance: Instance, action: str, method: str,
               payload: dict[str, Any]) -> None:
        """Record the action and cast its work to the cell the instance is in now."""
        self.store.actions.start(instance_uuid=instance.uuid, request_id=ctx.request_id,
                                 action=action, user_id=ctx.user_id,
                                 project_id=ctx.project_id)
        self.router.send(instance, method, {"request_id": ctx.request_id, **payload})

    def _swap(self, ctx: RequestContext, uuid: str, change: Any) -> dict[str, Any]:
        """Compare-and-swap ``change`` onto a server the caller may see; returns what was
        written (the server's data)."""
        self._instance(ctx, uuid)
        before, after = self.router.swap_instance(uuid, change)
        if after is None:  # deleted meanwhile
            raise exc.InstanceNotFound(instance_id=uuid)
        return after

    def _zone(self, ctx: RequestContext, requested: str | None) -> tuple[str | None, str | None]:
        """``zone``, ``zone:host`` or ``zone::node`` -> (zone, forced host); a forced host is
        admin-only, as Nova's policy. A zone no enabled service offers is Invalid unless a
        host is forced (Nova checks the zone only then)."""
        if not requested:
            return None, None
        zone, _, rest = requested.partition(":")
        host = rest.split(":", 1)[0] or rest.partition(":")[2] or None
        hosts = self.store.capacity.hosts()
        if zone and host is None and zone not in self.available_zones():
            raise exc.Invalid("The requested availability zone is not available")
        if host is not None:
            if not ctx.is_admin:
                raise exc.Forbidden("Policy doesn't allow os_compute_api:servers:create:"
                                    "forced_host to be performed.")
            if host not in {h["host"] for h in hosts}:
                raise exc.Invalid(f"Compute host {host} could not be found.")
        return zone or None, host
    # -- servers ---------------------------------------------------------------------------

    def create_server(self, ctx: RequestContext, *, name: str, image_ref: str,
                      flavor_ref: str, networks: Any = None,
                      metadata: dict[str, str] | None = None,
                      availability_zone: str | None = None, description: str | None = None,
                      key_name: str | None = None, access_ipv4: str | None = None,
                      access_ipv6: str | None = None,
                      min_count: int = 1, max_count: int | None = None,
                      user_data: str | None = None, config_drive: bool = False,
                      tags: Sequence[str] | None = None,
                      auto_disk_config: bool = False,
                      security_groups: Sequence[str] | None = None,
                      cell_hints: dict[str, Any] | None = None,
                      trusted_certs: Sequence[str] | None = None,
                      scheduler_hints: dict[str, Any] | None = None,
                      hostname: str | None = None, requested_host: str | None = None,
                      requested_node: str | None = None) -> tuple[Record, str]:
        """Accept a boot request and cast the build to a cell; returns (record, admin_pass).

        The record is answered before the build runs (status BUILD). Unknown image ->
        ImageNotFound, unknown flavor -> FlavorNotFound, unknown availability zone ->
        Invalid. ``networks`` is 'auto', 'none', None or a list of dicts; it decides whether
        the server gets a fake fixed address. As Nova, ``max_count`` (default
        ``min_count``) servers are made, or as many as the limit allows if that is at least
        ``min_count``: at most MAX_SERVERS_PER_REQUEST per request (quotas do not exist yet),
        else QuotaOrCapacityExceeded (403). Several servers are named ``<name>-<n>`` and share
        one reservation id, with launch indexes 0..n-1; the first record is returned.
        ``user_data`` (base64 text), ``config_drive``, ``tags`` and ``auto_disk_config``
        (``OS-DCF:diskConfig`` AUTO) are stored on each. ``key_name`` names one of the
        caller's keypairs (else Invalid); its public key travels with the build, as do the
        effective rules of ``security_groups`` (names or ids; unknown -> Invalid).
        ``cell_hints`` (``target_cell``, ``different_cell``) steer the cell scheduler for
        admins only; other callers' hints are ignored, as cells v1's filters ignored them.
        ``trusted_certs`` and ``scheduler_hints`` are stored (see boot_options), ``hostname``
        replaces the one made from the name, and ``requested_host``/``requested_node``
        (2.74, admin-only at the HTTP layer) pick the host as a forced host does.
        ``scheduler_hints``: ``group`` (a server group of the caller's project, else
        InstanceGroupNotFound; its member quota checked) and ``same_host`` /
        ``different_host``, kept for the API cell's placement (ServerGroupMethods).
        """
        image = self.images.get(image_ref)
        flavor = self.get_flavor(ctx, str(flavor_ref))
        key_data = self.boot_key(ctx, key_name)
        groups, rules = self.boot_security_groups(ctx, list(security_groups or ()), networks)
        metadata = {str(k): str(v) for k, v in (metadata or {}).items()}
        _check_metadata_quota(metadata, self.metadata_limit(ctx))
        zone, forced_host = self._zone(ctx, availability_zone)
        forced_host = boot_options.requested_destination(
            self.store.capacity.hosts(), requested_host, requested_node) or forced_host
        boot_options.check_hostname(hostname, int(max_count or min_count))
        count = _server_count(int(min_count), int(max_count or min_count))
        count = self.servers_allowed(ctx, flavor, int(min_count), count)
        group = self.boot_group(ctx, scheduler_hints, count)
        admin_pass = secrets.token_urlsafe(9)
        reservation_id = "r-" + secrets.token_hex(4)
        now = utcnow()
        first = None
        for index in range(count):
            display = name if count == 1 else f"{name}-{index + 1}"
            instance = Instance(
                uuid=str(uuidlib.uuid4()), name=display, project_id=ctx.project_id,
                user_id=ctx.user_id, image_ref=image["id"], flavor=flavor,
                vm_state="building", task_state="scheduling", power_state=0,
                availability_zone=zone, requested_availability_zone=zone,
                requested_host=forced_host,
                metadata=dict(metadata), created_at=now, updated_at=now,
                key_name=key_name, key_data=key_data, access_ipv4=access_ipv4 or "",
                access_ipv6=access_ipv6 or "", description=description,
                networks=networks if isinstance(networks, str) else "auto",
                reservation_id=reservation_id, launch_index=index,
                user_data=user_data, config_drive="True" if config_drive else "",
                tags=sorted(set(tags or ())), auto_disk_config=bool(auto_disk_config),
                hostname=hostname or _hostname(display), security_groups=groups,
                security_rules=rules,
                trusted_certs=list(trusted_certs) if trusted_certs else None,
                scheduler_hints=boot_options.stored_hints(scheduler_hints),
                image_properties=boot_options.image_properties(image)).bind(self.router)
            self.store.actions.start(instance_uuid=instance.uuid, request_id=ctx.request_id,
                                     action="create", user_id=ctx.user_id,
                                     project_id=ctx.project_id)
            if cell_hints and ctx.is_admin:
                self.store.cells.save_request_spec(
                    instance.uuid, target_cell=cell_hints.get("target_cell"),
                    different_cells=cell_hints.get("different_cell") or ())
            self.join_boot_group(group, instance.uuid, ctx.user_id, scheduler_hints)
            self.router.build(instance, ctx.request_id)  # writes the read model, then casts
            first = first or instance
        return first.to_record(), admin_pass

    def list_servers(self, ctx: RequestContext, *, detail: bool = True,
                     filters: dict[str, Any] | None = None, limit: int | None = None,
                     marker: str | None = None,
                     sort_keys: Sequence[str] | None = None,
                     sort_dirs: Sequence[str] | None = None) -> list[Record]:
        """Instance records from the API read model, newest first by default.

        ``filters`` keys: name (regex, search anywhere), ip (regex from the start of a fixed
        IPv4 address; ip6 likewise), the REGEX_FILTERS fields (regex),
        tags/tags-any/not-tags/not-tags-any, status
        (Nova status string), flavor (flavor id), image (image id), changes-since and
        changes-before (aware datetimes; include deleted servers), EXACT_FILTERS,
        all_tenants (admin: every project), project_id (admin),
        host, availability_zone, deleted (admin). ``detail`` is accepted for symmetry: the
        records are always whole, the view decides what to show. Unknown sort key or a
        marker that is not found -> Invalid.
        """
        filters = dict(filters or {})
        query: dict[str, Any] = {}
        matchers = [tags_matcher(filters)]  # record predicates; bad regexes fail first
        if "name" in filters:
            by_name = name_matcher(str(filters["name"]))
            matchers.append(lambda record: by_name(record["name"]))
        if "ip" in filters:
            matchers.append(ip_matcher(str(filters["ip"])))
        if "ip6" in filters:
            matchers.append(ip_matcher(str(filters["ip6"]), version=6))
        matchers += [field_matcher(name, str(filters[name]))
                     for name in REGEX_FILTERS if name in filters]
        matchers += [exact_matcher(name, filters[name])
                     for name in EXACT_FILTERS if name in filters]
        if ctx.is_admin:
            if "project_id" in filters or "tenant_id" in filters:
                query["project_id"] = filters.get("project_id", filters.get("tenant_id"))
            elif not ("all_tenants" in filters and truthy(filters["all_tenants"])):
                query["project_id"] = ctx.project_id
            if "deleted" in filters and truthy(filters["deleted"]):
                query["only_deleted"] = True
            if filters.get("host"):
                query["host"] = filters["host"]
        else:
            query["project_id"] = ctx.project_id
        if filters.get("changes-since") or filters.get("changes_since"):
            query["changes_since"] = parse_changes_since(
                filters.get("changes-since") or filters.get("changes_since"))
        if filters.get("changes-before"):  # 2.66
            query["changes_before"] = parse_changes_since(filters["changes-before"])
        if filters.get("availability_zone"):
            query["availability_zone"] = filters["availability_zone"]
        if filters.get("flavor"):
            query["flavor_id"] = str(filters["flavor"])
        if filters.get("image"):
            query["image_ref"] = str(filters["image"]).rstrip("/").rsplit("/", 1)[-1]
        statuses = None
        if filters.get("status"):
            raw = filters["status"]
            statuses = {s.upper() for s in (raw if isinstance(raw, (list, tuple)) else [raw])}
            vm_states = {v for s in statuses for v in STATUS_VM_STATES.get(s, ())}
            if not vm_states:
                return []
            query["vm_states"] = vm_states
            if "DELETED" in statuses and ctx.is_admin:
                query["include_deleted"] = True
        records = down_cells.listed(self.store.instances.records(**query),
                                    self.router.down_cells(), ctx)
        if statuses is not None:
            records = [r for r in records if r["status"] in statuses]
        for matches in matchers:
            if matches is not None:
                records = [r for r in records if matches(r)]
        records = sort_records(records, sort_keys, sort_dirs)
        return page(records, marker=marker, limit=limit)

    def get_server(self, ctx: RequestContext, uuid: str) -> Record:
        """One instance record; InstanceNotFound if unknown, deleted or another project's;
        from a down cell see compute/down_cells.py."""
        return down_cells.shown(self._instance(ctx, uuid).to_record(),
                                self.router.down_cells(), ctx)

    def update_server(self, ctx: RequestContext, uuid: str, *, name: str | None = None,
                      description: str | None = None, hostname: str | None = None) -> Record:
        """Rename / re-describe a server, or set its hostname (2.90; sent down to its cell);
        returns the record."""
        instance = self._instance(ctx, uuid)
        if name is not None:
            instance.name = name
        if description is not None:
            instance.description = description
        if hostname is not None:
            instance.hostname = hostname
        instance.save()
        return instance.to_record()

    def delete_server(self, ctx: RequestContext, uuid: str) -> None:
        """Delete a server (a cast; the read model shows task_state 'deleting' until done).

        Allowed in any state; the mark is a compare-and-swap, so of concurrent deletes one
        sends the work and the others find it being deleted already.
        """
        self._check_lock(ctx, self._instance(ctx, uuid))
        before, after = self.router.swap_instance(
            uuid, lambda data: None if data.get("task_state") == "deleting"
            else {"task_state": "deleting"})
        if after is not None:
            self._start(ctx, Instance.obj_from_data(after), "delete", "delete_instance", {})
        elif before is None or before.get("deleted"):
            raise exc.InstanceNotFound(instance_id=uuid)

    def reboot_server(self, ctx: RequestContext, uuid: str, reboot_type: str = "SOFT") -> None:
        """Reboot (SOFT or HARD); wrong state -> InstanceInvalidState."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        reboot_type = (reboot_type or "SOFT").upper()
        if reboot_type == "SOFT":
            self._check_state(instance, "reboot", {"active"}, {None})
            task = "rebooting"
        elif reboot_type == "HARD":
            self._check_state(instance, "reboot",
                              {"active", "stopped", "paused", "suspended", "error"},
                              {None, "rebooting", "reboot_pending", "reboot_started",
                               "rebooting_hard", "reboot_pending_hard", "reboot_started_hard"})
            task = "rebooting_hard"
        else:
            raise exc.Invalid(f"Argument 'type' for reboot must be a string with value "
                              f"'SOFT' or 'HARD', not {reboot_type!r}")
        self._act(ctx, instance, "reboot", task, "reboot_instance",
                  {"reboot_type": reboot_type})

    def stop_server(self, ctx: RequestContext, uuid: str) -> None:
        """Power off; allowed from ACTIVE or ERROR, else InstanceInvalidState."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, "stop", {"active", "error"}, {None})
        self._act(ctx, instance, "stop", "powering-off", "stop_instance", {})

    def start_server(self, ctx: RequestContext, uuid: str) -> None:
        """Power on; allowed from SHUTOFF (vm_state stopped), else InstanceInvalidState."""
        instance = self._instance(ctx, uuid)
        self._check_lock(ctx, instance)
        self._check_state(instance, "start", {"stopped"}, {None})
        self._act(ctx, instance, "start", "powering-on", "start_instance", {})

    # -- server metadata -------------------------------------------------------------------

    def get_metadata(self, ctx: RequestContext, uuid: str) -> dict[str, str]:
        """All metadata of a server."""
        return dict(self._instance(ctx, uuid).metadata)

    def get_metadata_item(self, ctx: RequestContext, uuid: str, key: str) -> dict[str, str]:
        """``{key: value}``; unknown key -> MetadataItemNotFound."""
        metadata = self._instance(ctx, uuid).metadata
        if key not in metadata:
            raise exc.MetadataItemNotFound()
        return {key: metadata[key]}

    def update_metadata(self, ctx: RequestContext, uuid: str, metadata: dict[str, str], *,
                        replace: bool) -> dict[str, str]:
        """Merge (replace=False) or replace (replace=True) metadata; returns the new whole.

        More than the metadata_items quota -> QuotaOrCapacityExceeded, as Nova. The
        merge is a compare-and-swap on the stored metadata, so concurrent merges all land
        and the quota is checked against what the server really holds.
        """
        items = {str(k): str(v) for k, v in metadata.items()}
        limit = self.metadata_limit(ctx)

        def change(data: dict[str, Any]) -> dict[str, Any]:
            refuse_if_locked(ctx, uuid, data.get("locked"))
            new = dict(items) if replace else {**(data.get("metadata") or {}), **items}
            _check_metadata_quota(new, limit)
            return {"metadata": new}
        return dict(self._swap(ctx, uuid, change)["metadata"])

    def set_metadata_item(self, ctx: RequestContext, uuid: str, key: str,
                          value: str) -> dict[str, str]:
        """Set one item; returns ``{key: value}``."""
        self.update_metadata(ctx, uuid, {key: value}, replace=False)
        return {key: str(value)}

    def delete_metadata_item(self, ctx: RequestContext, uuid: str, key: str) -> None:
        """Delete one item; unknown key -> MetadataItemNotFound."""
        def change(data: dict[str, Any]) -> dict[str, Any]:
            metadata = dict(data.get("metadata") or {})
            if key not in metadata:
                raise exc.MetadataItemNotFound()
            refuse_if_locked(ctx, uuid, data.get("locked"))
            del metadata[key]
            return {"metadata": metadata}
        self._swap(ctx, uuid, change)

    # -- instance actions ------------------------------------------------------------------

    def list_instance_actions(self, ctx: RequestContext, uuid: str) -> list[Record]:
        """Actions of a server, newest first: ``{action, instance_uuid, request_id,
        user_id, project_id, start_time, updated_at, message}`` (deleted servers too)."""
        self._instance(ctx, uuid, allow_deleted=True)
        return self.store.actions.list(uuid)

    def get_instance_action(self, ctx: RequestContext, uuid: str, request_id: str) -> Record:
        """One action with ``events``: ``[{event, start_time, finish_time, result,
        traceback, host, details}]``; unknown -> InstanceActionNotFound."""
        self._instance(ctx, uuid, allow_deleted=True)
        action = self.store.actions.get(uuid, request_id)
        if action is None:
            raise exc.InstanceActionNotFound(request_id=request_id, instance_uuid=uuid)
        return action


def _server_count(min_count: int, max_count: int) -> int:
    """How many servers one boot request makes (Nova: max_count if allowed, else as many as
    allowed when that is at least min_count); the bound is MAX_SERVERS_PER_REQUEST."""
    if min_count < 1:
        raise exc.Invalid("min_count must be >= 1")
    if min_count > max_count:
        raise exc.Invalid("min_count must be <= max_count")
    if min_count > MAX_SERVERS_PER_REQUEST:
        raise exc.QuotaOrCapacityExceeded(
            f"Quota exceeded for instances: Requested {min_count}, but the limit is "
            f"{MAX_SERVERS_PER_REQUEST} instances per request")
    return min(max_count, MAX_SERVERS_PER_REQUEST)


def _check_metadata_quota(metadata: dict[str, str], limit: int = MAX_METADATA_ITEMS) -> None:
    if len(metadata) > limit:
        raise exc.QuotaOrCapacityExceeded(f"Maximum number of metadata items exceeds {limit}")


def _hostname(name: str) -> str:
    text = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return text[:63] or "server"
