"""Security group plumbing of a child cell: the driver of a server's host holds the
server's effective rules (they arrive with the build and with every later change the top
casts down), and answers the top's driver view.

Part of ChildCellService (needs ``_load``, ``drivers``).
"""

from __future__ import annotations

from typing import Any

from cellgate.cloud.objects.instance import Instance


def revision(security_rules: dict[str, Any] | None) -> int:
    """The revision of a ``security_rules`` value (0 for none)."""
    return int((security_rules or {}).get("revision") or 0)


class ChildSecurityMethods:
    """Message handlers and hooks for security group rules."""

    def accept_security_rules(self, instance: Instance, incoming: Any) -> bool:
        """Whether a ``security_rules`` change sent down is newer than what the instance
        holds (casts of two changes may arrive in either order): then the host's driver
        gets it too."""
        if revision(incoming) < revision(instance.security_rules):
            return False
        driver = self.drivers.get(instance.host or "")
        if driver is not None and incoming is not None:
            driver.set_security_rules(instance.uuid, incoming)
        return True

    def msg_driver_view(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """What the driver of the instance's host holds for it, or None (not in this cell;
        no host: only the cell's name)."""
        instance = self._load(payload["uuid"])
        if instance is None:
            return None
        driver = self.drivers.get(instance.host or "")
        held = driver.held(instance.uuid) if driver is not None else {}
        return {"cell": self.cell_name, **held}
