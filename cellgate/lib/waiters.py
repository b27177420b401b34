"""Waiters that poll fast: 2 ms first, doubling up to 100 ms, with clear failure messages."""

from __future__ import annotations

import time
from collections.abc import Callable

from tempest.lib import exceptions as lib_exc

from cellgate.lib.exceptions import BuildErrorException, DeleteErrorException, TimeoutException

MAX_INTERVAL = 0.1


def backoff_intervals(interval: float = 0.002, maximum: float = MAX_INTERVAL):
    """Yield sleep times: `interval`, doubling each time, capped at `maximum`."""
    current = max(interval, 0.0)
    while True:
        yield min(current, maximum)
        current = max(current * 2, 0.001)


def _describe(server: dict) -> str:
    return (f"status={server.get('status')} "
            f"task_state={server.get('OS-EXT-STS:task_state', 'n/a')} "
            f"vm_state={server.get('OS-EXT-STS:vm_state', 'n/a')}")


def _fault_text(fault: dict | None) -> str:
    if not fault:
        return "no fault recorded"
    return f"fault {fault.get('code')}: {fault.get('message')}"


def wait_for_server_status(servers_client, server_id: str, status: str, timeout: float,
                           interval: float = 0.002, *, ready_wait: bool = True,
                           clock: Callable[[], float] = time.monotonic,
                           sleep: Callable[[float], None] = time.sleep) -> dict:
    """Poll `show_server` until the server has `status`; return the server body.

    With `ready_wait` a server that reached `status` with a task_state still set keeps being
    polled until the task_state clears (as tempest does). Raises `BuildErrorException` (with the
    server's fault) when the server goes to ERROR instead, and `TimeoutException` naming the
    wanted status, the last seen state and the elapsed time.
    """
    start = clock()
    intervals = backoff_intervals(interval)
    server: dict = {}
    while True:
        server = servers_client.show_server(server_id)["server"]
        current = server.get("status")
        task_state = server.get("OS-EXT-STS:task_state")
        if current == status and (not ready_wait or task_state is None):
            return server
        if current == "ERROR" and status != "ERROR":
            raise BuildErrorException(
                f"server {server_id} went to ERROR while waiting for {status}: "
                f"{_fault_text(server.get('fault'))}",
                server_id=server_id, fault=server.get("fault"))
        elapsed = clock() - start
        if elapsed >= timeout:
            raise TimeoutException(
                f"server {server_id} did not reach status {status} within {timeout:g} s "
                f"(waited {elapsed:.3f} s; last seen {_describe(server)})")
        sleep(next(intervals))


def wait_for_server_termination(servers_client, server_id: str, timeout: float,
                                interval: float = 0.002, *, ignore_error: bool = False,
                                clock: Callable[[], float] = time.monotonic,
                                sleep: Callable[[float], None] = time.sleep) -> None:
    """Poll `show_server` until it answers 404; raise on ERROR (unless ignored) or timeout."""
    start = clock()
    intervals = backoff_intervals(interval)
    while True:
        try:
            server = servers_client.show_server(server_id)["server"]
        except lib_exc.NotFound:
            return
        if server.get("status") == "ERROR" and not ignore_error:
            raise DeleteErrorException(
                f"server {server_id} went to ERROR while being deleted: "
                f"{_fault_text(server.get('fault'))}", server_id=server_id)
        elapsed = clock() - start
        if elapsed >= timeout:
            raise TimeoutException(
                f"server {server_id} was not deleted within {timeout:g} s "
                f"(waited {elapsed:.3f} s; last seen {_describe(server)})")
        sleep(next(intervals))


def wait_for_action_event(servers_client, server_id: str, request_id: str, event: str,
                          timeout: float, interval: float = 0.002, *, settled: bool = False,
                          clock: Callable[[], float] = time.monotonic,
                          sleep: Callable[[float], None] = time.sleep) -> dict:
    """Poll `show_instance_action` until `event` of the action has finished; return the event.

    Nova records an event when the compute host starts the work and finishes it (result and
    finish_time set) when the work returns, so a finished event proves the cloud did the work,
    not only that it answered 202. A missing action (404) is polled too: the record may not be
    visible yet. With `settled` (the caller already saw the server leave the action's task
    state, which Nova does only after the event started) an event not even started is missing,
    not late: fail at once. Raises `TimeoutException` naming the events seen so far.
    """
    start = clock()
    intervals = backoff_intervals(interval)
    seen: list = []
    while True:
        try:
            action = servers_client.show_instance_action(server_id, request_id)["instanceAction"]
            seen = action.get("events") or []
        except lib_exc.NotFound:
            seen = []
        named = [candidate for candidate in seen if candidate.get("event") == event]
        for candidate in named:
            if candidate.get("finish_time"):
                return candidate
        elapsed = clock() - start
        if elapsed >= timeout or (settled and not named):
            raise TimeoutException(
                f"action {request_id} of server {server_id} recorded no finished {event} event "
                f"within {timeout:g} s (waited {elapsed:.3f} s; events seen "
                f"{[(e.get('event'), e.get('result')) for e in seen]})")
        sleep(next(intervals))


def wait_until(check: Callable[[], object], timeout: float, what: str,
               interval: float = 0.002, *, clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], None] = time.sleep) -> object:
    """Poll `check` (backing off) until it returns something true, and return that; raises
    `TimeoutException` saying `what` was awaited."""
    start = clock()
    intervals = backoff_intervals(interval)
    while True:
        value = check()
        if value:
            return value
        elapsed = clock() - start
        if elapsed >= timeout:
            raise TimeoutException(f"timed out after {elapsed:.3f} s waiting for {what}")
        sleep(next(intervals))
