"""The harness config: a tempest.conf-style INI file loaded into frozen dataclasses.

`load_config(path)` is the only entry point; the result is passed explicitly to whoever needs it
(no module-level CONF). Every problem raises `ConfigError` naming the file, section, key and fix.
See docs/ARCHITECTURE.md ("The harness config") for the file format.
"""

from __future__ import annotations

import configparser
import dataclasses
import difflib
import os
import types
from collections.abc import Mapping

from tempest.lib.common import api_version_request

from cellgate.errors import CellgateError
from cellgate.lib.credentials import Credentials
from cellgate.lib.exceptions import CredentialsError

ROLES = ("admin", "member", "member_peer", "alt")
REQUIRED_ROLES = ("admin", "member")
INLINE_FIELDS = ("username", "password", "project_name", "user_domain_name",
                 "project_domain_name")

#: Known `[compute-feature-enabled]` flags and their defaults. Other flags may be set too (a
#: test can require any name); a flag that is neither set nor known counts as disabled.
FEATURE_DEFAULTS: Mapping[str, bool] = types.MappingProxyType({
    "extra_specs": True,
    "flavor_description": True,
    "private_flavors": True,
    "server_metadata": True,
    "instance_actions": True,
    "reboot": True,
    "stop_start": True,
    "services": True,
    "hypervisors": True,
    "images": True,
    "keypairs": True,
    "quotas": True,
    "security_groups": False,
    # cellgate's admin driver view (GET /cellgate/v1/servers/{id}/driver); real Nova lacks it
    "driver_view": False,
    "aggregates": False,            # /os-aggregates
    "availability_zones": False,    # /os-availability-zone, boots into a zone
    # Nova's scheduler filters that are not in its default enabled_filters (as Tempest's
    # scheduler_enabled_filters): the scenarios that need them skip without them
    "aggregate_instance_extra_specs_filter": False,
    "aggregate_multitenancy_isolation_filter": False,
    "server_groups": False,
    # same_host / different_host hints honoured (Nova's SameHostFilter and DifferentHostFilter,
    # which are not in its default enabled_filters)
    "scheduler_host_hints": False,
    # server actions, defaulting as Tempest's [compute-feature-enabled] does (lock and
    # rebuild have no Tempest flag: always on there)
    "lock": True,
    "pause": True,
    "suspend": True,
    "rebuild": True,
    "shelve": True,
    "resize": False,
    "cold_migration": True,
    # resize and cold migrate may move a server to another cell (Nova's policy
    # compute:servers:resize:cross_cell allows admins): Nova's default policy allows nobody
    "cross_cell_resize": False,
    "console_output": True,
    # PUT /os-services: the tests disable or force down a shared compute service for a few
    # requests, which tests running beside them see (hypervisor status changing between a
    # list and a show); off unless nothing else runs against the cloud at the same time
    "service_updates": False,
    # tests that fill a cell, weigh it or take it down (through the reference cloud's
    # operator commands, `[cells] operator_state_dir`): alone on a cloud of their own only
    "cell_operations": False,
    # the cloud's first cell fails every spawn of a server named `cellgate-reschedule-probe`
    # (a fault plan of the reference cloud's cells-ops topology): reschedule tests need it
    "cell_reschedule_probe": False,
    # tests that put a shared compute host into a zone or a tenant-isolated aggregate: tests
    # beside them would see the host change (and a server landing on it meanwhile would make
    # its removal a 409); off unless nothing else runs against the cloud at the same time
    "zone_updates": False,
})

_SECTION_KEYS: Mapping[str, frozenset[str]] = types.MappingProxyType({
    "auth": frozenset(["clouds_yaml"] + [f"{role}_cloud" for role in ROLES]
                      + [f"{role}_{field}" for role in ROLES for field in INLINE_FIELDS]),
    "identity": frozenset(["uri_v3", "region"]),
    "compute": frozenset(["image_ref", "image_ref_alt", "flavor_ref", "flavor_ref_alt",
                          "min_microversion", "max_microversion", "build_timeout",
                          "build_interval"]),
    "compute-feature-enabled": frozenset(),  # open set, see FEATURE_DEFAULTS
    "cells": frozenset(["enabled", "count", "host_cells", "operator_state_dir"]),
    "skiplist": frozenset(["resolved_file"]),
})


class ConfigError(CellgateError):
    """The harness config is missing, malformed or inconsistent; the message says the fix."""


@dataclasses.dataclass(frozen=True)
class AuthConfig:
    """Credentials per role; `member_peer` shares the member's project, `alt` is another one."""

    admin: Credentials
    member: Credentials
    member_peer: Credentials | None = None
    alt: Credentials | None = None
    clouds_yaml: str | None = None

    def credentials(self, role: str) -> Credentials | None:
        """Credentials of `role` (one of ROLES), or None when the config has none."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        return getattr(self, role)


@dataclasses.dataclass(frozen=True)
class IdentityConfig:
    """Where Keystone v3 answers."""

    uri_v3: str
    region: str = "RegionOne"


@dataclasses.dataclass(frozen=True)
class ComputeConfig:
    """Images, flavors, microversion range and build timing for compute tests."""

    image_ref: str
    flavor_ref: str
    image_ref_alt: str
    flavor_ref_alt: str
    min_microversion: str = "2.1"
    max_microversion: str = "2.1"
    build_timeout: float = 60.0
    build_interval: float = 0.002


@dataclasses.dataclass(frozen=True)
class FeatureConfig:
    """`[compute-feature-enabled]` flags (read-only mapping of flag name to bool)."""

    flags: Mapping[str, bool] = dataclasses.field(default_factory=lambda: FEATURE_DEFAULTS)

    def enabled(self, flag: str) -> bool:
        """True when `flag` is enabled (unknown, unset flags are disabled)."""
        return bool(self.flags.get(flag, False))


@dataclasses.dataclass(frozen=True)
class CellsConfig:
    """Whether the cloud runs cells, how many child cells it has and which cell each compute
    host belongs to (`host_cells`; the Nova API does not show a host's cell)."""

    enabled: bool = False
    count: int = 0
    host_cells: Mapping[str, str] = dataclasses.field(
        default_factory=lambda: types.MappingProxyType({}))
    # the state directory of a reference cloud, for `cellgate cells ...` (what the Nova API
    # cannot show or do); None for any other cloud
    operator_state_dir: str | None = None

    def cell_of(self, host: str) -> str | None:
        """The cell `host` belongs to, or None when `[cells] host_cells` does not name it."""
        return self.host_cells.get(host)


def parse_host_cells(text: str) -> dict[str, str]:
    """`HOST=CELL` pairs separated by commas or whitespace -> {host: cell}; ValueError names
    the first bad pair."""
    mapping: dict[str, str] = {}
    for pair in text.replace(",", " ").split():
        host, sep, cell = pair.partition("=")
        if not sep or not host or not cell:
            raise ValueError(f"{pair!r} is not HOST=CELL")
        mapping[host] = cell
    return mapping


def format_host_cells(mapping: Mapping[str, str]) -> str:
    """The `[cells] host_cells` value of a {host: cell} mapping (sorted, comma separated)."""
    return ", ".join(f"{host}={cell}" for host, cell in sorted(mapping.items()))


@dataclasses.dataclass(frozen=True)
class SkiplistConfig:
    """The resolved skiplist written by the gate runner (optional)."""

    resolved_file: str | None = None


@dataclasses.dataclass(frozen=True)
class HarnessConfig:
    """Everything the tests read from the config file."""

    path: str
    auth: AuthConfig
    identity: IdentityConfig
    compute: ComputeConfig
    features: FeatureConfig
    cells: CellsConfig
    skiplist: SkiplistConfig

    def feature_enabled(self, flag: str) -> bool:
        """Shortcut for `features.enabled(flag)`."""
        return self.features.enabled(flag)


class _Reader:
    """Typed access to one parsed INI file, raising ConfigError that names file/section/key."""

    def __init__(self, path: str, parser: configparser.ConfigParser) -> None:
        self.path = path
        self.parser = parser

    def error(self, section: str, key: str | None, problem: str, fix: str) -> ConfigError:
        where = f"[{section}] {key}" if key else f"[{section}]"
        return ConfigError(f"{self.path}: {where}: {problem}; {fix}")

    def get(self, section: str, key: str, default: str | None = None) -> str | None:
        if not self.parser.has_section(section):
            return default
        value = self.parser.get(section, key, fallback=None)
        if value is None or value.strip() == "":
            return default
        return value.strip()

    def require(self, section: str, key: str, fix: str) -> str:
        value = self.get(section, key)
        if value is None:
            raise self.error(section, key, "missing", fix)
        return value

    def boolean(self, section: str, key: str, default: bool) -> bool:
        value = self.get(section, key)
        if value is None:
            return default
        try:
            return self.parser.BOOLEAN_STATES[value.lower()]
        except KeyError:
            raise self.error(section, key, f"{value!r} is not a boolean",
                             "use true or false")

    def number(self, section: str, key: str, default: float, kind: type) -> float:
        value = self.get(section, key)
        if value is None:
            return default
        noun = "integer" if kind is int else "number"
        try:
            number = kind(value)
        except ValueError:
            raise self.error(section, key, f"{value!r} is not a {noun}",
                             f"give a non-negative {noun}")
        if number < 0:
            raise self.error(section, key, f"{value!r} is negative", f"give a non-negative {noun}")
        return number

    def microversion(self, section: str, key: str, default: str, allow_latest: bool) -> str:
        value = self.get(section, key, default)
        if allow_latest and value == "latest":
            return value
        try:
            api_version_request.APIVersionRequest(value)
        except Exception:
            raise self.error(section, key, f"{value!r} is not a microversion",
                             "write it as X.Y, e.g. 2.61" + (" or latest" if allow_latest else ""))
        return value


def _check_layout(reader: _Reader) -> None:
    """Refuse unknown sections and keys (with a 'did you mean' where one is close)."""
    for section in reader.parser.sections():
        if section not in _SECTION_KEYS:
            close = difflib.get_close_matches(section, list(_SECTION_KEYS), n=1)
            hint = f"did you mean [{close[0]}]?" if close else (
                f"known sections: {', '.join(f'[{s}]' for s in _SECTION_KEYS)}")
            raise reader.error(section, None, "unknown section", hint)
        known = _SECTION_KEYS[section]
        if not known:
            continue
        for key in reader.parser.options(section):
            if key not in known:
                close = difflib.get_close_matches(key, sorted(known), n=1)
                hint = f"did you mean {close[0]}?" if close else (
                    f"known keys: {', '.join(sorted(known))}")
                raise reader.error(section, key, "unknown key", hint)


def _role_credentials(reader: _Reader, role: str, clouds_yaml: str | None,
                      uri_v3: str | None, region: str) -> Credentials | None:
    cloud = reader.get("auth", f"{role}_cloud")
    inline = {field: reader.get("auth", f"{role}_{field}") for field in INLINE_FIELDS}
    has_inline = any(value is not None for value in inline.values())
    if cloud and has_inline:
        raise reader.error("auth", f"{role}_cloud", f"{role} has both a clouds.yaml entry "
                           "and inline credentials", f"keep only {role}_cloud or only the "
                           f"inline {role}_* keys")
    if cloud:
        if not clouds_yaml:
            raise reader.error("auth", "clouds_yaml", f"missing, but {role}_cloud names an entry",
                               "set clouds_yaml to the clouds.yaml path")
        try:
            return Credentials.from_clouds_yaml(clouds_yaml, cloud)
        except CredentialsError as exc:
            raise reader.error("auth", f"{role}_cloud", str(exc),
                               "fix the clouds.yaml or the entry name")
    if has_inline:
        for field in ("username", "password", "project_name"):
            if inline[field] is None:
                raise reader.error("auth", f"{role}_{field}", "missing",
                                   f"inline {role} credentials need {role}_username, "
                                   f"{role}_password and {role}_project_name")
        if not uri_v3:
            raise reader.error("identity", "uri_v3", "missing",
                               "inline credentials need the Keystone v3 URL in [identity] uri_v3")
        return Credentials(username=inline["username"], password=inline["password"],
                           project_name=inline["project_name"], auth_url=uri_v3,
                           user_domain_name=inline["user_domain_name"] or "Default",
                           project_domain_name=inline["project_domain_name"] or "Default",
                           region=region)
    if role in REQUIRED_ROLES:
        raise reader.error("auth", f"{role}_cloud", f"no credentials for the {role} role",
                           f"set {role}_cloud (with clouds_yaml) or inline {role}_username, "
                           f"{role}_password and {role}_project_name")
    return None


def _load_auth(reader: _Reader, uri_v3: str | None, region: str) -> AuthConfig:
    clouds_yaml = reader.get("auth", "clouds_yaml")
    if clouds_yaml:
        clouds_yaml = os.path.join(os.path.dirname(reader.path), os.path.expanduser(clouds_yaml))
        if not os.path.isfile(clouds_yaml):
            raise reader.error("auth", "clouds_yaml", f"{clouds_yaml} does not exist",
                               "point it at an existing clouds.yaml")
    creds = {role: _role_credentials(reader, role, clouds_yaml, uri_v3, region)
             for role in ROLES}
    return AuthConfig(clouds_yaml=clouds_yaml, **creds)


def _load_compute(reader: _Reader) -> ComputeConfig:
    image_ref = reader.require("compute", "image_ref", "set the UUID of an active image")
    flavor_ref = reader.require("compute", "flavor_ref", "set the id of a flavor to boot with")
    low = reader.microversion("compute", "min_microversion", "2.1", allow_latest=False)
    high = reader.microversion("compute", "max_microversion", low, allow_latest=True)
    if high != "latest" and (api_version_request.APIVersionRequest(high)
                             < api_version_request.APIVersionRequest(low)):
        raise reader.error("compute", "max_microversion", f"{high} is below min_microversion "
                           f"{low}", "make max_microversion >= min_microversion")
    return ComputeConfig(
        image_ref=image_ref, flavor_ref=flavor_ref,
        image_ref_alt=reader.get("compute", "image_ref_alt", image_ref),
        flavor_ref_alt=reader.get("compute", "flavor_ref_alt", flavor_ref),
        min_microversion=low, max_microversion=high,
        build_timeout=reader.number("compute", "build_timeout", 60.0, float),
        build_interval=reader.number("compute", "build_interval", 0.002, float))


def _load_features(reader: _Reader) -> FeatureConfig:
    flags = dict(FEATURE_DEFAULTS)
    section = "compute-feature-enabled"
    if reader.parser.has_section(section):
        for key in reader.parser.options(section):
            flags[key] = reader.boolean(section, key, False)
    return FeatureConfig(flags=types.MappingProxyType(flags))


def load_config(path: str | os.PathLike) -> HarnessConfig:
    """Load and validate the harness config at `path`.

    Relative paths inside the file (clouds_yaml, resolved_file) are relative to the file.
    """
    path = os.path.abspath(os.fspath(path))
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";", "#"),
                                       default_section="__no_defaults__")
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file; write one with `cellgate config "
                          "generate` or point CELLGATE_CONFIG at an existing file")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config: {exc}")
    except configparser.Error as exc:
        raise ConfigError(f"{path}: not a valid INI file: {exc.message.splitlines()[0]}; "
                          "fix the syntax (sections in [brackets], key = value lines)")
    reader = _Reader(path, parser)
    _check_layout(reader)
    for section in ("auth", "compute"):
        if not parser.has_section(section):
            raise reader.error(section, None, "missing section",
                               f"add a [{section}] section (see docs/ARCHITECTURE.md)")
    region = reader.get("identity", "region", "RegionOne")
    uri_v3 = reader.get("identity", "uri_v3")
    auth_config = _load_auth(reader, uri_v3, region)
    if uri_v3 is None:
        uri_v3 = auth_config.admin.auth_url
    resolved = reader.get("skiplist", "resolved_file")
    if resolved:
        resolved = os.path.join(os.path.dirname(path), os.path.expanduser(resolved))
    cells_count = int(reader.number("cells", "count", 0, int))
    try:
        host_cells = parse_host_cells(reader.get("cells", "host_cells", "") or "")
    except ValueError as error:
        raise reader.error("cells", "host_cells", str(error),
                           "write HOST=CELL pairs separated by commas")
    return HarnessConfig(
        path=path,
        auth=auth_config,
        identity=IdentityConfig(uri_v3=uri_v3, region=region),
        compute=_load_compute(reader),
        features=_load_features(reader),
        cells=CellsConfig(enabled=reader.boolean("cells", "enabled", cells_count > 0),
                          count=cells_count,
                          host_cells=types.MappingProxyType(host_cells),
                          operator_state_dir=reader.get("cells", "operator_state_dir") or None),
        skiplist=SkiplistConfig(resolved_file=resolved),
    )
