"""Request body validation with jsonschema, reporting errors the way Nova words them."""

from __future__ import annotations

import base64
import binascii
import uuid as uuidlib
from typing import Any

from jsonschema import Draft4Validator, FormatChecker, validators

from cellgate.cloud.api.errors import HTTPError


def _number_from_str(instance: Any) -> int | float | None:
    try:
        return int(instance)
    except (ValueError, TypeError):
        try:
            return float(instance)
        except (ValueError, TypeError):
            return None


def _bound(keyword: str) -> Any:
    """Nova's minimum/maximum: a numeric string is compared as the number it spells (so
    ``"ram": "<23 digits>"`` is 'greater than the maximum', not passed on to the database)."""
    check = Draft4Validator.VALIDATORS[keyword]

    def validate_bound(validator: Any, bound: Any, instance: Any, schema: dict) -> Any:
        number = _number_from_str(instance) if isinstance(instance, str) else instance
        if number is None or isinstance(number, bool):
            return None
        return check(validator, bound, number, schema)
    return validate_bound


_Validator = validators.extend(Draft4Validator, {"minimum": _bound("minimum"),
                                                 "maximum": _bound("maximum")})
_FORMATS = FormatChecker(())
_FORMATS.checkers = dict(Draft4Validator.FORMAT_CHECKER.checkers)


@_FORMATS.checks("base64", raises=(binascii.Error, TypeError))
def _is_base64(instance: object) -> bool:
    """Nova's 'base64' format (oslo's decode_as_bytes: non-alphabet characters skipped, the
    padding checked)."""
    if not isinstance(instance, str):
        return True
    base64.b64decode(instance.encode("utf-8"))
    return True


@_FORMATS.checks("uuid", raises=(ValueError, AttributeError, TypeError))
def _is_uuid(instance: object) -> bool:
    """Nova's 'uuid' format (oslo's is_uuid_like: a UUID, dashes optional)."""
    if not isinstance(instance, str):
        return True
    return uuidlib.UUID(instance).hex == instance.replace("-", "").lower()


def compile_schema(schema: dict) -> Draft4Validator:
    """Check a schema once (at import time) and return its validator; formats (uuid, ipv4,
    date-time, base64, ...) and numeric strings' bounds are checked as Nova checks them."""
    Draft4Validator.check_schema(schema)
    return _Validator(schema, format_checker=_FORMATS)


def invalid_input(field: Any, value: Any, message: str) -> HTTPError:
    """Nova's 400 for one bad field: the field's own name (not its path), its value and why."""
    return HTTPError(400, "Invalid input for field/attribute %s. Value: %s. %s"
                     % (field, value, message))


# Fields whose values never appear in an error message (the message would echo a password)
SECRET_FIELDS = frozenset({"password", "adminPass"})
MASK = "***"
KEYSTONE_MISSING = ("Expecting to find %s in %s. The server could not comply with the request "
                    "since it is either malformed or otherwise incorrect. The client is assumed "
                    "to be in error.")


def _first_error(validator: Draft4Validator, body: Any) -> Any:
    # Nova and Keystone both report the first error jsonschema finds, not the "best" one
    return next(iter(validator.iter_errors(body)), None)


def _holds_secret(error: Any) -> bool:
    """True when the failing value is, or contains, a secret field."""
    if error.path and error.path[-1] in SECRET_FIELDS:
        return True
    stack = [error.instance]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if SECRET_FIELDS.intersection(value):
                return True
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _shown(error: Any) -> tuple[Any, str]:
    """(value, message) of an error as they may be shown: secrets masked."""
    if not _holds_secret(error):
        return error.instance, error.message
    return MASK, error.message.replace(repr(error.instance), MASK)


def validate(validator: Draft4Validator, body: Any) -> None:
    """Raise HTTPError(400) with Nova's message when `body` does not match: an error inside
    the body names the innermost field (a missing key names the object that lacks it)."""
    error = _first_error(validator, body)
    if error is None:
        return
    value, message = _shown(error)
    if error.path:
        raise invalid_input(error.path[-1], value, message)
    raise HTTPError(400, message)


def validate_identity(validator: Draft4Validator, body: Any) -> None:
    """Raise HTTPError(400) with Keystone's wording when `body` does not match: the whole
    path of the field, slash-joined (without the schema dump Keystone appends). A user or
    project reference lacking id, name or domain gets the message of Keystone's auth plugin,
    which names what is missing and, unlike the schema's message, does not echo the password."""
    error = _first_error(validator, body)
    if error is None:
        return
    if error.validator == "anyOf" and error.path and isinstance(error.instance, dict):
        missing = "domain" if "id" in error.instance or "name" in error.instance else "id or name"
        raise HTTPError(400, KEYSTONE_MISSING % (missing, error.path[-1]))
    _, message = _shown(error)
    if error.path:
        raise HTTPError(400, "Invalid input for field '%s': %s"
                        % ("/".join(str(p) for p in error.path), message))
    raise HTTPError(400, message)
