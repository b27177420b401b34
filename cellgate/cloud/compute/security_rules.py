"""Nova's security group rule checks and its view of Neutron rules (Nova 34's
``nova/network/security_group_api.py``): a ``/os-security-group-rules`` body becomes a
Neutron ingress rule, or Invalid worded as Nova words it."""

from __future__ import annotations

import ipaddress
import urllib.parse
from typing import Any

from cellgate.cloud import exceptions as exc

ANY_V4 = "0.0.0.0/0"
_PORT_PROTOCOLS = ("TCP", "UDP")


def parse_cidr(cidr: Any) -> str:
    """The CIDR a rule names (none: 0.0.0.0/0); not a network -> Invalid."""
    if not cidr:
        return ANY_V4
    text = urllib.parse.unquote(str(cidr))
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise exc.Invalid(f"{text} is not a valid IP network.") from None
    if "/" not in text:
        raise exc.Invalid(f"{text} is not a valid IP network.")
    network, prefix = text.split("/", 1)
    if network not in ("0.0.0.0", "::") and prefix == "0":
        raise exc.Invalid(f"Bad prefix for network in cidr {text}")
    return text


def _ports(protocol: str, from_port: Any, to_port: Any) -> tuple[int, int]:
    upper = protocol.upper()
    try:
        low, high = int(from_port), int(to_port)
    except (TypeError, ValueError):
        reason = ("Type and Code must be integers for ICMP protocol type" if upper == "ICMP"
                  else "To and From ports must be integers")
        raise exc.Invalid(f"Invalid input received: {reason}") from None
    if upper not in (*_PORT_PROTOCOLS, "ICMP"):
        raise exc.Invalid(f"Invalid IP protocol {protocol}.")
    problem = None
    if upper in _PORT_PROTOCOLS and low > high:
        problem = "Former value cannot be greater than the later"
    elif upper in _PORT_PROTOCOLS and (low < 1 or high > 65535):
        problem = f"Valid {upper} ports should be between 1-65535"
    elif upper == "ICMP" and not (-1 <= low <= 255 and -1 <= high <= 255):
        problem = "For ICMP, the type:code must be valid"
    if problem:
        raise exc.Invalid(f"Invalid port range {low}:{high}. {problem}")
    return low, high


def requested_rule(body: dict[str, Any]) -> dict[str, Any]:
    """Nova's rule of a request body ``{ip_protocol, from_port, to_port, cidr, group_id}``:
    ``{protocol, from_port, to_port, cidr | group_id}``. A source group opens every port of
    TCP/UDP (ICMP: every type) when no ports are given; a CIDR rule needs a protocol and
    both ports ("Not enough parameters...")."""
    protocol, low, high = body.get("ip_protocol"), body.get("from_port"), body.get("to_port")
    rule: dict[str, Any] = {}
    if body.get("group_id") is not None:
        rule["group_id"] = body["group_id"]
        upper = str(protocol).upper() if protocol else ""
        if low is None and high is None:
            low, high = {"ICMP": (-1, -1), "TCP": (1, 65535), "UDP": (1, 65535)}.get(
                upper, (None, None))
    else:
        rule["cidr"] = parse_cidr(body.get("cidr"))
    if protocol and low is not None and high is not None:
        rule["protocol"] = str(protocol)
        rule["from_port"], rule["to_port"] = _ports(str(protocol), low, high)
    elif "cidr" in rule:
        raise exc.Invalid("Not enough parameters to build a valid rule.")
    return rule


def same_as_shown(rule: dict[str, Any], shown: dict[str, Any]) -> bool:
    """Nova's own duplicate check: the requested rule equals an existing one as Nova shows
    it (so 'TCP' differs from 'tcp' here, and Neutron finds that duplicate instead)."""
    return all(rule.get(k) == shown.get(k)
               for k in ("group_id", "cidr", "from_port", "to_port", "protocol"))


def to_neutron(rule: dict[str, Any], group: dict[str, Any]) -> dict[str, Any]:
    """The Neutron ingress rule Nova asks for (ethertype from the CIDR, -1 = no bound);
    Neutron lower-cases protocol names and stores the whole TCP/UDP range as no range."""
    cidr = rule.get("cidr")
    ethertype = "IPv6" if cidr and ipaddress.ip_network(cidr, strict=False).version == 6 \
        else "IPv4"
    protocol = rule.get("protocol")
    protocol = protocol.lower() if protocol else None
    low = rule.get("from_port")
    high = rule.get("to_port")
    low = None if low in (None, -1) else low
    high = None if high in (None, -1) else high
    if protocol in ("tcp", "udp") and (low, high) == (1, 65535):
        low = high = None
    if protocol == "icmp" and low is None and high is not None:
        raise exc.Invalid(f"ICMP code (port-range-max) {high} is provided but ICMP type "
                          f"(port-range-min) is missing.")
    return {"security_group_id": group["id"], "project_id": group["project_id"],
            "direction": "ingress", "ethertype": ethertype, "protocol": protocol,
            "port_range_min": low, "port_range_max": high, "remote_ip_prefix": cidr,
            "remote_group_id": rule.get("group_id")}


def to_nova(rule: dict[str, Any]) -> dict[str, Any]:
    """How Nova shows a Neutron rule: ``{id, parent_group_id, protocol, from_port, to_port,
    group_id, cidr}`` (a protocol without ports shows 1-65535 for TCP/UDP, else -1)."""
    protocol = rule.get("protocol")
    low, high = rule.get("port_range_min"), rule.get("port_range_max")
    if protocol and low is None and high is None:
        low, high = (1, 65535) if protocol.upper() in _PORT_PROTOCOLS else (-1, -1)
    return {"id": rule["id"], "parent_group_id": rule["security_group_id"],
            "protocol": protocol, "from_port": low, "to_port": high,
            "group_id": rule.get("remote_group_id"),
            "cidr": rule.get("remote_ip_prefix") or ANY_V4}
