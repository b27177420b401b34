"""Quotas over the in-process client: Nova's bodies (tempest.lib's schemas), usage counted
over every cell, and the boot check's wording."""

from __future__ import annotations

import testtools
from tempest.lib.services.compute.limits_client import LimitsClient
from tempest.lib.services.compute.quotas_client import QuotasClient

from cellgate.tests.unit.cloud_http.support import (
    InProcessCloud,
    assert_matches_schema,
    schema_for,
)

C = "/compute/v2.1"


class QuotasHttpTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.env = self.useFixture(InProcessCloud("multi-cell"))
        self.project = self.env.cloud.identity.project_ids()["project-a"]
        self.image = self.env.image_id()

    def req(self, method, path, version="2.57", user="member1", body=None):
        return self.env.request(method, C + path, user=user, version=version, body=body)

    def boot(self, **extra):
        return self.req("POST", "/servers", body={"server": {
            "name": "vm", "imageRef": self.image, "flavorRef": "1", "networks": "none",
            **extra}})

    def set_quota(self, **values):
        resp = self.req("PUT", f"/os-quota-sets/{self.project}", user="admin",
                        body={"quota_set": values})
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))

    def test_bodies_match_novas_schemas_per_microversion(self):
        for version in ("2.1", "2.36", "2.57"):
            schema = schema_for(QuotasClient.schema_versions_info, version)
            assert_matches_schema(schema.get_quota_set, self.req(
                "GET", f"/os-quota-sets/{self.project}", version=version))
            assert_matches_schema(schema.get_quota_set_details, self.req(
                "GET", f"/os-quota-sets/{self.project}/detail", version=version))
            assert_matches_schema(schema.get_quota_set, self.req(
                "GET", f"/os-quota-sets/{self.project}/defaults", version=version))
        for version in ("2.1", "2.36", "2.39", "2.57"):
            schema = schema_for(LimitsClient.schema_versions_info, version)
            assert_matches_schema(schema.get_limit, self.req("GET", "/limits",
                                                             version=version))

    def test_usage_counts_servers_of_every_cell(self):
        store = self.env.cloud.deployment.api_store
        for cell in ("cell1", "cell2"):  # one server in each cell, placed by the admin
            host = next(h["host"] for h in store.capacity.hosts() if h["cell_name"] == cell)
            resp = self.req("POST", "/servers", user="admin", body={"server": {
                "name": "vm", "imageRef": self.image, "flavorRef": "1", "networks": "none",
                "availability_zone": f"nova:{host}"}})
            self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        admin_project = self.env.cloud.identity.project_ids()["admin"]
        cells = {r["cell_name"] for r in store.instances.records(project_id=admin_project)}
        self.assertEqual({"cell1", "cell2"}, cells)
        detail = self.req("GET", f"/os-quota-sets/{admin_project}/detail",
                          user="admin").get_json()
        self.assertEqual((2, 2, 256), tuple(detail["quota_set"][r]["in_use"]
                                            for r in ("instances", "cores", "ram")))
        limits = self.req("GET", "/limits", user="admin").get_json()["limits"]["absolute"]
        self.assertEqual(2, limits["totalInstancesUsed"])

    def test_over_quota_boot_wording_and_trim(self):
        self.set_quota(instances=3, cores=2)
        resp = self.boot(min_count=3, max_count=4)
        self.assertEqual(403, resp.status_code)
        self.assertEqual("Quota exceeded for cores, instances: Requested 4, 3-4, but already "
                         "used 0, 0 of 2, 3 cores, instances",
                         resp.get_json()["forbidden"]["message"])
        resp = self.boot(min_count=1, max_count=4, return_reservation_id=True)
        reservation = resp.get_json()["reservation_id"]
        listed = self.req("GET", f"/servers?reservation_id={reservation}").get_json()
        self.assertEqual(2, len(listed["servers"]))

    def test_metadata_quota_replaces_the_fixed_limit(self):
        self.set_quota(metadata_items=1)
        resp = self.boot(metadata={"a": "1", "b": "2"})
        self.assertEqual((403, "Maximum number of metadata items exceeds 1"),
                         (resp.status_code, resp.get_json()["forbidden"]["message"]))

    def test_user_quota_binds_within_the_project(self):
        token_user = self.req("POST", "/os-keypairs", version="2.2", body={
            "keypair": {"name": "k"}}).get_json()["keypair"]["user_id"]
        resp = self.req("PUT", f"/os-quota-sets/{self.project}?user_id={token_user}",
                        user="admin", body={"quota_set": {"instances": 1}})
        self.assertEqual(200, resp.status_code)
        self.assertEqual(202, self.boot().status_code)
        self.assertEqual(403, self.boot().status_code)
        self.assertEqual(202, self.req("POST", "/servers", user="member2", body={"server": {
            "name": "vm", "imageRef": self.image, "flavorRef": "1",
            "networks": "none"}}).status_code)


class ProjectsHttpTest(testtools.TestCase):
    """The Keystone project lookups `openstack quota set PROJECT` makes."""

    def test_admin_finds_a_project_by_name_members_see_their_own(self):
        env = self.useFixture(InProcessCloud("nocells"))
        ids = env.cloud.identity.project_ids()
        found = env.request("GET", "/identity/v3/projects?name=project-a", user="admin")
        self.assertEqual([ids["project-a"]], [p["id"] for p in found.get_json()["projects"]])
        own = env.request("GET", f"/identity/v3/projects/{ids['project-a']}")
        self.assertEqual("project-a", own.get_json()["project"]["name"])
        self.assertEqual(403, env.request("GET", f"/identity/v3/projects/{ids['project-b']}")
                         .status_code)
        self.assertEqual(403, env.request("GET", "/identity/v3/projects").status_code)
        self.assertEqual(404, env.request("GET", "/identity/v3/projects/nope",
                                          user="admin").status_code)
        self.assertEqual(401, env.request("GET", "/identity/v3/projects", user=None)
                         .status_code)
