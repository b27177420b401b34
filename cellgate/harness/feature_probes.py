"""Feature flags `cellgate config generate` can find out by asking the cloud (read-only
calls that change nothing): `security_groups` (Nova serves `GET /os-security-groups` at
microversion 2.1; a cloud without Neutron's proxy answers 404) and `driver_view` (the cloud
serves cellgate's own routes beside the compute API, as the reference cloud does)."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import cells
from cellgate.lib.clients import Clients
from cellgate.lib.credentials import Credentials


def probe_features(admin: Credentials) -> dict[str, bool]:
    """{flag: found} for the flags this module knows how to detect."""
    clients = Clients(admin)
    try:
        clients.security_groups_client.list_security_groups()
        security_groups = True
    except (lib_exc.NotFound, lib_exc.Forbidden):
        security_groups = False
    return {"security_groups": security_groups,
            "driver_view": cells.list_cells(clients) is not None}
