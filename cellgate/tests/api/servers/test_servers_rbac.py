"""Who sees a server: its project (member, member_peer), admins with all_tenants, nobody else;
and no request goes through without a valid token."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class ServersProjectIsolationTest(base.BaseComputeTest):
    """A server of `member`'s project, looked at by the other roles."""

    roles = ("admin", "member", "member_peer", "alt")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.name = _helpers.unique_name("isolated")
        cls.server = cls.create_test_server(name=cls.name, metadata={"owner": "member"})
        cls.alt = cls.os_alt.servers_client

    @decorators.idempotent_id('2c9e1b59-73dd-4c72-a134-48e32b468634')
    def test_other_project_show_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.alt.show_server, self.server["id"])

    @decorators.idempotent_id('69d83336-08a8-445d-9e3e-cfb2e34a8010')
    def test_other_project_update_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.alt.update_server, self.server["id"],
                          name=_helpers.unique_name("hijack"))
        shown = self.os_member.servers_client.show_server(self.server["id"])["server"]
        self.assertEqual(self.name, shown["name"])

    @decorators.idempotent_id('9a28518b-b3e9-4d25-aa44-dc0e413d974c')
    def test_other_project_delete_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.alt.delete_server, self.server["id"])
        shown = self.os_member.servers_client.show_server(self.server["id"])["server"]
        self.assertEqual("ACTIVE", shown["status"])

    @decorators.idempotent_id('89cdc375-a87e-4bac-a280-7cde0b30d199')
    def test_other_project_action_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.alt.reboot_server, self.server["id"],
                          type="HARD")
        self.assertRaises(lib_exc.NotFound, self.alt.stop_server, self.server["id"])
        member = self.os_member.servers_client
        shown = member.show_server(self.server["id"])["server"]
        self.assertEqual(("ACTIVE", _helpers.RUNNING, "active", None), _helpers.states(shown))
        if self.config.feature_enabled("instance_actions"):  # refused means not recorded
            actions = member.list_instance_actions(self.server["id"])["instanceActions"]
            self.assertEqual(["create"], [a["action"] for a in actions])

    @decorators.idempotent_id('9bbc264f-7658-4308-abb0-77ccebeb42ab')
    def test_other_project_metadata_is_404(self):
        sid = self.server["id"]
        self.assertRaises(lib_exc.NotFound, self.alt.list_server_metadata, sid)
        self.assertRaises(lib_exc.NotFound, self.alt.show_server_metadata_item, sid, "owner")
        self.assertRaises(lib_exc.NotFound, self.alt.set_server_metadata_item, sid, "owner",
                          {"owner": "alt"})
        self.assertRaises(lib_exc.NotFound, self.alt.update_server_metadata, sid,
                          {"owner": "alt"})
        self.assertRaises(lib_exc.NotFound, self.alt.delete_server_metadata_item, sid, "owner")
        metadata = self.os_member.servers_client.list_server_metadata(sid)["metadata"]
        self.assertEqual({"owner": "member"}, metadata)

    @decorators.idempotent_id('04b8a74d-0a9b-4962-9bf7-a78038229416')
    def test_other_project_list_does_not_show_it(self):
        for detail in (False, True):
            servers = self.alt.list_servers(detail=detail, name=self.name)["servers"]
            self.assertEqual([], servers)

    @decorators.idempotent_id('62180b1f-3737-406f-811a-4a58167c649b')
    def test_same_project_peer_sees_it(self):
        peer = self.os_member_peer.servers_client
        shown = peer.show_server(self.server["id"])["server"]
        self.assertEqual(self.name, shown["name"])
        listed = peer.list_servers(name=self.name)["servers"]
        self.assertEqual([self.server["id"]], [s["id"] for s in listed])

    @decorators.idempotent_id('6f70fc0e-61da-414e-86b7-35f9e6f22dcf')
    def test_admin_sees_it_with_all_tenants(self):
        admin = self.os_admin.servers_client
        listed = admin.list_servers(detail=True, all_tenants=True, name=self.name)["servers"]
        self.assertEqual([self.server["id"]], [s["id"] for s in listed])
        project_id, _ = _helpers.identity_ids(self.os_member)
        self.assertEqual(project_id, listed[0]["tenant_id"])
        own = admin.list_servers(name=self.name)["servers"]
        self.assertEqual([], own, "without all_tenants an admin lists only its own project")
        self.assertEqual(self.name, admin.show_server(self.server["id"])["server"]["name"])

    @decorators.idempotent_id('55407411-2340-43a8-985d-b4124669d207')
    def test_member_asking_all_tenants_is_403(self):
        self.assertRaises(lib_exc.Forbidden, self.alt.list_servers, all_tenants=True)
        self.assertRaises(lib_exc.Forbidden, self.os_member.servers_client.list_servers,
                          detail=True, all_tenants=True)


class ServersAuthenticationTest(base.BaseComputeTest):
    """Requests without a token, or with a made-up one, are 401."""

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client
        cls.provider = cls.os_member.auth_provider

    def _next_request_auth(self, auth_data):
        self.addCleanup(self.provider.reset_alt_auth_data)
        self.provider.set_alt_auth_data(request_part="headers", auth_data=auth_data)

    @decorators.idempotent_id('43528d2e-5b64-48a2-9af9-1e65b1d4d6b9')
    def test_list_without_token_is_401(self):
        self.client.list_servers()  # authenticates first, so only the header goes missing
        self._next_request_auth(None)
        self.assertRaises(lib_exc.Unauthorized, self.client.list_servers)

    @decorators.idempotent_id('a014028d-a426-4244-a9e3-180602c4a238')
    def test_create_with_bogus_token_is_401(self):
        catalog = self.provider.auth_data[1]
        self._next_request_auth(("gAAAAA-not-a-real-token", catalog))
        body = {"name": _helpers.unique_name("unauth"), "imageRef": self.image_ref,
                "flavorRef": self.flavor_ref}
        self.assertRaises(lib_exc.Unauthorized, self.client.create_server, **body)
        listed = self.client.list_servers(name=body["name"])["servers"]
        self.assertEqual([], _helpers.find_by_name(listed, body["name"]))
