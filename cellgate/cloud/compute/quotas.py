"""Quota methods of ComputeAPI: limits per project (and per user in it), their usage and
their enforcement, as Nova's DB quota driver.

A limit comes from the user's own quota, else the project's, else the ``default`` quota
class, else DEFAULT_QUOTAS; -1 is unlimited. Usage of instances, cores and ram counts the
API cell's read model, which holds the servers of every cell (a server in a cell that is
down or slow still counts); key_pairs counts a user's keypairs; server_groups the groups
(compute/server_groups.py enforces it and server_group_members, per user in a group).
"""

from __future__ import annotations

from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.context import RequestContext
from cellgate.cloud.db.api_store import ApiStore

# Nova's quota resources and its default limits ([quota] options), except that this
# reference cloud's instances, cores and ram are unlimited by default (as nova-real without
# --nova-default-quotas): the suite boots concurrently in shared projects, and a test that
# needs a limit sets it. Admins change defaults with PUT /os-quota-class-sets/default.
DEFAULT_QUOTAS: dict[str, int] = {
    "cores": -1, "fixed_ips": -1, "floating_ips": -1, "injected_file_content_bytes": 10240,
    "injected_file_path_bytes": 255, "injected_files": 5, "instances": -1, "key_pairs": 100,
    "metadata_items": 128, "ram": -1, "security_group_rules": -1, "security_groups": -1,
    "server_group_members": 10, "server_groups": 10,
}
RESOURCES = tuple(DEFAULT_QUOTAS)
DEFAULT_CLASS = "default"
# Resources the API stops showing (and accepting) at 2.36 (network proxies) and 2.57
# (personality files).
FILTERED_V236 = ("fixed_ips", "floating_ips", "security_group_rules", "security_groups",
                 "networks")
FILTERED_V257 = (*FILTERED_V236, "injected_file_content_bytes", "injected_file_path_bytes",
                 "injected_files")
# What a boot consumes per server, from its flavor.
_PER_SERVER = (("instances", lambda f: 1), ("cores", lambda f: int(f["vcpus"])),
               ("ram", lambda f: int(f["ram"])))


def filtered_for(version: Any) -> tuple[str, ...]:
    """The quota resources hidden at a microversion."""
    if version >= "2.57":
        return FILTERED_V257
    if version >= "2.36":
        return FILTERED_V236
    return ()


class QuotaMethods:
    """Part of ComputeAPI (needs ``self.store``)."""

    store: ApiStore

    def quota_class(self, ctx: RequestContext, class_name: str = DEFAULT_CLASS
                    ) -> dict[str, int]:
        """The limits of a quota class (projects use ``default``, as Nova)."""
        return {**DEFAULT_QUOTAS, **self.store.quotas.class_limits(class_name)}

    def update_quota_class(self, ctx: RequestContext, class_name: str,
                           values: dict[str, int]) -> dict[str, int]:
        """Set limits of a quota class; returns the class's limits."""
        self.store.quotas.set_class(class_name, values)
        return self.quota_class(ctx, class_name)

    def get_quotas(self, ctx: RequestContext, project_id: str,
                   user_id: str | None = None) -> dict[str, int]:
        """The effective limits of a project, or of a user in it."""
        limits = {**self.quota_class(ctx), **self.store.quotas.limits(project_id)}
        if user_id:
            limits.update(self.store.quotas.limits(project_id, user_id))
        return limits

    def quota_usage(self, ctx: RequestContext, project_id: str,
                    user_id: str | None = None) -> dict[str, int]:
        """In-use counts: servers of every cell (a user's only when ``user_id``), the
        keypairs of ``user_id`` (or the caller) and the server groups."""
        query: dict[str, Any] = {"project_id": project_id}
        records = [r for r in self.store.instances.records(**query)
                   if not user_id or r["user_id"] == user_id]
        usage = dict.fromkeys(RESOURCES, 0)
        for name, per in _PER_SERVER:
            usage[name] = sum(per(r["flavor"]) for r in records)
        usage["key_pairs"] = self.store.keypairs.count(user_id or ctx.user_id)
        usage["server_groups"] = self.store.server_groups.count(project_id, user_id)
        return usage

    def update_quotas(self, ctx: RequestContext, project_id: str, values: dict[str, int], *,
                      user_id: str | None = None, force: bool = False) -> dict[str, int]:
        """Set limits (unless ``force``, not below what is in use: Invalid with Nova's
        message; a user's not above the project's); returns the effective limits."""
        if not force:
            usage = self.quota_usage(ctx, project_id, user_id)
            project = self.get_quotas(ctx, project_id) if user_id else {}
            for resource, limit in values.items():
                _check_settable(resource, limit, usage.get(resource, 0),
                                project.get(resource, -1))
        self.store.quotas.set(project_id, values, user_id)
        return self.get_quotas(ctx, project_id, user_id)

    def delete_quotas(self, ctx: RequestContext, project_id: str,
                      user_id: str | None = None) -> None:
        """Revert a project (and its users), or one user, to the defaults."""
        self.store.quotas.delete(project_id, user_id)

    def key_pairs_limit(self, ctx: RequestContext, user_id: str) -> int:
        """How many keypairs ``user_id`` may hold (the caller's project's quota)."""
        limit = self.get_quotas(ctx, ctx.project_id, user_id)["key_pairs"]
        return limit if limit >= 0 else 1 << 62

    def metadata_limit(self, ctx: RequestContext) -> int:
        """How many metadata items a server of the caller's project may hold."""
        limit = self.get_quotas(ctx, ctx.project_id, ctx.user_id)["metadata_items"]
        return limit if limit >= 0 else 1 << 62

    def servers_allowed(self, ctx: RequestContext, flavor: dict[str, Any], min_count: int,
                        max_count: int) -> int:
        """How many servers of ``flavor`` a boot may make: max_count, else as many as the
        instances, cores and ram quotas leave if that is at least min_count; else
        QuotaOrCapacityExceeded with Nova's TooManyInstances message. The project's limits
        bind, and a user's own ones too when the user has any (as Nova)."""
        headroom: dict[str, float] = {}
        limits: dict[str, int] = {}
        scopes = [None]
        own = self.store.quotas.limits(ctx.project_id, ctx.user_id)
        if any(name in own for name, _ in _PER_SERVER):
            scopes.append(ctx.user_id)
        for user_id in scopes:
            scope_limits = self.get_quotas(ctx, ctx.project_id, user_id)
            if all(scope_limits[name] < 0 for name, _ in _PER_SERVER):
                continue  # unlimited: no need to count
            usage = self.quota_usage(ctx, ctx.project_id, user_id)
            for name, _ in _PER_SERVER:
                limit = scope_limits[name]
                room = float("inf") if limit < 0 else limit - usage[name]
                if room < headroom.get(name, float("inf")):
                    headroom[name], limits[name] = room, limit
        wanted = {name: per(flavor) * max_count for name, per in _PER_SERVER}
        overs = sorted(n for n in headroom if wanted[n] > headroom[n])
        if not overs:
            return max_count
        allowed = headroom.get("instances", float("inf"))
        for name, per in _PER_SERVER[1:]:
            if per(flavor) and name in headroom:
                allowed = min(allowed, headroom[name] // per(flavor))
        if min_count <= allowed <= max_count:
            return int(allowed)
        requested = {**wanted, "instances": str(min_count) if min_count == max_count
                     else f"{min_count}-{max_count}"}
        detail = [", ".join(str(v) for v in column) for column in zip(
            *[(requested[n], int(limits[n] - headroom[n]), limits[n]) for n in overs],
            strict=True)]
        names = ", ".join(overs)
        raise exc.QuotaOrCapacityExceeded(
            f"Quota exceeded for {names}: Requested {detail[0]}, but already used "
            f"{detail[1]} of {detail[2]} {names}")


def _check_settable(resource: str, limit: int, in_use: int, maximum: int) -> None:
    def inf(value: int) -> float:
        return float("inf") if value == -1 else value
    if inf(limit) < inf(in_use):
        raise exc.Invalid(f"Quota limit {limit} for {resource} must be greater than or equal "
                          f"to already used and reserved {in_use}.")
    if inf(limit) > inf(maximum):
        raise exc.Invalid(f"Quota limit {limit} for {resource} must be less than or equal "
                          f"to {maximum}.")
