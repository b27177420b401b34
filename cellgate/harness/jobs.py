"""Gate job files (`gate/<job>.yaml`): which topology, skiplist, features and vote a job has.

Jobs are looked up by name in the user's project `gate/` folder first, then among the jobs
shipped as package data (see `cellgate.harness.paths`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from cellgate.errors import CellgateError, UsageError
from cellgate.harness.paths import (
    GATE_DIR,
    data_root,
    find_project_root,
    gate_roots,
    resolve_data_path,
)

DEFAULT_TEST_FILTER = r"^cellgate\.tests\.(api|scenario)\."

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "topology", "skiplist", "voting"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
        "description": {"type": "string"},
        "topology": {"type": "string", "minLength": 1},
        "skiplist": {"type": ["string", "null"]},
        "voting": {"type": "boolean"},
        "concurrency": {"type": "integer", "minimum": 1, "maximum": 64},
        "features": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
            "additionalProperties": {"type": "boolean"},
        },
        "test_filter": {"type": "string", "minLength": 1},
        "startup_timeout": {"type": "number", "exclusiveMinimum": 0},
    },
}

_FIXES = {
    "additionalProperties": "remove the unknown key; allowed keys: "
                            + ", ".join(SCHEMA["properties"]),
    "required": "add the missing key",
    "type": "use the documented type (see docs/ARCHITECTURE.md, 'Gate job file')",
    "pattern": "use lower-case letters, digits, '-' and '_'",
    "minimum": "use a positive number",
    "maximum": "use at most 64 workers",
}


class JobError(CellgateError):
    """A gate job file is missing or malformed."""


@dataclass(frozen=True)
class GateJob:
    """A validated gate job; paths are resolved to absolute ones where they are files."""

    name: str
    topology: str | None
    skiplist: Path | None
    voting: bool = True
    concurrency: int = 2
    features: dict[str, bool] = field(default_factory=dict)
    test_filter: str = DEFAULT_TEST_FILTER
    description: str = ""
    startup_timeout: float = 60.0
    source: Path | None = None


def known_jobs(start: Path | None = None) -> list[str]:
    """Names of the known jobs: the project's `gate/` folder's and the shipped ones."""
    return sorted({path.stem for root in gate_roots(start)
                   for path in (root / GATE_DIR).glob("*.yaml")})


def find_job(name: str, start: Path | None = None) -> Path:
    """The path of `gate/<name>.yaml` (the project's own wins over the shipped one), or
    UsageError listing the known jobs."""
    roots = gate_roots(start)
    for root in roots:
        path = root / GATE_DIR / f"{name}.yaml"
        if path.is_file():
            return path
    raise UsageError(f"unknown gate job {name!r}; known jobs: "
                     f"{', '.join(known_jobs(start)) or '(none)'} (in "
                     f"{', '.join(str(root / GATE_DIR) for root in roots)}); "
                     "fix: use a known job or pass --job-file PATH")


def _looks_like_path(value: str) -> bool:
    return value.endswith((".yaml", ".yml")) or "/" in value


def _check_features(path: Path, features: dict[str, bool]) -> None:
    """Flags are an open set (tests may require any name), but a near-miss of a known flag is
    almost surely a typo that would silently leave the real flag at its default."""
    from cellgate.harness.config import FEATURE_DEFAULTS

    for name in features:
        if name in FEATURE_DEFAULTS:
            continue
        close = difflib.get_close_matches(name, FEATURE_DEFAULTS, n=1, cutoff=0.8)
        if close:
            raise JobError(f"job file {path}: key features.{name}: unknown feature flag, "
                           f"did you mean {close[0]!r}?; fix: spell it as one of "
                           f"{', '.join(sorted(FEATURE_DEFAULTS))} (or a flag a test requires)")


def load_job(path: str | Path) -> GateJob:
    """Load and validate a job file; errors name the file, the key and the fix."""
    path = Path(path).resolve()
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise JobError(f"job file {path}: cannot read it ({exc.strerror}); "
                       "fix: give the path of an existing job YAML file")
    except yaml.YAMLError as exc:
        raise JobError(f"job file {path}: not valid YAML ({exc}); fix: correct the syntax")
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))
    if errors:
        error = errors[0]
        where = ".".join(str(p) for p in error.absolute_path) or "top level"
        fix = _FIXES.get(str(error.validator), "see docs/ARCHITECTURE.md, 'Gate job file'")
        raise JobError(f"job file {path}: key {where}: {error.message}; fix: {fix}")
    test_filter = document.get("test_filter", DEFAULT_TEST_FILTER)
    try:
        re.compile(test_filter)
    except re.error as exc:
        raise JobError(f"job file {path}: key test_filter: bad regex ({exc}); "
                       "fix: write a valid Python regular expression")
    _check_features(path, document.get("features") or {})
    # relative to the job file, then to its project root, then to the shipped data
    bases = list(dict.fromkeys(base for base in (path.parent, find_project_root(path.parent),
                                                 data_root()) if base is not None))
    topology = document["topology"]
    if _looks_like_path(topology):
        topology = str(resolve_data_path(topology, base_dirs=bases))
    skiplist = None
    if document.get("skiplist"):
        skiplist = resolve_data_path(document["skiplist"], base_dirs=bases)
        if not skiplist.is_file():
            raise JobError(f"job file {path}: key skiplist: {skiplist} does not exist; "
                           "fix: point it at a skiplist file (relative to the job file, its "
                           "project root or the shipped data), or set `skiplist: null`")
    return GateJob(name=document["name"], topology=topology, skiplist=skiplist,
                   voting=document["voting"], concurrency=document.get("concurrency", 2),
                   features=dict(document.get("features") or {}), test_filter=test_filter,
                   description=document.get("description", ""),
                   startup_timeout=float(document.get("startup_timeout", 60)), source=path)
