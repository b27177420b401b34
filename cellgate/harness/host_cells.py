"""Which cell each compute host belongs to, for `[cells] host_cells`.

The Nova API does not show a host's cell, so the mapping comes from the cloud's cellgate route
(`GET /cellgate/v1/cells`, served by the reference cloud) when it has one, then from what the
operator says: a regex whose first group (or group `cell`) names the cell of a nova-compute
host, and `HOST=CELL` pairs, which win over everything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cellgate.errors import CellgateError
from cellgate.harness.config import parse_host_cells
from cellgate.lib import cells
from cellgate.lib.clients import Clients
from cellgate.lib.credentials import Credentials


class HostCellsError(CellgateError):
    """A host-cell option is malformed, or the cloud could not be asked."""


def parse_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """`--host-cell HOST=CELL` values -> {host: cell}."""
    try:
        return parse_host_cells(" ".join(pairs))
    except ValueError as error:
        raise HostCellsError(f"--host-cell {error}; write HOST=CELL, e.g. compute1=cell1")


def cells_by_regex(hosts: Iterable[str], pattern: str) -> dict[str, str]:
    """{host: cell} for the hosts `pattern` matches (its group `cell`, else its first group)."""
    try:
        regex = re.compile(pattern)
    except re.error as error:
        raise HostCellsError(f"--host-cell-regex {pattern!r}: {error}")
    if not regex.groups:
        raise HostCellsError(f"--host-cell-regex {pattern!r} has no group; put the cell name "
                             r"in one, e.g. '^(cell\d+)-'")
    mapping = {}
    for host in hosts:
        match = regex.match(host)
        if match:
            cell = match.group("cell") if "cell" in regex.groupindex else match.group(1)
            if cell:
                mapping[host] = cell
    return mapping


def discover_host_cells(admin: Credentials, *, pairs: Iterable[str] = (),
                        regex: str | None = None) -> dict[str, str]:
    """The host -> cell mapping of the cloud `admin` logs in to ({} when nothing says)."""
    explicit = parse_pairs(pairs)
    clients = Clients(admin)
    try:
        listed = cells.list_cells(clients)
        mapping = cells.host_cells(listed) if listed is not None else {}
        if regex:
            computes = clients.services_client.list_services(binary="nova-compute")["services"]
            found = cells_by_regex((s["host"] for s in computes), regex)
            mapping.update({h: c for h, c in found.items() if h not in mapping})
    except HostCellsError:
        raise
    except Exception as exc:  # transport errors, a refused admin call, bad JSON
        raise HostCellsError(f"asking the cloud for its cells failed: {type(exc).__name__}: "
                             f"{str(exc).splitlines()[0] if str(exc) else ''}")
    mapping.update(explicit)
    return mapping
