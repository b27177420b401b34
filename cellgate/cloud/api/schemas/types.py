"""Parameter types shared by the request schemas (Nova's parameter_types, abridged)."""

from __future__ import annotations

# Printable characters, no leading/trailing whitespace (Nova's 'name' type).
name = {
    "type": "string", "minLength": 1, "maxLength": 255,
    "pattern": r"^(?![\s])[^\x00-\x1f\x7f]*(?<![\s])$",
}

# Server names may have leading/trailing spaces stripped by clients; Nova allows the same set.
server_name = {"type": "string", "minLength": 1, "maxLength": 255,
               "pattern": r"^[^\x00-\x1f\x7f]*$"}

description = {"type": ["string", "null"], "minLength": 0, "maxLength": 255,
               "pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"}

flavor_description = {"type": ["string", "null"], "minLength": 0, "maxLength": 65535,
                      "pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"}

uuid = {"type": "string",
        "pattern": r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                   r"[0-9a-fA-F]{12}$"}

# Nova's positive_integer and non_negative_integer: no maximum (min_count and max_count are
# bounded by the compute API's per-request limit instead).
positive_integer = {"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 1,
                    "minLength": 1}

# Nova's flavor_param_positive / flavor_param_non_negative: bounded by the database's MAX_INT.
flavor_param_positive = {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1,
                         "maximum": 0x7FFFFFFF}
flavor_param_non_negative = dict(flavor_param_positive, minimum=0)

# Nova's server tag: 1-60 characters, no comma or slash; at most 50 per server.
MAX_TAG_COUNT = 50
tag = {"type": "string", "pattern": "^[^,/]*$", "minLength": 1, "maxLength": 60}

# Nova's trusted_certs (2.63), hostname (2.90) and fqdn (2.74 host, 2.94 hostname).
trusted_certs = {"type": ["array", "null"], "minItems": 1, "maxItems": 50, "uniqueItems": True,
                 "items": {"type": "string", "minLength": 1}}
hostname = {"type": "string", "pattern": "^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$",
            "minLength": 2, "maxLength": 63}
fqdn = {"type": "string", "pattern": "^[a-zA-Z0-9-._]*$", "minLength": 1, "maxLength": 255}

boolean = {"type": ["boolean", "string"],
           "enum": [True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
                    False, "False", "FALSE", "false", "0", "OFF", "Off", "off",
                    "NO", "No", "no"]}

metadata = {
    "type": "object",
    "patternProperties": {
        "^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255},
    },
    "additionalProperties": False,
}

extra_specs = {
    "type": "object",
    "patternProperties": {
        # Nova accepts numbers (stored as strings) but not booleans or null
        "^[a-zA-Z0-9-_:. ]{1,255}$": {"type": ["string", "number"],
                                      "minLength": 0, "maxLength": 255},
    },
    "additionalProperties": False,
}


def to_bool(value: object) -> bool:
    """The boolean meaning of a value that passed the `boolean` schema."""
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("true", "1", "on", "yes", "y", "t")
