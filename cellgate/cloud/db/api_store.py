"""ApiStore: the API cell database and its stores (flavors, keypairs, quotas, security
groups, server groups, aggregates, cell registry, read model, actions, capacity)."""

from __future__ import annotations

from cellgate.cloud.db.actions import ActionStore
from cellgate.cloud.db.aggregates import AggregateStore
from cellgate.cloud.db.api_tables import api_metadata
from cellgate.cloud.db.capacity import CapacityStore
from cellgate.cloud.db.cell_registry import CellRegistry
from cellgate.cloud.db.engine import Database
from cellgate.cloud.db.flavors import FlavorStore
from cellgate.cloud.db.keypairs import KeypairStore
from cellgate.cloud.db.migrations import MigrationStore
from cellgate.cloud.db.quotas import QuotaStore
from cellgate.cloud.db.read_model import InstanceReadModel
from cellgate.cloud.db.security_groups import SecurityGroupStore
from cellgate.cloud.db.server_groups import ServerGroupStore


class ApiStore:
    """Everything the API cell persists; ``db.engine`` is shared with the identity store."""

    def __init__(self, url: str) -> None:
        self.db = Database(url, api_metadata)
        self.flavors = FlavorStore(self.db)
        self.instances = InstanceReadModel(self.db)
        self.actions = ActionStore(self.db)
        self.capacity = CapacityStore(self.db)
        self.migrations = MigrationStore(self.db)
        self.keypairs = KeypairStore(self.db)
        self.quotas = QuotaStore(self.db)
        self.security_groups = SecurityGroupStore(self.db)
        self.cells = CellRegistry(self.db)
        self.aggregates = AggregateStore(self.db)
        self.server_groups = ServerGroupStore(self.db)

    def dispose(self) -> None:
        """Close every pooled connection of the API database."""
        self.db.dispose()
