"""Endpoint: a cell's attachment to the transport: casts, calls and dispatch to a service.

Incoming messages are dispatched to ``service.msg_<method>(payload)``. An unknown method or a
failing handler is logged as an error and answered with an error reply (a waiting caller
raises it; a cast's sender logs it) - never silently ignored.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from cellgate.cloud.exceptions import MessageTimeout, MessagingError, UnknownMethod
from cellgate.cloud.messaging.message import Message
from cellgate.cloud.messaging.transport import Transport

LOG = logging.getLogger(__name__)
REPLY = "_reply"


class _Pending:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.result: Any = None
        self.error: dict[str, str] | None = None


class Endpoint:
    """Sends messages as ``cell_name`` and dispatches the ones addressed to it."""

    def __init__(self, cell_name: str, transport: Transport, service: Any) -> None:
        self.cell_name = cell_name
        self.transport = transport
        self.service = service
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self.errors: list[dict[str, str]] = []  # error replies to casts, for inspection
        transport.register(cell_name, self.dispatch)

    def _message(self, target: str, method: str, payload: dict[str, Any], *,
                 direction: str, kind: str, expects_reply: bool = False,
                 reply_to: str | None = None) -> Message:
        return Message(method=method, payload=payload, source=self.cell_name, target=target,
                       kind=kind, direction=direction, expects_reply=expects_reply,
                       reply_to=reply_to).hop(self.cell_name)

    def cast(self, target: str, method: str, payload: dict[str, Any], *,
             direction: str = "down", kind: str = "targeted") -> None:
        """Send without waiting."""
        self.transport.send(self._message(target, method, payload, direction=direction,
                                          kind=kind))

    def call(self, target: str, method: str, payload: dict[str, Any], *,
             direction: str = "down", kind: str = "targeted", timeout: float = 30.0) -> Any:
        """Send and wait for the reply's result (its error is raised as MessagingError).

        Never call from a cell worker thread: the reply is delivered on the caller's own
        worker, so such a call could only time out.
        """
        message = self._message(target, method, payload, direction=direction, kind=kind,
                                expects_reply=True)
        pending = _Pending()
        with self._lock:
            self._pending[message.msg_id] = pending
        try:
            self.transport.send(message)
            if not pending.event.wait(timeout):
                raise MessageTimeout(cell=target, method=method, timeout=timeout)
        finally:
            with self._lock:
                self._pending.pop(message.msg_id, None)
        if pending.error is not None:
            error_cls = UnknownMethod if pending.error.get("type") == "UnknownMethod" \
                else MessagingError
            raise error_cls(pending.error["message"])
        return pending.result

    def dispatch(self, message: Message) -> None:
        """Handle one delivered message (runs on this cell's worker thread)."""
        if message.method == REPLY:
            self._receive_reply(message)
            return
        handler = getattr(self.service, f"msg_{message.method}", None)
        try:
            if handler is None:
                raise UnknownMethod(cell=self.cell_name, method=message.method)
            result = handler(message.payload)
        except Exception as exc:
            LOG.error("cell %s: message %s from %s failed: %s", self.cell_name, message.method,
                      message.source, exc, exc_info=not isinstance(exc, UnknownMethod))
            self._reply(message, error={"type": type(exc).__name__,
                                        "message": getattr(exc, "message", str(exc))})
            return
        if message.expects_reply:
            self._reply(message, result=result)

    def _reply(self, message: Message, *, result: Any = None,
               error: dict[str, str] | None = None) -> None:
        direction = "up" if message.direction == "down" else "down"
        try:
            self.transport.send(self._message(
                message.source, REPLY, {"result": result, "error": error},
                direction=direction, kind="targeted", reply_to=message.msg_id))
        except MessagingError:
            LOG.exception("cell %s could not reply to %s", self.cell_name, message.source)

    def _receive_reply(self, message: Message) -> None:
        with self._lock:
            pending = self._pending.get(message.reply_to or "")
        error = message.payload.get("error")
        if pending is None:
            if error:
                LOG.error("cell %s: %s reported an error for a cast: %s", self.cell_name,
                          message.source, error.get("message"))
                self.errors.append(error)
            return
        pending.result = message.payload.get("result")
        pending.error = error
        pending.event.set()
