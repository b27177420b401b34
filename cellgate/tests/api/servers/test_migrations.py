"""GET /os-migrations: the records of resizes and cold migrations, per microversion."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.lib.microversion import ComputeMicroversion
from cellgate.tests import base

V21_KEYS = {"id", "source_compute", "dest_compute", "source_node", "dest_node", "dest_host",
            "old_instance_type_id", "new_instance_type_id", "instance_uuid", "status",
            "created_at", "updated_at"}


class MigrationsListTest(base.BaseComputeTest):
    """One server, cold-migrated and confirmed during class set-up."""

    required_features = ("cold_migration",)
    roles = ("member", "admin")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.server = cls.create_test_server()
        cls.os_admin.servers_client.migrate_server(cls.server["id"])
        cls.wait_for_server_status(cls.server["id"], "VERIFY_RESIZE")
        cls.os_member.servers_client.confirm_resize_server(cls.server["id"])
        cls.wait_for_server_status(cls.server["id"], "ACTIVE")

    def _list(self, version: str, **params) -> list[dict]:
        with ComputeMicroversion(version):
            return self.os_admin.migrations_client.list_migrations(
                instance_uuid=self.server["id"], **params)["migrations"]

    @decorators.idempotent_id('ea836391-1fd9-4e2b-8d36-3fcb30d0f693')
    def test_list_filtered_by_instance_at_21(self):
        migrations = self._list("2.1")
        self.assertEqual(1, len(migrations), migrations)
        self.assertEqual(V21_KEYS, set(migrations[0]))
        self.assertEqual((self.server["id"], "confirmed"),
                         (migrations[0]["instance_uuid"], migrations[0]["status"]))
        self.assertNotEqual(migrations[0]["source_compute"], migrations[0]["dest_compute"])

    @decorators.requires_microversion("2.23")
    @decorators.idempotent_id('15b359c1-c3dd-4430-ab80-3c8b328d2fd6')
    def test_migration_type_from_223(self):
        (migration,) = self._list("2.23")
        self.assertEqual("migration", migration["migration_type"])
        self.assertEqual([], self._list("2.23", migration_type="resize"))

    @decorators.requires_microversion("2.59")
    @decorators.idempotent_id('95a72dbd-4d92-4679-be3f-7688514b07d2')
    def test_uuid_from_259(self):
        (migration,) = self._list("2.59")
        self.assertTrue(migration["uuid"])
        self.assertNotIn("user_id", migration)

    @decorators.requires_microversion("2.80")
    @decorators.idempotent_id('1536acec-5f70-4f03-94af-6b1fee732c92')
    def test_user_and_project_from_280(self):
        (migration,) = self._list("2.80")
        admin = self.os_admin
        self.assertEqual((admin.user_id, admin.project_id),
                         (migration["user_id"], migration["project_id"]))

    @decorators.requires_microversion("2.80")
    @decorators.idempotent_id('6833aeae-b107-4625-82bd-314b8b65b26a')
    def test_user_and_project_filters_from_280(self):
        admin = self.os_admin
        self.assertEqual(1, len(self._list("2.80", user_id=admin.user_id)))
        self.assertEqual(1, len(self._list("2.80", project_id=admin.project_id)))
        self.assertEqual([], self._list("2.80", user_id=self.os_member.user_id))
        self.assertRaises(lib_exc.BadRequest, self._list, "2.79", user_id=admin.user_id)

    @decorators.requires_microversion("2.66")
    @decorators.idempotent_id('dbe4acd5-a82e-40cf-b8b9-70c9e0cb9125')
    def test_changes_before_from_266(self):
        self.assertEqual(1, len(self._list("2.66", **{"changes-before": "2100-01-01T00:00:00Z"})))
        self.assertEqual([], self._list("2.66", **{"changes-before": "2000-01-01T00:00:00Z"}))
        self.assertRaises(lib_exc.BadRequest, self._list, "2.66",
                          **{"changes-since": "2100-01-01T00:00:00Z",
                             "changes-before": "2000-01-01T00:00:00Z"})

    @decorators.idempotent_id('dccbd75c-3c93-4bdc-9344-035ef0e7b733')
    def test_list_is_admin_only(self):
        self.assertRaises(lib_exc.Forbidden, self.os_member.migrations_client.list_migrations)
