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

    # -- image adapter ---------------------------------------------------------------------

    def images_list(self) -> list[dict]:
        """Every image of the catalog as a dict."""
        images = self.deployment.images
        for name in ("list_images", "list", "all"):
            method = getattr(images, name, None)
            if callable(method):
                return [_as_dict(i) for i in method()]
        return [_as_dict(i) for i in images]

    def images_get(self, image_id: str) -> dict | None:
        """One image as a dict, or None."""
        images = self.deployment.images
        for name in ("get_image", "get", "show"):
            method = getattr(images, name, None)
            if callable(method):
                try:
                    found = method(image_id)
                except (exc.NotFound, KeyError):
                    return None
                return _as_dict(found) if found is not None else None
        for image in self.images_list():
            if image["id"] == image_id:
                return image
        return None


def _as_dict(image: Any) -> dict:
    if isinstance(image, Mapping):
        return dict(image)
    if hasattr(image, "to_dict"):
        return image.to_dict()
    import dataclasses

    return dataclasses.asdict(image)
