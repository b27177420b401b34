"""Helpers for cloud core tests: a running CellsDeployment fixture, contexts and waiters."""

from __future__ import annotations

import os
import time
from typing import Any

import fixtures
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


def deployment_from(test: Any, document: dict[str, Any]) -> DeploymentFixture:
    """A started deployment of the topology ``document`` (written to a temp dir), used by
    ``test`` (a testtools.TestCase) and stopped at its cleanup."""
    path = os.path.join(test.useFixture(fixtures.TempDir()).path, "topology.yaml")
    with open(path, "w") as handle:
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
