"""Scenarios: servers booted with two security groups show both; and the rules reach the
driver of each server's cell at spawn and with every later change (what cells v1 lacked),
seen through cellgate's admin driver view (flag ``driver_view``: real Nova has none)."""

from __future__ import annotations

from cellgate.lib import cells, decorators
from cellgate.tests import base
from cellgate.tests.api.security_groups import _helpers
from cellgate.tests.api.servers._helpers import boot_all, enabled_computes


def _rule_ids(view: dict) -> set[str]:
    return {r["id"] for r in (view.get("security_rules") or {}).get("rules") or []}


class BootWithTwoGroupsTest(base.BaseComputeTest):
    """A member boots servers (one per cell, as the scheduler spreads them) with two groups."""

    required_features = ("security_groups",)
    roles = ("member",)

    @decorators.idempotent_id('de73226e-e848-4a1d-a3c2-c85c99b10bd1')
    def test_servers_show_both_groups(self):
        first = _helpers.create_group(self, self.os_member)
        second = _helpers.create_group(self, self.os_member)
        count = max(self.config.cells.count, 1)
        body = {"security_groups": [{"name": first["name"]}, {"name": second["name"]}]}
        servers = boot_all(self, self.os_member, [body] * count)
        expected = sorted([first["name"], second["name"]])
        for server in servers:
            self.assertEqual(expected, _helpers.group_names(server))
            listed = self.os_member.servers_client.list_security_groups_by_server(
                server["id"])["security_groups"]
            self.assertEqual(sorted([first["id"], second["id"]]),
                             sorted(g["id"] for g in listed))
        detail = self.os_member.servers_client.list_servers(detail=True)["servers"]
        by_id = {s["id"]: s for s in detail}
        self.assertEqual([expected] * count,
                         [_helpers.group_names(by_id[s["id"]]) for s in servers])


class RulesReachTheDriverTest(base.BaseComputeTest):
    """The admin boots with its group on every compute host (so in every cell), then changes
    rules and groups while the servers run; each host's driver ends up holding exactly the
    effective rules."""

    required_features = ("security_groups", "driver_view", "services")
    roles = ("admin",)

    def _wait(self, server_id: str, predicate) -> dict:
        return cells.wait_for_driver_view(self.os_admin, server_id, predicate,
                                          self.build_timeout, self.build_interval)

    @decorators.idempotent_id('24596dde-0f25-43c0-a8d0-afa62f763711')
    def test_rules_at_spawn_and_every_change_reach_each_cell(self):
        group = _helpers.create_group(self, self.os_admin)
        at_boot = _helpers.create_rule(self, self.os_admin, group["id"], ip_protocol="tcp",
                                       from_port=22, to_port=22, cidr="10.0.0.0/8")
        bodies = [{"security_groups": [{"name": group["name"]}],
                   "availability_zone": f"{service['zone']}:{service['host']}"}
                  for service in enabled_computes(self.os_admin)]
        servers = boot_all(self, self.os_admin, bodies)
        for server in servers:  # at spawn: the rule travelled down with the build
            view = self._wait(server["id"], lambda v: at_boot["id"] in _rule_ids(v))
            self.assertEqual(server["OS-EXT-SRV-ATTR:host"], view["host"])

        added = _helpers.create_rule(self, self.os_admin, group["id"], ip_protocol="udp",
                                     from_port=53, to_port=53)
        for server in servers:
            view = self._wait(server["id"], lambda v: added["id"] in _rule_ids(v))
            held = {r["id"]: r for r in view["security_rules"]["rules"]}[added["id"]]
            self.assertEqual(("ingress", "udp", 53, 53),
                             (held["direction"], held["protocol"], held["port_range_min"],
                              held["port_range_max"]))

        self.os_admin.security_group_rules_client.delete_security_group_rule(at_boot["id"])
        for server in servers:
            self._wait(server["id"], lambda v: at_boot["id"] not in _rule_ids(v))

        client = self.os_admin.servers_client
        client.remove_security_group(servers[0]["id"], name=group["name"])
        self._wait(servers[0]["id"], lambda v: added["id"] not in _rule_ids(v))
        client.add_security_group(servers[0]["id"], name=group["name"])
        self._wait(servers[0]["id"], lambda v: added["id"] in _rule_ids(v))

    @decorators.idempotent_id('92f159a5-923e-4fe0-b400-effc8ab85804')
    def test_driver_view_is_admin_only_and_404_for_unknown(self):
        server = self.create_server_for_test(self.os_admin)
        status, body = cells.driver_view(self.os_admin, server["id"])
        self.assertEqual(200, status)
        self.assertEqual((server["id"], server["OS-EXT-SRV-ATTR:host"]),
                         (body["server"]["id"], body["server"]["host"]))
        default_rules = {r["id"] for r in _helpers.default_group(self.os_admin)["rules"]}
        self.assertLessEqual(default_rules, _rule_ids(body["server"]))
        status, _ = cells.driver_view(self.os_admin, "9a1d3b53-8a9b-4a55-9a4e-9f0a7b2b1c11")
        self.assertEqual(404, status)


class DriverViewPolicyTest(base.BaseComputeTest):
    """Members may not read the driver view."""

    required_features = ("security_groups", "driver_view")
    roles = ("member",)

    @decorators.idempotent_id('cfcdd9d6-9bf9-4741-8fc4-7bf8a5a46785')
    def test_member_gets_403(self):
        server = self.create_server_for_test(self.os_member)
        status, _ = cells.driver_view(self.os_member, server["id"])
        self.assertEqual(403, status)
