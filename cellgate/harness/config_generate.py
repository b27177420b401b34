"""`cellgate config generate`: write a harness config for a cloud described by a clouds.yaml.

`discover_cloud_settings` asks the live cloud (through `cellgate.lib`'s tempest.lib clients) for
what the config needs but a clouds.yaml does not say: images, flavors, the compute microversion
range. The gate runner can call it too.
"""

from __future__ import annotations

import configparser
import dataclasses
import io
import os
import sys
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
from cellgate.harness.host_cells import discover_host_cells
from cellgate.lib.clients import Clients
from cellgate.lib.credentials import Credentials
from cellgate.lib.exceptions import CredentialsError


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


def run_config_generate(*, clouds_yaml: str, admin_cloud: str, member_cloud: str,
                        member_peer_cloud: str | None, alt_cloud: str | None, cells: int,
                        output: str, out: TextIO | None = None,
                        host_cell_pairs: Sequence[str] = (),
                        host_cell_regex: str | None = None) -> int:
    """Discover the cloud named in `clouds_yaml` and write a config to `output` (exit code 0)."""
    out = out or sys.stdout
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
    text = render_config(clouds_yaml=clouds_yaml, roles=roles, uri_v3=admin.identity_v3_url,
                         region=admin.region, settings=settings, cells=cells,
                         host_cells=host_cells)
    directory = os.path.dirname(os.path.abspath(output))
    os.makedirs(directory, exist_ok=True)
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)
    load_config(output)  # what we wrote must load; fail loudly here rather than in the tests
    out.write(f"wrote {output}: image_ref {settings.image_ref}, flavor_ref {settings.flavor_ref}, "
              f"microversions {settings.min_microversion}-{settings.max_microversion}, "
              f"roles {', '.join(role for role, name in roles.items() if name)}\n")
    return 0
