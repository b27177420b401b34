"""Test support: an in-process cloud driven through werkzeug's test Client (same WSGI stack
as `cellgate serve`, no socket), and response-schema checks with tempest.lib's schemas."""

from __future__ import annotations

import json
from typing import Any

import fixtures
from tempest.lib.common import api_version_request, rest_client
from werkzeug.test import Client

from cellgate.cloud.identity import SEED_ACCOUNTS
from cellgate.cloud.service import Cloud
from cellgate.cloud.topology import load_topology

ACCOUNT_PROJECTS = {a.username: a.project_name for a in SEED_ACCOUNTS}


class InProcessCloud(fixtures.Fixture):
    """A started Cloud on a temp state dir, with a test client and per-user tokens."""

    def __init__(self, topology: str = "nocells") -> None:
        super().__init__()
        self.topology = topology
        self._tokens: dict[str, str] = {}

    def _setUp(self) -> None:
        self.state_dir = self.useFixture(fixtures.TempDir()).path
        self.cloud = Cloud(load_topology(self.topology), self.state_dir)
        self.addCleanup(self.cloud.stop)
        self.passwords = self.cloud.start()
        self.client = Client(self.cloud.app)

    def token(self, username: str) -> str:
        """A project-scoped token of a seed account (issued once per fixture)."""
        if username not in self._tokens:
            resp = self.client.post("/identity/v3/auth/tokens", json=auth_body(
                username, self.passwords[username], ACCOUNT_PROJECTS[username]))
            assert resp.status_code == 201, resp.get_data(as_text=True)
            self._tokens[username] = resp.headers["X-Subject-Token"]
        return self._tokens[username]

    def request(self, method: str, path: str, *, user: str | None = "member1",
                version: str | None = None, body: Any = None, data: bytes | None = None,
                headers: dict[str, str] | None = None):
        """Send one request as `user` (None: no token) at compute `version`."""
        all_headers = dict(headers or {})
        if user is not None:
            all_headers["X-Auth-Token"] = self.token(user)
        if version is not None:
            all_headers["X-OpenStack-Nova-API-Version"] = version
        kwargs: dict[str, Any] = {"headers": all_headers}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        elif data is not None:
            kwargs["data"] = data
            kwargs["content_type"] = "application/json"
        return self.client.open(path, method=method, **kwargs)

    def image_id(self) -> str:
        """The first image of the catalog."""
        return self.request("GET", "/image/v2/images").get_json()["images"][0]["id"]


def auth_body(username: str, password: str, project: str | None) -> dict:
    """A Keystone v3 password auth body scoped to a project by name."""
    body: dict = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": username, "password": password, "domain": {"name": "Default"}}}}}}
    if project is not None:
        body["auth"]["scope"] = {"project": {"name": project, "domain": {"id": "default"}}}
    return body


class _Resp(dict):
    def __init__(self, status: int, headers) -> None:
        super().__init__({k.lower(): v for k, v in headers.items()})
        self.status = status


def schema_for(versions_info: list[dict], version: str | None):
    """The tempest schema module for `version` from a client's schema_versions_info."""
    wanted = api_version_request.APIVersionRequest(version)
    for item in versions_info:
        low = api_version_request.APIVersionRequest(item["min"])
        high = api_version_request.APIVersionRequest(item["max"])
        if wanted.is_null() and item["min"] is None:
            return item["schema"]
        if not wanted.is_null() and wanted.matches(low, high):
            return item["schema"]
    raise AssertionError(f"no schema for {version}")


def assert_matches_schema(schema: dict, response) -> None:
    """Validate status and body with tempest.lib's RestClient.validate_response."""
    body = response.get_json() if response.get_data() else None
    rest_client.RestClient.validate_response(
        schema, _Resp(response.status_code, response.headers), body)


class HttpSession:
    """A requests session holding a project-scoped token from a clouds.yaml entry."""

    def __init__(self, clouds_yaml: str, cloud: str) -> None:
        import requests
        import yaml

        with open(clouds_yaml, encoding="utf-8") as handle:
            auth = yaml.safe_load(handle)["clouds"][cloud]["auth"]
        self.http = requests.Session()
        resp = self.http.post(auth["auth_url"] + "/auth/tokens", timeout=30, json=auth_body(
            auth["username"], auth["password"], auth["project_name"]))
        resp.raise_for_status()
        self.token = resp.headers["X-Subject-Token"]
        self.http.headers["X-Auth-Token"] = self.token
        self.http.headers["X-OpenStack-Nova-API-Version"] = "2.61"
        self.compute = auth["auth_url"].replace("/identity/v3", "/compute/v2.1")
        self.image = auth["auth_url"].replace("/identity/v3", "/image")

    def get(self, path: str, **kwargs):
        return self.http.get(self.compute + path, timeout=30, **kwargs)

    def post(self, path: str, body: dict):
        return self.http.post(self.compute + path, json=body, timeout=30)
