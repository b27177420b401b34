"""Security groups and rules through Nova's proxy API (2.1): what each route answers and
keeps, as Nova with Neutron behind it answers."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.security_groups import _helpers


class SecurityGroupsTest(base.BaseComputeTest):
    """Groups of the member's project: default made on first use, create, show, list,
    update, delete; the admin's all_tenants listing."""

    required_features = ("security_groups",)
    roles = ("member", "member_peer", "admin")

    @decorators.idempotent_id('bf8c9b79-5161-4cc2-80d1-84810de2bc00')
    def test_project_has_a_default_group_with_rules_from_itself(self):
        default = _helpers.default_group(self.os_member)
        self.assertEqual(self.os_member.project_id, default["tenant_id"])
        # Neutron's default group lets its own members in (IPv4 and IPv6): Nova shows the
        # two ingress rules with the group as source, no protocol and no ports
        self.assertEqual(2, len(default["rules"]))
        for rule in default["rules"]:
            self.assertEqual(({"name": "default", "tenant_id": default["tenant_id"]}, {},
                              None, None, None),
                             (rule["group"], rule["ip_range"], rule["ip_protocol"],
                              rule["from_port"], rule["to_port"]))
        peer = _helpers.default_group(self.os_member_peer)
        self.assertEqual(default["id"], peer["id"])  # one per project, not per user

    @decorators.idempotent_id('03ce01ec-9572-4ade-bedf-016baea98e19')
    def test_create_show_list_update_delete(self):
        client = self.os_member.security_groups_client
        name = _helpers.unique_name("sg")
        group = _helpers.create_group(self, self.os_member, name=name, description="first")
        self.assertEqual((name, "first", self.os_member.project_id, []),
                         (group["name"], group["description"], group["tenant_id"],
                          group["rules"]))
        shown = client.show_security_group(group["id"])["security_group"]
        self.assertEqual(group, shown)
        listed = client.list_security_groups()["security_groups"]
        self.assertIn(group["id"], [g["id"] for g in listed])
        self.assertEqual(sorted((g["tenant_id"], g["name"]) for g in listed),
                         [(g["tenant_id"], g["name"]) for g in listed])
        updated = client.update_security_group(group["id"], name=name + "-2",
                                               description="second")["security_group"]
        self.assertEqual((name + "-2", "second"), (updated["name"], updated["description"]))
        shown = client.show_security_group(group["id"])["security_group"]
        self.assertEqual((name + "-2", "second"), (shown["name"], shown["description"]))
        client.delete_security_group(group["id"])
        self.assertRaises(lib_exc.NotFound, client.show_security_group, group["id"])

    @decorators.idempotent_id('30bb5278-3819-4029-88a8-d6bae975ee23')
    def test_names_need_not_be_unique_or_non_empty(self):
        name = _helpers.unique_name("sg")
        first = _helpers.create_group(self, self.os_member, name=name)
        second = _helpers.create_group(self, self.os_member, name=name)
        empty = _helpers.create_group(self, self.os_member, name="")
        self.assertNotEqual(first["id"], second["id"])
        self.assertEqual("", empty["name"])

    @decorators.idempotent_id('8001e648-127d-4e5b-b51b-7e2f4f9fef50')
    def test_peer_in_the_project_sees_and_changes_the_group(self):
        group = _helpers.create_group(self, self.os_member)
        peer = self.os_member_peer.security_groups_client
        self.assertEqual(group["id"], peer.show_security_group(group["id"])
                         ["security_group"]["id"])
        peer.update_security_group(group["id"], name=group["name"], description="by peer")
        shown = self.os_member.security_groups_client.show_security_group(group["id"])
        self.assertEqual("by peer", shown["security_group"]["description"])

    @decorators.idempotent_id('fea1050c-ba01-4bec-b795-39190235261c')
    def test_admin_lists_every_project_with_all_tenants(self):
        group = _helpers.create_group(self, self.os_member)
        admin = self.os_admin.security_groups_client
        own = admin.list_security_groups()["security_groups"]
        self.assertNotIn(group["id"], [g["id"] for g in own])
        every = admin.list_security_groups(all_tenants=1)["security_groups"]
        self.assertIn(group["id"], [g["id"] for g in every])
        shown = admin.show_security_group(group["id"])["security_group"]
        self.assertEqual(self.os_member.project_id, shown["tenant_id"])

    @decorators.idempotent_id('03bf7969-8dc9-444e-88a6-937f6efc3ef0')
    def test_list_limit_and_offset(self):
        for _ in range(2):
            _helpers.create_group(self, self.os_member)
        client = self.os_member.security_groups_client
        # other tests share the project: only this test's two groups and default are sure
        self.assertEqual(1, len(client.list_security_groups(limit=1)["security_groups"]))
        self.assertEqual(2, len(client.list_security_groups(limit=2)["security_groups"]))
        self.assertEqual([], client.list_security_groups(offset=100000)["security_groups"])


class SecurityGroupRulesTest(base.BaseComputeTest):
    """Ingress rules from a CIDR or a source group; Nova's defaults for missing ports."""

    required_features = ("security_groups",)
    roles = ("member",)

    def setUp(self):
        super().setUp()
        self.group = _helpers.create_group(self, self.os_member)

    def _shown_rules(self) -> list[dict]:
        client = self.os_member.security_groups_client
        return client.show_security_group(self.group["id"])["security_group"]["rules"]

    @decorators.idempotent_id('a560c720-9e7a-4fb0-b14f-b80fd6af82da')
    def test_cidr_rule_is_kept_and_shown_in_the_group(self):
        rule = _helpers.create_rule(self, self.os_member, self.group["id"], ip_protocol="tcp",
                                    from_port=22, to_port=22, cidr="10.0.0.0/24")
        self.assertEqual((self.group["id"], "tcp", 22, 22, {}, {"cidr": "10.0.0.0/24"}),
                         (rule["parent_group_id"], rule["ip_protocol"], rule["from_port"],
                          rule["to_port"], rule["group"], rule["ip_range"]))
        self.assertEqual([rule], self._shown_rules())

    @decorators.idempotent_id('44ee7c8d-15c8-40b5-95f2-89418c1731dd')
    def test_rule_without_cidr_is_from_anywhere(self):
        rule = _helpers.create_rule(self, self.os_member, self.group["id"], ip_protocol="udp",
                                    from_port=53, to_port=53)
        self.assertEqual({"cidr": "0.0.0.0/0"}, rule["ip_range"])

    @decorators.idempotent_id('13132d6e-7965-4176-ad06-8162667f02bd')
    def test_ipv6_cidr_and_icmp_every_type(self):
        v6 = _helpers.create_rule(self, self.os_member, self.group["id"], ip_protocol="tcp",
                                  from_port=443, to_port=443, cidr="2001:db8::/32")
        icmp = _helpers.create_rule(self, self.os_member, self.group["id"],
                                    ip_protocol="icmp", from_port=-1, to_port=-1)
        self.assertEqual({"cidr": "2001:db8::/32"}, v6["ip_range"])
        self.assertEqual(("icmp", -1, -1), (icmp["ip_protocol"], icmp["from_port"],
                                            icmp["to_port"]))
        self.assertEqual(sorted([v6["id"], icmp["id"]]),
                         sorted(r["id"] for r in self._shown_rules()))

    @decorators.idempotent_id('a1752eaa-1813-48f5-9412-f2b498efc408')
    def test_source_group_rule_opens_every_port_when_none_given(self):
        source = _helpers.create_group(self, self.os_member)
        tcp = _helpers.create_rule(self, self.os_member, self.group["id"], ip_protocol="tcp",
                                   group_id=source["id"])
        icmp = _helpers.create_rule(self, self.os_member, self.group["id"],
                                    ip_protocol="icmp", group_id=source["id"])
        anything = _helpers.create_rule(self, self.os_member, self.group["id"],
                                        group_id=source["id"])
        expected_group = {"name": source["name"], "tenant_id": self.os_member.project_id}
        self.assertEqual((1, 65535, expected_group, {}),
                         (tcp["from_port"], tcp["to_port"], tcp["group"], tcp["ip_range"]))
        self.assertEqual((-1, -1), (icmp["from_port"], icmp["to_port"]))
        self.assertEqual((None, None, None), (anything["ip_protocol"], anything["from_port"],
                                              anything["to_port"]))

    @decorators.idempotent_id('1e57156a-5841-4356-8af5-2a5536625ab1')
    def test_source_group_wins_over_a_cidr(self):
        source = _helpers.create_group(self, self.os_member)
        rule = _helpers.create_rule(self, self.os_member, self.group["id"], ip_protocol="tcp",
                                    from_port=1, to_port=2, cidr="10.1.0.0/16",
                                    group_id=source["id"])
        self.assertEqual(({"name": source["name"], "tenant_id": self.os_member.project_id},
                          {}), (rule["group"], rule["ip_range"]))

    @decorators.idempotent_id('b5a3b798-8913-4b8d-8954-77d79fc6787d')
    def test_delete_rule(self):
        rule = _helpers.create_rule(self, self.os_member, self.group["id"], ip_protocol="tcp",
                                    from_port=80, to_port=81)
        self.os_member.security_group_rules_client.delete_security_group_rule(rule["id"])
        self.assertEqual([], self._shown_rules())
        self.assertRaises(lib_exc.NotFound,
                          self.os_member.security_group_rules_client
                          .delete_security_group_rule, rule["id"])

    @decorators.idempotent_id('fb13c458-f0de-4027-807e-8100c2adb7d7')
    def test_deleting_a_source_group_removes_the_rules_naming_it(self):
        source = _helpers.create_group(self, self.os_member)
        _helpers.create_rule(self, self.os_member, self.group["id"], ip_protocol="tcp",
                             from_port=5, to_port=6, group_id=source["id"])
        self.os_member.security_groups_client.delete_security_group(source["id"])
        self.assertEqual([], self._shown_rules())
