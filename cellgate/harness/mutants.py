"""`cellgate mutants`: prove the suite catches a broken cloud.

For each planted defect (cellgate.cloud.defects) the gate runner starts the reference cloud of
the defect's job with that defect (`cellgate serve --defect NAME`) and runs the part of the
suite the defect names (or all of it with `full`). A defect is *caught* when at least one test
fails. First, a baseline run per job without any defect must pass: otherwise a failure would
prove nothing.

Exit codes: 0 when every selected defect is caught; 1 when some survive; 2 (CellgateError)
when the check could not run (unknown defect, a failing baseline, a gate that could not run).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from cellgate.cloud.defects import Defect, all_defects, find_defects
from cellgate.errors import CellgateError
from cellgate.harness.summary import FAILED, PASSED

# A defect that keeps a server from being deleted makes every cleanup wait this long.
DEFAULT_BUILD_TIMEOUT = 10.0
DEFAULT_OUTPUT = Path("gate-output") / "mutants"


class MutantsError(CellgateError):
    """The mutation check could not run (its result would mean nothing)."""


@dataclass
class MutantResult:
    """What one defect's gate run showed."""

    defect: str
    area: str
    job: str
    tests_run: int = 0
    tests_failed: int = 0
    caught: bool = False
    failed_tests: list[str] = field(default_factory=list)
    error: str | None = None
    duration: float = 0.0
    output: str = ""


def _union(patterns: Sequence[str]) -> str:
    return "|".join(f"(?:{p})" for p in dict.fromkeys(patterns))


def _run_logged(gate: Callable[..., int], output: Path, **kwargs: Any) -> dict[str, Any]:
    """Run the gate with its console in output/gate.log; return its summary.json."""
    output.mkdir(parents=True, exist_ok=True)
    with open(output / "gate.log", "w", encoding="utf-8") as log:
        gate(output=str(output), out=log, **kwargs)
    try:
        return json.loads((output / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MutantsError(f"the gate left no readable summary in {output} ({exc}); "
                           f"see {output / 'gate.log'}")


def _check_baselines(gate: Callable[..., int], defects: Sequence[Defect], *, root: Path,
                     full: bool, common: dict[str, Any], out: TextIO) -> None:
    for job in dict.fromkeys(d.job for d in defects):
        test_filter = None if full else _union([d.tests for d in defects if d.job == job])
        output = root / f"baseline-{job}"
        out.write(f"baseline: job {job} without defects ... ")
        out.flush()
        summary = _run_logged(gate, output, job=job, test_filter=test_filter, **common)
        counts = summary["counts"]
        if counts["failed"] or not counts["passed"]:
            raise MutantsError(
                f"the suite does not pass on the unmutated cloud of job {job} "
                f"({counts['passed']} passed, {counts['failed']} failed), so a failure under a "
                f"defect would prove nothing; fix: make it pass first (see "
                f"{output / 'summary.json'} and {output / 'gate.log'})")
        out.write(f"{counts['passed']} passed\n")


def _run_one(gate: Callable[..., int], defect: Defect, *, root: Path, full: bool,
             common: dict[str, Any]) -> MutantResult:
    output = root / defect.name
    result = MutantResult(defect=defect.name, area=defect.area, job=defect.job,
                          output=str(output))
    started = time.monotonic()
    try:
        summary = _run_logged(gate, output, job=defect.job,
                              test_filter=None if full else defect.tests,
                              cloud_args=("--defect", defect.name), **common)
    except CellgateError as exc:
        result.error = str(exc)
    else:
        outcomes = summary.get("tests", [])
        result.failed_tests = [t["id"] for t in outcomes if t["status"] == FAILED]
        result.tests_failed = len(result.failed_tests)
        result.tests_run = result.tests_failed + sum(t["status"] == PASSED for t in outcomes)
        result.caught = result.tests_failed > 0
        if not result.tests_run:
            result.error = f"no test ran (filter {defect.tests!r})"
    result.duration = round(time.monotonic() - started, 1)
    return result


def format_table(results: Sequence[MutantResult]) -> str:
    """The mutation table (defect, area, tests run and failed, caught) and the score."""
    rows = [("DEFECT", "AREA", "JOB", "RUN", "FAILED", "CAUGHT")]
    for r in results:
        caught = "ERROR" if r.error else ("yes" if r.caught else "NO")
        rows.append((r.defect, r.area, r.job, str(r.tests_run), str(r.tests_failed), caught))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i < 3 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
             for row in rows]
    caught, total = score(results)
    lines.append(f"mutation score: {caught}/{total} caught"
                 + (f" ({100 * caught / total:.0f}%)" if total else ""))
    for r in results:
        if r.error:
            lines.append(f"  could not run {r.defect}: {r.error}")
        elif not r.caught:
            lines.append(f"  survived: {r.defect} ({r.area}): no test failed; "
                         "write a test that catches it")
    return "\n".join(lines) + "\n"


def score(results: Sequence[MutantResult]) -> tuple[int, int]:
    """(caught, total)."""
    return sum(r.caught for r in results), len(results)


def exit_code(results: Sequence[MutantResult]) -> int:
    """2 when a defect could not be checked, else 1 when one survived, else 0."""
    if any(r.error for r in results):
        return 2
    return 0 if all(r.caught for r in results) else 1


def write_json(path: str | Path, results: Sequence[MutantResult], *, full: bool) -> None:
    """The table as JSON: score and one entry per defect."""
    caught, total = score(results)
    document = {"full": full, "score": {"caught": caught, "total": total,
                                        "ratio": round(caught / total, 4) if total else 0.0},
                "exit_code": exit_code(results), "defects": [asdict(r) for r in results]}
    Path(path).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def run_mutants(*, defects: Sequence[str] = (), full: bool = False, output: str | None = None,
                json_path: str | None = None, concurrency: int | None = None,
                build_timeout: float = DEFAULT_BUILD_TIMEOUT, baseline: bool = True,
                out: TextIO | None = None, gate: Callable[..., int] | None = None) -> int:
    """Run the mutation check over `defects` (all by default); return the exit code.

    Each gate run keeps its results in `output/<defect>/` (default gate-output/mutants).
    `gate` is the gate runner (cellgate.harness.gate.run_gate unless a test gives another).
    """
    out = out or sys.stdout
    selected = find_defects(defects) if defects else list(all_defects())
    if build_timeout <= 0:
        raise MutantsError(f"--build-timeout must be positive, not {build_timeout}")
    if gate is None:
        from cellgate.harness.gate import run_gate as gate
    root = Path(output or DEFAULT_OUTPUT).resolve()
    common = {"concurrency": concurrency, "build_timeout": build_timeout}
    if baseline:
        _check_baselines(gate, selected, root=root, full=full, common=common, out=out)
    results = []
    for index, defect in enumerate(selected, 1):
        out.write(f"[{index}/{len(selected)}] {defect.name} ({defect.job}) ... ")
        out.flush()
        result = _run_one(gate, defect, root=root, full=full, common=common)
        results.append(result)
        verdict = ("could not run" if result.error else
                   "caught" if result.caught else "SURVIVED")
        out.write(f"{verdict}: {result.tests_failed} of {result.tests_run} failed "
                  f"({result.duration:g} s)\n")
        out.flush()
    out.write(format_table(results))
    if json_path:
        write_json(json_path, results, full=full)
        out.write(f"table: {json_path}\n")
    return exit_code(results)
