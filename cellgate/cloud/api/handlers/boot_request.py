"""Checks of the POST /servers fields this cloud has no service behind (block devices,
personality files), and the scheduler hints it honours: each is either honoured as far as
the fake can or refused with the error Nova gives when the thing it names does not exist."""

from __future__ import annotations

import base64

from cellgate.cloud.api.errors import HTTPError

# Nova's default quota limits on injected (personality) files, below 2.57.
MAX_INJECTED_FILES = 5
MAX_INJECTED_FILE_PATH = 255
MAX_INJECTED_FILE_BYTES = 10240

_BAD_BOOT = ("Block Device Mapping is Invalid: Boot sequence for the instance and "
             "image/block device mapping combination is not valid.")


def boot_image(spec: dict) -> str:
    """The image a boot request boots from: ``imageRef``, or the ``image`` -> ``local``
    mapping of ``block_device_mapping_v2`` with boot index 0. There are no volumes here, so
    a volume or snapshot is Nova's 400 for one that does not exist, and a volume to create
    (``blank``/``image`` -> ``volume``) or a local blank disk is refused as Nova refuses a
    mapping it cannot boot; an image mapping other than the boot image likewise."""
    image_ref = spec.get("imageRef") or ""
    for bdm in spec.get("block_device_mapping_v2") or ():
        source = bdm.get("source_type")
        ident = bdm.get("uuid") or bdm.get("volume_id") or bdm.get("snapshot_id") or ""
        if source == "volume" or bdm.get("volume_id"):
            raise HTTPError(400, "Volume %s could not be found." % ident)
        if source == "snapshot" or bdm.get("snapshot_id"):
            raise HTTPError(400, "Snapshot %s could not be found." % ident)
        boot = str(bdm.get("boot_index")) == "0"
        if source != "image" or bdm.get("destination_type") != "local" or not boot:
            raise HTTPError(400, _BAD_BOOT)
        if image_ref and ident and ident != image_ref:
            raise HTTPError(400, _BAD_BOOT)
        image_ref = image_ref or ident
    if not image_ref:
        raise HTTPError(400, _BAD_BOOT)
    return image_ref


def scheduler_hints(body: dict) -> dict:
    """The scheduler hints of a boot (the schema checked their types): ``group`` names a
    server group, ``same_host`` / ``different_host`` servers; others are Nova's filters'
    that are not enabled here, so they are accepted and have no effect, as in Nova."""
    return dict(body.get("os:scheduler_hints") or body.get("OS-SCH-HNT:scheduler_hints") or {})


def cell_hints(body: dict) -> dict:
    """The cell scheduler's hints of a boot: ``target_cell`` (a name) and
    ``different_cell`` (a list of names; a single name is a list of one)."""
    hints = scheduler_hints(body)
    different = hints.get("different_cell") or []
    return {"target_cell": hints.get("target_cell") or None,
            "different_cell": [different] if isinstance(different, str) else list(different)}


def check_personality(files: list[dict] | None) -> None:
    """Personality files (below 2.57) within Nova's default injected-file quotas (403 over
    them); this cloud has no disk to write them to, so they are checked and not kept."""
    files = files or []
    if len(files) > MAX_INJECTED_FILES:
        raise HTTPError(403, "Personality file limit exceeded")
    for item in files:
        if len(item.get("path") or "") > MAX_INJECTED_FILE_PATH:
            raise HTTPError(403, "Personality file path exceeds maximum %d"
                            % MAX_INJECTED_FILE_PATH)
        if len(base64.b64decode(item.get("contents") or "")) > MAX_INJECTED_FILE_BYTES:
            raise HTTPError(403, "Personality file content exceeds maximum %d"
                            % MAX_INJECTED_FILE_BYTES)
