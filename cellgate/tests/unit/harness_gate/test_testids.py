"""Areas and idempotent ids read from test ids."""

from __future__ import annotations

import testtools

from cellgate.harness.testids import area_of, area_or_other, idempotent_ids


class TestIdsTest(testtools.TestCase):
    def test_area_is_the_package_under_api_or_scenario(self) -> None:
        self.assertEqual("flavors", area_of("cellgate.tests.api.flavors.test_f.T.test_x[id-1]"))
        self.assertEqual("cells", area_of("cellgate.tests.scenario.cells.test_b.T.test_y"))
        self.assertIsNone(area_of("cellgate.tests.unit.harness_gate.test_jobs.T.test_z"))

    def test_class_setup_failures_keep_their_area(self) -> None:
        self.assertEqual("servers", area_or_other(
            "setUpClass (cellgate.tests.api.servers.test_servers.ServersTest)"))
        self.assertEqual("other", area_or_other("process-returncode"))

    def test_idempotent_ids_among_other_attributes(self) -> None:
        uuid = "0C4B7C4E-1D2F-4E1A-9F6B-2A4D8E0B1C11"
        self.assertEqual({uuid.lower()}, idempotent_ids(f"a.b.T.test_x[smoke,id-{uuid}]"))
        self.assertEqual(set(), idempotent_ids("a.b.T.test_x"))
