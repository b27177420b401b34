"""Server tag methods of ComputeAPI (Nova 2.26+ /servers/{id}/tags).

Tags live in the instance record's sorted ``tags`` list (the one the create path writes and
the list filters read). Every change is a compare-and-swap on that list, so concurrent tag
changes all land. As Nova, another project's server is 403 (the policy's target is the
server's project), not 404, and changes are allowed only in the vm_states Nova allows.
"""

from __future__ import annotations

from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.context import RequestContext

# Nova's objects.instance.MAX_TAG_COUNT
MAX_TAG_COUNT = 50
# vm_states in which Nova's server_tags controller lets tags change
TAGGABLE_VM_STATES = frozenset({"active", "paused", "suspended", "stopped"})


class TagMethods:
    """Part of ComputeAPI: list, replace, add and delete server tags (needs ``self.router``)."""

    router: Any

    def _tagged(self, ctx: RequestContext, uuid: str, rule: str) -> Any:
        """The server (Instance); unknown or deleted -> InstanceNotFound, another project's
        (non-admin) -> Forbidden with the policy rule ``os_compute_api:os-server-tags:<rule>``."""
        instance = self.router.load(str(uuid))
        if instance is None or instance.deleted:
            raise exc.InstanceNotFound(instance_id=uuid)
        if not ctx.is_admin and instance.project_id != ctx.project_id:
            raise exc.Forbidden(f"Policy doesn't allow os_compute_api:os-server-tags:{rule} "
                                "to be performed.")
        return instance

    def check_taggable(self, ctx: RequestContext, uuid: str) -> None:
        """Raise what adding a tag would raise for the server itself (NotFound, Forbidden,
        InstanceInvalidState), so a caller can check the server before the tag, as Nova."""
        _check_vm_state(uuid, self._tagged(ctx, uuid, "update").vm_state, "update tag")

    def _swap_tags(self, ctx: RequestContext, uuid: str, rule: str, action: str,
                   change: Any) -> list[str]:
        """Swap ``change(tags) -> new tags | None`` onto a taggable server; returns the tags
        written (or the unchanged ones when ``change`` answers None)."""
        self._tagged(ctx, uuid, rule)
        kept: list[list[str]] = []

        def swap(data: dict[str, Any]) -> dict[str, Any] | None:
            _check_vm_state(uuid, data.get("vm_state"), action)
            current = list(data.get("tags") or [])
            new = change(current)
            kept[:] = [current if new is None else sorted(set(new))]
            return None if new is None else {"tags": kept[0]}
        before, after = self.router.swap_instance(str(uuid), swap)
        if before is None or before.get("deleted"):
            raise exc.InstanceNotFound(instance_id=uuid)
        return kept[0]

    def get_tags(self, ctx: RequestContext, uuid: str) -> list[str]:
        """The server's tags, sorted."""
        return list(self._tagged(ctx, uuid, "index").tags or [])

    def has_tag(self, ctx: RequestContext, uuid: str, tag: str) -> bool:
        """Whether the server has ``tag``."""
        return tag in (self._tagged(ctx, uuid, "show").tags or [])

    def replace_tags(self, ctx: RequestContext, uuid: str, tags: list[str]) -> list[str]:
        """Replace every tag (duplicates dropped); returns the new sorted list."""
        return self._swap_tags(ctx, uuid, "update_all", "update tags", lambda _old: tags)

    def add_tag(self, ctx: RequestContext, uuid: str, tag: str) -> bool:
        """Add one tag; True when it is new. A server holding MAX_TAG_COUNT tags already
        refuses any (even one it has), as Nova -> Invalid."""
        added: list[bool] = []

        def change(current: list[str]) -> list[str] | None:
            if len(current) >= MAX_TAG_COUNT:
                raise exc.Invalid("The number of tags exceeded the per-server limit "
                                  f"{MAX_TAG_COUNT}")
            added[:] = [tag not in current]
            return current + [tag] if added[0] else None
        self._swap_tags(ctx, uuid, "update", "update tag", change)
        return added[0]

    def delete_tag(self, ctx: RequestContext, uuid: str, tag: str) -> None:
        """Remove one tag; not there -> NotFound with Nova's message."""
        def change(current: list[str]) -> list[str]:
            if tag not in current:
                raise exc.NotFound(f"Instance {uuid} has no tag '{tag}'")
            return [t for t in current if t != tag]
        self._swap_tags(ctx, uuid, "delete", "delete tag", change)

    def delete_all_tags(self, ctx: RequestContext, uuid: str) -> None:
        """Remove every tag."""
        self._swap_tags(ctx, uuid, "delete_all", "delete tags", lambda _old: [])


def _check_vm_state(uuid: str, vm_state: str | None, action: str) -> None:
    if vm_state not in TAGGABLE_VM_STATES:
        raise exc.InstanceInvalidState(action=action, instance_uuid=uuid, attr="vm_state",
                                       state=vm_state)
