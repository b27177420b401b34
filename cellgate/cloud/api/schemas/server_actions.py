"""Request schemas of the server actions beyond reboot (Nova's, per microversion)."""

from __future__ import annotations

import copy

from cellgate.cloud.api.schemas import types
from cellgate.cloud.api.validation import compile_schema


def _action(name: str, body: dict) -> dict:
    return {"type": "object", "properties": {name: body}, "required": [name],
            "additionalProperties": False}


_lock_v273 = _action("lock", {
    "type": ["object", "null"],
    "properties": {"locked_reason": {"type": "string", "minLength": 1, "maxLength": 255}},
    "additionalProperties": False,
})

_rebuild = _action("rebuild", {
    "type": "object",
    "properties": {
        "name": types.server_name,
        "imageRef": types.uuid,
        "adminPass": {"type": "string"},
        "metadata": types.metadata,
        "preserve_ephemeral": types.boolean,
        "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
        "accessIPv4": {"type": "string", "format": "ipv4"},
        "accessIPv6": {"type": "string", "format": "ipv6"},
        "personality": {"type": "array"},
    },
    "required": ["imageRef"],
    "additionalProperties": False,
})
_rebuild_v219 = copy.deepcopy(_rebuild)
_rebuild_v219["properties"]["rebuild"]["properties"]["description"] = types.description
_rebuild_v254 = copy.deepcopy(_rebuild_v219)
_rebuild_v254["properties"]["rebuild"]["properties"]["key_name"] = {
    "type": ["string", "null"], "minLength": 1, "maxLength": 255}
_rebuild_v257 = copy.deepcopy(_rebuild_v254)
del _rebuild_v257["properties"]["rebuild"]["properties"]["personality"]
_rebuild_v257["properties"]["rebuild"]["properties"]["user_data"] = {
    "type": ["string", "null"], "maxLength": 65535}

_rebuild_v263 = copy.deepcopy(_rebuild_v257)
_rebuild_v263["properties"]["rebuild"]["properties"]["trusted_image_certificates"] = \
    types.trusted_certs
_rebuild_v290 = copy.deepcopy(_rebuild_v263)
_rebuild_v290["properties"]["rebuild"]["properties"]["hostname"] = types.hostname
_rebuild_v294 = copy.deepcopy(_rebuild_v290)
_rebuild_v294["properties"]["rebuild"]["properties"]["hostname"] = types.fqdn

# 2.77: {"unshelve": null} or {"unshelve": {"availability_zone": <name>}}; 2.91 adds a host
# and a null zone (unpin).
_unshelve_v277 = _action("unshelve", {
    "type": ["object", "null"],
    "properties": {"availability_zone": types.name},
    "required": ["availability_zone"],
    "additionalProperties": False,
})
_unshelve_v291 = _action("unshelve", {
    "type": ["object", "null"],
    "properties": {"availability_zone": {"type": ["string", "null"]},
                   "host": {"type": "string"}},
    "additionalProperties": False,
})

_console_output = _action("os-getConsoleOutput", {
    "type": "object",
    "properties": {"length": {"type": ["integer", "string", "null"], "pattern": "^-?[0-9]+$",
                              "minimum": -1}},
    "additionalProperties": False,
})

_resize = _action("resize", {
    "type": "object",
    "properties": {
        "flavorRef": {"type": ["string", "integer"], "minLength": 1},
        "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
    },
    "required": ["flavorRef"],
    "additionalProperties": False,
})

_migrate_v256 = _action("migrate", {
    "type": ["object", "null"],
    "properties": {"host": {"type": ["string", "null"], "minLength": 1, "maxLength": 255}},
    "additionalProperties": False,
})

LOCK_V273 = compile_schema(_lock_v273)
RESIZE = compile_schema(_resize)
MIGRATE_V256 = compile_schema(_migrate_v256)
REBUILD = compile_schema(_rebuild)
REBUILD_V219 = compile_schema(_rebuild_v219)
REBUILD_V254 = compile_schema(_rebuild_v254)
REBUILD_V257 = compile_schema(_rebuild_v257)
REBUILD_V263 = compile_schema(_rebuild_v263)
REBUILD_V290 = compile_schema(_rebuild_v290)
REBUILD_V294 = compile_schema(_rebuild_v294)
UNSHELVE_V277 = compile_schema(_unshelve_v277)
UNSHELVE_V291 = compile_schema(_unshelve_v291)
CONSOLE_OUTPUT = compile_schema(_console_output)
