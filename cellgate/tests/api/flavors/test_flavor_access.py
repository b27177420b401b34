"""Private flavors and flavor access (addTenantAccess / removeTenantAccess)."""

from __future__ import annotations

import json
import uuid

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base


class FlavorAccessTest(base.BaseComputeTest):
    """Who can see a private flavor, and the access-list routes."""

    roles = ("admin", "member", "alt")
    required_features = ("private_flavors",)

    def _private_flavor(self):
        return self.create_flavor_for_test(is_public=False)

    def _member_ids(self, **params):
        flavors = self.os_member.flavors_client.list_flavors(**params)["flavors"]
        return [flavor["id"] for flavor in flavors]

    @decorators.idempotent_id('690ab304-be12-44fc-983a-7442fb11b1e8')
    def test_private_flavor_starts_with_empty_access_list(self):
        flavor = self._private_flavor()
        self.assertFalse(flavor["os-flavor-access:is_public"])
        access = self.os_admin.flavors_client.list_flavor_access(flavor["id"])
        self.assertEqual([], access["flavor_access"])

    @decorators.idempotent_id('469260b7-998d-4fec-9707-f5282c81e5ad')
    def test_add_list_remove_access(self):
        flavor = self._private_flavor()
        project = self.os_member.project_id
        added = self.os_admin.flavors_client.add_flavor_access(flavor["id"], project)
        self.assertEqual([{"flavor_id": flavor["id"], "tenant_id": project}],
                         added["flavor_access"])
        listed = self.os_admin.flavors_client.list_flavor_access(flavor["id"])
        self.assertEqual(added["flavor_access"], listed["flavor_access"])
        removed = self.os_admin.flavors_client.remove_flavor_access(flavor["id"], project)
        self.assertEqual([], removed["flavor_access"])

    @decorators.idempotent_id('bc67c364-d28e-4382-bcfb-08c65931b966')
    def test_member_with_access_sees_private_flavor(self):
        flavor = self._private_flavor()
        self.os_admin.flavors_client.add_flavor_access(flavor["id"], self.os_member.project_id)
        shown = self.os_member.flavors_client.show_flavor(flavor["id"])["flavor"]
        self.assertEqual(flavor["name"], shown["name"])
        self.assertIn(flavor["id"], self._member_ids())
        # another project still does not see it
        self.assertRaises(lib_exc.NotFound, self.os_alt.flavors_client.show_flavor,
                          flavor["id"])

    @decorators.idempotent_id('e059240c-3000-40eb-9bb7-6ddfa0740cd1')
    def test_member_without_access_cannot_see_private_flavor(self):
        flavor = self._private_flavor()
        self.assertRaises(lib_exc.NotFound, self.os_member.flavors_client.show_flavor,
                          flavor["id"])
        self.assertNotIn(flavor["id"], self._member_ids())
        self.assertNotIn(flavor["id"], self._member_ids(is_public="none"))

    @decorators.idempotent_id('8a396f7e-2e44-4d63-af64-12fc607d9d66')
    def test_removed_access_hides_flavor_again(self):
        flavor = self._private_flavor()
        project = self.os_member.project_id
        self.os_admin.flavors_client.add_flavor_access(flavor["id"], project)
        self.os_admin.flavors_client.remove_flavor_access(flavor["id"], project)
        self.assertRaises(lib_exc.NotFound, self.os_member.flavors_client.show_flavor,
                          flavor["id"])

    @decorators.idempotent_id('5dd4a7d3-5d39-4c91-a194-f8876fadb90d')
    def test_admin_lists_private_flavors(self):
        flavor = self._private_flavor()
        private = self.os_admin.flavors_client.list_flavors(is_public="false")["flavors"]
        self.assertIn(flavor["id"], [f["id"] for f in private])
        everything = self.os_admin.flavors_client.list_flavors(is_public="none")["flavors"]
        ids = [f["id"] for f in everything]
        self.assertIn(flavor["id"], ids)
        self.assertIn(self.flavor_ref, ids)
        public = self.os_admin.flavors_client.list_flavors(is_public="true")["flavors"]
        self.assertNotIn(flavor["id"], [f["id"] for f in public])

    @decorators.idempotent_id('93aff33d-3413-4038-b848-94edee0506fb')
    def test_add_access_to_public_flavor_is_409(self):
        # Nova refuses this from microversion 2.7 on (before, it was silently accepted)
        flavor = self.create_flavor_for_test(is_public=True)
        self.use_microversion("2.7")
        self.assertRaises(lib_exc.Conflict, self.os_admin.flavors_client.add_flavor_access,
                          flavor["id"], self.os_member.project_id)

    @decorators.idempotent_id('47e05c29-f8a2-4748-94a8-286ad47fad72')
    def test_add_access_twice_is_409(self):
        flavor = self._private_flavor()
        project = self.os_member.project_id
        self.os_admin.flavors_client.add_flavor_access(flavor["id"], project)
        self.assertRaises(lib_exc.Conflict, self.os_admin.flavors_client.add_flavor_access,
                          flavor["id"], project)

    @decorators.idempotent_id('3381a7ea-f538-4a74-a010-cb9a6fb85ecc')
    def test_remove_access_not_granted_is_404(self):
        flavor = self._private_flavor()
        self.assertRaises(lib_exc.NotFound, self.os_admin.flavors_client.remove_flavor_access,
                          flavor["id"], self.os_member.project_id)

    @decorators.idempotent_id('41d2212a-0263-4536-a7b0-96ad7e112d15')
    def test_access_list_of_public_flavor_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.os_admin.flavors_client.list_flavor_access,
                          self.flavor_ref)

    @decorators.idempotent_id('9c939064-e90d-4fb1-8a98-d13378f90ee4')
    def test_access_list_of_unknown_flavor_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.os_admin.flavors_client.list_flavor_access,
                          str(uuid.uuid4()))

    @decorators.idempotent_id('f2e0ffc2-48d8-4bea-97a4-7dbef25fb0f7')
    def test_member_cannot_add_access(self):
        flavor = self._private_flavor()
        self.assertRaises(lib_exc.Forbidden, self.os_member.flavors_client.add_flavor_access,
                          flavor["id"], self.os_member.project_id)

    @decorators.idempotent_id('05fde1c7-7827-4b3c-8738-1258205d1cdd')
    def test_member_cannot_remove_access(self):
        flavor = self._private_flavor()
        project = self.os_member.project_id
        self.os_admin.flavors_client.add_flavor_access(flavor["id"], project)
        self.assertRaises(lib_exc.Forbidden,
                          self.os_member.flavors_client.remove_flavor_access,
                          flavor["id"], project)

    @decorators.idempotent_id('7b7687fb-36fa-4ef0-aecd-9f47678b7d77')
    def test_add_access_to_unknown_flavor_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.os_admin.flavors_client.add_flavor_access,
                          str(uuid.uuid4()), self.os_member.project_id)

    @decorators.idempotent_id('301a6652-9a44-4a07-8645-5cc5401892c6')
    def test_add_access_without_tenant_is_400(self):
        flavor = self._private_flavor()
        rest = self.os_admin.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.post, f"flavors/{flavor['id']}/action",
                          json.dumps({"addTenantAccess": {}}))

    @decorators.idempotent_id('a500d2d1-1aa4-4302-bda0-b58c3eabe948')
    def test_unknown_flavor_action_is_400(self):
        flavor = self._private_flavor()
        rest = self.os_admin.rest_client("compute")
        self.assertRaises(lib_exc.BadRequest, rest.post, f"flavors/{flavor['id']}/action",
                          json.dumps({"shareWithEveryone": {"tenant": "x"}}))
