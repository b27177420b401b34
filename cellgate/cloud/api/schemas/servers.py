"""Request schemas of /servers, server actions and server metadata."""

from __future__ import annotations

import copy

from cellgate.cloud.api.schemas import types
from cellgate.cloud.api.validation import compile_schema

_network = {
    "type": "object",
    "properties": {
        "uuid": {"type": "string"},
        "port": {"oneOf": [types.uuid, {"type": "null"}]},
        "fixed_ip": {"type": "string"},
        "tag": {"type": "string", "maxLength": 60},
    },
    "additionalProperties": False,
}

_create = {
    "type": "object",
    "properties": {
        "server": {
            "type": "object",
            "properties": {
                "name": types.server_name,
                "imageRef": {"oneOf": [types.uuid, {"type": "string", "maxLength": 0}]},
                "flavorRef": {"type": ["string", "integer"], "minLength": 1},
                "adminPass": {"type": "string"},
                "metadata": types.metadata,
                "networks": {"oneOf": [{"type": "array", "items": _network},
                                       {"type": "string", "enum": ["auto", "none"]}]},
                "availability_zone": {"type": "string", "minLength": 1, "maxLength": 255},
                "key_name": {"type": "string", "minLength": 1, "maxLength": 255},
                "accessIPv4": {"type": "string", "format": "ipv4"},
                "accessIPv6": {"type": "string", "format": "ipv6"},
                "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
                "config_drive": types.boolean,
                "user_data": {"type": "string", "maxLength": 65535},
                "min_count": types.positive_integer,
                "max_count": types.positive_integer,
                "return_reservation_id": types.boolean,
                "security_groups": {"type": "array", "items": {
                    "type": "object", "properties": {"name": {"type": "string"}},
                    "additionalProperties": False}},
                "block_device_mapping_v2": {"type": "array"},
                "personality": {"type": "array"},
            },
            "required": ["name", "flavorRef"],
            "additionalProperties": False,
        },
        "os:scheduler_hints": {"type": "object"},
        "OS-SCH-HNT:scheduler_hints": {"type": "object"},
    },
    "required": ["server"],
    "additionalProperties": False,
}

_create_v219 = copy.deepcopy(_create)
_create_v219["properties"]["server"]["properties"]["description"] = types.description

_create_v237 = copy.deepcopy(_create_v219)
_create_v237["properties"]["server"]["required"].append("networks")

_update = {
    "type": "object",
    "properties": {
        "server": {
            "type": "object",
            "properties": {
                "name": types.server_name,
                "accessIPv4": {"type": "string", "format": "ipv4"},
                "accessIPv6": {"type": "string", "format": "ipv6"},
                "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
            },
            "additionalProperties": False,
        },
    },
    "required": ["server"],
    "additionalProperties": False,
}

_update_v219 = copy.deepcopy(_update)
_update_v219["properties"]["server"]["properties"]["description"] = types.description

_reboot = {
    "type": "object",
    "properties": {
        "reboot": {
            "type": "object",
            "properties": {"type": {"type": "string",
                                    "enum": ["HARD", "Hard", "hard", "SOFT", "Soft", "soft"]}},
            "required": ["type"],
            "additionalProperties": False,
        },
    },
    "required": ["reboot"],
    "additionalProperties": False,
}

_metadata = {
    "type": "object",
    "properties": {"metadata": types.metadata},
    "required": ["metadata"],
    "additionalProperties": False,
}

_metadata_item = copy.deepcopy(types.metadata)
_metadata_item["minProperties"] = 1
_metadata_item["maxProperties"] = 1

_meta_item = {
    "type": "object",
    "properties": {"meta": _metadata_item},
    "required": ["meta"],
    "additionalProperties": False,
}

CREATE = compile_schema(_create)
CREATE_V219 = compile_schema(_create_v219)
CREATE_V237 = compile_schema(_create_v237)
UPDATE = compile_schema(_update)
UPDATE_V219 = compile_schema(_update_v219)
REBOOT = compile_schema(_reboot)
METADATA = compile_schema(_metadata)
META_ITEM = compile_schema(_meta_item)
