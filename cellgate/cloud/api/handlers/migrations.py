"""/os-migrations: resize and cold-migration records (admin-only), per microversion."""

from __future__ import annotations

from werkzeug.wrappers import Response

from cellgate.cloud.api.handlers import params
from cellgate.cloud.api.handlers.list_query import check_since_before
from cellgate.cloud.api.policy import require_admin
from cellgate.cloud.api.request import ApiRequest, json_response
from cellgate.cloud.api.views import migrations as views

_FILTERS = ("instance_uuid", "status", "migration_type", "host", "source_compute")


def index(req: ApiRequest) -> Response:
    """GET /os-migrations: newest first, filtered by instance_uuid, status, migration_type,
    host (source or destination) and source_compute; paged by limit/marker from 2.59."""
    require_admin(req, "os_compute_api:os-migrations:index")
    if req.version >= "2.59":  # Nova's query schema is strict from 2.59
        params.only(req, *_FILTERS, "hidden", "limit", "marker", "changes-since",
                    *(("changes-before",) if req.version >= "2.66" else ()),
                    *(("user_id", "project_id") if req.version >= "2.80" else ()))
    filters = {name: req.query_one(name) for name in _FILTERS
               if req.query_one(name) is not None}
    if "migration_type" in filters and req.version < "2.23":
        filters.pop("migration_type")
    if req.version >= "2.80":
        filters.update({name: req.query_one(name) for name in ("user_id", "project_id")
                        if req.query_one(name) is not None})
    if req.version >= "2.59":
        filters["changes_since"] = params.timestamp(req, "changes-since")
    if req.version >= "2.66":
        filters["changes_before"] = params.timestamp(req, "changes-before")
        if filters["changes_before"] is not None:
            check_since_before(filters["changes_since"], filters["changes_before"])
    limit, marker = params.limit_and_marker(req) if req.version >= "2.59" else (None, None)
    records = req.deps.compute_api.list_migrations(req.context, marker=marker, limit=limit,
                                                   **filters)
    return json_response({"migrations": [views.migration(r, req.version) for r in records]})
