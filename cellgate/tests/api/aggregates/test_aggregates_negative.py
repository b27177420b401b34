"""os-aggregates: what Nova refuses (403 for members, 400 bad input or a non-empty delete,
404 unknown aggregate or host, 409 duplicates). No shared host gets a zone here."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.aggregates import _helpers

UNKNOWN_ID = 987654321


class AggregatesNegativeTest(base.BaseComputeTest):
    """Refusals at 2.41; each leaves nothing behind."""

    required_features = ("aggregates",)
    microversion = "2.41"
    roles = ("admin", "member")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_admin.aggregates_client
        cls.member = cls.os_member.aggregates_client

    def _names(self):
        return {a["name"] for a in self.client.list_aggregates()["aggregates"]}

    @decorators.idempotent_id('dd3613e9-7081-4c7b-8584-54494796000b')
    def test_member_may_not_list_show_create(self):
        aggregate = _helpers.create_aggregate(self)
        self.assertRaises(lib_exc.Forbidden, self.member.list_aggregates)
        self.assertRaises(lib_exc.Forbidden, self.member.show_aggregate, aggregate["id"])
        name = _helpers.unique_name()
        self.assertRaises(lib_exc.Forbidden, self.member.create_aggregate, name=name)
        self.assertNotIn(name, self._names())

    @decorators.idempotent_id('0295ba40-098b-4f97-b41c-587c24de9484')
    def test_member_may_not_change(self):
        host = _helpers.compute_hosts(self)[0]
        aggregate = _helpers.create_aggregate(self)
        self.assertRaises(lib_exc.Forbidden, self.member.update_aggregate, aggregate["id"],
                          name=_helpers.unique_name())
        self.assertRaises(lib_exc.Forbidden, self.member.add_host, aggregate["id"], host=host)
        self.assertRaises(lib_exc.Forbidden, self.member.remove_host, aggregate["id"],
                          host=host)
        self.assertRaises(lib_exc.Forbidden, self.member.set_metadata, aggregate["id"],
                          metadata={"cg-k": "v"})
        self.assertRaises(lib_exc.Forbidden, self.member.delete_aggregate, aggregate["id"])
        shown = self.client.show_aggregate(aggregate["id"])["aggregate"]
        self.assertEqual((aggregate["name"], [], {}),
                         (shown["name"], shown["hosts"], shown["metadata"]))

    @decorators.idempotent_id('0b1b05a6-ce52-4538-bd08-1294ea4c510b')
    def test_duplicate_name_is_409(self):
        aggregate = _helpers.create_aggregate(self)
        self.assertRaises(lib_exc.Conflict, self.client.create_aggregate,
                          name=aggregate["name"])
        other = _helpers.create_aggregate(self)
        self.assertRaises(lib_exc.Conflict, self.client.update_aggregate, other["id"],
                          name=aggregate["name"])
        self.assertEqual(other["name"],
                         self.client.show_aggregate(other["id"])["aggregate"]["name"])

    @decorators.idempotent_id('7b9e937d-5c06-43cf-b14e-df49cc36d679')
    def test_bad_create_bodies_are_400(self):
        for body in ({"name": ""}, {"name": "x" * 256}, {"name": " lead"},
                     {"name": _helpers.unique_name(), "availability_zone": ""},
                     {"name": _helpers.unique_name(), "cg_unknown": 1}):
            self.assertRaises(lib_exc.BadRequest, self.client.create_aggregate, **body)

    @decorators.idempotent_id('d9a46e62-0ef4-4bd1-8011-9d42c0a829a7')
    def test_update_without_fields_is_400(self):
        aggregate = _helpers.create_aggregate(self)
        self.assertRaises(lib_exc.BadRequest, self.client.update_aggregate, aggregate["id"])

    @decorators.idempotent_id('3e2780e9-c1ea-4dc4-9488-bfe35aedb04d')
    def test_unknown_aggregate_is_404(self):
        host = _helpers.compute_hosts(self)[0]
        for call, kwargs in ((self.client.show_aggregate, {}),
                             (self.client.update_aggregate, {"name": _helpers.unique_name()}),
                             (self.client.delete_aggregate, {}),
                             (self.client.add_host, {"host": host}),
                             (self.client.remove_host, {"host": host}),
                             (self.client.set_metadata, {"metadata": {"cg-k": "v"}})):
            self.assertRaises(lib_exc.NotFound, call, UNKNOWN_ID, **kwargs)

    @decorators.idempotent_id('c088f6f1-8d1d-47e3-b799-013292f41b20')
    def test_id_not_an_integer_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.show_aggregate, "cg-not-an-int")
        self.assertRaises(lib_exc.BadRequest, self.client.delete_aggregate, "cg-not-an-int")

    @decorators.idempotent_id('b6409e3f-e495-488d-8d10-18180faa42cd')
    def test_unknown_host_is_404(self):
        aggregate = _helpers.create_aggregate(self)
        self.assertRaises(lib_exc.NotFound, self.client.add_host, aggregate["id"],
                          host=_helpers.unique_name("host"))
        self.assertRaises(lib_exc.NotFound, self.client.remove_host, aggregate["id"],
                          host=_helpers.unique_name("host"))
        self.assertEqual([], self.client.show_aggregate(aggregate["id"])["aggregate"]["hosts"])

    @decorators.idempotent_id('9a60bf60-8f08-426d-b8de-f3c0389ffe99')
    def test_host_twice_is_409_and_absent_host_removal_404(self):
        host = _helpers.compute_hosts(self)[0]
        aggregate = _helpers.create_aggregate(self)
        self.assertRaises(lib_exc.NotFound, self.client.remove_host, aggregate["id"],
                          host=host)
        self.client.add_host(aggregate["id"], host=host)
        self.assertRaises(lib_exc.Conflict, self.client.add_host, aggregate["id"], host=host)
        self.assertEqual([host], self.client.show_aggregate(aggregate["id"])["aggregate"]["hosts"])

    @decorators.idempotent_id('889fc388-c83b-4777-8d41-8ffdde18f62b')
    def test_delete_non_empty_is_400(self):
        host = _helpers.compute_hosts(self)[0]
        aggregate = _helpers.create_aggregate(self, hosts=[host])
        self.assertRaises(lib_exc.BadRequest, self.client.delete_aggregate, aggregate["id"])
        self.assertEqual([host], self.client.show_aggregate(aggregate["id"])["aggregate"]["hosts"])

    @decorators.idempotent_id('77d54297-96aa-4b7f-be3c-f58830668038')
    def test_empty_zone_by_metadata_is_400(self):
        aggregate = _helpers.create_aggregate(self, availability_zone=_helpers.unique_name("az"))
        self.assertRaises(lib_exc.BadRequest, self.client.set_metadata, aggregate["id"],
                          metadata={"availability_zone": None})
        self.assertRaises(lib_exc.BadRequest, self.client.update_aggregate, aggregate["id"],
                          availability_zone=None)
        shown = self.client.show_aggregate(aggregate["id"])["aggregate"]
        self.assertEqual(aggregate["availability_zone"], shown["availability_zone"])

    @decorators.idempotent_id('4c2ca2cf-3b82-45af-b84a-1e08c7aa08fc')
    def test_bad_metadata_and_action_are_400(self):
        aggregate = _helpers.create_aggregate(self)
        self.assertRaises(lib_exc.BadRequest, self.client.set_metadata, aggregate["id"],
                          metadata={"cg bad/key": "v"})
        self.assertRaises(lib_exc.BadRequest, self.client.set_metadata, aggregate["id"],
                          metadata={"cg-k": "v" * 256})
        raw = self.os_admin.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, raw.post,
                          f"os-aggregates/{aggregate['id']}/action", '{"cg_no_such": {}}')
        self.assertEqual({}, self.client.show_aggregate(aggregate["id"])["aggregate"]["metadata"])
