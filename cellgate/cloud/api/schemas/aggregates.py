"""Request schemas of /os-aggregates (Nova's schemas/aggregates.py)."""

from __future__ import annotations

from cellgate.cloud.api.schemas import types
from cellgate.cloud.api.validation import compile_schema

# Nova's az_name: printable, no leading/trailing whitespace, no ':' (it separates zone:host)
_az_name = {"type": "string", "minLength": 1, "maxLength": 255,
            "pattern": r"^(?![\s])[^\x00-\x1f\x7f:]*(?<![\s])$"}
_availability_zone = {"oneOf": [_az_name, {"type": "null"}]}
# Nova's fqdn (a service host name; underscores allowed)
_host = {"type": "string", "pattern": "^[a-zA-Z0-9-._]*$", "minLength": 1, "maxLength": 255}

CREATE = compile_schema({
    "type": "object",
    "properties": {"aggregate": {
        "type": "object",
        "properties": {"name": types.name, "availability_zone": _availability_zone},
        "required": ["name"], "additionalProperties": False}},
    "required": ["aggregate"], "additionalProperties": False})

UPDATE = compile_schema({
    "type": "object",
    "properties": {"aggregate": {
        "type": "object",
        "properties": {"name": types.server_name, "availability_zone": _availability_zone},
        "additionalProperties": False,
        "anyOf": [{"required": ["name"]}, {"required": ["availability_zone"]}]}},
    "required": ["aggregate"], "additionalProperties": False})


def _host_action(name: str) -> dict:
    return compile_schema({
        "type": "object",
        "properties": {name: {"type": "object", "properties": {"host": _host},
                              "required": ["host"], "additionalProperties": False}},
        "required": [name], "additionalProperties": False})


ADD_HOST = _host_action("add_host")
REMOVE_HOST = _host_action("remove_host")

_metadata_with_null = {
    "type": "object",
    "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": ["string", "null"],
                                                        "maxLength": 255}},
    "additionalProperties": False}

SET_METADATA = compile_schema({
    "type": "object",
    "properties": {"set_metadata": {
        "type": "object", "properties": {"metadata": _metadata_with_null},
        "required": ["metadata"], "additionalProperties": False}},
    "required": ["set_metadata"], "additionalProperties": False})
