"""`cellgate config generate`: write a harness config for a cloud described by a clouds.yaml.

`discover_cloud_settings` asks the live cloud (through `cellgate.lib`'s tempest.lib clients) for
what the config needs but a clouds.yaml does not say: images, flavors, the compute microversion
range. The gate runner can call it too. `probe_cpu_pinning` finds out whether the hosts offer
dedicated CPUs by booting a temporary `hw:cpu_policy=dedicated` flavor.
"""

from __future__ import annotations

import configparser
import contextlib
import dataclasses
import io
import os
import sys
import uuid
from collections.abc import Mapping, Sequence
from typing import TextIO

from tempest.lib import exceptions as lib_exc

from cellgate.errors import CellgateError
from cellgate.harness.config import (
    FEATURE_DEFAULTS,
    ConfigError,
    format_host_cells,
    load_config,
)
from cellgate.harness.feature_probes import probe_features
from cellgate.harness.host_cells import discover_host_cells
from cellgate.lib import waiters
from cellgate.lib.clients import Clients
from cellgate.lib.credentials import Credentials
from cellgate.lib.exceptions import BuildErrorException, CredentialsError, TimeoutException
from cellgate.lib.microversion import ComputeMicroversion, version_at_least

#: The extra spec whose boot decides `[compute-feature-enabled] cpu_pinning`.
CPU_PINNING_SPECS = {"hw:cpu_policy": "dedicated"}


class DiscoveryError(CellgateError):
    """The cloud did not answer a discovery call; the message says which and what to check."""


@dataclasses.dataclass(frozen=True)
class CloudSettings:
    """What `[compute]` needs, as discovered from a live cloud."""

    image_ref: str
    image_ref_alt: str
    flavor_ref: str
    flavor_ref_alt: str
    min_microversion: str
    max_microversion: str


def _pick_images(images: list[dict]) -> tuple[str, str]:
    active = [image for image in images
              if image.get("status") == "active" and image.get("visibility", "public")
              in ("public", "shared", "community")]
    if not active:
        raise DiscoveryError("the cloud has no active public image; upload one (e.g. cirros) "
                             "or write [compute] image_ref by hand")
    # plain names first ("-alt" images make good alternates), then by name for a stable choice
    active.sort(key=lambda image: ("alt" in (image.get("name") or ""), image.get("name") or "",
                                   image["id"]))
    return active[0]["id"], active[min(1, len(active) - 1)]["id"]


def _pick_flavors(flavors: list[dict]) -> tuple[str, str]:
    public = [f for f in flavors if f.get("os-flavor-access:is_public", True)]
    if not public:
        raise DiscoveryError("the cloud has no public flavor; create one or write "
                             "[compute] flavor_ref by hand")
    public.sort(key=lambda f: (f["ram"], f["vcpus"], f["disk"], str(f["id"])))
    return str(public[0]["id"]), str(public[min(1, len(public) - 1)]["id"])


def discover_cloud_settings(credentials: Credentials, *,
                            http_timeout: float = 30.0) -> CloudSettings:
    """Discover image/flavor refs (smallest flavors first) and the microversion range.

    `credentials` should be the admin account (any account that can list images and flavors
    works). Raises `DiscoveryError` naming the call that failed.
    """
    clients = Clients(credentials, http_timeout=http_timeout)
    step = "authenticate"
    try:
        clients.auth_provider.get_auth()
        step = "GET compute versions"
        versions = clients.versions_client.list_versions()["versions"]
        step = "GET /v2/images"
        images = clients.images_client.list_images()["images"]
        step = "GET /flavors/detail"
        flavors = clients.flavors_client.list_flavors(detail=True)["flavors"]
    except lib_exc.Unauthorized as exc:
        raise DiscoveryError(f"{step}: the cloud refused the credentials of "
                             f"{credentials.username!r} ({exc.resp_body}); fix the password "
                             "or project in the clouds.yaml")
    except Exception as exc:  # transport errors, endpoint not in catalog, bad JSON, ...
        raise DiscoveryError(f"{step} at {credentials.auth_url} failed: "
                             f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                             "; check the cloud is running and the auth_url is right")
    current = next((v for v in versions if v.get("id") == "v2.1"), None)
    if current is None:
        raise DiscoveryError("the compute version list has no v2.1 entry; is the compute "
                             "endpoint in the catalog a Nova v2.1 API?")
    image_ref, image_ref_alt = _pick_images(images)
    flavor_ref, flavor_ref_alt = _pick_flavors(flavors)
    return CloudSettings(image_ref=image_ref, image_ref_alt=image_ref_alt, flavor_ref=flavor_ref,
                         flavor_ref_alt=flavor_ref_alt,
                         min_microversion=current.get("min_version") or "2.1",
                         max_microversion=current.get("version") or "2.1")


def _delete_quietly(delete, resource_id: str) -> None:
    with contextlib.suppress(lib_exc.NotFound):
        delete(resource_id)


def probe_cpu_pinning(credentials: Credentials, settings: CloudSettings, *,
                      build_timeout: float, build_interval: float,
                      http_timeout: float = 30.0) -> bool:
    """Whether compute hosts offer dedicated CPUs, found by trying: as admin, create a private
    flavor of `flavor_ref`'s size carrying `hw:cpu_policy=dedicated`, boot `image_ref` from it
    and wait for ACTIVE (True) or ERROR (False); the server and the flavor are deleted either
    way. Raises `DiscoveryError` when the probe cannot decide (a refused call, a timeout).
    """
    clients = Clients(credentials, build_timeout=build_timeout, build_interval=build_interval,
                      http_timeout=http_timeout)
    flavors, servers = clients.flavors_client, clients.servers_client
    name = f"cellgate-probe-cpu-pinning-{uuid.uuid4().hex[:8]}"
    networks = version_at_least(settings.max_microversion, "2.37")
    step = f"GET /flavors/{settings.flavor_ref}"
    try:
        with contextlib.ExitStack() as cleanup:
            base = flavors.show_flavor(settings.flavor_ref)["flavor"]
            step = "POST /flavors (a private probe flavor)"
            flavor = flavors.create_flavor(name=name, id=str(uuid.uuid4()), ram=base["ram"],
                                           vcpus=1, disk=base["disk"],
                                           **{"os-flavor-access:is_public": False})["flavor"]
            cleanup.callback(_delete_quietly, flavors.delete_flavor, flavor["id"])
            step = f"POST /flavors/{flavor['id']}/os-extra_specs"
            flavors.set_flavor_extra_spec(flavor["id"], **CPU_PINNING_SPECS)
            step = "POST /servers (the probe boot)"
            if networks:  # `networks: none` needs 2.37; without it the cloud may add a port
                cleanup.enter_context(ComputeMicroversion("2.37"))
            server = servers.create_server(name=name, imageRef=settings.image_ref,
                                           flavorRef=flavor["id"],
                                           **({"networks": "none"} if networks else {}))["server"]
            cleanup.callback(waiters.wait_for_server_termination, servers, server["id"],
                             build_timeout, build_interval, ignore_error=True)
            cleanup.callback(_delete_quietly, servers.delete_server, server["id"])
            step = f"waiting for probe server {server['id']} to go ACTIVE or ERROR"
            try:
                waiters.wait_for_server_status(servers, server["id"], "ACTIVE", build_timeout,
                                               build_interval)
            except BuildErrorException:
                return False
            return True
    except TimeoutException as exc:
        raise DiscoveryError(f"cpu_pinning probe: {exc}; fix: raise --build-timeout, or skip "
                             "the probe with --cpu-pinning or --no-cpu-pinning")
    except Exception as exc:  # a refused call, transport errors, bad JSON, ...
        raise DiscoveryError(f"cpu_pinning probe: {step} failed: {type(exc).__name__}: "
                             f"{str(exc).splitlines()[0] if str(exc) else ''}; fix: check the "
                             "admin account may create flavors and boot, or skip the probe with "
                             "--cpu-pinning or --no-cpu-pinning")


def render_config(*, clouds_yaml: str, roles: Mapping[str, str | None], uri_v3: str,
                  region: str, settings: CloudSettings, cells: int,
                  features: Mapping[str, bool] | None = None,
                  resolved_file: str | None = None,
                  build_timeout: float = 60.0, build_interval: float = 0.002,
                  host_cells: Mapping[str, str] | None = None) -> str:
    """The INI text of a harness config (format of docs/ARCHITECTURE.md).

    `roles` maps admin/member/member_peer/alt to clouds.yaml entry names (None = absent).
    """
    parser = configparser.ConfigParser(interpolation=None)
    parser["auth"] = {"clouds_yaml": clouds_yaml,
                      **{f"{role}_cloud": name for role, name in roles.items() if name}}
    parser["identity"] = {"uri_v3": uri_v3, "region": region}
    parser["compute"] = {**{k: str(v) for k, v in dataclasses.asdict(settings).items()},
                         "build_timeout": f"{build_timeout:g}",
                         "build_interval": f"{build_interval:g}"}
    flags = {**FEATURE_DEFAULTS, **(features or {})}
    parser["compute-feature-enabled"] = {k: str(bool(v)).lower() for k, v in flags.items()}
    parser["cells"] = {"enabled": str(cells > 0).lower(), "count": str(cells)}
    if host_cells:
        parser["cells"]["host_cells"] = format_host_cells(host_cells)
    if resolved_file:
        parser["skiplist"] = {"resolved_file": resolved_file}
    text = io.StringIO()
    text.write("# harness config written by `cellgate config generate`; "
               "check it with `cellgate config check`\n")
    parser.write(text)
    return text.getvalue()


def parse_feature_pairs(pairs: Sequence[str]) -> dict[str, bool]:
    """`["resize=true", ...]` -> `{"resize": True}`; a malformed pair is a ConfigError."""
    features: dict[str, bool] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        state = configparser.ConfigParser.BOOLEAN_STATES.get(value.strip().lower())
        if not sep or not name.strip() or state is None:
            raise ConfigError(f"--feature {pair!r}: give NAME=BOOL, e.g. resize=true")
        features[name.strip()] = state
    return features


def run_config_generate(*, clouds_yaml: str, admin_cloud: str, member_cloud: str,
                        member_peer_cloud: str | None, alt_cloud: str | None, cells: int,
                        output: str, build_timeout: float = 300.0, build_interval: float = 1.0,
                        cpu_pinning: bool | None = None, out: TextIO | None = None,
                        host_cell_pairs: Sequence[str] = (),
                        host_cell_regex: str | None = None,
                        feature_pairs: Sequence[str] = ()) -> int:
    """Discover the cloud named in `clouds_yaml` and write a config to `output` (exit code 0).

    `build_timeout`/`build_interval` default to Tempest's (a real cloud builds in seconds, not
    milliseconds); `cpu_pinning` None means find it out with `probe_cpu_pinning`;
    `host_cell_pairs`/`host_cell_regex` say which cell each host is in (see `host_cells`);
    `feature_pairs` (`NAME=BOOL`) set flags that cannot be discovered, such as `resize`.
    """
    out = out or sys.stdout
    features = parse_feature_pairs(feature_pairs)
    if cells < 0:
        raise ConfigError(f"--cells {cells}: the number of child cells cannot be negative")
    clouds_yaml = os.path.abspath(clouds_yaml)
    roles = {"admin": admin_cloud, "member": member_cloud, "member_peer": member_peer_cloud,
             "alt": alt_cloud}
    try:
        creds = {role: Credentials.from_clouds_yaml(clouds_yaml, name)
                 for role, name in roles.items() if name}
    except CredentialsError as exc:
        raise ConfigError(f"{exc} (given on the command line)")
    admin = creds["admin"]
    settings = discover_cloud_settings(admin)
    host_cells = discover_host_cells(admin, pairs=host_cell_pairs, regex=host_cell_regex)
    found = probe_features(admin)
    probed = cpu_pinning is None
    if probed:
        cpu_pinning = probe_cpu_pinning(admin, settings, build_timeout=build_timeout,
                                        build_interval=build_interval)
    text = render_config(clouds_yaml=clouds_yaml, roles=roles, uri_v3=admin.identity_v3_url,
                         region=admin.region, settings=settings, cells=cells,
                         features={**found, "cpu_pinning": bool(cpu_pinning), **features},
                         build_timeout=build_timeout, build_interval=build_interval,
                         host_cells=host_cells)
    directory = os.path.dirname(os.path.abspath(output))
    os.makedirs(directory, exist_ok=True)
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)
    load_config(output)  # what we wrote must load; fail loudly here rather than in the tests
    out.write(f"wrote {output}: image_ref {settings.image_ref}, flavor_ref {settings.flavor_ref}, "
              f"microversions {settings.min_microversion}-{settings.max_microversion}, "
              f"cpu_pinning {str(cpu_pinning).lower()}{' (probed)' if probed else ''}, "
              f"{', '.join(f'{k} {str(v).lower()}' for k, v in found.items())} (probed), "
              f"roles {', '.join(role for role, name in roles.items() if name)}\n")
    return 0
