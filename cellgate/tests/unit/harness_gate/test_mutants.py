"""`cellgate mutants` with a fake gate runner: the table, the score, JSON and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import fixtures
import testtools

from cellgate.cloud.defects import all_defects
from cellgate.errors import CellgateError
from cellgate.harness.mutants import MutantsError, run_mutants


class FakeGate:
    """Writes a summary.json per run: `failing` maps a defect name (None: the baseline) to
    how many tests fail; a defect in `broken` makes the gate raise as if it could not run."""

    def __init__(self, failing: dict[str | None, int], broken: tuple[str, ...] = ()) -> None:
        self.failing = failing
        self.broken = broken
        self.calls: list[dict] = []

    def __call__(self, *, output: str, out, job: str, test_filter: str | None,
                 cloud_args=(), concurrency=None, build_timeout=None) -> int:
        defect = cloud_args[1] if cloud_args else None
        self.calls.append({"job": job, "test_filter": test_filter, "defect": defect,
                           "build_timeout": build_timeout})
        if defect in self.broken:
            raise CellgateError("the reference cloud failed to start")
        failed = self.failing.get(defect, 0)
        tests = ([{"id": f"t.fail{i}", "status": "failed"} for i in range(failed)]
                 + [{"id": "t.pass", "status": "passed"}, {"id": "t.skip",
                                                           "status": "skipped_by_flag"}])
        summary = {"counts": {"passed": 1, "failed": failed, "total": len(tests)},
                   "tests": tests}
        Path(output, "summary.json").write_text(json.dumps(summary), encoding="utf-8")
        return 1 if failed else 0


class MutantsTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.folder = Path(self.useFixture(fixtures.TempDir()).path)

    def _run(self, gate: FakeGate, names: tuple[str, ...], **kwargs) -> tuple[int, str]:
        out = io.StringIO()
        code = run_mutants(defects=names, output=str(self.folder), out=out, gate=gate,
                           **kwargs)
        return code, out.getvalue()

    def test_all_caught_exits_0_with_the_table_and_score(self):
        gate = FakeGate({"delete-noop": 2, "min-ram-ignored": 1})
        code, text = self._run(gate, ("delete-noop", "min-ram-ignored"),
                               json_path=str(self.folder / "t.json"))
        self.assertEqual(0, code)
        self.assertRegex(text, r"delete-noop\s+servers\s+cells-single\s+3\s+2\s+yes")
        self.assertRegex(text, r"min-ram-ignored\s+flavors\s+cells-single\s+2\s+1\s+yes")
        self.assertIn("mutation score: 2/2 caught (100%)", text)
        document = json.loads((self.folder / "t.json").read_text(encoding="utf-8"))
        self.assertEqual({"caught": 2, "total": 2, "ratio": 1.0}, document["score"])
        self.assertEqual(["t.fail0", "t.fail1"], document["defects"][0]["failed_tests"])
        # one baseline (the union of both filters), then one run per defect with --defect
        self.assertEqual([None, "delete-noop", "min-ram-ignored"],
                         [c["defect"] for c in gate.calls])
        by_name = {d.name: d for d in all_defects()}
        self.assertIn(by_name["min-ram-ignored"].tests, gate.calls[0]["test_filter"])
        self.assertEqual(by_name["delete-noop"].tests, gate.calls[1]["test_filter"])

    def test_a_survivor_exits_1(self):
        code, text = self._run(FakeGate({"delete-noop": 1}), ("delete-noop", "min-ram-ignored"))
        self.assertEqual(1, code)
        self.assertRegex(text, r"min-ram-ignored\s+flavors\s+cells-single\s+1\s+0\s+NO")
        self.assertIn("mutation score: 1/2 caught (50%)", text)
        self.assertIn("survived: min-ram-ignored", text)

    def test_a_defect_that_cannot_run_exits_2(self):
        gate = FakeGate({"delete-noop": 1}, broken=("min-ram-ignored",))
        code, text = self._run(gate, ("delete-noop", "min-ram-ignored"))
        self.assertEqual(2, code)
        self.assertIn("could not run min-ram-ignored: the reference cloud failed", text)

    def test_failing_baseline_stops_the_check(self):
        gate = FakeGate({None: 1})
        error = self.assertRaises(MutantsError, self._run, gate, ("delete-noop",))
        self.assertIn("does not pass on the unmutated cloud", str(error))
        self.assertEqual(1, len(gate.calls))

    def test_full_runs_everything_without_baseline_when_asked(self):
        gate = FakeGate({"builds-first-cell": 1})
        code, _ = self._run(gate, ("builds-first-cell",), full=True, baseline=False,
                            build_timeout=3)
        self.assertEqual(0, code)
        self.assertEqual([{"job": "cells-multi", "test_filter": None,
                           "defect": "builds-first-cell", "build_timeout": 3}], gate.calls)

    def test_unknown_defect_is_an_error(self):
        self.assertRaises(CellgateError, self._run, FakeGate({}), ("no-such-defect",))


class MutantsCliTest(testtools.TestCase):
    def test_unknown_defect_exits_2(self):
        import contextlib

        from cellgate import cli

        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = cli.main(["mutants", "--defect", "no-such-defect"])
        self.assertEqual(2, code)
        self.assertIn("unknown defect(s) no-such-defect", err.getvalue())
