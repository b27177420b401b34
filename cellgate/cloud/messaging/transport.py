"""Transport: how messages get from one cell to another (in memory, or a broker later)."""

from __future__ import annotations

import abc
from collections.abc import Callable

from cellgate.cloud.messaging.message import Message

Handler = Callable[[Message], None]


class Transport(abc.ABC):
    """Delivers messages to the handler registered for their ``target`` cell.

    Delivery is asynchronous: ``send`` returns before the handler runs, and messages to one
    cell are handled one at a time, in the order sent.
    """

    @abc.abstractmethod
    def register(self, cell_name: str, handler: Handler) -> None:
        """Route messages whose target is ``cell_name`` to ``handler``."""

    @abc.abstractmethod
    def send(self, message: Message) -> None:
        """Queue ``message`` for delivery (MessagingError if its target is unknown)."""

    @abc.abstractmethod
    def start(self) -> None:
        """Begin delivering."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop delivering; messages still queued are dropped (as a process dying would)."""
