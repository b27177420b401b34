"""Run selected tests with stestr in parallel, keeping the subunit stream and parsing it live."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

from cellgate.harness.summary import ResultCollector, TestOutcome
from cellgate.harness.testlist import stestr_base_command


class _Tee:
    """A read-only byte stream that copies everything read from `source` into `sink`."""

    def __init__(self, source: BinaryIO, sink: BinaryIO) -> None:
        self._source = source
        self._sink = sink

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        if data:
            self._sink.write(data)
        return data


def run_tests(*, test_ids: list[str], workdir: Path, concurrency: int,
              env: Mapping[str, str], on_result: Callable[[TestOutcome], None] | None = None
              ) -> tuple[list[TestOutcome], int]:
    """Run `test_ids` with `stestr run --subunit` in `workdir` (where its .stestr repo lives).

    The stream is stored in `workdir/results.subunit`; stestr's stderr in `workdir/stestr.log`.
    Returns the outcomes and stestr's exit code (non-zero only if no stream could be made).
    """
    load_list = workdir / "selected-tests.txt"
    load_list.write_text("".join(f"{test_id}\n" for test_id in test_ids), encoding="utf-8")
    command = [*stestr_base_command(), "run", "--subunit", "--concurrency", str(concurrency),
               "--load-list", str(load_list)]
    collector = ResultCollector(on_result)
    with open(workdir / "stestr.log", "wb") as log, \
            open(workdir / "results.subunit", "wb") as sink:
        proc = subprocess.Popen(command, cwd=workdir, env={**os.environ, **env},
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
        try:
            collector.consume(_Tee(proc.stdout, sink))  # type: ignore[arg-type]
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        returncode = proc.wait()
    return collector.outcomes, returncode
