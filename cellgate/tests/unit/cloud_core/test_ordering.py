"""Order guards for late or repeated messages, and a handler's casts travelling as one batch."""

from __future__ import annotations

import logging
import threading

import fixtures
import testtools

from cellgate.cloud.cells.ordering import ReportSequence, status_advances
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.messaging import Endpoint, InMemoryTransport
from cellgate.tests.unit.cloud_core.helpers import record_sends


class GuardsTest(testtools.TestCase):

    def test_an_older_host_report_never_overwrites_a_newer(self) -> None:
        store = ApiStore("sqlite://")
        self.addCleanup(store.dispose)
        seq = ReportSequence()
        old, new = seq.next(), seq.next()
        self.assertLess(old, new)
        store.capacity.save_report("cell1", [{"host": "h1", "running_vms": 2,
                                              "report_seq": new}], [])
        store.capacity.save_report("cell1", [{"host": "h1", "running_vms": 1,
                                              "report_seq": old}], [])
        (host,) = store.capacity.hosts()
        self.assertEqual(2, host["running_vms"])

    def test_migration_status_only_moves_forward(self) -> None:
        self.assertTrue(status_advances("pre-migrating", "finished"))
        self.assertTrue(status_advances("finished", "confirmed"))
        self.assertFalse(status_advances("confirmed", "finished"))
        self.assertFalse(status_advances("reverted", "error"))
        self.assertTrue(status_advances("finished", None))  # no status in the change
        self.assertTrue(status_advances("finished", "some-new-status"))


class Worker:
    """A cell service whose handler reports three things up, then its state."""

    def __init__(self) -> None:
        self.endpoint: Endpoint | None = None

    def msg_work(self, payload: dict) -> None:
        for index in range(3):
            self.endpoint.cast("api", "note", {"i": index}, direction="up")
        self.endpoint.cast("api", "instance_sync", {"i": 3}, direction="up")
        self.endpoint.cast("api", "note", {"i": 4}, direction="up")


class Top:
    def __init__(self) -> None:
        self.seen: list[int] = []
        self.done = threading.Event()

    def msg_note(self, payload: dict) -> None:
        self.seen.append(payload["i"])
        if payload["i"] == 4:
            self.done.set()

    msg_instance_sync = msg_note


class BatchTest(testtools.TestCase):

    def test_a_handlers_casts_travel_together_in_order(self) -> None:
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        transport = InMemoryTransport()
        sent = record_sends(transport)
        top, worker = Top(), Worker()
        api = Endpoint("api", transport, top)
        worker.endpoint = Endpoint("cell1", transport, worker)
        transport.start()
        self.addCleanup(transport.stop)
        api.cast("cell1", "work", {})
        self.assertTrue(top.done.wait(10))
        self.assertEqual([0, 1, 2, 3, 4], top.seen)
        up = [m for m in sent if m.target == "api"]
        # the reports went with the state they preceded; what came after, at the end
        self.assertEqual(["batch", "note"], [m.method for m in up])
        self.assertEqual(["note", "note", "note", "instance_sync"],
                         [m["method"] for m in up[0].payload["messages"]])
