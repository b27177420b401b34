"""Endpoint: a cell's attachment to the transport: casts, calls and dispatch to a service.

Incoming messages are dispatched to ``service.msg_<method>(payload)``. A message delivered
again (the same ``msg_id``, as a broker redelivers) is handled once: the endpoint remembers
the ids it handled recently. An unknown method or a failing handler raises; the transport
logs it and, for a call, replies with the error (a cast's failure is never sent back).

Casts a handler makes travel together: while a message is handled, the endpoint keeps the
casts it makes per target and sends them as one ``batch`` message when the handler ends, or
at once when the handler sends a state sync (``instance_sync``), with everything kept before
it. The receiver applies a batch in order, so "the events and usage a cell reported before a
state are there whenever that state is" holds without relying on the transport's order
between messages.
"""

from __future__ import annotations

import collections
import logging
import threading
from typing import Any

from cellgate.cloud.exceptions import UnknownMethod
from cellgate.cloud.messaging.message import Message
from cellgate.cloud.messaging.rpc import Redelivered
from cellgate.cloud.messaging.transport import Transport

LOG = logging.getLogger(__name__)
SEEN_LIMIT = 100_000  # msg_ids remembered per endpoint (a redelivery comes soon after)
BATCH = "batch"
FLUSH_ON = frozenset({"instance_sync"})  # a state: what was reported before goes with it


class RecentIds:
    """A bounded set of message ids, oldest forgotten first."""

    def __init__(self, limit: int = SEEN_LIMIT) -> None:
        self.limit = limit
        self._ids: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, msg_id: str) -> bool:
        """True the first time ``msg_id`` is seen (and remember it), False after."""
        with self._lock:
            if msg_id in self._ids:
                return False
            self._ids[msg_id] = None
            if len(self._ids) > self.limit:
                self._ids.popitem(last=False)
            return True


class Endpoint:
    """Sends messages as ``cell_name`` and dispatches the ones addressed to it."""

    def __init__(self, cell_name: str, transport: Transport, service: Any) -> None:
        self.cell_name = cell_name
        self.transport = transport
        self.service = service
        self.seen = RecentIds()
        self.duplicates = 0  # redelivered messages dropped (for tests and figures)
        self._outbox = threading.local()  # .casts: {target: [(method, payload, ...)]}
        transport.register(cell_name, self.dispatch)

    def _message(self, target: str, method: str, payload: dict[str, Any], *,
                 direction: str, kind: str) -> Message:
        return Message(method=method, payload=payload, source=self.cell_name, target=target,
                       kind=kind, direction=direction).hop(self.cell_name)

    def cast(self, target: str, method: str, payload: dict[str, Any], *,
             direction: str = "down", kind: str = "targeted") -> None:
        """Send without waiting (kept for the handler's batch while one runs)."""
        casts = getattr(self._outbox, "casts", None)
        if casts is None:
            self.transport.send(self._message(target, method, payload, direction=direction,
                                              kind=kind))
            return
        casts.setdefault(target, []).append((method, payload, direction, kind))
        if method in FLUSH_ON:
            self._flush(target)

    def _flush(self, target: str | None = None) -> None:
        """Send the kept casts (to ``target``, or to every target) as batch messages."""
        casts = self._outbox.casts
        for cell in [target] if target is not None else list(casts):
            kept = casts.pop(cell, [])
            if len(kept) == 1:
                method, payload, direction, kind = kept[0]
                self.transport.send(self._message(cell, method, payload, direction=direction,
                                                  kind=kind))
            elif kept:
                self.transport.send(self._message(
                    cell, BATCH, {"messages": [{"method": m, "payload": p}
                                               for m, p, _d, _k in kept]},
                    direction=kept[0][2], kind="targeted"))

    def call(self, target: str, method: str, payload: dict[str, Any], *,
             direction: str = "down", kind: str = "targeted", timeout: float = 30.0) -> Any:
        """Send and wait for the reply's result (its error is raised as MessagingError).

        Never call from a cell worker thread: that cell cannot handle anything meanwhile.
        """
        return self.transport.call(self._message(target, method, payload,
                                                 direction=direction, kind=kind), timeout)

    def dispatch(self, message: Message) -> Any:
        """Handle one delivered message (on this cell's worker); a redelivery does nothing
        (Redelivered: the transport sends no reply for it)."""
        if not self.seen.first_time(message.msg_id):
            self.duplicates += 1
            LOG.debug("cell %s: dropped redelivered %s %s", self.cell_name, message.method,
                      message.msg_id)
            raise Redelivered(message.msg_id)
        if getattr(self._outbox, "casts", None) is not None:  # a call from a handler's thread
            return self._handle(message.method, message.payload)
        self._outbox.casts = {}
        try:
            if message.method == BATCH:
                for item in message.payload["messages"]:
                    try:
                        self._handle(item["method"], item["payload"])
                    except Exception:  # the rest of the batch still applies
                        LOG.exception("cell %s: %s in a batch from %s failed", self.cell_name,
                                      item["method"], message.source)
                return None
            return self._handle(message.method, message.payload)
        finally:
            try:
                self._flush()
            finally:
                self._outbox.casts = None

    def _handle(self, method: str, payload: dict[str, Any]) -> Any:
        handler = getattr(self.service, f"msg_{method}", None)
        if handler is None:
            raise UnknownMethod(cell=self.cell_name, method=method)
        return handler(payload)
