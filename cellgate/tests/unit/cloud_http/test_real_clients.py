"""Unmodified openstacksdk against `cellgate serve` in a child process, in every topology."""

from __future__ import annotations

import uuid

import testtools
from openstack import connection
from openstack.config import loader

from cellgate.cloud.process import CloudProcess


def connect(clouds_yaml: str, cloud: str) -> connection.Connection:
    config = loader.OpenStackConfig(config_files=[clouds_yaml], vendor_files=[],
                                    load_envvars=False)
    return connection.Connection(config=config.get_one(cloud=cloud))


class OpenStackSDKTest(testtools.TestCase):
    def _exercise(self, topology: str) -> None:
        cloud = self.useFixture(CloudProcess(topology=topology))
        member = connect(cloud.clouds_yaml, "cellgate-member1")
        admin = connect(cloud.clouds_yaml, "cellgate-admin")
        self.addCleanup(member.close)
        self.addCleanup(admin.close)
        names = {f.name for f in member.compute.flavors()}
        self.assertIn("m1.nano", names)
        flavor = admin.compute.create_flavor(name=f"sdk-{uuid.uuid4().hex[:8]}", ram=128,
                                             vcpus=1, disk=1)
        self.addCleanup(admin.compute.delete_flavor, flavor, ignore_missing=True)
        admin.compute.create_flavor_extra_specs(flavor, {"hw:cpu_policy": "dedicated"})
        specs = admin.compute.fetch_flavor_extra_specs(flavor).extra_specs
        self.assertEqual({"hw:cpu_policy": "dedicated"}, specs)
        image = next(iter(member.image.images()))
        server = member.compute.create_server(name="sdk-vm", image_id=image.id,
                                              flavor_id=flavor.id, networks="none")
        server = member.compute.wait_for_server(server, status="ACTIVE", interval=0.05,
                                                wait=30)
        self.assertEqual("ACTIVE", server.status)
        self.assertEqual({"hw:cpu_policy": "dedicated"}, server.flavor.extra_specs)
        self.assertIn(server.id, [s.id for s in member.compute.servers()])
        member.compute.delete_server(server)
        member.compute.wait_for_delete(server, interval=0.05, wait=30)

    def test_nocells(self):
        self._exercise("nocells")

    def test_single_cell(self):
        self._exercise("single-cell")

    def test_multi_cell(self):
        self._exercise("multi-cell")
