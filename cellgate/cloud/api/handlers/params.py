"""Query-parameter parsing shared by the handlers (400 with Nova's wording on bad values)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from jsonschema import Draft4Validator

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.request import ApiRequest

MAX_LIMIT = 1000
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                      r"[0-9a-fA-F]{12}$")


def is_uuid(value: str) -> bool:
    """True for a UUID with or without dashes."""
    return bool(_UUID_RE.match(value))


def limit_and_marker(req: ApiRequest) -> tuple[int | None, str | None]:
    """`limit` (non-negative integer, capped at 1000) and `marker` from the query."""
    raw = req.query_one("limit")
    limit = None
    if raw is not None:
        try:
            limit = int(raw)
        except ValueError:
            raise HTTPError(400, "limit param must be an integer")
        if limit < 0:
            raise HTTPError(400, "limit param must be positive")
        limit = min(limit, MAX_LIMIT)
    marker = req.query_one("marker")
    if marker is not None and not marker:
        raise HTTPError(400, "marker param must not be empty")
    return limit, marker


def sort_dir(req: ApiRequest, default: str = "asc") -> str:
    """`sort_dir`: asc or desc."""
    value = req.query_one("sort_dir") or default
    if value not in ("asc", "desc"):
        raise HTTPError(400, "Invalid input for query parameters sort_dir. Value: %s. "
                             "'%s' is not one of ['asc', 'desc']" % (value, value))
    return value


# The database's integer columns (Nova's nova.db.constants.MAX_INT).
MAX_INT = 0x7FFFFFFF


def non_negative_int(req: ApiRequest, name: str, message: str) -> int | None:
    """An optional integer query parameter (0 to MAX_INT: Nova lets a larger one reach the
    database and answers 500; this cloud answers the 400 of any other bad value)."""
    raw = req.query_one(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise HTTPError(400, message % raw)
    if not 0 <= value <= MAX_INT:
        raise HTTPError(400, message % raw)
    return value


def timestamp(req: ApiRequest, name: str) -> datetime | None:
    """An ISO 8601 query parameter as an aware UTC datetime."""
    raw = req.query_one(name)
    if raw is None:
        return None
    text = raw.strip().replace("Z", "+00:00").replace(" ", "+")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise HTTPError(400, "Invalid input for query parameters %s. Value: %s. "
                             "'%s' is not a 'date-time'" % (name, raw, raw))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:  # past year 9999 or before year 1 in UTC: the nearest end
        end = datetime.max if value.year > 1 else datetime.min
        return end.replace(tzinfo=timezone.utc)


_TRUE = ("1", "t", "true", "on", "y", "yes")
_FALSE = ("0", "f", "false", "off", "n", "no")


def bool_or_false(raw: str) -> bool:
    """Nova's ``strutils.bool_from_string(raw, default=False)``: an unknown value is False."""
    return raw.strip().lower() in _TRUE


def boolean(req: ApiRequest, name: str) -> bool | None:
    """An optional boolean query parameter (Nova's strutils set)."""
    raw = req.query_one(name)
    if raw is None:
        return None
    low = raw.strip().lower()
    if low in ("",) + _TRUE:
        return True
    if low in _FALSE:
        return False
    raise HTTPError(400, "Invalid input for query parameters %s. Value: %s. "
                         "Unrecognized value '%s'" % (name, raw, raw))


def strict_bool(raw: str) -> bool:
    """oslo's ``bool_from_string(raw, strict=True)`` (Nova's 2.73 ``locked`` filter): 400
    with its message for any other value."""
    low = raw.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise HTTPError(400, "Unrecognized value '%s', acceptable values are: '0', '1', 'f', "
                         "'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'" % raw)


def only(req: ApiRequest, *names: str) -> None:
    """Refuse query parameters other than `names`, as Nova's strict query schemas do (for
    example os-hypervisors from 2.53, os-instance-actions from 2.58)."""
    schema = {"type": "object", "properties": {name: {} for name in names},
              "additionalProperties": False}
    error = next(iter(Draft4Validator(schema).iter_errors(dict(req.http.args))), None)
    if error is not None:
        raise HTTPError(400, error.message)
