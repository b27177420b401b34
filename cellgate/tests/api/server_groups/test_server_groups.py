"""Server groups: create, show, list, delete per microversion; members; the group hint."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.server_groups import _helpers
from cellgate.tests.api.servers import _helpers as server_helpers


class ServerGroupsTest(base.BaseComputeTest):
    """What a member does with its project's groups, at 2.1 (``policies``, ``metadata``)."""

    required_features = ("server_groups",)
    roles = ("admin", "member", "member_peer")

    @decorators.idempotent_id('8215df85-4976-44d4-915a-21088762905c')
    def test_create_show_list_delete(self):
        group = _helpers.create_group(self, self.os_member, "anti-affinity")
        self.assertEqual((["anti-affinity"], {}, []),
                         (group["policies"], group["metadata"], group["members"]))
        self.assertNotIn("project_id", group)
        client = self.os_member.server_groups_client
        self.assertEqual(group, client.show_server_group(group["id"])["server_group"])
        listed = client.list_server_groups()["server_groups"]
        self.assertIn(group, listed)
        # a member of the same project sees it too
        peer = self.os_member_peer.server_groups_client
        self.assertEqual(group["id"], peer.show_server_group(group["id"])["server_group"]["id"])
        client.delete_server_group(group["id"])
        self.assertRaises(lib_exc.NotFound, client.show_server_group, group["id"])
        self.assertNotIn(group["id"], [g["id"] for g in
                                       client.list_server_groups()["server_groups"]])

    @decorators.idempotent_id('10bf35c4-d4c4-490a-ac69-e679016cd5a3')
    def test_affinity_group_and_name_kept(self):
        group = _helpers.create_group(self, self.os_member, "affinity", name="web tier 1")
        shown = self.os_member.server_groups_client.show_server_group(group["id"])
        self.assertEqual(("web tier 1", ["affinity"]),
                         (shown["server_group"]["name"], shown["server_group"]["policies"]))

    @decorators.idempotent_id('51e42b53-4e8d-4f24-bfa7-deee66d278fe')
    def test_members_are_listed_and_a_deleted_server_leaves(self):
        group = _helpers.create_group(self, self.os_member, "affinity")
        first = self.create_server_for_test(**_helpers.hint(group))
        second = self.create_server_for_test(**_helpers.hint(group))
        client = self.os_member.server_groups_client
        members = client.show_server_group(group["id"])["server_group"]["members"]
        self.assertEqual({first["id"], second["id"]}, set(members))
        server_helpers.delete_server_and_wait(self.os_member.servers_client, first["id"])
        self.assertEqual([second["id"]],
                         client.show_server_group(group["id"])["server_group"]["members"])

    @decorators.idempotent_id('85d87f8f-49e3-495f-9237-04bf88e67c6c')
    def test_deleting_a_group_keeps_its_servers(self):
        group = _helpers.create_group(self, self.os_member, "anti-affinity")
        server = self.create_server_for_test(**_helpers.hint(group))
        self.os_member.server_groups_client.delete_server_group(group["id"])
        shown = self.os_member.servers_client.show_server(server["id"])["server"]
        self.assertEqual("ACTIVE", shown["status"])
        self.assertRaises(lib_exc.NotFound,
                          self.os_member.server_groups_client.show_server_group, group["id"])

    @decorators.idempotent_id('730b4262-42da-4dd0-ae58-90be7a684763')
    def test_all_projects_lists_every_project_for_admins_only(self):
        group = _helpers.create_group(self, self.os_member, "anti-affinity")
        admin = self.os_admin.server_groups_client
        every = [g["id"] for g in admin.list_server_groups(all_projects=True)["server_groups"]]
        self.assertIn(group["id"], every)
        own = [g["id"] for g in admin.list_server_groups()["server_groups"]]
        self.assertNotIn(group["id"], own)
        # a member asking for every project gets its own project's groups, as Nova
        mine = self.os_member.server_groups_client.list_server_groups(all_projects=True)
        self.assertIn(group["id"], [g["id"] for g in mine["server_groups"]])
        # an admin may show and delete another project's group
        self.assertEqual(group["id"], admin.show_server_group(group["id"])["server_group"]["id"])
        admin.delete_server_group(group["id"])
        self.assertRaises(lib_exc.NotFound,
                          self.os_member.server_groups_client.show_server_group, group["id"])


class ServerGroupsPagingTest(base.BaseComputeTest):
    """Paging and usage in the admin project, where only this class makes groups (its tests
    run one after another, so counts and offsets are stable)."""

    required_features = ("server_groups", "quotas")
    microversion = "2.13"
    roles = ("admin",)

    @decorators.idempotent_id('91447118-20d7-421d-a939-cba61611e5ac')
    def test_limit_and_offset_page_in_creation_order(self):
        for _ in range(3):
            _helpers.create_group(self, self.os_admin, "affinity")
        client = self.os_admin.server_groups_client
        every = [g["id"] for g in client.list_server_groups()["server_groups"]]
        self.assertGreaterEqual(len(every), 3)
        for offset in range(len(every)):
            page = client.list_server_groups(limit=1, offset=offset)["server_groups"]
            self.assertEqual([every[offset]], [g["id"] for g in page])
        self.assertEqual(every[1:3], [g["id"] for g in client.list_server_groups(
            limit=2, offset=1)["server_groups"]])
        self.assertEqual([], client.list_server_groups(offset=len(every))["server_groups"])

    @decorators.idempotent_id('979d1bd4-036d-4d60-8a9e-79708740d406')
    def test_limits_count_the_projects_groups(self):
        limits = self.os_admin.limits_client
        before = limits.show_limits()["limits"]["absolute"]
        _helpers.create_group(self, self.os_admin, "anti-affinity")
        after = limits.show_limits()["limits"]["absolute"]
        self.assertEqual(before["totalServerGroupsUsed"] + 1, after["totalServerGroupsUsed"])
        self.assertIn("maxServerGroups", after)
        self.assertIn("maxServerGroupMembers", after)


class ServerGroupsV213Test(base.BaseComputeTest):
    """2.13 adds project_id and user_id; 2.15 the soft policies."""

    required_features = ("server_groups",)
    microversion = "2.15"
    roles = ("member",)

    @decorators.idempotent_id('788807b2-bb50-412c-8f2b-14c55c7729dd')
    def test_every_policy_with_owner(self):
        for policy in ("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"):
            group = _helpers.create_group(self, self.os_member, policy)
            self.assertEqual(([policy], self.os_member.project_id, self.os_member.user_id),
                             (group["policies"], group["project_id"], group["user_id"]))


class ServerGroupsV264Test(base.BaseComputeTest):
    """2.64: ``policy`` and ``rules`` instead of ``policies`` and ``metadata``."""

    required_features = ("server_groups",)
    microversion = "2.64"
    roles = ("member",)

    @decorators.idempotent_id('4375c642-f505-41df-99ea-532da0168c64')
    def test_policy_and_rules(self):
        group = _helpers.create_group(self, self.os_member, "anti-affinity",
                                      rules={"max_server_per_host": "2"})
        self.assertEqual(("anti-affinity", {"max_server_per_host": 2}),
                         (group["policy"], group["rules"]))
        self.assertNotIn("policies", group)
        self.assertNotIn("metadata", group)
        plain = _helpers.create_group(self, self.os_member, "soft-affinity")
        self.assertEqual(("soft-affinity", {}), (plain["policy"], plain["rules"]))

    @decorators.idempotent_id('7f52d5bf-cc33-44c0-85ea-15392c78e2bb')
    def test_group_made_at_264_shows_policies_below(self):
        group = _helpers.create_group(self, self.os_member, "anti-affinity",
                                      rules={"max_server_per_host": 3})
        self.use_microversion("2.63")
        shown = self.os_member.server_groups_client.show_server_group(group["id"])
        self.assertEqual((["anti-affinity"], {}),
                         (shown["server_group"]["policies"], shown["server_group"]["metadata"]))


class ServerGroupsV271Test(base.BaseComputeTest):
    """2.71: a shown server lists its server groups."""

    required_features = ("server_groups",)
    microversion = "2.71"
    roles = ("member",)

    @decorators.idempotent_id('678d302c-276d-446f-9a4a-25393ca7f564')
    def test_server_show_lists_its_group(self):
        group = _helpers.create_group(self, self.os_member, "soft-anti-affinity")
        member = self.create_server_for_test(**_helpers.hint(group))
        loner = self.create_server_for_test()
        client = self.os_member.servers_client
        self.assertEqual([group["id"]], client.show_server(member["id"])["server"]
                         ["server_groups"])
        self.assertEqual([], client.show_server(loner["id"])["server"]["server_groups"])
        self.os_member.server_groups_client.delete_server_group(group["id"])
        self.assertEqual([], client.show_server(member["id"])["server"]["server_groups"])
