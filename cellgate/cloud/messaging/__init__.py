"""Messages between cells, the Transport interface and its in-memory implementation."""

from cellgate.cloud.messaging.endpoint import Endpoint
from cellgate.cloud.messaging.memory import InMemoryTransport
from cellgate.cloud.messaging.message import MAX_HOPS, Message
from cellgate.cloud.messaging.transport import Transport

__all__ = ["MAX_HOPS", "Endpoint", "InMemoryTransport", "Message", "Transport"]
