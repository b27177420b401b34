"""Keystone v3 password tokens: issue, validate and the 401s around them."""

from __future__ import annotations

import json

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base


def issue_token(clients, **overrides):
    """POST /v3/auth/tokens with the account's password, some fields overridden."""
    creds = clients.credentials
    params = {"username": creds.username, "password": creds.password,
              "project_name": creds.project_name,
              "user_domain_name": creds.user_domain_name,
              "project_domain_name": creds.project_domain_name}
    params.update(overrides)
    return clients.token_client.auth(**params)


class TokensTest(base.BaseComputeTest):
    """Issue and validate project-scoped password tokens."""

    roles = ("admin", "member")

    def _issue(self, clients, **overrides):
        return issue_token(clients, **overrides)

    @decorators.idempotent_id('16390688-5569-4ce5-9ec6-8e6dd9c72128')
    def test_issue_token_returns_201_and_subject_token(self):
        body = self._issue(self.os_member)
        self.assertEqual(201, body.response.status)
        self.assertTrue(body.response.get("x-subject-token"))
        token = body["token"]
        creds = self.os_member.credentials
        self.assertEqual(["password"], token["methods"])
        self.assertEqual(creds.username, token["user"]["name"])
        self.assertTrue(token["user"]["id"])
        self.assertEqual(creds.project_name, token["project"]["name"])
        self.assertTrue(token["project"]["id"])
        self.assertIn("expires_at", token)
        self.assertIn("issued_at", token)

    @decorators.idempotent_id('6d8e17c2-fc03-4bad-88db-d8080491c090')
    def test_token_catalog_lists_compute_identity_image(self):
        token = self._issue(self.os_member)["token"]
        by_type = {entry["type"]: entry for entry in token["catalog"]}
        region = self.os_member.credentials.region
        for service in ("compute", "identity", "image"):
            self.assertIn(service, by_type)
            public = [ep for ep in by_type[service]["endpoints"]
                      if ep["interface"] == "public" and ep["region"] == region]
            self.assertNotEqual([], public, f"no public {service} endpoint in {region}")
            self.assertTrue(public[0]["url"].startswith("http"), public)

    @decorators.idempotent_id('d5a8c0e8-9495-46e0-a837-85bf19c70fbf')
    def test_member_token_has_member_role_not_admin(self):
        roles = {role["name"] for role in self._issue(self.os_member)["token"]["roles"]}
        self.assertIn("member", roles)
        self.assertNotIn("admin", roles)

    @decorators.idempotent_id('cb1f148d-a869-4e61-adaa-7eb77fd8a9a2')
    def test_admin_token_has_admin_role(self):
        roles = {role["name"] for role in self._issue(self.os_admin)["token"]["roles"]}
        self.assertIn("admin", roles)

    @decorators.idempotent_id('95e6063e-8a29-4851-b775-4732809c0164')
    def test_validate_token(self):
        issued = self._issue(self.os_member)
        subject = issued.response["x-subject-token"]
        shown = self.os_admin.identity_client.show_token(subject)
        self.assertEqual(200, shown.response.status)
        self.assertEqual(subject, shown.response.get("x-subject-token"))
        self.assertEqual(issued["token"]["user"]["id"], shown["token"]["user"]["id"])
        self.assertEqual(issued["token"]["project"]["id"], shown["token"]["project"]["id"])

    @decorators.idempotent_id('201d0b7c-fb56-491c-8c36-180ddc891973')
    def test_check_token_with_head(self):
        subject = self._issue(self.os_member).response["x-subject-token"]
        resp = self.os_member.identity_client.check_token_existence(subject)
        self.assertEqual(200, resp.response.status)

    @decorators.idempotent_id('1ae5ea1a-7473-463a-a2f9-150c057ff830')
    def test_check_unknown_token_with_head_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.os_member.identity_client.check_token_existence,
                          "not-a-real-token")

    @decorators.idempotent_id('afc9d9c5-b0e8-400a-8aa4-58bd88a4d907')
    def test_revoked_token_no_longer_validates(self):
        subject = self._issue(self.os_member).response["x-subject-token"]
        resp = self.os_admin.identity_client.delete_token(subject)
        self.assertEqual(204, resp.response.status)
        self.assertRaises(lib_exc.NotFound, self.os_admin.identity_client.show_token, subject)

    @decorators.idempotent_id('4d34a3d2-707b-4f97-a235-c48258d4eb09')
    def test_validate_unknown_token_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.os_admin.identity_client.show_token,
                          "not-a-real-token")

    @decorators.idempotent_id('ba9fca30-53d5-446d-81d3-1f3c47f75b8c')
    def test_validate_without_auth_token_is_401(self):
        subject = self._issue(self.os_member).response["x-subject-token"]
        rest = self.os_member.rest_client("identity")
        url = self.os_member.identity_v3_url + "/auth/tokens"
        resp, _ = rest.raw_request(url, "GET", headers={"X-Subject-Token": subject,
                                                        "Accept": "application/json"})
        self.assertEqual(401, resp.status)

    @decorators.idempotent_id('16c8d033-5414-4451-bfc9-9ff3478dd67c')
    def test_member_cannot_inspect_or_revoke_admin_token(self):
        # Keystone's identity:{validate,check,revoke}_token: admin or the token's own user
        subject = self._issue(self.os_admin).response["x-subject-token"]
        member = self.os_member.identity_client
        self.assertRaises(lib_exc.Forbidden, member.show_token, subject)
        self.assertRaises(lib_exc.Forbidden, member.check_token_existence, subject)
        self.assertRaises(lib_exc.Forbidden, member.delete_token, subject)
        shown = self.os_admin.identity_client.show_token(subject)  # the refused revoke did nothing
        self.assertEqual(200, shown.response.status)

    @decorators.idempotent_id('16f53a4e-46f2-4a5c-bb09-5778d305aa4b')
    def test_bad_password_is_401(self):
        self.assertRaises(lib_exc.Unauthorized, self._issue, self.os_member,
                          password="wrong-" + self.os_member.credentials.password)

    @decorators.idempotent_id('2c19726a-7fec-44c5-9ce3-be4a91e59896')
    def test_unknown_user_is_401(self):
        self.assertRaises(lib_exc.Unauthorized, self._issue, self.os_member,
                          username="no-such-user-cellgate")

    @decorators.idempotent_id('beb10367-c3d6-445b-8433-284df242619f')
    def test_unknown_project_is_401(self):
        self.assertRaises(lib_exc.Unauthorized, self._issue, self.os_member,
                          project_name="no-such-project-cellgate")

    @decorators.idempotent_id('a000cc18-76ff-4e54-8a80-0da8c7ac1f3b')
    def test_malformed_auth_body_is_400(self):
        rest = self.os_member.rest_client("identity")
        url = self.os_member.identity_v3_url + "/auth/tokens"
        resp, _ = rest.raw_request(url, "POST", body=json.dumps({"auth": {}}),
                                   headers={"Content-Type": "application/json",
                                            "Accept": "application/json"})
        self.assertEqual(400, resp.status)


class ProjectScopeTest(base.BaseComputeTest):
    """Accounts of the same and of another project."""

    roles = ("member", "member_peer", "alt")

    @decorators.idempotent_id('a7a71024-fbea-4fef-8b67-5906d4986b2d')
    def test_peer_shares_project_alt_does_not(self):
        self.assertEqual(self.os_member.project_id, self.os_member_peer.project_id)
        self.assertNotEqual(self.os_member.user_id, self.os_member_peer.user_id)
        self.assertNotEqual(self.os_member.project_id, self.os_alt.project_id)

    @decorators.idempotent_id('548b5df3-5529-4b22-aaaf-03fa26c4a04e')
    def test_peer_cannot_inspect_member_token_owner_can(self):
        # the same project is not enough: only the token's own user (or an admin) may look
        subject = issue_token(self.os_member).response["x-subject-token"]
        self.assertRaises(lib_exc.Forbidden, self.os_member_peer.identity_client.show_token,
                          subject)
        shown = self.os_member.identity_client.show_token(subject)
        self.assertEqual(200, shown.response.status)
        self.assertEqual(self.os_member.user_id, shown["token"]["user"]["id"])

    @decorators.idempotent_id('2d67e313-2f45-422c-9139-0f78d6415b06')
    def test_project_of_other_member_is_401(self):
        # member1 has no role on alt's project: scoping there must fail.
        self.assertRaises(lib_exc.Unauthorized, issue_token, self.os_member,
                          project_name=self.os_alt.credentials.project_name)


class ComputeAuthTest(base.BaseComputeTest):
    """The compute API refuses requests without a valid token."""

    @decorators.idempotent_id('f42bbdca-46f6-4031-b83d-a91564f6aa95')
    def test_missing_token_on_compute_is_401(self):
        url = self.os_member.flavors_client.base_url + "/flavors"
        resp, _ = self.os_member.rest_client("compute").raw_request(
            url, "GET", headers={"Accept": "application/json"})
        self.assertEqual(401, resp.status)
        # keystonemiddleware says where to authenticate, as an absolute URL
        self.assertRegex(resp.get("www-authenticate", ""), r'^Keystone uri="https?://[^"]+"$')

    @decorators.idempotent_id('e235b3d6-cea3-4217-8360-d446aa4317ea')
    def test_bad_token_on_compute_is_401(self):
        url = self.os_member.flavors_client.base_url + "/flavors"
        resp, _ = self.os_member.rest_client("compute").raw_request(
            url, "GET", headers={"Accept": "application/json", "X-Auth-Token": "bogus-token"})
        self.assertEqual(401, resp.status)

    @decorators.idempotent_id('c5e06423-9cdd-4bd6-91f6-c206d917e2b3')
    def test_valid_token_on_compute_is_200(self):
        body = self.os_member.flavors_client.list_flavors()
        self.assertEqual(200, body.response.status)
