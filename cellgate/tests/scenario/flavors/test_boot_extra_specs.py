"""Scenario: boot from flavors with extra_specs; the specs travel with the server, and specs
no host can satisfy end in ERROR with a fault saying why."""

from __future__ import annotations

from cellgate.lib import decorators, waiters
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers

SHARED_SPECS = {"hw:cpu_policy": "shared", "hw:mem_page_size": "small"}
#: A spec Nova's scheduler can never satisfy: a custom trait no resource provider has (an
#: unknown `hw:` key would not do: Nova ignores those below microversion 2.86).
UNOBTAINABLE_KEY = "trait:CUSTOM_CELLGATE_UNOBTAINABLE"
UNOBTAINABLE = {UNOBTAINABLE_KEY: "required"}

#: A `[compute-feature-enabled]` flag saying whether compute hosts offer dedicated (pinned)
#: CPUs: true, a `hw:cpu_policy=dedicated` flavor boots; false, it must end in ERROR. The test
#: needs the flag set either way, since "unset" cannot tell the two apart.
CPU_PINNING_FLAG = "cpu_pinning"


def _says_why(fault: dict | None, key: str) -> bool:
    """True when a fault message names the spec or says no host was valid (Nova's wording)."""
    message = ((fault or {}).get("message") or "").lower()
    return key.lower() in message or "valid host" in message


class BootWithExtraSpecsTest(base.BaseComputeTest):
    """A member boots from an admin-made flavor carrying extra_specs."""

    required_features = ("extra_specs",)
    microversion = "2.47"
    roles = ("admin", "member")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.flavor = cls.create_test_flavor()
        cls.os_admin.flavors_client.set_flavor_extra_spec(cls.flavor["id"], **SHARED_SPECS)
        cls.client = cls.os_member.servers_client
        cls.server = cls.create_test_server(flavorRef=cls.flavor["id"])

    def _flavor_with(self, specs):
        flavor = self.create_flavor_for_test()
        self.os_admin.flavors_client.set_flavor_extra_spec(flavor["id"], **specs)
        return flavor

    def _boot_expecting_error(self, flavor):
        created = self.create_server_for_test(flavorRef=flavor["id"], wait_until=None)
        return self.wait_for_server_status(created["id"], "ERROR")

    @decorators.idempotent_id('d6228e32-079c-46b4-93d1-2548fd5499ee')
    def test_server_is_active_with_extra_specs(self):
        server = self.client.show_server(self.server["id"])["server"]
        self.assertEqual("ACTIVE", server["status"])
        self.assertEqual(self.flavor["name"], server["flavor"]["original_name"])
        self.assertEqual(SHARED_SPECS, server["flavor"]["extra_specs"])

    @decorators.idempotent_id('7971f86a-98f8-4d3c-abe7-f6eac9cf253c')
    def test_detail_listing_carries_extra_specs(self):
        listed = self.client.list_servers(detail=True, name=self.server["name"])["servers"]
        mine = _helpers.find_by_name(listed, self.server["name"])
        self.assertEqual(1, len(mine))
        self.assertEqual(SHARED_SPECS, mine[0]["flavor"]["extra_specs"])

    @decorators.idempotent_id('c3949515-ea30-4e52-ab0d-131d4fb653a2')
    def test_flavor_shows_extra_specs_to_member(self):
        self.use_microversion("2.61")
        flavor = self.os_member.flavors_client.show_flavor(self.flavor["id"])["flavor"]
        self.assertEqual(SHARED_SPECS, flavor["extra_specs"])

    @decorators.idempotent_id('6ee654be-2604-4f14-9c63-da7da2921ab2')
    def test_unobtainable_extra_spec_ends_in_error(self):
        flavor = self._flavor_with(UNOBTAINABLE)
        server = self._boot_expecting_error(flavor)
        self.assertEqual("ERROR", server["status"])
        fault = server.get("fault")
        self.assertIsNotNone(fault, "an ERROR server must carry a fault")
        self.assertTrue(_says_why(fault, UNOBTAINABLE_KEY), fault)
        self.assertEqual(UNOBTAINABLE, server["flavor"]["extra_specs"])
        self.assertEqual((_helpers.NOSTATE, "error", None),
                         _helpers.states(server)[1:], "an unbuilt server has no power state")
        if self.config.feature_enabled("instance_actions"):  # the scheduler said no, and why
            admin = self.os_admin.servers_client
            actions = admin.list_instance_actions(server["id"])["instanceActions"]
            self.assertEqual(["create"], [a["action"] for a in actions])
            timeout, interval = _helpers.timeouts(admin)
            event = waiters.wait_for_action_event(admin, server["id"], actions[0]["request_id"],
                                                  _helpers.SCHEDULE_FAILED_EVENT, timeout,
                                                  interval)
            self.assertEqual("Error", event["result"], event)
            shown = admin.show_instance_action(server["id"], actions[0]["request_id"])
            self.assertEqual("Error", shown["instanceAction"]["message"])

    @decorators.idempotent_id('2802ecdb-19f5-4f47-9179-dcfe71ca1d66')
    def test_error_server_can_be_deleted(self):
        flavor = self._flavor_with(UNOBTAINABLE)
        server = self._boot_expecting_error(flavor)
        self.client.delete_server(server["id"])
        _helpers.wait_for_termination(self.client, server["id"])
        listed = self.client.list_servers(name=server["name"])["servers"]
        self.assertEqual([], _helpers.find_by_name(listed, server["name"]))

    @decorators.idempotent_id('7e9d32ae-5456-440b-8da9-0da3e2c193aa')
    def test_dedicated_cpu_policy(self):
        if CPU_PINNING_FLAG not in self.config.features.flags:
            self.skipTest(f"[compute-feature-enabled] {CPU_PINNING_FLAG} is not set: set it to "
                          "true if compute hosts offer dedicated CPUs, else to false")
        flavor = self._flavor_with({"hw:cpu_policy": "dedicated"})
        if self.config.feature_enabled(CPU_PINNING_FLAG):
            server = self.create_server_for_test(flavorRef=flavor["id"])
            self.assertEqual({"hw:cpu_policy": "dedicated"}, server["flavor"]["extra_specs"])
            return
        server = self._boot_expecting_error(flavor)
        self.assertTrue(_says_why(server.get("fault"), "hw:cpu_policy"), server.get("fault"))
