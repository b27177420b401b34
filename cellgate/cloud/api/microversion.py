"""Compute API microversions: parse the request headers and negotiate against the served range.

Nova reads `OpenStack-API-Version: compute X.Y` first and falls back to the legacy
`X-OpenStack-Nova-API-Version: X.Y`; `latest` means the maximum; no header means the minimum.
A malformed value is a 400, a well-formed one outside the range is a 406.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_VERSION = "2.1"
MAX_VERSION = "2.61"
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


def requested_version_text(headers) -> str | None:
    """Return the compute version the request asks for, or None when it names none.

    `headers` is any mapping with case-insensitive `get` (Werkzeug's Headers).
    """
    value = headers.get(HEADER)
    if value:
        for item in value.split(","):
            parts = item.strip().split(None, 1)
            if len(parts) == 2 and parts[0].lower() == SERVICE_TYPE:
                return parts[1].strip()
            if len(parts) == 1 and parts[0].lower() == SERVICE_TYPE:
                raise MicroversionError(400, "Invalid OpenStack-API-Version header: %s" % value)
    legacy = headers.get(LEGACY_HEADER)
    if legacy:
        return legacy.strip()
    return None


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
