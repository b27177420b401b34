"""Server group methods of ComputeAPI: groups in the API database (global, every cell's
servers can be members), their quotas, and what a boot's scheduler hints ask.

Where a member is built is decided by the API cell (cells/group_filters.py).
"""

from __future__ import annotations

from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.cells.group_filters import hint_uuids
from cellgate.cloud.context import RequestContext
from cellgate.cloud.db.api_store import ApiStore

Record = dict[str, Any]
# The hints kept for every (re)schedule of a server (the group is kept as its membership).
HOST_HINTS = ("same_host", "different_host")


class ServerGroupMethods:
    """Part of ComputeAPI (needs ``self.store`` and QuotaMethods' ``get_quotas``)."""

    store: ApiStore

    def get_quotas(self, ctx: RequestContext, project_id: str,
                   user_id: str | None = None) -> dict[str, int]:
        """The effective limits (QuotaMethods answers)."""
        raise NotImplementedError

    def _limit(self, ctx: RequestContext, resource: str, user_id: str | None = None) -> float:
        limit = self.get_quotas(ctx, ctx.project_id, user_id)[resource]
        return float("inf") if limit < 0 else limit

    def create_server_group(self, ctx: RequestContext, *, name: str, policy: str,
                            rules: dict[str, Any] | None = None) -> Record:
        """A new group of the caller's project; over the server_groups quota (the project's,
        or the user's own) -> ServerGroupLimitExceeded."""
        if (self.store.server_groups.count(ctx.project_id) + 1
                > self._limit(ctx, "server_groups")
                or self.store.server_groups.count(ctx.project_id, ctx.user_id) + 1
                > self._limit(ctx, "server_groups", ctx.user_id)):
            raise exc.ServerGroupLimitExceeded()
        return self.store.server_groups.create(name=name, project_id=ctx.project_id,
                                               user_id=ctx.user_id, policy=policy,
                                               rules=dict(rules or {}))

    def list_server_groups(self, ctx: RequestContext, *,
                           all_projects: bool = False) -> list[Record]:
        """The caller's project's groups, or every project's (admins asking all_projects)."""
        every = all_projects and ctx.is_admin
        return self.store.server_groups.list(None if every else ctx.project_id)

    def get_server_group(self, ctx: RequestContext, group_uuid: str) -> Record:
        """One group; another project's (for non-admins) or unknown ->
        InstanceGroupNotFound."""
        return self.store.server_groups.get(
            group_uuid, None if ctx.is_admin else ctx.project_id)

    def delete_server_group(self, ctx: RequestContext, group_uuid: str) -> None:
        """Delete a group; its member servers stay (and belong to no group)."""
        self.get_server_group(ctx, group_uuid)
        self.store.server_groups.delete(group_uuid)

    def server_groups_of(self, ctx: RequestContext, instance_uuid: str) -> list[str]:
        """The uuids of the groups a server is a member of (0 or 1), for 2.71's view."""
        group = self.store.server_groups.group_of(instance_uuid)
        return [group["uuid"]] if group else []

    def boot_group(self, ctx: RequestContext, hints: dict[str, Any] | None,
                   count: int) -> Record | None:
        """The group a boot's ``group`` hint names (the caller's project's; else
        InstanceGroupNotFound), after checking that ``count`` more members fit in the
        server_group_members quota (else GroupMemberLimitExceeded)."""
        group_uuid = (hints or {}).get("group")
        if isinstance(group_uuid, list):
            group_uuid = group_uuid[0] if group_uuid else None
        if not group_uuid:
            return None
        group = self.get_server_group(ctx, str(group_uuid))
        members = self.store.server_groups.member_count(group["uuid"], ctx.user_id)
        if members + count > self._limit(ctx, "server_group_members", ctx.user_id):
            raise exc.GroupMemberLimitExceeded()
        return group

    def join_boot_group(self, group: Record | None, instance_uuid: str, user_id: str,
                        hints: dict[str, Any] | None) -> None:
        """Record a new server's group membership and host hints before its build is
        scheduled (the API cell reads them at every (re)schedule)."""
        if group is not None:
            self.store.server_groups.add_member(group["uuid"], instance_uuid, user_id)
        kept = {name: hint_uuids(hints or {}, name) for name in HOST_HINTS
                if hint_uuids(hints or {}, name)}
        if kept:
            self.store.server_groups.set_hints(instance_uuid, kept)
