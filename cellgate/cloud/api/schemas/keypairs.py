"""Request schemas of /os-keypairs, per microversion as Nova's."""

from __future__ import annotations

import copy

from cellgate.cloud.api.schemas import types
from cellgate.cloud.api.validation import compile_schema


def _name(pattern: str) -> dict:
    # Nova's keypair_name_special_chars: a 'name' (printable, no edge whitespace) that also
    # matches the keypair character set
    return {"allOf": [types.name, {"type": "string", "pattern": pattern,
                                   "minLength": 1, "maxLength": 255}]}


NAME = _name(r"^[_\- a-zA-Z0-9]+$")
NAME_V292 = _name(r"^[_\-\@\. a-zA-Z0-9]+$")  # 2.92 adds '@' and '.'


def _create(properties: dict, required: list[str]) -> dict:
    return {
        "type": "object",
        "properties": {"keypair": {"type": "object", "properties": properties,
                                   "required": required, "additionalProperties": False}},
        "required": ["keypair"],
        "additionalProperties": False,
    }


_v21 = {"name": NAME, "public_key": {"type": "string"}}
_v22 = {**_v21, "type": {"type": "string", "enum": ["ssh", "x509"]}}
_v210 = {**_v22, "user_id": {"type": "string"}}
_v292 = {**copy.deepcopy(_v210), "name": NAME_V292}

CREATE = compile_schema(_create(_v21, ["name"]))
CREATE_V22 = compile_schema(_create(_v22, ["name"]))
CREATE_V210 = compile_schema(_create(_v210, ["name"]))
CREATE_V292 = compile_schema(_create(_v292, ["name", "public_key"]))  # import only

# Nova's pagination parameters of GET /os-keypairs from 2.35.
LIMIT_PATTERN = r"^[0-9]*$"
