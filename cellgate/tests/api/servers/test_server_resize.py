"""resize with confirmResize / revertResize, within the server's cell (another host)."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests.api.servers import _actions

RESIZE_EVENTS = {"conductor_migrate_server", "cold_migrate", "compute_prep_resize",
                 "compute_resize_instance", "compute_finish_resize"}


class _MoveTest(_actions.ActionTest):
    """Each test boots its own server; the admin reads hosts and migration records."""

    def _admin_show(self, server_id: str) -> dict:
        return self.admin_client.show_server(server_id)["server"]

    def _host(self, server_id: str) -> str:
        return self._admin_show(server_id)["OS-EXT-SRV-ATTR:host"]

    def _migration(self, server_id: str) -> dict:
        """The server's newest migration record (admin, microversion 2.23: with its type)."""
        self.use_microversion("2.23")
        migrations = self.os_admin.migrations_client.list_migrations(
            instance_uuid=server_id)["migrations"]
        self.assertTrue(migrations, "no migration record for %s" % server_id)
        return max(migrations, key=lambda m: m["id"])

    def _resize(self, server_id: str, flavor_ref: str) -> str:
        req_id = _actions.request_id(self.client.resize_server(server_id, flavor_ref))
        self.wait_for_server_status(server_id, "VERIFY_RESIZE")
        return req_id


class ServerResizeTest(_MoveTest):
    required_features = ("resize",)

    @decorators.idempotent_id('26face76-3105-4c45-b308-474a6c59400f')
    def test_resize_then_confirm_keeps_new_flavor_and_host(self):
        server = self.create_server_for_test()
        source = self._host(server["id"])
        self._resize(server["id"], self.flavor_ref_alt)
        resized = self._admin_show(server["id"])
        self.assertEqual(("resized", self.flavor_ref_alt),
                         (resized["OS-EXT-STS:vm_state"], resized["flavor"]["id"]))
        self.assertNotEqual(source, resized["OS-EXT-SRV-ATTR:host"])
        self.client.confirm_resize_server(server["id"])
        confirmed = self.wait_for_server_status(server["id"], "ACTIVE")
        self.assertEqual(self.flavor_ref_alt, confirmed["flavor"]["id"])
        self.assertEqual(resized["OS-EXT-SRV-ATTR:host"], self._host(server["id"]))

    @decorators.idempotent_id('127bc829-a8bc-45af-af4f-2ab715047638')
    def test_resize_then_revert_restores_flavor_and_host(self):
        server = self.create_server_for_test()
        source = self._host(server["id"])
        self._resize(server["id"], self.flavor_ref_alt)
        self.client.revert_resize_server(server["id"])
        reverted = self.wait_for_server_status(server["id"], "ACTIVE")
        self.assertEqual(self.flavor_ref, reverted["flavor"]["id"])
        self.assertEqual(source, self._host(server["id"]))

    @decorators.requires_features("instance_actions")
    @decorators.idempotent_id('98e3ba02-4da7-4622-844b-970d5a66eb52')
    def test_resize_records_events_and_a_migration(self):
        server = self.create_server_for_test()
        source = self._host(server["id"])
        req_id = self._resize(server["id"], self.flavor_ref_alt)
        self.assertEqual(("resize", RESIZE_EVENTS),
                         _actions.action_events(self.client, server["id"], req_id))
        dest = self._host(server["id"])
        confirm_id = _actions.request_id(self.client.confirm_resize_server(server["id"]))
        self.wait_for_server_status(server["id"], "ACTIVE")
        self.assertEqual(("confirmResize", {"compute_confirm_resize"}),
                         _actions.action_events(self.client, server["id"], confirm_id))
        migration = self._migration(server["id"])
        self.assertEqual(("resize", "confirmed", source, dest, server["id"]),
                         (migration["migration_type"], migration["status"],
                          migration["source_compute"], migration["dest_compute"],
                          migration["instance_uuid"]))
        self.assertNotEqual(migration["old_instance_type_id"],
                            migration["new_instance_type_id"])

    @decorators.requires_features("stop_start")
    @decorators.idempotent_id('c3b4b665-5bb5-463b-b3a5-37a9404cf191')
    def test_resize_shutoff_server_confirms_to_shutoff(self):
        server = self.stopped_server()
        self._resize(server["id"], self.flavor_ref_alt)
        self.client.confirm_resize_server(server["id"])
        shown = self.wait_for_server_status(server["id"], "SHUTOFF")
        self.assertEqual(self.flavor_ref_alt, shown["flavor"]["id"])

    @decorators.idempotent_id('fe0edb00-0866-44bd-a42a-871bfde4c078')
    def test_resize_to_same_or_unknown_flavor_is_400(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.BadRequest, self.client.resize_server, server["id"],
                          self.flavor_ref)
        self.assertRaises(lib_exc.BadRequest, self.client.resize_server, server["id"],
                          "cellgate-no-such-flavor")
        self.assertRaises(lib_exc.BadRequest, self.client.action, server["id"], "resize")
        self.assertEqual("ACTIVE", self.status_of(server["id"]))

    @decorators.idempotent_id('60df1545-439e-49c9-ba9c-ca07d3622178')
    def test_confirm_or_revert_without_resize_is_409(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.Conflict, self.client.confirm_resize_server, server["id"])
        self.assertRaises(lib_exc.Conflict, self.client.revert_resize_server, server["id"])

    @decorators.idempotent_id('9f9f40f1-b26c-485f-8dcd-65a77cddb3d4')
    def test_resized_server_refuses_resize_and_stop(self):
        server = self.create_server_for_test()
        self._resize(server["id"], self.flavor_ref_alt)
        self.assertRaises(lib_exc.Conflict, self.client.resize_server, server["id"],
                          self.flavor_ref)
        self.assertRaises(lib_exc.Conflict, self.client.stop_server, server["id"])
        self.assertEqual("VERIFY_RESIZE",
                         self.status_of(server["id"]))


class ServerMigrateTest(_MoveTest):
    required_features = ("cold_migration",)

    @decorators.idempotent_id('07dc28b8-6d99-4ba2-8b35-d3c4b0f64d04')
    def test_migrate_moves_to_another_host_and_confirms(self):
        server = self.create_server_for_test()
        source = self._host(server["id"])
        req_id = _actions.request_id(self.admin_client.migrate_server(server["id"]))
        self.wait_for_server_status(server["id"], "VERIFY_RESIZE")
        dest = self._host(server["id"])
        self.assertNotEqual(source, dest)
        self.assertEqual(("migrate", RESIZE_EVENTS),
                         _actions.action_events(self.admin_client, server["id"], req_id))
        self.client.confirm_resize_server(server["id"])
        shown = self.wait_for_server_status(server["id"], "ACTIVE")
        self.assertEqual(self.flavor_ref, shown["flavor"]["id"])
        self.assertEqual(dest, self._host(server["id"]))
        migration = self._migration(server["id"])
        self.assertEqual(("migration", "confirmed", source, dest),
                         (migration["migration_type"], migration["status"],
                          migration["source_compute"], migration["dest_compute"]))

    @decorators.idempotent_id('61f5df63-1b4e-402b-888e-14033484735e')
    def test_migrate_is_admin_only(self):
        server = self.create_server_for_test()
        self.assertRaises(lib_exc.Forbidden, self.client.migrate_server, server["id"])
        self.assertEqual("ACTIVE", self.status_of(server["id"]))

    @decorators.requires_microversion("2.56")
    @decorators.idempotent_id('db868e8f-9c97-4d01-88c9-cf3d534b951e')
    def test_migrate_to_unknown_host_is_400(self):
        server = self.create_server_for_test()
        self.use_microversion("2.56")
        self.assertRaises(lib_exc.BadRequest, self.admin_client.migrate_server, server["id"],
                          host="cellgate-no-such-host")
        self.assertEqual("ACTIVE", self.status_of(server["id"]))
