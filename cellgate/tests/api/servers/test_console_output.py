"""os-getConsoleOutput: the server's console log, whole or its last `length` lines."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base


class ConsoleOutputTest(base.BaseComputeTest):
    """One server for the class; reading the console changes nothing."""

    required_features = ("console_output",)
    roles = ("member",)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.servers_client
        cls.server = cls.create_test_server()

    def _output(self, **kwargs) -> str:
        return self.client.get_console_output(self.server["id"], **kwargs)["output"]

    @decorators.idempotent_id('6b8e530b-7426-49c7-b351-c0c092ba9d25')
    def test_console_output_has_lines(self):
        output = self._output()
        self.assertIsInstance(output, str)
        self.assertGreaterEqual(len(output.splitlines()), 2, output)

    @decorators.idempotent_id('ef16d866-f2a3-43b4-93dc-ef1da77c1b5f')
    def test_length_keeps_the_last_lines(self):
        whole = self._output().split("\n")
        self.assertEqual("\n".join(whole[-1:]), self._output(length=1))
        self.assertEqual("\n".join(whole[-2:]), self._output(length="2"))
        self.assertEqual("", self._output(length=0))

    @decorators.idempotent_id('77ba4151-4d53-428d-b55f-66933cf6bf61')
    def test_bad_length_is_400(self):
        for length in (-2, "x", "1.5"):
            self.assertRaises(lib_exc.BadRequest, self.client.get_console_output,
                              self.server["id"], length=length)

    @decorators.idempotent_id('02a0ce7d-f678-4f7c-85fe-067a0eba5198')
    def test_unknown_field_is_400(self):
        self.assertRaises(lib_exc.BadRequest, self.client.get_console_output,
                          self.server["id"], cellgate_unknown=1)

    @decorators.idempotent_id('666cdf77-45c5-4d15-8aee-862c6aaec36a')
    def test_console_output_of_unknown_server_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.get_console_output,
                          "00000000-0000-4000-8000-000000000000")
