"""Server metadata: list, replace, merge, show/put/delete one key, and what is refused."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc
from tempest.lib.common.utils import data_utils

from cellgate.lib import decorators
from cellgate.tests import base

INITIAL = {"key1": "value1", "key2": "value2"}


class ServerMetadataTest(base.BaseComputeTest):
    """The /servers/{id}/metadata routes on one server owned by the class."""

    required_features = ("server_metadata",)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client
        cls.server = cls.create_test_server(metadata={"boot": "yes"})

    def setUp(self):
        super().setUp()
        self.client.set_server_metadata(self.server["id"], dict(INITIAL))

    def _metadata(self):
        return self.client.list_server_metadata(self.server["id"])["metadata"]

    @decorators.idempotent_id('96c68313-ebcf-44dd-9398-257ff247390a')
    def test_boot_metadata_is_shown(self):
        server = self.create_server_for_test(metadata={"colour": "green", "size": "s"})
        self.assertEqual({"colour": "green", "size": "s"},
                         self.client.show_server(server["id"])["server"]["metadata"])

    @decorators.idempotent_id('67243084-e304-4c83-bd80-3f5315d46fdc')
    def test_list_metadata(self):
        self.assertEqual(INITIAL, self._metadata())

    @decorators.idempotent_id('cb6f2f9a-0bd8-4945-a5f1-f57f7879a072')
    def test_set_metadata_replaces_all(self):
        body = self.client.set_server_metadata(self.server["id"], {"key3": "value3"})
        self.assertEqual({"key3": "value3"}, body["metadata"])
        self.assertEqual({"key3": "value3"}, self._metadata())

    @decorators.idempotent_id('ed77b1a9-8027-41b3-b8e9-3e9c960554b0')
    def test_set_metadata_empty_clears(self):
        self.client.set_server_metadata(self.server["id"], {})
        self.assertEqual({}, self._metadata())

    @decorators.idempotent_id('8d086677-ff2e-417d-b695-cf8ddde92e59')
    def test_update_metadata_merges(self):
        body = self.client.update_server_metadata(self.server["id"],
                                                  {"key2": "changed", "key4": "value4"})
        self.assertEqual({"key1": "value1", "key2": "changed", "key4": "value4"},
                         body["metadata"])
        self.assertEqual(body["metadata"], self._metadata())

    @decorators.idempotent_id('e220a4d9-1cdb-42b5-979f-ae41f16dd762')
    def test_show_metadata_item(self):
        body = self.client.show_server_metadata_item(self.server["id"], "key1")
        self.assertEqual({"key1": "value1"}, body["meta"])

    @decorators.idempotent_id('b9942818-dee2-4bab-a2fd-66a87b97aa21')
    def test_set_metadata_item(self):
        body = self.client.set_server_metadata_item(self.server["id"], "key5",
                                                    {"key5": "value5"})
        self.assertEqual({"key5": "value5"}, body["meta"])
        self.assertEqual(dict(INITIAL, key5="value5"), self._metadata())
        self.client.set_server_metadata_item(self.server["id"], "key1", {"key1": "new"})
        self.assertEqual("new", self._metadata()["key1"])

    @decorators.idempotent_id('9e91feed-887d-482d-bfa6-4feb762b35b0')
    def test_delete_metadata_item(self):
        self.client.delete_server_metadata_item(self.server["id"], "key1")
        self.assertEqual({"key2": "value2"}, self._metadata())
        self.assertRaises(lib_exc.NotFound, self.client.show_server_metadata_item,
                          self.server["id"], "key1")

    @decorators.idempotent_id('a4334f25-20ab-429d-9aaa-bedb63f1da9a')
    def test_metadata_in_server_detail(self):
        self.client.update_server_metadata(self.server["id"], {"key6": "value6"})
        server = self.client.show_server(self.server["id"])["server"]
        self.assertEqual(dict(INITIAL, key6="value6"), server["metadata"])


class ServerMetadataNegativeTest(base.BaseComputeTest):
    """Metadata requests Nova refuses."""

    required_features = ("server_metadata",)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client
        cls.server = cls.create_test_server(metadata=dict(INITIAL))

    @decorators.idempotent_id('137c37f9-4de5-4bff-90e8-780ed28176b8')
    def test_set_item_key_mismatch_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.set_server_metadata_item,
                          self.server["id"], "key1", {"other": "value"})

    @decorators.idempotent_id('b7951f86-0e60-41ca-a344-89535cbb3f58')
    def test_set_item_with_two_keys_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.set_server_metadata_item,
                          self.server["id"], "key1", {"key1": "a", "key2": "b"})

    @decorators.idempotent_id('dde997ae-d15a-43b6-a51d-cb0828b55baf')
    def test_show_unknown_key_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.show_server_metadata_item,
                          self.server["id"], "no-such-key")

    @decorators.idempotent_id('053c3b8a-98af-41c8-b526-fd5af890265e')
    def test_delete_unknown_key_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.delete_server_metadata_item,
                          self.server["id"], "no-such-key")

    @decorators.idempotent_id('a7789710-052a-4962-962e-9033ce89ab07')
    def test_too_long_key_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.update_server_metadata,
                          self.server["id"], {"k" * 256: "value"})

    @decorators.idempotent_id('361c48aa-a3b4-4580-9362-a351e576b841')
    def test_blank_key_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.set_server_metadata,
                          self.server["id"], {"": "value"})

    @decorators.idempotent_id('a984c3cc-8eef-40f5-873b-c1790e144eaa')
    def test_missing_metadata_field_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.set_server_metadata,
                          self.server["id"], {"key1": "value1"}, no_metadata_field=True)

    @decorators.idempotent_id('30635316-8ae2-4ac9-85fa-7c92175eec27')
    def test_metadata_of_unknown_server_is_404(self):
        ghost = data_utils.rand_uuid()
        self.assertRaises(lib_exc.NotFound, self.client.list_server_metadata, ghost)
        self.assertRaises(lib_exc.NotFound, self.client.update_server_metadata, ghost,
                          {"key1": "value1"})

    @decorators.idempotent_id('9d008b6e-5bc0-4615-81e9-42dcef6e91f1')
    def test_refused_requests_leave_metadata_unchanged(self):
        self.assertRaises(lib_exc.BadRequest, self.client.set_server_metadata_item,
                          self.server["id"], "key1", {"other": "value"})
        self.assertRaises(lib_exc.BadRequest, self.client.update_server_metadata,
                          self.server["id"], {"k" * 256: "value"})
        self.assertEqual(INITIAL,
                         self.client.list_server_metadata(self.server["id"])["metadata"])
