"""The command line's own help: a version, a description per sub-command, every option's
default in its help, and the gate's exit codes."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
from collections.abc import Iterator
from importlib import metadata

import testtools

from cellgate import cli


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
              ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every (sub-)command parser with its command path, the top-level one first."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*path, name))


def _in_required_group(parser: argparse.ArgumentParser, action: argparse.Action) -> bool:
    return any(group.required and action in group._group_actions
               for group in parser._mutually_exclusive_groups)


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            code = cli.main(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue()


class HelpTest(testtools.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.commands = dict(_commands(cli.build_parser()))

    def test_version_comes_from_the_package_metadata(self) -> None:
        code, out = _run(["--version"])
        self.assertEqual(0, code)
        self.assertEqual(f"cellgate {metadata.version('cellgate')}\n", out)

    def test_every_command_has_a_description(self) -> None:
        self.assertIn(("gate",), self.commands)
        self.assertIn(("config", "generate"), self.commands)
        for path, parser in self.commands.items():
            self.assertTrue(parser.description and len(parser.description) > 20,
                            f"cellgate {' '.join(path)} has no description")

    def test_every_option_has_help_showing_its_default(self) -> None:
        checked = 0
        for path, parser in self.commands.items():
            formatter = parser._get_formatter()
            for action in parser._actions:
                if isinstance(action, argparse._HelpAction | argparse._VersionAction
                              | argparse._SubParsersAction):
                    continue
                where = f"cellgate {' '.join(path)} {'/'.join(action.option_strings)}"
                self.assertTrue(action.help, f"{where or action.dest} has no help")
                if not action.option_strings or action.required \
                        or _in_required_group(parser, action):
                    continue  # positional or required: there is no default to show
                shown = formatter._get_help_string(action) % {"default": action.default}
                self.assertIn("default", shown, f"{where}: help does not show the default")
                self.assertNotIn("(default: None)", shown, f"{where}: say what None means")
                checked += 1
        self.assertGreater(checked, 15)

    def test_gate_help_lists_the_exit_codes(self) -> None:
        code, out = _run(["gate", "--help"])
        self.assertEqual(0, code)
        epilog = out[out.index("exit codes:"):]
        for exit_code, meaning in (("0", "no test failed"), ("1", "a test failed"),
                                   ("2", "could not run")):
            self.assertRegex(epilog, rf"(?m)^\s+{exit_code}\s+.*{re.escape(meaning)}")

    def test_config_generate_defaults_suit_a_real_cloud(self) -> None:
        args = cli.build_parser().parse_args(
            ["config", "generate", "--clouds-yaml", "c.yaml", "--admin-cloud", "a",
             "--member-cloud", "m", "-o", "x.conf"])
        self.assertEqual((300.0, 1.0, None), (args.build_timeout, args.build_interval,
                                              args.cpu_pinning))
        args = cli.build_parser().parse_args(
            ["config", "generate", "--clouds-yaml", "c.yaml", "--admin-cloud", "a",
             "--member-cloud", "m", "-o", "x.conf", "--no-cpu-pinning"])
        self.assertIs(False, args.cpu_pinning)
