"""Request schemas of /os-quota-sets and /os-quota-class-sets, per microversion as Nova's."""

from __future__ import annotations

from cellgate.cloud.api.schemas import types
from cellgate.cloud.api.validation import compile_schema
from cellgate.cloud.compute.quotas import FILTERED_V236, FILTERED_V257, RESOURCES

# -1 is unlimited; at most the database's MAX_INT
_limit = {"type": ["integer", "string"], "pattern": "^-?[0-9]+$", "minimum": -1,
          "maximum": 0x7FFFFFFF}


def _body(key: str, hidden: tuple[str, ...], force: bool) -> dict:
    properties = {name: _limit for name in RESOURCES if name not in hidden}
    if force:
        properties["force"] = types.boolean
    return {"type": "object",
            "properties": {key: {"type": "object", "properties": properties,
                                 "additionalProperties": False}},
            "required": [key], "additionalProperties": False}


UPDATE = compile_schema(_body("quota_set", (), True))
UPDATE_V236 = compile_schema(_body("quota_set", FILTERED_V236, True))
UPDATE_V257 = compile_schema(_body("quota_set", FILTERED_V257, True))
CLASS_UPDATE = compile_schema(_body("quota_class_set", (), False))
CLASS_UPDATE_V250 = compile_schema(_body("quota_class_set", FILTERED_V236, False))
CLASS_UPDATE_V257 = compile_schema(_body("quota_class_set", FILTERED_V257, False))
