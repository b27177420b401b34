"""Where the gate job and skiplist YAML files live.

The files ship in the repository root (`gate/`, `skiplists/`), next to the `cellgate` package.
When cellgate runs from a checkout (editable install or plain source tree) the package directory
sits inside that root; when it runs from elsewhere the current directory may be inside a
checkout. Both are searched, nearest first.
"""

from __future__ import annotations

from pathlib import Path

import cellgate

GATE_DIR = "gate"
SKIPLIST_DIR = "skiplists"


def package_dir() -> Path:
    """The directory of the installed `cellgate` package."""
    return Path(cellgate.__file__).resolve().parent


def candidate_roots(start: Path | None = None) -> list[Path]:
    """Directories that may hold `gate/` and `skiplists/`, nearest first, without duplicates."""
    roots: list[Path] = []
    for origin in (start or Path.cwd(), package_dir()):
        origin = origin.resolve()
        for directory in (origin, *origin.parents):
            if directory not in roots:
                roots.append(directory)
    return roots


def find_project_root(start: Path | None = None) -> Path | None:
    """The first candidate root holding a `gate/` folder with job files, or None."""
    for root in candidate_roots(start):
        gate = root / GATE_DIR
        if gate.is_dir() and any(gate.glob("*.yaml")):
            return root
    return None


def resolve_data_path(value: str, *, base_dirs: list[Path]) -> Path:
    """Resolve a relative file reference against `base_dirs` in order; absolute paths stay.

    Returns the first existing candidate, or the path under the first base when none exists
    (so the caller's error message names a sensible location).
    """
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    for base in base_dirs:
        if (base / path).exists():
            return (base / path).resolve()
    return (base_dirs[0] / path).resolve() if base_dirs else path.resolve()
