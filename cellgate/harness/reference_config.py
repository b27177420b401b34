"""Harness configs the gate writes: one for the reference cloud it started, or a copy of the
user's config pointing at the gate's resolved skiplist.

Discovery (image and flavor refs, microversion range) and rendering are the config engineer's
`cellgate.harness.config_generate` helpers, so `cellgate config generate` and the gate agree.
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cellgate.errors import CellgateError
from cellgate.harness.config_generate import discover_cloud_settings, render_config
from cellgate.harness.host_cells import discover_host_cells
from cellgate.lib.credentials import Credentials

ADMIN_CLOUD = "cellgate-admin"
ROLE_CLOUDS = {"admin": ADMIN_CLOUD, "member": "cellgate-member1",
               "member_peer": "cellgate-member2", "alt": "cellgate-member3"}


def write_reference_config(*, path: str | Path, cloud: Any, cell_count: int,
                           features: Mapping[str, bool], resolved_file: str | Path | None,
                           build_timeout: float | None = None) -> Path:
    """Write the INI config for a started CloudProcess `cloud` (identity_url, clouds_yaml).

    `cell_count` 0 means a non-cells topology; `features` overrides the
    `[compute-feature-enabled]` defaults; `build_timeout` (seconds) the default timeout.
    `[cells] host_cells` is asked of the running cloud (its `/cellgate/v1/cells` route),
    never read from its files.
    """
    admin = Credentials.from_clouds_yaml(str(cloud.clouds_yaml), ADMIN_CLOUD)
    settings = discover_cloud_settings(admin)
    text = render_config(clouds_yaml=str(cloud.clouds_yaml), roles=ROLE_CLOUDS,
                         uri_v3=cloud.identity_url, region="RegionOne", settings=settings,
                         cells=cell_count, features=features,
                         host_cells=discover_host_cells(admin),
                         resolved_file=str(resolved_file) if resolved_file else None,
                         **({"build_timeout": build_timeout} if build_timeout else {}))
    if cell_count and "\n[cells]\n" in text:
        # the reference cloud's operator commands (`cellgate cells ...`) need its state dir
        text = text.replace("\n[cells]\n", "\n[cells]\n; the reference cloud's state "
                            "directory, for `cellgate cells ...`\noperator_state_dir = "
                            f"{cloud.state_dir}\n", 1)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
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
