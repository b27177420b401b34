"""Skiplists: YAML data naming tests a gate job skips, each with a reason, a bug and an area.

A skiplist file looks like::

    skips:
      - id: 5b1f6a7e-...            # the test's idempotent id (matches `[id-<uuid>]`) ...
        reason: the cloud does not implement live migration
        bug: https://bugs.example.org/123
        area: servers
      - regex: '^cellgate\\.tests\\.scenario\\.aggregates\\.'   # ... or a regex (re.search)
        reason: ...
        bug: LP#123
        area: aggregates

The loader validates the file with jsonschema, then checks what a schema cannot: every regex
compiles, no entry repeats another, and (given the test list) every entry matches a test.
Errors name the file, the entry (index and id/regex) and the fix.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import jsonschema
import yaml

from cellgate.errors import CellgateError
from cellgate.harness.testids import area_of, idempotent_ids

ENTRY_KEYS = ("id", "regex", "reason", "bug", "area")

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["skips"],
    "additionalProperties": False,
    "properties": {
        "skips": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["reason", "bug", "area"],
                "oneOf": [{"required": ["id"]}, {"required": ["regex"]}],
                "properties": {
                    "id": {
                        "type": "string",
                        "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                                   "[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
                    },
                    "regex": {"type": "string", "minLength": 1},
                    "reason": {"type": "string", "minLength": 1, "pattern": "\\S"},
                    "bug": {
                        "oneOf": [
                            {"type": "string", "minLength": 1, "pattern": "^\\S+$"},
                            {"type": "integer", "minimum": 1},
                        ],
                    },
                    "area": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                },
            },
        },
    },
}

_FIXES = {
    "additionalProperties": "remove the unknown key; allowed keys: " + ", ".join(ENTRY_KEYS),
    "required": "add the missing key (every entry needs reason, bug and area)",
    "oneOf": "give exactly one of `id` (an idempotent UUID) or `regex`",
    "pattern": "use the documented format (id: a UUID; bug: a URL or an id without spaces; "
               "area: a lower-case package name such as servers)",
    "type": "use the documented type (see the comment at the top of the file)",
    "minLength": "give a non-empty value",
}


class SkiplistError(CellgateError):
    """A skiplist file is missing, malformed, or does not fit the test suite."""


@dataclass(frozen=True)
class SkipEntry:
    """One skiplist entry: a test selector (idempotent id or regex) with its justification."""

    index: int
    reason: str
    bug: str
    area: str
    id: str | None = None
    regex: str | None = None

    @property
    def label(self) -> str:
        """How error messages name the entry."""
        selector = f"id {self.id}" if self.id else f"regex {self.regex!r}"
        return f"entry {self.index} ({selector})"

    def matches(self, test_id: str) -> bool:
        """Whether this entry selects `test_id`."""
        if self.id is not None:
            return self.id.lower() in idempotent_ids(test_id)
        return re.search(self.regex or "", test_id) is not None


@dataclass(frozen=True)
class Skiplist:
    """A validated skiplist file."""

    path: Path
    entries: tuple[SkipEntry, ...]

    @property
    def name(self) -> str:
        """The file name used in skip reasons (`skiplist <name>: ...`)."""
        return self.path.name


def _entry_label(document: Any, index: int) -> str:
    try:
        raw = document["skips"][index]
    except (KeyError, IndexError, TypeError):
        return f"entry {index}"
    if isinstance(raw, dict) and "id" in raw:
        return f"entry {index} (id {raw['id']})"
    if isinstance(raw, dict) and "regex" in raw:
        return f"entry {index} (regex {raw['regex']!r})"
    return f"entry {index}"


def _schema_error(path: Path, document: Any, error: jsonschema.ValidationError) -> SkiplistError:
    location = list(error.absolute_path)
    if len(location) >= 2 and location[0] == "skips" and isinstance(location[1], int):
        where = _entry_label(document, location[1])
        if len(location) > 2:
            where += f", key {'.'.join(str(p) for p in location[2:])}"
    elif location:
        where = "key " + ".".join(str(p) for p in location)
    else:
        where = "top level"
    message = error.message
    if error.validator == "oneOf" and isinstance(error.instance, dict):
        has = [key for key in ("id", "regex") if key in error.instance]
        message = f"has {' and '.join(has) if has else 'neither id nor regex'}"
    fix = _FIXES.get(str(error.validator), "see the format described at the top of the file")
    if error.validator == "required" and location == []:
        fix = "start the file with `skips:` (an empty list is `skips: []`)"
    return SkiplistError(f"skiplist {path}: {where}: {message}; fix: {fix}")


def load_skiplist(path: str | Path, *, test_ids: list[str] | None = None) -> Skiplist:
    """Load and validate a skiplist file; with `test_ids`, also require every entry to match.

    Raises SkiplistError naming the file, the entry and the fix.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SkiplistError(f"skiplist {path}: cannot read it ({exc.strerror}); "
                            "fix: give the path of an existing skiplist YAML file")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SkiplistError(f"skiplist {path}: not valid YAML ({exc}); fix: correct the syntax")
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))
    if errors:
        raise _schema_error(path, document, errors[0])
    entries = []
    seen: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(document["skips"]):
        entry = SkipEntry(index=index, reason=raw["reason"].strip(), bug=str(raw["bug"]),
                          area=raw["area"], id=raw.get("id"), regex=raw.get("regex"))
        if entry.regex is not None:
            try:
                re.compile(entry.regex)
            except re.error as exc:
                raise SkiplistError(f"skiplist {path}: {entry.label}: bad regex ({exc}); "
                                    "fix: write a valid Python regular expression")
        key = ("id", entry.id.lower()) if entry.id else ("regex", entry.regex or "")
        if key in seen:
            raise SkiplistError(f"skiplist {path}: {entry.label}: duplicates entry {seen[key]}; "
                                "fix: remove one of the two entries")
        seen[key] = index
        entries.append(entry)
    skiplist = Skiplist(path=path.resolve(), entries=tuple(entries))
    if test_ids is not None:
        check_matches(skiplist, test_ids)
    return skiplist


def check_matches(skiplist: Skiplist, test_ids: list[str]) -> None:
    """Require every entry to match at least one test; `id` entries must also name its area."""
    for entry in skiplist.entries:
        matched = [test_id for test_id in test_ids if entry.matches(test_id)]
        if not matched:
            raise SkiplistError(
                f"skiplist {skiplist.path}: {entry.label}: matches no test of the suite; "
                "fix: remove the entry if the test is gone, or correct the id/regex")
        if entry.id is not None:
            actual = area_of(matched[0])
            if actual is not None and actual != entry.area:
                raise SkiplistError(
                    f"skiplist {skiplist.path}: {entry.label}: area is {entry.area!r} but the "
                    f"test is in area {actual!r}; fix: set `area: {actual}`")


def resolve_skiplist(skiplist: Skiplist, test_ids: list[str]) -> dict[str, dict[str, str]]:
    """Map each skipped test id to `{reason, bug, area, file, entry}`; the first matching
    entry wins."""
    resolved: dict[str, dict[str, str]] = {}
    for test_id in test_ids:
        for entry in skiplist.entries:
            if entry.matches(test_id):
                resolved[test_id] = {"reason": entry.reason, "bug": entry.bug,
                                     "area": entry.area, "file": skiplist.name,
                                     "entry": entry.label}
                break
    return resolved


def write_resolved(path: str | Path, resolved: dict[str, dict[str, str]]) -> Path:
    """Write the resolved skips as JSON for the test base class; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(resolved, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def shipped_skiplists() -> list[Path]:
    """The skiplists shipped with the gate jobs (package data)."""
    from cellgate.harness.paths import SKIPLIST_DIR, data_root

    return sorted((data_root() / SKIPLIST_DIR).glob("*.yaml"))


def run_skiplist_check(*, paths: list[str], out: TextIO | None = None) -> int:
    """`cellgate skiplist check`: validate each file (no paths: the shipped skiplists), then
    match its entries to the suite.

    Returns 0 when every file is valid; raises SkiplistError on the first bad entry.
    """
    from cellgate.harness.testlist import list_tests

    out = out or sys.stdout
    paths = paths or [str(path) for path in shipped_skiplists()]
    skiplists = [load_skiplist(path) for path in paths]
    test_ids = list_tests()
    for skiplist in skiplists:
        check_matches(skiplist, test_ids)
        out.write(f"{skiplist.path}: {len(skiplist.entries)} entries, valid "
                  f"(checked against {len(test_ids)} tests)\n")
    return 0
