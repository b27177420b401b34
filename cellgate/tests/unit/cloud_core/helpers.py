"""Helpers for cloud core tests: a running CellsDeployment fixture, contexts and waiters."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import fixtures
import testtools
import yaml

from cellgate.cloud.cells.deployment import CellsDeployment
from cellgate.cloud.compute.api import ComputeAPI
from cellgate.cloud.context import RequestContext
from cellgate.cloud.images import CIRROS_ID


class DeploymentFixture(fixtures.Fixture):
    """A started CellsDeployment of ``topology`` (name, path or Topology), stopped on
    cleanup. ``state_dir`` reuses a directory (to test restarts)."""

    def __init__(self, topology: Any, state_dir: str | None = None) -> None:
        super().__init__()
        self.topology = topology
        self.state_dir = state_dir

    def _setUp(self) -> None:
        if self.state_dir is None:
            self.state_dir = self.useFixture(fixtures.TempDir()).path
        self.deployment = CellsDeployment(self.topology, self.state_dir)
        self.addCleanup(self.deployment.stop)
        self.deployment.start()
        self.api: ComputeAPI = self.deployment.compute_api


def topology(cells: dict[str, list[tuple[str, str]]], profiles: dict[str, dict],
             reserve_percent: float = 0) -> dict:
    """A topology document: ``{cell: [(host, profile name)]}`` and the profiles; no
    scheduler reserve unless asked (tests fill hosts exactly)."""
    return {"name": "test", "profiles": profiles,
            "cells_health": {"reserve_percent": reserve_percent},
            "cells": [{"name": cell, "hosts": [{"name": h, "profile": p} for h, p in hosts]}
                      for cell, hosts in cells.items()]}


def start_topology(test: testtools.TestCase, document: dict) -> DeploymentFixture:
    """Write ``document`` to a temp YAML file and start a deployment of it for ``test``."""
    path = os.path.join(test.useFixture(fixtures.TempDir()).path, "topology.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(document, handle)
    return test.useFixture(DeploymentFixture(path))


def member(project: str = "project-a", user: str = "user-a") -> RequestContext:
    return RequestContext(user_id=user, project_id=project, roles=("member",))


def admin() -> RequestContext:
    return RequestContext(user_id="admin", project_id="admin", roles=("admin",), is_admin=True,
                          microversion="2.61")


def wait_for(predicate: Any, timeout: float = 15.0, what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    delay = 0.0005
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def wait_for_status(api: ComputeAPI, ctx: RequestContext, uuid: str, *statuses: str,
                    timeout: float = 15.0) -> dict[str, Any]:
    """Wait until the server's status is one of ``statuses`` (and no task is pending)."""
    def check() -> Any:
        record = api.get_server(ctx, uuid)
        return record if record["status"] in statuses and record["task_state"] is None \
            else None
    return wait_for(check, timeout, f"server {uuid} to reach {statuses}")


def wait_for_deleted(api: ComputeAPI, ctx: RequestContext, uuid: str,
                     timeout: float = 15.0) -> None:
    from cellgate.cloud.exceptions import InstanceNotFound

    def gone() -> bool:
        try:
            api.get_server(ctx, uuid)
        except InstanceNotFound:
            return True
        return False
    wait_for(gone, timeout, f"server {uuid} to be deleted")


def boot(api: ComputeAPI, ctx: RequestContext, name: str = "vm", flavor: str = "1",
         **kwargs: Any) -> dict[str, Any]:
    """Create a server and return its record (status BUILD)."""
    record, _password = api.create_server(ctx, name=name, image_ref=CIRROS_ID,
                                          flavor_ref=flavor, networks="auto", **kwargs)
    return record


class CloudTestCase(testtools.TestCase):
    """A test that starts a deployment of a topology document it writes (``start``)."""

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))

    def start(self, document: dict) -> DeploymentFixture:
        cloud = start_topology(self, document)
        self.deployment = cloud.deployment
        self.api: ComputeAPI = cloud.api
        return cloud

    def boot_and_wait(self, name: str = "vm", flavor: str = "1") -> dict:
        uuid = boot(self.api, member(), name=name, flavor=flavor)["uuid"]
        return wait_for_status(self.api, member(), uuid, "ACTIVE", "ERROR")

    def flavor(self, specs: dict[str, str], **kwargs) -> str:
        flavor = self.api.create_flavor(admin(), name=f"f-{len(specs)}-{id(specs)}",
                                        ram=kwargs.get("ram", 128), vcpus=1, disk=1)
        self.api.update_extra_specs(admin(), flavor["id"], specs)
        return flavor["id"]


def sqlite_tables(path: str) -> set[str]:
    """Names of the tables of the SQLite file ``path``."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def record_sends(transport: Any) -> list:
    """Make ``transport`` (an instance) also append every message it is given to send to the
    returned list."""
    sent: list = []
    real_send = transport.send

    def spy(message: Any) -> None:
        sent.append(message)
        real_send(message)
    transport.send = spy
    return sent
