"""The HTTP server of `cellgate serve`: waitress, tuned so idle connections cannot lock out
new clients.

Waitress stays (rather than gunicorn, cheroot or uvicorn) because its accept loop is
asynchronous: an idle connection costs a file descriptor and a poll entry, never a worker
thread, so the worker threads serve only requests that have fully arrived. Its defaults were
what locked clients out: it stops accepting at `connection_limit` (100 by default) open
connections and, with select(), cannot watch descriptors above 1024. Here it polls, its limit
is 10,000 connections, and the soft RLIMIT_NOFILE is raised (up to the hard limit) to fit them.
Idle connections are closed after `CHANNEL_TIMEOUT` seconds.

One more change: waitress accepts one connection per turn of its loop, and each turn re-polls
every open connection, so a burst of N connections cost O(N^2) (1,000 took 0.6 s to accept,
2,000 took 3 s, while a new client waited behind them). The listening sockets here accept up to
`ACCEPT_BATCH` pending connections per turn.
"""

from __future__ import annotations

import resource
from typing import Any

import waitress
from waitress.server import BaseWSGIServer

CONNECTION_LIMIT = 10_000
FD_RESERVE = 256  # databases and their journals, the wake-up pipe, stdio, clouds.yaml writes
MIN_CONNECTION_LIMIT = 100  # waitress's own default, if the hard fd limit is very low
CHANNEL_TIMEOUT = 120
ACCEPT_BATCH = 256


def raise_open_file_limit(wanted: int) -> int:
    """Raise the soft RLIMIT_NOFILE towards `wanted` (never past the hard limit); return the
    soft limit now in force, capped at `wanted`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return wanted
    target = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        return soft
    return target


def connection_limit() -> int:
    """How many connections the server keeps open at most, given the fd limit."""
    nofile = raise_open_file_limit(CONNECTION_LIMIT + FD_RESERVE)
    return max(MIN_CONNECTION_LIMIT, min(CONNECTION_LIMIT, nofile - FD_RESERVE))


def create_server(app: Any, *, host: str, port: int, threads: int) -> Any:
    """A bound, listening waitress server for `app` (OSError when the address is unusable)."""
    channels: dict = {}  # waitress's socket map: listening sockets and connections
    server = waitress.create_server(app, channels, host=host, port=port, threads=threads,
                                    ident="cellgate", channel_timeout=CHANNEL_TIMEOUT,
                                    connection_limit=connection_limit(),
                                    asyncore_use_poll=True)
    for listener in list(channels.values()):
        if isinstance(listener, BaseWSGIServer):
            _accept_in_batches(listener, channels)
    return server


def _accept_in_batches(listener: BaseWSGIServer, channels: dict) -> None:
    """Make one readable event on `listener` accept every pending connection (up to
    ACCEPT_BATCH and the connection limit) instead of one."""
    accept_one = listener.handle_accept

    def handle_accept() -> None:
        for _ in range(ACCEPT_BATCH):
            before = len(channels)
            accept_one()
            if len(channels) == before or len(channels) >= listener.adj.connection_limit:
                return  # nothing pending (or a failed accept), or full

    listener.handle_accept = handle_accept  # type: ignore[method-assign]
