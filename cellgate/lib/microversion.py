"""Compute microversion selection for tempest.lib's compute clients.

tempest.lib's compute clients read the module attribute
`tempest.lib.services.compute.base_compute_client.COMPUTE_MICROVERSION` on every request (and
pick response schemas from it). The fixture sets it and restores the previous value on cleanup;
stestr runs each worker in its own process, so the value is never shared between workers.
"""

from __future__ import annotations

import fixtures
from tempest.lib.common import api_version_request
from tempest.lib.services.compute import base_compute_client


def current_microversion() -> str | None:
    """The compute microversion tempest.lib clients send now (None = no header, i.e. 2.1)."""
    return base_compute_client.COMPUTE_MICROVERSION


def version_at_least(version: str | None, minimum: str) -> bool:
    """True when `version` (None meaning 2.1, 'latest' meaning the newest) is >= `minimum`."""
    wanted = api_version_request.APIVersionRequest(version or "2.1")
    return wanted >= api_version_request.APIVersionRequest(minimum)


class ComputeMicroversion(fixtures.Fixture):
    """Send `version` as the compute microversion until cleanup (None = no header)."""

    def __init__(self, version: str | None) -> None:
        super().__init__()
        if version is not None:
            api_version_request.APIVersionRequest(version)  # raises on a malformed version
        self.version = version

    def _setUp(self) -> None:
        previous = base_compute_client.COMPUTE_MICROVERSION
        self.addCleanup(setattr, base_compute_client, "COMPUTE_MICROVERSION", previous)
        base_compute_client.COMPUTE_MICROVERSION = self.version


def version_headers(version: str | None = None) -> dict[str, str]:
    """The header asking for ``version`` (default: the current compute microversion), for
    raw RestClient calls (they do not read the microversion typed clients send); pass them
    with ``extra_headers=True``. {} when no version is set (the cloud's minimum)."""
    version = version or current_microversion()
    return {"OpenStack-API-Version": f"compute {version}"} if version else {}
