"""Request schemas of /os-security-groups, /os-security-group-rules and the
addSecurityGroup/removeSecurityGroup actions, as Nova 34's (extra keys allowed, as there)."""

from __future__ import annotations

from cellgate.cloud.api.validation import compile_schema

_TEXT = {"type": "string", "minLength": 0, "maxLength": 255}

GROUP = compile_schema({
    "type": "object",
    "properties": {"security_group": {
        "type": "object", "properties": {"name": _TEXT, "description": _TEXT},
        "required": ["name", "description"], "additionalProperties": True}},
    "required": ["security_group"],
    "additionalProperties": True,
})

RULE = compile_schema({
    "type": "object",
    "properties": {"security_group_rule": {
        "type": "object",
        "properties": {"group_id": {"type": ["string", "null"], "format": "uuid"},
                       "parent_group_id": {"type": "string", "format": "uuid"},
                       "to_port": {}, "from_port": {}, "ip_protocol": {}, "cidr": {}},
        "required": ["parent_group_id"], "additionalProperties": True}},
    "required": ["security_group_rule"],
    "additionalProperties": True,
})


def _action(name: str):
    return compile_schema({
        "type": "object",
        "properties": {name: {
            "type": "object", "properties": {"name": {"type": "string", "minLength": 1}},
            "required": ["name"], "additionalProperties": False}},
        "required": [name],
        "additionalProperties": True,
    })


ADD = _action("addSecurityGroup")
REMOVE = _action("removeSecurityGroup")
