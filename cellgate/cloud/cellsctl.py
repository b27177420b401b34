"""`cellgate cells ...`: the cell registry of a state directory, running or stopped.

A cloud is *running* when its `cellgate serve` holds STATE/serve.lock and has written
STATE/ready.json: then every command goes through the admin API (`/cellgate/v1/cells`, as
the clouds.yaml admin), so the running cloud sees the change at once. A *stopped* state
directory is changed in-process, holding serve.lock meanwhile so no server starts under it.

- list, show, enable, disable, set (weight offset), sync: either way;
- create, delete: stopped only (a cell's database, queue and hosts are set up at start, as
  Nova's services read new cell mappings on restart); delete refuses a cell holding servers;
- offline, online: running only, a test facility (the cell's traffic is held).

Library code: raises CellsCtlError (exit 2) and returns data; the CLI prints.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from cellgate.cloud import exceptions as exc
from cellgate.cloud import statedir
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.db.cell_registry import host_entries
from cellgate.cloud.topology import (
    CellSpec,
    HostProfile,
    HostSpec,
    TopologyError,
    load_host_profile,
    load_topology,
)
from cellgate.errors import CellgateError

CELLS_PATH = "/cellgate/v1/cells"
ADMIN_CLOUD = "cellgate-admin"


class CellsCtlError(CellgateError):
    """A cells command could not be done; the message says why and how to fix it."""


# -- finding out whether the cloud runs ----------------------------------------------------

def running_cloud(state_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """ready.json of the cloud serving ``state_dir``, or None when none does."""
    state = Path(state_dir)
    if not state.is_dir():
        raise CellsCtlError(f"--state-dir {state}: no such directory; fix: give the state "
                            "directory of a cloud started with `cellgate serve --state-dir`")
    lock = statedir.StateLock(state)
    try:
        lock.acquire()
    except statedir.StateDirLocked:
        try:
            return json.loads((state / "ready.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise CellsCtlError(f"the cloud of {state} is still starting; fix: try again "
                                "once its ready.json is written")
    lock.release()
    return None


@contextmanager
def _stopped(state_dir: str | os.PathLike[str], api_url: str | None) -> Iterator[ApiStore]:
    """The API database of a stopped state dir, its serve.lock held meanwhile."""
    state = Path(state_dir)
    lock = statedir.StateLock(state)
    try:
        lock.acquire()
    except statedir.StateDirLocked as error:
        raise CellsCtlError(str(error))
    try:
        url = api_url or f"sqlite:///{state / 'api.sqlite'}"
        if api_url is None and not (state / "api.sqlite").exists():
            raise CellsCtlError(f"{state} holds no API database; fix: start the cloud once "
                                "with `cellgate serve --state-dir` (or give --db-url api=URL)")
        store = ApiStore(url)
        try:
            yield store
        finally:
            store.dispose()
    finally:
        lock.release()


# -- the admin API of a running cloud ------------------------------------------------------

class AdminApi:
    """A tiny admin client of the running cloud (stdlib HTTP; the password from the
    clouds.yaml that `cellgate serve` wrote)."""

    def __init__(self, ready: dict[str, Any]) -> None:
        self.base = str(ready["compute_url"]).rsplit("/compute/", 1)[0]
        self.identity_url = str(ready["identity_url"])
        with open(ready["clouds_yaml"], encoding="utf-8") as handle:
            self.auth = yaml.safe_load(handle)["clouds"][ADMIN_CLOUD]["auth"]
        self._token: str | None = None

    def _send(self, method: str, url: str, body: Any = None,
              headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Content-Type": "application/json", "Accept": "application/json",
            **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                text = response.read().decode()
                return response.status, dict(response.headers), json.loads(text or "null")
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            try:
                detail = json.loads(text)
            except ValueError:
                detail = text
            return error.code, dict(error.headers), detail
        except urllib.error.URLError as error:
            raise CellsCtlError(f"cannot reach the cloud at {url}: {error.reason}; fix: "
                                "check that its `cellgate serve` still runs")

    def token(self) -> str:
        """An admin token (issued once)."""
        if self._token is None:
            a = self.auth
            status, headers, body = self._send("POST", f"{self.identity_url}/auth/tokens", {
                "auth": {"identity": {"methods": ["password"], "password": {"user": {
                    "name": a["username"], "password": a["password"],
                    "domain": {"name": a.get("user_domain_name", "Default")}}}},
                    "scope": {"project": {"name": a["project_name"], "domain": {
                        "name": a.get("project_domain_name", "Default")}}}}})
            if status != 201:
                raise CellsCtlError(f"the cloud refused the admin login ({status}: {body})")
            self._token = headers.get("X-Subject-Token") or headers.get("x-subject-token")
        return self._token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """Send to ``/cellgate/v1/cells...``; the answer's body, or CellsCtlError."""
        status, _headers, answer = self._send(method, f"{self.base}{path}", body,
                                              {"X-Auth-Token": self.token()})
        if status >= 400:
            message = next(iter(answer.values())).get("message") \
                if isinstance(answer, dict) and answer else answer
            raise CellsCtlError(f"{method} {path}: {status}: {message}")
        return answer


# -- the commands ----------------------------------------------------------------------

def _offline_view(record: Any) -> dict[str, Any]:
    """A registered cell of a stopped cloud (no health: nothing runs)."""
    return {**record.to_dict(), "state": "stopped", "host_specs": record.to_dict()["hosts"],
            "hosts": sorted(h["name"] for h in record.hosts)}


def list_cells(state_dir: str, *, api_url: str | None = None) -> list[dict[str, Any]]:
    """Every registered cell."""
    ready = running_cloud(state_dir)
    if ready is not None:
        return AdminApi(ready).call("GET", CELLS_PATH)["cells"]
    with _stopped(state_dir, api_url) as store:
        return [_offline_view(r) for r in store.cells.list()]


def show_cell(state_dir: str, name: str, *, api_url: str | None = None) -> dict[str, Any]:
    """One registered cell."""
    ready = running_cloud(state_dir)
    if ready is not None:
        return AdminApi(ready).call("GET", f"{CELLS_PATH}/{name}")["cell"]
    with _stopped(state_dir, api_url) as store:
        return _offline_view(_get(store, name))


def update_cell(state_dir: str, name: str, *, disabled: bool | None = None,
                weight_offset: float | None = None,
                api_url: str | None = None) -> dict[str, Any]:
    """Enable/disable a cell or set its weight offset."""
    changes = {k: v for k, v in (("disabled", disabled), ("weight_offset", weight_offset))
               if v is not None}
    ready = running_cloud(state_dir)
    if ready is not None:
        return AdminApi(ready).call("PUT", f"{CELLS_PATH}/{name}", {"cell": changes})["cell"]
    with _stopped(state_dir, api_url) as store:
        _get(store, name)
        return _offline_view(store.cells.update(name, **changes))


def _get(store: ApiStore, name: str) -> Any:
    try:
        return store.cells.get(name)
    except exc.NotFound as error:
        known = ", ".join(r.name for r in store.cells.list()) or "none"
        raise CellsCtlError(f"{error.message} (registered: {known})")


def _refuse_running(state_dir: str, what: str) -> None:
    if running_cloud(state_dir) is not None:
        raise CellsCtlError(f"{what} needs a stopped cloud: a cell's database, queue and "
                            f"hosts are set up at start; fix: stop the `cellgate serve` of "
                            f"{state_dir}, run this, then start it again")


def _profile(text: str, store: ApiStore, topology: str | None) -> HostProfile:
    """A host profile by name: one a registered host uses, else one of ``topology``, else
    a YAML file holding one profile."""
    for record in store.cells.list():
        for host in record.hosts:
            if host["profile"]["name"] == text:
                return HostProfile.from_dict(host["profile"])
    try:
        return load_host_profile(text, load_topology(topology) if topology else None)
    except TopologyError as error:
        raise CellsCtlError(str(error))


def create_cell(state_dir: str, name: str, hosts: Sequence[str], *,
                database_url: str | None = None, disabled: bool = False,
                weight_offset: float = 0.0, topology: str | None = None,
                api_url: str | None = None) -> dict[str, Any]:
    """Register a new cell with ``hosts`` (``HOST=PROFILE`` strings) on a stopped cloud; it
    starts with the cloud's next `cellgate serve`."""
    _refuse_running(state_dir, "cells create")
    if not hosts:
        raise CellsCtlError("cells create: give at least one --host HOST=PROFILE")
    with _stopped(state_dir, api_url) as store:
        taken = {h["name"] for r in store.cells.list() for h in r.hosts}
        specs = []
        for item in hosts:
            host, sep, profile = item.partition("=")
            if not sep or not host or not profile:
                raise CellsCtlError(f"--host {item!r}: expected HOST=PROFILE; fix: write e.g. "
                                    "cell3-compute1=small")
            if host in taken:
                raise CellsCtlError(f"--host {host}: a registered cell has that host already")
            taken.add(host)
            specs.append(HostSpec(name=host, profile=_profile(profile, store, topology)))
        url = database_url or f"sqlite:///{Path(state_dir) / f'cell-{name}.sqlite'}"
        try:
            record = store.cells.create(name, host_entries(CellSpec(name, tuple(specs))),
                                        database_connection=url, disabled=disabled,
                                        weight_offset=weight_offset)
        except exc.CloudError as error:
            raise CellsCtlError(error.message)
        return _offline_view(record)


def delete_cell(state_dir: str, name: str, *, api_url: str | None = None) -> None:
    """Forget a cell of a stopped cloud; refused while the read model has servers in it
    (its database file is left in place)."""
    _refuse_running(state_dir, "cells delete")
    with _stopped(state_dir, api_url) as store:
        _get(store, name)
        living = [d["uuid"] for d in store.instances.query(include_deleted=False)
                  if d.get("cell_name") == name]
        if living:
            raise CellsCtlError(f"cell {name} holds {len(living)} server(s) (e.g. "
                                f"{living[0]}); fix: delete or move them first")
        store.cells.delete(name)


def sync_cells(state_dir: str, *, project_id: str | None = None,
               changed_since: str | None = None, api_url: str | None = None,
               timeout: float = 30.0) -> dict[str, Any]:
    """The manual sync kick-off; its report (see cells/sync.py)."""
    ready = running_cloud(state_dir)
    spec = {k: v for k, v in (("project_id", project_id), ("changed_since", changed_since),
                              ("timeout", timeout)) if v is not None}
    if ready is not None:
        return AdminApi(ready).call("POST", f"{CELLS_PATH}/sync", {"sync": spec})["sync"]
    from cellgate.cloud.cells.deployment import CellsDeployment
    from cellgate.cloud.compute.query import parse_changes_since

    try:
        since = None if changed_since is None else parse_changes_since(changed_since)
    except exc.Invalid as error:
        raise CellsCtlError(f"--changed-since: {error.message}; fix: give an ISO 8601 time")
    with _stopped(state_dir, api_url) as store:
        source = store.cells.setting("topology")
        if source is None or not store.cells.list():
            raise CellsCtlError(f"{state_dir} has no cell registry; fix: start the cloud once")
        deployment = CellsDeployment(load_topology(source), state_dir,
                                     {"api": api_url} if api_url else None)
        try:
            deployment.start(timeout=timeout, heal=False)
            return deployment.api_cell.sync(project_id=project_id, changed_since=since,
                                            timeout=timeout).to_dict()
        finally:
            deployment.stop()


def set_online(state_dir: str, name: str, online: bool) -> dict[str, Any]:
    """Take a running cloud's cell offline or bring it back (a test facility)."""
    ready = running_cloud(state_dir)
    if ready is None:
        raise CellsCtlError(f"cells {'online' if online else 'offline'} needs a running "
                            f"cloud; fix: start `cellgate serve --state-dir {state_dir}`")
    return AdminApi(ready).call("POST", f"{CELLS_PATH}/{name}/action",
                                {"online" if online else "offline": None})["cell"]


def format_cells(cells: list[dict[str, Any]]) -> str:
    """A plain table of cells for the console."""
    rows = [("NAME", "STATE", "DISABLED", "WEIGHT", "HOSTS", "UUID")]
    rows += [(c["name"], c["state"] + (" (offline)" if c.get("offline") else ""),
              str(c["disabled"]).lower(), f"{c['weight_offset']:g}",
              ",".join(c["hosts"]), c["uuid"]) for c in cells]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True))
                   .rstrip() + "\n"
                   for r in rows)
