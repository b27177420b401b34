"""Schedulers: the API cell picks a cell by free flavor slots; a child cell picks a host.

Both are filters then weights over data (host usage reported up, or read from the cell DB).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

# Hosts a build may try in all, across cells, before it ends in ERROR (Nova's
# [scheduler] max_attempts, default 3).
MAX_ATTEMPTS = 3


def wants_dedicated(flavor: dict[str, Any]) -> bool:
    """Whether the flavor asks for dedicated CPUs."""
    policy = str((flavor.get("extra_specs") or {}).get("hw:cpu_policy", "shared"))
    return policy in ("dedicated", "mixed")


def required_traits(flavor: dict[str, Any]) -> set[str]:
    """Traits the flavor requires (``trait:NAME=required``), as Nova asks placement for them."""
    return {key[len("trait:"):] for key, value in (flavor.get("extra_specs") or {}).items()
            if key.startswith("trait:") and str(value) == "required"}


def has_traits(host: dict[str, Any], flavor: dict[str, Any]) -> bool:
    """Whether ``host`` reports every trait the flavor requires (fake hosts report none, so a
    required custom trait is unsatisfiable, as on a Nova whose providers lack it)."""
    return required_traits(flavor) <= set(host.get("traits") or ())


def flavor_disk(flavor: dict[str, Any]) -> int:
    """Disk a flavor needs on the host: root plus ephemeral."""
    return int(flavor.get("disk", 0)) + int(flavor.get("ephemeral", 0) or 0)


def host_slots(host: dict[str, Any], flavor: dict[str, Any],
               reserve_percent: float = 0.0) -> int:
    """How many more instances of ``flavor`` fit in ``host``'s free resources, keeping
    ``reserve_percent`` of each total free."""
    keep = 1.0 - reserve_percent / 100.0

    def usable(total: str) -> int:
        return int(host[total] * keep) if reserve_percent else host[total]
    free = [(usable("vcpus") - host["vcpus_used"], flavor["vcpus"]),
            (usable("memory_mb") - host["memory_mb_used"], flavor["ram"]),
            (usable("local_gb") - host["local_gb_used"], flavor_disk(flavor))]
    counts = [have // need for have, need in free if need > 0]
    slots = min(counts) if counts else 1 << 30
    return max(slots, 0)


def _host_passes(host: dict[str, Any], flavor: dict[str, Any]) -> bool:
    if wants_dedicated(flavor) and not host.get("dedicated_cpus"):
        return False
    return has_traits(host, flavor) and not host.get("disabled", False)



NO_VALID_HOST = "No valid host was found. There are not enough hosts available."

def schedulable(hosts: Iterable[dict[str, Any]],
                services: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hosts whose nova-compute service is neither disabled nor forced down (Nova's
    ComputeFilter); ``services`` are service rows or reports (host, binary, disabled,
    forced_down)."""
    out = {s["host"] for s in services
           if s["binary"] == "nova-compute" and (s.get("disabled") or s.get("forced_down"))}
    return [h for h in hosts if h["host"] not in out]

def among_candidates(hosts: Iterable[dict[str, Any]],
                     payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The hosts a message from the API cell allows: its ``candidate_hosts`` (the hosts that
    passed the API cell's aggregate, zone and group filters), or every host when absent."""
    names = payload.get("candidate_hosts")
    if names is None:
        return list(hosts)
    allowed = set(names)
    return [h for h in hosts if h["host"] in allowed]


def zone_for(payload: dict[str, Any], host: str, default: str | None) -> str | None:
    """The zone the API cell says ``host`` is in (``host_zones``), else ``default``."""
    return (payload.get("host_zones") or {}).get(host, default)


# Added to the weight of a cell that has not reported for a while (cells v1's
# mute_weight_multiplier): it is chosen only when no cell that reports has a slot.
STALE_WEIGHT = -10000.0


@dataclasses.dataclass(frozen=True)
class CellCandidate:
    """A cell as the cell scheduler sees it: registry flags and health."""

    name: str
    disabled: bool = False
    weight_offset: float = 0.0
    health: str = "up"  # 'up', 'stale' or 'down' (cells/health.py)


class CellScheduler:
    """Ranks cells for a build: filters (dedicated CPUs, slots > 0), weight = slots.

    Zones and aggregates are filtered before, by ``host_filters`` (the hosts given here
    are the ones that passed them). ``choose`` is the scheduler of builds: it also drops
    disabled and down cells and cells with no slot, and weighs the rest by normalised free
    slots, plus the operator's weight offset, plus STALE_WEIGHT for a cell that went quiet.
    """

    def choose(self, hosts: Iterable[dict[str, Any]], cells: Sequence[CellCandidate],
               flavor: dict[str, Any], *, exclude: Iterable[str] = (),
               only: str | None = None, reserve_percent: float = 0.0) -> list[str]:
        """Names of the cells that may take the build, best first (empty: none may).

        ``exclude``: cells tried already or refused by a ``different_cell`` hint; ``only``:
        a ``target_cell`` hint (that cell or none).
        """
        excluded = set(exclude)
        eligible = [c for c in cells if not c.disabled and c.health != "down"
                    and c.name not in excluded and (only is None or c.name == only)]
        slots = {c.name: 0 for c in eligible}
        for host in hosts:
            cell = host.get("cell_name")
            if cell in slots and _host_passes(host, flavor):
                slots[cell] += host_slots(host, flavor, reserve_percent)
        most = max(slots.values(), default=0) or 1
        order = {c.name: i for i, c in enumerate(cells)}

        def weight(cell: CellCandidate) -> float:
            return (slots[cell.name] / most + cell.weight_offset
                    + (STALE_WEIGHT if cell.health == "stale" else 0.0))
        ranked = sorted((c for c in eligible if slots[c.name] > 0),
                        key=lambda c: (-weight(c), order[c.name]))
        return [c.name for c in ranked]

    def rank(self, hosts: Iterable[dict[str, Any]], cells: Sequence[str],
             flavor: dict[str, Any], exclude: Iterable[str] = ()) -> list[str]:
        """Cells in preference order; cells without slots come last (so a build still
        reaches a cell and fails there with the cell's reason) and excluded cells never."""
        excluded = set(exclude)
        slots = {cell: 0 for cell in cells if cell not in excluded}
        for host in hosts:
            cell = host.get("cell_name")
            if cell in slots and _host_passes(host, flavor):
                slots[cell] += host_slots(host, flavor)
        return sorted(slots, key=lambda cell: (-slots[cell], cells.index(cell)))

    def slots(self, hosts: Iterable[dict[str, Any]], flavor: dict[str, Any]) -> dict[str, int]:
        """Free slots of ``flavor`` per cell (for reports and tests)."""
        result: dict[str, int] = {}
        for host in hosts:
            if _host_passes(host, flavor):
                result[host["cell_name"]] = result.get(host["cell_name"], 0) \
                    + host_slots(host, flavor)
        return result


class HostScheduler:
    """Picks a host in a cell: filters (room, required traits), weight = most free RAM,
    then name (zones and aggregates were filtered by the API cell: ``among_candidates``).

    A full host is never chosen. Dedicated-CPU needs are left to the driver, which fails
    with a clear reason (and the build is rescheduled to a host that has them).
    """

    def pick(self, hosts: Iterable[dict[str, Any]], flavor: dict[str, Any],
             exclude: Iterable[str] = ()) -> str | None:
        """The best host for ``flavor`` not in ``exclude``, or None."""
        excluded = set(exclude)
        candidates = [h for h in hosts if h["host"] not in excluded
                      and has_traits(h, flavor) and host_slots(h, flavor) > 0]
        if not candidates:
            return None
        dedicated = wants_dedicated(flavor)
        candidates.sort(key=lambda h: (dedicated and not h.get("dedicated_cpus"),
                                       -(h["memory_mb"] - h["memory_mb_used"]), h["host"]))
        return candidates[0]["host"]
