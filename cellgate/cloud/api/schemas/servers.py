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

# Nova's block_device_mapping_v2 item (abridged: the legacy fields it shares, the v2 fields).
_bdm_v2 = {
    "type": "object",
    "properties": {
        "virtual_name": {"type": "string", "maxLength": 255},
        "volume_id": types.uuid,
        "snapshot_id": types.uuid,
        "volume_size": types.flavor_param_positive,
        "device_name": {"type": "string", "minLength": 1, "maxLength": 255,
                        "pattern": "^[a-zA-Z0-9._/-]*$"},
        "delete_on_termination": types.boolean,
        "no_device": {},
        "connection_info": {"type": "string", "maxLength": 16777215},
        "source_type": {"type": "string", "enum": ["volume", "image", "snapshot", "blank"]},
        "uuid": {"type": "string", "minLength": 1, "maxLength": 255,
                 "pattern": "^[a-zA-Z0-9._-]*$"},
        "image_id": types.uuid,
        "destination_type": {"type": "string", "enum": ["local", "volume"]},
        "guest_format": {"type": "string", "maxLength": 255},
        "device_type": {"type": "string", "maxLength": 255},
        "disk_bus": {"type": "string", "maxLength": 255},
        "boot_index": {"type": ["integer", "string", "null"], "pattern": "^-?[0-9]+$"},
        "tag": types.tag,
    },
    "additionalProperties": False,
}

_uuid_or_uuids = {"oneOf": [{"type": "array", "items": types.uuid}, types.uuid]}

# Nova's scheduler hints: the known hints typed, any other hint allowed.
_hints = {
    "type": "object",
    "properties": {
        "group": _uuid_or_uuids,
        "different_host": _uuid_or_uuids,
        "same_host": {"type": ["string", "array"], "items": types.uuid},
        "query": {"type": ["string", "object"]},
        "target_cell": types.name,
        "different_cell": {"type": ["string", "array"], "items": {"type": "string"}},
        "build_near_host_ip": {"type": "string", "oneOf": [{"format": "ipv4"},
                                                            {"format": "ipv6"}]},
        "cidr": {"type": "string", "pattern": "^/[0-9a-f.:]+$"},
    },
    "additionalProperties": True,
}

_personality = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"path": {"type": "string"},
                       "contents": {"type": "string", "format": "base64"}},
        "additionalProperties": False,
    },
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
                "user_data": {"type": "string", "format": "base64", "maxLength": 65535},
                "min_count": types.positive_integer,
                "max_count": types.positive_integer,
                "return_reservation_id": types.boolean,
                "security_groups": {"type": "array", "items": {
                    "type": "object", "properties": {"name": types.name},
                    "additionalProperties": False}},
                "block_device_mapping_v2": {"type": "array", "items": _bdm_v2},
                "personality": _personality,
            },
            "required": ["name", "flavorRef"],
            "additionalProperties": False,
        },
        "os:scheduler_hints": _hints,
        "OS-SCH-HNT:scheduler_hints": _hints,
    },
    "required": ["server"],
    "additionalProperties": False,
}

_create_v219 = copy.deepcopy(_create)
_create_v219["properties"]["server"]["properties"]["description"] = types.description

_create_v237 = copy.deepcopy(_create_v219)
_create_v237["properties"]["server"]["required"].append("networks")

# 2.52: tags on boot; 2.57: no personality (file injection removed).
_create_v252 = copy.deepcopy(_create_v237)
_create_v252["properties"]["server"]["properties"]["tags"] = {
    "type": "array", "items": types.tag, "maxItems": types.MAX_TAG_COUNT}
_create_v257 = copy.deepcopy(_create_v252)
del _create_v257["properties"]["server"]["properties"]["personality"]

# 2.63 trusted certificates; 2.67 a volume type per block device; 2.74 a requested host and
# node; 2.90 a hostname, an FQDN from 2.94.
_create_v263 = copy.deepcopy(_create_v257)
_create_v263["properties"]["server"]["properties"]["trusted_image_certificates"] = \
    types.trusted_certs
_create_v267 = copy.deepcopy(_create_v263)
_create_v267["properties"]["server"]["properties"]["block_device_mapping_v2"]["items"][
    "properties"]["volume_type"] = {"type": ["string", "null"], "minLength": 0,
                                    "maxLength": 255}
_create_v274 = copy.deepcopy(_create_v267)
_create_v274["properties"]["server"]["properties"]["host"] = types.fqdn
_create_v274["properties"]["server"]["properties"]["hypervisor_hostname"] = types.fqdn
_create_v290 = copy.deepcopy(_create_v274)
_create_v290["properties"]["server"]["properties"]["hostname"] = types.hostname
_create_v294 = copy.deepcopy(_create_v290)
_create_v294["properties"]["server"]["properties"]["hostname"] = types.fqdn

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

_update_v290 = copy.deepcopy(_update_v219)
_update_v290["properties"]["server"]["properties"]["hostname"] = types.hostname
_update_v294 = copy.deepcopy(_update_v290)
_update_v294["properties"]["server"]["properties"]["hostname"] = types.fqdn

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
CREATE_V252 = compile_schema(_create_v252)
CREATE_V257 = compile_schema(_create_v257)
CREATE_V263 = compile_schema(_create_v263)
CREATE_V267 = compile_schema(_create_v267)
CREATE_V274 = compile_schema(_create_v274)
CREATE_V290 = compile_schema(_create_v290)
CREATE_V294 = compile_schema(_create_v294)
UPDATE = compile_schema(_update)
UPDATE_V219 = compile_schema(_update_v219)
UPDATE_V290 = compile_schema(_update_v290)
UPDATE_V294 = compile_schema(_update_v294)
REBOOT = compile_schema(_reboot)
METADATA = compile_schema(_metadata)
META_ITEM = compile_schema(_meta_item)
