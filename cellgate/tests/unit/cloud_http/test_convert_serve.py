"""A real `cellgate serve` nocells cloud with running servers, stopped, converted with
`cellgate convert`, served again as API cell + child cell: openstacksdk sees the same cloud."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import fixtures
import testtools
import yaml

from cellgate.cloud.process import CloudProcess
from cellgate.tests.unit.cloud_http.test_real_clients import connect


def _accounts(clouds_yaml: str) -> dict:
    clouds = yaml.safe_load(Path(clouds_yaml).read_text(encoding="utf-8"))["clouds"]
    return {name: (c["auth"]["username"], c["auth"]["password"], c["auth"]["project_name"])
            for name, c in clouds.items()}


def _convert(state: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cellgate", "convert", "--state-dir", state],
                          capture_output=True, text=True, timeout=120, check=False)


class ConvertServeTest(testtools.TestCase):

    def _view(self, cloud: CloudProcess) -> dict:
        admin = connect(cloud.clouds_yaml, "cellgate-admin")
        member = connect(cloud.clouds_yaml, "cellgate-member1")
        self.addCleanup(admin.close)
        self.addCleanup(member.close)
        return {
            "servers": sorted((s.id, s.name, s.status, s.flavor.original_name)
                              for s in member.compute.servers()),
            "flavors": sorted((f.id, f.name) for f in admin.compute.flavors(is_public=None)),
            "keypairs": sorted(k.name for k in member.compute.keypairs()),
        }

    def test_flat_cloud_converted_and_served_as_cells(self) -> None:
        state = str(Path(self.useFixture(fixtures.TempDir()).path) / "state")
        flat = self.useFixture(CloudProcess(topology="nocells", state_dir=state))
        admin = connect(flat.clouds_yaml, "cellgate-admin")
        member = connect(flat.clouds_yaml, "cellgate-member1")
        self.addCleanup(admin.close)
        self.addCleanup(member.close)
        flavor = admin.compute.create_flavor(name=f"conv-{uuid.uuid4().hex[:8]}", ram=64,
                                             vcpus=1, disk=0, is_public=False)
        admin.compute.flavor_add_tenant_access(flavor, member.current_project_id)
        member.compute.create_keypair(name="conv-key")
        image = next(iter(member.image.images()))
        servers = [member.compute.create_server(name=f"conv-{i}", image_id=image.id,
                                                flavor_id=flavor.id, networks="none",
                                                key_name="conv-key") for i in range(3)]
        for server in servers:
            member.compute.wait_for_server(server, status="ACTIVE", interval=0.02, wait=30)
        member.compute.stop_server(servers[0])
        member.compute.wait_for_server(servers[0], status="SHUTOFF", interval=0.02, wait=30)
        before = self._view(flat)
        accounts = _accounts(flat.clouds_yaml)

        refused = _convert(state)  # the cloud still runs
        self.assertEqual(2, refused.returncode, refused.stderr)
        self.assertIn("while the cloud runs", refused.stderr)
        flat.stop()
        done = _convert(state)
        self.assertEqual(0, done.returncode, done.stderr)
        self.assertIn("child cell cell1", done.stdout)

        cells = self.useFixture(CloudProcess(topology=None, state_dir=state))
        self.assertEqual(accounts, _accounts(cells.clouds_yaml))  # same users and passwords
        self.assertEqual(before, self._view(cells))
        admin = connect(cells.clouds_yaml, "cellgate-admin")
        member = connect(cells.clouds_yaml, "cellgate-member1")
        self.addCleanup(admin.close)
        self.addCleanup(member.close)
        ready = json.loads((Path(state) / "ready.json").read_text(encoding="utf-8"))
        self.assertEqual("nocells-converted", ready["topology"])
        self.assertEqual(["api.sqlite", "cell-cell1.sqlite"],
                         sorted(p.name for p in Path(state).glob("*.sqlite")))
        # the converted servers live in the child cell now: it acts on them and builds more
        member.compute.start_server(servers[0])
        member.compute.wait_for_server(servers[0], status="ACTIVE", interval=0.02, wait=30)
        member.compute.delete_server(servers[1])
        member.compute.wait_for_delete(servers[1], interval=0.02, wait=30)
        fresh = member.compute.create_server(name="conv-new", image_id=image.id,
                                             flavor_id=flavor.id, networks="none")
        member.compute.wait_for_server(fresh, status="ACTIVE", interval=0.02, wait=30)
        member.compute.delete_server(fresh)
        member.compute.delete_server(servers[0])
        member.compute.delete_server(servers[2])
