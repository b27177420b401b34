"""Servers: create, list (filters, paging, changes-since), show, update and delete."""

from __future__ import annotations

import datetime
import urllib.parse as urlparse

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class ServersTest(base.BaseComputeTest):
    """Servers API at the base microversion, run by a member of the owning project."""

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client
        cls.prefix = _helpers.unique_name("srvlist")
        cls.create_body = cls.create_test_server(
            wait_until=None, name=cls.prefix + "-a", metadata={"purpose": "list"})
        cls.server = cls.wait_for_server_status(cls.create_body["id"], "ACTIVE")
        # A second server on the alternate image and flavor, for the list filters.
        cls.server_alt = cls.create_test_server(
            name=cls.prefix + "-b", imageRef=cls.image_ref_alt, flavorRef=cls.flavor_ref_alt)
        cls.server_c = cls.create_test_server(name=cls.prefix + "-c")
        cls.own_ids = {cls.server["id"], cls.server_alt["id"], cls.server_c["id"]}

    def _own(self, servers):
        return [s for s in servers if s["id"] in self.own_ids]

    @decorators.idempotent_id('a158b34e-12a9-4047-8509-41d2dbad950a')
    def test_create_server_response(self):
        body = self.create_body
        self.assertEqual(self.server["id"], body["id"])
        self.assertTrue(body["adminPass"])
        rels = {link["rel"] for link in body["links"]}
        self.assertEqual({"self", "bookmark"}, rels)
        for link in body["links"]:
            self.assertIn(body["id"], link["href"])

    @decorators.idempotent_id('c7714b1b-3c33-4397-9fad-002ada8a025a')
    def test_server_goes_from_build_to_active(self):
        created = self.create_server_for_test(wait_until=None)
        first = self.client.show_server(created["id"])["server"]
        self.assertIn(first["status"], ("BUILD", "ACTIVE"))
        if first["status"] == "BUILD":
            self.assertEqual("building", first["OS-EXT-STS:vm_state"])
        final = self.wait_for_server_status(created["id"], "ACTIVE")
        self.assertEqual(("ACTIVE", _helpers.RUNNING, "active", None), _helpers.states(final))
        self.assertTrue(final["OS-SRV-USG:launched_at"], "an ACTIVE server was launched")

    @decorators.idempotent_id('ace0c0f6-8cc9-4850-bf6a-df3e16849b3a')
    def test_show_server(self):
        server = self.client.show_server(self.server["id"])["server"]
        self.assertEqual(self.prefix + "-a", server["name"])
        self.assertEqual("ACTIVE", server["status"])
        self.assertEqual(str(self.flavor_ref), server["flavor"]["id"])
        self.assertEqual(self.image_ref, server["image"]["id"])
        self.assertEqual({"purpose": "list"}, server["metadata"])
        project_id, user_id = _helpers.identity_ids(self.os_member)
        self.assertEqual(project_id, server["tenant_id"])
        self.assertEqual(user_id, server["user_id"])

    @decorators.idempotent_id('753a97f1-a48c-4846-a3b6-3cb210b6b206')
    def test_list_servers_has_own_servers(self):
        servers = self.client.list_servers()["servers"]
        own = self._own(servers)
        self.assertEqual(self.own_ids, {s["id"] for s in own})
        for server in own:
            self.assertEqual({"id", "name", "links"}, set(server))

    @decorators.idempotent_id('9775559f-63ea-4623-b4db-d3747e83379e')
    def test_list_servers_detail_has_own_servers(self):
        servers = self.client.list_servers(detail=True)["servers"]
        own = {s["id"]: s for s in self._own(servers)}
        self.assertEqual(self.own_ids, set(own))
        detail = own[self.server["id"]]
        self.assertEqual("ACTIVE", detail["status"])
        self.assertEqual(self.image_ref, detail["image"]["id"])

    @decorators.idempotent_id('bba63f85-e073-4ffd-aa0e-abbecd94203b')
    def test_list_servers_filter_by_name(self):
        servers = self.client.list_servers(name=self.prefix + "-b")["servers"]
        self.assertEqual([self.server_alt["id"]], [s["id"] for s in servers])

    @decorators.idempotent_id('24d71277-f6ef-4a9b-b4f0-ead9ab719316')
    def test_list_servers_filter_by_status(self):
        active = self.client.list_servers(name=self.prefix, status="ACTIVE")["servers"]
        self.assertEqual(self.own_ids, {s["id"] for s in self._own(active)})
        shutoff = self.client.list_servers(name=self.prefix, status="SHUTOFF")["servers"]
        self.assertEqual([], self._own(shutoff))

    @decorators.idempotent_id('130d0236-1bfa-4db6-a790-292f222bddaf')
    def test_list_servers_filter_by_flavor(self):
        servers = self.client.list_servers(name=self.prefix,
                                           flavor=self.flavor_ref_alt)["servers"]
        self.assertEqual([self.server_alt["id"]], [s["id"] for s in self._own(servers)])

    @decorators.idempotent_id('42c40994-4d97-401b-ab8c-1a21c91aa961')
    def test_list_servers_filter_by_image(self):
        servers = self.client.list_servers(name=self.prefix, image=self.image_ref_alt)["servers"]
        self.assertEqual([self.server_alt["id"]], [s["id"] for s in self._own(servers)])

    @decorators.idempotent_id('cbb3add0-c963-4b70-8141-41f71fd4823b')
    def test_list_servers_paging_with_limit_and_marker(self):
        seen = []
        params = {"name": self.prefix, "limit": 1}
        for _ in range(10):
            body = self.client.list_servers(**params)
            self.assertLessEqual(len(body["servers"]), 1)
            seen.extend(s["id"] for s in body["servers"])
            links = {link["rel"]: link["href"] for link in body.get("servers_links", [])}
            if "next" not in links:
                break
            query = urlparse.parse_qs(urlparse.urlparse(links["next"]).query)
            self.assertEqual(["1"], query["limit"])
            self.assertEqual([seen[-1]], query["marker"])
            params["marker"] = seen[-1]
        self.assertEqual(len(seen), len(set(seen)), "a page repeated a server")
        self.assertEqual(self.own_ids, set(seen))

    @decorators.idempotent_id('75e48243-f4ea-4ead-95fc-fb15bc18b27d')
    def test_list_servers_limit_larger_than_count(self):
        body = self.client.list_servers(name=self.prefix, limit=100)
        self.assertEqual(self.own_ids, {s["id"] for s in body["servers"]})
        self.assertNotIn("servers_links", body)

    @decorators.idempotent_id('cea62958-f96c-48d8-b722-d1258a436ce0')
    def test_list_servers_changes_since(self):
        since = self.server["created"]
        servers = self.client.list_servers(**{"changes-since": since,
                                              "name": self.prefix})["servers"]
        self.assertIn(self.server["id"], {s["id"] for s in servers})
        future = (datetime.datetime.now(datetime.timezone.utc)
                  + datetime.timedelta(days=3650)).strftime("%Y-%m-%dT%H:%M:%SZ")
        servers = self.client.list_servers(**{"changes-since": future,
                                              "name": self.prefix})["servers"]
        self.assertEqual([], servers)

    @decorators.idempotent_id('709af146-369f-4ecf-a07f-99700431c933')
    def test_update_server_name(self):
        server = self.create_server_for_test()
        new_name = _helpers.unique_name("renamed")
        updated = self.client.update_server(server["id"], name=new_name)["server"]
        self.assertEqual(new_name, updated["name"])
        self.assertEqual(new_name, self.client.show_server(server["id"])["server"]["name"])

    @decorators.idempotent_id('c01e9e92-e71c-4391-bfec-541d7021c365')
    def test_delete_server_then_show_is_404(self):
        server = self.create_server_for_test()
        self.assertEqual(_helpers.RUNNING, server["OS-EXT-STS:power_state"])
        self.client.delete_server(server["id"])
        _helpers.wait_for_termination(self.client, server["id"])
        self.assertRaises(lib_exc.NotFound, self.client.show_server, server["id"])
        listed = self.client.list_servers(name=server["name"])["servers"]
        self.assertEqual([], _helpers.find_by_name(listed, server["name"]))
