"""Helpers of the aggregate and zone tests: aggregates removed at cleanup (hosts first, as
Nova refuses to delete a non-empty one), the compute hosts to use, unique names."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.tests.api.servers._helpers import unique_name as _unique_name


def unique_name(kind: str = "agg") -> str:
    """A name no other test uses (letters, digits and dashes)."""
    return _unique_name(kind)


def remove_aggregate(client, aggregate_id: int, name: str, uuid: str | None = None) -> None:
    """Remove the hosts of aggregate ``aggregate_id``, then it, if it is still the one made
    (a cloud may give a deleted aggregate's id to a new one): the same ``uuid`` (2.41+, so a
    renamed aggregate is still found), else the same ``name``."""
    try:
        shown = client.show_aggregate(aggregate_id)["aggregate"]
    except lib_exc.NotFound:
        return
    if (shown.get("uuid") != uuid) if uuid else (shown["name"] != name):
        return
    hosts = shown["hosts"] or []
    for host in hosts:
        try:
            client.remove_host(aggregate_id, host=host)
        except lib_exc.NotFound:
            pass
    try:
        client.delete_aggregate(aggregate_id)
    except lib_exc.NotFound:
        pass


def create_aggregate(test, hosts=(), metadata=None, **kwargs) -> dict:
    """Create an aggregate as admin (unique name unless given), add ``hosts`` and set
    ``metadata``; removed (hosts, then the aggregate) when the test ends. Returns the
    aggregate as show answers it."""
    client = test.os_admin.aggregates_client
    kwargs.setdefault("name", unique_name())
    aggregate = client.create_aggregate(**kwargs)["aggregate"]
    test.addCleanup(remove_aggregate, client, aggregate["id"], aggregate["name"],
                    aggregate.get("uuid"))
    for host in hosts:
        client.add_host(aggregate["id"], host=host)
    if metadata:
        client.set_metadata(aggregate["id"], metadata=metadata)
    return client.show_aggregate(aggregate["id"])["aggregate"]


def compute_hosts(test) -> list[str]:
    """Enabled, up nova-compute hosts, by name."""
    services = test.os_admin.services_client.list_services(binary="nova-compute")["services"]
    return sorted(s["host"] for s in services
                  if s["status"] == "enabled" and s["state"] == "up")


def host_per_cell(test) -> dict[str, str]:
    """``{cell: host}``: the first compute host of each cell ``[cells] host_cells`` names."""
    chosen: dict[str, str] = {}
    for host in compute_hosts(test):
        cell = test.config.cells.cell_of(host)
        if cell is not None:
            chosen.setdefault(cell, host)
    return chosen


def service_zone(test, host: str) -> str:
    """The zone os-services shows for ``host``'s nova-compute service."""
    services = test.os_admin.services_client.list_services(binary="nova-compute",
                                                           host=host)["services"]
    return services[0]["zone"]
