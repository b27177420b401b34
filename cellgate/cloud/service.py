"""Cloud: the cells deployment, the identity store and the WSGI app, composed.

The HTTP layer sees the Cloud as its service bundle (`compute_api`, `identity`,
`images_list()`, `images_get()`); the image adapter keeps the handlers independent of the
catalog's exact method names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api import make_app
from cellgate.cloud.cells.admin import CellAdmin
from cellgate.cloud.cells.deployment import CellsDeployment
from cellgate.cloud.identity import SEED_ACCOUNTS, IdentityStore


class Cloud:
    """One reference cloud: deployment + identity + WSGI app (`app`)."""

    def __init__(self, topology: Any, state_dir: str | os.PathLike[str],
                 db_urls: Mapping[str, str] | None = None) -> None:
        self.topology = topology
        self.state_dir = os.fspath(state_dir)
        self.deployment = CellsDeployment(topology, self.state_dir, db_urls)
        self.identity = IdentityStore(self.deployment.api_engine)
        self.app = make_app(self)
        self._started = False

    @property
    def compute_api(self) -> Any:
        """The core's ComputeAPI."""
        return self.deployment.compute_api

    @property
    def cell_admin(self) -> Any:
        """The cell registry's operations on this cloud (CellAdmin)."""
        return CellAdmin(self.deployment)

    def start(self, known_passwords: Mapping[str, str] | None = None) -> dict[str, str]:
        """Start the cells and seed the accounts; return {username: password}."""
        self.deployment.start()
        self._started = True
        self.identity.create_tables()
        return self.identity.bootstrap(SEED_ACCOUNTS, dict(known_passwords or {}))

    def stop(self) -> None:
        """Stop the cells (transport, threads) and dispose the engines."""
        if self._started:
            self._started = False
            self.deployment.stop()

    # -- images (the HTTP layer's view of the catalog) ---------------------------------------

    def images_list(self) -> list[dict]:
        """Every image of the catalog."""
        return self.deployment.images.list()

    def images_get(self, image_id: str) -> dict | None:
        """One image, or None when the catalog does not know it."""
        try:
            return self.deployment.images.get(image_id)
        except exc.NotFound:
            return None
