"""STATE/topology.yaml: the topology a state directory was last served with, so that a later
`cellgate serve --state-dir STATE` (no --topology) and `cellgate convert` know it."""

from __future__ import annotations

from pathlib import Path

import yaml

from cellgate.cloud.statedir import write_atomic
from cellgate.cloud.topology import Topology, parse_topology, topology_document

TOPOLOGY_FILE = "topology.yaml"


def saved_topology(state: Path) -> Topology | None:
    """The topology STATE/topology.yaml holds (what `serve` last served), or None."""
    path = state / TOPOLOGY_FILE
    if not path.is_file():
        return None
    return parse_topology(yaml.safe_load(path.read_text(encoding="utf-8")), path)


def save_topology(state: Path, topology: Topology) -> None:
    """Write ``topology`` to STATE/topology.yaml atomically (0600)."""
    write_atomic(state / TOPOLOGY_FILE,
                 yaml.safe_dump(topology_document(topology), sort_keys=False))

