"""The registry of planted defects: look them up by name, list them, apply them to a cloud."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cellgate.cloud.defects import compute, flavors, platform
from cellgate.cloud.defects.base import Defect
from cellgate.errors import CellgateError

DEFECTS: tuple[Defect, ...] = compute.DEFECTS + flavors.DEFECTS + platform.DEFECTS


class DefectError(CellgateError):
    """An unknown defect name was asked for."""


def all_defects() -> tuple[Defect, ...]:
    """Every planted defect, in listing order."""
    return DEFECTS


def find_defects(names: Iterable[str]) -> list[Defect]:
    """The defects of these names, in the order given (duplicates once); unknown -> error."""
    by_name = {d.name: d for d in DEFECTS}
    wanted = list(dict.fromkeys(names))
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise DefectError(f"unknown defect(s) {', '.join(unknown)}; known defects: "
                          f"{', '.join(by_name)} (see `cellgate serve --list-defects`)")
    return [by_name[n] for n in wanted]


def apply_defects(cloud: Any, defects: Sequence[Defect]) -> None:
    """Plant each defect into the (not yet serving) cloud, once, in the order given."""
    for defect in defects:
        defect.apply(cloud)


def format_defect_list(defects: Sequence[Defect] = DEFECTS) -> str:
    """A table of the defects: name, area and description, one line each."""
    name_width = max(len(d.name) for d in defects)
    area_width = max(len(d.area) for d in defects)
    lines = [f"{'NAME':<{name_width}}  {'AREA':<{area_width}}  DESCRIPTION"]
    lines += [f"{d.name:<{name_width}}  {d.area:<{area_width}}  {d.description}"
              for d in defects]
    return "\n".join(lines) + "\n"
