"""Aggregate and availability-zone methods of ComputeAPI, with Nova's rules.

Aggregates are global (API database) and hold hosts of any cell by name. An aggregate with
``availability_zone`` metadata defines a zone: a host may be in one zone only, a zone change
that would move servers is refused, an empty zone name is refused (Nova's
``AggregateAPI.is_safe_to_update_az`` and its ``ensure_no_instances_need_to_move_az_*``).
"""

from __future__ import annotations

from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.cells.zones import (
    ZONE_KEY,
    aggregates_by_host,
    host_zones,
    service_zone,
)
from cellgate.cloud.context import RequestContext
from cellgate.cloud.db.api_store import ApiStore

Record = dict[str, Any]

_ADD = "Cannot add host to aggregate %s. Reason: %s."
_REMOVE = "Cannot remove host from aggregate %s. Reason: %s."
_UPDATE = "Cannot update aggregate %s. Reason: %s."
_UPDATE_META = "Cannot update metadata of aggregate %s. Reason: %s."
_MOVES = ("The host cannot be %s the aggregate as the availability zone of the host would "
          "change from '%s' to '%s' but the host already has %d instance(s). Changing the AZ "
          "of an existing instance is not supported by this action. Move the instances away "
          "from this host then try again. If you need to move the instances between AZs then "
          "you can use shelve_offload and unshelve to achieve this.")


class AggregateMethods:
    """Part of ComputeAPI: /os-aggregates and /os-availability-zone (needs ``self.store``)."""

    store: ApiStore

    # -- aggregates ------------------------------------------------------------------------

    def list_aggregates(self, ctx: RequestContext) -> list[Record]:
        """Every aggregate, by id."""
        return self.store.aggregates.list()

    def get_aggregate(self, ctx: RequestContext, aggregate_id: int) -> Record:
        """One aggregate; unknown -> AggregateNotFound."""
        return self.store.aggregates.get(aggregate_id)

    def create_aggregate(self, ctx: RequestContext, name: str,
                         availability_zone: str | None = None) -> Record:
        """A new aggregate, in ``availability_zone`` if given; a name in use -> 409."""
        metadata = {ZONE_KEY: availability_zone} if availability_zone else None
        return self.store.aggregates.create(name, metadata)

    def update_aggregate(self, ctx: RequestContext, aggregate_id: int, *,
                         name: str | None = None, **zone: str | None) -> Record:
        """Rename and/or move the aggregate to another zone (``availability_zone=``)."""
        aggregate = self.store.aggregates.get(aggregate_id)
        if name is not None:
            self.store.aggregates.rename(aggregate_id, name)
        if ZONE_KEY in zone:
            self._check_zone_change(aggregate, zone, _UPDATE)
            self.store.aggregates.update_metadata(aggregate_id, zone)
        return self.store.aggregates.get(aggregate_id)

    def set_aggregate_metadata(self, ctx: RequestContext, aggregate_id: int,
                               metadata: dict[str, str | None]) -> Record:
        """Merge ``metadata`` into the aggregate's; a None value deletes that key."""
        aggregate = self.store.aggregates.get(aggregate_id)
        self._check_zone_change(aggregate, metadata, _UPDATE_META)
        self.store.aggregates.update_metadata(aggregate_id, metadata)
        return self.store.aggregates.get(aggregate_id)

    def delete_aggregate(self, ctx: RequestContext, aggregate_id: int) -> None:
        """Delete an empty aggregate; one holding hosts -> Invalid (400), as Nova."""
        aggregate = self.store.aggregates.get(aggregate_id)
        if aggregate["hosts"]:
            raise exc.Invalid(_REMOVE % (aggregate_id, "Host aggregate is not empty"))
        self.store.aggregates.delete(aggregate_id)

    def add_aggregate_host(self, ctx: RequestContext, aggregate_id: int, host: str) -> Record:
        """Put a compute host (of any cell) in the aggregate. Unknown host -> 404 (checked
        first, as Nova); already in it -> 409; a second zone or a zone change that would
        move its servers -> Conflict (409)."""
        self._compute_host(host)
        aggregate = self.store.aggregates.get(aggregate_id)
        zone = aggregate["metadata"].get(ZONE_KEY)
        if zone:
            others = self._zones_of(host, exclude=aggregate["id"])
            conflicting = [z for z in others if z != zone]
            if conflicting:
                raise exc.Conflict(_ADD % (aggregate_id, "One or more hosts already in "
                                           "availability zone(s) %s" % conflicting))
            old = others[0] if others else None
            count = self._instances_on(host)
            if count and old != zone and host not in aggregate["hosts"]:
                raise exc.Conflict(_ADD % (aggregate_id, _MOVES % ("added to", old, zone,
                                                                   count)))
        self.store.aggregates.add_host(aggregate_id, host)
        return self.store.aggregates.get(aggregate_id)

    def remove_aggregate_host(self, ctx: RequestContext, aggregate_id: int,
                              host: str) -> Record:
        """Take a host out; unknown host or aggregate, or a host not in it -> NotFound with
        Nova's one message; a zone change that would move its servers -> Conflict."""
        missing = exc.NotFound(f"Cannot remove host {host} in aggregate {aggregate_id}")
        try:
            self._compute_host(host)
            aggregate = self.store.aggregates.get(aggregate_id)
        except exc.NotFound:
            raise missing
        # as Nova: the zone check comes before the membership check
        zone = aggregate["metadata"].get(ZONE_KEY)
        count = self._instances_on(host) if zone else 0
        if count:
            others = self._zones_of(host, exclude=aggregate["id"])
            new = others[0] if others else None
            if new != zone:
                raise exc.Conflict(_REMOVE % (aggregate_id, _MOVES % ("removed from", zone,
                                                                      new, count)))
        try:
            self.store.aggregates.remove_host(aggregate_id, host)
        except exc.NotFound:
            raise missing
        return self.store.aggregates.get(aggregate_id)

    def _compute_host(self, host: str) -> None:
        if host not in {h["host"] for h in self.store.capacity.hosts()}:
            raise exc.ComputeHostNotFound(host=host)

    def _zones_of(self, host: str, *, exclude: int | None = None) -> list[str]:
        """Zones of the other aggregates holding ``host``, by aggregate id."""
        return [a["metadata"][ZONE_KEY] for a in aggregates_by_host(
                    self.store.aggregates.list()).get(host, ())
                if a["id"] != exclude and a["metadata"].get(ZONE_KEY)]

    def _instances_on(self, host: str) -> int:
        return len(self.store.instances.query(host=host))

    def _check_zone_change(self, aggregate: Record, metadata: dict[str, Any],
                           message: str) -> None:
        """Nova's is_safe_to_update_az for an update of ``aggregate`` to ``metadata``."""
        if ZONE_KEY not in metadata:
            return
        zone = metadata[ZONE_KEY]
        aggregate_id = aggregate["id"]
        if not zone:
            raise exc.Invalid(message % (aggregate_id, "Aggregate %s does not support empty "
                                         "named availability zone" % aggregate["name"]))
        conflicting = [a["metadata"][ZONE_KEY] for a in self.store.aggregates.list()
                       if a["id"] != aggregate_id and a["metadata"].get(ZONE_KEY) not in
                       (None, zone) and set(a["hosts"]) & set(aggregate["hosts"])]
        if conflicting:
            raise exc.Invalid(message % (aggregate_id, "One or more hosts already in "
                                         "availability zone(s) %s" % conflicting))
        if zone != aggregate["metadata"].get(ZONE_KEY) and any(
                self._instances_on(host) for host in aggregate["hosts"]):
            raise exc.Invalid(message % (aggregate_id, "One or more hosts contain instances "
                                         "in this zone"))

    # -- availability zones ----------------------------------------------------------------

    def host_zones(self, ctx: RequestContext | None = None) -> dict[str, str]:
        """``{compute host: zone}`` for every reported host."""
        return host_zones(self.store.capacity.hosts(), self.store.aggregates.list())

    def list_availability_zones(self, ctx: RequestContext) -> list[Record]:
        """Zones with their state and services, as Nova's ``os-availability-zone/detail``:
        ``[{name, available, hosts: {host: {binary: {available, active, updated_at}}}}]``,
        zones holding an enabled service first (with those hosts), then the zones whose
        services are all disabled (``available`` False); each group sorted by name."""
        services = self.list_services(ctx)  # zones already reflect the aggregates
        enabled = [s for s in services if s["status"] == "enabled"]
        available = sorted({s["zone"] for s in enabled})
        unavailable = sorted({s["zone"] for s in services} - set(available))
        zones = []
        for name in available:
            hosts: dict[str, dict[str, Any]] = {}
            for s in enabled:
                if s["zone"] == name:
                    hosts.setdefault(s["host"], {})[s["binary"]] = {
                        "available": s["state"] == "up", "active": True,
                        "updated_at": s["updated_at"]}
            zones.append({"name": name, "available": True, "hosts": hosts})
        zones += [{"name": name, "available": False, "hosts": None} for name in unavailable]
        return zones

    def available_zones(self) -> set[str]:
        """Zones a boot may ask for: those of enabled services (Nova's
        ``get_availability_zones(get_only_available=True)``, ``internal`` included)."""
        zones = self.host_zones()
        return {service_zone(s, zones) for s in self.store.capacity.services()
                if not s.get("disabled")}
