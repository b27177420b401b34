"""CloudProcess: a fixture that runs `python -m cellgate serve` as a child process.

The gate runner and the tests use it: it starts the cloud on a free loopback port, waits for
STATE/ready.json written by that child, and stops it on cleanup (SIGTERM, then SIGKILL after a
timeout). `kill()` and `restart()` let crash-recovery tests reuse the same state dir.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import fixtures

from cellgate.cloud.statedir import open_private
from cellgate.errors import CellgateError

_STOP_TIMEOUT = 20.0


class CloudProcessError(CellgateError):
    """The child cloud died or did not become ready in time; the message holds its stderr."""


class CloudProcess(fixtures.Fixture):
    """Run the reference cloud in a child process (see module docstring)."""

    def __init__(self, topology: str | None = "single-cell", state_dir: str | None = None,
                 host_profile: str | None = None, extra_args: Sequence[str] = (),
                 startup_timeout: float = 60) -> None:
        super().__init__()
        self.topology = topology
        self._state_dir = state_dir
        self.host_profile = host_profile
        self.extra_args = tuple(extra_args)
        self.startup_timeout = startup_timeout
        self._proc: subprocess.Popen | None = None
        self._ready: dict = {}
        self._starts = 0

    # -- fixture ---------------------------------------------------------------------------

    def _setUp(self) -> None:
        if self._state_dir is None:
            self._state_dir = self.useFixture(fixtures.TempDir()).path
        self.addCleanup(self.stop)
        self._start()

    # -- public ----------------------------------------------------------------------------

    @property
    def state_dir(self) -> str:
        """The state directory (databases, clouds.yaml, ready.json, logs)."""
        return str(self._state_dir)

    @property
    def identity_url(self) -> str:
        return self._ready["identity_url"]

    @property
    def compute_url(self) -> str:
        return self._ready["compute_url"]

    @property
    def image_url(self) -> str:
        return self._ready["image_url"]

    @property
    def clouds_yaml(self) -> str:
        return self._ready["clouds_yaml"]

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT (no trailing slash)."""
        return self.compute_url.rsplit("/compute/", 1)[0]

    @property
    def pid(self) -> int | None:
        """The child's pid while it runs."""
        return self._proc.pid if self._proc is not None else None

    def kill(self) -> None:
        """SIGKILL the child (a crash: ready.json stays behind) and reap it."""
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.send_signal(signal.SIGKILL)
            self._proc.wait()
            self._proc = None

    def restart(self) -> None:
        """Start again on the same state dir (stopping the child first if it runs)."""
        self.stop()
        self._start()

    def stop(self) -> None:
        """SIGTERM the child and wait; SIGKILL if it does not exit in time."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()

    # -- internals -------------------------------------------------------------------------

    def _command(self) -> list[str]:
        cmd = [sys.executable, "-m", "cellgate", "serve", "--port", "0", "--host", "127.0.0.1",
               "--state-dir", self.state_dir]
        if self.topology is not None:  # None: the one the state dir remembers
            cmd += ["--topology", str(self.topology)]
        if self.host_profile:
            cmd += ["--host-profile", str(self.host_profile)]
        return cmd + list(self.extra_args)

    def _start(self) -> None:
        state = Path(self.state_dir)
        state.mkdir(parents=True, exist_ok=True)
        ready = state / "ready.json"
        ready.unlink(missing_ok=True)  # a SIGKILLed predecessor leaves its file behind
        self._starts += 1
        stdout_path = state / f"serve-{self._starts}.out"
        stderr_path = state / f"serve-{self._starts}.err"
        # private like every file of the state dir (the child keeps the dir itself 0700)
        with open(stdout_path, "wb", opener=open_private) as out, \
                open(stderr_path, "wb", opener=open_private) as err:
            self._proc = subprocess.Popen(self._command(), stdout=out, stderr=err,
                                          stdin=subprocess.DEVNULL, env=dict(os.environ))
        deadline = time.monotonic() + self.startup_timeout
        delay = 0.01
        while True:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                raise CloudProcessError(
                    f"cellgate serve (topology {self.topology}) exited with code {code} "
                    f"before it was ready; its stderr:\n{_tail(stderr_path)}")
            data = _read_ready(ready)
            if data is not None and data.get("pid") == self._proc.pid:
                self._ready = data
                return
            if time.monotonic() > deadline:
                self.kill()
                raise CloudProcessError(
                    f"cellgate serve (topology {self.topology}) was not ready after "
                    f"{self.startup_timeout} s; its stderr:\n{_tail(stderr_path)}")
            time.sleep(delay)
            delay = min(delay * 1.5, 0.2)


def _read_ready(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no stderr)"
    return text[-limit:] or "(empty)"
