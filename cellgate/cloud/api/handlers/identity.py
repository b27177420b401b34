"""/identity/v3/auth/tokens: issue (password), validate, check and revoke tokens."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError, forbidden
from cellgate.cloud.api.request import ApiRequest, empty_response, json_response
from cellgate.cloud.api.schemas import identity as schemas
from cellgate.cloud.api.validation import validate_identity
from cellgate.cloud.api.views import identity as views
from cellgate.cloud.identity import IdentityError, TokenInfo


def issue(req: ApiRequest) -> Response:
    """POST /identity/v3/auth/tokens: 201 with X-Subject-Token and the token body."""
    body = req.json_body()
    validate_identity(schemas.AUTH, body)
    auth = body["auth"]
    methods = auth["identity"]["methods"]
    if methods != ["password"] or "password" not in auth["identity"]:
        raise HTTPError(401, "The request you have made requires authentication.")
    user = dict(auth["identity"]["password"]["user"])
    password = user.pop("password")
    scope = auth.get("scope")
    project = scope.get("project") if isinstance(scope, dict) else None
    try:
        token_id, info = req.deps.identity.authenticate(user=user, password=password,
                                                        project=project)
    except IdentityError as error:
        raise HTTPError(401, error.message)
    response = json_response(views.token(info, req.base_url), status=201)
    response.headers["X-Subject-Token"] = token_id
    return response


def _subject(req: ApiRequest, action: str) -> tuple[str, TokenInfo]:
    """The subject token and what it stands for, once the caller may see it: Keystone's
    `identity:{validate,check,revoke}_token` policy allows an admin or the token's own user."""
    token = req.http.headers.get("X-Auth-Token")
    caller = req.deps.identity.validate(token) if token else None
    if caller is None:
        raise HTTPError(401, "The request you have made requires authentication.")
    subject = req.http.headers.get("X-Subject-Token")
    if not subject:
        raise HTTPError(400, "Expecting to find X-Subject-Token in the request.")
    info = req.deps.identity.validate(subject)
    if info is None:
        raise HTTPError(404, "Could not find token: %s." % subject)
    if not caller.is_admin and caller.user_id != info.user_id:
        raise forbidden("You are not authorized to perform the requested action: %s." % action)
    return subject, info


def validate_token(req: ApiRequest) -> Response:
    """GET /identity/v3/auth/tokens (X-Auth-Token + X-Subject-Token)."""
    subject, info = _subject(req, "identity:validate_token")
    response = json_response(views.token(info, req.base_url))
    response.headers["X-Subject-Token"] = subject
    return response


def check_token(req: ApiRequest) -> Response:
    """HEAD /identity/v3/auth/tokens."""
    subject, _ = _subject(req, "identity:check_token")
    return empty_response(200, headers=[("X-Subject-Token", subject)])


def revoke_token(req: ApiRequest) -> Response:
    """DELETE /identity/v3/auth/tokens (204)."""
    subject, _ = _subject(req, "identity:revoke_token")
    req.deps.identity.revoke(subject)
    return empty_response(204)
