"""Flavors as a member: list, detail, show, filters and paging."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base


class FlavorsTest(base.BaseComputeTest):
    """Read-only flavor routes, positive and negative."""

    def _detail(self, **params):
        return self.os_member.flavors_client.list_flavors(detail=True, **params)["flavors"]

    def _ids(self, flavors):
        return [flavor["id"] for flavor in flavors]

    @decorators.idempotent_id('620a29a2-6730-45e1-914e-edede0b1157f')
    def test_list_flavors_has_configured_flavor(self):
        flavors = self.os_member.flavors_client.list_flavors()["flavors"]
        match = [f for f in flavors if f["id"] == self.flavor_ref]
        self.assertEqual(1, len(match), flavors)
        self.assertTrue(match[0]["name"])
        self.assertIn("self", [link["rel"] for link in match[0]["links"]])
        self.assertNotIn("ram", match[0])

    @decorators.idempotent_id('1a1da979-c43a-481d-942a-dfe78d60ced0')
    def test_list_detail_matches_show(self):
        detail = {f["id"]: f for f in self._detail()}
        self.assertIn(self.flavor_ref, detail)
        shown = self.os_member.flavors_client.show_flavor(self.flavor_ref)["flavor"]
        listed = detail[self.flavor_ref]
        for key in ("name", "ram", "vcpus", "disk", "os-flavor-access:is_public",
                    "OS-FLV-EXT-DATA:ephemeral"):
            self.assertEqual(shown[key], listed[key], key)

    @decorators.idempotent_id('96cd17f5-62e4-4a7c-9bc7-fdfc63a59158')
    def test_show_flavor(self):
        flavor = self.os_member.flavors_client.show_flavor(self.flavor_ref)["flavor"]
        self.assertEqual(self.flavor_ref, flavor["id"])
        self.assertGreaterEqual(flavor["ram"], 1)
        self.assertGreaterEqual(flavor["vcpus"], 1)
        self.assertTrue(flavor["os-flavor-access:is_public"])

    @decorators.idempotent_id('4c5c673c-2612-4dd2-8d93-038c00095f12')
    def test_show_unknown_flavor_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.os_member.flavors_client.show_flavor,
                          "cellgate-no-such-flavor")

    @decorators.idempotent_id('6bb5a4ee-c1f2-454b-b0a5-09a732f375ae')
    def test_filter_min_ram(self):
        reference = self.os_member.flavors_client.show_flavor(self.flavor_ref)["flavor"]
        listed = self._detail(minRam=reference["ram"])
        self.assertIn(self.flavor_ref, self._ids(listed))
        self.assertTrue(all(f["ram"] >= reference["ram"] for f in listed), listed)
        above = self._detail(minRam=reference["ram"] + 1)
        self.assertNotIn(self.flavor_ref, self._ids(above))

    @decorators.idempotent_id('be6e15de-acea-4040-9433-19e49b3165b4')
    def test_filter_min_disk(self):
        reference = self.os_member.flavors_client.show_flavor(self.flavor_ref)["flavor"]
        listed = self._detail(minDisk=reference["disk"])
        self.assertIn(self.flavor_ref, self._ids(listed))
        self.assertTrue(all(f["disk"] >= reference["disk"] for f in listed), listed)
        above = self.os_member.flavors_client.list_flavors(minDisk=reference["disk"] + 1)
        self.assertNotIn(self.flavor_ref, self._ids(above["flavors"]))

    @decorators.idempotent_id('f7b68018-d460-4ef4-9b10-de9fdbb99b92')
    def test_member_is_public_filter_is_ignored(self):
        # only admins may filter on is_public; a member always sees the public flavors
        listed = self._detail(is_public="false")
        self.assertIn(self.flavor_ref, self._ids(listed))

    @decorators.idempotent_id('b821e912-795e-4bde-ac89-c98458c74b8f')
    def test_invalid_min_ram_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.os_member.flavors_client.list_flavors,
                          minRam="lots")

    @decorators.idempotent_id('22d64579-2242-467e-b476-957078360869')
    def test_invalid_min_disk_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.os_member.flavors_client.list_flavors,
                          minDisk="big")

    @decorators.idempotent_id('23ae0e4f-0691-4d0a-9ab6-879df95229e3')
    def test_paging_with_limit(self):
        body = self.os_member.flavors_client.list_flavors(detail=True, limit=1)
        self.assertEqual(1, len(body["flavors"]))
        if len(self._detail()) > 1:
            links = body.get("flavors_links", [])
            nexts = [link["href"] for link in links if link["rel"] == "next"]
            self.assertEqual(1, len(nexts), links)
            self.assertIn("marker=" + body["flavors"][0]["id"], nexts[0])

    @decorators.idempotent_id('f55343ac-e480-4727-81ba-c85147980a71')
    def test_paging_with_marker(self):
        # the configured flavor is the marker: other tests create and delete flavors meanwhile
        everything = self._ids(self._detail())
        after = self._ids(self._detail(marker=self.flavor_ref, limit=2))
        self.assertNotIn(self.flavor_ref, after)
        self.assertLessEqual(len(after), 2)
        earlier = everything[:everything.index(self.flavor_ref)]
        self.assertEqual([], [flavor_id for flavor_id in after if flavor_id in earlier])
        if everything[-1] != self.flavor_ref:
            self.assertNotEqual([], after)

    @decorators.idempotent_id('80a77569-7f5c-4a14-b5d0-202fd3dac25e')
    def test_unknown_marker_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.os_member.flavors_client.list_flavors,
                          marker="cellgate-no-such-flavor")

    @decorators.idempotent_id('e8401d7e-bb3c-4b23-9833-2f5b210d80f3')
    def test_negative_limit_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.os_member.flavors_client.list_flavors,
                          limit=-1)

    @decorators.idempotent_id('e0f60427-af9b-4581-b604-f7d0e8014898')
    def test_detail_with_invalid_min_ram_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.os_member.flavors_client.list_flavors,
                          detail=True, minRam="-x")

    @decorators.idempotent_id('a014e83d-a97d-4b71-92b4-cc985b30eb5e')
    def test_show_links_point_at_the_flavor(self):
        flavor = self.os_member.flavors_client.show_flavor(self.flavor_ref)["flavor"]
        links = {link["rel"]: link["href"] for link in flavor["links"]}
        self.assertTrue(links["self"].endswith(f"/flavors/{self.flavor_ref}"), links)
        self.assertTrue(links["bookmark"].endswith(f"/flavors/{self.flavor_ref}"), links)
        self.assertNotIn("/v2.1/", links["bookmark"])
