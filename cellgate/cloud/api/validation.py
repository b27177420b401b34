"""Request body validation with jsonschema, reporting errors the way Nova words them."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft4Validator

from cellgate.cloud.api.errors import HTTPError


def compile_schema(schema: dict) -> Draft4Validator:
    """Check a schema once (at import time) and return its validator; formats (uuid, ipv4,
    date-time, ...) are checked as Nova checks them."""
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def invalid_input(field: Any, value: Any, message: str) -> HTTPError:
    """Nova's 400 for one bad field: the field's own name (not its path), its value and why."""
    return HTTPError(400, "Invalid input for field/attribute %s. Value: %s. %s"
                     % (field, value, message))


def _first_error(validator: Draft4Validator, body: Any) -> Any:
    # Nova and Keystone both report the first error jsonschema finds, not the "best" one
    return next(iter(validator.iter_errors(body)), None)


def validate(validator: Draft4Validator, body: Any) -> None:
    """Raise HTTPError(400) with Nova's message when `body` does not match: an error inside
    the body names the innermost field (a missing key names the object that lacks it)."""
    error = _first_error(validator, body)
    if error is None:
        return
    if error.path:
        raise invalid_input(error.path[-1], error.instance, error.message)
    raise HTTPError(400, error.message)


def validate_identity(validator: Draft4Validator, body: Any) -> None:
    """Raise HTTPError(400) with Keystone's wording when `body` does not match: the whole
    path of the field, slash-joined (without the schema dump Keystone appends)."""
    error = _first_error(validator, body)
    if error is None:
        return
    if error.path:
        raise HTTPError(400, "Invalid input for field '%s': %s"
                        % ("/".join(str(p) for p in error.path), error.message))
    raise HTTPError(400, error.message)
