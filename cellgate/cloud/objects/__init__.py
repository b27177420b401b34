"""Versioned objects that own their sync (Instance)."""

from cellgate.cloud.objects.base import VersionedObject
from cellgate.cloud.objects.instance import Instance, InstanceSite, nova_status

__all__ = ["Instance", "InstanceSite", "VersionedObject", "nova_status"]
