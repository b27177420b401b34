"""PUT /os-services (admin): disable with a reason, enable and force down a nova-compute
service, at 2.53 by service uuid and before it through the legacy host/binary actions.

Off by default ([compute-feature-enabled] service_updates): they change shared state.
All tests are in one class (so they run one after another and at most one host is out at a
time); each restores the service it changed in a cleanup and keeps it changed only for a few
requests, so boots of tests running beside it still find a host.
"""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc
from tempest.lib.common.utils import data_utils

from cellgate.lib import decorators
from cellgate.lib.microversion import ComputeMicroversion
from cellgate.tests import base

UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"


class ServiceUpdateTest(base.BaseComputeTest):
    required_features = ("services", "service_updates")
    roles = ("admin", "member")

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_admin.services_client

    def _compute(self) -> dict:
        """The last nova-compute service (at 2.53: with its uuid), restored at cleanup."""
        with ComputeMicroversion("2.53"):
            service = self.client.list_services(binary="nova-compute")["services"][-1]
        self.addCleanup(self._restore, service["id"])
        return service

    def _restore(self, service_uuid: str) -> None:
        with ComputeMicroversion("2.53"):
            self.client.update_service(service_uuid, status="enabled", forced_down=False)

    def _show(self, host: str) -> dict:
        (service,) = self.client.list_services(host=host, binary="nova-compute")["services"]
        return service

    @decorators.requires_microversion("2.53")
    @decorators.idempotent_id('1b8edffc-3a67-43c0-b014-2f2ddeccb2d3')
    def test_disable_with_reason_then_enable(self):
        self.use_microversion("2.53")
        service = self._compute()
        reason = data_utils.rand_name("maintenance", prefix="cellgate")
        body = self.client.update_service(service["id"], status="disabled",
                                          disabled_reason=reason)["service"]
        self.assertEqual(("disabled", reason), (body["status"], body["disabled_reason"]))
        shown = self._show(service["host"])
        self.assertEqual(("disabled", reason), (shown["status"], shown["disabled_reason"]))
        body = self.client.update_service(service["id"], status="enabled")["service"]
        self.assertEqual(("enabled", None), (body["status"], body["disabled_reason"]))
        self.assertEqual("enabled", self._show(service["host"])["status"])

    @decorators.requires_microversion("2.53")
    @decorators.idempotent_id('5d31206a-7b09-4355-8219-8067273e550c')
    def test_force_down_then_up(self):
        self.use_microversion("2.53")
        service = self._compute()
        # disabled too, so that every enabled service stays up for tests running beside
        body = self.client.update_service(service["id"], status="disabled",
                                          forced_down=True)["service"]
        self.assertEqual((True, "down"), (body["forced_down"], body["state"]))
        self.assertEqual("down", self._show(service["host"])["state"])
        body = self.client.update_service(service["id"], forced_down=False)["service"]
        self.assertEqual((False, "up"), (body["forced_down"], body["state"]))

    @decorators.requires_microversion("2.53")
    @decorators.idempotent_id('75aaa766-f198-4821-acb3-b72e3716eb21')
    def test_bad_updates_are_400(self):
        self.use_microversion("2.53")
        service = self._compute()
        for kwargs in ({}, {"disabled_reason": "x"}, {"status": "enabled", "disabled_reason": "x"},
                       {"status": "paused"}, {"cellgate_unknown": 1},
                       {"status": "disabled", "disabled_reason": "x" * 256}):
            self.assertRaises(lib_exc.BadRequest, self.client.update_service, service["id"],
                              **kwargs)
        self.assertEqual("enabled", self._show(service["host"])["status"])

    @decorators.requires_microversion("2.53")
    @decorators.idempotent_id('14212763-8901-463a-b568-13ed1cc3f8af')
    def test_unknown_or_malformed_id(self):
        self.use_microversion("2.53")
        self.assertRaises(lib_exc.NotFound, self.client.update_service, UNKNOWN_UUID,
                          status="disabled")
        self.assertRaises(lib_exc.BadRequest, self.client.update_service, "1",
                          status="disabled")

    @decorators.requires_microversion("2.53")
    @decorators.idempotent_id('3e3e7c2d-fb65-4381-b5d2-fda5d9182a2c')
    def test_only_compute_services_can_be_updated(self):
        self.use_microversion("2.53")
        others = [s for s in self.client.list_services()["services"]
                  if s["binary"] != "nova-compute"]
        if not others:
            self.skipTest("the cloud lists no service other than nova-compute")
        self.assertRaises(lib_exc.BadRequest, self.client.update_service, others[0]["id"],
                          status="disabled")

    @decorators.requires_microversion("2.53")
    @decorators.idempotent_id('e4e7c91f-64d4-4aec-befd-cb42915d23ab')
    def test_member_cannot_update(self):
        self.use_microversion("2.53")
        service = self._compute()
        self.assertRaises(lib_exc.Forbidden, self.os_member.services_client.update_service,
                          service["id"], status="disabled")
        self.assertEqual("enabled", self._show(service["host"])["status"])

    @decorators.requires_microversion("2.11", "2.52")
    @decorators.idempotent_id('eb0cece3-ca22-4c0f-ab53-6a993ccd0abf')
    def test_legacy_disable_log_reason_then_enable(self):
        self.use_microversion("2.11")
        service = self._compute()
        host = service["host"]
        body = self.client.disable_log_reason(host=host, binary="nova-compute",
                                              disabled_reason="cellgate")["service"]
        self.assertEqual(("disabled", "cellgate"), (body["status"], body["disabled_reason"]))
        self.assertEqual("disabled", self._show(host)["status"])
        body = self.client.enable_service(host=host, binary="nova-compute")["service"]
        self.assertEqual("enabled", body["status"])
        self.assertEqual(("enabled", None), (self._show(host)["status"],
                                             self._show(host)["disabled_reason"]))

    @decorators.requires_microversion("2.11", "2.52")
    @decorators.idempotent_id('0560506d-89e4-4cdd-8bdc-c610fe48aea9')
    def test_legacy_disable_then_enable(self):
        self.use_microversion("2.11")
        host = self._compute()["host"]
        self.assertEqual("disabled", self.client.disable_service(
            host=host, binary="nova-compute")["service"]["status"])
        self.assertEqual("disabled", self._show(host)["status"])
        self.client.enable_service(host=host, binary="nova-compute")
        self.assertEqual("enabled", self._show(host)["status"])

    @decorators.requires_microversion("2.11", "2.52")
    @decorators.idempotent_id('4cc7ab18-b441-4a1c-b78a-a1f1cb97fb5c')
    def test_legacy_force_down_then_up(self):
        self.use_microversion("2.11")
        host = self._compute()["host"]
        self.client.disable_service(host=host, binary="nova-compute")
        body = self.client.update_forced_down(host=host, binary="nova-compute",
                                              forced_down=True)["service"]
        self.assertTrue(body["forced_down"])
        self.assertEqual(("down", True), (self._show(host)["state"],
                                          self._show(host)["forced_down"]))
        self.client.update_forced_down(host=host, binary="nova-compute", forced_down=False)
        self.assertEqual("up", self._show(host)["state"])

    @decorators.requires_microversion("2.11", "2.52")
    @decorators.idempotent_id('b0aab06b-297f-44f6-a834-a178c420a847')
    def test_legacy_unknown_host_is_404(self):
        self.use_microversion("2.11")
        self.assertRaises(lib_exc.NotFound, self.client.disable_service,
                          host="cellgate-no-such-host", binary="nova-compute")
