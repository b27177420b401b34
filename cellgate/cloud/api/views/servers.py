"""Server bodies (create, list, detail/show, update) per microversion and caller role."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cellgate.cloud.api.microversion import APIVersion
from cellgate.cloud.api.views.common import host_id_of, isotime, links, microtime

_PROGRESS_STATUSES = frozenset(("ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE",
                                "MIGRATING"))
_FAULT_STATUSES = frozenset(("ERROR", "DELETED"))
_EXT_IPS = ("OS-EXT-IPS:type", "OS-EXT-IPS-MAC:mac_addr")


def created(record: dict, admin_pass: str | None, base_url: str) -> dict:
    """The 202 body of POST /servers."""
    body = {"id": record["uuid"], "links": links(base_url, "servers", record["uuid"]),
            "OS-DCF:diskConfig": disk_config(record),
            "security_groups": [{"name": n} for n in _group_names(record) or ["default"]]}
    if admin_pass is not None:
        body["adminPass"] = admin_pass
    return {"server": body}


def brief(record: dict, base_url: str) -> dict:
    """An item of GET /servers (a down cell's server, 2.69+: id, status UNKNOWN, links)."""
    if record.get("cell_down"):
        return {"id": record["uuid"], "status": "UNKNOWN",
                "links": links(base_url, "servers", record["uuid"])}
    return {"id": record["uuid"], "name": record["name"],
            "links": links(base_url, "servers", record["uuid"])}


@dataclass(frozen=True)
class ServerView:
    """What a server body holds for one request (version features decided once, so that a
    listing of 1,000 servers does not compare versions 1,000 times)."""

    base_url: str
    is_admin: bool
    locked: bool
    description: bool
    tags: bool
    embedded_flavor: bool
    extended_attrs: bool
    host_status: bool
    host_statuses: Mapping[str, str] = field(default_factory=dict)
    locked_reason: bool = False
    trusted_certs: bool = False  # 2.63
    server_groups: bool = False  # 2.71 (show, update, rebuild: not the detail list)
    hostname_for_all: bool = False  # 2.90
    pinned_az: bool = False  # 2.96
    image_properties: bool = False  # 2.98
    scheduler_hints: bool = False  # 2.100

    @classmethod
    def for_request(cls, base_url: str, version: APIVersion, is_admin: bool,
                    services: Iterable[dict] = ()) -> ServerView:
        """The view for a microversion and caller role; ``services`` (nova-compute service
        records) give ``host_status`` (admins, 2.16+)."""
        return cls(base_url=base_url, is_admin=is_admin, locked=version >= "2.9",
                   description=version >= "2.19", tags=version >= "2.26",
                   embedded_flavor=version >= "2.47", extended_attrs=version >= "2.3",
                   host_status=version >= "2.16", host_statuses=host_statuses(services),
                   locked_reason=version >= "2.73", trusted_certs=version >= "2.63",
                   server_groups=version >= "2.71", hostname_for_all=version >= "2.90",
                   pinned_az=version >= "2.96", image_properties=version >= "2.98",
                   scheduler_hints=version >= "2.100")

    def show(self, record: dict, extended: bool = True, in_list: bool = False) -> dict:
        """GET /servers/{id} and /servers/detail items (``in_list``), extended, or the PUT and
        rebuild answers below 2.75 (not extended)."""
        if record.get("cell_down"):
            return self.down_cell(record)
        get = record.get
        uuid = record["uuid"]
        status = record["status"]
        host = get("host")
        base_url = self.base_url
        created = get("created_at")
        metadata = get("metadata")
        addresses = get("addresses")
        body = {
            "id": uuid,
            "name": record["name"],
            "status": status,
            "tenant_id": record["project_id"],
            "user_id": record["user_id"],
            "metadata": dict(metadata) if metadata else {},
            "hostId": host_id_of(record["project_id"], host),
            "image": _image(get("image_ref"), base_url,
                            (get("image_properties") or {}) if self.image_properties
                            else None),
            "flavor": _flavor(get("flavor") or {}, base_url, self.embedded_flavor),
            "created": isotime(created),
            "updated": isotime(get("updated_at") or created),
            "addresses": _addresses(addresses, extended) if addresses else {},
            "accessIPv4": get("access_ipv4") or "",
            "accessIPv6": get("access_ipv6") or "",
            "links": [
                {"rel": "self", "href": f"{base_url}/compute/v2.1/servers/{uuid}"},
                {"rel": "bookmark", "href": f"{base_url}/compute/servers/{uuid}"},
            ],
            "OS-DCF:diskConfig": disk_config(record),
        }
        if status in _PROGRESS_STATUSES:
            body["progress"] = int(record.get("progress") or 0)
        fault = record.get("fault")
        if fault and status in _FAULT_STATUSES:
            body["fault"] = _fault(fault, self.is_admin)
        if self.locked:
            body["locked"] = bool(record.get("locked"))
        if self.locked_reason:
            body["locked_reason"] = record.get("locked_reason")
        if self.description:
            body["description"] = record.get("description")
        if self.tags:
            body["tags"] = list(record.get("tags") or [])
        if self.trusted_certs:
            body["trusted_image_certificates"] = (list(record["trusted_certs"])
                                                  if get("trusted_certs") else None)
        if self.server_groups and not in_list:
            body["server_groups"] = list(get("server_groups") or [])
        if self.hostname_for_all:
            body["OS-EXT-SRV-ATTR:hostname"] = get("hostname") or _hostname(record["name"])
        if self.scheduler_hints:
            body["scheduler_hints"] = dict(get("scheduler_hints") or {})
        if not extended:
            return body
        body["key_name"] = record.get("key_name")
        groups = _group_names(record)
        if groups:
            body["security_groups"] = [{"name": n} for n in groups]
        body["OS-SRV-USG:launched_at"] = microtime(record.get("launched_at"))
        body["OS-SRV-USG:terminated_at"] = microtime(record.get("terminated_at"))
        body["OS-EXT-AZ:availability_zone"] = record.get("availability_zone") or "nova"
        if self.pinned_az:  # the zone the boot asked for (Nova's request spec), or null
            body["pinned_availability_zone"] = record.get("requested_availability_zone")
        body["OS-EXT-STS:task_state"] = record.get("task_state")
        body["OS-EXT-STS:vm_state"] = record.get("vm_state")
        body["OS-EXT-STS:power_state"] = int(record.get("power_state") or 0)
        body["os-extended-volumes:volumes_attached"] = []
        body["config_drive"] = "True" if record.get("config_drive") else ""
        if self.is_admin:
            body["OS-EXT-SRV-ATTR:host"] = host
            body["OS-EXT-SRV-ATTR:hypervisor_hostname"] = record.get("node")
            body["OS-EXT-SRV-ATTR:instance_name"] = instance_name(uuid)
            if self.extended_attrs:
                body["OS-EXT-SRV-ATTR:reservation_id"] = record.get("reservation_id")
                body["OS-EXT-SRV-ATTR:launch_index"] = int(record.get("launch_index") or 0)
                body["OS-EXT-SRV-ATTR:hostname"] = (record.get("hostname")
                                                    or _hostname(record["name"]))
                body["OS-EXT-SRV-ATTR:kernel_id"] = ""
                body["OS-EXT-SRV-ATTR:ramdisk_id"] = ""
                body["OS-EXT-SRV-ATTR:root_device_name"] = "/dev/vda"
                body["OS-EXT-SRV-ATTR:user_data"] = record.get("user_data")
            if self.host_status:
                body["host_status"] = self.host_statuses.get(host, "") if host else ""
        return body


    def down_cell(self, record: dict) -> dict:
        """A server of a down cell (2.69+), as Nova's ``_show_from_down_cell``: id, status
        UNKNOWN, tenant_id, created, links; a show adds what the API database knows (image,
        flavor, zone or UNKNOWN, power state 0, user_id)."""
        uuid = record["uuid"]
        body = {"id": uuid, "status": "UNKNOWN", "tenant_id": record["project_id"],
                "created": isotime(record.get("created_at")),
                "links": links(self.base_url, "servers", uuid)}
        if record["cell_down"] == "show":
            body["image"] = _image(record.get("image_ref"), self.base_url, None)
            body["flavor"] = _flavor(record.get("flavor") or {}, self.base_url,
                                     self.embedded_flavor)
            body["OS-EXT-AZ:availability_zone"] = (record.get("requested_availability_zone")
                                                   or "UNKNOWN")
            body["OS-EXT-STS:power_state"] = 0
            body["user_id"] = record.get("user_id") or "UNKNOWN"
            if self.server_groups:  # no server groups here: never a member of one
                body["server_groups"] = []
        return body


def show(record: dict, base_url: str, version: APIVersion, is_admin: bool, *,
         extended: bool = True, services: Iterable[dict] = ()) -> dict:
    """One server body (see ServerView.show)."""
    return ServerView.for_request(base_url, version, is_admin, services).show(record, extended)


def host_statuses(services: Iterable[dict]) -> dict[str, str]:
    """host -> Nova's host_status from its nova-compute service: DOWN if forced down,
    MAINTENANCE if disabled, UP if reporting, else UNKNOWN (a host with no service: "")."""
    statuses = {}
    for service in services:
        if service.get("binary", "nova-compute") != "nova-compute":
            continue
        if service.get("forced_down"):
            status = "DOWN"
        elif service.get("status") == "disabled":
            status = "MAINTENANCE"
        else:
            status = "UP" if service.get("state") == "up" else "UNKNOWN"
        statuses[service["host"]] = status
    return statuses


def instance_name(uuid: str) -> str:
    """The hypervisor's name of a server (``OS-EXT-SRV-ATTR:instance_name``, and what
    os-hypervisors lists with_servers), not its display name."""
    return "instance-%s" % uuid[:8]


def disk_config(record: dict) -> str:
    """``OS-DCF:diskConfig``: AUTO when the boot asked for it, else MANUAL (Nova's)."""
    return "AUTO" if record.get("auto_disk_config") else "MANUAL"


def _group_names(record: dict) -> list[str]:
    names = []
    for group in record.get("security_groups") or []:
        names.append(group["name"] if isinstance(group, dict) else str(group))
    return names


def _hostname(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "-" else "-" for c in name.lower())
    return cleaned.strip("-")[:63] or "server"


def _image(image_ref: str | None, base_url: str, properties: dict | None) -> dict | str:
    """The image reference; with ``properties`` (2.98: the image's standard properties as
    they were when the server was built or rebuilt) when that is not None."""
    if not image_ref:
        return ""
    body = {"id": image_ref, "links": [
        {"rel": "bookmark", "href": f"{base_url}/compute/images/{image_ref}"}]}
    if properties is not None:
        body["properties"] = dict(properties)
    return body


def _flavor(flavor: dict, base_url: str, embedded: bool) -> dict:
    if embedded:
        return {"vcpus": flavor.get("vcpus", 0), "ram": flavor.get("ram", 0),
                "disk": flavor.get("disk", 0), "ephemeral": flavor.get("ephemeral", 0),
                "swap": flavor.get("swap", 0), "original_name": flavor.get("name", ""),
                "extra_specs": dict(flavor.get("extra_specs") or {})}
    if not flavor:
        return {}
    return {"id": flavor["id"], "links": [
        {"rel": "bookmark", "href": f"{base_url}/compute/flavors/{flavor['id']}"}]}


def _addresses(addresses: dict, extended: bool) -> dict:
    if extended:
        return addresses
    return {net: [{k: v for k, v in ip.items() if k not in _EXT_IPS} for ip in ips]
            for net, ips in addresses.items()}


def _fault(fault: dict, is_admin: bool) -> dict:
    body = {"code": int(fault.get("code") or 500), "message": fault.get("message") or "",
            "created": isotime(fault.get("created")) if not isinstance(fault.get("created"), str)
            else fault["created"]}
    if fault.get("details") and (is_admin or body["code"] != 500):
        body["details"] = fault["details"]
    return body
