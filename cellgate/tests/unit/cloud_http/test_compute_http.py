"""Compute API flows over the in-process client; every body is checked against the tempest.lib
response schema of its microversion (the same check the harness's clients make)."""

from __future__ import annotations

import time
import uuid

import testtools
from tempest.lib.api_schema.response.compute.v2_1 import flavors_access as access_schema
from tempest.lib.api_schema.response.compute.v2_1 import flavors_extra_specs as specs_schema
from tempest.lib.api_schema.response.compute.v2_1 import servers as servers_v21
from tempest.lib.services.compute.flavors_client import FlavorsClient
from tempest.lib.services.compute.hypervisor_client import HypervisorClient
from tempest.lib.services.compute.servers_client import ServersClient
from tempest.lib.services.compute.services_client import ServicesClient

from cellgate.tests.unit.cloud_http.support import (
    InProcessCloud,
    assert_matches_schema,
    schema_for,
)

C = "/compute/v2.1"
VERSIONS = (None, "2.3", "2.9", "2.16", "2.19", "2.26", "2.47", "2.53", "2.55", "2.58", "2.61")


def at_least(version, other):
    """Numeric microversion comparison (None is 2.1)."""
    def parse(text):
        major, minor = (text or "2.1").split(".")
        return int(major), int(minor)
    return parse(version) >= parse(other)


def servers_schema(version):
    return schema_for(ServersClient.schema_versions_info, version)


class ComputeFlowTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.env = self.useFixture(InProcessCloud("single-cell"))
        self.image = self.env.image_id()

    def boot(self, user="member1", version="2.61", name="vm", wait="ACTIVE", **extra):
        body = {"server": {"name": name, "imageRef": self.image, "flavorRef": "1",
                           "networks": "none", **extra}}
        resp = self.env.request("POST", f"{C}/servers", user=user, version=version, body=body)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        server_id = resp.get_json()["server"]["id"]
        self.addCleanup(self.env.request, "DELETE", f"{C}/servers/{server_id}", user="admin")
        if wait:
            self.wait_status(server_id, wait, user=user)
        return resp, server_id

    def wait_status(self, server_id, status, user="member1", timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body = self.env.request("GET", f"{C}/servers/{server_id}", user=user).get_json()
            if body["server"]["status"] == status:
                return body["server"]
            time.sleep(0.002)
        self.fail(f"server {server_id} not {status}: {body}")

    def test_boot_show_list_detail_update_delete_at_every_version(self):
        for version in VERSIONS:
            schema = servers_schema(version)
            extra = {"description": "d"} if at_least(version, "2.19") else {}
            body = {"server": {"name": "vm-%s" % version, "imageRef": self.image,
                               "flavorRef": "1", "metadata": {"k": "v"}, **extra}}
            if at_least(version, "2.37"):
                body["server"]["networks"] = "auto"
            resp = self.env.request("POST", f"{C}/servers", version=version, body=body)
            self.assertEqual(202, resp.status_code, f"{version}: {resp.get_data()}")
            assert_matches_schema(servers_v21.create_server_with_admin_pass, resp)
            server_id = resp.get_json()["server"]["id"]
            self.wait_status(server_id, "ACTIVE")
            for user in ("member1", "admin"):
                resp = self.env.request("GET", f"{C}/servers/{server_id}", user=user,
                                        version=version)
                assert_matches_schema(schema.get_server, resp)
                resp = self.env.request("GET", f"{C}/servers/detail", user=user,
                                        version=version)
                assert_matches_schema(schema.list_servers_detail, resp)
                resp = self.env.request("GET", f"{C}/servers", user=user, version=version)
                assert_matches_schema(schema.list_servers, resp)
            server = self.env.request("GET", f"{C}/servers/{server_id}", user="admin",
                                      version=version).get_json()["server"]
            if at_least(version, "2.47"):
                self.assertEqual("m1.nano", server["flavor"]["original_name"])
            else:
                self.assertEqual("1", server["flavor"]["id"])
            self.assertIn("OS-EXT-SRV-ATTR:host", server)
            member_view = self.env.request("GET", f"{C}/servers/{server_id}",
                                           version=version).get_json()["server"]
            self.assertNotIn("OS-EXT-SRV-ATTR:host", member_view)
            update = {"server": {"name": "renamed"}}
            resp = self.env.request("PUT", f"{C}/servers/{server_id}", version=version,
                                    body=update)
            assert_matches_schema(schema.update_server, resp)
            self.assertEqual("renamed", resp.get_json()["server"]["name"])
            resp = self.env.request("DELETE", f"{C}/servers/{server_id}", version=version)
            assert_matches_schema(servers_v21.delete_server, resp)

    def test_networks_required_from_2_37(self):
        body = {"server": {"name": "n", "imageRef": self.image, "flavorRef": "1"}}
        resp = self.env.request("POST", f"{C}/servers", version="2.37", body=body)
        self.assertEqual(400, resp.status_code)
        self.assertIn("networks", resp.get_json()["badRequest"]["message"])

    def test_unknown_image_and_flavor_are_400(self):
        for image, flavor in ((str(uuid.uuid4()), "1"), (self.image, "no-such-flavor")):
            body = {"server": {"name": "n", "imageRef": image, "flavorRef": flavor,
                               "networks": "none"}}
            resp = self.env.request("POST", f"{C}/servers", version="2.61", body=body)
            self.assertEqual(400, resp.status_code, resp.get_data(as_text=True))

    def test_tenant_isolation(self):
        _, server_id = self.boot(user="member1")
        self.assertEqual(200, self.env.request("GET", f"{C}/servers/{server_id}",
                                               user="member2").status_code)
        for method, path in (("GET", f"{C}/servers/{server_id}"),
                             ("DELETE", f"{C}/servers/{server_id}"),
                             ("GET", f"{C}/servers/{server_id}/metadata")):
            resp = self.env.request(method, path, user="member3")
            self.assertEqual(404, resp.status_code, path)
            self.assertIn("itemNotFound", resp.get_json())
        ids = [s["id"] for s in self.env.request("GET", f"{C}/servers",
                                                 user="member3").get_json()["servers"]]
        self.assertNotIn(server_id, ids)
        resp = self.env.request("GET", f"{C}/servers?all_tenants=1", user="member3")
        self.assertEqual(403, resp.status_code)
        ids = [s["id"] for s in self.env.request("GET", f"{C}/servers?all_tenants=1",
                                                 user="admin").get_json()["servers"]]
        self.assertIn(server_id, ids)

    def test_paging_and_filters(self):
        made = [self.boot(name=f"page-{i}", wait=None)[1] for i in range(3)]
        resp = self.env.request("GET", f"{C}/servers?limit=2")
        body = resp.get_json()
        assert_matches_schema(servers_schema(None).list_servers, resp)
        self.assertEqual(2, len(body["servers"]))
        self.assertEqual("next", body["servers_links"][0]["rel"])
        marker = body["servers"][-1]["id"]
        rest = self.env.request("GET", f"{C}/servers?limit=2&marker={marker}").get_json()
        seen = {s["id"] for s in body["servers"]} | {s["id"] for s in rest["servers"]}
        self.assertTrue(set(made) <= seen)
        named = self.env.request("GET", f"{C}/servers?name=page-1").get_json()["servers"]
        self.assertEqual([made[1]], [s["id"] for s in named])
        for query in ("limit=-1", "limit=abc", f"marker={uuid.uuid4()}",
                      "changes-since=yesterday", "sort_dir=sideways", "sort_key=nope"):
            resp = self.env.request("GET", f"{C}/servers?{query}")
            self.assertEqual(400, resp.status_code, query)
            self.assertIn("badRequest", resp.get_json())

    def test_actions_and_instance_actions(self):
        _, server_id = self.boot()
        action = f"{C}/servers/{server_id}/action"
        self.assertEqual(409, self.env.request("POST", action,
                                               body={"os-start": None}).status_code)
        self.assertEqual(202, self.env.request("POST", action,
                                               body={"os-stop": None}).status_code)
        self.wait_status(server_id, "SHUTOFF")
        resp = self.env.request("POST", action, body={"os-stop": None})
        self.assertEqual(409, resp.status_code)
        self.assertIn("conflictingRequest", resp.get_json())
        self.assertEqual(202, self.env.request("POST", action,
                                               body={"os-start": None}).status_code)
        self.wait_status(server_id, "ACTIVE")
        self.assertEqual(202, self.env.request("POST", action,
                                               body={"reboot": {"type": "HARD"}}).status_code)
        self.wait_status(server_id, "ACTIVE")
        self.assertEqual(400, self.env.request("POST", action,
                                               body={"reboot": {"type": "x"}}).status_code)
        self.assertEqual(400, self.env.request("POST", action,
                                               body={"fly": {}}).status_code)
        for version in (None, "2.51", "2.58", "2.61"):
            schema = servers_schema(version)
            for user in ("member1", "admin"):
                resp = self.env.request("GET", f"{C}/servers/{server_id}/os-instance-actions",
                                        user=user, version=version)
                assert_matches_schema(schema.list_instance_actions, resp)
                actions = resp.get_json()["instanceActions"]
                self.assertIn("create", [a["action"] for a in actions])
                request_id = actions[-1]["request_id"]
                resp = self.env.request(
                    "GET", f"{C}/servers/{server_id}/os-instance-actions/{request_id}",
                    user=user, version=version)
                assert_matches_schema(schema.show_instance_action, resp)
                shows_events = user == "admin" or at_least(version, "2.51")
                self.assertEqual(shows_events, "events" in resp.get_json()["instanceAction"])

    def test_server_metadata(self):
        _, server_id = self.boot(metadata={"a": "1"})
        base = f"{C}/servers/{server_id}/metadata"
        resp = self.env.request("GET", base)
        assert_matches_schema(servers_v21.list_server_metadata, resp)
        self.assertEqual({"a": "1"}, resp.get_json()["metadata"])
        resp = self.env.request("POST", base, body={"metadata": {"b": "2"}})
        assert_matches_schema(servers_v21.update_server_metadata, resp)
        self.assertEqual({"a": "1", "b": "2"}, resp.get_json()["metadata"])
        resp = self.env.request("PUT", base, body={"metadata": {"c": "3"}})
        assert_matches_schema(servers_v21.set_server_metadata, resp)
        self.assertEqual({"c": "3"}, resp.get_json()["metadata"])
        resp = self.env.request("PUT", f"{base}/d", body={"meta": {"d": "4"}})
        assert_matches_schema(servers_v21.set_show_server_metadata_item, resp)
        resp = self.env.request("GET", f"{base}/d")
        assert_matches_schema(servers_v21.set_show_server_metadata_item, resp)
        self.assertEqual(400, self.env.request("PUT", f"{base}/d",
                                               body={"meta": {"e": "4"}}).status_code)
        resp = self.env.request("DELETE", f"{base}/d")
        assert_matches_schema(servers_v21.delete_server_metadata_item, resp)
        self.assertEqual(404, self.env.request("GET", f"{base}/d").status_code)

    def test_flavors_extra_specs_and_access(self):
        for version in (None, "2.55", "2.61"):
            schema = schema_for(FlavorsClient.schema_versions_info, version)
            resp = self.env.request("GET", f"{C}/flavors", version=version)
            assert_matches_schema(schema.list_flavors, resp)
            resp = self.env.request("GET", f"{C}/flavors/detail", version=version)
            assert_matches_schema(schema.list_flavors_details, resp)
            resp = self.env.request("GET", f"{C}/flavors/1", version=version)
            assert_matches_schema(schema.create_update_get_flavor_details, resp)
        schema = schema_for(FlavorsClient.schema_versions_info, "2.61")
        body = {"flavor": {"name": "private-x", "ram": 64, "vcpus": 1, "disk": 0,
                           "id": "private-x", "os-flavor-access:is_public": False,
                           "description": "a private flavor"}}
        resp = self.env.request("POST", f"{C}/flavors", version="2.61", body=body)
        self.assertEqual(403, resp.status_code)
        self.assertIn("forbidden", resp.get_json())
        resp = self.env.request("POST", f"{C}/flavors", user="admin", version="2.61",
                                body=body)
        assert_matches_schema(schema.create_update_get_flavor_details, resp)
        self.addCleanup(self.env.request, "DELETE", f"{C}/flavors/private-x", user="admin")
        self.assertEqual(409, self.env.request("POST", f"{C}/flavors", user="admin",
                                               version="2.61", body=body).status_code)
        specs = f"{C}/flavors/private-x/os-extra_specs"
        resp = self.env.request("POST", specs, user="admin",
                                body={"extra_specs": {"hw:cpu_policy": "dedicated"}})
        assert_matches_schema(specs_schema.set_get_flavor_extra_specs, resp)
        resp = self.env.request("PUT", f"{specs}/hw:cpu_policy", user="admin",
                                body={"hw:cpu_policy": "shared"})
        assert_matches_schema(specs_schema.set_get_flavor_extra_specs_key, resp)
        self.assertEqual(400, self.env.request("PUT", f"{specs}/hw:cpu_policy", user="admin",
                                               body={"other": "x"}).status_code)
        resp = self.env.request("GET", f"{specs}/hw:cpu_policy", user="admin")
        self.assertEqual({"hw:cpu_policy": "shared"}, resp.get_json())
        resp = self.env.request("GET", f"{C}/flavors/private-x", user="admin", version="2.61")
        self.assertEqual({"hw:cpu_policy": "shared"}, resp.get_json()["flavor"]["extra_specs"])
        resp = self.env.request("DELETE", f"{specs}/hw:cpu_policy", user="admin")
        assert_matches_schema(specs_schema.unset_flavor_extra_specs, resp)
        self.assertEqual(404, self.env.request("GET", f"{specs}/hw:cpu_policy",
                                               user="admin").status_code)
        self.assertEqual(404, self.env.request("GET", f"{C}/flavors/private-x").status_code)
        project_a = self.env.cloud.identity.project_ids()["project-a"]
        resp = self.env.request("POST", f"{C}/flavors/private-x/action", user="admin",
                                body={"addTenantAccess": {"tenant": project_a}})
        assert_matches_schema(access_schema.add_remove_list_flavor_access, resp)
        resp = self.env.request("GET", f"{C}/flavors/private-x/os-flavor-access",
                                user="admin")
        assert_matches_schema(access_schema.add_remove_list_flavor_access, resp)
        self.assertEqual(200, self.env.request("GET", f"{C}/flavors/private-x").status_code)
        resp = self.env.request("PUT", f"{C}/flavors/private-x", user="admin",
                                version="2.55", body={"flavor": {"description": "new"}})
        self.assertEqual("new", resp.get_json()["flavor"]["description"])
        self.assertEqual(404, self.env.request("PUT", f"{C}/flavors/private-x", user="admin",
                                               body={"flavor": {"description": "new"}}
                                               ).status_code)
        self.assertEqual(202, self.env.request("DELETE", f"{C}/flavors/private-x",
                                               user="admin").status_code)

    def test_services_and_hypervisors(self):
        for version in (None, "2.11", "2.28", "2.33", "2.53", "2.61"):
            services = schema_for(ServicesClient.schema_versions_info, version)
            resp = self.env.request("GET", f"{C}/os-services", user="admin", version=version)
            assert_matches_schema(services.list_services, resp)
            hypervisors = schema_for(HypervisorClient.schema_versions_info, version)
            resp = self.env.request("GET", f"{C}/os-hypervisors", user="admin",
                                    version=version)
            assert_matches_schema(hypervisors.list_search_hypervisors, resp)
            hypervisor_id = resp.get_json()["hypervisors"][0]["id"]
            resp = self.env.request("GET", f"{C}/os-hypervisors/detail", user="admin",
                                    version=version)
            assert_matches_schema(hypervisors.list_hypervisors_detail, resp)
            resp = self.env.request("GET", f"{C}/os-hypervisors/{hypervisor_id}",
                                    user="admin", version=version)
            assert_matches_schema(hypervisors.get_hypervisor, resp)
            self.assertIsInstance(hypervisor_id, str if version == "2.53" or
                                  version == "2.61" else int)
        for path in ("os-services", "os-hypervisors", "os-hypervisors/detail"):
            resp = self.env.request("GET", f"{C}/{path}")
            self.assertEqual(403, resp.status_code)
            self.assertIn("Policy doesn't allow", resp.get_json()["forbidden"]["message"])

    def test_images(self):
        resp = self.env.request("GET", "/image/v2/images")
        images = resp.get_json()["images"]
        self.assertEqual(2, len(images))
        self.assertEqual("active", images[0]["status"])
        resp = self.env.request("GET", f"/image/v2/images/{images[0]['id']}")
        self.assertEqual(images[0]["name"], resp.get_json()["name"])
        self.assertEqual(404, self.env.request("GET", f"/image/v2/images/{uuid.uuid4()}"
                                               ).status_code)
