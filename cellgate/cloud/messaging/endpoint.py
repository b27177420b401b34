"""Endpoint: a cell's attachment to the transport: casts, calls and dispatch to a service.

Incoming messages are dispatched to ``service.msg_<method>(payload)``. A message delivered
again (the same ``msg_id``, as a broker redelivers) is handled once: the endpoint remembers
the ids it handled recently. An unknown method or a failing handler raises; the transport
logs it and, for a call, replies with the error (a cast's failure is never sent back).
"""

from __future__ import annotations

import collections
import logging
import threading
from typing import Any

from cellgate.cloud.exceptions import UnknownMethod
from cellgate.cloud.messaging.message import Message
from cellgate.cloud.messaging.transport import Transport

LOG = logging.getLogger(__name__)
SEEN_LIMIT = 100_000  # msg_ids remembered per endpoint (a redelivery comes soon after)


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
        transport.register(cell_name, self.dispatch)

    def _message(self, target: str, method: str, payload: dict[str, Any], *,
                 direction: str, kind: str) -> Message:
        return Message(method=method, payload=payload, source=self.cell_name, target=target,
                       kind=kind, direction=direction).hop(self.cell_name)

    def cast(self, target: str, method: str, payload: dict[str, Any], *,
             direction: str = "down", kind: str = "targeted") -> None:
        """Send without waiting."""
        self.transport.send(self._message(target, method, payload, direction=direction,
                                          kind=kind))

    def call(self, target: str, method: str, payload: dict[str, Any], *,
             direction: str = "down", kind: str = "targeted", timeout: float = 30.0) -> Any:
        """Send and wait for the reply's result (its error is raised as MessagingError).

        Never call from a cell worker thread: that cell cannot handle anything meanwhile.
        """
        return self.transport.call(self._message(target, method, payload,
                                                 direction=direction, kind=kind), timeout)

    def dispatch(self, message: Message) -> Any:
        """Handle one delivered message (on this cell's worker); a redelivery does nothing."""
        if not self.seen.first_time(message.msg_id):
            self.duplicates += 1
            LOG.debug("cell %s: dropped redelivered %s %s", self.cell_name, message.method,
                      message.msg_id)
            return None
        handler = getattr(self.service, f"msg_{message.method}", None)
        if handler is None:
            raise UnknownMethod(cell=self.cell_name, method=message.method)
        return handler(message.payload)
