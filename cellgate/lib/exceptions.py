"""Exceptions of the client library.

HTTP errors come straight from `tempest.lib.exceptions` (re-exported here so tests import one
module); the library adds the waiter errors tempest.lib lacks and a credentials error. Every
waiter error is a test-framework failure exception, so an unexpected state reads as a failure.
"""

from __future__ import annotations

import testtools
from tempest.lib.exceptions import (  # noqa: F401  (re-exports)
    BadRequest,
    Conflict,
    EndpointNotFound,
    Forbidden,
    IdentityError,
    InvalidCredentials,
    InvalidHTTPResponseBody,
    InvalidHttpSuccessCode,
    NotAcceptable,
    NotFound,
    RestClientException,
    ServerFault,
    TempestException,
    Unauthorized,
    UnexpectedResponseCode,
)


class CellgateLibError(Exception):
    """Base of the errors raised by `cellgate.lib` itself (not HTTP errors)."""


class CredentialsError(CellgateLibError, ValueError):
    """Credentials could not be read (missing clouds.yaml, unknown entry, missing field)."""


class WaitError(CellgateLibError, testtools.TestCase.failureException):
    """A waiter gave up: the resource reached a bad state or the time ran out."""


class BuildErrorException(WaitError):
    """A server went to ERROR while we waited for another status; carries the server's fault."""

    def __init__(self, message: str, server_id: str | None = None,
                 fault: dict | None = None) -> None:
        super().__init__(message)
        self.server_id = server_id
        self.fault = fault


class DeleteErrorException(WaitError):
    """A server went to ERROR while we waited for it to be deleted."""

    def __init__(self, message: str, server_id: str | None = None) -> None:
        super().__init__(message)
        self.server_id = server_id


class TimeoutException(WaitError):
    """A waiter ran out of time; the message names the wanted status and the elapsed time."""
