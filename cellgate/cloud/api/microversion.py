"""Compute API microversions: parse the request headers and negotiate against the served range.

Nova reads `OpenStack-API-Version: compute X.Y` first and falls back to the legacy
`X-OpenStack-Nova-API-Version: X.Y`; `latest` means the maximum; no header means the minimum.
A malformed value is a 400, a well-formed one outside the range is a 406.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import microversion_parse

MIN_VERSION = "2.1"
MAX_VERSION = "2.104"
SERVICE_TYPE = "compute"
LEGACY_HEADER = "X-OpenStack-Nova-API-Version"
HEADER = "OpenStack-API-Version"

_VERSION_RE = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")


class MicroversionError(Exception):
    """A version header that cannot be served; `status` is 400 (malformed) or 406 (range)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class APIVersion:
    """A compute API microversion, comparable as a (major, minor) pair."""

    major: int
    minor: int

    @classmethod
    def parse(cls, text: str) -> APIVersion:
        """Parse 'X.Y'; raise MicroversionError(400) when it is not a version string."""
        match = _VERSION_RE.match(text.strip())
        if not match:
            raise MicroversionError(
                400, "API Version String %s is of invalid format. Must be of format "
                     "MajorNum.MinorNum." % text.strip())
        return cls(int(match.group(1)), int(match.group(2)))

    def matches(self, min_version: str | None = None, max_version: str | None = None) -> bool:
        """True when this version lies within [min_version, max_version] (bounds optional)."""
        if min_version is not None and self < APIVersion.parse(min_version):
            return False
        if max_version is not None and self > APIVersion.parse(max_version):
            return False
        return True

    def __ge__(self, other: object) -> bool:  # accept 'X.Y' strings for readability in views
        if isinstance(other, str):
            other = APIVersion.parse(other)
        return (self.major, self.minor) >= (other.major, other.minor)  # type: ignore[union-attr]

    def __lt__(self, other: object) -> bool:
        if isinstance(other, str):
            other = APIVersion.parse(other)
        return (self.major, self.minor) < (other.major, other.minor)  # type: ignore[union-attr]

    def __gt__(self, other: object) -> bool:
        if isinstance(other, str):
            other = APIVersion.parse(other)
        return (self.major, self.minor) > (other.major, other.minor)  # type: ignore[union-attr]

    def __le__(self, other: object) -> bool:
        if isinstance(other, str):
            other = APIVersion.parse(other)
        return (self.major, self.minor) <= (other.major, other.minor)  # type: ignore[union-attr]

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"


MIN_API_VERSION = APIVersion.parse(MIN_VERSION)
MAX_API_VERSION = APIVersion.parse(MAX_VERSION)


def for_version(version: APIVersion, choices: tuple[tuple[str, Any], ...], default: Any) -> Any:
    """The value of the first ``(minimum, value)`` pair, newest first, that ``version``
    reaches; ``default`` below them all (e.g. the request schema of a microversion)."""
    for minimum, value in choices:
        if version >= minimum:
            return value
    return default


def requested_version_text(headers) -> str | None:
    """The compute version the request asks for ('X.Y' or 'latest'), or None when it names
    none. Read by microversion_parse exactly as Nova reads it: the standard header first (the
    last `compute` entry wins; an entry without a version is ignored), then the legacy one.

    `headers` is any mapping of header names to values (Werkzeug's Headers).
    """
    return microversion_parse.get_version(dict(headers.items()), service_type=SERVICE_TYPE,
                                          legacy_headers=[LEGACY_HEADER])


def negotiate(headers) -> APIVersion:
    """Pick the version to serve for these request headers (raises MicroversionError)."""
    text = requested_version_text(headers)
    if text is None:
        return MIN_API_VERSION
    if text.lower() == "latest":
        return MAX_API_VERSION
    version = APIVersion.parse(text)
    if not MIN_API_VERSION <= version <= MAX_API_VERSION:
        raise MicroversionError(
            406, "Version %s is not supported by the API. Minimum is %s and maximum is %s."
                 % (version, MIN_VERSION, MAX_VERSION))
    return version


def response_headers(version: APIVersion) -> list[tuple[str, str]]:
    """The headers every compute response carries for the served version."""
    return [(HEADER, f"{SERVICE_TYPE} {version}"), (LEGACY_HEADER, str(version)),
            ("Vary", f"{HEADER}, {LEGACY_HEADER}")]
