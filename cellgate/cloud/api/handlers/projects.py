"""/identity/v3/projects: list (admin; ``name`` filter) and show (admin or a member of it),
Keystone's subset that clients use to turn a project name into an id (``openstack quota
set PROJECT`` does)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.errors import HTTPError, forbidden
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.identity.accounts import DEFAULT_DOMAIN_ID


def _project(req: ApiRequest, project_id: str, name: str) -> dict:
    return {"id": project_id, "name": name, "domain_id": DEFAULT_DOMAIN_ID,
            "description": "", "enabled": True, "parent_id": DEFAULT_DOMAIN_ID,
            "is_domain": False, "tags": [], "options": {},
            "links": {"self": f"{req.base_url}/identity/v3/projects/{project_id}"}}


def index(req: ApiRequest) -> Response:
    """GET /identity/v3/projects (identity:list_projects: admin)."""
    if not req.context.is_admin:
        raise forbidden("You are not authorized to perform the requested action: "
                        "identity:list_projects.")
    wanted = req.query_one("name")
    projects = [_project(req, pid, name) for name, pid in
                sorted(req.deps.identity.project_ids().items())
                if wanted is None or name == wanted]
    return json_response({"projects": projects, "links": {
        "self": f"{req.base_url}/identity/v3/projects", "previous": None, "next": None}})


def show(req: ApiRequest, project_id: str) -> Response:
    """GET /identity/v3/projects/{id} (identity:get_project: admin or the token's project)."""
    names = {pid: name for name, pid in req.deps.identity.project_ids().items()}
    if not req.context.is_admin and project_id != req.context.project_id:
        raise forbidden("You are not authorized to perform the requested action: "
                        "identity:get_project.")
    if project_id not in names:
        raise HTTPError(404, "Could not find project: %s." % project_id)
    return json_response({"project": _project(req, project_id, names[project_id])})
