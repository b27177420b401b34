"""cellgate's client library on tempest.lib (imports nothing else from cellgate)."""

from cellgate.lib.clients import Clients
from cellgate.lib.credentials import Credentials
from cellgate.lib.microversion import ComputeMicroversion

__all__ = ["Clients", "ComputeMicroversion", "Credentials"]
