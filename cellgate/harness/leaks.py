"""Leak check: the cloud resources a gate run left behind.

Before the tests run and after they finish, the admin account of the harness config lists every
project's servers, flavors, security groups, aggregates and server groups; keypairs belong to a
user, so each account lists its own. What is there after and was
not there before is a leak: a test that did not clean up. A kind the cloud does not offer
(404 or 501, e.g. a cloud without server groups) is recorded as not checked, not as clean.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tempest.lib import exceptions as lib_exc

from cellgate.harness.config import ROLES
from cellgate.lib.clients import Clients

LEAKS_NAME = "leaks.json"
# kind -> (URL under the compute endpoint, key of the list in the body); the admin lists them
KINDS = {
    "servers": ("/servers?all_tenants=1", "servers"),
    "flavors": ("/flavors?is_public=None", "flavors"),
    "security_groups": ("/os-security-groups?all_tenants=1", "security_groups"),
    "aggregates": ("/os-aggregates", "aggregates"),
    "server_groups": ("/os-server-groups?all_projects=True", "server_groups"),
}
# listed by every account: a keypair belongs to its user
PER_ACCOUNT = {"keypairs": ("/os-keypairs", "keypairs")}
_NOT_OFFERED = (lib_exc.NotFound, lib_exc.NotImplemented)
# kind -> names the cloud makes on a project's first use and its members cannot delete
# (Neutron's per-project `default` security group): not a test's leak
MADE_ON_FIRST_USE = {"security_groups": frozenset({"default"})}


def _name(item: dict[str, Any]) -> tuple[str, str]:
    item = item.get("keypair", item)  # os-keypairs wraps each entry
    return str(item.get("id", item.get("name"))), str(item.get("name", ""))


def _list(clients: Clients, url: str, key: str) -> set[tuple[str, str]] | None:
    client = clients.servers_client
    try:
        _, body = client.get(url.lstrip("/"))
    except _NOT_OFFERED:
        return None
    return {_name(item) for item in json.loads(body).get(key, [])}


def snapshot(config: Any) -> dict[str, list[list[str]] | None]:
    """What every account of the harness config sees, per kind: sorted [id, name] pairs, or
    None for a kind the cloud does not offer."""
    admin = Clients(config.auth.admin)
    seen = {kind: _list(admin, url, key) for kind, (url, key) in KINDS.items()}
    accounts = [config.auth.credentials(role) for role in ROLES]
    for credentials in filter(None, accounts):
        clients = admin if credentials is config.auth.admin else Clients(credentials)
        for kind, (url, key) in PER_ACCOUNT.items():
            if kind in seen and seen[kind] is None:
                continue
            found = _list(clients, url, key)
            seen[kind] = None if found is None else (seen.get(kind) or set()) | found
    return {kind: None if found is None else sorted(map(list, found))
            for kind, found in seen.items()}


def leaked(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """`{"resources": {kind: [{id, name}]}, "not_checked": [kinds]}`: what is in `after` and
    not in `before`."""
    resources = {}
    for kind, now in after.items():
        if now is None or before.get(kind) is None:
            continue
        old = {tuple(pair) for pair in before[kind]}
        made = MADE_ON_FIRST_USE.get(kind, frozenset())
        new = [{"id": i, "name": n} for i, n in now if (i, n) not in old and n not in made]
        if new:
            resources[kind] = new
    not_checked = sorted(k for k, v in after.items() if v is None or before.get(k) is None)
    return {"resources": resources, "not_checked": not_checked}


class LeakCheck:
    """Lists the cloud's resources when made; `finish()` lists them again and reports the new
    ones. A cloud that stops answering by then is reported as not checked, with the error."""

    def __init__(self, config: Any) -> None:
        self._config = config
        self._before = snapshot(config)

    def finish(self) -> dict[str, Any]:
        """The leak report (see `leaked`)."""
        try:
            return leaked(self._before, snapshot(self._config))
        except Exception as exc:  # the run is over: report, do not hide the test results
            return {"resources": {}, "not_checked": sorted([*KINDS, *PER_ACCOUNT]),
                    "error": f"{type(exc).__name__}: {exc}"}


def fail_on_leaks(summary: dict[str, Any]) -> dict[str, Any]:
    """`--strict`: the summary voting against the run when tests left resources behind."""
    left = count(summary.get("leaks"))
    if not left:
        return summary
    kinds = ", ".join(f"{len(v)} {k}" for k, v in summary["leaks"]["resources"].items())
    reason = f"the tests left {left} resource(s) in the cloud ({kinds})"
    if summary["exit_code"]:
        reason = f"{summary['reason']}; {reason}"
    return {**summary, "exit_code": 1, "result": "fail", "reason": reason, "strict": True}


def write_leaks(path: str | Path, leaks: dict[str, Any]) -> Path:
    """Keep the leak report beside the run's other files (`leaks.json`)."""
    path = Path(path)
    path.write_text(json.dumps(leaks, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_leaks(path: str | Path) -> dict[str, Any] | None:
    """The leak report of a run, or None when none was written (no test ran)."""
    path = Path(path)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def count(leaks: dict[str, Any] | None) -> int:
    """How many resources were left behind."""
    return sum(len(items) for items in (leaks or {}).get("resources", {}).values())
