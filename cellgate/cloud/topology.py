"""Load and validate topology YAML files: the API cell, its child cells, their hosts and the
fake driver profile of each host.

A topology is data: ``load_topology('multi-cell')`` reads a shipped file from
``cloud/topologies/``, anything else is taken as a path. Files are read with
``yaml.safe_load``, checked with jsonschema, then checked for meaning (profiles exist, names
unique). Every error is a TopologyError naming the file, the key path and the fix.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from cellgate.errors import CellgateError

SHIPPED_DIR = Path(__file__).with_name("topologies")

# the check strings the topology key cross_cell_resize_policy takes (see cross_cell_allowed)
CROSS_CELL_POLICIES = ("!", "rule:admin_api", "@")

_NAME = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", "maxLength": 63}

FAULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "fail_next_spawns": {"type": "integer", "minimum": 0},
        "fail_instances": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "fail_all_spawns": {"type": "boolean"},
    },
}

PROFILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["vcpus", "memory_mb", "disk_gb"],
    "properties": {
        "name": _NAME,
        "vcpus": {"type": "integer", "minimum": 1},
        "memory_mb": {"type": "integer", "minimum": 1},
        "disk_gb": {"type": "integer", "minimum": 1},
        "dedicated_cpus": {"type": "boolean"},
        "spawn_latency_ms": {"type": "number", "minimum": 0},
        "availability_zone": _NAME,
        "faults": FAULT_SCHEMA,
    },
}

# How often cells report up, when a silent cell is weighted down (stale) and skipped (down),
# and the share of every host the cell scheduler keeps free (cells/health.py).
HEALTH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "report_interval": {"type": "number", "exclusiveMinimum": 0},
        "stale_after": {"type": "number", "exclusiveMinimum": 0},
        "down_after": {"type": "number", "exclusiveMinimum": 0},
        "reserve_percent": {"type": "number", "minimum": 0, "maximum": 10},
    },
}

TOPOLOGY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "profiles", "cells"],
    "properties": {
        "name": _NAME,
        "description": {"type": "string"},
        "cells_enabled": {"type": "boolean"},
        # Nova's policy compute:servers:resize:cross_cell as a check string: "!" nobody
        # (Nova's default), "rule:admin_api" admins, "@" everyone
        "cross_cell_resize_policy": {"enum": list(CROSS_CELL_POLICIES)},
        "cells_health": HEALTH_SCHEMA,
        "profiles": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": _NAME,
            "additionalProperties": PROFILE_SCHEMA,
        },
        "cells": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "hosts"],
                "properties": {
                    "name": _NAME,
                    "hosts": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["name", "profile"],
                            "properties": {"name": _NAME, "profile": _NAME},
                        },
                    },
                },
            },
        },
    },
}


class TopologyError(CellgateError):
    """A topology file is missing or invalid; the message names file, key path and fix."""


@dataclasses.dataclass(frozen=True)
class FaultPlan:
    """Which spawns a host's fake driver fails: the next N, named instances, or all."""

    fail_next_spawns: int = 0
    fail_instances: tuple[str, ...] = ()
    fail_all_spawns: bool = False


@dataclasses.dataclass(frozen=True)
class HostProfile:
    """Resources and behaviour of one fake hypervisor."""

    name: str
    vcpus: int
    memory_mb: int
    disk_gb: int
    dedicated_cpus: bool = False
    spawn_latency_ms: float = 0
    availability_zone: str = "nova"
    faults: FaultPlan = FaultPlan()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (the child cell receives its hosts' profiles as data)."""
        data = dataclasses.asdict(self)
        data["faults"]["fail_instances"] = list(self.faults.fail_instances)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HostProfile:
        """Inverse of to_dict."""
        values = dict(data)
        values["faults"] = FaultPlan(**{**values.get("faults", {}),
                                        "fail_instances": tuple(
                                            values.get("faults", {}).get("fail_instances", ()))})
        return cls(**values)


@dataclasses.dataclass(frozen=True)
class HostSpec:
    """A host of a cell and its profile."""

    name: str
    profile: HostProfile


@dataclasses.dataclass(frozen=True)
class CellSpec:
    """A child cell and its hosts."""

    name: str
    hosts: tuple[HostSpec, ...]


@dataclasses.dataclass(frozen=True)
class Topology:
    """A whole deployment: child cells (one for nocells) and their hosts."""

    name: str
    source: str
    cells_enabled: bool
    profiles: Mapping[str, HostProfile]
    cells: tuple[CellSpec, ...]
    description: str = ""
    cross_cell_resize_policy: str = "!"
    cells_health: Mapping[str, float] = dataclasses.field(default_factory=dict)

    @property
    def cell_names(self) -> list[str]:
        """Names of the child cells, in file order."""
        return [cell.name for cell in self.cells]

    def cell(self, name: str) -> CellSpec:
        """The CellSpec called ``name`` (KeyError if none)."""
        for cell in self.cells:
            if cell.name == name:
                return cell
        raise KeyError(name)


def shipped_topologies() -> list[str]:
    """Names of the topologies shipped with cellgate."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))


def _resolve(name_or_path: str | os.PathLike[str]) -> Path:
    text = os.fspath(name_or_path)
    shipped = SHIPPED_DIR / f"{text}.yaml"
    if os.sep not in text and not text.endswith((".yaml", ".yml")) and shipped.is_file():
        return shipped
    path = Path(text)
    if not path.is_file():
        raise TopologyError(
            f"{text}: no such topology; fix: use one of {', '.join(shipped_topologies())} "
            "or the path of a topology YAML file")
    return path


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as exc:
        raise TopologyError(f"{path}: cannot be read ({exc.strerror}); fix: check the path")
    except yaml.YAMLError as exc:
        raise TopologyError(f"{path}: is not valid YAML ({exc}); fix: correct the YAML syntax")


def _key_path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _fix_for(error: jsonschema.ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    validator = error.validator
    if validator == "required":
        missing = [k for k in error.validator_value if k not in (error.instance or {})]
        return f"add the key {missing[0]!r}" if missing else "add the missing keys"
    if validator == "additionalProperties":
        allowed = ", ".join(sorted(schema.get("properties", {}))) or "none"
        return f"remove the unknown key (allowed keys: {allowed})"
    if validator == "type":
        return f"use a value of type {error.validator_value}"
    if validator == "minimum":
        return f"use a number >= {error.validator_value}"
    if validator == "exclusiveMinimum":
        return f"use a number > {error.validator_value}"
    if validator == "maximum":
        return f"use a number <= {error.validator_value}"
    if validator in ("minItems", "minProperties"):
        return "give at least one entry"
    if validator in ("pattern", "propertyNames", "maxLength"):
        return "use a name of letters, digits, '.', '_' or '-' (at most 63 characters)"
    if validator == "enum":
        return f"use one of {error.validator_value}"
    return "see the shipped topologies for a valid example"


def _schema_error(path: Path, document: Any, schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: (len(e.path), list(e.path)))
    if errors:
        error = errors[0]
        raise TopologyError(f"{path}: {_key_path(error.absolute_path)}: {error.message}; "
                            f"fix: {_fix_for(error)}")


def _profile(name: str, data: Mapping[str, Any]) -> HostProfile:
    faults = data.get("faults") or {}
    return HostProfile(
        name=data.get("name", name), vcpus=data["vcpus"], memory_mb=data["memory_mb"],
        disk_gb=data["disk_gb"], dedicated_cpus=data.get("dedicated_cpus", False),
        spawn_latency_ms=data.get("spawn_latency_ms", 0),
        availability_zone=data.get("availability_zone", "nova"),
        faults=FaultPlan(fail_next_spawns=faults.get("fail_next_spawns", 0),
                         fail_instances=tuple(faults.get("fail_instances", ())),
                         fail_all_spawns=faults.get("fail_all_spawns", False)))


def parse_topology(document: Any, source: str | os.PathLike[str]) -> Topology:
    """Validate a loaded YAML document and build the Topology (``source`` names the file)."""
    path = Path(source)
    _schema_error(path, document, TOPOLOGY_SCHEMA)
    profiles = {name: _profile(name, data) for name, data in document["profiles"].items()}
    cells_enabled = document.get("cells_enabled", True)
    if not cells_enabled and len(document["cells"]) != 1:
        raise TopologyError(f"{path}: cells: a topology with cells_enabled: false has "
                            f"{len(document['cells'])} cells; fix: give it exactly one cell")
    health = document.get("cells_health") or {}
    if health.get("stale_after", 30) >= health.get("down_after", 60):
        raise TopologyError(f"{path}: cells_health: stale_after must be less than down_after "
                            "(a cell is weighted down before it is skipped); fix: lower "
                            "stale_after or raise down_after")
    cells, cell_names, host_names = [], set(), {}
    for ci, cell in enumerate(document["cells"]):
        if cell["name"] in cell_names:
            raise TopologyError(f"{path}: cells[{ci}].name: cell {cell['name']!r} appears twice; "
                                "fix: give every cell a unique name")
        if cell["name"] == "api":
            raise TopologyError(f"{path}: cells[{ci}].name: 'api' is the API cell's name; "
                                "fix: choose another cell name")
        cell_names.add(cell["name"])
        hosts = []
        for hi, host in enumerate(cell["hosts"]):
            key = f"cells[{ci}].hosts[{hi}]"
            if host["profile"] not in profiles:
                raise TopologyError(
                    f"{path}: {key}.profile: unknown profile {host['profile']!r}; fix: use one "
                    f"of {', '.join(sorted(profiles))} or define it under profiles")
            if host["name"] in host_names:
                raise TopologyError(
                    f"{path}: {key}.name: host {host['name']!r} is already defined at "
                    f"{host_names[host['name']]}; fix: host names must be unique across cells")
            host_names[host["name"]] = key
            hosts.append(HostSpec(name=host["name"], profile=profiles[host["profile"]]))
        cells.append(CellSpec(name=cell["name"], hosts=tuple(hosts)))
    return Topology(name=document["name"], source=str(path), cells_enabled=cells_enabled,
                    profiles=profiles, cells=tuple(cells),
                    description=document.get("description", ""),
                    cross_cell_resize_policy=document.get("cross_cell_resize_policy", "!"),
                    cells_health=dict(document.get("cells_health") or {}))


def load_topology(name_or_path: str | os.PathLike[str]) -> Topology:
    """Load a shipped topology by name (nocells, single-cell, multi-cell) or a YAML path."""
    path = _resolve(name_or_path)
    return parse_topology(_read_yaml(path), path)


def load_host_profile(name_or_path: str | os.PathLike[str],
                      topology: Topology | None = None) -> HostProfile:
    """A profile by name from ``topology``, or from a YAML file holding one profile."""
    text = os.fspath(name_or_path)
    if topology is not None and text in topology.profiles:
        return topology.profiles[text]
    path = Path(text)
    if not path.is_file():
        known = ", ".join(sorted(topology.profiles)) if topology else "none"
        raise TopologyError(f"{text}: no such host profile; fix: use a profile name of the "
                            f"topology ({known}) or the path of a YAML file holding one profile")
    document = _read_yaml(path)
    _schema_error(path, document, PROFILE_SCHEMA)
    return _profile(document.get("name", path.stem), document)


def apply_host_profile(topology: Topology, name_or_path: str | os.PathLike[str]) -> Topology:
    """Return ``topology`` with every host given the profile ``name_or_path``."""
    profile = load_host_profile(name_or_path, topology)
    cells = tuple(CellSpec(name=cell.name,
                           hosts=tuple(HostSpec(name=h.name, profile=profile)
                                       for h in cell.hosts))
                  for cell in topology.cells)
    profiles = {**topology.profiles, profile.name: profile}
    return dataclasses.replace(topology, cells=cells, profiles=profiles)


def topology_document(topology: Topology) -> dict[str, Any]:
    """The YAML document of ``topology`` (parse_topology reads it back to an equal one), so a
    state directory can remember what it was served with."""
    return {"name": topology.name, "description": topology.description,
            "cells_enabled": topology.cells_enabled,
            "profiles": {name: {k: v for k, v in profile.to_dict().items() if k != "name"}
                         for name, profile in topology.profiles.items()},
            "cells": [{"name": cell.name,
                       "hosts": [{"name": h.name, "profile": h.profile.name} for h in cell.hosts]}
                      for cell in topology.cells]}
