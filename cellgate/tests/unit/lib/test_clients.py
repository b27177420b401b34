"""Clients builds tempest.lib clients lazily (no network until a request is made)."""

from __future__ import annotations

import testtools
from tempest.lib.common import rest_client
from tempest.lib.services.compute import flavors_client, servers_client
from tempest.lib.services.image.v2 import images_client

from cellgate.lib.clients import Clients
from cellgate.lib.credentials import Credentials


class ClientsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.creds = Credentials("u", "p", "proj", "http://127.0.0.1:9/identity", region="R1")
        self.clients = Clients(self.creds, build_timeout=12, build_interval=0.01)

    def test_typed_clients_are_cached_and_configured(self):
        servers = self.clients.servers_client
        self.assertIsInstance(servers, servers_client.ServersClient)
        self.assertIs(servers, self.clients.servers_client)
        self.assertEqual(("compute", "R1", 12, 0.01),
                         (servers.service, servers.region, servers.build_timeout,
                          servers.build_interval))
        self.assertIs(servers.auth_provider, self.clients.flavors_client.auth_provider)
        self.assertIsInstance(self.clients.flavors_client, flavors_client.FlavorsClient)
        self.assertIsInstance(self.clients.images_client, images_client.ImagesClient)
        self.assertEqual("image", self.clients.images_client.service)

    def test_token_client_posts_to_v3(self):
        self.assertEqual("http://127.0.0.1:9/identity/v3/auth/tokens",
                         self.clients.token_client.auth_url)

    def test_raw_rest_client(self):
        raw = self.clients.rest_client("identity")
        self.assertIs(type(raw), rest_client.RestClient)
        self.assertEqual("identity", raw.service)
        error = self.assertRaises(ValueError, self.clients.rest_client, "network")
        self.assertIn("compute, identity, image", str(error))
