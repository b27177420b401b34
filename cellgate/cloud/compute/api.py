"""ComputeAPI: the one compute API code path, above the cell router.

Every method takes a RequestContext first and returns plain dicts (records, see
docs/ARCHITECTURE.md). It raises only exceptions from cellgate.cloud.exceptions. The HTTP
layer enforces admin-only policy; ComputeAPI enforces tenant scoping (another project's
server is InstanceNotFound unless the caller is admin).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cellgate.cloud.context import RequestContext

Record = dict[str, Any]


class ComputeAPI:
    """Flavors, servers, metadata, instance actions, services and hypervisors.

    ``store`` is the API cell database store, ``router`` the CellRouter-backed API cell
    service that sends work to cells, ``images`` the ImageCatalog.
    """

    def __init__(self, store: Any, router: Any, images: Any) -> None:
        self.store = store
        self.router = router
        self.images = images

    # -- flavors ---------------------------------------------------------------------------

    def list_flavors(self, ctx: RequestContext, *, is_public: bool | str | None = None,
                     min_ram: int | None = None, min_disk: int | None = None,
                     sort_key: str = "flavorid", sort_dir: str = "asc",
                     limit: int | None = None, marker: str | None = None) -> list[Record]:
        """Flavor records visible to the caller, Nova semantics.

        Non-admins always see public flavors plus private ones their project has access to
        (``is_public`` is ignored). For admins ``is_public`` is the raw query value: None
        (absent) or True -> public plus the admin project's private ones; False -> private
        only; the string 'none' -> every flavor. Other strings are parsed as booleans
        ('true', 'false', '1', '0', 'yes', 'no'; anything else -> Invalid).
        ``sort_key`` accepts Nova's column names (flavorid, name, memory_mb, vcpus, root_gb,
        swap, ephemeral_gb, rxtx_factor, id) and the record names (ram, disk); an unknown
        key or a ``marker`` that names no flavor -> Invalid.
        """
        raise NotImplementedError

    def get_flavor(self, ctx: RequestContext, flavorid: str) -> Record:
        """One flavor record; FlavorNotFound if unknown or private and not accessible."""
        raise NotImplementedError

    def create_flavor(self, ctx: RequestContext, *, name: str, ram: int, vcpus: int,
                      disk: int, flavorid: str | None = None, ephemeral: int = 0,
                      swap: int = 0, rxtx_factor: float = 1.0, is_public: bool = True,
                      description: str | None = None) -> Record:
        """Create a flavor; duplicate name or id -> FlavorExists; flavorid None -> a UUID."""
        raise NotImplementedError

    def update_flavor(self, ctx: RequestContext, flavorid: str, *,
                      description: str | None) -> Record:
        """Update a flavor's description (microversion 2.55); returns the flavor record."""
        raise NotImplementedError

    def delete_flavor(self, ctx: RequestContext, flavorid: str) -> None:
        """Delete a flavor (servers keep their embedded copy); FlavorNotFound if unknown."""
        raise NotImplementedError

    def list_flavor_access(self, ctx: RequestContext, flavorid: str) -> list[Record]:
        """``[{flavor_id, tenant_id}]``; a public flavor -> NotFound as Nova."""
        raise NotImplementedError

    def add_flavor_access(self, ctx: RequestContext, flavorid: str,
                          project_id: str) -> list[Record]:
        """Grant a project access to a private flavor; returns the access list.

        Public flavor -> Conflict (microversion >= 2.7, as Nova); duplicate ->
        FlavorAccessExists.
        """
        raise NotImplementedError

    def remove_flavor_access(self, ctx: RequestContext, flavorid: str,
                             project_id: str) -> list[Record]:
        """Revoke access; unknown pair -> FlavorAccessNotFound; returns the access list."""
        raise NotImplementedError

    def get_extra_specs(self, ctx: RequestContext, flavorid: str) -> dict[str, str]:
        """All extra specs of a flavor."""
        raise NotImplementedError

    def get_extra_spec(self, ctx: RequestContext, flavorid: str, key: str) -> dict[str, str]:
        """``{key: value}``; unknown key -> FlavorExtraSpecsNotFound."""
        raise NotImplementedError

    def update_extra_specs(self, ctx: RequestContext, flavorid: str,
                           specs: dict[str, str]) -> dict[str, str]:
        """Create or update the given keys; returns ``specs`` as stored (values as str)."""
        raise NotImplementedError

    def delete_extra_spec(self, ctx: RequestContext, flavorid: str, key: str) -> None:
        """Delete one key; unknown key -> FlavorExtraSpecsNotFound."""
        raise NotImplementedError

    # -- servers ---------------------------------------------------------------------------

    def create_server(self, ctx: RequestContext, *, name: str, image_ref: str,
                      flavor_ref: str, networks: Any = None,
                      metadata: dict[str, str] | None = None,
                      availability_zone: str | None = None, description: str | None = None,
                      key_name: str | None = None, access_ipv4: str | None = None,
                      access_ipv6: str | None = None,
                      min_count: int = 1) -> tuple[Record, str]:
        """Accept a boot request and cast the build to a cell; returns (record, admin_pass).

        The record is answered before the build runs (status BUILD). Unknown image ->
        ImageNotFound, unknown flavor -> FlavorNotFound, unknown availability zone ->
        Invalid. ``networks`` is 'auto', 'none', None or a list of dicts; it decides whether
        the server gets a fake fixed address. ``min_count`` > 1 creates that many servers
        named ``<name>-<n>`` and returns the first.
        """
        raise NotImplementedError

    def list_servers(self, ctx: RequestContext, *, detail: bool = True,
                     filters: dict[str, Any] | None = None, limit: int | None = None,
                     marker: str | None = None,
                     sort_keys: Sequence[str] | None = None,
                     sort_dirs: Sequence[str] | None = None) -> list[Record]:
        """Instance records from the API read model, newest first by default.

        ``filters`` keys: name (regex, search anywhere), status (Nova status string),
        flavor (flavor id), image (image id), changes-since (aware datetime; includes
        deleted servers), all_tenants (admin: every project), project_id (admin),
        host, availability_zone, deleted (admin). ``detail`` is accepted for symmetry: the
        records are always whole, the view decides what to show. Unknown sort key or a
        marker that is not found -> Invalid.
        """
        raise NotImplementedError

    def get_server(self, ctx: RequestContext, uuid: str) -> Record:
        """One instance record; InstanceNotFound if unknown, deleted or another project's."""
        raise NotImplementedError

    def update_server(self, ctx: RequestContext, uuid: str, *, name: str | None = None,
                      description: str | None = None) -> Record:
        """Rename / re-describe a server (sent down to its cell); returns the record."""
        raise NotImplementedError

    def delete_server(self, ctx: RequestContext, uuid: str) -> None:
        """Delete a server (a cast; the read model shows task_state 'deleting' until done)."""
        raise NotImplementedError

    def reboot_server(self, ctx: RequestContext, uuid: str, reboot_type: str = "SOFT") -> None:
        """Reboot (SOFT or HARD); wrong state -> InstanceInvalidState."""
        raise NotImplementedError

    def stop_server(self, ctx: RequestContext, uuid: str) -> None:
        """Power off; allowed from ACTIVE or ERROR, else InstanceInvalidState."""
        raise NotImplementedError

    def start_server(self, ctx: RequestContext, uuid: str) -> None:
        """Power on; allowed from SHUTOFF (vm_state stopped), else InstanceInvalidState."""
        raise NotImplementedError

    # -- server metadata -------------------------------------------------------------------

    def get_metadata(self, ctx: RequestContext, uuid: str) -> dict[str, str]:
        """All metadata of a server."""
        raise NotImplementedError

    def get_metadata_item(self, ctx: RequestContext, uuid: str, key: str) -> dict[str, str]:
        """``{key: value}``; unknown key -> MetadataItemNotFound."""
        raise NotImplementedError

    def update_metadata(self, ctx: RequestContext, uuid: str, metadata: dict[str, str], *,
                        replace: bool) -> dict[str, str]:
        """Merge (replace=False) or replace (replace=True) metadata; returns the new whole.

        More than 128 items -> QuotaOrCapacityExceeded, as Nova's metadata quota.
        """
        raise NotImplementedError

    def set_metadata_item(self, ctx: RequestContext, uuid: str, key: str,
                          value: str) -> dict[str, str]:
        """Set one item; returns ``{key: value}``."""
        raise NotImplementedError

    def delete_metadata_item(self, ctx: RequestContext, uuid: str, key: str) -> None:
        """Delete one item; unknown key -> MetadataItemNotFound."""
        raise NotImplementedError

    # -- instance actions ------------------------------------------------------------------

    def list_instance_actions(self, ctx: RequestContext, uuid: str) -> list[Record]:
        """Actions of a server, newest first: ``{action, instance_uuid, request_id,
        user_id, project_id, start_time, updated_at, message}`` (deleted servers too)."""
        raise NotImplementedError

    def get_instance_action(self, ctx: RequestContext, uuid: str, request_id: str) -> Record:
        """One action with ``events``: ``[{event, start_time, finish_time, result,
        traceback, host, details}]``; unknown -> InstanceActionNotFound."""
        raise NotImplementedError

    # -- hosts -----------------------------------------------------------------------------

    def list_services(self, ctx: RequestContext, *, binary: str | None = None,
                      host: str | None = None) -> list[Record]:
        """Service records ``{id, uuid, binary, host, zone, status, state, updated_at,
        disabled_reason, forced_down, cell_name}``."""
        raise NotImplementedError

    def list_hypervisors(self, ctx: RequestContext) -> list[Record]:
        """Hypervisor records ``{id, uuid, hypervisor_hostname, host, state, status, vcpus,
        vcpus_used, memory_mb, memory_mb_used, local_gb, local_gb_used, free_ram_mb,
        free_disk_gb, running_vms, current_workload, disk_available_least,
        hypervisor_type, hypervisor_version, host_ip, cpu_info, cell_name, service_id,
        service_uuid, service_disabled_reason}`` (``id`` is an int, ``uuid`` a UUID for
        microversion >= 2.53 views)."""
        raise NotImplementedError

    def get_hypervisor(self, ctx: RequestContext, hypervisor_id: str | int) -> Record:
        """One hypervisor by int id or uuid; unknown -> HypervisorNotFound."""
        raise NotImplementedError
