"""Servers across microversions: description (2.19), networks required (2.37), embedded
flavor (2.47)."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class ServersDescriptionTest(base.BaseComputeTest):
    """2.19: a server has a description, set at create and changed by update."""

    microversion = "2.19"

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client

    @decorators.idempotent_id('ccdf5cbc-cab6-4ff2-b32e-5037af279210')
    def test_create_with_description_shows_it(self):
        name = _helpers.unique_name("described")
        server = self.create_server_for_test(name=name, description="made by cellgate",
                                             metadata={"k": "v"})
        shown = self.client.show_server(server["id"])["server"]
        self.assertEqual("made by cellgate", shown["description"])
        self.assertEqual(name, shown["name"])
        self.assertEqual({"k": "v"}, shown["metadata"])
        self.assertTrue(shown["OS-EXT-AZ:availability_zone"])

    @decorators.idempotent_id('645cc0d7-83b8-4212-be48-4155bf1232ce')
    def test_update_description(self):
        server = self.create_server_for_test()
        self.assertIsNone(self.client.show_server(server["id"])["server"]["description"])
        body = self.client.update_server(server["id"], description="changed")["server"]
        self.assertEqual("changed", body["description"])
        self.assertEqual("changed", self.client.show_server(server["id"])["server"]["description"])

    @decorators.idempotent_id('640d4a0c-0ec8-43f2-837f-f48471858884')
    def test_too_long_description_is_400(self):
        body = {"name": _helpers.unique_name("desc"), "imageRef": self.image_ref,
                "flavorRef": self.flavor_ref, "description": "d" * 256}
        self.assertRaises(lib_exc.BadRequest, self.client.create_server, **body)

    @decorators.idempotent_id('6142aaf6-df2e-449e-a633-3e8861c6f4a4')
    def test_description_rejected_before_2_19(self):
        self.use_microversion("2.18")
        body = {"name": _helpers.unique_name("desc"), "imageRef": self.image_ref,
                "flavorRef": self.flavor_ref, "description": "too early"}
        self.assertRaises(lib_exc.BadRequest, self.client.create_server, **body)


class ServersNetworksRequiredTest(base.BaseComputeTest):
    """2.37: `networks` is required and takes 'auto', 'none' or a list."""

    microversion = "2.37"

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client

    def _body(self, **kwargs):
        body = {"name": _helpers.unique_name("net"), "imageRef": self.image_ref,
                "flavorRef": self.flavor_ref}
        body.update(kwargs)
        return body

    @decorators.idempotent_id('8afa4b83-8223-4425-82b0-9eae7e2e4675')
    def test_missing_networks_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.create_server, **self._body())

    @decorators.idempotent_id('d04912c0-10bb-4d43-b4ed-482e90e744db')
    def test_networks_none_is_accepted(self):
        server = self.create_server_for_test(networks="none")
        self.assertEqual("ACTIVE", server["status"])
        self.assertEqual({}, server["addresses"])

    @decorators.idempotent_id('bfd8e32f-9659-419f-bc1d-fdec6f098a09')
    def test_networks_auto_is_accepted(self):
        server = self.create_server_for_test(networks="auto")
        self.assertEqual("ACTIVE", server["status"])

    @decorators.idempotent_id('18f5aefe-5d9c-4a82-b326-90457388f01b')
    def test_networks_unknown_word_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.create_server,
                          **self._body(networks="some"))


class ServersEmbeddedFlavorTest(base.BaseComputeTest):
    """2.47: the server embeds its flavor (extra_specs included) instead of a link."""

    microversion = "2.47"
    roles = ("admin", "member")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client

    @decorators.idempotent_id('3db97c91-160b-4a25-85f7-72b66b60d63e')
    def test_embedded_flavor_without_extra_specs(self):
        flavor = self.os_admin.flavors_client.show_flavor(self.flavor_ref)["flavor"]
        server = self.create_server_for_test()
        embedded = self.client.show_server(server["id"])["server"]["flavor"]
        self.assertNotIn("id", embedded)
        self.assertEqual(flavor["name"], embedded["original_name"])
        for key in ("vcpus", "ram", "disk"):
            self.assertEqual(flavor[key], embedded[key], key)
        self.assertEqual({}, embedded.get("extra_specs", {}))

    @decorators.requires_features("extra_specs")
    @decorators.idempotent_id('7fa54f72-aa44-48ab-af01-7a560a17c936')
    def test_embedded_flavor_has_extra_specs(self):
        flavor = self.create_flavor_for_test()
        specs = {"hw:cpu_policy": "shared", "cellgate:marker": "embedded"}
        self.os_admin.flavors_client.set_flavor_extra_spec(flavor["id"], **specs)
        server = self.create_server_for_test(flavorRef=flavor["id"])
        embedded = self.client.show_server(server["id"])["server"]["flavor"]
        self.assertEqual(flavor["name"], embedded["original_name"])
        self.assertEqual(specs, embedded["extra_specs"])

    @decorators.idempotent_id('2da8a767-c46c-4472-b7ff-36b0c97bb9f3')
    def test_flavor_is_a_link_before_2_47(self):
        server = self.create_server_for_test()
        self.use_microversion("2.46")
        flavor = self.client.show_server(server["id"])["server"]["flavor"]
        self.assertEqual(str(self.flavor_ref), flavor["id"])
        self.assertIn("links", flavor)
        self.assertNotIn("original_name", flavor)
