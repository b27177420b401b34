"""Server group bodies per microversion (Nova's server groups controller)."""

from __future__ import annotations

from cellgate.cloud.api.microversion import APIVersion


def show(group: dict, version: APIVersion) -> dict:
    """One group: ``policies`` and an empty ``metadata`` below 2.64, ``policy`` and
    ``rules`` from 2.64; ``project_id`` and ``user_id`` from 2.13."""
    body: dict = {"id": group["uuid"], "name": group["name"]}
    if version >= "2.64":
        body["policy"] = group["policy"]
        body["rules"] = dict(group["rules"])
    else:
        body["policies"] = [group["policy"]]
        body["metadata"] = {}
    body["members"] = list(group["members"])
    if version >= "2.13":
        body["project_id"] = group["project_id"]
        body["user_id"] = group["user_id"]
    return body
