"""Waiters: back-off schedule, ERROR and timeout messages (against a scripted servers client)."""

from __future__ import annotations

import testtools
from tempest.lib import exceptions as lib_exc

from cellgate.lib import exceptions, waiters


class ScriptedServersClient:
    """A servers client whose show_server answers from a list of states (last one repeats).

    A state is a dict of server fields, or an exception instance to raise.
    """

    def __init__(self, states):
        self.states = list(states)
        self.calls = 0

    def show_server(self, server_id):
        state = self.states[min(self.calls, len(self.states) - 1)]
        self.calls += 1
        if isinstance(state, Exception):
            raise state
        return {"server": {"id": server_id, **state}}


class FakeClock:
    """A clock that only moves when `sleep` is called; records every sleep."""

    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class BackoffTest(testtools.TestCase):

    def test_doubles_from_2ms_and_caps_at_100ms(self):
        intervals = waiters.backoff_intervals(0.002)
        got = [round(next(intervals), 6) for _ in range(9)]
        self.assertEqual([0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.1, 0.1, 0.1], got)

    def test_start_above_cap_is_capped(self):
        self.assertEqual(0.1, next(waiters.backoff_intervals(5)))


class WaitForStatusTest(testtools.TestCase):

    def _wait(self, client, status="ACTIVE", timeout=10.0, **kwargs):
        clock = FakeClock()
        result = waiters.wait_for_server_status(client, "srv-1", status, timeout,
                                                clock=clock, sleep=clock.sleep, **kwargs)
        return result, clock

    def test_returns_once_status_is_reached(self):
        client = ScriptedServersClient([{"status": "BUILD"}] * 3 + [{"status": "ACTIVE"}])
        server, clock = self._wait(client)
        self.assertEqual("ACTIVE", server["status"])
        self.assertEqual(4, client.calls)
        self.assertEqual([0.002, 0.004, 0.008], [round(s, 6) for s in clock.sleeps])

    def test_waits_for_task_state_to_clear(self):
        client = ScriptedServersClient([
            {"status": "ACTIVE", "OS-EXT-STS:task_state": "spawning"},
            {"status": "ACTIVE", "OS-EXT-STS:task_state": None}])
        server, _ = self._wait(client)
        self.assertEqual(2, client.calls)
        server, _ = self._wait(ScriptedServersClient([
            {"status": "ACTIVE", "OS-EXT-STS:task_state": "spawning"}]), ready_wait=False)
        self.assertEqual("ACTIVE", server["status"])

    def test_error_raises_with_the_fault(self):
        fault = {"code": 500, "message": "No valid host was found."}
        client = ScriptedServersClient([{"status": "BUILD"}, {"status": "ERROR", "fault": fault}])
        error = self.assertRaises(exceptions.BuildErrorException, self._wait, client)
        self.assertEqual("server srv-1 went to ERROR while waiting for ACTIVE: "
                         "fault 500: No valid host was found.", str(error))
        self.assertEqual(fault, error.fault)
        self.assertIsInstance(error, testtools.TestCase.failureException)

    def test_error_without_fault_says_so(self):
        client = ScriptedServersClient([{"status": "ERROR"}])
        error = self.assertRaises(exceptions.BuildErrorException, self._wait, client)
        self.assertIn("no fault recorded", str(error))

    def test_waiting_for_error_is_allowed(self):
        server, _ = self._wait(ScriptedServersClient([{"status": "ERROR"}]), status="ERROR")
        self.assertEqual("ERROR", server["status"])

    def test_timeout_names_status_last_state_and_elapsed_time(self):
        client = ScriptedServersClient([{"status": "BUILD",
                                         "OS-EXT-STS:task_state": "scheduling"}])
        error = self.assertRaises(exceptions.TimeoutException, self._wait, client, timeout=1.0)
        message = str(error)
        self.assertIn("server srv-1 did not reach status ACTIVE within 1 s", message)
        self.assertIn("last seen status=BUILD task_state=scheduling", message)
        self.assertRegex(message, r"waited 1\.0\d\d s")
        # 2+4+...+64 ms then 100 ms steps: about 17 polls in one second, not one
        self.assertGreater(client.calls, 10)


class WaitForTerminationTest(testtools.TestCase):

    def _wait(self, client, timeout=10.0, **kwargs):
        clock = FakeClock()
        waiters.wait_for_server_termination(client, "srv-1", timeout, clock=clock,
                                            sleep=clock.sleep, **kwargs)
        return clock

    def test_returns_on_404(self):
        client = ScriptedServersClient([{"status": "ACTIVE", "OS-EXT-STS:task_state": "deleting"},
                                        lib_exc.NotFound()])
        self._wait(client)
        self.assertEqual(2, client.calls)

    def test_error_while_deleting_raises(self):
        client = ScriptedServersClient([{"status": "ERROR", "fault": {"code": 500,
                                                                      "message": "boom"}}])
        error = self.assertRaises(exceptions.DeleteErrorException, self._wait, client)
        self.assertIn("server srv-1 went to ERROR while being deleted: fault 500: boom",
                      str(error))

    def test_error_can_be_ignored(self):
        client = ScriptedServersClient([{"status": "ERROR"}, lib_exc.NotFound()])
        self._wait(client, ignore_error=True)
        self.assertEqual(2, client.calls)

    def test_timeout(self):
        client = ScriptedServersClient([{"status": "ACTIVE"}])
        error = self.assertRaises(exceptions.TimeoutException, self._wait, client, timeout=0.5)
        self.assertIn("server srv-1 was not deleted within 0.5 s", str(error))


class ScriptedActionsClient:
    """show_instance_action answering from a list of event lists (last one repeats)."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = 0

    def show_instance_action(self, server_id, request_id):
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        if isinstance(answer, Exception):
            raise answer
        return {"instanceAction": {"request_id": request_id, "events": answer}}


class WaitForActionEventTest(testtools.TestCase):

    STARTED = {"event": "compute_stop_instance", "finish_time": None, "result": None}
    DONE = {"event": "compute_stop_instance", "finish_time": "t", "result": "Success"}

    def _wait(self, client, **kwargs):
        clock = FakeClock()
        return waiters.wait_for_action_event(client, "srv-1", "req-1", "compute_stop_instance",
                                             5.0, clock=clock, sleep=clock.sleep, **kwargs)

    def test_waits_for_the_event_to_finish(self):
        client = ScriptedActionsClient([lib_exc.NotFound(), [], [self.STARTED], [self.DONE]])
        self.assertEqual(self.DONE, self._wait(client))
        self.assertEqual(4, client.calls)

    def test_times_out_naming_what_it_saw(self):
        client = ScriptedActionsClient([[{"event": "other", "result": "Success"}]])
        error = self.assertRaises(exceptions.TimeoutException, self._wait, client)
        self.assertIn("compute_stop_instance", str(error))
        self.assertIn("('other', 'Success')", str(error))

    def test_settled_fails_at_once_without_the_event(self):
        client = ScriptedActionsClient([[]])
        self.assertRaises(exceptions.TimeoutException, self._wait, client, settled=True)
        self.assertEqual(1, client.calls)

    def test_settled_still_waits_for_a_started_event(self):
        client = ScriptedActionsClient([[self.STARTED], [self.DONE]])
        self.assertEqual(self.DONE, self._wait(client, settled=True))
