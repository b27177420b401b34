"""The one compute API code path (see compute/api.py)."""

from cellgate.cloud.compute.api import ComputeAPI

__all__ = ["ComputeAPI"]
