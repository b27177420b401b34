"""Server groups: bad bodies (400), unknown and other projects' groups (404), bad hints."""

from __future__ import annotations

import uuid

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.server_groups import _helpers


class ServerGroupsNegativeTest(base.BaseComputeTest):
    """At 2.1: one policy from the two hard ones, in a list."""

    required_features = ("server_groups",)
    roles = ("member", "alt")

    def _create(self, **body):
        return self.os_member.server_groups_client.create_server_group(**body)

    def _bad(self, **body):
        return str(self.assertRaises(lib_exc.BadRequest, self._create, **body))

    @decorators.idempotent_id('2871b527-0392-41e6-bd1c-edc0ac4dd7c1')
    def test_policies_must_be_one_known_hard_policy(self):
        self.assertIn("is too long", self._bad(name="g", policies=["affinity",
                                                                  "anti-affinity"]))
        self.assertIn("should be non-empty", self._bad(name="g", policies=[]))
        self.assertIn("is not one of", self._bad(name="g", policies=["soft-affinity"]))
        self.assertIn("is not one of", self._bad(name="g", policies=["bogus"]))
        self.assertIn("'policies' is a required property", self._bad(name="g"))

    @decorators.idempotent_id('bdbe2418-a18e-45b8-8d72-13119d360a35')
    def test_name_required_and_printable(self):
        self.assertIn("'name' is a required property", self._bad(policies=["affinity"]))
        self._bad(name="", policies=["affinity"])
        self._bad(name=" padded ", policies=["affinity"])
        self._bad(name="x" * 256, policies=["affinity"])

    @decorators.idempotent_id('38ed0655-583e-4b70-b031-677b9ad12e7a')
    def test_policy_and_rules_are_refused_below_264(self):
        self.assertIn("Additional properties are not allowed",
                      self._bad(name="g", policies=["affinity"], policy="affinity"))
        self._bad(name="g", policies=["anti-affinity"], rules={"max_server_per_host": 2})

    @decorators.idempotent_id('c7342fc8-01ee-42e4-9331-b7e1f83c34ea')
    def test_unknown_group_is_404(self):
        client = self.os_member.server_groups_client
        missing = str(uuid.uuid4())
        error = self.assertRaises(lib_exc.NotFound, client.show_server_group, missing)
        self.assertIn(f"Instance group {missing} could not be found.", str(error))
        self.assertRaises(lib_exc.NotFound, client.delete_server_group, missing)
        self.assertRaises(lib_exc.NotFound, client.show_server_group, "not-a-uuid")

    @decorators.idempotent_id('f87176c7-8e20-4c23-8ea5-9a4e34902def')
    def test_another_projects_group_is_404_and_not_bootable(self):
        theirs = _helpers.create_group(self, self.os_alt, "anti-affinity")
        client = self.os_member.server_groups_client
        self.assertRaises(lib_exc.NotFound, client.show_server_group, theirs["id"])
        self.assertRaises(lib_exc.NotFound, client.delete_server_group, theirs["id"])
        self.assertNotIn(theirs["id"], [g["id"] for g in
                                        client.list_server_groups()["server_groups"]])
        error = self.assertRaises(lib_exc.BadRequest, self.create_server_for_test,
                                  wait_until=None, **_helpers.hint(theirs))
        self.assertIn(f"Instance group {theirs['id']} could not be found.", str(error))
        # still there for its owner
        self.os_alt.server_groups_client.show_server_group(theirs["id"])

    @decorators.idempotent_id('2847c82c-14aa-4f53-810d-3c6f3a9b4f5d')
    def test_boot_into_unknown_group_is_400(self):
        missing = str(uuid.uuid4())
        error = self.assertRaises(lib_exc.BadRequest, self.create_server_for_test,
                                  wait_until=None, scheduler_hints={"group": missing})
        self.assertIn(f"Instance group {missing} could not be found.", str(error))
        self.assertRaises(lib_exc.BadRequest, self.create_server_for_test, wait_until=None,
                          scheduler_hints={"group": "not-a-uuid"})

    @decorators.idempotent_id('f19b23fc-e7bc-4d64-9b80-6e441f9c8c2c')
    def test_bad_paging_is_400(self):
        client = self.os_member.server_groups_client
        for params in ({"limit": -1}, {"limit": "abc"}, {"offset": -1}, {"offset": "x"}):
            error = self.assertRaises(lib_exc.BadRequest, client.list_server_groups, **params)
            self.assertIn("does not match", str(error))


class ServerGroupsV215NegativeTest(base.BaseComputeTest):
    """2.15 adds the soft policies, still one in a list."""

    required_features = ("server_groups",)
    microversion = "2.15"
    roles = ("member",)

    @decorators.idempotent_id('0b782803-d68b-49d2-bf60-b2f5cfcb4dc5')
    def test_soft_policies_one_at_a_time(self):
        client = self.os_member.server_groups_client
        self.assertRaises(lib_exc.BadRequest, client.create_server_group, name="g",
                          policies=["soft-affinity", "soft-anti-affinity"])
        self.assertRaises(lib_exc.BadRequest, client.create_server_group, name="g",
                          policy="soft-affinity")


class ServerGroupsV264NegativeTest(base.BaseComputeTest):
    """2.64: ``policy`` required, rules only for anti-affinity, max_server_per_host >= 1."""

    required_features = ("server_groups",)
    microversion = "2.64"
    roles = ("member",)

    def _bad(self, **body):
        client = self.os_member.server_groups_client
        return str(self.assertRaises(lib_exc.BadRequest, client.create_server_group, **body))

    @decorators.idempotent_id('bbc01b03-533e-431d-a4e8-25e0191e1dfd')
    def test_rules_only_with_anti_affinity(self):
        for policy in ("affinity", "soft-affinity", "soft-anti-affinity"):
            self.assertIn("Only anti-affinity policy supports rules.",
                          self._bad(name="g", policy=policy, rules={"max_server_per_host": 2}))

    @decorators.idempotent_id('1403ea2a-20b2-4a87-8aae-11c7113d49b7')
    def test_bad_rules_and_policy(self):
        self.assertIn("less than the minimum of 1",
                      self._bad(name="g", policy="anti-affinity",
                                rules={"max_server_per_host": 0}))
        self.assertIn("Additional properties are not allowed",
                      self._bad(name="g", policy="anti-affinity", rules={"foo": 1}))
        self.assertIn("'policy' is a required property",
                      self._bad(name="g", policies=["affinity"]))
        self.assertIn("is not one of", self._bad(name="g", policy="bogus"))
