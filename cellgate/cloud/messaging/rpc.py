"""Call/reply plumbing any transport shares: running a handler for a delivered message (a
cast's failure logged, a call's result or error packed into a reply addressed to the caller's
reply address) and the waiting side (pending calls by msg_id)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from cellgate.cloud.exceptions import MessageTimeout, MessagingError, UnknownMethod
from cellgate.cloud.messaging.message import Message

LOG = logging.getLogger(__name__)
REPLY = "_reply"


class Redelivered(Exception):
    """Raised by a handler for a message it has handled already: nothing to do, and no
    reply (the first delivery's reply is the answer; a second could overtake it)."""


def handle(handler: Any, message: Message) -> Message | None:
    """Run ``handler`` for ``message``; the reply to send for a call, None for a cast.

    A failure is logged here (the cell that ran it) in both cases; only a call's caller hears
    of it, through the reply's error.
    """
    result, error = None, None
    try:
        result = handler(message)
    except Redelivered:
        return None
    except Exception as exc:
        LOG.error("cell %s: %s %s from %s failed: %s", message.target,
                  "call" if message.expects_reply else "cast", message.method, message.source,
                  exc, exc_info=not isinstance(exc, UnknownMethod))
        error = {"type": type(exc).__name__, "message": getattr(exc, "message", str(exc))}
    if not message.expects_reply:
        return None
    if not message.reply_address:
        LOG.error("cell %s: call %s from %s has no reply address", message.target,
                  message.method, message.source)
        return None
    return Message(method=REPLY, payload={"result": result, "error": error},
                   source=message.target, target=message.reply_address, kind="targeted",
                   direction="up" if message.direction == "down" else "down",
                   reply_to=message.msg_id)


class _Pending:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.result: Any = None
        self.error: dict[str, str] | None = None


class PendingCalls:
    """Calls of this process waiting for their replies, by msg_id."""

    def __init__(self) -> None:
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()

    def wait_for(self, message: Message, send: Any, timeout: float) -> Any:
        """Register ``message``, ``send(message)``, wait for its reply; the result or the
        remote error raised (MessageTimeout when none came in time)."""
        pending = _Pending()
        with self._lock:
            self._pending[message.msg_id] = pending
        try:
            send(message)
            if not pending.event.wait(timeout):
                raise MessageTimeout(cell=message.target, method=message.method,
                                     timeout=timeout)
        finally:
            with self._lock:
                self._pending.pop(message.msg_id, None)
        if pending.error is not None:
            error_cls = UnknownMethod if pending.error.get("type") == "UnknownMethod" \
                else MessagingError
            raise error_cls(pending.error["message"])
        return pending.result

    def resolve(self, reply: Message) -> bool:
        """Hand ``reply`` to its waiting call; False when none waits (timed out, or a
        duplicate reply of a redelivered call): it is dropped."""
        with self._lock:
            pending = self._pending.get(reply.reply_to or "")
        if pending is None or pending.event.is_set():
            return False
        pending.result = reply.payload.get("result")
        pending.error = reply.payload.get("error")
        pending.event.set()
        return True
