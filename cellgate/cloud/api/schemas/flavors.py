"""Request schemas of /flavors, flavor access actions and os-extra_specs."""

from __future__ import annotations

import copy

from cellgate.cloud.api.schemas import types
from cellgate.cloud.api.validation import compile_schema

_create = {
    "type": "object",
    "properties": {
        "flavor": {
            "type": "object",
            "properties": {
                "name": types.name,
                "id": {"type": ["string", "number", "null"], "minLength": 1, "maxLength": 255,
                       "pattern": r"^(?! )[a-zA-Z0-9. _-]+(?<! )$"},
                "ram": types.flavor_param_positive,
                "vcpus": types.flavor_param_positive,
                "disk": types.flavor_param_non_negative,
                "OS-FLV-EXT-DATA:ephemeral": types.flavor_param_non_negative,
                "swap": types.flavor_param_non_negative,
                "rxtx_factor": {"type": ["number", "string"],
                                "pattern": r"^[0-9]+(\.[0-9]+)?$",
                                "minimum": 0, "exclusiveMinimum": True,
                                "maximum": 3.40282e38},
                "os-flavor-access:is_public": types.boolean,
            },
            "required": ["name", "ram", "vcpus", "disk"],
            "additionalProperties": False,
        },
    },
    "required": ["flavor"],
    "additionalProperties": False,
}

_create_v255 = copy.deepcopy(_create)
_create_v255["properties"]["flavor"]["properties"]["description"] = types.flavor_description

_update = {
    "type": "object",
    "properties": {
        "flavor": {
            "type": "object",
            "properties": {"description": types.flavor_description},
            "required": ["description"],
            "additionalProperties": False,
        },
    },
    "required": ["flavor"],
    "additionalProperties": False,
}

_tenant_access = {
    "type": "object",
    "properties": {"tenant": {"type": "string", "minLength": 1, "maxLength": 255,
                              "pattern": r"^[^\x00-\x1f\x7f]+$"}},
    "required": ["tenant"],
    "additionalProperties": False,
}

_add_tenant_access = {
    "type": "object",
    "properties": {"addTenantAccess": _tenant_access},
    "required": ["addTenantAccess"],
    "additionalProperties": False,
}

_remove_tenant_access = {
    "type": "object",
    "properties": {"removeTenantAccess": _tenant_access},
    "required": ["removeTenantAccess"],
    "additionalProperties": False,
}

_extra_specs_create = {
    "type": "object",
    "properties": {"extra_specs": types.extra_specs},
    "required": ["extra_specs"],
    "additionalProperties": False,
}

_extra_spec_update = copy.deepcopy(types.extra_specs)
_extra_spec_update["minProperties"] = 1
_extra_spec_update["maxProperties"] = 1

CREATE = compile_schema(_create)
CREATE_V255 = compile_schema(_create_v255)
_create_v2102 = copy.deepcopy(_create_v255)  # 2.102: no rxtx_factor
del _create_v2102["properties"]["flavor"]["properties"]["rxtx_factor"]
CREATE_V2102 = compile_schema(_create_v2102)
UPDATE = compile_schema(_update)
ADD_TENANT_ACCESS = compile_schema(_add_tenant_access)
REMOVE_TENANT_ACCESS = compile_schema(_remove_tenant_access)
EXTRA_SPECS_CREATE = compile_schema(_extra_specs_create)
EXTRA_SPEC_UPDATE = compile_schema(_extra_spec_update)
