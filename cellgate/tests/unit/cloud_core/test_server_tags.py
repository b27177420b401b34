"""Server tags in ComputeAPI: concurrent adds lose nothing and stop at the 50-tag limit, and
tags change only in the vm_states Nova allows (what the black-box suite cannot force)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from cellgate.cloud import exceptions as exc
from cellgate.cloud.compute.tags import MAX_TAG_COUNT
from cellgate.tests.unit.cloud_core.helpers import (
    CloudTestCase,
    boot,
    member,
    topology,
    wait_for_status,
)
from cellgate.tests.unit.cloud_core.test_atomic_state import BROKEN, ROOMY


class ServerTagsTest(CloudTestCase):

    ADDS = 80
    THREADS = 16

    def setUp(self) -> None:
        super().setUp()
        self.start(topology({"cell1": [("c1", "roomy")]}, {"roomy": ROOMY}))
        self.uuid = self.boot_and_wait()["uuid"]

    def _add(self, index: int) -> tuple[str, str]:
        tag = f"t{index:03d}"
        try:
            return tag, "201" if self.api.add_tag(member(), self.uuid, tag) else "204"
        except exc.Invalid:
            return tag, "400"

    def test_concurrent_adds_lose_nothing_and_stop_at_the_limit(self) -> None:
        with ThreadPoolExecutor(self.THREADS) as pool:
            results = list(pool.map(self._add, range(self.ADDS)))
        held = self.api.get_tags(member(), self.uuid)
        added = [tag for tag, code in results if code == "201"]
        self.assertEqual(MAX_TAG_COUNT, len(added))
        self.assertEqual(sorted(added), held)
        self.assertEqual(self.ADDS - MAX_TAG_COUNT, [c for _, c in results].count("400"))

    def test_another_project_is_forbidden_unknown_is_not_found(self) -> None:
        other = member(project="project-b", user="user-b")
        error = self.assertRaises(exc.Forbidden, self.api.get_tags, other, self.uuid)
        self.assertEqual("Policy doesn't allow os_compute_api:os-server-tags:index to be "
                         "performed.", error.message)
        self.assertRaises(exc.InstanceNotFound, self.api.add_tag, member(),
                          "00000000-0000-4000-8000-000000000000", "x")


class ServerTagsStateTest(CloudTestCase):

    def test_changes_refused_outside_nova_vm_states(self) -> None:
        self.start(topology({"cell1": [("c1", "broken")]}, {"broken": BROKEN}))
        self.uuid = boot(self.api, member(), tags=["kept"])["uuid"]
        wait_for_status(self.api, member(), self.uuid, "ERROR")
        for change in (lambda: self.api.add_tag(member(), self.uuid, "x"),
                       lambda: self.api.check_taggable(member(), self.uuid),
                       lambda: self.api.replace_tags(member(), self.uuid, []),
                       lambda: self.api.delete_tag(member(), self.uuid, "kept"),
                       lambda: self.api.delete_all_tags(member(), self.uuid)):
            error = self.assertRaises(exc.InstanceInvalidState, change)
            self.assertIn("while it is in vm_state error", error.message)
        self.assertEqual(["kept"], self.api.get_tags(member(), self.uuid))
