"""Flavor methods of ComputeAPI (flavors, access lists, extra specs)."""

from __future__ import annotations

import uuid as uuidlib
from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.compute.query import page
from cellgate.cloud.context import RequestContext
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.db.flavors import SORT_COLUMNS

Record = dict[str, Any]


class FlavorMethods:
    """Part of ComputeAPI: everything about flavors (needs ``self.store``)."""

    store: ApiStore

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
        if ctx.is_admin:
            public = _parse_is_public(is_public)
        else:
            public = True
        if sort_key not in SORT_COLUMNS:
            raise exc.Invalid(f"Invalid sort_key: {sort_key}")
        if sort_dir not in ("asc", "desc"):
            raise exc.Invalid(f"Invalid sort_dir: {sort_dir}")
        flavors = self.store.flavors.list(public=public, project_id=ctx.project_id,
                                          min_ram=min_ram, min_disk=min_disk,
                                          sort_key=sort_key, sort_dir=sort_dir)
        return page(flavors, marker=marker, limit=limit, key="id")

    def get_flavor(self, ctx: RequestContext, flavorid: str) -> Record:
        """One flavor record; FlavorNotFound if unknown or private and not accessible."""
        return self.store.flavors.get(flavorid, project_id=ctx.project_id,
                                      scoped=not ctx.is_admin)

    def create_flavor(self, ctx: RequestContext, *, name: str, ram: int, vcpus: int,
                      disk: int, flavorid: str | None = None, ephemeral: int = 0,
                      swap: int = 0, rxtx_factor: float = 1.0, is_public: bool = True,
                      description: str | None = None) -> Record:
        """Create a flavor; duplicate name or id -> FlavorExists; flavorid None -> a UUID."""
        flavorid = str(flavorid) if flavorid not in (None, "") else str(uuidlib.uuid4())
        return self.store.flavors.create(
            flavorid=flavorid, name=name, ram=int(ram), vcpus=int(vcpus), disk=int(disk),
            ephemeral=int(ephemeral or 0), swap=int(swap or 0),
            rxtx_factor=float(rxtx_factor), is_public=bool(is_public), description=description)

    def update_flavor(self, ctx: RequestContext, flavorid: str, *,
                      description: str | None) -> Record:
        """Update a flavor's description (microversion 2.55); returns the flavor record."""
        return self.store.flavors.update_description(flavorid, description)

    def delete_flavor(self, ctx: RequestContext, flavorid: str) -> None:
        """Delete a flavor (servers keep their embedded copy); FlavorNotFound if unknown."""
        self.store.flavors.delete(flavorid)

    def list_flavor_access(self, ctx: RequestContext, flavorid: str) -> list[Record]:
        """``[{flavor_id, tenant_id}]``; a public flavor -> NotFound as Nova."""
        flavor = self.store.flavors.get(flavorid)
        if flavor["is_public"]:
            raise exc.NotFound("Access list not available for public flavors.")
        return self.store.flavors.access(flavorid)

    def add_flavor_access(self, ctx: RequestContext, flavorid: str,
                          project_id: str) -> list[Record]:
        """Grant a project access to a private flavor; returns the access list.

        Public flavor -> Conflict (microversion >= 2.7, as Nova); duplicate ->
        FlavorAccessExists.
        """
        flavor = self.store.flavors.get(flavorid)
        if flavor["is_public"] and ctx.microversion_at_least("2.7"):
            raise exc.Conflict("Can not add access to a public flavor.")
        self.store.flavors.add_access(flavorid, project_id)
        return self.store.flavors.access(flavorid)

    def remove_flavor_access(self, ctx: RequestContext, flavorid: str,
                             project_id: str) -> list[Record]:
        """Revoke access; unknown pair -> FlavorAccessNotFound; returns the access list."""
        self.store.flavors.remove_access(flavorid, project_id)
        return self.store.flavors.access(flavorid)

    def get_extra_specs(self, ctx: RequestContext, flavorid: str) -> dict[str, str]:
        """All extra specs of a flavor."""
        return dict(self.get_flavor(ctx, flavorid)["extra_specs"])

    def get_extra_spec(self, ctx: RequestContext, flavorid: str, key: str) -> dict[str, str]:
        """``{key: value}``; unknown key -> FlavorExtraSpecsNotFound."""
        specs = self.get_flavor(ctx, flavorid)["extra_specs"]
        if key not in specs:
            raise exc.FlavorExtraSpecsNotFound(flavor_id=flavorid, extra_specs_key=key)
        return {key: specs[key]}

    def update_extra_specs(self, ctx: RequestContext, flavorid: str,
                           specs: dict[str, str]) -> dict[str, str]:
        """Create or update the given keys; returns ``specs`` as stored (values as str)."""
        clean = {str(k): str(v) for k, v in specs.items()}
        self.store.flavors.update_specs(flavorid, clean)
        return clean

    def delete_extra_spec(self, ctx: RequestContext, flavorid: str, key: str) -> None:
        """Delete one key; unknown key -> FlavorExtraSpecsNotFound."""
        self.store.flavors.delete_spec(flavorid, key)


def _parse_is_public(value: bool | str | None) -> bool | None:
    if value is None or value is True:
        return True
    if value is False:
        return False
    text = str(value).strip().lower()
    if text == "none":
        return None
    if text in ("true", "t", "1", "yes", "y", "on"):
        return True
    if text in ("false", "f", "0", "no", "n", "off"):
        return False
    raise exc.Invalid(f"Invalid is_public filter [{value}]")
