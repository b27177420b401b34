"""GET /servers filters Nova applies: name, ip and reservation_id as regular expressions,
tags (2.26+), admin `deleted`, an invalid `status` (400 from 2.38). Each is checked to
narrow the list: a filter that is accepted and ignored fails here."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class ServersFiltersTest(base.BaseComputeTest):
    """Two tagged servers of the member (names ...-red, ...-blue), listed with filters."""

    microversion = "2.52"
    roles = ("member", "admin")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client
        cls.prefix = _helpers.unique_name("filter")
        cls.red = cls.create_test_server(name=cls.prefix + "-red", tags=["red", "warm"],
                                         networks="auto")
        cls.blue = cls.create_test_server(name=cls.prefix + "-blue", tags=["blue"])

    def _names(self, client=None, **params) -> list[str]:
        servers = (client or self.client).list_servers(**params)["servers"]
        return sorted(s["name"] for s in servers if s["name"].startswith(self.prefix))

    @decorators.idempotent_id('a90994a5-d2df-46bc-baa8-90ff2d1e8d6e')
    def test_name_is_a_regex(self):
        self.assertEqual([self.prefix + "-red"], self._names(name=self.prefix + "-(red|x)$"))
        self.assertEqual([self.prefix + "-blue", self.prefix + "-red"],
                         self._names(name=self.prefix + "-[a-z]+e"))
        self.assertEqual([], self._names(name=self.prefix + "-gr.en"))

    @decorators.idempotent_id('b4d27acc-2d34-416c-91b2-6585fc2c54ba')
    def test_invalid_or_empty_name_regex_is_400(self):
        for pattern in ("(unclosed", ""):
            self.assertRaises(lib_exc.BadRequest, self.client.list_servers, name=pattern)

    @decorators.idempotent_id('c45221b0-cb72-429e-9bfa-d03f8b3ce93c')
    def test_ip_filter_narrows(self):
        # 192.0.2.0/24 is TEST-NET-1: no server here has such an address
        self.assertEqual([], self._names(ip=r"192\.0\.2\.77"))
        server = self.client.show_server(self.red["id"])["server"]
        fixed = [a["addr"] for nets in server["addresses"].values() for a in nets
                 if a.get("version") == 4 and a.get("OS-EXT-IPS:type", "fixed") == "fixed"]
        if not fixed:
            self.skipTest("the server has no fixed IPv4 address on this cloud")
        self.assertIn(self.prefix + "-red", self._names(ip="^" + fixed[0].replace(".", r"\.")))

    @decorators.idempotent_id('9cfd64e3-b793-4f6a-9e31-8723fa4cc046')
    def test_invalid_ip_regex_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.list_servers, ip="")

    @decorators.idempotent_id('10b4544d-7cd2-4608-ad38-fc7c483dba4e')
    def test_tag_filters(self):
        red, blue = self.prefix + "-red", self.prefix + "-blue"
        self.assertEqual([red], self._names(tags="red,warm"))
        self.assertEqual([], self._names(tags="red,blue"))
        self.assertEqual([blue, red], self._names(**{"tags-any": "red,blue"}))
        self.assertEqual([blue], self._names(**{"not-tags": "red,warm"}))
        self.assertEqual([red], self._names(**{"not-tags-any": "blue"}))

    @decorators.idempotent_id('00a69b06-7399-4906-8efc-09ebbc352287')
    def test_admin_hostname_filter_is_a_regex(self):
        admin = self.os_admin.servers_client
        self.assertEqual([self.prefix + "-red"], self._names(
            admin, all_tenants="True", hostname="^" + self.prefix.lower() + "-r.d$"))
        self.assertRaises(lib_exc.BadRequest, admin.list_servers, all_tenants="True",
                          hostname="(unclosed")

    @decorators.idempotent_id('3702c0f2-527f-4528-9b00-81e4b7291d29')
    def test_invalid_status_is_400_from_2_38(self):
        self.use_microversion("2.38")
        self.assertRaises(lib_exc.BadRequest, self.client.list_servers, status="NOPE")

    @decorators.idempotent_id('4b4b02cc-48b6-421d-81a7-92463b8e10c7')
    def test_invalid_status_is_an_empty_list_below_2_38(self):
        self.use_microversion("2.37")
        self.assertEqual([], self.client.list_servers(status="NOPE")["servers"])
        self.assertEqual([self.prefix + "-blue", self.prefix + "-red"],
                         self._names(status="ACTIVE"))

    @decorators.idempotent_id('5d52b5a1-741c-4510-be4f-1d0927962521')
    def test_admin_deleted_true_lists_only_deleted_servers(self):
        name = self.prefix + "-gone"
        gone = self.create_server_for_test(name=name)
        _helpers.delete_server_and_wait(self.client, gone["id"])
        admin = self.os_admin.servers_client
        listed = admin.list_servers(detail=True, all_tenants="True", deleted="True",
                                    name=self.prefix)["servers"]
        self.assertEqual([gone["id"]], [s["id"] for s in listed])
        self.assertEqual(["DELETED"], [s["status"] for s in listed])
        live = self._names(admin, all_tenants="True", name=self.prefix)
        self.assertEqual([self.prefix + "-blue", self.prefix + "-red"], live)

    @decorators.idempotent_id('42b36277-f086-4753-ab98-d15a59bcc7a2')
    def test_member_deleted_filter_is_ignored(self):
        # Nova drops 'deleted' for non-admins: the live servers, never the deleted ones
        self.assertEqual([self.prefix + "-blue", self.prefix + "-red"],
                         self._names(deleted="True"))

    @decorators.idempotent_id('17ec21aa-3f6f-4124-824e-85673354bbf9')
    def test_changes_since_past_the_last_representable_time_is_empty(self):
        servers = self.client.list_servers(**{
            "changes-since": "9999-12-31T23:59:59-23:59"})["servers"]
        # Only this class's settled servers are asserted on: real Nova also lists build
        # requests of servers other tests are booting, whatever changes-since says.
        self.assertEqual([], [s for s in servers if s["name"].startswith(self.prefix)])
