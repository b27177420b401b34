"""Request schemas of /os-server-groups, per microversion as Nova's."""

from __future__ import annotations

import copy

from cellgate.cloud.api.schemas import types
from cellgate.cloud.api.validation import compile_schema

POLICIES_V21 = ["anti-affinity", "affinity"]
POLICIES_V215 = [*POLICIES_V21, "soft-anti-affinity", "soft-affinity"]


def _policies(allowed: list[str]) -> dict:
    # one policy in a list (2.64 makes it a string); keyword order as Nova's, so the first
    # error reported is the one Nova reports
    return {"type": "array", "items": [{"type": "string", "enum": allowed}],
            "uniqueItems": True, "minItems": 1, "maxItems": 1, "additionalItems": False}


def _create(properties: dict, required: list[str]) -> dict:
    return {
        "type": "object",
        "properties": {"server_group": {
            "type": "object", "properties": {"name": types.name, **properties},
            "required": ["name", *required], "additionalProperties": False}},
        "required": ["server_group"],
        "additionalProperties": False,
    }


_rules = {"type": "object",
          "properties": {"max_server_per_host": copy.deepcopy(types.positive_integer)},
          "additionalProperties": False}

CREATE = compile_schema(_create({"policies": _policies(POLICIES_V21)}, ["policies"]))
CREATE_V215 = compile_schema(_create({"policies": _policies(POLICIES_V215)}, ["policies"]))
CREATE_V264 = compile_schema(_create({"policy": {"type": "string", "enum": POLICIES_V215},
                                      "rules": _rules}, ["policy"]))

# GET /os-server-groups: Nova's non_negative_integer query parameters.
PAGING_PATTERN = r"^[0-9]*$"
