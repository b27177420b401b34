"""Reading test ids: the feature area and the idempotent ids they carry."""

from __future__ import annotations

import re

_AREA = re.compile(r"^cellgate\.tests\.(?:api|scenario)\.([A-Za-z0-9_]+)\.")
_ATTRS = re.compile(r"\[([^\]]*)\]$")


def area_of(test_id: str) -> str | None:
    """The feature area: the package right under `api/` or `scenario/`, else None."""
    match = _AREA.match(test_id)
    return match.group(1) if match else None


def area_or_other(test_id: str) -> str:
    """The feature area, or `other` for ids outside api/ and scenario/ (unit, setUpClass...)."""
    match = re.search(r"cellgate\.tests\.(?:api|scenario)\.([A-Za-z0-9_]+)\.", test_id)
    return match.group(1) if match else "other"


def idempotent_ids(test_id: str) -> set[str]:
    """The `id-<uuid>` attributes of a test id (`...test_x[id-<uuid>,smoke]`), lower-cased."""
    match = _ATTRS.search(test_id)
    if not match:
        return set()
    return {attr[3:].lower() for attr in match.group(1).split(",") if attr.startswith("id-")}
