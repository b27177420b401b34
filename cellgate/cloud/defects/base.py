"""The Defect record and the two ways a defect reaches into a running cloud.

A planted defect makes the reference cloud behave as a broken Nova could, so that the
mutation check (`cellgate mutants`) can prove the suite notices. Defects never live in the
cloud's own code: each one *wraps* a method of a live object (`wrap`) or puts a WSGI
middleware in front of the app (`wrap_app`), once, at start-up.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request, Response

DEFAULT_JOB = "cells-single"


@dataclass(frozen=True)
class Defect:
    """One planted defect.

    ``apply(cloud)`` changes the live Cloud (before it starts serving). ``tests`` is the
    regex (re.search over test ids) of the suite's part that should notice it; ``job`` the
    gate job whose topology shows it (cells-multi for defects that need two cells).
    """

    name: str
    area: str
    description: str
    apply: Callable[[Any], None]
    tests: str
    job: str = DEFAULT_JOB


def wrap(obj: Any, attr: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replace ``obj.attr`` (a bound method) by ``make(original)`` on this object only."""
    setattr(obj, attr, make(getattr(obj, attr)))


def compute_api(cloud: Any) -> Any:
    """The live ComputeAPI of a Cloud (what the HTTP handlers call)."""
    return cloud.deployment.compute_api


def drop_effect(obj: Any, attr: str, check: Callable[..., Any]) -> None:
    """Make ``obj.attr`` a no-op that still validates: it calls ``check`` with the same
    arguments (so an unknown resource is still refused) and returns None, doing nothing else."""
    def make(real: Callable[..., Any]) -> Callable[..., Any]:
        def noop(*args: Any, **kwargs: Any) -> None:
            check(*args, **kwargs)
        return noop
    wrap(obj, attr, make)


Middleware = Callable[[Request, Callable[[], Response]], Response]


def wrap_app(cloud: Any, middleware: Middleware) -> None:
    """Put ``middleware(request, call_app)`` in front of the cloud's WSGI app.

    ``call_app()`` runs the real app on the (possibly changed) request environ and returns
    its whole Response, which the middleware may change or replace.
    """
    cloud.app = _MiddlewareApp(cloud.app, middleware)


class _MiddlewareApp:
    """A WSGI app running a middleware around another; attributes go to the inner app (the
    server sets e.g. its public URL on it)."""

    def __init__(self, inner: Any, middleware: Middleware) -> None:
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_middleware", middleware)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._inner, name, value)

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        request = Request(environ)
        body = request.get_data(cache=True)  # read once here, so the middleware may read it

        def call_app() -> Response:
            request.environ["wsgi.input"] = io.BytesIO(body)  # ... and the app still can
            request.environ["CONTENT_LENGTH"] = str(len(body))
            return Response.from_app(self._inner, request.environ)

        return self._middleware(request, call_app)(environ, start_response)


def compute_path(request: Request, *suffix_parts: str) -> bool:
    """True when the request path is /compute/v2.1/<parts...> ('*' matches one segment)."""
    segments = request.path.rstrip("/").split("/")
    if segments[1:3] != ["compute", "v2.1"]:
        return False
    parts = segments[3:]
    return len(parts) == len(suffix_parts) and all(
        want in ("*", got) for want, got in zip(suffix_parts, parts, strict=True))
