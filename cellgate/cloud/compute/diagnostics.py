"""Driver view of ComputeAPI: what a server's cell's driver holds for it (cellgate's own
admin diagnostics, ``GET /cellgate/v1/servers/{id}/driver``; not a Nova API)."""

from __future__ import annotations

from typing import Any

from cellgate.cloud.context import RequestContext


class DriverViewMethods:
    """Part of ComputeAPI (needs ``self.router``, ``self._instance``)."""

    def driver_view(self, ctx: RequestContext, uuid: str) -> dict[str, Any]:
        """Ask the server's cell what its host's driver holds: ``{id, cell, host,
        power_state, key_data, security_rules: {revision, rules}}`` (host None and nothing
        held while no host has the server)."""
        instance = self._instance(ctx, uuid)
        held = None
        if instance.cell_name:
            held = self.router.call(instance.cell_name, "driver_view", {"uuid": uuid})
        return {"id": uuid, "cell": instance.cell_name, "host": None, "power_state": None,
                "key_data": None, "security_rules": None, **(held or {})}
