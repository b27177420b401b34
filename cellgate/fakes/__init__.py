"""In-process fakes plugged into the cloud through its driver interface."""

from cellgate.fakes.driver import FakeDriver, SpawnFailed

__all__ = ["FakeDriver", "SpawnFailed"]
