"""Who an instance action is booked to: the user and project of the request that made it."""

from __future__ import annotations

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class InstanceActionOwnersTest(base.BaseComputeTest):
    """`member` boots a server and `member_peer` (same project, another user) acts on it."""

    required_features = ("instance_actions", "reboot")
    roles = ("member", "member_peer")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.server = cls.create_test_server()
        cls.peer = cls.os_member_peer.servers_client
        cls.peer.reboot_server(cls.server["id"], type="HARD")
        cls.wait_for_server_status(cls.server["id"], "ACTIVE")

    @decorators.idempotent_id('4a089ad8-85b4-4e5e-825f-0f132d3fe895')
    def test_each_action_names_the_user_and_project_that_asked(self):
        member_project, member_user = _helpers.identity_ids(self.os_member)
        peer_project, peer_user = _helpers.identity_ids(self.os_member_peer)
        actions = {a["action"]: a for a in self.peer.list_instance_actions(
            self.server["id"])["instanceActions"]}
        self.assertEqual({"create", "reboot"}, set(actions))
        self.assertEqual((member_user, member_project),
                         (actions["create"]["user_id"], actions["create"]["project_id"]))
        self.assertEqual((peer_user, peer_project),
                         (actions["reboot"]["user_id"], actions["reboot"]["project_id"]))
        self.assertNotEqual(member_user, peer_user)
