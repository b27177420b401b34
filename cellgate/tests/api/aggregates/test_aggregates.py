"""os-aggregates as admin: create, list, show, update, delete, add and remove hosts, metadata
(a null value deletes a key), uuid from 2.41. No test here gives a shared host a zone, so
they run beside every other test."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.aggregates import _helpers


class AggregatesTest(base.BaseComputeTest):
    """CRUD and actions at 2.41 (uuid shown)."""

    required_features = ("aggregates",)
    microversion = "2.41"
    roles = ("admin",)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_admin.aggregates_client

    @decorators.idempotent_id('182d6e1f-446c-418f-8e82-16672a382f03')
    def test_create_show_list_delete(self):
        name = _helpers.unique_name()
        created = self.client.create_aggregate(name=name)["aggregate"]
        self.addCleanup(_helpers.remove_aggregate, self.client, created["id"], name)
        self.assertEqual(name, created["name"])
        self.assertIsNone(created["availability_zone"])
        self.assertNotIn("hosts", created)  # Nova's create answer has neither
        self.assertNotIn("metadata", created)
        shown = self.client.show_aggregate(created["id"])["aggregate"]
        self.assertEqual(created["uuid"], shown["uuid"])
        self.assertEqual([], shown["hosts"])
        self.assertEqual({}, shown["metadata"])
        listed = [a for a in self.client.list_aggregates()["aggregates"]
                  if a["id"] == created["id"]]
        self.assertEqual([created["uuid"]], [a["uuid"] for a in listed])
        self.client.delete_aggregate(created["id"])
        self.assertRaises(lib_exc.NotFound, self.client.show_aggregate, created["id"])
        self.assertNotIn(created["id"],
                         [a["id"] for a in self.client.list_aggregates()["aggregates"]])

    @decorators.idempotent_id('c7872374-2a6b-4d16-b69c-01017b3fd441')
    def test_create_with_zone_sets_metadata(self):
        zone = _helpers.unique_name("az")
        aggregate = _helpers.create_aggregate(self, availability_zone=zone)
        self.assertEqual(zone, aggregate["availability_zone"])
        self.assertEqual({"availability_zone": zone}, aggregate["metadata"])

    @decorators.idempotent_id('5a12f8ac-56dd-4397-9764-e1fe5e80d974')
    def test_update_name_and_zone(self):
        aggregate = _helpers.create_aggregate(self)
        name, zone = _helpers.unique_name(), _helpers.unique_name("az")
        updated = self.client.update_aggregate(aggregate["id"], name=name)["aggregate"]
        self.assertEqual(name, updated["name"])
        updated = self.client.update_aggregate(aggregate["id"],
                                               availability_zone=zone)["aggregate"]
        self.assertEqual(zone, updated["availability_zone"])
        self.assertEqual(zone, updated["metadata"]["availability_zone"])
        self.assertEqual(name, self.client.show_aggregate(aggregate["id"])["aggregate"]["name"])

    @decorators.idempotent_id('8a8ed35d-26a6-4e0f-98a0-4a67ea303ad4')
    def test_set_metadata_merges_and_null_deletes(self):
        aggregate = _helpers.create_aggregate(self)
        answer = self.client.set_metadata(aggregate["id"],
                                          metadata={"cg-a": "1", "cg-b": "2"})["aggregate"]
        self.assertEqual({"cg-a": "1", "cg-b": "2"}, answer["metadata"])
        answer = self.client.set_metadata(aggregate["id"],
                                          metadata={"cg-a": None, "cg-c": "3"})["aggregate"]
        self.assertEqual({"cg-b": "2", "cg-c": "3"}, answer["metadata"])
        # deleting a key that is not there is no error
        self.client.set_metadata(aggregate["id"], metadata={"cg-missing": None})
        shown = self.client.show_aggregate(aggregate["id"])["aggregate"]
        self.assertEqual({"cg-b": "2", "cg-c": "3"}, shown["metadata"])

    @decorators.idempotent_id('a0572f88-7e43-4093-977f-6c0eb298d1e7')
    def test_add_and_remove_host(self):
        host = _helpers.compute_hosts(self)[0]
        aggregate = _helpers.create_aggregate(self)
        added = self.client.add_host(aggregate["id"], host=host)["aggregate"]
        self.assertEqual([host], added["hosts"])
        self.assertEqual([host], self.client.show_aggregate(aggregate["id"])["aggregate"]["hosts"])
        removed = self.client.remove_host(aggregate["id"], host=host)["aggregate"]
        self.assertEqual([], removed["hosts"])
        self.client.delete_aggregate(aggregate["id"])

    @decorators.idempotent_id('74c2d5c5-d89d-4daa-a0fb-e352b5ca60d5')
    def test_hosts_of_every_cell_in_one_aggregate(self):
        hosts = sorted(_helpers.host_per_cell(self).values()) or _helpers.compute_hosts(self)[:1]
        aggregate = _helpers.create_aggregate(self, hosts=hosts)
        self.assertEqual(hosts, sorted(aggregate["hosts"]))

    @decorators.idempotent_id('d48c9c08-0cf6-4b0f-899e-ee298baa190a')
    def test_host_in_two_aggregates_without_zones(self):
        host = _helpers.compute_hosts(self)[0]
        first = _helpers.create_aggregate(self, hosts=[host])
        second = _helpers.create_aggregate(self, hosts=[host])
        for aggregate in (first, second):
            self.assertEqual([host], aggregate["hosts"])

    @decorators.idempotent_id('b8169dfa-e9ee-4448-b71a-0a30d472c6aa')
    def test_before_2_41_no_uuid(self):
        self.use_microversion("2.40")
        aggregate = _helpers.create_aggregate(self)
        self.assertNotIn("uuid", aggregate)
        self.assertNotIn("uuid", self.client.list_aggregates()["aggregates"][0])
