"""RequestContext: who is asking, for which project, at which microversion."""

from __future__ import annotations

import dataclasses
import uuid


def new_request_id() -> str:
    """Return a fresh request id in Nova's ``req-<uuid>`` form."""
    return f"req-{uuid.uuid4()}"


@dataclasses.dataclass(frozen=True)
class RequestContext:
    """The caller of a ComputeAPI method.

    ``microversion`` is the negotiated compute microversion as a string ("2.1" ... "2.61").
    """

    user_id: str | None = None
    project_id: str | None = None
    roles: tuple[str, ...] = ()
    is_admin: bool = False
    request_id: str = dataclasses.field(default_factory=new_request_id)
    microversion: str = "2.1"

    def microversion_at_least(self, version: str) -> bool:
        """True when the request's microversion is ``version`` or newer."""
        return _parse(self.microversion) >= _parse(version)

    def elevated(self) -> RequestContext:
        """The same caller with admin rights (for internal work such as recovery)."""
        return dataclasses.replace(self, is_admin=True, roles=tuple({*self.roles, "admin"}))


def _parse(version: str) -> tuple[int, int]:
    major, _, minor = version.partition(".")
    return int(major), int(minor or 0)


def admin_context(request_id: str | None = None) -> RequestContext:
    """A context for the cloud's own background work (recovery, heal, seeding)."""
    return RequestContext(user_id="cellgate", project_id="cellgate", roles=("admin",),
                          is_admin=True, request_id=request_id or new_request_id(),
                          microversion="2.61")
