"""Credentials for one account, read inline or from a clouds.yaml entry.

`Credentials` is a plain frozen value; `auth_provider()` turns it into tempest.lib's
`KeystoneV3Credentials` + `KeystoneV3AuthProvider`, which the service clients use.
"""

from __future__ import annotations

import dataclasses
import os
import warnings

import yaml
from keystoneauth1 import exceptions as ka_exceptions
from openstack import config as os_config
from openstack import exceptions as os_exceptions
from tempest.lib import auth

from cellgate.lib.exceptions import CredentialsError

_REQUIRED_AUTH_KEYS = ("auth_url", "username", "password", "project_name")


def _check_clouds_file(path: str, cloud_name: str) -> None:
    """Fail clearly on what openstacksdk's loader would silently ignore: a missing or
    malformed file, or an entry it does not hold."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError:
        raise CredentialsError(f"{path}: no such clouds.yaml file; check the path")
    except (OSError, yaml.YAMLError) as exc:
        raise CredentialsError(f"{path}: cannot read clouds.yaml: {exc}")
    clouds = data.get("clouds") if isinstance(data, dict) else None
    if not isinstance(clouds, dict):
        raise CredentialsError(f"{path}: no top-level 'clouds' mapping; "
                               "a clouds.yaml holds 'clouds: {name: {auth: ...}}'")
    if not isinstance(clouds.get(cloud_name), dict):
        known = ", ".join(sorted(str(name) for name in clouds)) or "none"
        raise CredentialsError(f"{path}: no cloud named {cloud_name!r} "
                               f"(entries: {known}); use one of those names")


@dataclasses.dataclass(frozen=True)
class Credentials:
    """A Keystone v3 password identity scoped to a project."""

    username: str
    password: str
    project_name: str
    auth_url: str
    user_domain_name: str = "Default"
    project_domain_name: str = "Default"
    region: str = "RegionOne"
    interface: str = "public"

    def __repr__(self) -> str:  # never print a password in logs or test output
        return (f"Credentials(username={self.username!r}, project_name={self.project_name!r}, "
                f"auth_url={self.auth_url!r}, region={self.region!r})")

    @classmethod
    def from_clouds_yaml(cls, path: str | os.PathLike, cloud_name: str) -> Credentials:
        """Read the entry `cloud_name` of the clouds.yaml at `path`.

        The entry is resolved by openstacksdk's config loader, as any OpenStack client
        resolves it: a `secure.yaml` beside the file, `profile:` entries and key aliases
        apply. The file is read here first only to report a bad one clearly. Raises
        `CredentialsError` naming the file, the entry and what to fix.
        """
        path = os.fspath(path)
        _check_clouds_file(path, cloud_name)
        secure = os.path.join(os.path.dirname(os.path.abspath(path)), "secure.yaml")
        with warnings.catch_warnings():  # e.g. an unknown vendor profile: reported below
            warnings.simplefilter("ignore")
            try:
                region = os_config.OpenStackConfig(
                    config_files=[path], vendor_files=[], secure_files=[secure],
                    load_envvars=False).get_one(cloud=cloud_name)
            except (os_exceptions.SDKException, ka_exceptions.ClientException) as exc:
                raise CredentialsError(f"{path}: cloud {cloud_name!r}: {exc}; fix the entry")
        auth_data = region.auth
        missing = [key for key in _REQUIRED_AUTH_KEYS if not auth_data.get(key)]
        if missing:
            raise CredentialsError(f"{path}: cloud {cloud_name!r}: auth lacks "
                                   f"{', '.join(missing)}; add them under 'auth:'")
        return cls(
            username=str(auth_data["username"]),
            password=str(auth_data["password"]),
            project_name=str(auth_data["project_name"]),
            auth_url=str(auth_data["auth_url"]),
            user_domain_name=str(auth_data.get("user_domain_name")
                                 or auth_data.get("domain_name") or "Default"),
            project_domain_name=str(auth_data.get("project_domain_name")
                                    or auth_data.get("domain_name") or "Default"),
            region=str(region.region_name or "RegionOne"),
            interface=str(region.get_interface() or "public"),
        )

    def with_password(self, password: str) -> Credentials:
        """A copy with another password (negative identity tests)."""
        return dataclasses.replace(self, password=password)

    def keystone_credentials(self) -> auth.KeystoneV3Credentials:
        """The tempest.lib credentials object for this account."""
        return auth.KeystoneV3Credentials(
            username=self.username, password=self.password, project_name=self.project_name,
            user_domain_name=self.user_domain_name,
            project_domain_name=self.project_domain_name)

    @property
    def identity_v3_url(self) -> str:
        """auth_url ending in /v3 (clouds.yaml may give it either way)."""
        url = self.auth_url.rstrip("/")
        return url if url.endswith("/v3") else url + "/v3"

    def auth_provider(self, http_timeout: float | None = None) -> auth.KeystoneV3AuthProvider:
        """A fresh tempest.lib auth provider (it fetches a token on first use)."""
        return auth.KeystoneV3AuthProvider(self.keystone_credentials(), self.identity_v3_url,
                                           http_timeout=http_timeout)
