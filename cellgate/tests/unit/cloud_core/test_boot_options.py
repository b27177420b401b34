"""What POST /servers stores from its 2.74-2.100 fields (pure functions)."""

from __future__ import annotations

import testtools

from cellgate.cloud import exceptions as exc
from cellgate.cloud.compute import boot_options

HOSTS = [{"host": "cell1-compute1"}, {"host": "cell1-compute2"}]


class BootOptionsTest(testtools.TestCase):
    def test_hints_are_lists_of_strings(self):
        self.assertEqual({"a": ["b"], "n": ["1"], "l": ["x", "2"], "e": []},
                         boot_options.stored_hints({"a": "b", "n": 1, "l": ["x", 2],
                                                    "e": []}))
        self.assertEqual({}, boot_options.stored_hints(None))

    def test_group_hint_stays_one_uuid(self):
        self.assertEqual({"group": "g-1", "same_host": ["s"]},
                         boot_options.stored_hints({"group": "g-1", "same_host": "s"}))
        self.assertEqual({"group": "g-2"}, boot_options.stored_hints({"group": ["g-2"]}))

    def test_only_standard_image_properties(self):
        image = {"metadata": {"hw_disk_bus": "scsi", "architecture": "x86_64",
                              "owner_specified.openstack.md5": "x", "os_distro": None}}
        self.assertEqual({"hw_disk_bus": "scsi", "architecture": "x86_64"},
                         boot_options.image_properties(image))

    def test_requested_destination(self):
        self.assertIsNone(boot_options.requested_destination(HOSTS, None, None))
        self.assertEqual("cell1-compute1",
                         boot_options.requested_destination(HOSTS, "cell1-compute1", None))
        self.assertEqual("cell1-compute2",
                         boot_options.requested_destination(HOSTS, None, "cell1-compute2"))
        for host, node in (("nope", None), (None, "nope"), ("cell1-compute1", "cell1-compute2")):
            error = self.assertRaises(exc.Invalid, boot_options.requested_destination, HOSTS,
                                      host, node)
            self.assertEqual(f"Compute host {host or node} could not be found.", error.message)

    def test_one_hostname_for_one_server(self):
        boot_options.check_hostname("h", 1)
        boot_options.check_hostname(None, 5)
        self.assertRaises(exc.Invalid, boot_options.check_hostname, "h", 2)
