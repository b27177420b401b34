"""Servers from 2.62 to 2.104: trusted certificates (2.63), the full body of PUT (2.75),
strict query strings (2.75, 2.102), changes-before (2.66), the locked filter (2.73), more
filters for members (2.83), hostnames (2.90, 2.94), image properties (2.98) and scheduler
hints (2.100) in the server body."""

from __future__ import annotations

import json

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.lib.microversion import ComputeMicroversion, version_headers
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers

PAST = "2000-01-01T00:00:00Z"
FUTURE = "2100-01-01T00:00:00Z"


class _MemberServersTest(base.BaseComputeTest):
    roles = ("member",)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client

    def _names(self, **params):
        return {s["name"] for s in self.client.list_servers(**params)["servers"]}

    def _create_fails(self, error, **body):
        body.setdefault("name", _helpers.unique_name("late"))
        body.setdefault("imageRef", self.image_ref)
        body.setdefault("flavorRef", self.flavor_ref)
        body.setdefault("networks", "none")
        self.assertRaises(error, self.client.create_server, **body)


class TrustedCertsTest(_MemberServersTest):
    """2.63: trusted_image_certificates are stored and shown (null when none)."""

    microversion = "2.63"

    @decorators.idempotent_id('97ca46c9-2645-4385-91ce-ddf1b6c3f9c4')
    def test_boot_with_certificates_shows_them(self):
        server = self.create_server_for_test(trusted_image_certificates=["cert-a", "cert-b"])
        shown = self.client.show_server(server["id"])["server"]
        self.assertEqual(["cert-a", "cert-b"], shown["trusted_image_certificates"])
        listed = [s for s in self.client.list_servers(detail=True)["servers"]
                  if s["id"] == server["id"]]
        self.assertEqual(["cert-a", "cert-b"], listed[0]["trusted_image_certificates"])

    @decorators.idempotent_id('ddc5190f-d2e7-4377-979f-d716ea35593f')
    def test_boot_without_certificates_shows_null(self):
        server = self.create_server_for_test()
        self.assertIsNone(self.client.show_server(server["id"])["server"][
            "trusted_image_certificates"])

    @decorators.idempotent_id('1919588c-e8cd-4d64-b7e0-b8dcfddf2b25')
    def test_certificates_refused_before_2_63(self):
        self.use_microversion("2.62")
        self._create_fails(lib_exc.BadRequest, trusted_image_certificates=["cert-a"])

    @decorators.idempotent_id('3a77056f-bf34-4b9b-a2c5-54515ee93cf4')
    def test_duplicate_or_empty_certificates_are_400(self):
        self._create_fails(lib_exc.BadRequest, trusted_image_certificates=["a", "a"])
        self._create_fails(lib_exc.BadRequest, trusted_image_certificates=[])

    @decorators.requires_features("rebuild")
    @decorators.idempotent_id('785c13c7-c661-4849-8b47-57a2872ae748')
    def test_rebuild_replaces_and_clears_certificates(self):
        server = self.create_server_for_test(trusted_image_certificates=["old"])
        body = self.client.rebuild_server(server["id"], self.image_ref,
                                          trusted_image_certificates=["new"])["server"]
        self.assertEqual(["new"], body["trusted_image_certificates"])
        self.wait_for_server_status(server["id"], "ACTIVE")
        self.assertEqual(["new"], self.client.show_server(server["id"])["server"][
            "trusted_image_certificates"])
        self.client.rebuild_server(server["id"], self.image_ref,
                                   trusted_image_certificates=None)
        self.wait_for_server_status(server["id"], "ACTIVE")
        self.assertIsNone(self.client.show_server(server["id"])["server"][
            "trusted_image_certificates"])


class UpdateBodyTest(_MemberServersTest):
    """2.75: PUT /servers/{id} answers the whole server, as GET does; before, a short body."""

    microversion = "2.75"

    @decorators.idempotent_id('aefd6350-f211-42f7-a88a-a3c5df19e54c')
    def test_update_answers_the_full_server(self):
        server = self.create_server_for_test()
        body = self.client.update_server(server["id"], name="renamed")["server"]
        shown = self.client.show_server(server["id"])["server"]
        self.assertEqual("renamed", body["name"])
        for key in ("OS-EXT-STS:vm_state", "OS-EXT-AZ:availability_zone", "key_name",
                    "OS-SRV-USG:launched_at", "config_drive"):
            self.assertEqual(shown[key], body[key], key)

    @decorators.idempotent_id('183bfa6a-168b-4345-a406-70253cc12746')
    def test_update_before_2_75_answers_the_short_body(self):
        server = self.create_server_for_test()
        self.use_microversion("2.74")
        body = self.client.update_server(server["id"], name="renamed")["server"]
        self.assertEqual("renamed", body["name"])
        self.assertNotIn("OS-EXT-STS:vm_state", body)
        self.assertNotIn("key_name", body)


class StrictQueryTest(_MemberServersTest):
    """2.75: GET /servers refuses unknown query parameters (2.102: GET /servers/{id} too)."""

    microversion = "2.75"

    def _get(self, path):
        return self.os_member.rest_client("compute").get(path, headers=version_headers(),
                                                         extra_headers=True)

    @decorators.idempotent_id('58221236-2679-4b3b-a9b8-77b4408b991a')
    def test_unknown_list_parameter_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self._get, "servers?no_such_filter=1")
        self.assertRaises(lib_exc.BadRequest, self._get, "servers/detail?no_such_filter=1")

    @decorators.idempotent_id('5e5daa7f-a864-40bd-ba64-0bd31d42c949')
    def test_unknown_list_parameter_ignored_before_2_75(self):
        self.use_microversion("2.74")
        resp, _ = self._get("servers?no_such_filter=1")
        self.assertEqual(200, resp.status)

    @decorators.idempotent_id('9830dd5f-acb0-4c7d-a897-867efe900ae5')
    def test_unknown_show_parameter_is_400_from_2_102(self):
        server = self.create_server_for_test()
        self.use_microversion("2.101")
        self.assertEqual(200, self._get(f"servers/{server['id']}?no_such=1")[0].status)
        self.use_microversion("2.102")
        self.assertRaises(lib_exc.BadRequest, self._get, f"servers/{server['id']}?no_such=1")
        self.assertEqual(200, self._get(f"servers/{server['id']}")[0].status)


class ChangesBeforeTest(_MemberServersTest):
    """2.66: changes-before keeps the servers updated at or before the time."""

    microversion = "2.66"

    @decorators.idempotent_id('836c6f46-ca2f-448d-a334-cf44eba0a734')
    def test_changes_before_filters_by_update_time(self):
        server = self.create_server_for_test()
        self.assertIn(server["name"], self._names(**{"changes-before": FUTURE}))
        self.assertNotIn(server["name"], self._names(**{"changes-before": PAST}))

    @decorators.idempotent_id('e2f8a50c-2e5d-4b50-98fb-40c260af287e')
    def test_changes_since_after_changes_before_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.list_servers,
                          **{"changes-since": FUTURE, "changes-before": PAST})

    @decorators.idempotent_id('a42ecf7b-bf77-4862-933e-d5a1ea87dbe8')
    def test_bad_changes_before_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.list_servers,
                          **{"changes-before": "not-a-date"})

    @decorators.idempotent_id('5ecdc2ad-be68-4904-97d9-a2eb9abe95d8')
    def test_changes_before_ignored_before_2_66(self):
        server = self.create_server_for_test()
        self.use_microversion("2.65")
        self.assertIn(server["name"], self._names(**{"changes-before": PAST}))


class LockedFilterTest(_MemberServersTest):
    """2.73: `locked` filters the list (a strict boolean) and is a sort key."""

    microversion = "2.73"
    required_features = ("lock",)

    @decorators.idempotent_id('b342fa6f-f891-4147-aa63-b87bed2c818f')
    def test_locked_filter(self):
        locked = self.create_server_for_test()
        unlocked = self.create_server_for_test()
        self.client.lock_server(locked["id"], locked_reason="filter test")
        self.addCleanup(self.client.unlock_server, locked["id"])
        self.assertIn(locked["name"], self._names(locked="true"))
        self.assertNotIn(unlocked["name"], self._names(locked="true"))
        self.assertIn(unlocked["name"], self._names(locked="false"))
        self.assertNotIn(locked["name"], self._names(locked="false"))
        names = [s["name"] for s in self.client.list_servers(sort_key="locked",
                                                             sort_dir="desc")["servers"]]
        self.assertLess(names.index(locked["name"]), names.index(unlocked["name"]))

    @decorators.idempotent_id('15a12530-b4a9-4a4a-a4fe-0aec6ee7116f')
    def test_bad_locked_value_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.list_servers, locked="maybe")

    @decorators.idempotent_id('8b760d7a-844e-4707-be22-3c10bdce3419')
    def test_locked_sort_key_ignored_before_2_73(self):
        server = self.create_server_for_test()
        self.use_microversion("2.72")  # Nova drops the key it does not sort by yet
        self.assertIn(server["name"], self._names(sort_key="locked"))

    @decorators.idempotent_id('e701f4a2-d2cf-417d-b7ab-e4f4c30ef8ad')
    def test_ignored_sort_key_is_400_from_2_75(self):
        self.use_microversion("2.74")
        self.assertIsInstance(self.client.list_servers(sort_key="vm_mode")["servers"], list)
        self.use_microversion("2.75")
        self.assertRaises(lib_exc.BadRequest, self.client.list_servers, sort_key="vm_mode")


class MemberFiltersTest(_MemberServersTest):
    """2.83: members may filter on vm_state, power_state and the like (ignored before)."""

    microversion = "2.83"
    required_features = ("stop_start",)

    @decorators.idempotent_id('0ee4e07d-5028-4974-a9cf-990e738c784a')
    def test_member_filters_on_vm_and_power_state(self):
        stopped = self.create_server_for_test()
        running = self.create_server_for_test()
        self.client.stop_server(stopped["id"])
        self.wait_for_server_status(stopped["id"], "SHUTOFF")
        by_state = self._names(vm_state="stopped")
        self.assertIn(stopped["name"], by_state)
        self.assertNotIn(running["name"], by_state)
        by_power = self._names(power_state=str(_helpers.SHUTDOWN))
        self.assertIn(stopped["name"], by_power)
        self.assertNotIn(running["name"], by_power)
        self.use_microversion("2.82")
        self.assertIn(running["name"], self._names(vm_state="stopped"))


class HostnameTest(_MemberServersTest):
    """2.90: a hostname set at boot, update and rebuild, shown to members; 2.94: an FQDN."""

    microversion = "2.90"

    def _hostname(self, server_id):
        return self.client.show_server(server_id)["server"]["OS-EXT-SRV-ATTR:hostname"]

    @decorators.idempotent_id('20dd4327-0d1d-4692-9d8c-72f002853212')
    def test_boot_and_update_hostname(self):
        server = self.create_server_for_test(hostname="cellgate-host-1")
        self.assertEqual("cellgate-host-1", self._hostname(server["id"]))
        body = self.client.update_server(server["id"], hostname="cellgate-host-2")["server"]
        self.assertEqual("cellgate-host-2", body["OS-EXT-SRV-ATTR:hostname"])
        self.assertEqual("cellgate-host-2", self._hostname(server["id"]))

    @decorators.idempotent_id('e8dcf117-3064-47cb-be79-dcc7b9be437a')
    def test_hostname_filter_for_members(self):
        server = self.create_server_for_test(hostname="cellgate-findme")
        other = self.create_server_for_test()
        names = self._names(hostname="cellgate-findme")
        self.assertIn(server["name"], names)
        self.assertNotIn(other["name"], names)

    @decorators.idempotent_id('1318283a-af21-4885-a287-6bc71a670f94')
    def test_fqdn_hostname_from_2_94(self):
        self._create_fails(lib_exc.BadRequest, hostname="host.example.org")
        self.use_microversion("2.94")
        server = self.create_server_for_test(hostname="host.example.org")
        self.assertEqual("host.example.org", self._hostname(server["id"]))

    @decorators.idempotent_id('f584f7eb-0c98-47d8-a249-a2ab4e01181b')
    def test_hostname_refused_before_2_90(self):
        self.use_microversion("2.89")
        self._create_fails(lib_exc.BadRequest, hostname="cellgate-early")

    @decorators.idempotent_id('e099f006-2363-4c6d-afe6-3d80fcd8f009')
    def test_one_hostname_for_several_servers_is_400(self):
        self._create_fails(lib_exc.BadRequest, hostname="cellgate-many", min_count=2,
                           max_count=2)

    @decorators.requires_features("rebuild")
    @decorators.idempotent_id('0a614a7c-a980-4322-b534-c43911d0b136')
    def test_rebuild_sets_hostname(self):
        server = self.create_server_for_test(hostname="cellgate-before")
        self.client.rebuild_server(server["id"], self.image_ref, hostname="cellgate-after")
        self.wait_for_server_status(server["id"], "ACTIVE")
        self.assertEqual("cellgate-after", self._hostname(server["id"]))


class ImagePropertiesTest(_MemberServersTest):
    """2.98: the server's image carries the image's standard properties."""

    microversion = "2.98"
    required_features = ("images",)

    @decorators.idempotent_id('f28de42e-9128-42a9-97e8-cfc45d5aa854')
    def test_image_properties_in_server_body(self):
        server = self.create_server_for_test()
        properties = self.client.show_server(server["id"])["server"]["image"]["properties"]
        self.assertIsInstance(properties, dict)
        image = self.os_member.images_client.show_image(self.image_ref)
        for key, value in properties.items():
            self.assertEqual(str(image[key]), str(value), key)
        with ComputeMicroversion("2.97"):
            self.assertNotIn("properties",
                             self.client.show_server(server["id"])["server"]["image"])


class SchedulerHintsTest(_MemberServersTest):
    """2.100: the hints given at boot, each value a list of strings, in the server body."""

    microversion = "2.100"

    @decorators.idempotent_id('cf5d077f-5837-48e3-a56b-15e86ef75c34')
    def test_hints_shown_as_lists(self):
        server = self.create_server_for_test(
            scheduler_hints={"cellgate_hint": "value", "same_host": []})
        shown = self.client.show_server(server["id"])["server"]
        self.assertEqual({"cellgate_hint": ["value"], "same_host": []},
                         shown["scheduler_hints"])
        listed = [s for s in self.client.list_servers(detail=True)["servers"]
                  if s["id"] == server["id"]]
        self.assertEqual(shown["scheduler_hints"], listed[0]["scheduler_hints"])

    @decorators.idempotent_id('510ad894-d40e-4f79-b6d2-2cdb06da31ea')
    def test_no_hints_is_empty(self):
        server = self.create_server_for_test()
        self.assertEqual({}, self.client.show_server(server["id"])["server"]["scheduler_hints"])
        self.use_microversion("2.99")
        self.assertNotIn("scheduler_hints", self.client.show_server(server["id"])["server"])


class ServerSubresourcesTest(_MemberServersTest):
    """2.78 topology, 2.97 shares and the /os-volumes_boot alias (gone at 2.103)."""

    microversion = "2.78"

    def _get(self, path, version):
        _, body = self.os_member.rest_client("compute").get(
            path, headers=version_headers(version), extra_headers=True)
        return json.loads(body)

    @decorators.idempotent_id('8c9a8331-e19d-4471-90fd-87f111aad370')
    def test_topology_from_2_78(self):
        server = self.create_server_for_test()
        body = self._get(f"servers/{server['id']}/topology", "2.78")
        self.assertIsInstance(body["nodes"], list)
        self.assertIn("pagesize_kb", body)
        self.assertRaises(lib_exc.NotFound, self._get, f"servers/{server['id']}/topology",
                          "2.77")

    @decorators.idempotent_id('727e5964-741f-4155-99f4-a4295c158b76')
    def test_topology_of_an_unknown_server_is_404(self):
        self.assertRaises(lib_exc.NotFound, self._get,
                          "servers/00000000-0000-4000-8000-000000000000/topology", "2.78")

    @decorators.idempotent_id('2e67a1eb-6a6f-425b-8799-7dde29a1f1d1')
    def test_shares_from_2_97(self):
        server = self.create_server_for_test()
        self.assertEqual({"shares": []}, self._get(f"servers/{server['id']}/shares", "2.97"))
        self.assertRaises(lib_exc.NotFound, self._get, f"servers/{server['id']}/shares",
                          "2.96")

    @decorators.idempotent_id('65406203-ec28-46d3-bc40-5d9d3a4aa308')
    def test_volumes_boot_alias_gone_at_2_103(self):
        server = self.create_server_for_test()
        listed = self._get("os-volumes_boot", "2.102")["servers"]
        self.assertIn(server["id"], [s["id"] for s in listed])
        self.assertEqual(server["id"],
                         self._get(f"os-volumes_boot/{server['id']}", "2.102")["server"]["id"])
        self.assertRaises(lib_exc.NotFound, self._get, "os-volumes_boot", "2.103")


class RequestedHostTest(base.BaseComputeTest):
    """2.74: an admin boots to a host or node by name; members may not; unknown is 400."""

    microversion = "2.74"
    roles = ("member", "admin")
    required_features = ("hypervisors",)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.admin_client = cls.os_admin.servers_client
        hypervisors = cls.os_admin.hypervisor_client.list_hypervisors()["hypervisors"]
        cls.node = hypervisors[-1]["hypervisor_hostname"]

    def _body(self, **extra):
        body = {"name": _helpers.unique_name("dest"), "imageRef": self.image_ref,
                "flavorRef": self.flavor_ref, "networks": "none"}
        body.update(extra)
        return body

    @decorators.idempotent_id('86cde616-aa6e-42dd-b9c3-f1891e1ca1d5')
    def test_admin_boots_on_the_requested_node(self):
        server = self.create_server_for_test(clients=self.os_admin,
                                             hypervisor_hostname=self.node)
        shown = self.admin_client.show_server(server["id"])["server"]
        self.assertEqual(self.node, shown["OS-EXT-SRV-ATTR:hypervisor_hostname"])

    @decorators.idempotent_id('33705575-2778-4fc8-9f03-fa34e939203f')
    def test_admin_boots_on_the_requested_host(self):
        host = self.admin_client.show_server(self.create_server_for_test(
            clients=self.os_admin, hypervisor_hostname=self.node)["id"])["server"][
            "OS-EXT-SRV-ATTR:host"]
        server = self.create_server_for_test(clients=self.os_admin, host=host)
        self.assertEqual(host, self.admin_client.show_server(server["id"])["server"][
            "OS-EXT-SRV-ATTR:host"])

    @decorators.idempotent_id('449ee21f-cbae-4044-b4ff-c675ad006350')
    def test_member_may_not_request_a_host(self):
        self.assertRaises(lib_exc.Forbidden, self.os_member.servers_client.create_server,
                          **self._body(hypervisor_hostname=self.node))

    @decorators.idempotent_id('8910b7eb-65da-4d18-8721-ff1d06fe91ee')
    def test_unknown_host_or_node_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.admin_client.create_server,
                          **self._body(host="cellgate-no-such-host"))
        self.assertRaises(lib_exc.BadRequest, self.admin_client.create_server,
                          **self._body(hypervisor_hostname="cellgate-no-such-node"))

    @decorators.idempotent_id('f2a528e0-9618-4e62-844d-18a92f4db9fd')
    def test_requested_host_with_forced_zone_host_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.admin_client.create_server,
                          **self._body(hypervisor_hostname=self.node,
                                       availability_zone=f"nova:{self.node}"))

    @decorators.idempotent_id('4f00af91-ef7e-451c-97bd-7fe3603a122a')
    def test_requested_host_refused_before_2_74(self):
        self.use_microversion("2.73")
        self.assertRaises(lib_exc.BadRequest, self.admin_client.create_server,
                          **self._body(hypervisor_hostname=self.node))
