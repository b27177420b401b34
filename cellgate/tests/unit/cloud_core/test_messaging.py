"""Messages, the in-memory transport, endpoints and the cell router."""

from __future__ import annotations

import logging
import threading

import fixtures
import testtools

from cellgate.cloud.cells.router import CellRouter
from cellgate.cloud.exceptions import MessagingError, UnknownMethod
from cellgate.cloud.messaging import MAX_HOPS, Endpoint, InMemoryTransport, Message
from cellgate.cloud.objects import Instance
from cellgate.tests.unit.cloud_core.helpers import record_sends


class Recorder:
    """A cell service that records what it was sent."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict, str]] = []
        self.event = threading.Event()
        self.block = threading.Event()
        self.block.set()

    def msg_note(self, payload: dict) -> None:
        self.block.wait(5)
        self.received.append(("note", payload, threading.current_thread().name))
        self.event.set()

    def msg_echo(self, payload: dict) -> dict:
        return {"echo": payload}

    def msg_boom(self, payload: dict) -> None:
        raise ValueError("boom")


class MessageTest(testtools.TestCase):

    def test_round_trip(self) -> None:
        message = Message(method="build_instance", payload={"a": [1, 2]}, source="api",
                          target="cell1", kind="targeted", direction="down").hop("api")
        copy = Message.from_dict(message.to_dict())
        self.assertEqual(message, copy)
        self.assertEqual(["api"], copy.routing_path)
        self.assertEqual(1, copy.hop_count)

    def test_newer_minor_version_with_unknown_keys_is_read(self) -> None:
        data = Message(method="m", payload={}, source="a", target="b").to_dict()
        data["version"] = "1.7"
        data["priority"] = "high"
        self.assertEqual("m", Message.from_dict(data).method)

    def test_other_major_version_is_refused(self) -> None:
        data = Message(method="m", payload={}, source="a", target="b").to_dict()
        data["version"] = "2.0"
        self.assertRaises(MessagingError, Message.from_dict, data)

    def test_bad_kind_and_direction(self) -> None:
        self.assertRaises(MessagingError, Message, method="m", payload={}, source="a",
                          target="b", kind="sideways")
        self.assertRaises(MessagingError, Message, method="m", payload={}, source="a",
                          target="b", direction="left")

    def test_hop_count_has_a_maximum(self) -> None:
        message = Message(method="m", payload={}, source="a", target="b")
        for index in range(MAX_HOPS):
            message = message.hop(f"c{index}")
        error = self.assertRaises(MessagingError, message.hop, "one-too-many")
        self.assertIn("exceeded", str(error))

    def test_instance_primitive_versioning(self) -> None:
        instance = Instance(uuid="u1", name="vm", flavor={"id": "1"}, metadata={"k": "v"})
        primitive = instance.obj_to_primitive()
        self.assertEqual("1.4", primitive["cellgate_object.version"])
        # A newer sender adds a field, an older one lacks some: both still read.
        primitive["cellgate_object.data"]["shiny_new_field"] = 42
        del primitive["cellgate_object.data"]["metadata"]
        del primitive["cellgate_object.data"]["key_data"]  # as a 1.0 sender
        del primitive["cellgate_object.data"]["owner_gen"]  # as a 1.1 sender
        del primitive["cellgate_object.data"]["security_rules"]  # as a 1.2 sender
        copy = Instance.obj_from_primitive(primitive)
        self.assertEqual("vm", copy.name)
        self.assertEqual({}, copy.metadata)
        self.assertIsNone(copy.key_data)
        self.assertEqual(0, copy.owner_gen)
        self.assertIsNone(copy.security_rules)
        self.assertFalse(hasattr(copy, "shiny_new_field"))


class TransportTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.transport = InMemoryTransport()
        self.api = Recorder()
        self.cell = Recorder()
        self.api_ep = Endpoint("api", self.transport, self.api)
        self.cell_ep = Endpoint("cell1", self.transport, self.cell)
        self.transport.start()
        self.addCleanup(self.transport.stop)

    def test_cast_is_asynchronous_on_the_cell_worker(self) -> None:
        self.cell.block.clear()
        payload = {"nested": {"list": [1, 2]}}
        self.api_ep.cast("cell1", "note", payload)
        # send returned while the handler is still blocked: a cast
        self.assertEqual([], self.cell.received)
        self.cell.block.set()
        self.assertTrue(self.cell.event.wait(5))
        method, received, thread = self.cell.received[0]
        self.assertEqual(payload, received)
        self.assertIsNot(payload, received)  # JSON round-tripped, never shared
        self.assertEqual("cell-cell1", thread)

    def test_call_returns_result(self) -> None:
        self.assertEqual({"echo": {"x": 1}}, self.api_ep.call("cell1", "echo", {"x": 1}))

    def test_unknown_method_fails_loudly(self) -> None:
        with self.assertLogs("cellgate.cloud.messaging.rpc", level="ERROR") as logs:
            error = self.assertRaises(UnknownMethod, self.api_ep.call, "cell1", "nope", {})
        self.assertIn("nope", str(error))
        self.assertIn("nope", "\n".join(logs.output))

    def test_failed_cast_is_logged_where_it_ran_and_never_replied(self) -> None:
        sent = record_sends(self.transport)
        with self.assertLogs("cellgate.cloud.messaging.rpc", level="ERROR") as logs:
            self.api_ep.cast("cell1", "nope", {})
            self.api_ep.cast("cell1", "boom", {})
            self.api_ep.call("cell1", "echo", {})  # both casts were handled before this
        self.assertIn("cast nope", "\n".join(logs.output))
        self.assertIn("cast boom", "\n".join(logs.output))
        replies = [m for m in sent if m.method == "_reply"]
        self.assertEqual(1, len(replies))  # the call's only
        self.assertFalse(hasattr(self.api_ep, "errors"))

    def test_replies_go_to_the_process_reply_address_not_a_cell(self) -> None:
        sent = record_sends(self.transport)
        self.assertEqual({"echo": {}}, self.cell_ep.call("api", "echo", {}))
        call, reply = sent
        self.assertEqual(self.transport.reply_address, call.reply_address)
        self.assertNotIn(call.reply_address, ("api", "cell1"))
        self.assertEqual((self.transport.reply_address, call.msg_id),
                         (reply.target, reply.reply_to))

    def test_redelivered_message_is_handled_once(self) -> None:
        message = Message(method="note", payload={"i": 1}, source="api", target="cell1")
        for _ in range(3):
            self.transport.send(message)
        self.api_ep.call("cell1", "echo", {})
        self.assertEqual(1, len(self.cell.received))
        self.assertEqual(2, self.cell_ep.duplicates)

    def test_handler_error_reaches_caller(self) -> None:
        error = self.assertRaises(MessagingError, self.api_ep.call, "cell1", "boom", {})
        self.assertIn("boom", str(error))

    def test_unknown_target(self) -> None:
        self.assertRaises(MessagingError, self.api_ep.cast, "cell9", "note", {})

    def test_stop_drops_queued_messages(self) -> None:
        self.cell.block.clear()
        for index in range(5):
            self.api_ep.cast("cell1", "note", {"i": index})
        stopper = threading.Thread(target=self.transport.stop)
        stopper.start()
        self.cell.block.set()  # let the message in hand finish; the rest are dropped
        stopper.join(5)
        self.assertLessEqual(len(self.cell.received), 1)

    def test_order_is_kept(self) -> None:
        for index in range(50):
            self.api_ep.cast("cell1", "note", {"i": index})
        self.api_ep.call("cell1", "echo", {})
        self.assertEqual(list(range(50)), [p["i"] for _m, p, _t in self.cell.received])


class RouterTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.transport = InMemoryTransport()
        self.cells = {name: Recorder() for name in ("cell1", "cell2")}
        for name, service in self.cells.items():
            Endpoint(name, self.transport, service)
        self.router = CellRouter(Endpoint("api", self.transport, Recorder()),
                                 ["cell1", "cell2"])
        self.transport.start()
        self.addCleanup(self.transport.stop)

    def test_decide(self) -> None:
        self.assertEqual(("cell", ("cell2",)), tuple(vars(self.router.decide("cell2")).values()))
        self.assertEqual("all", self.router.decide(None).scope)
        self.assertEqual(("cell1", "cell2"), self.router.decide(None).targets)
        self.assertEqual("local", self.router.decide("api").scope)
        self.assertRaises(MessagingError, self.router.decide, "cell3")

    def test_targeted_reaches_only_its_cell(self) -> None:
        self.router.cast("cell2", "note", {"n": 1})
        self.router.call_all("echo", {})
        self.assertEqual([], self.cells["cell1"].received)
        self.assertEqual(1, len(self.cells["cell2"].received))

    def test_broadcast_reaches_every_cell(self) -> None:
        self.router.cast(None, "note", {"n": 1})
        results = self.router.call_all("echo", {"q": 1})
        self.assertEqual({"cell1", "cell2"}, set(results))
        for service in self.cells.values():
            self.assertEqual(1, len(service.received))

    def test_child_without_parent_cannot_send_up(self) -> None:
        router = CellRouter(Endpoint("lonely", self.transport, Recorder()), [])
        self.assertRaises(MessagingError, router.cast_up, "note", {})
