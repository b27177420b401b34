"""Transport: how messages get from one cell to another (in memory, or a broker later).

The contract every transport keeps and every handler may rely on (and nothing more; see
docs/ARCHITECTURE.md "Messages between cells"):

- **cast** (``send``): fire and forget. A handler's failure is logged where it ran, never
  sent back;
- **call** (``call``): the transport stamps the message with this process's own reply
  address (never a cell name: many processes may serve one cell), sends it, and waits for the
  reply the receiving side's transport sends to that address with the handler's result or
  error;
- **at least once, in any order**: a message may be delivered more than once (the same
  ``msg_id``) and messages may arrive in another order than sent, also between two cells;
  handlers are idempotent and order-guarded above this interface;
- **one at a time per cell**: a cell's handler is not entered concurrently for that cell.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

from cellgate.cloud.messaging.message import Message

Handler = Callable[[Message], Any]  # returns a call's result; raises its error


class Transport(abc.ABC):
    """Delivers messages to the handler registered for their ``target`` cell (see module
    docstring for the delivery contract)."""

    reply_address: str  # where replies to this process's calls go

    @abc.abstractmethod
    def register(self, cell_name: str, handler: Handler) -> None:
        """Route messages whose target is ``cell_name`` to ``handler``."""

    @abc.abstractmethod
    def send(self, message: Message) -> None:
        """Queue ``message`` for delivery (MessagingError if its target is unknown)."""

    @abc.abstractmethod
    def call(self, message: Message, timeout: float) -> Any:
        """Send ``message`` expecting a reply at this process's reply address and return the
        result (MessageTimeout after ``timeout`` seconds; the remote error as
        MessagingError or UnknownMethod)."""

    @abc.abstractmethod
    def start(self) -> None:
        """Begin delivering."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop delivering; messages still queued are dropped (as a process dying would)."""
