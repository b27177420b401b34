"""Planted defects of flavors, flavor access and extra_specs (see cellgate.cloud.defects)."""

from __future__ import annotations

import copy
from typing import Any

from cellgate.cloud.defects.base import Defect, compute_api, drop_effect, wrap

FLAVORS = r"^cellgate\.tests\.api\.flavors\.test_flavors(_admin)?\."
ACCESS = r"^cellgate\.tests\.api\.flavors\.test_flavor_access\."
SPECS = r"^cellgate\.tests\.api\.flavors\.test_flavor_(extra_specs|effects)\."
SPECS_IN_SERVERS = (r"^cellgate\.tests\.(scenario\.flavors\.|"
                    r"api\.servers\.test_servers_microversions\.)")


def _flavor_delete_noop(cloud: Any) -> None:
    api = compute_api(cloud)
    drop_effect(api, "delete_flavor", lambda ctx, flavorid: api.store.flavors.get(flavorid))


def _min_ram_ignored(cloud: Any) -> None:
    api = compute_api(cloud)
    wrap(api, "list_flavors",
         lambda real: lambda ctx, *, min_ram=None, **kwargs: real(ctx, **kwargs))


def _flavor_paging_repeats(cloud: Any) -> None:
    api = compute_api(cloud)

    def make(real):
        def list_flavors(ctx, *, marker=None, limit=None, **kwargs):
            page = real(ctx, marker=marker, limit=limit, **kwargs)
            if marker is None:
                return page
            repeated = [f for f in real(ctx, **kwargs) if str(f["id"]) == str(marker)]
            return (repeated + page)[:limit] if limit is not None else repeated + page
        return list_flavors
    wrap(api, "list_flavors", make)


def _private_flavor_visible(cloud: Any) -> None:
    api = compute_api(cloud)

    def list_make(real):
        def list_flavors(ctx, *, is_public=None, **kwargs):
            if ctx.is_admin:
                return real(ctx, is_public=is_public, **kwargs)
            return real(ctx.elevated(), is_public="none", **kwargs)
        return list_flavors
    wrap(api, "list_flavors", list_make)
    wrap(api, "get_flavor", lambda real: lambda ctx, flavorid: real(ctx.elevated(), flavorid))


def _access_remove_noop(cloud: Any) -> None:
    api = compute_api(cloud)

    def make(real):
        def remove_flavor_access(ctx, flavorid, project_id):
            entries = api.list_flavor_access(ctx, flavorid)
            if not any(e["tenant_id"] == project_id for e in entries):
                return real(ctx, flavorid, project_id)  # still 404
            return [e for e in entries if e["tenant_id"] != project_id]
        return remove_flavor_access
    wrap(api, "remove_flavor_access", make)


def _specs_dropped_to_cell(cloud: Any) -> None:
    for cell in cloud.deployment.cells.values():
        def make(real):
            def msg_build_instance(payload):
                payload = copy.deepcopy(payload)
                payload["instance"]["cellgate_object.data"]["flavor"]["extra_specs"] = {}
                return real(payload)
            return msg_build_instance
        wrap(cell, "msg_build_instance", make)


def _spec_delete_noop(cloud: Any) -> None:
    api = compute_api(cloud)
    drop_effect(api, "delete_extra_spec", api.get_extra_spec)


def _specs_set_replaces(cloud: Any) -> None:
    api = compute_api(cloud)

    def make(real):
        def update_extra_specs(ctx, flavorid, specs):
            for key in api.get_extra_specs(ctx, flavorid):
                if key not in specs:
                    api.delete_extra_spec(ctx, flavorid, key)
            return real(ctx, flavorid, specs)
        return update_extra_specs
    wrap(api, "update_extra_specs", make)


DEFECTS = (
    Defect("flavor-delete-noop", "flavors",
           "DELETE /flavors/{id} answers 202 and the flavor stays", _flavor_delete_noop,
           FLAVORS),
    Defect("min-ram-ignored", "flavors", "GET /flavors?minRam=... ignores the filter",
           _min_ram_ignored, FLAVORS),
    Defect("flavor-paging-repeats", "flavors",
           "a flavor page after a marker starts with the marker's flavor again",
           _flavor_paging_repeats, FLAVORS),
    Defect("private-flavor-visible", "flavor-access",
           "members see and use private flavors their project has no access to",
           _private_flavor_visible, ACCESS),
    Defect("access-remove-noop", "flavor-access",
           "removeTenantAccess answers the shortened list and keeps the access",
           _access_remove_noop, ACCESS),
    Defect("extra-specs-dropped-to-cell", "extra-specs",
           "the build request reaches the cell without the flavor's extra_specs",
           _specs_dropped_to_cell, SPECS_IN_SERVERS),
    Defect("extra-spec-delete-noop", "extra-specs",
           "DELETE /flavors/{id}/os-extra_specs/{key} answers 200 and keeps the key",
           _spec_delete_noop, SPECS),
    Defect("extra-specs-set-replaces", "extra-specs",
           "POST /flavors/{id}/os-extra_specs drops the keys it does not name",
           _specs_set_replaces, SPECS),
)
