"""InMemoryTransport: one queue and worker thread per cell, every message JSON round-tripped."""

from __future__ import annotations

import dataclasses
import json
import logging
import queue
import threading
import uuid
from collections.abc import Callable
from typing import Any

from cellgate.cloud.exceptions import MessagingError
from cellgate.cloud.messaging.message import Message
from cellgate.cloud.messaging.rpc import PendingCalls, handle
from cellgate.cloud.messaging.transport import Handler, Transport

LOG = logging.getLogger(__name__)
_STOP = object()


class InMemoryTransport(Transport):
    """In-process transport that behaves like a remote one.

    Each message is encoded to JSON on send and decoded on delivery, so nothing shared by
    reference crosses cells; each cell's handler runs on that cell's own worker thread. It
    delivers once and in order, which is more than the Transport contract promises: handlers
    must not count on it (the tests run them through a redelivering, reordering wrapper).
    Replies go to this process's reply address, answered on the replying cell's worker.
    """

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._queues: dict[str, queue.Queue] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._running = False
        self._lock = threading.Lock()
        self._calls = PendingCalls()
        self.reply_address = f"reply-{uuid.uuid4().hex}"

    def register(self, cell_name: str, handler: Handler) -> None:
        """Route messages for ``cell_name`` to ``handler`` (on its own worker)."""
        with self._lock:
            self._handlers[cell_name] = handler
            self._queues.setdefault(cell_name, queue.Queue())
            if self._running:
                self._start_worker(cell_name)

    def send(self, message: Message) -> None:
        """JSON-encode ``message`` and queue it for its target (a reply to this process's
        address is handed to the waiting call at once)."""
        wire = json.dumps(message.to_dict())
        if message.target == self.reply_address:
            self._calls.resolve(Message.from_dict(json.loads(wire)))
            return
        box = self._queues.get(message.target)
        if box is None:
            raise MessagingError(f"no cell named {message.target!r} is registered "
                                 f"(known: {', '.join(sorted(self._queues))})")
        box.put(wire)

    def call(self, message: Message, timeout: float) -> Any:
        """Send ``message`` with this process's reply address and wait for the reply."""
        return self.call_via(self.send, message, timeout)

    def call_via(self, send: Callable[[Message], None], message: Message,
                 timeout: float) -> Any:
        """As ``call``, sending through ``send``: the send of a transport wrapping this one
        (OutageTransport holds an offline cell's traffic), whose replies still arrive here."""
        message = dataclasses.replace(message, expects_reply=True,
                                      reply_address=self.reply_address)
        return self._calls.wait_for(message, send, timeout)

    def start(self) -> None:
        """Start one worker thread per registered cell."""
        with self._lock:
            self._running = True
            for name in self._queues:
                self._start_worker(name)

    def stop(self) -> None:
        """Stop the workers; messages still queued are dropped."""
        with self._lock:
            self._running = False
            threads = list(self._threads.items())
            self._threads.clear()
            for name, _thread in threads:
                old = self._queues[name]
                while True:  # drop what is queued, as a dying process would
                    try:
                        old.get_nowait()
                    except queue.Empty:
                        break
                old.put(_STOP)
                self._queues[name] = queue.Queue()
        for name, thread in threads:
            if thread is not threading.current_thread():
                thread.join(timeout=10)
                if thread.is_alive():
                    LOG.error("worker of cell %s did not stop within 10 s", name)

    def _start_worker(self, name: str) -> None:
        if name in self._threads:
            return
        thread = threading.Thread(target=self._work, args=(name, self._queues[name]),
                                  name=f"cell-{name}", daemon=True)
        self._threads[name] = thread
        thread.start()

    def _work(self, name: str, box: queue.Queue) -> None:
        while True:
            item = box.get()
            if item is _STOP:
                return
            try:
                message = Message.from_dict(json.loads(item))
                reply = handle(self._handlers[name], message)
                if reply is not None:
                    self.send(reply)
            except Exception:  # a bad message must not kill the cell's worker
                LOG.exception("cell %s failed to handle a message", name)
