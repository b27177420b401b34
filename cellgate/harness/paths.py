"""Where the gate job and skiplist YAML files live.

The shipped jobs and skiplists are package data (`cellgate/data/gate/`, `cellgate/data/skiplists/`,
read through `importlib.resources`), so `cellgate gate --job NAME` works after any install, from
any folder. A user's own folder holding `gate/*.yaml` (found by searching upward from the current
directory) comes first: its jobs win over shipped jobs of the same name, and the shipped ones stay
available beside them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import cellgate

GATE_DIR = "gate"
SKIPLIST_DIR = "skiplists"


def package_dir() -> Path:
    """The directory of the installed `cellgate` package."""
    return Path(cellgate.__file__).resolve().parent


def data_root() -> Path:
    """The packaged data folder, laid out like a checkout root (`gate/`, `skiplists/`).

    cellgate runs from a file-system install (stestr discovers the suite as files), so the
    resource is a real directory and a `Path` to it is safe to hand to other tools.
    """
    return Path(str(resources.files(cellgate).joinpath("data"))).resolve()


def find_project_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above `start` (default: the current directory) holding a
    `gate/` folder with job files, or None."""
    origin = (start or Path.cwd()).resolve()
    for directory in (origin, *origin.parents):
        gate = directory / GATE_DIR
        if gate.is_dir() and any(gate.glob("*.yaml")):
            return directory
    return None


def gate_roots(start: Path | None = None) -> list[Path]:
    """Folders whose `gate/` jobs are known, in precedence order: the user's project root (if
    any, see `find_project_root`), then the packaged data root."""
    roots = [root for root in (find_project_root(start), data_root()) if root is not None]
    return list(dict.fromkeys(roots))


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
