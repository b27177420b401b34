"""Instance: the versioned object a server is, which owns its sync between cells.

An instance is bound to a *site*: the child cell that holds it (authoritative) or the API cell
(read model). ``save()`` asks the site to persist the changed fields and propagate them: a
child site writes its cell DB, bumps ``sync_seq`` and sends a sync-up message; the API site
writes the read model and sends the change down. Callers never write sync messages.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar, Protocol

from cellgate.cloud.objects.base import DateTimeField, Field, VersionedObject

# vm_state -> {task_state: status}; None key is the default, as Nova's state mapping.
_STATUS: dict[str, dict[Any, str]] = {
    "active": {None: "ACTIVE", "rebooting": "REBOOT", "reboot_pending": "REBOOT",
               "reboot_started": "REBOOT", "rebooting_hard": "HARD_REBOOT",
               "reboot_pending_hard": "HARD_REBOOT", "reboot_started_hard": "HARD_REBOOT",
               "rebuilding": "REBUILD", "updating_password": "PASSWORD",
               "resize_prep": "RESIZE", "resize_migrating": "RESIZE",
               "resize_migrated": "RESIZE", "resize_finish": "RESIZE"},
    "building": {None: "BUILD"},
    "stopped": {None: "SHUTOFF", "rebooting": "REBOOT", "rebooting_hard": "HARD_REBOOT",
                "rebuilding": "REBUILD", "resize_prep": "RESIZE", "resize_migrating": "RESIZE",
                "resize_migrated": "RESIZE", "resize_finish": "RESIZE"},
    "resized": {None: "VERIFY_RESIZE", "resize_reverting": "REVERT_RESIZE"},
    "error": {None: "ERROR", "rebuilding": "REBUILD"},
    "deleted": {None: "DELETED"},
    "soft-delete": {None: "SOFT_DELETED"},
    "paused": {None: "PAUSED"},
    "suspended": {None: "SUSPENDED"},
    "shelved": {None: "SHELVED"},
    "shelved_offloaded": {None: "SHELVED_OFFLOADED"},
}

# Fields the child cell owns: a change sent down from the top never carries them.
CHILD_OWNED = frozenset({"vm_state", "task_state", "power_state", "host", "node", "launched_at",
                         "terminated_at", "fault", "addresses", "deleted", "deleted_at",
                         "progress", "sync_seq", "migration", "owner_gen"})


# Fields users change through the API: the top is authoritative for them, so a sync-up never
# overwrites them (it may have been sent before the cell applied the user's latest change).
TOP_OWNED = frozenset({"name", "description", "metadata", "key_name", "access_ipv4",
                       "access_ipv6", "locked", "locked_by", "locked_reason",
                       "tags", "security_groups", "security_rules", "user_data", "hostname",
                       "trusted_certs", "image_properties"})


def nova_status(vm_state: str | None, task_state: str | None) -> str:
    """The API status string Nova shows for a (vm_state, task_state) pair."""
    mapping = _STATUS.get(vm_state or "", {})
    return mapping.get(task_state, mapping.get(None, "UNKNOWN"))


class InstanceSite(Protocol):
    """Where an instance lives; implemented by the API cell and child cell services."""

    def save_instance(self, instance: Instance, changes: set[str]) -> None:
        """Persist ``changes`` of ``instance`` and propagate them to the other side."""


class Instance(VersionedObject):
    """A server. Version history: 1.0 initial; 1.1 adds ``key_data`` (the public key of
    ``key_name``, resolved at the top at boot; missing in 1.0 data, read as None); 1.2 adds
    ``owner_gen`` (the ownership generation of a cross-cell move, 0 in older data); 1.3 adds
    ``security_rules`` (``{revision, rules}``: the effective rules of ``security_groups``,
    resolved at the top at boot and on every change; missing in older data, read as None);
    1.4 adds ``trusted_certs`` (2.63), ``scheduler_hints`` (as Nova's request spec keeps
    them: each value a list of strings) and ``image_properties`` (the image's standard
    properties at build or rebuild, 2.98)."""

    OBJ_NAME = "Instance"
    VERSION = "1.4"
    FIELDS: ClassVar[dict[str, Field]] = {
        "uuid": Field(),
        "name": Field(),
        "project_id": Field(),
        "user_id": Field(),
        "image_ref": Field(),
        "flavor": Field(factory=dict),
        "vm_state": Field("building"),
        "task_state": Field("scheduling"),
        "power_state": Field(0),
        "cell_name": Field(),
        "host": Field(),
        "node": Field(),
        "availability_zone": Field(),
        "requested_availability_zone": Field(),
        "requested_host": Field(),
        "metadata": Field(factory=dict),
        "created_at": DateTimeField(),
        "updated_at": DateTimeField(),
        "launched_at": DateTimeField(),
        "terminated_at": DateTimeField(),
        "deleted_at": DateTimeField(),
        "deleted": Field(False),
        "fault": Field(),
        "key_name": Field(),
        "key_data": Field(),
        "config_drive": Field(""),
        "auto_disk_config": Field(False),
        "access_ipv4": Field(),
        "access_ipv6": Field(),
        "addresses": Field(factory=dict),
        "networks": Field("auto"),
        "locked": Field(False),
        "locked_by": Field(),
        "locked_reason": Field(),
        "description": Field(),
        "security_groups": Field(factory=lambda: [{"name": "default"}]),
        "security_rules": Field(),
        "progress": Field(0),
        "reservation_id": Field(),
        "launch_index": Field(0),
        "hostname": Field(),
        "user_data": Field(),
        "kernel_id": Field(""),
        "ramdisk_id": Field(""),
        "root_device_name": Field("/dev/vda"),
        "tags": Field(factory=list),
        "trusted_certs": Field(),
        "scheduler_hints": Field(factory=dict),
        "image_properties": Field(factory=dict),
        # an unfinished resize or cold migration: {uuid, source_host, dest_host, old_flavor,
        # new_flavor, migration_type}; None when none is in progress
        "migration": Field(),
        "sync_seq": Field(0),
        # which copy owns the instance: bumped by the API cell each time a cross-cell move
        # hands it to another cell; the read model takes sync-ups of the owning copy only
        "owner_gen": Field(0),
    }

    def bind(self, site: InstanceSite) -> Instance:
        """Attach the site that persists and propagates this instance; returns self."""
        object.__setattr__(self, "_site", site)
        return self

    def save(self) -> None:
        """Persist the changed fields through the bound site (which syncs them)."""
        site = self.__dict__.get("_site")
        if site is None:
            raise RuntimeError("Instance.save() needs a site: call bind() first")
        changes = self.obj_what_changed()
        site.save_instance(self, changes)
        self.obj_reset_changes()

    @property
    def status(self) -> str:
        """Nova's status string."""
        if self.deleted:
            return "DELETED"
        return nova_status(self.vm_state, self.task_state)

    def to_record(self) -> dict[str, Any]:
        """The plain record ComputeAPI returns (see docs/ARCHITECTURE.md)."""
        return record_from_data(self.obj_data())


def record_from_data(data: dict[str, Any]) -> dict[str, Any]:
    """A record straight from stored data, without building an object (fast listing)."""
    record = dict(data)
    if len(record) != len(Instance.FIELDS) or any(n not in record for n in Instance.FIELDS):
        for name, field in Instance.FIELDS.items():
            if name not in record:
                record[name] = field.default()
    for name in ("created_at", "updated_at", "launched_at", "terminated_at", "deleted_at"):
        value = record[name]
        if isinstance(value, str):
            record[name] = _parse_time(value)
    fault = record.get("fault")
    if fault and isinstance(fault.get("created"), str):
        record["fault"] = {**fault, "created": _parse_time(fault["created"])}
    record["status"] = ("DELETED" if record["deleted"]
                        else nova_status(record["vm_state"], record["task_state"]))
    return record


def _parse_time(value: str) -> datetime.datetime:
    parsed = datetime.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
