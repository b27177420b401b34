"""What POST /servers stores from its later-microversion fields, the way Nova stores it:
scheduler hints (2.100 shows them), the requested destination (2.74), the hostname (2.90,
an FQDN from 2.94) and the image's standard properties (2.98 shows them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cellgate.cloud import exceptions as exc

# Glance properties Nova copies into the instance (its ImageMetaProps fields): the hw_,
# img_ and os_ families and these few others; anything else an image has is not kept.
_PROPERTY_PREFIXES = ("hw_", "img_", "os_")
_PROPERTY_NAMES = frozenset({"architecture", "hypervisor_type", "hypervisor_version_requires",
                             "vm_mode", "traits_required", "socket_pci_numa_affinity"})


def stored_hints(hints: Mapping[str, Any] | None) -> dict[str, list[str] | str]:
    """Scheduler hints as Nova's request spec holds them: every value a list of strings (a
    single value becomes a one-item list), except ``group``, one server group's uuid (Nova
    keeps it as the spec's instance group: 2.100 shows it as a string, as tempest.lib's
    schema says)."""
    stored: dict[str, list[str] | str] = {}
    for name, value in (hints or {}).items():
        if name == "group":
            stored["group"] = str(value[0] if isinstance(value, list) and value else value)
            continue
        values = value if isinstance(value, list) else [value]
        stored[str(name)] = [str(item) for item in values]
    return stored


def image_properties(image: Mapping[str, Any]) -> dict[str, Any]:
    """The standard properties of ``image`` (its ``metadata``), as Nova keeps them."""
    return {key: value for key, value in (image.get("metadata") or {}).items()
            if value is not None and (key in _PROPERTY_NAMES
                                      or key.startswith(_PROPERTY_PREFIXES))}


def requested_destination(hosts: Iterable[Mapping[str, Any]], host: str | None,
                          node: str | None) -> str | None:
    """The compute host a 2.74 ``host``/``hypervisor_hostname`` names (a node is its host's
    one node here), or None when neither is given; Invalid (400) for one that is unknown
    or for a host and node that are not the same compute."""
    if not host and not node:
        return None
    known = {h["host"] for h in hosts}
    if host and host not in known:
        raise exc.Invalid(f"Compute host {host} could not be found.")
    if node and (node not in known or (host and node != host)):
        raise exc.Invalid(f"Compute host {host or node} could not be found.")
    return host or node


def check_hostname(hostname: str | None, max_count: int) -> None:
    """One hostname cannot name several servers (Nova's 400)."""
    if hostname and max_count > 1:
        raise exc.Invalid("Unable to allocate a single hostname to multiple instances")
