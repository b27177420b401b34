"""What flavor extra spec writes keep: a set adds keys and keeps every key it does not name."""

from __future__ import annotations

from cellgate.lib import decorators
from cellgate.tests import base


class FlavorExtraSpecsEffectsTest(base.BaseComputeTest):
    """Extra spec writes on a fresh flavor per test, read back as admin and as a member."""

    roles = ("admin", "member")
    required_features = ("extra_specs",)

    @decorators.idempotent_id('a9e04262-2ce5-4d9a-83ca-1f55a62ce3b9')
    def test_set_keeps_keys_it_does_not_name(self):
        flavor = self.create_flavor_for_test()
        client = self.os_admin.flavors_client
        client.set_flavor_extra_spec(flavor["id"], **{"cellgate:first": "1"})
        body = client.set_flavor_extra_spec(flavor["id"], **{"cellgate:second": "2"})
        self.assertEqual({"cellgate:second": "2"}, body["extra_specs"])
        expected = {"cellgate:first": "1", "cellgate:second": "2"}
        self.assertEqual(expected, client.list_flavor_extra_specs(flavor["id"])["extra_specs"])
        member = self.os_member.flavors_client
        self.assertEqual(expected, member.list_flavor_extra_specs(flavor["id"])["extra_specs"])
