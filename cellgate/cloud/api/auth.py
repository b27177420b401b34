"""Token authentication for compute and image requests (keystonemiddleware's job in a real
cloud): X-Auth-Token -> RequestContext, answered from the identity store's in-memory cache."""

from __future__ import annotations

from werkzeug.wrappers import Request

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.context import RequestContext, new_request_id

AUTH_REQUIRED = "The request you have made requires authentication."


def authenticate(http: Request, identity) -> RequestContext:
    """The caller's context; HTTPError(401) without a valid project-scoped token."""
    token = http.headers.get("X-Auth-Token")
    if not token:
        raise HTTPError(401, AUTH_REQUIRED)
    info = identity.validate(token)
    if info is None or info.project_id is None:
        raise HTTPError(401, AUTH_REQUIRED)
    return RequestContext(user_id=info.user_id, project_id=info.project_id, roles=info.roles,
                          is_admin=info.is_admin, request_id=new_request_id(),
                          microversion="2.1")
