"""A server's security groups: chosen at boot, listed by GET /servers/{id}/os-security-groups,
changed by addSecurityGroup/removeSecurityGroup (these stay after the proxy APIs go, 2.36)."""

from __future__ import annotations

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.security_groups import _helpers


class ServerSecurityGroupsTest(base.BaseComputeTest):
    """Servers booted at 2.1 without ``networks`` (they get a port on the project's network,
    and the port carries the groups)."""

    required_features = ("security_groups",)
    roles = ("member", "member_peer")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.group = _helpers.create_group(cls, cls.os_member, cleanup=cls.addClassCleanup)

    def _server_groups(self, server_id: str) -> list[dict]:
        return self.os_member.servers_client.list_security_groups_by_server(
            server_id)["security_groups"]

    def _names(self, server_id: str) -> list[str]:
        return _helpers.group_names(
            self.os_member.servers_client.show_server(server_id)["server"])

    @decorators.idempotent_id('2edcb3d9-63f8-4a40-a484-4941193d0585')
    def test_boot_without_groups_gets_default(self):
        server = self.create_server_for_test(self.os_member)
        self.assertEqual(["default"], _helpers.group_names(server))
        groups = self._server_groups(server["id"])
        self.assertEqual([_helpers.default_group(self.os_member)["id"]],
                         [g["id"] for g in groups])

    @decorators.idempotent_id('b661a075-5e34-4a9b-a6a6-d0144b7e2acc')
    def test_boot_with_a_group_by_name_and_one_by_id(self):
        other = _helpers.create_group(self, self.os_member)
        created = self.os_member.servers_client.create_server(
            name=_helpers.unique_name("server"), imageRef=self.image_ref,
            flavorRef=self.flavor_ref,
            security_groups=[{"name": self.group["name"]}, {"name": other["id"]}])["server"]
        self.addCleanup(self._delete_server, self.os_member.servers_client, created["id"])
        # the 202 echoes what was asked for; the server shows the groups' names
        self.assertEqual(sorted([self.group["name"], other["id"]]),
                         _helpers.group_names(created))
        server = self.wait_for_server_status(created["id"], "ACTIVE", self.os_member)
        self.assertEqual(sorted([self.group["name"], other["name"]]),
                         _helpers.group_names(server))
        self.assertEqual(sorted([self.group["id"], other["id"]]),
                         sorted(g["id"] for g in self._server_groups(server["id"])))

    @decorators.idempotent_id('53b6f799-fcab-457f-82d3-da590dcb7609')
    def test_server_groups_are_shown_whole_with_their_rules(self):
        rule = _helpers.create_rule(self, self.os_member, self.group["id"], ip_protocol="tcp",
                                    from_port=8080, to_port=8080)
        server = self.create_server_for_test(self.os_member,
                                             security_groups=[{"name": self.group["name"]}])
        (shown,) = self._server_groups(server["id"])
        self.assertEqual((self.group["id"], self.group["name"], [rule]),
                         (shown["id"], shown["name"], shown["rules"]))

    @decorators.idempotent_id('14529918-d323-41f7-9e15-453790ccf85d')
    def test_add_and_remove_a_group(self):
        server = self.create_server_for_test(self.os_member)
        client = self.os_member.servers_client
        client.add_security_group(server["id"], name=self.group["name"])
        self.assertEqual(sorted(["default", self.group["name"]]), self._names(server["id"]))
        client.add_security_group(server["id"], name=self.group["name"])  # already there
        self.assertEqual(sorted(["default", self.group["name"]]), self._names(server["id"]))
        client.remove_security_group(server["id"], name="default")
        self.assertEqual([self.group["name"]], self._names(server["id"]))
        self.assertEqual([self.group["id"]],
                         [g["id"] for g in self._server_groups(server["id"])])

    @decorators.idempotent_id('4aec820c-255c-4140-ac26-79578eb2d851')
    def test_renamed_group_shows_its_new_name_on_the_server(self):
        group = _helpers.create_group(self, self.os_member)
        server = self.create_server_for_test(self.os_member,
                                             security_groups=[{"name": group["name"]}])
        renamed = group["name"] + "-renamed"
        self.os_member.security_groups_client.update_security_group(
            group["id"], name=renamed, description="renamed")
        self.assertEqual([renamed], self._names(server["id"]))

    @decorators.idempotent_id('4f9e252c-7041-4ab2-b2bb-fa92a58e0ad9')
    def test_peer_in_the_project_adds_a_group(self):
        server = self.create_server_for_test(self.os_member)
        self.os_member_peer.servers_client.add_security_group(server["id"],
                                                              name=self.group["name"])
        self.assertIn(self.group["name"], self._names(server["id"]))

    @decorators.idempotent_id('23fb6587-3a18-40cf-a74e-6d90c4e9f5cc')
    def test_actions_and_server_groups_stay_at_2_37(self):
        self.use_microversion("2.37")
        server = self.create_server_for_test(self.os_member, networks="auto")
        client = self.os_member.servers_client
        client.add_security_group(server["id"], name=self.group["name"])
        self.assertEqual(sorted(["default", self.group["name"]]),
                         sorted(g["name"] for g in self._server_groups(server["id"])))
        client.remove_security_group(server["id"], name=self.group["name"])
        self.assertEqual(["default"], self._names(server["id"]))

    @decorators.idempotent_id('c89e5ba5-5c04-4f37-b31b-104f826b4811')
    def test_server_without_a_port_has_no_groups(self):
        self.use_microversion("2.37")
        server = self.create_server_for_test(self.os_member, networks="none",
                                             security_groups=[{"name": self.group["name"]}])
        self.assertNotIn("security_groups", server)
        self.assertEqual([], self._server_groups(server["id"]))
