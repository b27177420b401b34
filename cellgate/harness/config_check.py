"""`cellgate config check FILE`: check a harness config against the live cloud it names.

Each check yields a `Finding` (ok or problem, with the fix); the run prints one line per finding
and exits 0 when there is no problem, 1 otherwise.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterator
from typing import TextIO

from tempest.lib import exceptions as lib_exc
from tempest.lib.common import api_version_request

from cellgate.harness.config import ROLES, ConfigError, HarnessConfig, load_config
from cellgate.lib.clients import Clients


@dataclasses.dataclass(frozen=True)
class Finding:
    """One checked fact: `ok` with what was checked, or a problem with its fix."""

    ok: bool
    what: str
    fix: str = ""

    def line(self) -> str:
        """The line printed for this finding."""
        if self.ok:
            return f"ok: {self.what}"
        return f"problem: {self.what}; fix: {self.fix}"


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _check_identity_endpoint(config: HarnessConfig, clients: Clients) -> Iterator[Finding]:
    url = config.identity.uri_v3
    try:
        resp, _ = clients.rest_client("identity").raw_request(
            url, "GET", headers={"Accept": "application/json"})
    except Exception as exc:  # connection refused, DNS, TLS ...
        yield Finding(False, f"identity endpoint {url} is unreachable ({_short(exc)})",
                      "start the cloud or correct [identity] uri_v3")
        return
    if resp.status != 200:
        yield Finding(False, f"identity endpoint {url} answered {resp.status} to GET",
                      "point [identity] uri_v3 at the Keystone v3 URL (ending in /v3)")
        return
    yield Finding(True, f"identity endpoint {url} answers")


def _check_role(config: HarnessConfig, role: str, clients: Clients) -> Iterator[Finding]:
    creds = clients.credentials
    source = (f"[auth] {role}_cloud (or the {role}_* keys)" if config.auth.clouds_yaml
              else f"the [auth] {role}_* keys")
    try:
        _, token = clients.auth_provider.get_auth()
    except (lib_exc.Unauthorized, lib_exc.IdentityError) as exc:
        yield Finding(False, f"{role} credentials (user {creds.username!r}, project "
                      f"{creds.project_name!r}) are refused ({_short(exc)})",
                      f"correct the password/user/project given by {source}")
        return
    except Exception as exc:
        yield Finding(False, f"{role}: cannot get a token from {creds.auth_url} ({_short(exc)})",
                      f"check the auth_url given by {source} and that the cloud is up")
        return
    roles = sorted(r.get("name", "") for r in token.get("roles", []))
    yield Finding(True, f"{role} credentials work (user {creds.username!r}, project "
                  f"{creds.project_name!r}, roles {', '.join(roles) or 'none'})")
    if role == "admin" and "admin" not in roles:
        yield Finding(False, f"the admin account {creds.username!r} lacks the admin role on "
                      f"project {creds.project_name!r}",
                      "grant it the admin role or name an admin account in [auth] admin_cloud")


def _check_projects(role_clients: dict[str, Clients]) -> Iterator[Finding]:
    member = role_clients.get("member")
    if member is None:
        return
    peer = role_clients.get("member_peer")
    if peer is not None:
        if peer.project_id != member.project_id:
            yield Finding(False, "member_peer is in another project than member",
                          "name an account of the member's project in [auth] member_peer_cloud")
        elif peer.user_id == member.user_id:
            yield Finding(False, "member_peer is the same user as member",
                          "name a second user of the member's project")
        else:
            yield Finding(True, "member_peer shares the member's project as another user")
    alt = role_clients.get("alt")
    if alt is not None:
        if alt.project_id == member.project_id:
            yield Finding(False, "alt is in the member's project",
                          "name an account of another project in [auth] alt_cloud")
        else:
            yield Finding(True, "alt is in another project than member")


def _version(value: str) -> api_version_request.APIVersionRequest:
    return api_version_request.APIVersionRequest(value)


def _check_compute(config: HarnessConfig, clients: Clients) -> Iterator[Finding]:
    compute = config.compute
    try:
        versions = clients.versions_client.list_versions()["versions"]
    except Exception as exc:
        yield Finding(False, f"compute version list is unreachable ({_short(exc)})",
                      "check the compute endpoint of the service catalog")
        return
    current = next((v for v in versions if v.get("id") == "v2.1"), None)
    if current is None:
        yield Finding(False, "the compute version list has no v2.1 API",
                      "point the catalog's compute endpoint at a Nova v2.1 API")
        return
    low, high = current.get("min_version") or "2.1", current.get("version") or "2.1"
    cfg_low, cfg_high = compute.min_microversion, compute.max_microversion
    bad = _version(cfg_low) < _version(low) or (
        cfg_high != "latest" and _version(cfg_high) > _version(high))
    if bad:
        yield Finding(False, f"[compute] microversions {cfg_low}-{cfg_high} are not all offered "
                      f"by the cloud ({low}-{high})",
                      f"set min_microversion >= {low} and max_microversion <= {high}")
    else:
        yield Finding(True, f"microversions {cfg_low}-{cfg_high} offered (cloud: {low}-{high})")


def _check_refs(config: HarnessConfig, clients: Clients) -> Iterator[Finding]:
    compute = config.compute
    for key in ("image_ref", "image_ref_alt"):
        image_id = getattr(compute, key)
        try:
            image = clients.images_client.show_image(image_id)
        except lib_exc.NotFound:
            yield Finding(False, f"[compute] {key} {image_id} is not an image the member sees",
                          "set it to the UUID of an active public image (`cellgate config "
                          "generate` picks one)")
            continue
        except Exception as exc:
            yield Finding(False, f"[compute] {key}: cannot look it up ({_short(exc)})",
                          "check the image endpoint of the service catalog")
            continue
        if image.get("status") != "active":
            yield Finding(False, f"[compute] {key} {image_id} is {image.get('status')}",
                          "use an active image")
        else:
            yield Finding(True, f"[compute] {key} {image_id} is an active image")
    for key in ("flavor_ref", "flavor_ref_alt"):
        flavor_id = getattr(compute, key)
        try:
            flavor = clients.flavors_client.show_flavor(flavor_id)["flavor"]
        except lib_exc.NotFound:
            yield Finding(False, f"[compute] {key} {flavor_id} is not a flavor the member sees",
                          "set it to the id of a public flavor")
            continue
        except Exception as exc:
            yield Finding(False, f"[compute] {key}: cannot look it up ({_short(exc)})",
                          "check the compute endpoint of the service catalog")
            continue
        yield Finding(True, f"[compute] {key} {flavor_id} is flavor {flavor['name']!r}")


def check_config(config: HarnessConfig) -> Iterator[Finding]:
    """Every finding about `config` against its live cloud, in a stable order."""
    admin = Clients(config.auth.admin, http_timeout=15)
    identity = list(_check_identity_endpoint(config, admin))
    yield from identity
    if not all(f.ok for f in identity):
        return
    role_clients: dict[str, Clients] = {}
    for role in ROLES:
        creds = config.auth.credentials(role)
        if creds is None:
            yield Finding(True, f"{role}: not configured (tests needing it will skip)")
            continue
        clients = admin if role == "admin" else Clients(creds, http_timeout=15)
        findings = list(_check_role(config, role, clients))
        yield from findings
        if findings and findings[0].ok:
            role_clients[role] = clients
    yield from _check_projects(role_clients)
    reader = role_clients.get("member") or role_clients.get("admin")
    if reader is not None:
        yield from _check_compute(config, reader)
        yield from _check_refs(config, reader)
    resolved = config.skiplist.resolved_file
    if resolved:
        if os.path.isfile(resolved):
            yield Finding(True, f"[skiplist] resolved_file {resolved} exists")
        else:
            yield Finding(False, f"[skiplist] resolved_file {resolved} does not exist",
                          "remove the key or let `cellgate gate` write it")


def run_config_check(*, path: str, out: TextIO | None = None) -> int:
    """Print one line per finding; 0 when there is no problem, 1 otherwise."""
    out = out or sys.stdout
    try:
        config = load_config(path)
    except ConfigError as exc:
        out.write(f"problem: {exc}\n")
        return 1
    problems = 0
    for finding in check_config(config):
        out.write(finding.line() + "\n")
        problems += not finding.ok
    out.write(f"{path}: {problems} problem(s)\n" if problems else f"{path}: all checks passed\n")
    return 1 if problems else 0
