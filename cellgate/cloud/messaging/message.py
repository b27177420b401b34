"""Message: plain, versioned, serialisable data travelling between cells."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from cellgate.cloud.exceptions import MessagingError

VERSION = "1.0"
MAX_HOPS = 10
KINDS = ("targeted", "broadcast")
DIRECTIONS = ("down", "up")


@dataclasses.dataclass
class Message:
    """One message; ``payload`` is JSON-safe (objects travel as obj_to_primitive() output).

    ``routing_path`` lists the cells the message went through; ``hop_count`` counts them and
    may not exceed MAX_HOPS (a routing loop fails loudly instead of spinning).
    ``reply_to`` is set on replies to a call (the msg_id answered); ``expects_reply``
    tells the receiver that the sender waits for one, at ``reply_address`` (the calling
    process's own address, set by its transport; never a cell name).
    """

    method: str
    payload: dict[str, Any]
    source: str
    target: str
    kind: str = "targeted"
    direction: str = "down"
    version: str = VERSION
    msg_id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)
    routing_path: list[str] = dataclasses.field(default_factory=list)
    hop_count: int = 0
    expects_reply: bool = False
    reply_to: str | None = None
    reply_address: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise MessagingError(f"message kind {self.kind!r} is not one of {KINDS}")
        if self.direction not in DIRECTIONS:
            raise MessagingError(f"message direction {self.direction!r} is not one of "
                                 f"{DIRECTIONS}")

    def hop(self, cell_name: str) -> Message:
        """This message after passing through ``cell_name`` (MessagingError past MAX_HOPS)."""
        if self.hop_count + 1 > MAX_HOPS:
            raise MessagingError(f"message {self.method} ({self.msg_id}) exceeded {MAX_HOPS} "
                                 f"hops via {' -> '.join(self.routing_path)}")
        return dataclasses.replace(self, routing_path=[*self.routing_path, cell_name],
                                   hop_count=self.hop_count + 1)

    def to_dict(self) -> dict[str, Any]:
        """The wire form: a new dict of the fields, their values shared, not copied (the
        transport encodes it at once; ``dataclasses.asdict`` deep-copied every payload, which
        cost seven times the JSON encoding of a heal's 1,000-instance reply)."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        """Read a wire form written by any 1.x sender: unknown keys are ignored, missing
        optional keys defaulted; another major version is refused (MessagingError)."""
        version = str(data.get("version", ""))
        if version.split(".")[0] != VERSION.split(".")[0]:
            raise MessagingError(f"cannot read message version {version!r} "
                                 f"(this cell speaks {VERSION})")
        known = {f.name for f in dataclasses.fields(cls)}
        try:
            return cls(**{k: v for k, v in data.items() if k in known})
        except TypeError as exc:
            raise MessagingError(f"malformed message: {exc}")
