"""Nova's strict query strings: from 2.75 the list and show routes of limits, services, quota
sets and keypairs refuse a parameter they do not know; from 2.102 every other GET does too
(400 "Additional properties are not allowed ('x' was unexpected)").

Handlers whose parameters change with more microversions check their own (servers,
flavors, hypervisors, instance actions, migrations, keypairs); Nova leaves a few GETs lax at
every version (the version documents, server tags, quota defaults), and so does this.
"""

from __future__ import annotations

from collections.abc import Callable

from cellgate.cloud.api.handlers import (
    cells,
    flavors,
    hypervisors,
    instance_actions,
    keypairs,
    limits,
    migrations,
    params,
    quota_sets,
    server_tags,
    servers,
    services,
    versions,
    volumes_boot,
)
from cellgate.cloud.api.request import ApiRequest

# handler -> the parameters it takes from 2.75
_FROM_275: dict[Callable, tuple[str, ...]] = {
    limits.index: ("tenant_id",), services.index: ("host", "binary"),
    quota_sets.show: ("user_id",), quota_sets.detail: ("user_id",),
    quota_sets.update: ("user_id",), quota_sets.delete: ("user_id",),
}

# GET handlers that check their own parameters or stay lax
_OWN_OR_LAX = frozenset((
    servers.index, servers.detail, volumes_boot.index, volumes_boot.detail, flavors.index,
    flavors.detail, hypervisors.index,
    hypervisors.detail, hypervisors.show, hypervisors.statistics, hypervisors.uptime,
    cells.gone, cells.index, instance_actions.index, migrations.index,
    keypairs.index, keypairs.show, keypairs.delete, server_tags.index, quota_sets.defaults,
    versions.compute_versions, versions.compute_version, versions.compute_v2_version,
))


def check(req: ApiRequest, handler: Callable) -> None:
    """400 for a query parameter ``handler`` does not take at the request's version."""
    if req.version is None or not req.http.args:
        return
    if handler in _FROM_275:
        if req.version >= "2.75":
            params.only(req, *_FROM_275[handler])
        return
    if req.http.method == "GET" and req.version >= "2.102" and handler not in _OWN_OR_LAX:
        params.only(req)
