"""Keypairs across microversions: user_id for admins (2.10), paging (2.35), import only
(2.92)."""

from __future__ import annotations

import json
from urllib import parse

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.keypairs import _helpers


class KeypairsUserIdTest(base.BaseComputeTest):
    """From 2.10 an admin names another user's keypairs with ``user_id``; a member may
    name only itself."""

    required_features = ("keypairs",)
    microversion = "2.10"
    roles = ("admin", "member", "alt")

    @decorators.idempotent_id('cb5b9dc2-cfb5-483d-8ffd-1919d24a4c61')
    def test_admin_lists_shows_and_deletes_a_members_keypair(self):
        keypair = _helpers.create_keypair(self, self.os_member)
        admin = self.os_admin.keypairs_client
        user_id = self.os_member.user_id
        listed = admin.list_keypairs(user_id=user_id)["keypairs"]
        self.assertIn(keypair["name"], {k["keypair"]["name"] for k in listed})
        shown = admin.show_keypair(keypair["name"], user_id=user_id)["keypair"]
        self.assertEqual((user_id, keypair["fingerprint"]),
                         (shown["user_id"], shown["fingerprint"]))
        own = {k["keypair"]["name"] for k in admin.list_keypairs()["keypairs"]}
        self.assertNotIn(keypair["name"], own)
        admin.delete_keypair(keypair["name"], user_id=user_id)
        self.assertRaises(lib_exc.NotFound, self.os_member.keypairs_client.show_keypair,
                          keypair["name"])

    @decorators.idempotent_id('a30769f7-bbee-4ca1-978c-ba736318077c')
    def test_admin_creates_a_keypair_for_a_member(self):
        user_id = self.os_member.user_id
        public_key, fingerprint = _helpers.ssh_public_key()
        keypair = _helpers.create_keypair(self, self.os_admin, user_id=user_id,
                                          public_key=public_key)
        self.assertEqual((user_id, fingerprint), (keypair["user_id"], keypair["fingerprint"]))
        shown = self.os_member.keypairs_client.show_keypair(keypair["name"])["keypair"]
        self.assertEqual((public_key, user_id), (shown["public_key"], shown["user_id"]))

    @decorators.idempotent_id('3598c11d-7267-46d7-b3ba-983623175703')
    def test_member_may_name_itself(self):
        keypair = _helpers.create_keypair(self, self.os_member, user_id=self.os_member.user_id)
        listed = self.os_member.keypairs_client.list_keypairs(
            user_id=self.os_member.user_id)["keypairs"]
        self.assertIn(keypair["name"], {k["keypair"]["name"] for k in listed})

    @decorators.idempotent_id('e816baee-d078-4fba-a2cd-d632af13d889')
    def test_member_naming_another_user_is_403(self):
        keypair = _helpers.create_keypair(self, self.os_member)
        client = self.os_alt.keypairs_client
        user_id = self.os_member.user_id
        self.assertRaises(lib_exc.Forbidden, client.list_keypairs, user_id=user_id)
        self.assertRaises(lib_exc.Forbidden, client.show_keypair, keypair["name"],
                          user_id=user_id)
        self.assertRaises(lib_exc.Forbidden, client.delete_keypair, keypair["name"],
                          user_id=user_id)
        self.assertRaises(lib_exc.Forbidden, client.create_keypair,
                          name=_helpers.unique_name(), user_id=user_id)
        self.os_member.keypairs_client.show_keypair(keypair["name"])

    @decorators.idempotent_id('2eb38c3b-31f8-43b7-bdaf-8b9ff1c40dc1')
    def test_user_id_is_ignored_below_210(self):
        keypair = _helpers.create_keypair(self, self.os_member)
        self.use_microversion("2.9")
        listed = self.os_admin.keypairs_client.list_keypairs(
            user_id=self.os_member.user_id)["keypairs"]
        self.assertNotIn(keypair["name"], {k["keypair"]["name"] for k in listed})


class KeypairsPagingTest(base.BaseComputeTest):
    """From 2.35 the list pages by name with ``limit`` and ``marker``; below, both are
    ignored. (The raw client: tempest.lib's list schema has no ``keypairs_links``.)"""

    required_features = ("keypairs",)
    microversion = "2.35"

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        prefix = _helpers.unique_name("page")
        # names no other test can sort between: a unique prefix, then a, b, c
        cls.names = [f"{prefix}-{x}" for x in "abc"]
        for name in reversed(cls.names):
            _helpers.create_keypair(cls, cls.os_member, cleanup=cls.addClassCleanup,
                                    name=name)

    def _list(self, version="2.35", **query):
        rest = self.os_member.rest_client("compute")
        path = "os-keypairs" + ("?" + parse.urlencode(query) if query else "")
        _resp, body = rest.get(path, headers={"OpenStack-API-Version": f"compute {version}"},
                               extra_headers=True)
        return json.loads(body)

    @decorators.idempotent_id('d2b97ec2-555c-4b11-ab7f-a3993383847c')
    def test_marker_and_limit_page_by_name(self):
        first, second, third = self.names
        page = self._list(limit=2, marker=first)
        self.assertEqual([second, third], [k["keypair"]["name"] for k in page["keypairs"]])
        self.assertEqual("ssh", page["keypairs"][0]["keypair"]["type"])
        page = self._list(limit=1, marker=first)
        self.assertEqual([second], [k["keypair"]["name"] for k in page["keypairs"]])
        link = page["keypairs_links"][0]
        self.assertEqual("next", link["rel"])
        query = parse.parse_qs(parse.urlsplit(link["href"]).query)
        self.assertEqual({"limit": ["1"], "marker": [second]}, query)
        self.assertTrue(parse.urlsplit(link["href"]).path.endswith("/os-keypairs"))
        rest = self._list(**{k: v[0] for k, v in query.items()})
        self.assertEqual([third], [k["keypair"]["name"] for k in rest["keypairs"]])

    @decorators.idempotent_id('d9c5370b-3dba-4cdc-8816-fc05ebc7cd2b')
    def test_unknown_marker_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self._list, marker=_helpers.unique_name())

    @decorators.idempotent_id('d9747977-140f-43e1-a745-96350922e12d')
    def test_bad_limit_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self._list, limit=-1)
        self.assertRaises(lib_exc.BadRequest, self._list, limit="x")

    @decorators.idempotent_id('2c090869-7c4a-471e-b8eb-2820a91d820b')
    def test_limit_and_marker_are_ignored_below_235(self):
        body = self._list(version="2.34", limit=1, marker=self.names[0])
        names = [k["keypair"]["name"] for k in body["keypairs"]]
        self.assertLessEqual(set(self.names), set(names))
        self.assertNotIn("keypairs_links", body)


class KeypairsV292Test(base.BaseComputeTest):
    """From 2.92 keypairs are imported only, and names may hold '@' and '.'."""

    required_features = ("keypairs",)
    microversion = "2.92"

    @decorators.idempotent_id('8f436c31-dad3-4715-a96c-7d8a580d522c')
    def test_generation_is_refused(self):
        name = _helpers.unique_name()
        self.assertRaises(lib_exc.BadRequest, _helpers.create_keypair, self, self.os_member,
                          name=name)
        self.assertRaises(lib_exc.NotFound, self.os_member.keypairs_client.show_keypair, name)

    @decorators.idempotent_id('a1a6410b-7fc6-4042-a681-00ddf6e9ee1b')
    def test_import_with_at_and_dot_in_the_name(self):
        public_key, fingerprint = _helpers.ssh_public_key()
        name = _helpers.unique_name() + "@host.example"
        keypair = _helpers.create_keypair(self, self.os_member, name=name,
                                          public_key=public_key)
        self.assertEqual((name, fingerprint), (keypair["name"], keypair["fingerprint"]))
        self.assertNotIn("private_key", keypair)
