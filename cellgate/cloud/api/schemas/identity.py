"""Request schema of POST /identity/v3/auth/tokens (password method, project scope)."""

from __future__ import annotations

from cellgate.cloud.api.validation import compile_schema

_domain = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
    "minProperties": 1,
}

_user = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "password": {"type": "string"},
        "domain": _domain,
    },
    "required": ["password"],
    "anyOf": [{"required": ["id"]}, {"required": ["name", "domain"]}],
}

_project = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "domain": _domain},
    "anyOf": [{"required": ["id"]}, {"required": ["name", "domain"]}],
}

_auth = {
    "type": "object",
    "properties": {
        "auth": {
            "type": "object",
            "properties": {
                "identity": {
                    "type": "object",
                    "properties": {
                        "methods": {"type": "array", "items": {"type": "string"},
                                    "minItems": 1},
                        "password": {
                            "type": "object",
                            "properties": {"user": _user},
                            "required": ["user"],
                        },
                    },
                    "required": ["methods"],
                },
                "scope": {
                    "oneOf": [
                        {"type": "object", "properties": {"project": _project},
                         "required": ["project"]},
                        {"type": "string", "enum": ["unscoped"]},
                    ],
                },
            },
            "required": ["identity"],
        },
    },
    "required": ["auth"],
}

AUTH = compile_schema(_auth)
