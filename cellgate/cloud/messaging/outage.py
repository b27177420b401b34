"""OutageTransport: a transport wrapper that can make a cell go silent and come back.

A test facility (``cellgate cells offline NAME`` / ``online NAME``): while a cell is offline
every message to it or from it is held, as a broker holds messages for a consumer that
stopped and a stopped cell sends nothing. Calls to it time out, its reports stop arriving
(so the API cell sees it go stale, then down), and when it comes back the held messages are
delivered in the order they were sent, as a broker would deliver its queue.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from cellgate.cloud.messaging.memory import InMemoryTransport
from cellgate.cloud.messaging.message import Message
from cellgate.cloud.messaging.transport import Handler, Transport

LOG = logging.getLogger(__name__)


class OutageTransport(Transport):
    """Wraps ``inner``; ``set_offline(cell, True)`` holds that cell's traffic."""

    def __init__(self, inner: InMemoryTransport) -> None:
        self.inner = inner
        self._offline: set[str] = set()
        self._held: list[Message] = []
        self._lock = threading.Lock()

    @property
    def reply_address(self) -> str:  # type: ignore[override]
        """The inner transport's: replies come back through it."""
        return self.inner.reply_address

    def call(self, message: Message, timeout: float) -> Any:
        """As the inner transport's call, the request sent through ``send`` (so a call to
        an offline cell is held and times out)."""
        return self.inner.call_via(self.send, message, timeout)

    def register(self, cell_name: str, handler: Handler) -> None:
        """As the inner transport."""
        self.inner.register(cell_name, handler)

    def send(self, message: Message) -> None:
        """Hold the message if its source or target is offline, else send it on."""
        with self._lock:
            if message.target in self._offline or message.source in self._offline:
                # a copy, as a broker keeps one: the sender may reuse its payload
                self._held.append(Message.from_dict(json.loads(json.dumps(message.to_dict()))))
                return
        self.inner.send(message)

    def start(self) -> None:
        """As the inner transport."""
        self.inner.start()

    def stop(self) -> None:
        """As the inner transport; held messages are dropped (the process ends)."""
        with self._lock:
            self._held.clear()
        self.inner.stop()

    def offline(self) -> set[str]:
        """The cells taken offline."""
        with self._lock:
            return set(self._offline)

    def set_offline(self, cell_name: str, offline: bool) -> None:
        """Take ``cell_name`` offline, or bring it back and deliver what was held for it
        (messages whose other end is still offline stay held)."""
        with self._lock:
            if offline:
                self._offline.add(cell_name)
                return
            self._offline.discard(cell_name)
            release, keep = [], []
            for message in self._held:
                still = message.target in self._offline or message.source in self._offline
                (keep if still else release).append(message)
            self._held = keep
        LOG.info("cell %s back online: delivering %d held message(s)", cell_name,
                 len(release))
        for message in release:
            self.inner.send(message)
