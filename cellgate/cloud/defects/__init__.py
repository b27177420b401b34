"""Planted defects for the mutation check: the reference cloud run as a broken Nova could be.

Never on by default: `cellgate serve --defect NAME` (repeatable) plants them at start-up,
`cellgate serve --list-defects` lists them and `cellgate mutants` proves the suite catches
each one. See base.py for how a defect reaches into the cloud without touching its code.
"""

from cellgate.cloud.defects.base import Defect
from cellgate.cloud.defects.registry import (
    DefectError,
    all_defects,
    apply_defects,
    find_defects,
    format_defect_list,
)

__all__ = ["Defect", "DefectError", "all_defects", "apply_defects", "find_defects",
           "format_defect_list"]
