"""Request schemas of PUT /os-services (Nova's, per microversion)."""

from __future__ import annotations

import copy

from cellgate.cloud.api.schemas import types
from cellgate.cloud.api.validation import compile_schema

_reason = {"type": "string", "minLength": 1, "maxLength": 255}

_update = {
    "type": "object",
    "properties": {
        "host": {"type": "string", "minLength": 1, "maxLength": 255},
        "binary": {"type": "string"},
        "disabled_reason": _reason,
    },
    "required": ["host", "binary"],
    "additionalProperties": False,
}
_update_v211 = copy.deepcopy(_update)
_update_v211["properties"]["forced_down"] = types.boolean

_update_v253 = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["enabled", "disabled"]},
        "disabled_reason": _reason,
        "forced_down": types.boolean,
    },
    "additionalProperties": False,
}

UPDATE = compile_schema(_update)
UPDATE_V211 = compile_schema(_update_v211)
UPDATE_V253 = compile_schema(_update_v253)
