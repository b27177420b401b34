"""Helpers to write configs and clouds.yaml files into a temp dir for the config tests."""

from __future__ import annotations

import os
import socket
import textwrap

import yaml

CLOUDS = {
    "clouds": {
        name: {
            "auth": {"auth_url": "http://127.0.0.1:9/identity/v3", "username": user,
                     "password": "secret-" + user, "project_name": project,
                     "user_domain_name": "Default", "project_domain_name": "Default"},
            "region_name": "RegionOne", "identity_api_version": 3, "interface": "public",
        }
        for name, user, project in (("cellgate-admin", "admin", "admin"),
                                    ("cellgate-member1", "member1", "project-a"),
                                    ("cellgate-member2", "member2", "project-a"),
                                    ("cellgate-member3", "member3", "project-b"))
    }
}

BASIC = """
[auth]
clouds_yaml = clouds.yaml
admin_cloud = cellgate-admin
member_cloud = cellgate-member1

[compute]
image_ref = 11111111-2222-3333-4444-555555555555
flavor_ref = 1
"""


def write(directory: str, name: str, text: str) -> str:
    """Write dedented `text` to directory/name and return the path."""
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(text))
    return path


def write_clouds(directory: str, clouds: dict | None = None, auth_url: str | None = None) -> str:
    """Write a clouds.yaml (the four seed accounts by default) into `directory`."""
    data = clouds if clouds is not None else CLOUDS
    if auth_url:
        data = yaml.safe_load(yaml.safe_dump(data))
        for entry in data["clouds"].values():
            entry["auth"]["auth_url"] = auth_url
    return write(directory, "clouds.yaml", yaml.safe_dump(data))


def free_port() -> int:
    """A loopback port with nothing listening on it (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
