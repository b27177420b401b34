"""Request schemas of cellgate's cell admin API (``/cellgate/v1/cells``)."""

from __future__ import annotations

from cellgate.cloud.api.validation import compile_schema

UPDATE = compile_schema({
    "type": "object",
    "properties": {"cell": {
        "type": "object",
        "properties": {"disabled": {"type": "boolean"},
                       "weight_offset": {"type": "number", "minimum": -1e9, "maximum": 1e9}},
        "additionalProperties": False,
        "minProperties": 1,
    }},
    "required": ["cell"],
    "additionalProperties": False,
})

SYNC = compile_schema({
    "type": "object",
    "properties": {"sync": {
        "type": "object",
        "properties": {"project_id": {"type": "string", "minLength": 1, "maxLength": 255},
                       "changed_since": {"type": "string", "format": "date-time"},
                       "timeout": {"type": "number", "minimum": 0.1, "maximum": 600}},
        "additionalProperties": False,
    }},
    "required": ["sync"],
    "additionalProperties": False,
})

ACTION = compile_schema({
    "type": "object",
    "properties": {"offline": {"type": "null"}, "online": {"type": "null"}},
    "minProperties": 1,
    "maxProperties": 1,
    "additionalProperties": False,
})
