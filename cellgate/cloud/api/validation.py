"""Request body validation with jsonschema, reporting errors the way Nova words them."""

from __future__ import annotations

from typing import Any

import jsonschema
from jsonschema import Draft4Validator

from cellgate.cloud.api.errors import HTTPError


def compile_schema(schema: dict) -> Draft4Validator:
    """Check a schema once (at import time) and return its validator."""
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def validate(validator: Draft4Validator, body: Any) -> None:
    """Raise HTTPError(400) with Nova's message when `body` does not match."""
    error = jsonschema.exceptions.best_match(validator.iter_errors(body))
    if error is None:
        return
    if error.validator == "additionalProperties" and error.validator_value is False:
        message = "Additional properties are not allowed (%s)" % _extra(error)
        path = "/".join(str(p) for p in error.path)
        if path:
            message = "Invalid input for field/attribute %s. %s" % (path, message)
        raise HTTPError(400, message)
    if error.validator == "required":
        raise HTTPError(400, error.message)
    if error.path:
        path = "/".join(str(p) for p in error.path)
        raise HTTPError(400, "Invalid input for field/attribute %s. Value: %s. %s"
                        % (path, _short(error.instance), error.message))
    raise HTTPError(400, error.message)


def _extra(error: jsonschema.ValidationError) -> str:
    allowed = set(error.schema.get("properties", {}))
    patterns = error.schema.get("patternProperties", {})
    extra = [k for k in error.instance if k not in allowed and not patterns]
    return ", ".join(repr(k) for k in sorted(extra)) + (" was" if len(extra) == 1 else " were") \
        + " unexpected"


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 255 else text[:252] + "..."
