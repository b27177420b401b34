"""Scenario: quotas set by an admin bound what a project may make, counted over every cell.

Every test here changes the alt project's quotas (no other test boots there) and puts them
back with a DELETE (revert to the defaults) when it ends, so the tests of this one class
run one at a time on one worker.
"""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators, waiters
from cellgate.tests import base
from cellgate.tests.api.keypairs import _helpers as keypair_helpers


class QuotaEnforcementTest(base.BaseComputeTest):
    """Fill a quota, see the next request refused (403), free room, see it accepted."""

    required_features = ("quotas",)
    microversion = "2.57"
    roles = ("admin", "alt")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.project_id = cls.os_alt.project_id
        cls.flavor = cls.os_alt.flavors_client.show_flavor(cls.flavor_ref)["flavor"]

    def _usage(self):
        return self.os_admin.quotas_client.show_quota_set(self.project_id,
                                                          detail=True)["quota_set"]

    def _set(self, **limits):
        self.addCleanup(self._revert)
        self.os_admin.quotas_client.update_quota_set(self.project_id, force=True, **limits)

    def _revert(self):
        self.os_admin.quotas_client.delete_quota_set(self.project_id)

    def _boot_alt(self, **kwargs):
        return self.create_server_for_test(clients=self.os_alt, **kwargs)

    def _refused(self, **kwargs):
        """Expect a boot to be 403; a surprise success is still cleaned up (all of it)."""
        client = self.os_alt.servers_client
        body = self._server_body({**kwargs, "return_reservation_id": True})
        try:
            reservation = client.create_server(**body)["reservation_id"]
        except lib_exc.Forbidden as error:
            return error
        for server in client.list_servers(reservation_id=reservation)["servers"]:
            self.addCleanup(self._delete_server, client, server["id"])
        self.fail(f"boot {kwargs} was accepted")

    @decorators.idempotent_id('dab7a020-f509-4d6a-b3b1-0b0e62edc8ca')
    def test_instances_quota_refuses_the_next_boot_until_a_delete(self):
        used = self._usage()["instances"]["in_use"]
        self._set(instances=used + 2)
        first, second = self._boot_alt(), self._boot_alt()
        error = self._refused()
        self.assertIn(f"Quota exceeded for instances: Requested 1, but already used "
                      f"{used + 2} of {used + 2} instances", str(error))
        hosts = {self.os_admin.servers_client.show_server(s["id"])["server"][
            "OS-EXT-SRV-ATTR:host"] for s in (first, second)}
        self.assertEqual(used + 2, self._usage()["instances"]["in_use"],
                         f"servers on {sorted(hosts)} must all count")
        absolute = self.os_alt.limits_client.show_limits()["limits"]["absolute"]
        self.assertEqual((used + 2, used + 2), (absolute["maxTotalInstances"],
                                                absolute["totalInstancesUsed"]))
        client = self.os_alt.servers_client
        client.delete_server(first["id"])
        waiters.wait_for_server_termination(client, first["id"], self.build_timeout,
                                            self.build_interval)
        third = self._boot_alt()
        self.assertEqual("ACTIVE", third["status"])

    @decorators.idempotent_id('8caea2d0-07a7-4595-9828-3cd94d4525d8')
    def test_boot_makes_as_many_servers_as_the_quota_leaves(self):
        used = self._usage()["instances"]["in_use"]
        self._set(instances=used + 2)
        client = self.os_alt.servers_client
        body = self._server_body({"min_count": 1, "max_count": 5,
                                  "return_reservation_id": True})
        reservation = client.create_server(**body)["reservation_id"]
        made = client.list_servers(reservation_id=reservation)["servers"]
        for server in made:
            self.addCleanup(self._delete_server, client, server["id"])
        self.assertEqual(2, len(made))
        for server in made:  # Nova counts a server once a cell holds it
            self.wait_for_server_status(server["id"], "ACTIVE", clients=self.os_alt)
        error = self._refused(min_count=2, max_count=3)
        self.assertIn("Quota exceeded for instances: Requested 2-3", str(error))

    @decorators.idempotent_id('0980bada-df39-4dec-ad43-cc7c8721879b')
    def test_cores_and_ram_quotas_count_the_flavor(self):
        usage = self._usage()
        self._set(cores=usage["cores"]["in_use"] + self.flavor["vcpus"])
        error = self._refused(min_count=2)
        self.assertIn("Quota exceeded for cores: Requested %d" % (2 * self.flavor["vcpus"]),
                      str(error))
        self._revert()
        self._set(ram=usage["ram"]["in_use"] + self.flavor["ram"] - 1)
        error = self._refused()
        self.assertIn("Quota exceeded for ram: Requested %d" % self.flavor["ram"], str(error))

    @decorators.idempotent_id('9959616f-bd01-4b5a-b145-769b1c9c662b')
    def test_metadata_items_quota(self):
        server = self._boot_alt(metadata={"a": "1"})
        self._set(metadata_items=1)
        error = self._refused(metadata={"a": "1", "b": "2"})
        self.assertIn("Maximum number of metadata items exceeds 1", str(error))
        self.assertRaises(lib_exc.Forbidden,
                          self.os_alt.servers_client.update_server_metadata,
                          server["id"], {"b": "2"})
        self.os_alt.servers_client.set_server_metadata(server["id"], {"c": "3"})
        shown = self.os_alt.servers_client.show_server(server["id"])["server"]
        self.assertEqual({"c": "3"}, shown["metadata"])

    @decorators.idempotent_id('93c8afde-9ef9-4b07-875d-937474e7495d')
    def test_key_pairs_quota(self):
        client = self.os_alt.keypairs_client
        held = len(client.list_keypairs()["keypairs"])
        self._set(key_pairs=held + 1)
        keypair_helpers.create_keypair(self, self.os_alt)
        error = self.assertRaises(lib_exc.Forbidden, keypair_helpers.create_keypair, self,
                                  self.os_alt)
        self.assertIn("Quota exceeded, too many key pairs.", str(error))

    @decorators.idempotent_id('c70ef54d-66db-4b0e-b3e4-fce51fee2b2b')
    def test_update_below_usage_is_400_unless_forced(self):
        self._boot_alt()
        used = self._usage()["instances"]["in_use"]
        self.addCleanup(self._revert)
        quotas = self.os_admin.quotas_client
        self.assertRaises(lib_exc.BadRequest, quotas.update_quota_set, self.project_id,
                          instances=used - 1)
        result = quotas.update_quota_set(self.project_id, instances=used - 1,
                                         force=True)["quota_set"]
        self.assertEqual(used - 1, result["instances"])

    @decorators.idempotent_id('63b13053-5bd7-4531-9587-2c71c8537f3d')
    def test_delete_reverts_to_the_defaults(self):
        quotas = self.os_admin.quotas_client
        defaults = quotas.show_default_quota_set(self.project_id)["quota_set"]
        self._set(server_groups=3, server_group_members=4)
        shown = quotas.show_quota_set(self.project_id)["quota_set"]
        self.assertEqual((3, 4), (shown["server_groups"], shown["server_group_members"]))
        self._revert()
        self.assertEqual(defaults, quotas.show_quota_set(self.project_id)["quota_set"])
