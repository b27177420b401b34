"""CellsDeployment: build a whole cells cloud (databases, transport, cells, router,
ComputeAPI) from a topology and a state directory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any


class CellsDeployment:
    """Everything below the HTTP layer, assembled from a Topology.

    ``db_urls`` maps a cell name ('api' for the API cell) to a SQLAlchemy URL; cells not
    named use ``sqlite:///STATE/api.sqlite`` and ``sqlite:///STATE/cell-<name>.sqlite``.
    Attributes: ``compute_api`` (ComputeAPI), ``api_engine`` (SQLAlchemy Engine of the API
    database, on which the identity store may create its own tables), ``images``
    (ImageCatalog), ``topology`` (Topology).
    ``start()`` starts the transport and cells, seeds default flavors and recovers builds
    left unfinished by a crash; ``stop()`` stops them and disposes the engines.
    """

    def __init__(self, topology: Any, state_dir: str | os.PathLike[str],
                 db_urls: Mapping[str, str] | None = None) -> None:
        raise NotImplementedError

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError
