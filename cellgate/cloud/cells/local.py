"""Local delivery for a flat deployment: the router's sends dispatched straight to the
services of this process, with no Message, no transport and no reply routing.

What stays asynchronous stays so: work sent down to the cell (a build, an action) runs on the
cell's own single worker thread, one piece at a time in the order sent (a cast from that
worker queues behind the current piece), as the transport would deliver it, so the API still
answers 202 before the work is done. Calls to the cell wait on that worker (or run inline
when made from it); everything sent up to the API service (action events, capacity, build
failures) runs synchronously on the sender's thread, so it is recorded before the cell's next
step. Payloads are JSON-copied, so no object is
shared by reference between the API and the cell, as with a transport.
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from cellgate.cloud.exceptions import MessageTimeout, MessagingError, UnknownMethod

LOG = logging.getLogger(__name__)
_here = threading.local()  # .cell: the cell whose worker this thread is


class LocalDelivery:
    """Direct dispatch between the cells of one process (see module docstring)."""

    def __init__(self) -> None:
        self._services: dict[str, Any] = {}
        self._workers: dict[str, ThreadPoolExecutor] = {}
        self.delivered = 0  # sends handled (for tests and figures)

    def register(self, cell_name: str, service: Any, *, worker: bool) -> None:
        """Deliver to ``service``; ``worker`` gives the cell its own single worker thread."""
        self._services[cell_name] = service
        if worker:
            self._workers[cell_name] = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=f"cell-{cell_name}",
                initializer=setattr, initargs=(_here, "cell", cell_name))

    def start(self) -> None:
        """Nothing to start: workers start on their first piece of work."""

    def stop(self) -> None:
        """Stop the workers; work still queued is dropped (as a dying process would)."""
        for executor in self._workers.values():
            executor.shutdown(wait=True, cancel_futures=True)

    def _handler(self, target: str, method: str) -> Any:
        service = self._services.get(target)
        if service is None:
            raise MessagingError(f"no cell named {target!r} in this flat deployment")
        handler = getattr(service, f"msg_{method}", None)
        if handler is None:
            raise UnknownMethod(cell=target, method=method)
        return handler

    def send(self, source: str, target: str, method: str, payload: dict[str, Any], *,
             wait: bool, timeout: float = 30.0) -> Any:
        """Run ``msg_<method>`` of ``target`` with a copy of ``payload``; ``wait`` returns
        its result (a failure raised as MessagingError), otherwise a failure is logged."""
        handler = self._handler(target, method)
        copy = json.loads(json.dumps(payload))
        self.delivered += 1
        executor = self._workers.get(target)
        if executor is None or (wait and getattr(_here, "cell", None) == target):
            # a call from the cell's own worker cannot wait for that worker: run it inline
            return self._run(handler, copy, source, target, method, wait)
        future: Future = executor.submit(self._run, handler, copy, source, target, method, wait)
        if not wait:
            return None
        try:
            return future.result(timeout)
        except FutureTimeout:
            raise MessageTimeout(cell=target, method=method, timeout=timeout)

    @staticmethod
    def _run(handler: Any, payload: dict[str, Any], source: str, target: str, method: str,
             wait: bool) -> Any:
        try:
            return handler(payload)
        except Exception as exc:
            if wait:
                if isinstance(exc, MessagingError):
                    raise
                raise MessagingError(getattr(exc, "message", str(exc))) from exc
            LOG.error("cell %s: cast %s from %s failed: %s", target, method, source, exc,
                      exc_info=True)
            return None


class LocalEndpoint:
    """The Endpoint interface CellRouter uses (``cell_name``, ``cast``, ``call``), delivering
    through a LocalDelivery instead of a transport."""

    def __init__(self, cell_name: str, delivery: LocalDelivery, service: Any, *,
                 worker: bool) -> None:
        self.cell_name = cell_name
        self.delivery = delivery
        delivery.register(cell_name, service, worker=worker)

    def cast(self, target: str, method: str, payload: dict[str, Any], *,
             direction: str = "down", kind: str = "targeted") -> None:
        """Deliver without waiting."""
        self.delivery.send(self.cell_name, target, method, payload, wait=False)

    def call(self, target: str, method: str, payload: dict[str, Any], *,
             direction: str = "down", kind: str = "targeted", timeout: float = 30.0) -> Any:
        """Deliver and return the handler's result."""
        return self.delivery.send(self.cell_name, target, method, payload, wait=True,
                                  timeout=timeout)
