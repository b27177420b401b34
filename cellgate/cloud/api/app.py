"""The app factory: one WSGI application serving identity, compute and image.

The request walk: legacy prefix split (`legacy`: a project id segment, the v2 endpoint) ->
route match (Werkzeug Map; 404/405 with Allow) -> token check (all but discovery and token
issue) -> microversion negotiation (compute) -> the URL's project id checked -> handler. Errors are
turned into bodies here only: HTTPError as raised, domain exceptions through
`faults.translate`, anything else a 500 with a log line.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api import auth, faults, legacy, microversion, strict_query
from cellgate.cloud.api.errors import HTTPError, keystone_error, nova_fault
from cellgate.cloud.api.request import DEFAULT_PUBLIC_URL, MAX_BODY_BYTES, ApiRequest, json_response
from cellgate.cloud.api.routes import PUBLIC_HANDLERS, build_map, service_of

LOG = logging.getLogger(__name__)


class CloudApp:
    """The WSGI application; `deps` provides compute_api, identity, images_list, images_get.

    `public_url` (scheme://host:port) is where clients reach the cloud: every link, catalog
    entry and version document is built from it, never from the request's Host header (which
    the client chooses). `cellgate serve` sets it to the address it listens on.
    """

    def __init__(self, deps: Any, public_url: str = DEFAULT_PUBLIC_URL) -> None:
        self.deps = deps
        self.url_map = build_map()
        self.public_url = public_url

    def __call__(self, environ: dict, start_response) -> Any:
        http = Request(environ)
        path, prefix = legacy.split(http.path)
        service = service_of(path)
        state: dict[str, Any] = {}
        try:
            try:
                response = self._dispatch(http, path, prefix, service, state)
            except HTTPError as error:
                response = _error_response(self.public_url, service, error)
            except microversion.MicroversionError as error:
                response = _error_response(self.public_url, service,
                                           HTTPError(error.status, error.message))
            except exc.CloudError as error:
                response = _error_response(self.public_url, service, faults.translate(error))
        except Exception:  # the last wrapper: never leak a traceback to the client
            LOG.exception("Unexpected error serving %s %s", http.method, http.full_path)
            response = _error_response(self.public_url, service, HTTPError(
                500, "Unexpected API Error. Please report this at "
                     "http://bugs.launchpad.net/nova/ and attach the Nova API log if possible."))
        version = state.get("version")
        if service == "compute" and version is not None:
            for name, value in microversion.response_headers(version):
                response.headers[name] = value
        request_id = state.get("request_id")
        if request_id is not None:
            response.headers["X-Openstack-Request-Id"] = request_id
            response.headers["X-Compute-Request-Id"] = request_id
        if prefix is not None:
            _relink(response, prefix, self.public_url.rstrip("/"))
        return response(environ, start_response)

    def _dispatch(self, http: Request, path: str, prefix: legacy.Legacy | None, service: str,
                  state: dict[str, Any]) -> Response:
        adapter = self.url_map.bind_to_environ(http.environ)
        try:
            handler, url_args = adapter.match(path_info=path)
            route_error: HTTPError | None = None
        except MethodNotAllowed as error:
            handler, url_args = None, {}
            allowed = sorted(m for m in (error.valid_methods or []))
            route_error = HTTPError(405, "The method specified is not allowed for this "
                                         "resource.", headers=[("Allow", ", ".join(allowed))])
        except NotFound:
            handler, url_args = None, {}
            route_error = HTTPError(404, "The resource could not be found.")
        # a project id in the URL makes even the version document need a token, as Nova
        public = (handler in PUBLIC_HANDLERS and (prefix is None or prefix.project_id is None)
                  ) or (route_error is not None and service == "identity")
        version = None
        context = None
        if not public:
            # keystonemiddleware runs before Nova: a missing token wins over a bad version
            context = auth.authenticate(http, self.deps.identity)
            state["request_id"] = context.request_id
            if service == "compute" and prefix is not None and prefix.fixed_version:
                version = microversion.MIN_API_VERSION  # the v2 endpoint: no negotiation
                context = dataclasses.replace(context, microversion=str(version))
            elif service == "compute":
                version = microversion.negotiate(http.headers)
                state["version"] = version
                context = dataclasses.replace(context, microversion=str(version))
        req = ApiRequest(http=http, deps=self.deps, context=context, version=version,
                         base_url=self.public_url.rstrip("/"))
        if route_error is not None:
            raise route_error
        mismatch = None if prefix is None or context is None else prefix.check_project(
            context.project_id)
        if mismatch is not None:
            raise HTTPError(400, mismatch)
        if (http.content_length or 0) > MAX_BODY_BYTES:  # Nova's sizelimit runs first too
            raise HTTPError(413, "Request is too large.")
        strict_query.check(req, handler)
        return handler(req, **url_args)


def _relink(response: Response, prefix: legacy.Legacy, public_url: str) -> None:
    """Put the legacy prefix back into the answer's links and Location."""
    location = response.headers.get("Location")
    if location:
        response.headers["Location"] = prefix.link(location, public_url)
    if response.mimetype == "application/json" and response.status_code != 204:
        response.set_data(prefix.rewrite_body(response.get_data(), public_url))


def _error_response(public_url: str, service: str, error: HTTPError) -> Response:
    if service == "identity" or error.status == 401:
        body = keystone_error(error.status, error.message)
    else:
        body = nova_fault(error.status, error.message)
    response = json_response(body, status=error.status, headers=error.headers)
    if error.status == 401:
        # as keystonemiddleware: where to get a token, as an absolute URL
        response.headers["WWW-Authenticate"] = f'Keystone uri="{public_url.rstrip("/")}/identity"'
    return response


def make_app(deps: Any) -> CloudApp:
    """Build the WSGI application around a service bundle (see CloudApp)."""
    return CloudApp(deps)
