"""Admin-only policy: the HTTP layer checks it before calling the compute API (as Nova)."""

from __future__ import annotations

from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.request import ApiRequest


def require_admin(req: ApiRequest, rule: str) -> None:
    """403 with Nova's policy message unless the caller has the admin role."""
    if req.context is None or not req.context.is_admin:
        raise HTTPError(403, "Policy doesn't allow %s to be performed." % rule)
