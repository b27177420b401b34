"""Version discovery documents of compute, identity and image."""

from __future__ import annotations

from cellgate.cloud.api.microversion import MAX_VERSION, MIN_VERSION

_COMPUTE_MEDIA = [{"base": "application/json",
                   "type": "application/vnd.openstack.compute+json;version=2.1"}]


def _v2(base_url: str) -> dict:
    # Nova 34 calls the legacy v2 endpoint deprecated
    return {"id": "v2.0", "status": "DEPRECATED", "version": "", "min_version": "",
            "updated": "2025-07-04T12:00:00Z",
            "links": [{"rel": "self", "href": f"{base_url}/compute/v2/"}]}


def compute_versions(base_url: str) -> dict:
    """GET /compute/ (and /): Nova's version list."""
    return {"versions": [
        _v2(base_url),
        {"id": "v2.1", "status": "CURRENT", "version": MAX_VERSION, "min_version": MIN_VERSION,
         "updated": "2013-07-23T11:33:21Z",
         "links": [{"rel": "self", "href": f"{base_url}/compute/v2.1/"}]},
    ]}


def compute_version(base_url: str) -> dict:
    """GET /compute/v2.1: the one version document."""
    return {"version": {
        "id": "v2.1", "status": "CURRENT", "version": MAX_VERSION, "min_version": MIN_VERSION,
        "updated": "2013-07-23T11:33:21Z",
        "links": [{"rel": "self", "href": f"{base_url}/compute/v2.1/"},
                  {"rel": "describedby", "type": "text/html",
                   "href": "http://docs.openstack.org/"}],
        "media-types": _COMPUTE_MEDIA,
    }}


def compute_v2_version(base_url: str) -> dict:
    """GET /compute/v2/: the legacy v2 endpoint's document."""
    version = _v2(base_url)
    version["links"].append({"rel": "describedby", "type": "text/html",
                             "href": "http://docs.openstack.org/"})
    version["media-types"] = [{"base": "application/json",
                               "type": "application/vnd.openstack.compute+json;version=2"}]
    return {"version": version}


def identity_v3(base_url: str) -> dict:
    """Keystone's v3 version object."""
    return {
        "id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
        "links": [{"rel": "self", "href": f"{base_url}/identity/v3/"}],
        "media-types": [{"base": "application/json",
                         "type": "application/vnd.openstack.identity-v3+json"}],
    }


def identity_versions(base_url: str) -> dict:
    """GET /identity/ (300 Multiple Choices, as Keystone)."""
    return {"versions": {"values": [identity_v3(base_url)]}}


def image_versions(base_url: str) -> dict:
    """GET /image/ (300 Multiple Choices, as Glance)."""
    href = f"{base_url}/image/v2/"
    values = []
    for vid, status in (("v2.9", "CURRENT"), ("v2.8", "SUPPORTED"), ("v2.7", "SUPPORTED"),
                        ("v2.6", "SUPPORTED"), ("v2.5", "SUPPORTED"), ("v2.4", "SUPPORTED"),
                        ("v2.3", "SUPPORTED"), ("v2.2", "SUPPORTED"), ("v2.1", "SUPPORTED"),
                        ("v2.0", "SUPPORTED")):
        values.append({"id": vid, "status": status,
                       "links": [{"rel": "self", "href": href}]})
    return {"versions": values}
