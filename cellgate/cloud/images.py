"""The small fake Glance catalog: two public, active cirros images with fixed UUIDs."""

from __future__ import annotations

import datetime
from typing import Any

from cellgate.cloud.exceptions import ImageNotFound

CIRROS_ID = "7c1e6a3c-5a7d-4f0e-9a51-0c6c5f1b2a10"
CIRROS_ALT_ID = "a3e5b2d4-8c1f-4b6e-9f2a-1d7c3e5b9a20"
_CREATED = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def _image(image_id: str, name: str) -> dict[str, Any]:
    return {"id": image_id, "name": name, "status": "active", "visibility": "public",
            "protected": False, "container_format": "bare", "disk_format": "qcow2",
            "min_disk": 0, "min_ram": 0, "size": 21430272, "virtual_size": 117440512,
            "checksum": "c8fc807773e5354afe61636071771906", "os_hash_algo": "sha512",
            "os_hash_value": None, "owner": None, "tags": [], "created_at": _CREATED,
            "updated_at": _CREATED, "metadata": {}}


class ImageCatalog:
    """Read-only image records ``{id, name, status, visibility, ...}``."""

    def __init__(self) -> None:
        self._images = {i["id"]: i for i in (_image(CIRROS_ID, "cirros-0.6.2-x86_64-disk"),
                                              _image(CIRROS_ALT_ID, "cirros-0.6.2-alt"))}

    def list(self) -> list[dict[str, Any]]:
        """Every image, sorted by name."""
        return sorted((dict(i) for i in self._images.values()), key=lambda i: i["name"])

    def get(self, image_id: str) -> dict[str, Any]:
        """One image; unknown id -> ImageNotFound."""
        try:
            return dict(self._images[image_id])
        except KeyError:
            raise ImageNotFound(image_id=image_id)
