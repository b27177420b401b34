"""Concurrent actions on one server: of racing requests exactly one is accepted.

Nova marks the task with ``instance.save(expected_task_state=[None])`` (a compare-and-swap in
its database), so of 8 concurrent ``os-stop`` one is accepted and records the one ``stop``
action. Real Nova 34 answers the losers 409 ("Cannot 'stop' instance ... while it is in
task_state powering-off") or, when a loser passed the state check before the winner wrote,
500 (servers.py does not map UnexpectedTaskStateError); so the refusals' codes are not
asserted here, only that none of them is accepted and that one stop happened.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base

SERVERS = 3
RACERS = 8


class ConcurrentStopTest(base.BaseComputeTest):
    """Bounded: 3 servers, 8 concurrent stops each."""

    required_features = ("stop_start", "instance_actions")

    def _stop(self, server_id: str) -> str:
        try:
            self.os_member.servers_client.stop_server(server_id)
        except (lib_exc.Conflict, lib_exc.ServerFault) as error:
            return f"refused {error.resp.status}"
        return "accepted"

    @decorators.idempotent_id('a174f223-a572-445b-b432-bd2716e53c4b')
    def test_concurrent_stops_accept_exactly_one(self):
        servers = [self.create_server_for_test(wait_until=None) for _ in range(SERVERS)]
        for server in servers:
            self.wait_for_server_status(server["id"], "ACTIVE")
        with ThreadPoolExecutor(RACERS) as pool:
            outcomes = {s["id"]: list(pool.map(self._stop, [s["id"]] * RACERS))
                        for s in servers}
        for server_id, results in outcomes.items():
            self.assertEqual(1, results.count("accepted"), results)
            self.assertEqual("SHUTOFF", self.wait_for_server_status(server_id,
                                                                    "SHUTOFF")["status"])
            actions = self.os_member.servers_client.list_instance_actions(
                server_id)["instanceActions"]
            self.assertEqual(1, [a["action"] for a in actions].count("stop"), actions)
