"""Security groups: what Nova (with Neutron) refuses, and with which status: another
project's group is 404, bad ids and bodies 400, ``default`` is protected, duplicates and
groups in use are refused, the proxy APIs are gone at 2.36."""

from __future__ import annotations

import json

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.security_groups import _helpers

UNKNOWN = "9a1d3b53-8a9b-4a55-9a4e-9f0a7b2b1c11"


class SecurityGroupsNegativeTest(base.BaseComputeTest):
    """Groups: ids, bodies, other projects, the default group, groups in use."""

    required_features = ("security_groups",)
    roles = ("member", "alt", "admin")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.group = _helpers.create_group(cls, cls.os_member, cleanup=cls.addClassCleanup)

    @property
    def client(self):
        return self.os_member.security_groups_client

    @decorators.idempotent_id('04c9f688-48ca-4e37-809a-ef86749d0338')
    def test_another_projects_group_is_404(self):
        alt = self.os_alt.security_groups_client
        self.assertRaises(lib_exc.NotFound, alt.show_security_group, self.group["id"])
        self.assertRaises(lib_exc.NotFound, alt.update_security_group, self.group["id"],
                          name="stolen", description="x")
        self.assertRaises(lib_exc.NotFound, alt.delete_security_group, self.group["id"])
        listed = alt.list_security_groups()["security_groups"]
        self.assertNotIn(self.group["id"], [g["id"] for g in listed])
        shown = self.client.show_security_group(self.group["id"])["security_group"]
        self.assertEqual(self.group["name"], shown["name"])

    @decorators.idempotent_id('49451564-bc93-4f4c-afa3-2e5fa277e914')
    def test_unknown_group_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.show_security_group, UNKNOWN)
        self.assertRaises(lib_exc.NotFound, self.client.update_security_group, UNKNOWN,
                          name="x", description="y")
        self.assertRaises(lib_exc.NotFound, self.client.delete_security_group, UNKNOWN)

    @decorators.idempotent_id('e93c1f3a-bdf2-4a7e-96bc-33303b318a53')
    def test_group_id_not_a_uuid_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.show_security_group, "not-a-uuid")
        self.assertRaises(lib_exc.BadRequest, self.client.delete_security_group, "not-a-uuid")

    @decorators.idempotent_id('5f68ce24-4490-4feb-a687-eebcfd4c3ebc')
    def test_bad_group_bodies_are_400(self):
        for body in ({"name": "x" * 256, "description": "d"},
                     {"name": "nodescription"},
                     {"name": 5, "description": "d"},
                     {"name": "d", "description": "x" * 256}):
            self.assertRaises(lib_exc.BadRequest, self.client.create_security_group, **body)
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.post, "os-security-groups",
                          json.dumps({"group": {"name": "a", "description": "b"}}))
        self.assertRaises(lib_exc.BadRequest, self.client.update_security_group,
                          self.group["id"], name="only-a-name")

    @decorators.idempotent_id('3dc15efc-13f0-4cd0-af15-b212889f20f4')
    def test_creating_a_group_named_default_is_403(self):
        self.assertRaises(lib_exc.Forbidden, self.client.create_security_group,
                          name="default", description="a second default")
        names = [g["name"] for g in self.client.list_security_groups()["security_groups"]]
        self.assertEqual(1, names.count("default"))

    @decorators.idempotent_id('81f6da3f-bc5a-446c-9bf4-2faaca59d2cc')
    def test_member_cannot_delete_the_default_group(self):
        default = _helpers.default_group(self.os_alt)
        self.assertRaises(lib_exc.BadRequest,
                          self.os_alt.security_groups_client.delete_security_group,
                          default["id"])
        self.assertEqual(default["id"], _helpers.default_group(self.os_alt)["id"])

    @decorators.idempotent_id('d9819a4a-7894-4e2a-a071-94e9ba5072c3')
    def test_group_in_use_is_400_on_delete(self):
        group = _helpers.create_group(self, self.os_member)
        server = self.create_server_for_test(self.os_member,
                                             security_groups=[{"name": group["name"]}])
        self.assertRaises(lib_exc.BadRequest, self.client.delete_security_group, group["id"])
        self.assertEqual(group["id"],
                         self.client.show_security_group(group["id"])["security_group"]["id"])
        self.os_member.servers_client.remove_security_group(server["id"], name=group["name"])
        self.client.delete_security_group(group["id"])
        self.assertRaises(lib_exc.NotFound, self.client.show_security_group, group["id"])


class SecurityGroupRulesNegativeTest(base.BaseComputeTest):
    """Rules: Nova's checks of protocol, ports, CIDR and source group, duplicates."""

    required_features = ("security_groups",)
    roles = ("member", "alt")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.group = _helpers.create_group(cls, cls.os_member, cleanup=cls.addClassCleanup)

    def _refused(self, error, **body):
        body.setdefault("parent_group_id", self.group["id"])
        self.assertRaises(error, self.os_member.security_group_rules_client
                          .create_security_group_rule, **body)

    def _rule_count(self) -> int:
        client = self.os_member.security_groups_client
        return len(client.show_security_group(self.group["id"])["security_group"]["rules"])

    @decorators.idempotent_id('65c34e38-c2bf-4a65-ba38-f31c6ade3857')
    def test_bad_port_ranges_are_400(self):
        before = self._rule_count()
        for low, high in ((30, 20), (0, 20), (1, 65536), ("a", 2)):
            self._refused(lib_exc.BadRequest, ip_protocol="tcp", from_port=low, to_port=high)
        self._refused(lib_exc.BadRequest, ip_protocol="udp", from_port=-5, to_port=-5)
        self.assertEqual(before, self._rule_count())

    @decorators.idempotent_id('695ee40d-2d01-4864-971a-5ae8e53ba86f')
    def test_bad_icmp_type_or_code_is_400(self):
        for low, high in ((256, 0), (-2, 0), (0, 256), ("a", 0)):
            self._refused(lib_exc.BadRequest, ip_protocol="icmp", from_port=low, to_port=high)

    @decorators.idempotent_id('5ef5680d-3f8a-43d6-8c8c-31cb025bb343')
    def test_unknown_protocol_is_400(self):
        self._refused(lib_exc.BadRequest, ip_protocol="gre", from_port=1, to_port=2)

    @decorators.idempotent_id('c709eab4-8f2c-4aad-88e5-e1581300da7c')
    def test_cidr_rule_without_ports_is_400(self):
        self._refused(lib_exc.BadRequest, ip_protocol="tcp")
        self._refused(lib_exc.BadRequest, ip_protocol="tcp", from_port=22)
        self._refused(lib_exc.BadRequest)

    @decorators.idempotent_id('9bd830fe-adde-402a-99c8-816cb59f1925')
    def test_bad_cidr_is_400(self):
        for cidr in ("10.0.0.300/24", "not-a-network", "10.0.0.1/0"):
            self._refused(lib_exc.BadRequest, ip_protocol="tcp", from_port=1, to_port=2,
                          cidr=cidr)

    @decorators.idempotent_id('cb28de2c-b3d4-4eef-9afc-2b7258f92014')
    def test_bad_or_unknown_group_ids_are_400_or_404(self):
        self._refused(lib_exc.BadRequest, parent_group_id="bad", ip_protocol="tcp",
                      from_port=1, to_port=2)
        self._refused(lib_exc.BadRequest, ip_protocol="tcp", from_port=1, to_port=2,
                      group_id="bad")
        self._refused(lib_exc.NotFound, parent_group_id=UNKNOWN, ip_protocol="tcp",
                      from_port=1, to_port=2)
        self._refused(lib_exc.NotFound, ip_protocol="tcp", from_port=1, to_port=2,
                      group_id=UNKNOWN)
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.post, "os-security-group-rules",
                          json.dumps({"security_group_rule": {"ip_protocol": "tcp",
                                                              "from_port": 1, "to_port": 2}}))

    @decorators.idempotent_id('eba2301a-9209-466e-b440-96509ca4a0c4')
    def test_another_projects_group_is_404_for_rules(self):
        alt_rules = self.os_alt.security_group_rules_client
        self.assertRaises(lib_exc.NotFound, alt_rules.create_security_group_rule,
                          parent_group_id=self.group["id"], ip_protocol="tcp", from_port=7,
                          to_port=8)
        own = _helpers.create_group(self, self.os_alt)
        self.assertRaises(lib_exc.NotFound, alt_rules.create_security_group_rule,
                          parent_group_id=own["id"], ip_protocol="tcp", from_port=7,
                          to_port=8, group_id=self.group["id"])
        rule = _helpers.create_rule(self, self.os_member, self.group["id"],
                                    ip_protocol="tcp", from_port=9, to_port=9)
        self.assertRaises(lib_exc.NotFound, alt_rules.delete_security_group_rule, rule["id"])
        self.assertIn(rule["id"], [r["id"] for r in self.os_member.security_groups_client
                                   .show_security_group(self.group["id"])
                                   ["security_group"]["rules"]])

    @decorators.idempotent_id('f6a43636-d1df-44f6-b98c-c4cefb11df39')
    def test_unknown_or_bad_rule_id_on_delete(self):
        client = self.os_member.security_group_rules_client
        self.assertRaises(lib_exc.NotFound, client.delete_security_group_rule, UNKNOWN)
        self.assertRaises(lib_exc.BadRequest, client.delete_security_group_rule, "not-a-uuid")

    @decorators.idempotent_id('eac1acea-7320-4898-92b6-2203a69990a3')
    def test_duplicate_rule_is_400(self):
        _helpers.create_rule(self, self.os_member, self.group["id"], ip_protocol="tcp",
                             from_port=100, to_port=101, cidr="10.9.0.0/16")
        before = self._rule_count()
        self._refused(lib_exc.BadRequest, ip_protocol="tcp", from_port=100, to_port=101,
                      cidr="10.9.0.0/16")
        self.assertEqual(before, self._rule_count())

    @decorators.idempotent_id('a6a79ede-50ea-420c-8df2-59b670ed7a61')
    def test_duplicate_only_neutron_sees_is_403(self):
        # Nova's own check compares the protocol as typed and the source group rule's
        # CIDR; Neutron finds these duplicates and Nova answers its 409 as over quota
        _helpers.create_rule(self, self.os_member, self.group["id"], ip_protocol="tcp",
                             from_port=200, to_port=201)
        self._refused(lib_exc.Forbidden, ip_protocol="TCP", from_port=200, to_port=201)
        source = _helpers.create_group(self, self.os_member)
        _helpers.create_rule(self, self.os_member, self.group["id"], ip_protocol="udp",
                             group_id=source["id"])
        self._refused(lib_exc.Forbidden, ip_protocol="udp", group_id=source["id"])


class SecurityGroupsGoneTest(base.BaseComputeTest):
    """The proxy APIs answer 404 from 2.36 (the server actions stay)."""

    required_features = ("security_groups",)
    microversion = "2.36"
    roles = ("member",)

    @decorators.idempotent_id('59b4586a-ad87-4886-ae25-b35397fce7ab')
    def test_every_proxy_route_is_404_from_2_36(self):
        groups = self.os_member.security_groups_client
        rules = self.os_member.security_group_rules_client
        calls = [(groups.list_security_groups, ()),
                 (groups.show_security_group, (UNKNOWN,)),
                 (groups.delete_security_group, (UNKNOWN,)),
                 (rules.delete_security_group_rule, (UNKNOWN,))]
        for call, args in calls:
            self.assertRaises(lib_exc.NotFound, call, *args)
        self.assertRaises(lib_exc.NotFound, groups.create_security_group, name="gone",
                          description="at 2.36")
        self.assertRaises(lib_exc.NotFound, groups.update_security_group, UNKNOWN,
                          name="gone", description="at 2.36")
        self.assertRaises(lib_exc.NotFound, rules.create_security_group_rule,
                          parent_group_id=UNKNOWN, ip_protocol="tcp", from_port=1, to_port=2)


class ServerSecurityGroupsNegativeTest(base.BaseComputeTest):
    """Boots and server actions naming groups that are unknown, elsewhere or not there."""

    required_features = ("security_groups",)
    roles = ("member", "alt")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.server = cls.create_test_server(cls.os_member)

    @decorators.idempotent_id('06d7fd87-e854-4ba6-8c06-7b2f07592829')
    def test_boot_with_an_unknown_group_is_400(self):
        client = self.os_member.servers_client
        self.assertRaises(lib_exc.BadRequest, client.create_server,
                          name=_helpers.unique_name("server"), imageRef=self.image_ref,
                          flavorRef=self.flavor_ref,
                          security_groups=[{"name": _helpers.unique_name("nosuchgroup")}])
        self.assertRaises(lib_exc.BadRequest, client.create_server,
                          name=_helpers.unique_name("server"), imageRef=self.image_ref,
                          flavorRef=self.flavor_ref, security_groups=[{"name": ""}])

    @decorators.idempotent_id('5a946fb0-a6c3-4bbb-901b-973f08754c7a')
    def test_boot_with_another_projects_group_is_400(self):
        alt_group = _helpers.create_group(self, self.os_alt)
        self.assertRaises(lib_exc.BadRequest, self.os_member.servers_client.create_server,
                          name=_helpers.unique_name("server"), imageRef=self.image_ref,
                          flavorRef=self.flavor_ref,
                          security_groups=[{"name": alt_group["name"]}])

    @decorators.idempotent_id('240d7322-debe-4753-b5dd-306749e26500')
    def test_add_unknown_or_empty_group_name(self):
        client = self.os_member.servers_client
        self.assertRaises(lib_exc.NotFound, client.add_security_group, self.server["id"],
                          name=_helpers.unique_name("nosuchgroup"))
        self.assertRaises(lib_exc.BadRequest, client.add_security_group, self.server["id"],
                          name="")
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.post,
                          f"servers/{self.server['id']}/action",
                          json.dumps({"addSecurityGroup": {}}))

    @decorators.idempotent_id('e77627a8-28ce-4ace-9694-44da64bfbf83')
    def test_remove_a_group_the_server_does_not_have_is_404(self):
        group = _helpers.create_group(self, self.os_member)
        self.assertRaises(lib_exc.NotFound, self.os_member.servers_client
                          .remove_security_group, self.server["id"], name=group["name"])

    @decorators.idempotent_id('5830cdb7-969f-4c22-aaa2-9bdd511b991f')
    def test_another_projects_server_is_404(self):
        alt = self.os_alt.servers_client
        self.assertRaises(lib_exc.NotFound, alt.add_security_group, self.server["id"],
                          name="default")
        self.assertRaises(lib_exc.NotFound, alt.remove_security_group, self.server["id"],
                          name="default")
        self.assertRaises(lib_exc.NotFound, alt.list_security_groups_by_server,
                          self.server["id"])

    @decorators.idempotent_id('dde604eb-bfb0-4ab2-9fe8-933271cc6205')
    def test_add_to_a_server_without_a_port_is_404(self):
        self.use_microversion("2.37")
        server = self.create_server_for_test(self.os_member, networks="none")
        self.assertRaises(lib_exc.NotFound, self.os_member.servers_client.add_security_group,
                          server["id"], name="default")

    @decorators.idempotent_id('ab19e059-aac6-4cf4-9f4d-969f2e119930')
    def test_ambiguous_group_name_is_409(self):
        name = _helpers.unique_name("sg")
        _helpers.create_group(self, self.os_member, name=name)
        _helpers.create_group(self, self.os_member, name=name)
        self.assertRaises(lib_exc.Conflict, self.os_member.servers_client.add_security_group,
                          self.server["id"], name=name)
