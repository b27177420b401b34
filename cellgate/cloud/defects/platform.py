"""Planted defects of hosts, identity, images, versions and cells (see cellgate.cloud.defects)."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qsl, urlencode

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api import microversion
from cellgate.cloud.defects.base import Defect, compute_api, wrap, wrap_app

HOSTS = r"^cellgate\.tests\.api\.hosts\."
IDENTITY = r"^cellgate\.tests\.api\.identity\."
IMAGES = r"^cellgate\.tests\.api\.images\."
VERSIONS = r"^cellgate\.tests\.api\.versions\."
CELLS = r"^cellgate\.tests\.(scenario\.(cells|flavors)|api\.hosts)\."
RBAC = r"^cellgate\.tests\.api\.(servers\.test_servers_rbac|flavors\.test_flavors_admin)\."


# -- hosts ------------------------------------------------------------------------------------

def _usage_frozen(cloud: Any) -> None:
    api = compute_api(cloud)

    def make(real):
        def list_hypervisors(ctx):
            return [{**h, "vcpus_used": 0, "memory_mb_used": 0, "local_gb_used": 0,
                     "free_ram_mb": h["memory_mb"], "free_disk_gb": h["local_gb"],
                     "running_vms": 0} for h in real(ctx)]
        return list_hypervisors
    wrap(api, "list_hypervisors", make)


def _services_host_filter_ignored(cloud: Any) -> None:
    api = compute_api(cloud)
    wrap(api, "list_services",
         lambda real: lambda ctx, *, binary=None, host=None: real(ctx, binary=binary))


def _hypervisors_miss_a_cell(cloud: Any) -> None:
    api = compute_api(cloud)
    first = cloud.topology.cell_names[0]
    wrap(api, "list_hypervisors",
         lambda real: lambda ctx: [h for h in real(ctx) if h["cell_name"] == first])


# -- identity ---------------------------------------------------------------------------------

def _revoke_noop(cloud: Any) -> None:
    identity = cloud.identity
    wrap(identity, "revoke", lambda real: lambda token: identity.validate(token) is not None)


def _bogus_token_accepted(cloud: Any) -> None:
    identity = cloud.identity
    last: list[Any] = []

    def make(real):
        def validate(token):
            info = real(token)
            if info is not None:
                last[:] = [info]
                return info
            return last[0] if last else None  # an unknown token passes as the last good one
        return validate
    wrap(identity, "validate", make)


def _member_is_admin(cloud: Any) -> None:
    identity = cloud.identity

    def make(real):
        def validate(token):
            info = real(token)
            if info is None or info.is_admin:
                return info
            return dataclasses.replace(info, roles=(*info.roles, "admin"))
        return validate
    wrap(identity, "validate", make)


# -- images -----------------------------------------------------------------------------------

def _image_limit_ignored(cloud: Any) -> None:
    def middleware(request, call_app):
        if request.path.rstrip("/") == "/image/v2/images":
            query = [(k, v) for k, v in parse_qsl(request.query_string.decode())
                     if k != "limit"]
            request.environ["QUERY_STRING"] = urlencode(query)
        return call_app()
    wrap_app(cloud, middleware)


def _unknown_image_boots(cloud: Any) -> None:
    images = cloud.deployment.images

    def make(real):
        def get(image_id):
            try:
                return real(image_id)
            except exc.NotFound:
                return images.list()[0]
        return get
    wrap(images, "get", make)


# -- versions ---------------------------------------------------------------------------------

def _microversion_echo_max(cloud: Any) -> None:
    def middleware(request, call_app):
        response = call_app()
        if microversion.LEGACY_HEADER in response.headers:
            for name, value in microversion.response_headers(microversion.MAX_API_VERSION):
                response.headers[name] = value
        return response
    wrap_app(cloud, middleware)


def _version_above_max_served(cloud: Any) -> None:
    def middleware(request, call_app):
        try:
            text = microversion.requested_version_text(request.headers)
            too_high = (text is not None and text.lower() != "latest"
                        and microversion.APIVersion.parse(text) > microversion.MAX_API_VERSION)
        except microversion.MicroversionError:
            too_high = False
        if too_high:
            for key in ("HTTP_OPENSTACK_API_VERSION", "HTTP_X_OPENSTACK_NOVA_API_VERSION"):
                request.environ.pop(key, None)
            request.environ["HTTP_X_OPENSTACK_NOVA_API_VERSION"] = "latest"
        return call_app()
    wrap_app(cloud, middleware)


# -- cells ------------------------------------------------------------------------------------

def _builds_first_cell(cloud: Any) -> None:
    scheduler = cloud.deployment.api_cell.scheduler

    def make(real):
        def choose(hosts, cells, flavor, *, exclude=(), only=None, reserve_percent=0.0):
            # The first cell only, whatever it can take; once it failed, no other cell.
            names = [cell.name for cell in cells]
            return [names[0]] if names and names[0] not in set(exclude) else []
        return choose
    wrap(scheduler, "choose", make)


DEFECTS = (
    Defect("hypervisor-usage-frozen", "hosts",
           "hypervisors report no usage: vcpus/memory/disk used stay 0 after boots",
           _usage_frozen, HOSTS),
    Defect("services-host-filter-ignored", "hosts",
           "GET /os-services?host=... ignores the host filter",
           _services_host_filter_ignored, HOSTS),
    Defect("hypervisors-miss-a-cell", "hosts",
           "os-hypervisors lists only the first cell's hosts",
           _hypervisors_miss_a_cell, HOSTS, job="cells-multi"),
    Defect("token-revoke-noop", "identity",
           "DELETE /v3/auth/tokens answers 204 and the token stays valid",
           _revoke_noop, IDENTITY),
    Defect("bogus-token-accepted", "identity",
           "an unknown token is taken for the last valid one instead of a 401",
           _bogus_token_accepted,
           r"^cellgate\.tests\.api\.(identity\.|servers\.test_servers_rbac\.)"),
    Defect("member-is-admin", "rbac",
           "every token carries the admin role: members pass admin-only policy",
           _member_is_admin, RBAC),
    Defect("image-limit-ignored", "images", "GET /image/v2/images?limit=... ignores the limit",
           _image_limit_ignored, IMAGES),
    Defect("unknown-image-boots", "images",
           "an unknown image id is taken for the catalog's first image (show and boot)",
           _unknown_image_boots, IMAGES),
    Defect("microversion-echo-max", "versions",
           "compute responses echo the maximum microversion, not the one served",
           _microversion_echo_max, VERSIONS),
    Defect("version-above-max-served", "versions",
           "a microversion above the maximum is served as the maximum instead of a 406",
           _version_above_max_served, VERSIONS),
    Defect("builds-first-cell", "cells",
           "the API cell sends every build to the first cell, whatever it can take, and never "
           "reschedules to another",
           _builds_first_cell, CELLS, job="cells-multi"),
)
