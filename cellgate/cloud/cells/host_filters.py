"""Host filters the API cell runs before it ranks cells: the ones that need data only the
API database holds (aggregates, zones; server groups may join them here).

Each filter is ``(host, request) -> bool``; ``passing_hosts`` keeps the hosts every filter
accepts. A build then goes only to a cell with a passing host, and names the passing hosts
of that cell (``candidate_hosts``), among which the cell's HostScheduler picks.
The semantics are Nova's filters of the same names (AvailabilityZone via placement,
AggregateInstanceExtraSpecsFilter, AggregateMultiTenancyIsolation).
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from cellgate.cloud.cells.zones import aggregates_by_host, zone_of

EXTRA_SPECS_SCOPE = "aggregate_instance_extra_specs"
TENANT_KEY_PREFIX = "filter_tenant_id"


@dataclasses.dataclass(frozen=True)
class HostRequest:
    """What a placement asks of a host: the flavor, the project, the zone (or None) and the
    aggregates (all of them; filters look up the host's own)."""

    flavor: dict[str, Any]
    project_id: str | None
    zone: str | None
    aggregates: Sequence[dict[str, Any]]

    @property
    def by_host(self) -> dict[str, list[dict[str, Any]]]:
        """Aggregates per host (computed once per request)."""
        cached = self.__dict__.get("_by_host")
        if cached is None:
            cached = aggregates_by_host(self.aggregates)
            object.__setattr__(self, "_by_host", cached)
        return cached

    def metadata(self, host: str) -> dict[str, set[str]]:
        """Nova's ``aggregate_metadata_get_by_host``: every key of the host's aggregates to
        the set of its (comma-separated) values."""
        merged: dict[str, set[str]] = {}
        for aggregate in self.by_host.get(host, ()):
            for key, value in aggregate["metadata"].items():
                merged.setdefault(key, set()).update(v.strip() for v in value.split(","))
        return merged


def zone_filter(host: dict[str, Any], request: HostRequest) -> bool:
    """The host is in the requested zone (any host when none was requested)."""
    if not request.zone:
        return True
    return zone_of(host["host"], request.by_host, host.get("availability_zone")) == request.zone


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda x, y: float(x) >= float(y), "<in>": lambda x, y: y in x,
    "<all-in>": lambda x, y: all(v in x for v in y),
    "==": lambda x, y: float(x) == float(y), "!=": lambda x, y: float(x) != float(y),
    ">=": lambda x, y: float(x) >= float(y), "<=": lambda x, y: float(x) <= float(y),
    "s==": operator.eq, "s!=": operator.ne, "s<": operator.lt, "s<=": operator.le,
    "s>": operator.gt, "s>=": operator.ge}


def spec_matches(value: str, requirement: str) -> bool:
    """Nova's ``extra_specs_ops.match``: ``requirement`` is a literal or an operator
    expression (``<in> x``, ``s>= b``, ``<or> a <or> b``, ...)."""
    words = requirement.split()
    op = words.pop(0) if words else None
    method = _OPS.get(op) if op else None
    if op != "<or>" and method is None:
        return value == requirement
    if op == "<or>":
        return value in words[::2]
    if not words:
        return False
    try:
        return method(value, words) if op == "<all-in>" else method(value, words[0])
    except ValueError:  # a numeric operator on a non-number never matches
        return False


def aggregate_extra_specs_filter(host: dict[str, Any], request: HostRequest) -> bool:
    """Every unscoped or ``aggregate_instance_extra_specs:`` flavor spec is matched by a
    value of that key in one of the host's aggregates."""
    specs = request.flavor.get("extra_specs") or {}
    if not specs:
        return True
    metadata = request.metadata(host["host"])
    for key, requirement in specs.items():
        scope, sep, name = key.partition(":")
        if sep and scope != EXTRA_SPECS_SCOPE:
            continue
        values = metadata.get(name if sep else key)
        if not values or not any(spec_matches(v, str(requirement)) for v in values):
            return False
    return True


def tenant_isolation_filter(host: dict[str, Any], request: HostRequest) -> bool:
    """A host in aggregates with ``filter_tenant_id*`` keys takes only those projects."""
    allowed: set[str] = set()
    for key, values in request.metadata(host["host"]).items():
        if key.startswith(TENANT_KEY_PREFIX):
            allowed |= values
    return not allowed or request.project_id in allowed


HostFilter = Callable[[dict[str, Any], HostRequest], bool]
#: The filters the API cell runs, in order.
FILTERS: tuple[HostFilter, ...] = (zone_filter, aggregate_extra_specs_filter,
                                   tenant_isolation_filter)


def passing_hosts(hosts: Iterable[dict[str, Any]], request: HostRequest,
                  filters: Sequence[HostFilter] = FILTERS) -> list[dict[str, Any]]:
    """The hosts every filter accepts."""
    return [h for h in hosts if all(f(h, request) for f in filters)]
