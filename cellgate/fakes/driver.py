"""FakeDriver: one fake hypervisor whose behaviour comes from data (profile + fault plan).

It keeps real accounting (usage rises on spawn and falls on destroy, persisted by the cell's
node store), sleeps the profile's spawn latency, follows the fault plan and, like libvirt,
reads the flavor's extra_specs at spawn time.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from cellgate.cloud.topology import HostProfile

POWER_NOSTATE = 0
POWER_RUNNING = 1
POWER_PAUSED = 3
POWER_SHUTDOWN = 4
POWER_SUSPENDED = 7


class SpawnFailed(Exception):
    """A spawn failed; ``reschedulable`` says whether another host might succeed."""

    def __init__(self, reason: str, *, reschedulable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reschedulable = reschedulable


class NodeStore(Protocol):
    """What the driver needs from the cell database (CellStore implements it)."""

    def claim(self, host: str, instance_uuid: str, vcpus: int, memory_mb: int,
              disk_gb: int) -> bool: ...

    def release(self, instance_uuid: str) -> str | None: ...

    def node(self, host: str) -> dict[str, Any]: ...


def _choice(*allowed: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if value in allowed else f"must be one of {', '.join(allowed)}"
    return check


def _int(minimum: int = 0) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if value.isdigit() and int(value) >= minimum else \
            f"must be an integer >= {minimum}"
    return check


def _bool(value: str) -> str | None:
    ok = value.lower() in ("true", "false", "1", "0", "yes", "no", "on", "off")
    return None if ok else "must be a boolean"


def _page_size(value: str) -> str | None:
    if value in ("small", "large", "any") or re.fullmatch(r"\d+([KMG]i?B?)?", value):
        return None
    return "must be small, large, any or a size such as 2048, 2MB or 1GB"


def _text(value: str) -> str | None:
    return None if value else "must not be empty"


# The hw: extra specs this driver understands, each with its value check.
HW_SPECS: dict[str, Callable[[str], str | None]] = {
    "cpu_policy": _choice("shared", "dedicated", "mixed"),
    "cpu_thread_policy": _choice("prefer", "isolate", "require"),
    "emulator_threads_policy": _choice("share", "isolate"),
    "cpu_sockets": _int(1), "cpu_cores": _int(1), "cpu_threads": _int(1),
    "cpu_max_sockets": _int(1), "cpu_max_cores": _int(1), "cpu_max_threads": _int(1),
    "cpu_realtime": _bool, "cpu_realtime_mask": _text, "cpu_dedicated_mask": _text,
    "mem_page_size": _page_size, "numa_nodes": _int(1),
    "watchdog_action": _choice("disabled", "pause", "poweroff", "reset", "none"),
    "boot_menu": _bool, "serial_port_count": _int(0), "pmu": _bool,
    "pci_numa_affinity_policy": _choice("required", "legacy", "preferred", "socket"),
    "mem_encryption": _bool, "tpm_version": _choice("1.2", "2.0"),
    "tpm_model": _choice("tpm-tis", "tpm-crb"), "vif_multiqueue_enabled": _bool,
    "hide_hypervisor_id": _bool, "locked_memory": _bool, "virtio_packed_ring": _bool,
    "cpu_model": _text, "maxphysaddr_mode": _choice("emulate", "passthrough"),
    "maxphysaddr_bits": _int(1),
}
HW_INDEXED = {"numa_cpus": _text, "numa_mem": _int(1)}

# Namespaces other parts of a cloud own; the driver accepts them as they are.
ACCEPTED_PREFIXES = ("quota:", "aggregate_instance_extra_specs:", "hw_rng:", "hw_video:",
                     "os:", "trait:", "resources:", "capabilities:", "pci_passthrough:",
                     "accel:", "group_policy")


class FakeDriver:
    """A fake hypervisor for one host, configured entirely by ``profile``."""

    hypervisor_type = "fake"
    hypervisor_version = 1000

    def __init__(self, host: str, profile: HostProfile, store: NodeStore,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.host = host
        self.profile = profile
        self.store = store
        self._sleep = sleep
        self._lock = threading.Lock()
        self._fail_next = profile.faults.fail_next_spawns
        self._power: dict[str, int] = {}
        self._keys: dict[str, str] = {}  # instance uuid -> the public key it was given
        # instance uuid -> its firewall: the effective security group rules ({revision, rules})
        self._firewalls: dict[str, dict[str, Any]] = {}

    # -- capacity -----------------------------------------------------------------------

    def resources(self) -> dict[str, Any]:
        """Totals, usage and traits of this host as persisted in the cell DB."""
        node = self.store.node(self.host)
        return {**node, "host": self.host, "dedicated_cpus": self.profile.dedicated_cpus,
                "availability_zone": self.profile.availability_zone,
                "hypervisor_type": self.hypervisor_type,
                "hypervisor_version": self.hypervisor_version}

    def fits(self, flavor: dict[str, Any]) -> bool:
        """Whether the host has room for ``flavor`` right now."""
        node = self.store.node(self.host)
        return (node["vcpus"] - node["vcpus_used"] >= flavor["vcpus"]
                and node["memory_mb"] - node["memory_mb_used"] >= flavor["ram"]
                and node["local_gb"] - node["local_gb_used"] >= _disk(flavor))

    # -- extra specs --------------------------------------------------------------------

    def check_extra_specs(self, flavor: dict[str, Any]) -> None:
        """Raise SpawnFailed if the flavor asks for something this host cannot give."""
        specs = flavor.get("extra_specs") or {}
        for key, raw in sorted(specs.items()):
            value = str(raw)
            if not key.startswith("hw:"):
                continue
            name = key[3:]
            check = HW_SPECS.get(name) or HW_INDEXED.get(name.rsplit(".", 1)[0]
                                                          if "." in name else "")
            if check is None:
                raise SpawnFailed(f"Unknown flavor extra spec {key}: the fake driver does "
                                  "not understand it", reschedulable=False)
            problem = check(value)
            if problem:
                raise SpawnFailed(f"Invalid flavor extra spec {key}={value}: {problem}",
                                  reschedulable=False)
        policy = str(specs.get("hw:cpu_policy", "shared"))
        if policy in ("dedicated", "mixed") and not self.profile.dedicated_cpus:
            raise SpawnFailed(f"Host {self.host} has no dedicated CPUs for "
                              f"hw:cpu_policy={policy}", reschedulable=True)

    # -- lifecycle ----------------------------------------------------------------------

    def spawn(self, instance_uuid: str, name: str, flavor: dict[str, Any],
              key_data: str | None = None,
              security_rules: dict[str, Any] | None = None) -> int:
        """Boot an instance; returns its power state. Raises SpawnFailed. ``key_data`` is
        the public key to inject (kept, as a guest would hold it: see ``injected_key``);
        ``security_rules`` its firewall (see ``set_security_rules``)."""
        self.check_extra_specs(flavor)
        if not self.store.claim(self.host, instance_uuid, flavor["vcpus"], flavor["ram"],
                                _disk(flavor)):
            raise SpawnFailed(f"Insufficient compute resources on host {self.host} for "
                              f"flavor {flavor.get('name')}", reschedulable=True)
        if self.profile.spawn_latency_ms:
            self._sleep(self.profile.spawn_latency_ms / 1000.0)
        failure = self._planned_failure(instance_uuid, name)
        if failure:
            self.store.release(instance_uuid)
            raise SpawnFailed(failure, reschedulable=True)
        with self._lock:
            self._power[instance_uuid] = POWER_RUNNING
            if key_data:
                self._keys[instance_uuid] = key_data
            if security_rules is not None:
                self._firewalls[instance_uuid] = security_rules
        return POWER_RUNNING

    def set_security_rules(self, instance_uuid: str, security_rules: dict[str, Any]) -> None:
        """Replace an instance's firewall (``{revision, rules}``) unless it holds a newer
        revision already (casts may arrive out of order)."""
        with self._lock:
            held = self._firewalls.get(instance_uuid) or {}
            if int(security_rules.get("revision") or 0) >= int(held.get("revision") or 0):
                self._firewalls[instance_uuid] = security_rules

    def held(self, instance_uuid: str) -> dict[str, Any]:
        """What this host holds for an instance: power state, injected key, firewall."""
        with self._lock:
            return {"host": self.host, "power_state": self._power.get(instance_uuid),
                    "key_data": self._keys.get(instance_uuid),
                    "security_rules": self._firewalls.get(instance_uuid)}

    def injected_key(self, instance_uuid: str) -> str | None:
        """The public key the instance was spawned with, or None."""
        with self._lock:
            return self._keys.get(instance_uuid)

    def _planned_failure(self, instance_uuid: str, name: str) -> str | None:
        faults = self.profile.faults
        if faults.fail_all_spawns:
            return f"Fault plan of host {self.host} fails every spawn"
        if instance_uuid in faults.fail_instances or name in faults.fail_instances:
            return f"Fault plan of host {self.host} fails instance {name}"
        with self._lock:
            if self._fail_next > 0:
                self._fail_next -= 1
                return f"Fault plan of host {self.host} failed this spawn (fail_next_spawns)"
        return None

    def destroy(self, instance_uuid: str) -> None:
        """Remove an instance and give its resources back (safe to repeat)."""
        self.store.release(instance_uuid)
        with self._lock:
            self._power.pop(instance_uuid, None)
            self._keys.pop(instance_uuid, None)
            self._firewalls.pop(instance_uuid, None)

    def reboot(self, instance_uuid: str, reboot_type: str = "SOFT") -> int:
        """Reboot; returns the power state (running)."""
        with self._lock:
            self._power[instance_uuid] = POWER_RUNNING
        return POWER_RUNNING

    def power_off(self, instance_uuid: str) -> int:
        """Power off; returns the power state (shutdown)."""
        with self._lock:
            self._power[instance_uuid] = POWER_SHUTDOWN
        return POWER_SHUTDOWN

    def power_on(self, instance_uuid: str) -> int:
        """Power on; returns the power state (running)."""
        return self._set_power(instance_uuid, POWER_RUNNING)

    def pause(self, instance_uuid: str) -> int:
        """Pause (memory kept, CPUs stopped); returns the power state (paused)."""
        return self._set_power(instance_uuid, POWER_PAUSED)

    def unpause(self, instance_uuid: str) -> int:
        """Unpause; returns the power state (running)."""
        return self._set_power(instance_uuid, POWER_RUNNING)

    def suspend(self, instance_uuid: str) -> int:
        """Suspend to disk; returns the power state (suspended)."""
        return self._set_power(instance_uuid, POWER_SUSPENDED)

    def resume(self, instance_uuid: str) -> int:
        """Resume a suspended instance; returns the power state (running)."""
        return self._set_power(instance_uuid, POWER_RUNNING)

    def rebuild(self, instance_uuid: str, image_ref: str) -> int:
        """Re-create the root disk from ``image_ref`` and boot it; returns running."""
        return self._set_power(instance_uuid, POWER_RUNNING)

    # -- resize and cold migration (this driver is the destination unless said) -----------

    def finish_migration(self, instance_uuid: str, migration_uuid: str,
                         flavor: dict[str, Any], power_on: bool) -> int:
        """Take a moved instance on this host: claim ``flavor`` under the migration's id (the
        source keeps the instance's own claim until confirm, as Nova's placement does) and
        power it as it was; returns the power state. Raises SpawnFailed without room."""
        self.check_extra_specs(flavor)
        if not self.store.claim(self.host, migration_uuid, flavor["vcpus"], flavor["ram"],
                                _disk(flavor)):
            raise SpawnFailed(f"Insufficient compute resources on host {self.host} for "
                              f"flavor {flavor.get('name')}", reschedulable=True)
        return self._set_power(instance_uuid, POWER_RUNNING if power_on else POWER_SHUTDOWN)

    def confirm_migration(self, instance_uuid: str, migration_uuid: str,
                          flavor: dict[str, Any]) -> None:
        """Make this host's migration claim the instance's own, which frees the source."""
        self.store.release(migration_uuid)
        self.store.claim(self.host, instance_uuid, flavor["vcpus"], flavor["ram"],
                         _disk(flavor))

    def revert_migration(self, instance_uuid: str, migration_uuid: str) -> None:
        """Drop the moved instance from this host and give the migration's claim back."""
        self.store.release(migration_uuid)
        self.forget(instance_uuid)

    def forget(self, instance_uuid: str) -> None:
        """The instance left this host (its claim is elsewhere): drop its power state."""
        with self._lock:
            self._power.pop(instance_uuid, None)

    def _set_power(self, instance_uuid: str, state: int) -> int:
        with self._lock:
            self._power[instance_uuid] = state
        return state


def _disk(flavor: dict[str, Any]) -> int:
    return int(flavor.get("disk", 0)) + int(flavor.get("ephemeral", 0) or 0)
