"""ChaosTransport: the in-memory transport delivering every message twice and out of order,
as the Transport contract allows (a broker redelivers and reorders)."""

from __future__ import annotations

import random
import threading

from cellgate.cloud.exceptions import MessagingError
from cellgate.cloud.messaging.memory import InMemoryTransport
from cellgate.cloud.messaging.message import Message


class ChaosTransport(InMemoryTransport):
    """Every message (replies too) is sent again later with the same msg_id, and a share
    ``hold`` of them is held back and released, shuffled, after later ones. A flusher thread
    releases what is held every millisecond, so nothing is held forever."""

    def __init__(self, seed: int = 7, hold: float = 0.3) -> None:
        super().__init__()
        self._rng = random.Random(seed)
        self._hold = hold
        self._held: list[Message] = []
        self._chaos_lock = threading.Lock()
        self._stop_flusher = threading.Event()
        self._flusher: threading.Thread | None = None
        self.redelivered = self.held_back = 0

    def send(self, message: Message) -> None:
        if message.target != self.reply_address and message.target not in self._queues:
            raise MessagingError(f"no cell named {message.target!r} is registered")
        with self._chaos_lock:
            now = []
            if self._rng.random() < self._hold:
                self._held.append(message)
                self.held_back += 1
            else:
                now.append(message)
            self._held.append(message)  # the redelivery, later
            self.redelivered += 1
        for item in now:
            super().send(item)

    def _release(self) -> None:
        with self._chaos_lock:
            held, self._held = self._held, []
        self._rng.shuffle(held)
        for item in held:
            try:
                super().send(item)
            except MessagingError:
                pass

    def _flush_loop(self) -> None:
        while not self._stop_flusher.wait(0.001):
            self._release()

    def start(self) -> None:
        super().start()
        self._stop_flusher.clear()
        self._flusher = threading.Thread(target=self._flush_loop, name="chaos", daemon=True)
        self._flusher.start()

    def stop(self) -> None:
        self._stop_flusher.set()
        if self._flusher is not None:
            self._flusher.join(timeout=10)
            self._flusher = None
        super().stop()
