"""Disabled or forced-down compute services: shown as Nova shows them, never scheduled to."""

from __future__ import annotations

import logging

import fixtures
import testtools

from cellgate.cloud import exceptions as exc
from cellgate.tests.unit.cloud_core.helpers import (
    admin,
    boot,
    member,
    start_topology,
    wait_for_status,
)

TOPOLOGY = {"name": "svc", "profiles": {"p": {"vcpus": 64, "memory_mb": 65536, "disk_gb": 100}},
            "cells": [{"name": "cell1", "hosts": [{"name": "h1", "profile": "p"},
                                                  {"name": "h2", "profile": "p"}]},
                      {"name": "cell2", "hosts": [{"name": "h3", "profile": "p"}]}]}


class ServiceUpdateTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.api = start_topology(self, TOPOLOGY).api
        self.uuids = {s["host"]: s["uuid"] for s in self.api.list_services(admin())
                      if s["binary"] == "nova-compute"}

    def hosts_of_boots(self, count: int) -> set[str]:
        uuids = [boot(self.api, member(), name=f"vm{i}")["uuid"] for i in range(count)]
        return {wait_for_status(self.api, member(), u, "ACTIVE")["host"] for u in uuids}

    def test_disable_shows_and_enable_clears_the_reason(self) -> None:
        record = self.api.update_service(admin(), self.uuids["h1"], disabled=True,
                                         disabled_reason="maintenance")
        self.assertEqual(("disabled", "maintenance", "up"),
                         (record["status"], record["disabled_reason"], record["state"]))
        record = self.api.update_service(admin(), self.uuids["h1"], disabled=False)
        self.assertEqual(("enabled", None), (record["status"], record["disabled_reason"]))

    def test_forced_down_service_and_its_hypervisor_are_down(self) -> None:
        record = self.api.update_service(admin(), self.uuids["h2"], forced_down=True)
        self.assertEqual(("down", True), (record["state"], record["forced_down"]))
        by_host = {h["host"]: h for h in self.api.list_hypervisors(admin())}
        self.assertEqual(("down", "up"), (by_host["h2"]["state"], by_host["h1"]["state"]))

    def test_disabled_and_forced_down_hosts_are_not_scheduled_to(self) -> None:
        self.api.update_service(admin(), self.uuids["h1"], disabled=True)
        self.api.update_service(admin(), self.uuids["h3"], forced_down=True)
        self.assertEqual({"h2"}, self.hosts_of_boots(4))
        self.api.update_service(admin(), self.uuids["h2"], disabled=True)
        self.api.update_service(admin(), self.uuids["h3"], forced_down=False)
        self.assertEqual({"h3"}, self.hosts_of_boots(2))

    def test_only_compute_services_and_known_ids(self) -> None:
        conductor = next(s for s in self.api.list_services(admin())
                         if s["binary"] != "nova-compute")
        self.assertRaises(exc.Invalid, self.api.update_service, admin(), conductor["uuid"],
                          disabled=True)
        self.assertRaises(exc.ServiceNotFound, self.api.update_service, admin(),
                          "00000000-0000-4000-8000-000000000000", disabled=True)
