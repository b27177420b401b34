"""Server tags (2.26+): /servers/{id}/tags and /servers/{id}/tags/{tag}.

Checked against real Nova 34: PUT of a new tag is 201 with a Location, of a tag the server has
204; GET of one tag is 204 or 404; the list is sorted and without duplicates; another
project's server is 403 (the policy's target is the server's project); below 2.26 the routes
are 404. Tags changed here show in the server and in the `tags` list filter.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base

MAX_TAGS = 50
RACERS = 8
V226 = {"X-OpenStack-Nova-API-Version": "2.26"}


class _TaggedServerTest(base.BaseComputeTest):
    """One server owned by the class; each test starts from no tags."""

    microversion = "2.26"

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client
        cls.server = cls.create_test_server()

    def setUp(self):
        super().setUp()
        self.client.delete_all_tags(self.server["id"])

    def _tags(self):
        return self.client.list_tags(self.server["id"])["tags"]


class ServerTagsTest(_TaggedServerTest):
    """Tag routes on the class's server."""

    @decorators.idempotent_id('7df0ec10-6045-49eb-89dd-ba6e4fa4bc5f')
    def test_replace_all_sorts_and_drops_duplicates(self):
        self.assertEqual([], self._tags())
        body = self.client.update_all_tags(self.server["id"], ["zeta", "alpha", "zeta"])
        self.assertEqual(["alpha", "zeta"], sorted(body["tags"]))
        self.assertEqual(["alpha", "zeta"], sorted(self._tags()))
        shown = self.client.show_server(self.server["id"])["server"]
        self.assertEqual(["alpha", "zeta"], sorted(shown["tags"]))
        body = self.client.update_all_tags(self.server["id"], ["only"])
        self.assertEqual(["only"], self._tags())

    @decorators.idempotent_id('5c6a91d3-3e88-448d-b676-cc7834b6f50b')
    def test_add_one_tag_201_then_204(self):
        server_id = self.server["id"]
        body = self.client.update_tag(server_id, "new-tag")
        self.assertEqual(201, body.response.status)
        self.assertTrue(body.response["location"].endswith(
            f"/servers/{server_id}/tags/new-tag"), body.response["location"])
        # tempest's client wants a Location on 204 too, which Nova does not send: ask raw
        rest = self.os_member.rest_client("compute")
        resp, _ = rest.put(f"servers/{server_id}/tags/new-tag", None, headers=V226,
                           extra_headers=True)
        self.assertEqual(204, resp.status)
        self.assertNotIn("location", resp)
        self.assertEqual(["new-tag"], self._tags())
        self.assertEqual(204, self.client.check_tag_existence(server_id, "new-tag")
                         .response.status)

    @decorators.idempotent_id('2408f6dc-f0cf-46a9-a8b8-b4ff76195b57')
    def test_delete_one_and_all(self):
        server_id = self.server["id"]
        self.client.update_all_tags(server_id, ["keep", "drop"])
        self.assertEqual(204, self.client.delete_tag(server_id, "drop").response.status)
        self.assertEqual(["keep"], self._tags())
        self.assertRaises(lib_exc.NotFound, self.client.check_tag_existence, server_id, "drop")
        self.assertEqual(204, self.client.delete_all_tags(server_id).response.status)
        self.assertEqual([], self._tags())
        self.assertNotIn("keep", self.client.show_server(server_id)["server"]["tags"])

    @decorators.idempotent_id('bbb9427b-d7ff-4d94-bf28-cc61fa0747f1')
    def test_tags_set_here_are_filtered_on(self):
        server_id = self.server["id"]
        tag = "mark-" + server_id[:8]
        self.client.update_tag(server_id, tag)
        found = [s["id"] for s in self.client.list_servers(tags=tag)["servers"]]
        self.assertEqual([server_id], found)
        self.client.delete_tag(server_id, tag)
        self.assertEqual([], self.client.list_servers(tags=tag)["servers"])

    @decorators.idempotent_id('931f38f9-a422-4066-acd9-5dcb88ab23c9')
    def test_concurrent_adds_all_land(self):
        server_id = self.server["id"]
        wanted = [f"race-{n}" for n in range(RACERS)]
        with ThreadPoolExecutor(RACERS) as pool:
            statuses = list(pool.map(
                lambda tag: self.client.update_tag(server_id, tag).response.status, wanted))
        self.assertEqual([201] * RACERS, statuses)
        self.assertEqual(sorted(wanted), sorted(self._tags()))

    @decorators.idempotent_id('9c11b3c9-b6cb-4e7f-8512-8195e5a01c03')
    def test_tags_shown_from_2_26_only(self):
        self.client.update_all_tags(self.server["id"], ["seen"])
        self.assertEqual(["seen"], self.client.show_server(self.server["id"])["server"]["tags"])
        self.use_microversion("2.25")
        self.assertNotIn("tags", self.client.show_server(self.server["id"])["server"])


class ServerTagsNegativeTest(_TaggedServerTest):
    """Tag requests Nova refuses."""

    roles = ("member", "alt")

    @decorators.idempotent_id('a9233d43-5249-4ae0-b47b-c1563b766d5f')
    def test_replace_with_bad_tags_is_400(self):
        for tags in (["a,b"], ["a/b"], ["x" * 61], [""], [str(n) for n in range(MAX_TAGS + 1)],
                     "not-a-list", [7]):
            self.assertRaises(lib_exc.BadRequest, self.client.update_all_tags,
                              self.server["id"], tags)
        self.assertEqual([], self._tags())

    @decorators.idempotent_id('35d6e8b2-8009-46f5-821f-74d2b1efedc0')
    def test_longest_tag_and_fifty_tags_are_accepted(self):
        tags = ["x" * 60] + [f"t{n}" for n in range(MAX_TAGS - 1)]
        self.client.update_all_tags(self.server["id"], tags)
        self.assertEqual(sorted(tags), sorted(self._tags()))

    @decorators.idempotent_id('f737ef86-0912-41dd-bff2-2d7dbc23c6b3')
    def test_add_bad_tag_is_400(self):
        for tag in ("a,b", "y" * 61):
            self.assertRaises(lib_exc.BadRequest, self.client.update_tag, self.server["id"], tag)
        self.assertEqual([], self._tags())

    @decorators.idempotent_id('7f000bd4-a106-4dd3-a28f-e0f3af7cc595')
    def test_add_beyond_fifty_is_400(self):
        tags = [f"t{n}" for n in range(MAX_TAGS)]
        self.client.update_all_tags(self.server["id"], tags)
        self.assertRaises(lib_exc.BadRequest, self.client.update_tag, self.server["id"], "one")
        # at the limit even a tag the server has is refused, as Nova counts first
        self.assertRaises(lib_exc.BadRequest, self.client.update_tag, self.server["id"], "t0")
        self.assertEqual(MAX_TAGS, len(self._tags()))

    @decorators.idempotent_id('19d7f8a6-dedd-4382-ba13-f05e57a5829b')
    def test_add_with_a_body_is_400(self):
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.put,
                          f"servers/{self.server['id']}/tags/bodied", '{"tag": "bodied"}',
                          headers=V226, extra_headers=True)
        self.assertEqual([], self._tags())

    @decorators.idempotent_id('70c60c6e-3a57-4f5b-9e30-f77149764ea3')
    def test_unknown_tag_and_server_are_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.check_tag_existence,
                          self.server["id"], "absent")
        self.assertRaises(lib_exc.NotFound, self.client.delete_tag, self.server["id"], "absent")
        missing = "00000000-0000-4000-8000-000000000000"
        for call, args in ((self.client.list_tags, ()), (self.client.update_tag, ("t",)),
                           (self.client.update_all_tags, (["t"],)),
                           (self.client.delete_all_tags, ())):
            self.assertRaises(lib_exc.NotFound, call, missing, *args)

    @decorators.idempotent_id('b116d4f6-d28f-498d-a89b-627ed76229fc')
    def test_another_projects_server_is_403(self):
        alt = self.os_alt.servers_client
        server_id = self.server["id"]
        self.client.update_tag(server_id, "mine")
        for call, args in ((alt.list_tags, ()), (alt.check_tag_existence, ("mine",)),
                           (alt.update_tag, ("theirs",)), (alt.update_all_tags, (["t"],)),
                           (alt.delete_tag, ("mine",)), (alt.delete_all_tags, ())):
            self.assertRaises(lib_exc.Forbidden, call, server_id, *args)
        self.assertEqual(["mine"], self.client.list_tags(server_id)["tags"])

    @decorators.idempotent_id('ccce2674-670b-4e86-a2c5-2ee83905668e')
    def test_routes_are_404_before_2_26(self):
        self.client.update_tag(self.server["id"], "early")
        self.use_microversion("2.25")
        for call, args in ((self.client.list_tags, ()),
                           (self.client.check_tag_existence, ("early",)),
                           (self.client.update_tag, ("late",)),
                           (self.client.delete_all_tags, ())):
            self.assertRaises(lib_exc.NotFound, call, self.server["id"], *args)
        self.use_microversion("2.26")
        self.assertEqual(["early"], self._tags())
