"""os-instance-actions: the record of what was done to a server, by which request."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc
from tempest.lib.common.utils import data_utils

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


def _stop_and_start(cls) -> dict[str, str | None]:
    """Stop, then start the class's server, waiting for each; the request id of each."""
    sid = cls.server["id"]
    request_ids = {}
    for action, call, status in (("stop", cls.client.stop_server, "SHUTOFF"),
                                 ("start", cls.client.start_server, "ACTIVE")):
        request_ids[action] = call(sid).response.get("x-openstack-request-id")
        cls.wait_for_server_status(sid, status)
    return request_ids


class InstanceActionsTest(base.BaseComputeTest):
    """One server, stopped, started and rebooted during class set-up; events at 2.51."""

    required_features = ("instance_actions", "stop_start", "reboot")
    microversion = "2.51"
    roles = ("member", "alt")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client
        cls.server = cls.create_test_server()
        sid = cls.server["id"]
        cls.request_ids = _stop_and_start(cls)
        resp = cls.client.reboot_server(sid, type="HARD")
        cls.request_ids["reboot"] = resp.response.get("x-openstack-request-id")
        cls.wait_for_server_status(sid, "ACTIVE")

    def _actions(self):
        return self.client.list_instance_actions(self.server["id"])["instanceActions"]

    @decorators.idempotent_id('e5967d3f-d561-49c9-a649-56a10fdff733')
    def test_list_instance_actions(self):
        actions = self._actions()
        self.assertEqual(["create", "reboot", "start", "stop"],
                         sorted(a["action"] for a in actions))
        for action in actions:
            self.assertEqual(self.server["id"], action["instance_uuid"])
            self.assertTrue(action["request_id"].startswith("req-"), action)

    @decorators.idempotent_id('510c779f-3671-4ecf-96e5-f8f7e17bf2a1')
    def test_actions_carry_the_request_ids(self):
        by_action = {a["action"]: a["request_id"] for a in self._actions()}
        for name, request_id in self.request_ids.items():
            if request_id:  # the action response names its request (Nova always does)
                self.assertEqual(request_id, by_action[name], name)
        self.assertEqual(4, len(set(by_action.values())), "request ids must be distinct")

    @decorators.idempotent_id('d7468c23-1c1e-4c46-8921-db1f1b4b6428')
    def test_actions_newest_first(self):
        actions = self._actions()
        times = [a["start_time"] for a in actions]
        self.assertEqual(sorted(times, reverse=True), times)
        self.assertEqual("create", actions[-1]["action"])

    @decorators.idempotent_id('c807954b-692c-48c8-bc6d-e4c3c9190c5a')
    def test_show_instance_action_with_events(self):
        for listed in self._actions():
            name = listed["action"]
            # the compute host records its event when it finishes; wait for it
            _helpers.wait_for_event(self.client, self.server["id"], listed["request_id"], name)
            shown = self.client.show_instance_action(self.server["id"],
                                                     listed["request_id"])["instanceAction"]
            self.assertEqual(name, shown["action"])
            self.assertEqual(listed["request_id"], shown["request_id"])
            self.assertEqual(self.server["id"], shown["instance_uuid"])
            self.assertEqual([(_helpers.ACTION_EVENTS[name], "Success")],
                             [(e["event"], e["result"]) for e in shown["events"]], name)
            for event in shown["events"]:
                self.assertGreaterEqual(event["finish_time"], event["start_time"], event)
                self.assertGreaterEqual(event["start_time"], shown["start_time"], event)
                self.assertNotIn("traceback", event)  # only admins see tracebacks

    @decorators.idempotent_id('3f430ad5-ddba-4253-9992-0cad55128f0c')
    def test_show_unknown_request_id_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.show_instance_action,
                          self.server["id"], "req-" + data_utils.rand_uuid())

    @decorators.idempotent_id('b0237eb7-804d-4d79-b825-f739f45b7ba6')
    def test_actions_of_unknown_server_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.list_instance_actions,
                          data_utils.rand_uuid())

    @decorators.idempotent_id('8f232044-0b1e-4816-bac4-d6d916a936ec')
    def test_actions_of_another_projects_server_is_404(self):
        alt = self.os_alt.servers_client
        self.assertRaises(lib_exc.NotFound, alt.list_instance_actions, self.server["id"])
        request_id = self._actions()[0]["request_id"]
        self.assertRaises(lib_exc.NotFound, alt.show_instance_action, self.server["id"],
                          request_id)


class InstanceActionsPagingTest(base.BaseComputeTest):
    """2.58: the action list pages by limit/marker and filters by changes-since."""

    required_features = ("instance_actions", "stop_start")
    microversion = "2.58"
    roles = ("member",)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client
        cls.server = cls.create_test_server()
        _stop_and_start(cls)

    def _list(self, **params):
        return self.client.list_instance_actions(self.server["id"], **params)

    @decorators.idempotent_id('4a74d54f-f903-4118-ab88-9ab8c6b83292')
    def test_actions_carry_updated_at(self):
        actions = self._list()["instanceActions"]
        self.assertEqual(["start", "stop", "create"], [a["action"] for a in actions])
        for action in actions:
            self.assertGreaterEqual(action["updated_at"], action["start_time"])

    @decorators.idempotent_id('0a205e5c-4637-4f87-91dd-b36171db55bf')
    def test_limit_and_marker_walk_the_list(self):
        everything = [a["request_id"] for a in self._list()["instanceActions"]]
        first = self._list(limit=2)
        self.assertEqual(everything[:2], [a["request_id"] for a in first["instanceActions"]])
        next_links = [link for link in first.get("links", []) if link["rel"] == "next"]
        self.assertEqual(1, len(next_links), first)
        self.assertIn(f"marker={everything[1]}", next_links[0]["href"])
        rest = self._list(limit=2, marker=everything[1])
        self.assertEqual(everything[2:], [a["request_id"] for a in rest["instanceActions"]])
        self.assertNotIn("links", rest)  # a short page is the last one

    @decorators.idempotent_id('cb2d8a1b-0f54-4e9a-bbb9-243f6d174ef7')
    def test_changes_since_filters_by_update_time(self):
        actions = self._list()["instanceActions"]
        newest = max(a["updated_at"] for a in actions)
        recent = self._list(**{"changes-since": newest})["instanceActions"]
        self.assertEqual([a["request_id"] for a in actions if a["updated_at"] >= newest],
                         [a["request_id"] for a in recent])
        self.assertNotEqual([], recent)
        self.assertEqual([], self._list(**{"changes-since": "2999-01-01T00:00:00Z"})[
            "instanceActions"])

    @decorators.idempotent_id('721e1da5-124a-4eae-86d7-4bdaf9f15058')
    def test_unknown_marker_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self._list,
                          marker="req-" + data_utils.rand_uuid())

    @decorators.idempotent_id('90ea28e4-ed6d-4ec5-8084-31d7515ac452')
    def test_bad_changes_since_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self._list, **{"changes-since": "yesterday"})

    @decorators.idempotent_id('a5515fec-5f4b-4c4b-90e7-caf3b4db68a5')
    def test_unknown_query_parameter_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self._list, cellgate_no_such_filter="1")
