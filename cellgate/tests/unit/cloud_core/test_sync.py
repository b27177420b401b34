"""The read model's sync-up guards and the Instance object's sync through its site."""

from __future__ import annotations

import testtools

from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.objects import Instance
from cellgate.cloud.objects.base import utcnow


def data(seq: int, **changes) -> dict:
    instance = Instance(uuid="u-1", name="vm", project_id="p", vm_state="building",
                        created_at=utcnow(), updated_at=utcnow(), sync_seq=seq)
    for key, value in changes.items():
        setattr(instance, key, value)
    return instance.obj_data()


class ReadModelGuardTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.store = ApiStore("sqlite://")
        self.addCleanup(self.store.dispose)
        self.model = self.store.instances

    def state(self) -> tuple:
        stored = self.model.get("u-1")
        return stored["vm_state"], stored["task_state"], stored["sync_seq"], stored["deleted"]

    def test_unknown_instance_is_inserted(self) -> None:
        self.assertTrue(self.model.apply_sync(data(1, task_state="spawning")))
        self.assertEqual(("building", "spawning", 1, False), self.state())

    def test_out_of_order_update_never_moves_backwards(self) -> None:
        self.model.apply_sync(data(1, task_state="spawning"))
        self.assertTrue(self.model.apply_sync(data(3, vm_state="active", task_state=None)))
        self.assertFalse(self.model.apply_sync(data(2, vm_state="building",
                                                    task_state="spawning")))
        self.assertEqual(("active", None, 3, False), self.state())

    def test_equal_sequence_is_refused_except_by_heal(self) -> None:
        self.model.apply_sync(data(2, vm_state="active", task_state=None))
        self.assertFalse(self.model.apply_sync(data(2, vm_state="error", task_state=None)))
        self.assertEqual("active", self.state()[0])
        self.assertTrue(self.model.apply_sync(data(2, vm_state="error", task_state=None),
                                              heal=True))
        self.assertEqual("error", self.state()[0])
        self.assertFalse(self.model.apply_sync(data(1, vm_state="active"), heal=True))

    def test_deleted_stays_deleted(self) -> None:
        self.model.apply_sync(data(4, vm_state="deleted", task_state=None, deleted=True))
        self.assertFalse(self.model.apply_sync(data(9, vm_state="active", task_state=None)))
        self.assertFalse(self.model.apply_sync(data(9, vm_state="active"), heal=True))
        self.assertEqual(("deleted", None, 4, True), self.state())

    def test_top_keeps_user_edits_over_stale_sync(self) -> None:
        self.model.apply_sync(data(1, vm_state="active", task_state=None))
        edited = self.model.get("u-1")
        edited["name"], edited["metadata"] = "renamed", {"k": "v"}
        self.model.put(edited)
        self.assertTrue(self.model.apply_sync(data(2, vm_state="stopped", task_state=None)))
        stored = self.model.get("u-1")
        self.assertEqual(("renamed", {"k": "v"}, "stopped"),
                         (stored["name"], stored["metadata"], stored["vm_state"]))

    def test_top_edit_keeps_a_sync_that_landed_after_the_read(self) -> None:
        self.model.apply_sync(data(1, task_state="spawning"))
        read_before_sync = self.model.get("u-1")
        self.model.apply_sync(data(2, vm_state="active", task_state=None))
        read_before_sync["metadata"] = {"k": "v"}
        self.model.update_fields("u-1", {"metadata": read_before_sync["metadata"]})
        stored = self.model.get("u-1")
        self.assertEqual(("active", None, 2, {"k": "v"}),
                         (stored["vm_state"], stored["task_state"], stored["sync_seq"],
                          stored["metadata"]))

    def test_top_edit_of_unknown_instance_writes_nothing(self) -> None:
        self.assertIsNone(self.model.update_fields("u-404", {"name": "x"}))
        self.assertIsNone(self.model.get("u-404"))

    def test_listing_hides_deleted_unless_changes_since(self) -> None:
        self.model.apply_sync(data(1, vm_state="deleted", deleted=True))
        self.assertEqual([], self.model.query())
        self.assertEqual(1, len(self.model.query(changes_since=0.0)))


class RecordingSite:
    def __init__(self) -> None:
        self.saves: list[tuple[str, set]] = []

    def save_instance(self, instance: Instance, changes: set) -> None:
        self.saves.append((instance.uuid, changes))


class InstanceObjectTest(testtools.TestCase):

    def test_save_goes_through_the_site_with_changes(self) -> None:
        site = RecordingSite()
        instance = Instance(uuid="u-2").bind(site)
        instance.name = "x"
        instance.metadata = {"a": "b"}
        instance.save()
        instance.save()
        self.assertEqual([("u-2", {"name", "metadata"}), ("u-2", set())], site.saves)

    def test_unbound_save_fails(self) -> None:
        self.assertRaises(RuntimeError, Instance(uuid="u-3").save)

    def test_status_mapping(self) -> None:
        cases = {("building", "scheduling"): "BUILD", ("active", None): "ACTIVE",
                 ("active", "rebooting"): "REBOOT", ("active", "rebooting_hard"): "HARD_REBOOT",
                 ("stopped", None): "SHUTOFF", ("error", None): "ERROR",
                 ("active", "powering-off"): "ACTIVE"}
        for (vm_state, task_state), status in cases.items():
            self.assertEqual(status, Instance(vm_state=vm_state, task_state=task_state).status)
        self.assertEqual("DELETED", Instance(vm_state="active", deleted=True).status)
