"""HTTP errors raised by handlers and the fault bodies they turn into.

`HTTPError` is the only exception a handler raises on purpose; `faults.translate` turns domain
exceptions into one. The body shape depends on the service: Nova's `{"<faultName>": {"code",
"message"}}` for compute and image, Keystone's `{"error": {"code", "message", "title"}}` for
identity and for 401s (that is what keystonemiddleware answers in front of Nova).
"""

from __future__ import annotations

NOVA_FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
}

KEYSTONE_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
}


class HTTPError(Exception):
    """An HTTP error answer: status, message and optional extra headers."""

    def __init__(self, status: int, message: str,
                 headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers or [])


def nova_fault(status: int, message: str) -> dict:
    """Nova's fault body for a status (unknown statuses are 'computeFault', as Nova)."""
    return {NOVA_FAULT_NAMES.get(status, "computeFault"): {"code": status, "message": message}}


def keystone_error(status: int, message: str) -> dict:
    """Keystone's error body."""
    return {"error": {"code": status, "message": message,
                      "title": KEYSTONE_TITLES.get(status, "Error")}}


def bad_request(message: str) -> HTTPError:
    """A 400."""
    return HTTPError(400, message)


def not_found(message: str) -> HTTPError:
    """A 404."""
    return HTTPError(404, message)


def forbidden(message: str) -> HTTPError:
    """A 403."""
    return HTTPError(403, message)
