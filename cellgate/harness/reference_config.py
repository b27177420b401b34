"""Write the harness config (INI) for a running reference cloud.

Image and flavor refs and the microversion range are discovered over HTTP through the
tempest.lib clients of `cellgate.lib`, as the admin account of the cloud's clouds.yaml.
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cellgate.errors import CellgateError
from cellgate.harness.config import FEATURE_DEFAULTS
from cellgate.lib.clients import Clients
from cellgate.lib.credentials import Credentials

ADMIN_CLOUD = "cellgate-admin"
ROLE_CLOUDS = {"admin_cloud": ADMIN_CLOUD, "member_cloud": "cellgate-member1",
               "member_peer_cloud": "cellgate-member2", "alt_cloud": "cellgate-member3"}
BUILD_TIMEOUT = 60
BUILD_INTERVAL = 0.002


class DiscoveryError(CellgateError):
    """The running cloud did not answer the discovery calls the config needs."""


def discover(clouds_yaml: str | Path, cloud: str = ADMIN_CLOUD) -> dict[str, str]:
    """Image refs, flavor refs and the compute microversion range of a live cloud."""
    try:
        clients = Clients(Credentials.from_clouds_yaml(str(clouds_yaml), cloud))
        images = clients.images_client.list_images()["images"]
        flavors = clients.flavors_client.list_flavors(detail=True)["flavors"]
        versions = clients.versions_client.list_versions()["versions"]
    except CellgateError:
        raise
    except Exception as exc:  # any transport or auth failure: report it, not a traceback
        raise DiscoveryError(f"cannot discover images/flavors from the cloud in {clouds_yaml} "
                             f"({type(exc).__name__}: {exc}); fix: check the cloud is up and "
                             "the credentials are right")
    active = sorted((i for i in images if i.get("status") == "active"),
                    key=lambda i: ("alt" in (i.get("name") or ""), i.get("name") or ""))
    if not active:
        raise DiscoveryError("the cloud has no active image; fix: upload one (e.g. cirros)")
    by_size = sorted(flavors, key=lambda f: (f["ram"], f["vcpus"], f["disk"], str(f["id"])))
    if not by_size:
        raise DiscoveryError("the cloud has no flavor; fix: create at least one flavor")
    current = next((v for v in versions if v.get("id") == "v2.1"), {})
    return {
        "image_ref": active[0]["id"],
        "image_ref_alt": active[1]["id"] if len(active) > 1 else active[0]["id"],
        "flavor_ref": str(by_size[0]["id"]),
        "flavor_ref_alt": str(by_size[1]["id"] if len(by_size) > 1 else by_size[0]["id"]),
        "min_microversion": current.get("min_version") or "2.1",
        "max_microversion": current.get("version") or "2.1",
    }


def write_reference_config(*, path: str | Path, cloud: Any, cells_enabled: bool, cell_count: int,
                           features: Mapping[str, bool], resolved_file: str | Path | None
                           ) -> Path:
    """Write the INI config for a started CloudProcess-like `cloud` (identity_url, clouds_yaml).

    `features` overrides the `[compute-feature-enabled]` defaults.
    """
    found = discover(cloud.clouds_yaml)
    parser = configparser.ConfigParser(interpolation=None)
    parser["auth"] = {"clouds_yaml": str(cloud.clouds_yaml), **ROLE_CLOUDS}
    parser["identity"] = {"uri_v3": cloud.identity_url, "region": "RegionOne"}
    parser["compute"] = {**found, "build_timeout": str(BUILD_TIMEOUT),
                         "build_interval": str(BUILD_INTERVAL)}
    flags = {**FEATURE_DEFAULTS, **features}
    parser["compute-feature-enabled"] = {k: str(v).lower() for k, v in sorted(flags.items())}
    parser["cells"] = {"enabled": str(cells_enabled).lower(), "count": str(cell_count)}
    if resolved_file is not None:
        parser["skiplist"] = {"resolved_file": str(resolved_file)}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("# written by `cellgate gate` for the reference cloud it started\n")
        parser.write(handle)
    return path


def copy_config_with_skiplist(*, source: str | Path, path: str | Path,
                              resolved_file: str | Path) -> Path:
    """Copy a user's config, pointing `[skiplist] resolved_file` at the gate's resolved skips."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(source, encoding="utf-8") as handle:
            parser.read_file(handle)
    except (OSError, configparser.Error) as exc:
        raise CellgateError(f"config {source}: cannot read it ({exc}); "
                            "fix: give an existing harness config (see `cellgate config generate`)")
    if not parser.has_section("skiplist"):
        parser.add_section("skiplist")
    parser["skiplist"]["resolved_file"] = str(resolved_file)
    # relative clouds_yaml paths were relative to the original file: keep them pointing there
    if parser.has_option("auth", "clouds_yaml"):
        value = Path(parser["auth"]["clouds_yaml"]).expanduser()
        if not value.is_absolute():
            parser["auth"]["clouds_yaml"] = str(Path(source).resolve().parent / value)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        parser.write(handle)
    return path
