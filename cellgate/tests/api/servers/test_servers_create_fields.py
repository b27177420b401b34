"""POST /servers fields that Nova stores and shows or acts on: user_data (shown to admins
from 2.3), config_drive, tags (2.52), min_count/max_count with return_reservation_id
(several servers, one reservation id, launch indexes), scheduler hints, personality
(gone at 2.57) and block_device_mapping_v2; and the 400s for bad values of each."""

from __future__ import annotations

import base64

from tempest.lib import exceptions as lib_exc
from tempest.lib.common.utils import data_utils

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers

_USER_DATA = base64.b64encode(b"#!/bin/sh\necho cellgate\n").decode()


class ServersCreateFieldsTest(base.BaseComputeTest):
    """Boots with the optional create fields; the admin reads the extended attributes."""

    microversion = "2.52"
    roles = ("member", "admin")

    @property
    def client(self):
        return self.os_member.servers_client

    @property
    def admin(self):
        return self.os_admin.servers_client

    def _body(self, **kwargs) -> dict:
        body = {"name": _helpers.unique_name("fields"), "imageRef": self.image_ref,
                "flavorRef": self.flavor_ref, "networks": "none"}
        body.update(kwargs)
        return body

    def _refused(self, exc_class, **kwargs) -> None:
        """Create expecting a failure; a surprise success is still cleaned up."""
        try:
            created = self.client.create_server(**self._body(**kwargs))
        except exc_class:
            return
        for server in self._by_reservation(created) if "reservation_id" in created else [
                created["server"]]:
            self.addCleanup(_helpers.delete_server_and_wait, self.client, server["id"])
        self.fail(f"accepted: {kwargs}")

    def _by_reservation(self, created: dict) -> list[dict]:
        return self.client.list_servers(detail=True,
                                        reservation_id=created["reservation_id"])["servers"]

    def _admin_show(self, server_id: str, version: str = "2.52") -> dict:
        self.use_microversion(version)
        return self.admin.show_server(server_id)["server"]

    @decorators.idempotent_id('ae06c5e1-9b75-4c03-852e-b54b9842b485')
    def test_user_data_is_shown_to_admins_from_2_3(self):
        server = self.create_server_for_test(user_data=_USER_DATA)
        self.assertEqual(_USER_DATA, self._admin_show(server["id"], "2.3")[
            "OS-EXT-SRV-ATTR:user_data"])
        self.assertNotIn("OS-EXT-SRV-ATTR:user_data",
                         self.client.show_server(server["id"])["server"])
        plain = self.create_server_for_test()
        self.assertIsNone(self._admin_show(plain["id"])["OS-EXT-SRV-ATTR:user_data"])

    @decorators.idempotent_id('19318e81-12d7-4884-b931-2a2e6ebbfc12')
    def test_user_data_not_base64_is_400(self):
        self._refused(lib_exc.BadRequest, user_data="not base64!")

    @decorators.idempotent_id('ce1a5f6f-7826-433b-b1f5-333fa0d1f015')
    def test_user_data_too_long_is_400(self):
        self._refused(lib_exc.BadRequest, user_data="QUFB" * 16384)

    @decorators.idempotent_id('dbac5283-e0dd-405f-8dcb-836ba80d7b53')
    def test_config_drive_is_stored_and_shown(self):
        with_drive = self.create_server_for_test(config_drive=True)
        self.assertEqual("True",
                         self.client.show_server(with_drive["id"])["server"]["config_drive"])
        without = self.create_server_for_test()
        self.assertEqual("", self.client.show_server(without["id"])["server"]["config_drive"])

    @decorators.idempotent_id('63b3516a-94bc-4ca5-b96d-ea78c4c7ea90')
    def test_disk_config_auto_is_stored_and_shown(self):
        created = self.client.create_server(**self._body(**{"OS-DCF:diskConfig": "AUTO"}))
        sid = created["server"]["id"]
        self.addCleanup(_helpers.delete_server_and_wait, self.client, sid)
        self.assertEqual("AUTO", created["server"]["OS-DCF:diskConfig"])
        self.wait_for_server_status(sid, "ACTIVE")
        self.assertEqual("AUTO", self.client.show_server(sid)["server"]["OS-DCF:diskConfig"])
        plain = self.create_server_for_test()
        self.assertEqual("MANUAL",
                         self.client.show_server(plain["id"])["server"]["OS-DCF:diskConfig"])

    @decorators.idempotent_id('78f1d9cc-7217-4720-be7b-ecc7b41b5831')
    def test_config_drive_not_boolean_is_400(self):
        self._refused(lib_exc.BadRequest, config_drive="maybe")

    @decorators.idempotent_id('e34af41f-7e36-4f19-8cbd-40a36720e9c3')
    def test_max_count_with_return_reservation_id(self):
        name = _helpers.unique_name("multi")
        created = self.client.create_server(**self._body(
            name=name, min_count=1, max_count=2, return_reservation_id=True))
        self.assertEqual(["reservation_id"], list(created))
        servers = self._by_reservation(created)
        for server in servers:
            self.addCleanup(_helpers.delete_server_and_wait, self.client, server["id"])
        self.assertEqual([name + "-1", name + "-2"], sorted(s["name"] for s in servers))
        shown = [self._admin_show(s["id"]) for s in servers]
        self.assertEqual({created["reservation_id"]},
                         {s["OS-EXT-SRV-ATTR:reservation_id"] for s in shown})
        self.assertEqual({0, 1}, {s["OS-EXT-SRV-ATTR:launch_index"] for s in shown})

    @decorators.idempotent_id('c92f6dee-655c-42c5-9de6-6e7d7e6d2d58')
    def test_each_boot_has_its_own_reservation_id(self):
        one = self.create_server_for_test(wait_until=None)
        two = self.create_server_for_test(wait_until=None)
        ids = {self._admin_show(s["id"])["OS-EXT-SRV-ATTR:reservation_id"] for s in (one, two)}
        self.assertEqual(2, len(ids))
        self.assertTrue(all(i.startswith("r-") for i in ids), ids)

    @decorators.idempotent_id('c2bc15a1-ef19-4830-9b02-81765f90302d')
    def test_bad_counts_are_400(self):
        self._refused(lib_exc.BadRequest, min_count=2, max_count=1)
        self._refused(lib_exc.BadRequest, min_count="")
        self._refused(lib_exc.BadRequest, max_count="")
        self._refused(lib_exc.BadRequest, min_count=0)
        self._refused(lib_exc.BadRequest, min_count="x")

    @decorators.idempotent_id('e149895c-8e11-4002-94eb-efbc17dae0dd')
    def test_tags_on_create_are_stored(self):
        server = self.create_server_for_test(tags=["b-tag", "a-tag"])
        self.assertEqual(["a-tag", "b-tag"],
                         sorted(self.client.show_server(server["id"])["server"]["tags"]))

    @decorators.idempotent_id('ca01b251-f0ff-49c7-b877-1f45b25b25ee')
    def test_bad_tags_are_400(self):
        self._refused(lib_exc.BadRequest, tags=["a,b"])
        self._refused(lib_exc.BadRequest, tags=["x" * 61])
        self._refused(lib_exc.BadRequest, tags="one")

    @decorators.idempotent_id('86009f46-9c0a-4baf-aa13-79f7b5aa7518')
    def test_tags_before_2_52_are_400(self):
        self.use_microversion("2.51")
        self._refused(lib_exc.BadRequest, tags=["early"])

    @decorators.idempotent_id('3260cc2d-7a3f-485a-8a15-b520957e4b43')
    def test_scheduler_hint_group_not_a_uuid_is_400(self):
        self._refused(lib_exc.BadRequest, scheduler_hints={"group": "not-a-uuid"})

    @decorators.idempotent_id('4a4ae03e-e037-49af-8696-3fe6cec8ee97')
    def test_scheduler_hint_unknown_group_is_400(self):
        self._refused(lib_exc.BadRequest, scheduler_hints={"group": data_utils.rand_uuid()})

    @decorators.idempotent_id('9829524f-34c1-44a2-b9df-7ffe42941298')
    def test_personality_is_refused_from_2_57(self):
        self.use_microversion("2.57")
        self._refused(lib_exc.BadRequest, personality=[{"path": "/etc/motd",
                                                        "contents": "aGk="}])

    @decorators.idempotent_id('6dd4d1cb-05a7-489e-b774-d9964d35027a')
    def test_personality_contents_not_base64_is_400(self):
        self.use_microversion("2.56")
        self._refused(lib_exc.BadRequest, personality=[{"path": "/etc/motd",
                                                        "contents": "not base64!"}])

    @decorators.idempotent_id('0b1a1e32-1d6e-42cf-9b58-1bbce904ecc4')
    def test_block_device_mapping_of_the_boot_image(self):
        server = self.create_server_for_test(block_device_mapping_v2=[{
            "source_type": "image", "destination_type": "local", "uuid": self.image_ref,
            "boot_index": 0, "delete_on_termination": True}])
        self.assertEqual(self.image_ref,
                         self.client.show_server(server["id"])["server"]["image"]["id"])

    @decorators.idempotent_id('29703344-5624-4255-8f69-75fb9e8b334a')
    def test_block_device_mapping_bad_fields_are_400(self):
        self._refused(lib_exc.BadRequest, block_device_mapping_v2=[{"boot_index": "first"}])
        self._refused(lib_exc.BadRequest, block_device_mapping_v2=[{"source_type": "disk"}])
        self._refused(lib_exc.BadRequest, block_device_mapping_v2="x")


class ServerInputBoundsTest(base.BaseComputeTest):
    """Huge numbers, empty integers and extreme values: Nova's 400, never a 500."""

    roles = ("member", "admin")

    @decorators.idempotent_id('cbe70aaa-1bf3-4143-80f2-03e4be76cb26')
    def test_flavor_create_with_empty_or_huge_ram_is_400(self):
        client = self.os_admin.flavors_client
        for ram in ("", "9" * 23, 9 * 10 ** 22):
            body = {"name": _helpers.unique_name("flavor"), "id": data_utils.rand_uuid(),
                    "ram": ram, "vcpus": 1, "disk": 1}
            try:
                created = client.create_flavor(**body)["flavor"]
            except lib_exc.BadRequest:
                continue
            self.addCleanup(client.delete_flavor, created["id"])
            self.fail(f"flavor with ram {ram!r} accepted")

    @decorators.idempotent_id('dd4066ef-ac6c-4c3e-b7ab-b96f399ffff0')
    def test_action_on_unknown_server_is_404_whatever_the_action(self):
        client = self.os_member.servers_client
        for action in ("lock", "pause", "reboot"):
            body = {"type": "HARD"} if action == "reboot" else None
            self.assertRaises(lib_exc.NotFound, client.action, data_utils.rand_uuid(),
                              action, **(body or {}))
