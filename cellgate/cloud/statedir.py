"""The state directory of `cellgate serve`: private modes and one server at a time.

The directory holds the admin password (clouds.yaml), the databases and the logs, so it is
kept 0700 and every file in it 0600, also when it already existed with looser modes. A lock on
STATE/serve.lock (`flock`, released by the kernel when the holder dies, SIGKILL included) keeps
a second `cellgate serve` from starting on the same directory and overwriting the first's
clouds.yaml and ready.json.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from cellgate.errors import CellgateError

DIR_MODE = 0o700
FILE_MODE = 0o600
SERVING_UMASK = 0o077  # files created while serving (SQLite journals, WAL) are 0600 too
LOCK_NAME = "serve.lock"


class StateDirError(CellgateError):
    """The state directory cannot be made private or used (not a directory, no permission)."""


class StateDirLocked(StateDirError):
    """Another `cellgate serve` holds the state directory's lock."""


def make_private(state: Path) -> None:
    """Create `state` if needed and set it 0700 and every file under it 0600."""
    try:
        state.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        state.chmod(DIR_MODE)
        for root, dirs, files in os.walk(state):
            for name in dirs:
                os.chmod(os.path.join(root, name), DIR_MODE, follow_symlinks=False)
            for name in files:
                path = os.path.join(root, name)
                if not os.path.islink(path):
                    os.chmod(path, FILE_MODE)
    except OSError as error:
        raise StateDirError(f"--state-dir {state}: cannot make it private "
                            f"({error.strerror}); fix: use a directory you own")


def open_private(path: Path | str, flags: int) -> int:
    """os.open with mode 0600: an `opener` for open() on files in the state directory."""
    return os.open(path, flags, FILE_MODE)


def write_atomic(path: Path, content: str) -> None:
    """Replace ``path`` by ``content`` in one rename (0600): never half written."""
    part = path.with_name(path.name + ".tmp")
    with open(part, "w", encoding="utf-8", opener=open_private) as handle:
        handle.write(content)
    os.replace(part, path)


class StateLock:
    """An exclusive lock on STATE/serve.lock holding the owner's pid; `release()` drops it."""

    def __init__(self, state: Path) -> None:
        self.path = state / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock without waiting; StateDirLocked names the running server."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as error:
            raise StateDirError(f"cannot create {self.path}: {error.strerror}")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip()
            os.close(fd)
            raise StateDirLocked(f"--state-dir {self.path.parent} is in use by another "
                                 f"cellgate serve ({_describe(self.path.parent, holder)}); "
                                 "fix: stop that one or use another --state-dir")
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        """Drop the lock (the file stays; the next server truncates it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _describe(state: Path, holder_pid: str) -> str:
    """'pid 123, serving http://...' from the lock file and the holder's ready.json."""
    try:
        ready = json.loads((state / "ready.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        ready = {}
    pid = holder_pid or "unknown"
    if isinstance(ready, dict) and str(ready.get("pid")) == holder_pid and ready.get(
            "compute_url"):
        base = str(ready["compute_url"]).rsplit("/compute/", 1)[0]
        return f"pid {pid}, serving {base}"
    return f"pid {pid}, still starting"
