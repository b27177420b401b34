"""`Clients`: the tempest.lib service clients for one account, built lazily."""

from __future__ import annotations

import functools

from tempest.lib import auth
from tempest.lib.common import rest_client
from tempest.lib.services.compute import (
    aggregates_client,
    availability_zone_client,
    flavors_client,
    hypervisor_client,
    keypairs_client,
    limits_client,
    migrations_client,
    quota_classes_client,
    quotas_client,
    security_group_rules_client,
    security_groups_client,
    server_groups_client,
    services_client,
    versions_client,
)
from tempest.lib.services.identity.v3 import identity_client, token_client
from tempest.lib.services.image.v2 import images_client

from cellgate.lib.credentials import Credentials
from cellgate.lib.servers_client import ServersClient

RAW_SERVICES = ("compute", "identity", "image")


class Clients:
    """Service clients for one account; each is created on first use and then reused.

    Responses of the typed clients are validated by tempest.lib against Nova's schemas for the
    microversion in use (see `cellgate.lib.microversion`).
    """

    def __init__(self, credentials: Credentials, *, build_timeout: float = 60.0,
                 build_interval: float = 0.002, http_timeout: float | None = 60.0) -> None:
        self.credentials = credentials
        self.build_timeout = build_timeout
        self.build_interval = build_interval
        self.http_timeout = http_timeout

    @functools.cached_property
    def auth_provider(self) -> auth.KeystoneV3AuthProvider:
        """The tempest.lib auth provider (fetches and caches the token)."""
        return self.credentials.auth_provider(http_timeout=self.http_timeout)

    @property
    def identity_v3_url(self) -> str:
        """Keystone v3 URL of this account (auth_url ending in /v3)."""
        return self.credentials.identity_v3_url

    def _params(self, service: str) -> dict:
        return {
            "auth_provider": self.auth_provider,
            "service": service,
            "region": self.credentials.region,
            "endpoint_type": self.credentials.interface,
            "build_interval": self.build_interval,
            "build_timeout": self.build_timeout,
            "http_timeout": self.http_timeout,
        }

    @property
    def project_id(self) -> str:
        """The id of the project the token is scoped to (authenticates if needed)."""
        self.auth_provider.get_auth()
        return self.auth_provider.credentials.project_id

    @property
    def user_id(self) -> str:
        """The id of the user (authenticates if needed)."""
        self.auth_provider.get_auth()
        return self.auth_provider.credentials.user_id

    @functools.cached_property
    def servers_client(self) -> ServersClient:
        """Compute servers (and server actions)."""
        return ServersClient(**self._params("compute"))

    @functools.cached_property
    def aggregates_client(self) -> aggregates_client.AggregatesClient:
        """Compute host aggregates (admin)."""
        return aggregates_client.AggregatesClient(**self._params("compute"))

    @functools.cached_property
    def availability_zone_client(self) -> availability_zone_client.AvailabilityZoneClient:
        """Compute availability zones (the summary for all, the detail for admins)."""
        return availability_zone_client.AvailabilityZoneClient(**self._params("compute"))

    @functools.cached_property
    def flavors_client(self) -> flavors_client.FlavorsClient:
        """Compute flavors, flavor access and extra specs."""
        return flavors_client.FlavorsClient(**self._params("compute"))

    @functools.cached_property
    def hypervisor_client(self) -> hypervisor_client.HypervisorClient:
        """Compute hypervisors (admin)."""
        return hypervisor_client.HypervisorClient(**self._params("compute"))

    @functools.cached_property
    def migrations_client(self) -> migrations_client.MigrationsClient:
        """Resize and migration records, os-migrations (admin)."""
        return migrations_client.MigrationsClient(**self._params("compute"))

    @functools.cached_property
    def keypairs_client(self) -> keypairs_client.KeyPairsClient:
        """Compute keypairs (per user; admins may name another user from 2.10)."""
        return keypairs_client.KeyPairsClient(**self._params("compute"))

    @functools.cached_property
    def limits_client(self) -> limits_client.LimitsClient:
        """Compute absolute limits and usage of the caller's project."""
        return limits_client.LimitsClient(**self._params("compute"))

    @functools.cached_property
    def quotas_client(self) -> quotas_client.QuotasClient:
        """Compute quota sets (show, detail, defaults; update and delete as admin)."""
        return quotas_client.QuotasClient(**self._params("compute"))

    @functools.cached_property
    def quota_classes_client(self) -> quota_classes_client.QuotaClassesClient:
        """Compute quota classes (admin)."""
        return quota_classes_client.QuotaClassesClient(**self._params("compute"))

    @functools.cached_property
    def security_groups_client(self) -> security_groups_client.SecurityGroupsClient:
        """Compute's security group proxy API (2.1-2.35; Nova answers 404 from 2.36)."""
        return security_groups_client.SecurityGroupsClient(**self._params("compute"))

    @functools.cached_property
    def security_group_rules_client(self) -> (
            security_group_rules_client.SecurityGroupRulesClient):
        """Compute's security group rule proxy API (2.1-2.35)."""
        return security_group_rules_client.SecurityGroupRulesClient(**self._params("compute"))

    @functools.cached_property
    def server_groups_client(self) -> server_groups_client.ServerGroupsClient:
        """Compute server groups (os-server-groups)."""
        return server_groups_client.ServerGroupsClient(**self._params("compute"))

    @functools.cached_property
    def services_client(self) -> services_client.ServicesClient:
        """Compute services (admin)."""
        return services_client.ServicesClient(**self._params("compute"))

    @functools.cached_property
    def versions_client(self) -> versions_client.VersionsClient:
        """Compute API version documents."""
        return versions_client.VersionsClient(**self._params("compute"))

    @functools.cached_property
    def images_client(self) -> images_client.ImagesClient:
        """Image service v2."""
        return images_client.ImagesClient(**self._params("image"))

    @functools.cached_property
    def token_client(self) -> token_client.V3TokenClient:
        """Identity v3 token client (unauthenticated; posts to /v3/auth/tokens)."""
        return token_client.V3TokenClient(self.identity_v3_url, http_timeout=self.http_timeout)

    @functools.cached_property
    def identity_client(self) -> identity_client.IdentityClient:
        """Identity v3 token validation and API description (show/check/delete token)."""
        return identity_client.IdentityClient(**self._params("identity"))

    def rest_client(self, service: str) -> rest_client.RestClient:
        """A raw RestClient for `compute`, `identity` or `image` (catalog endpoint, token added).

        For negative cases the typed clients cannot express; it sends no microversion header
        unless given one.
        """
        if service not in RAW_SERVICES:
            raise ValueError(f"unknown service {service!r}; use one of {', '.join(RAW_SERVICES)}")
        return rest_client.RestClient(**self._params(service))
