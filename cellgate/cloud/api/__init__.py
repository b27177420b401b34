"""The HTTP layer of the reference cloud: app factory, routes, handlers, schemas, views."""

from cellgate.cloud.api.app import CloudApp, make_app

__all__ = ["CloudApp", "make_app"]
