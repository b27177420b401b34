"""CellsDeployment: build a whole cells cloud (databases, transport, cells, router,
ComputeAPI) from a topology and a state directory."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from cellgate.cloud.cells.api import API_CELL, ApiCellService
from cellgate.cloud.cells.child import ChildCellService
from cellgate.cloud.cells.health import HealthPolicy
from cellgate.cloud.cells.local import LocalDelivery, LocalEndpoint
from cellgate.cloud.cells.router import CellRouter
from cellgate.cloud.compute.api import ComputeAPI
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.db.cell_registry import CellNotFound
from cellgate.cloud.db.cell_store import CellStore, stable_uuid
from cellgate.cloud.db.flat_store import FlatCellStore
from cellgate.cloud.images import ImageCatalog
from cellgate.cloud.messaging.endpoint import Endpoint
from cellgate.cloud.messaging.memory import InMemoryTransport
from cellgate.cloud.messaging.outage import OutageTransport
from cellgate.cloud.messaging.transport import Transport
from cellgate.cloud.topology import Topology, TopologyError, load_topology

LOG = logging.getLogger(__name__)
FLAT_DB = "cloud.sqlite"  # a flat deployment's one database
API_DB = "api.sqlite"


def check_layout(state_dir: Path, cells_enabled: bool) -> None:
    """Refuse to start a deployment on a state dir that holds the other kind (its data
    would be ignored, not used): a flat one needs `cellgate convert` to become cells."""
    if cells_enabled and (state_dir / FLAT_DB).exists() and not (state_dir / API_DB).exists():
        raise TopologyError(f"{state_dir} holds a flat (nocells) deployment; fix: run "
                            f"`cellgate convert --state-dir {state_dir}` to turn it into a "
                            "child cell of an API cell, or serve it with a flat topology")
    if not cells_enabled and (state_dir / API_DB).exists():
        raise TopologyError(f"{state_dir} holds a cells deployment; fix: serve it with a "
                            "topology that has cells_enabled: true, or use another state dir")



def parse_db_urls(db_urls: Mapping[str, str] | Sequence[str] | None,
                  cell_names: Sequence[str] | None) -> dict[str, str]:
    """``{cell: url}`` from a mapping or from ``CELL=URL`` strings (as ``--db-url`` gives);
    a cell name that is neither 'api' nor one of ``cell_names`` is an error (None: any
    name, checked later)."""
    if not db_urls:
        return {}
    if isinstance(db_urls, Mapping):
        pairs = dict(db_urls)
    else:
        pairs = {}
        for item in db_urls:
            cell, sep, url = item.partition("=")
            if not sep or not cell or not url:
                raise TopologyError(f"--db-url {item!r}: expected CELL=URL; fix: write e.g. "
                                    "api=sqlite:////tmp/api.sqlite")
            pairs[cell] = url
    if cell_names is None:
        return pairs
    known = {API_CELL, *cell_names}
    for cell in pairs:
        if cell not in known:
            raise TopologyError(f"--db-url {cell}=...: no cell named {cell!r}; fix: use one "
                                f"of {', '.join(sorted(known))}")
    return pairs


class CellsDeployment:
    """Everything below the HTTP layer, assembled from a Topology.

    ``db_urls`` maps a cell name ('api' for the API cell) to a SQLAlchemy URL; cells not
    named use ``sqlite:///STATE/api.sqlite`` and ``sqlite:///STATE/cell-<name>.sqlite``.
    Attributes: ``compute_api`` (ComputeAPI), ``api_engine`` (SQLAlchemy Engine of the API
    database, on which the identity store may create its own tables), ``images``
    (ImageCatalog), ``topology`` (Topology), ``api_cell`` (ApiCellService: ``heal()``,
    ``heal_instance(uuid)``), ``cells`` ({name: ChildCellService}), ``transport``.
    ``start()`` starts the transport and cells, seeds default flavors and recovers work left
    unfinished by a crash; ``stop()`` stops them and disposes the engines. ``heal_interval``
    (seconds) also runs the heal task periodically; by default it runs once, at start.

    The cells come from the API database's cell registry (``api_store.cells``), which the
    topology seeds on the first start only; the topology's ``cells_health`` sets how often
    every cell reports up (a thread of the deployment) and when a silent cell is stale or
    down. ``transport`` is an OutageTransport around the given one, so a cell can be taken
    offline and back (``set_cell_online``, a test facility).

    A topology with ``cells_enabled: false`` is *flat* (``flat`` True): one database
    (``STATE/cloud.sqlite``, or the one URL given for 'api' or the cell) holds everything,
    the router delivers locally (``delivery``, a LocalDelivery), ``transport`` is None and
    the registry holds its one cell (``cellgate convert`` makes it a child cell).
    """

    def __init__(self, topology: Topology | str | os.PathLike[str],
                 state_dir: str | os.PathLike[str],
                 db_urls: Mapping[str, str] | Sequence[str] | None = None,
                 transport: Transport | None = None,
                 heal_interval: float | None = None) -> None:
        self.topology = topology if isinstance(topology, Topology) else load_topology(topology)
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        urls = parse_db_urls(db_urls, None)
        self.flat = not self.topology.cells_enabled
        self.transport: OutageTransport | None = None
        self.delivery: LocalDelivery | None = None
        self.images = ImageCatalog()
        self.health = HealthPolicy.from_dict(self.topology.cells_health)
        self.cells: dict[str, ChildCellService] = {}
        # cells whose database could not be opened: down from the start (messages to them
        # are held, as for a cell taken offline), the others go on
        self.unreachable: dict[str, str] = {}
        if self.flat:
            self._build_flat(urls)
        else:
            self._build_cells(urls, transport)
        self.api_cell.cross_cell_policy = self.topology.cross_cell_resize_policy
        self.compute_api = ComputeAPI(self.api_store, self.api_cell, self.images)
        self.heal_interval = heal_interval
        self._started = False
        self._reporter_stop: threading.Event | None = None
        self._reporter: threading.Thread | None = None

    def _build_cells(self, urls: dict[str, str], transport: Transport | None) -> None:
        """API cell + the registry's child cells, each with its own database, over a
        transport."""
        if not urls:
            check_layout(self.state_dir, cells_enabled=True)
        api_url = urls.get(API_CELL, f"sqlite:///{self.state_dir / API_DB}")
        self.api_store = ApiStore(api_url)
        self.api_engine = self.api_store.db.engine
        registry = self.api_store.cells
        if registry.seed(self.topology.cells, {
                n: urls.get(n, self.default_cell_url(n)) for n in self.topology.cell_names}):
            registry.set_setting("topology", self.topology.source)
        records = registry.list()
        names = [r.name for r in records]
        parse_db_urls(urls, names)  # every name given must be a registered cell
        self.db_urls = {API_CELL: api_url,
                        **{r.name: urls.get(r.name, r.database_connection) for r in records}}
        self.transport = OutageTransport(transport or InMemoryTransport())
        self.api_cell = ApiCellService(self.api_store, names, self.health)
        self.api_cell.attach(CellRouter(Endpoint(API_CELL, self.transport, self.api_cell),
                                        names))
        for spec in (r.spec() for r in records):
            try:
                store = CellStore(spec.name, self.db_urls[spec.name])
                service = ChildCellService(spec, store)
            except SQLAlchemyError as error:
                LOG.error("cell %s cannot open its database (%s): it starts down", spec.name,
                          error)
                self.unreachable[spec.name] = str(error)
                self.transport.set_offline(spec.name, True)
                continue
            service.attach(CellRouter(Endpoint(spec.name, self.transport, service), [],
                                      parent=API_CELL))
            self.cells[spec.name] = service
        self.api_cell.unreachable = set(self.unreachable)

    def _build_flat(self, urls: dict[str, str]) -> None:
        """One cell and the API service in one database, the router delivering locally.

        The API service keeps its role (scheduling, action records, the view the compute API
        reads) but its read model is the cell's own instance table (FlatCellStore), and no
        message or transport is involved: see LocalDelivery.
        """
        (spec,) = self.topology.cells
        parse_db_urls(urls, [spec.name])
        if not urls:
            check_layout(self.state_dir, cells_enabled=False)
        url = urls.get(API_CELL) or urls.get(spec.name) or f"sqlite:///{self.state_dir / FLAT_DB}"
        self.db_urls = {API_CELL: url, spec.name: url}
        self.delivery = LocalDelivery()
        self.api_store = ApiStore(url)
        self.api_engine = self.api_store.db.engine
        # the one cell is registered too (it is the cell the scheduler may choose); its
        # database is the flat one until `cellgate convert` moves the cell's tables out
        self.api_store.cells.seed([spec], {spec.name: url})
        self.api_cell = ApiCellService(self.api_store, [spec.name], self.health)
        self.api_cell.attach(CellRouter(
            LocalEndpoint(API_CELL, self.delivery, self.api_cell, worker=False), [spec.name]))
        service = ChildCellService(spec, FlatCellStore(spec.name, self.api_store))
        service.attach(CellRouter(LocalEndpoint(spec.name, self.delivery, service, worker=True),
                                  [], parent=API_CELL))
        self.cells[spec.name] = service

    @property
    def _delivery(self) -> Transport | LocalDelivery:
        return self.delivery if self.flat else self.transport

    def default_cell_url(self, name: str) -> str:
        """The database URL of a cell that names none: a SQLite file in the state dir."""
        return f"sqlite:///{self.state_dir / f'cell-{name}.sqlite'}"

    def start(self, timeout: float = 30.0, *, heal: bool = True) -> None:
        """Start delivering messages, seed flavors, collect capacity, heal and recover
        (``heal=False``: no start-up heal, for a manual sync that reports its own)."""
        self._delivery.start()
        self._started = True
        self.api_store.flavors.seed_defaults()
        self._api_services = [
            {"uuid": stable_uuid(API_CELL, binary), "host": f"{self.topology.name}-api",
             "binary": binary, "zone": "internal", "disabled": False,
             "disabled_reason": None, "created_at": time.time(), "updated_at": time.time()}
            for binary in ("nova-scheduler", "nova-conductor")]
        self.api_store.capacity.save_report(API_CELL, [], self._api_services)
        for name in self.unreachable:
            self.api_store.cells.forget_report(name)  # down, whatever it said before
        self.api_cell.refresh_capacity(timeout=timeout)
        self._start_reporter()
        # Resend unfinished work first: an in-order transport hands it to each cell before the
        # heal's request, so the heal sees the outcome; nothing depends on that order, though:
        # the heal's sync guard keeps the marks of work still pending (a delete stays pending)
        # and the outcome syncs up when it is done.
        self.api_cell.recover()
        if heal:
            self.api_cell.heal(timeout=timeout)
        if self.heal_interval:
            self.api_cell.start_heal_task(self.heal_interval)

    def _start_reporter(self) -> None:
        """Every ``report_interval``: each cell is asked to report its hosts and services up
        (through the transport, so a silent cell's reports stop arriving) and the API cell's
        own services are refreshed."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(self.health.report_interval):
                try:
                    self.api_store.capacity.save_report(API_CELL, [], self._api_services)
                    for name in self.cells:
                        self.api_cell.router.cast(name, "report_up", {})
                except Exception:  # keep reporting after one failure (a busy database)
                    LOG.exception("periodic capacity report failed")
        self._reporter_stop = stop
        self._reporter = threading.Thread(target=loop, name="cell-reports", daemon=True)
        self._reporter.start()

    def set_cell_online(self, name: str, online: bool) -> None:
        """Take a cell offline (its traffic is held: it stops answering and reporting) or
        bring it back (a test facility; ``cellgate cells offline|online``)."""
        if name not in self.cells or self.transport is None:  # flat: no cell to take away
            raise CellNotFound(name=name)
        self.transport.set_offline(name, not online)

    def offline_cells(self) -> set[str]:
        """The cells taken offline with set_cell_online."""
        return set() if self.transport is None else self.transport.offline()

    def stop(self) -> None:
        """Stop the cells (queued messages are dropped) and close the databases."""
        if self._reporter_stop is not None:
            self._reporter_stop.set()
            self._reporter.join(timeout=10)
            self._reporter_stop = self._reporter = None
        self.api_cell.stop_heal_task()
        if self._started:
            self._delivery.stop()
            self._started = False
        self.api_store.dispose()
        for cell in self.cells.values():
            cell.store.db.dispose()  # the API database again when flat: dispose is idempotent

    def __enter__(self) -> CellsDeployment:
        self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
