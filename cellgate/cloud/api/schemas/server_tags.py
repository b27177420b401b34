"""Request schemas of /servers/{id}/tags (Nova's schemas/server_tags.py)."""

from __future__ import annotations

from cellgate.cloud.api.schemas import types
from cellgate.cloud.api.validation import compile_schema

# PUT /servers/{id}/tags
REPLACE = compile_schema({
    "type": "object",
    "properties": {"tags": {"type": "array", "items": types.tag,
                            "maxItems": types.MAX_TAG_COUNT}},
    "required": ["tags"],
    "additionalProperties": False,
})
# PUT /servers/{id}/tags/{tag}: no body (JSON null at most)
ADD = compile_schema({"type": "null"})
# the {tag} of the URL
TAG = compile_schema(types.tag)
