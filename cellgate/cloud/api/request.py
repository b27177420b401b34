"""ApiRequest: what a handler receives (the HTTP request, the caller, the version, the cloud).

Also the small helpers every handler uses: reading a JSON body within the size limit and
building JSON responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from werkzeug.wrappers import Request, Response

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.microversion import APIVersion
from cellgate.cloud.context import RequestContext

MAX_BODY_BYTES = 256 * 1024
DEFAULT_PUBLIC_URL = "http://localhost"  # the in-process test client's; serve sets its own
MAX_BODY_DEPTH = 32  # no API body nests deeper; deeper ones would only strain validation


def _dumps(body: Any) -> bytes:
    # orjson: a 1,000-server listing encodes several times faster than with json
    return orjson.dumps(body)


def _loads(data: bytes) -> Any:
    # orjson refuses NaN, lone surrogates and nesting deeper than 1024 by itself
    return orjson.loads(data)


@dataclass
class ApiRequest:
    """One API request as handlers see it.

    `deps` is the Cloud's service bundle (compute_api, identity, images); `context` and
    `version` are set for authenticated compute requests. `base_url` is the cloud's own
    scheme, host and port (no trailing slash), never the client's Host header.
    """

    http: Request
    deps: Any
    context: RequestContext | None = None
    version: APIVersion | None = None
    base_url: str = DEFAULT_PUBLIC_URL

    def json_body(self, required: bool = True) -> Any:
        """The parsed JSON body; 413 when too large, 400 when missing or malformed."""
        length = self.http.content_length
        if length is not None and length > MAX_BODY_BYTES:
            raise HTTPError(413, "Request is too large.")
        data = self.http.get_data(cache=True)
        if len(data) > MAX_BODY_BYTES:
            raise HTTPError(413, "Request is too large.")
        if not data.strip():
            if required:
                raise HTTPError(400, "The request body is missing or empty.")
            return None
        try:
            body = _loads(data)
        except (ValueError, UnicodeError, RecursionError):
            raise HTTPError(400, "Malformed request body")
        if _depth_exceeds(body, MAX_BODY_DEPTH):
            raise HTTPError(400, "Malformed request body")
        return body

    def query_one(self, name: str) -> str | None:
        """The last value of a query parameter, or None."""
        values = self.http.args.getlist(name)
        return values[-1] if values else None


def _depth_exceeds(body: Any, limit: int) -> bool:
    """True when containers nest deeper than `limit` (iterative: no recursion)."""
    stack = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, (dict, list)))
    return False


def json_response(body: Any, status: int = 200,
                  headers: list[tuple[str, str]] | None = None) -> Response:
    """A JSON response (application/json)."""
    return Response(_dumps(body), status=status, headers=headers,
                    content_type="application/json")


def empty_response(status: int = 204, headers: list[tuple[str, str]] | None = None) -> Response:
    """A response without a body (204, or 202 for actions)."""
    response = Response(b"", status=status, headers=headers)
    if status == 204:
        response.headers.pop("Content-Type", None)
    return response
