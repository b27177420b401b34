"""Flavors through ComputeAPI: seeds, visibility (Nova semantics), access, extra specs."""

from __future__ import annotations

import dataclasses

import fixtures
import testtools

from cellgate.cloud import exceptions as exc
from cellgate.cloud.compute.api import ComputeAPI
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.images import CIRROS_ALT_ID, CIRROS_ID, ImageCatalog
from cellgate.tests.unit.cloud_core.helpers import admin, member


class FlavorTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        path = self.useFixture(fixtures.TempDir()).path
        store = ApiStore(f"sqlite:///{path}/api.sqlite")
        self.addCleanup(store.dispose)
        store.flavors.seed_defaults()
        store.flavors.seed_defaults()  # idempotent
        self.api = ComputeAPI(store, router=None, images=ImageCatalog())
        self.private = self.api.create_flavor(admin(), name="secret", ram=256, vcpus=1,
                                              disk=1, is_public=False, flavorid="p1")

    def names(self, flavors: list) -> list:
        return [f["name"] for f in flavors]

    def test_seeded_flavors(self) -> None:
        seeded = self.api.list_flavors(member())
        self.assertEqual(["m1.nano", "m1.micro", "m1.tiny", "m1.small", "m1.medium"],
                         self.names(seeded))
        medium = self.api.get_flavor(member(), "5")
        self.assertEqual((2, 4096, 40, {}), (medium["vcpus"], medium["ram"], medium["disk"],
                                             medium["extra_specs"]))

    def test_private_flavor_visibility(self) -> None:
        self.assertNotIn("secret", self.names(self.api.list_flavors(member())))
        self.assertRaises(exc.FlavorNotFound, self.api.get_flavor, member(), "p1")
        self.api.add_flavor_access(admin(), "p1", "project-a")
        self.assertIn("secret", self.names(self.api.list_flavors(member())))
        self.assertEqual("secret", self.api.get_flavor(member(), "p1")["name"])
        self.assertRaises(exc.FlavorNotFound, self.api.get_flavor,
                          member("project-b"), "p1")
        # admin: default public (+ own access), False private only, 'none' all
        self.assertNotIn("secret", self.names(self.api.list_flavors(admin())))
        self.assertEqual(["secret"], self.names(self.api.list_flavors(admin(),
                                                                      is_public=False)))
        self.assertEqual(6, len(self.api.list_flavors(admin(), is_public="none")))
        self.assertRaises(exc.Invalid, self.api.list_flavors, admin(), is_public="maybe")

    def test_create_conflicts_and_generated_id(self) -> None:
        error = self.assertRaises(exc.FlavorExists, self.api.create_flavor, admin(),
                                  name="m1.nano", ram=1, vcpus=1, disk=1)
        self.assertIn("m1.nano", error.message)
        self.assertRaises(exc.FlavorExists, self.api.create_flavor, admin(), name="other",
                          ram=1, vcpus=1, disk=1, flavorid="1")
        created = self.api.create_flavor(admin(), name="auto", ram=1, vcpus=1, disk=1,
                                         description="d")
        self.assertEqual(36, len(created["id"]))
        self.assertEqual("d", created["description"])
        updated = self.api.update_flavor(admin(), created["id"], description="new")
        self.assertEqual("new", updated["description"])
        self.api.delete_flavor(admin(), created["id"])
        self.assertRaises(exc.FlavorNotFound, self.api.get_flavor, admin(), created["id"])

    def test_access_rules(self) -> None:
        self.assertEqual([{"flavor_id": "p1", "tenant_id": "project-a"}],
                         self.api.add_flavor_access(admin(), "p1", "project-a"))
        self.assertRaises(exc.FlavorAccessExists, self.api.add_flavor_access, admin(), "p1",
                          "project-a")
        new_admin = dataclasses.replace(admin(), microversion="2.7")
        error = self.assertRaises(exc.Conflict, self.api.add_flavor_access, new_admin, "1",
                                  "project-a")
        self.assertIn("public flavor", error.message)
        self.assertRaises(exc.NotFound, self.api.list_flavor_access, admin(), "1")
        self.assertEqual([], self.api.remove_flavor_access(admin(), "p1", "project-a"))
        self.assertRaises(exc.FlavorAccessNotFound, self.api.remove_flavor_access, admin(),
                          "p1", "project-a")

    def test_extra_specs(self) -> None:
        self.assertEqual({"hw:numa_nodes": "1", "k": "5"},
                         self.api.update_extra_specs(admin(), "1",
                                                     {"hw:numa_nodes": "1", "k": 5}))
        self.assertEqual({"k": "5"}, self.api.get_extra_spec(admin(), "1", "k"))
        self.api.update_extra_specs(admin(), "1", {"k": "6"})
        self.assertEqual({"hw:numa_nodes": "1", "k": "6"},
                         self.api.get_extra_specs(admin(), "1"))
        self.api.delete_extra_spec(admin(), "1", "k")
        self.assertRaises(exc.FlavorExtraSpecsNotFound, self.api.get_extra_spec, admin(),
                          "1", "k")
        self.assertRaises(exc.FlavorExtraSpecsNotFound, self.api.delete_extra_spec, admin(),
                          "1", "k")
        self.assertEqual({"hw:numa_nodes": "1"}, self.api.get_flavor(member(), "1")
                         ["extra_specs"])

    def test_sorting_filters_paging(self) -> None:
        by_ram = self.api.list_flavors(member(), sort_key="memory_mb", sort_dir="desc")
        self.assertEqual("m1.medium", by_ram[0]["name"])
        self.assertEqual(["m1.small", "m1.medium"],
                         self.names(self.api.list_flavors(member(), min_ram=1024)))
        self.assertEqual(["m1.small", "m1.medium"],
                         self.names(self.api.list_flavors(member(), min_disk=20)))
        self.assertEqual(["m1.tiny", "m1.small"],
                         self.names(self.api.list_flavors(member(), marker="2", limit=2)))
        self.assertRaises(exc.Invalid, self.api.list_flavors, member(), marker="nope")
        self.assertRaises(exc.Invalid, self.api.list_flavors, member(), sort_key="colour")


class ImageCatalogTest(testtools.TestCase):

    def test_catalog(self) -> None:
        images = ImageCatalog()
        self.assertEqual({CIRROS_ID, CIRROS_ALT_ID}, {i["id"] for i in images.list()})
        self.assertEqual("cirros-0.6.2-x86_64-disk", images.get(CIRROS_ID)["name"])
        self.assertRaises(exc.ImageNotFound, images.get, "nope")
