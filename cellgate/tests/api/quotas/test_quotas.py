"""Quota sets, quota classes and limits: what members and admins read, per microversion,
and what Nova refuses. Nothing here changes a quota a boot depends on (the enforcement
scenario owns the alt project's quotas)."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base

# The resources Nova's quota sets show at 2.57 (2.36 also shows personality files, 2.1 also
# the network proxies).
V257 = {"cores", "instances", "key_pairs", "metadata_items", "ram", "server_group_members",
        "server_groups"}
PERSONALITY = {"injected_file_content_bytes", "injected_file_path_bytes", "injected_files"}
NETWORK = {"fixed_ips", "floating_ips", "security_group_rules", "security_groups"}


class QuotaSetsTest(base.BaseComputeTest):
    """A member reads its own project's quotas; admins read any project's."""

    required_features = ("quotas",)
    microversion = "2.57"
    roles = ("member", "admin", "alt")

    def _keys(self, quota_set):
        return set(quota_set) - {"id"}

    @decorators.idempotent_id('a15588e8-7e86-4e4f-a8ec-7cdf9824c9d0')
    def test_member_shows_own_project_quotas(self):
        project_id = self.os_member.project_id
        quota_set = self.os_member.quotas_client.show_quota_set(project_id)["quota_set"]
        self.assertEqual(project_id, quota_set["id"])
        self.assertEqual(V257, self._keys(quota_set))
        for name in V257:
            self.assertIsInstance(quota_set[name], int)
            self.assertGreaterEqual(quota_set[name], -1)

    @decorators.idempotent_id('ed78098a-8cb3-4630-ae05-04bc91c0d661')
    def test_detail_shows_limit_and_usage(self):
        project_id = self.os_member.project_id
        client = self.os_member.quotas_client
        limits = client.show_quota_set(project_id)["quota_set"]
        detail = client.show_quota_set(project_id, detail=True)["quota_set"]
        self.assertEqual(V257, self._keys(detail))
        for name in V257:
            self.assertEqual(limits[name], detail[name]["limit"])
            self.assertGreaterEqual(detail[name]["in_use"], 0)
            self.assertEqual(0, detail[name]["reserved"])

    @decorators.idempotent_id('8967fe57-eba1-43ba-87c1-35a33598b823')
    def test_defaults_are_the_default_class(self):
        project_id = self.os_member.project_id
        defaults = self.os_member.quotas_client.show_default_quota_set(
            project_id)["quota_set"]
        self.assertEqual(project_id, defaults["id"])
        klass = self.os_admin.quota_classes_client.show_quota_class_set(
            "default")["quota_class_set"]
        self.assertEqual("default", klass["id"])
        self.assertEqual({k: v for k, v in defaults.items() if k != "id"},
                         {k: v for k, v in klass.items() if k != "id"})

    @decorators.idempotent_id('099d56b0-e569-468f-a333-91b2ba332443')
    def test_resources_shown_per_microversion(self):
        project_id = self.os_member.project_id
        client = self.os_member.quotas_client
        self.use_microversion("2.1")
        self.assertEqual(V257 | PERSONALITY | NETWORK,
                         self._keys(client.show_quota_set(project_id)["quota_set"]))
        self.use_microversion("2.36")
        self.assertEqual(V257 | PERSONALITY,
                         self._keys(client.show_quota_set(project_id)["quota_set"]))

    @decorators.idempotent_id('86348035-947f-4a29-bb88-8484b302b216')
    def test_admin_shows_any_project(self):
        project_id = self.os_alt.project_id
        quota_set = self.os_admin.quotas_client.show_quota_set(project_id)["quota_set"]
        self.assertEqual(project_id, quota_set["id"])

    @decorators.idempotent_id('0ea6ec97-d45c-4f09-bab6-0bd1dcad3913')
    def test_member_reading_another_projects_quotas_is_403(self):
        client = self.os_member.quotas_client
        project_id = self.os_alt.project_id
        self.assertRaises(lib_exc.Forbidden, client.show_quota_set, project_id)
        self.assertRaises(lib_exc.Forbidden, client.show_quota_set, project_id, detail=True)
        # ... but the defaults are everyone's (Nova's policy)
        defaults = client.show_default_quota_set(project_id)["quota_set"]
        self.assertEqual(project_id, defaults["id"])

    @decorators.idempotent_id('c1cec9ef-187f-4ab6-a1da-f26dd87d0ca8')
    def test_member_may_not_update_or_delete(self):
        client = self.os_member.quotas_client
        project_id = self.os_member.project_id
        self.assertRaises(lib_exc.Forbidden, client.update_quota_set, project_id,
                          server_groups=5)
        self.assertRaises(lib_exc.Forbidden, client.delete_quota_set, project_id)
        self.assertRaises(lib_exc.Forbidden,
                          self.os_member.quota_classes_client.show_quota_class_set, "default")
        self.assertRaises(lib_exc.Forbidden,
                          self.os_member.quota_classes_client.update_quota_class_set,
                          "default", instances=5)

    @decorators.idempotent_id('27da2b0a-c2fe-4695-ad16-35023937ebdb')
    def test_bad_updates_are_400(self):
        client = self.os_admin.quotas_client
        project_id = self.os_alt.project_id
        for body in ({"instances": "x"}, {"instances": -2}, {"cellgate_no_such_quota": 1},
                     {"floating_ips": 1}, {"injected_files": 1}):
            self.assertRaises(lib_exc.BadRequest, client.update_quota_set, project_id, **body)

    @decorators.idempotent_id('ed813208-e23d-47dc-9d7f-8a0ffc351dd2')
    def test_unknown_project_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.os_admin.quotas_client.show_quota_set,
                          "cellgate-no-such-project")


class LimitsTest(base.BaseComputeTest):
    """GET /limits: the caller's project's quotas and usage under Nova's names."""

    required_features = ("quotas",)
    microversion = "2.57"

    def _absolute(self, version):
        self.use_microversion(version)
        return self.os_member.limits_client.show_limits()["limits"]["absolute"]

    @decorators.idempotent_id('cc9e35d8-d22f-47f7-88d8-add8441ffa28')
    def test_limits_are_the_projects_quotas(self):
        absolute = self._absolute("2.57")
        quota_set = self.os_member.quotas_client.show_quota_set(
            self.os_member.project_id)["quota_set"]
        for name, resource in (("maxTotalInstances", "instances"), ("maxTotalCores", "cores"),
                               ("maxTotalRAMSize", "ram"), ("maxTotalKeypairs", "key_pairs"),
                               ("maxServerMeta", "metadata_items"),
                               ("maxServerGroups", "server_groups"),
                               ("maxServerGroupMembers", "server_group_members")):
            self.assertEqual(quota_set[resource], absolute[name], name)
        for name in ("totalInstancesUsed", "totalCoresUsed", "totalRAMUsed",
                     "totalServerGroupsUsed"):
            self.assertGreaterEqual(absolute[name], 0, name)

    @decorators.idempotent_id('a367d600-5286-4f00-9aff-2805acab15c1')
    def test_limits_shown_per_microversion(self):
        old = self._absolute("2.1")
        self.assertLessEqual({"maxTotalFloatingIps", "maxSecurityGroups", "maxPersonality",
                              "maxImageMeta", "totalFloatingIpsUsed"}, set(old))
        v236 = self._absolute("2.36")
        self.assertFalse({"maxTotalFloatingIps", "maxSecurityGroups",
                          "maxSecurityGroupRules", "totalFloatingIpsUsed",
                          "totalSecurityGroupsUsed"} & set(v236))
        self.assertLessEqual({"maxPersonality", "maxImageMeta"}, set(v236))
        self.assertNotIn("maxImageMeta", self._absolute("2.39"))
        v257 = self._absolute("2.57")
        self.assertFalse({"maxPersonality", "maxPersonalitySize"} & set(v257))
