"""JUnit XML beside a gate run's subunit stream, for CI systems that show JUnit reports.

The conversion is python-subunit's `subunit2junitxml` filter driven through its Python API
(`subunit.filters.filter_by_result` with junitxml's `JUnitXmlResult`), so the XML is exactly what
that kept tool writes; nothing here builds XML by hand.
"""

from __future__ import annotations

from pathlib import Path

from junitxml import JUnitXmlResult
from subunit.filters import filter_by_result
from testtools import StreamToExtendedDecorator

JUNIT_NAME = "results.xml"


def _junit_result(output):
    # the same result chain as python-subunit's subunit2junitxml script
    return StreamToExtendedDecorator(JUnitXmlResult(output))


def write_junit(stream: str | Path, xml_path: str | Path | None = None) -> Path:
    """Convert a subunit v2 file to JUnit XML (default: `results.xml` beside it)."""
    stream = Path(stream)
    target = Path(xml_path) if xml_path is not None else stream.with_name(JUNIT_NAME)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(stream, "rb") as source:
        filter_by_result(_junit_result, str(target), passthrough=False, forward=False,
                         input_stream=source, protocol_version=2)
    return target
