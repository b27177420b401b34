"""Server group quotas: ``server_groups`` and ``server_group_members`` refuse with Nova's 403.

The limits are set for the peer member's own user in the shared project (a user quota binds
that user only), so tests of other classes creating groups in the project are not refused;
these tests run one after another (one class).
"""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.server_groups import _helpers


class ServerGroupQuotasTest(base.BaseComputeTest):
    """At 2.15: groups show their owner (2.13) and soft policies exist."""

    required_features = ("server_groups", "quotas")
    microversion = "2.15"
    roles = ("admin", "member_peer")

    def _set_user_quota(self, **limits):
        clients = self.os_member_peer
        self.os_admin.quotas_client.update_quota_set(clients.project_id,
                                                     user_id=clients.user_id, **limits)
        self.addCleanup(self._revert_user_quota)

    def _revert_user_quota(self):
        clients = self.os_member_peer
        self.os_admin.rest_client("compute").delete(
            f"os-quota-sets/{clients.project_id}?user_id={clients.user_id}")

    def _own_groups(self):
        groups = self.os_member_peer.server_groups_client.list_server_groups()
        return [g for g in groups["server_groups"]
                if g["user_id"] == self.os_member_peer.user_id]

    @decorators.idempotent_id('bd9eb81c-04ea-4bff-99ed-1ff913b22b58')
    def test_server_groups_quota(self):
        self._set_user_quota(server_groups=len(self._own_groups()) + 1)
        _helpers.create_group(self, self.os_member_peer, "affinity")
        error = self.assertRaises(lib_exc.Forbidden, _helpers.create_group, self,
                                  self.os_member_peer, "affinity")
        self.assertIn("Quota exceeded, too many server groups.", str(error))

    @decorators.idempotent_id('613394f2-2bda-4696-89d5-74324ae70e31')
    def test_server_group_members_quota(self):
        self._set_user_quota(server_group_members=2)
        group = _helpers.create_group(self, self.os_member_peer, "soft-affinity")
        boot = dict(clients=self.os_member_peer, **_helpers.hint(group))
        self.assertRaises(lib_exc.Forbidden, self.create_server_for_test, wait_until=None,
                          min_count=3, **boot)
        self.create_server_for_test(**boot)
        self.create_server_for_test(**boot)
        error = self.assertRaises(lib_exc.Forbidden, self.create_server_for_test,
                                  wait_until=None, **boot)
        self.assertIn("Quota exceeded, too many servers in group", str(error))
        members = self.os_member_peer.server_groups_client.show_server_group(
            group["id"])["server_group"]["members"]
        self.assertEqual(2, len(members))
        # another group has room of its own
        other = _helpers.create_group(self, self.os_member_peer, "soft-affinity")
        self.create_server_for_test(clients=self.os_member_peer, wait_until=None,
                                    **_helpers.hint(other))
