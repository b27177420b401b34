"""Group filters: where the API cell lets a server of a server group (or with ``same_host`` /
``different_host`` hints) be built, over the reported hosts of every cell.

Server groups are global (docs/server-groups.md), so the host is chosen with the API cell's
knowledge: the filters below drop the hosts a hard policy or a hint forbids, the soft
policies' weighers order the rest, the cell scheduler ranks cells only over those hosts, and
the build goes down with the chosen host names (``candidate_hosts``), among which the child's
HostScheduler picks. A member's host is claimed atomically in the API database before the
build is sent (ServerGroupStore.claim): the cells equivalent of Nova's late check in the
compute, so concurrent boots into one anti-affinity group never share a host.

Policies, across cells:
- affinity: every member on one host (so in one cell); the first member placed fixes it;
- anti-affinity: members on distinct hosts of any cell, at most ``max_server_per_host``
  (rule, default 1) per host;
- soft-affinity / soft-anti-affinity: hosts holding the most / fewest members first, and the
  server is placed anyway.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from cellgate.cloud.cells.scheduler import HostScheduler
from cellgate.cloud.db.server_groups import ServerGroupStore

HARD_POLICIES = frozenset({"affinity", "anti-affinity"})
# How often a placement is worked out afresh when concurrent boots took every host it chose.
_CLAIM_ROUNDS = 5

Host = dict[str, Any]
# hosts -> cells in preference order (CellScheduler.rank, flavor, zone and tried cells bound)
RankCells = Callable[[list[Host]], list[str]]


def hint_uuids(hints: dict[str, Any], name: str) -> list[str]:
    """A ``same_host`` / ``different_host`` hint as a list of server uuids."""
    value = hints.get(name)
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def max_per_host(group: dict[str, Any]) -> int:
    """How many members of an anti-affinity group one host may hold."""
    return int((group.get("rules") or {}).get("max_server_per_host") or 1)


def group_filter(hosts: Sequence[Host], group: dict[str, Any],
                 members: Counter[str]) -> list[Host]:
    """The hosts a hard policy allows (Nova's ServerGroupAffinityFilter and
    ServerGroupAntiAffinityFilter); soft policies allow every host."""
    if group["policy"] == "affinity" and members:
        return [h for h in hosts if h["host"] in members]
    if group["policy"] == "anti-affinity":
        limit = max_per_host(group)
        return [h for h in hosts if members[h["host"]] < limit]
    return list(hosts)


def weigh_tiers(hosts: Sequence[Host], group: dict[str, Any] | None,
                members: Counter[str]) -> list[list[Host]]:
    """Hosts in tiers of equal preference, best first: soft-affinity prefers hosts holding
    more members, soft-anti-affinity fewer (Nova's ServerGroupSoft*Weighers)."""
    policy = group["policy"] if group else None
    if policy not in ("soft-affinity", "soft-anti-affinity"):
        return [list(hosts)] if hosts else []
    sign = -1 if policy == "soft-affinity" else 1
    counts = sorted({members[h["host"]] for h in hosts}, key=lambda n: sign * n)
    return [[h for h in hosts if members[h["host"]] == n] for n in counts]


def host_filter(hosts: Sequence[Host], hints: dict[str, Any],
                store: ServerGroupStore) -> list[Host]:
    """Nova's SameHostFilter (a host holding one of the named servers) and
    DifferentHostFilter (a host holding none of them)."""
    same, different = hint_uuids(hints, "same_host"), hint_uuids(hints, "different_host")
    out = list(hosts)
    if same:
        allowed = store.instance_hosts(same)
        out = [h for h in out if h["host"] in allowed]
    if different:
        refused = store.instance_hosts(different)
        out = [h for h in out if h["host"] not in refused]
    return out


class GroupPlacer:
    """Places builds that belong to a server group or carry host hints (else: None)."""

    def __init__(self, store: ServerGroupStore) -> None:
        self.store = store
        self.host_scheduler = HostScheduler()

    def _ordered(self, hosts: list[Host], flavor: dict[str, Any]) -> list[str]:
        """The hosts the child's HostScheduler would take, in its order (full ones out)."""
        order: list[str] = []
        while True:
            host = self.host_scheduler.pick(hosts, flavor, exclude=order)
            if host is None:
                return order
            order.append(host)

    def wants_placement(self, instance: Any) -> bool:
        """Whether the build of ``instance`` is placed here (group member or host hints)."""
        return (self.store.group_of(instance.uuid) is not None
                or bool(self.store.hints(instance.uuid)))

    def place(self, instance: Any, hosts: list[Host], rank: RankCells
              ) -> tuple[str | None, list[str]] | None:
        """(cell, candidate host names) for ``instance``, or None when it has no group and
        no host hints. The candidate list is empty when no host passes (the build then
        fails with No valid host, as Nova's scheduler answers). ``hosts`` are the reported
        schedulable hosts of the cells the build may still go to."""
        group = self.store.group_of(instance.uuid)
        hints = self.store.hints(instance.uuid)
        if group is None and not hints:
            return None
        self.store.release(instance.uuid)  # a reschedule places it afresh
        hosts = host_filter(hosts, hints, self.store)
        flavor = instance.flavor
        for _round in range(_CLAIM_ROUNDS):
            members = self.store.member_hosts(group["uuid"]) if group else Counter()
            passing = group_filter(hosts, group, members) if group else hosts
            raced = False
            for tier in weigh_tiers(passing, group, members):
                for cell in rank(tier):
                    names = self._ordered([h for h in tier if h["cell_name"] == cell],
                                          flavor)
                    if group is None:
                        if names:
                            return cell, names
                        continue
                    for name in names:
                        if self._claim(group, instance.uuid, name):
                            return cell, [name]
                        raced = True
            if not raced:
                break
        ranked = rank(hosts)
        return (ranked[0] if ranked else None), []

    def _claim(self, group: dict[str, Any], instance_uuid: str, host: str) -> bool:
        policy = group["policy"]
        return self.store.claim(
            group["uuid"], instance_uuid, host,
            slots=max_per_host(group) if policy == "anti-affinity" else None,
            alone=policy == "affinity")
