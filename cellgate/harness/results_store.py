"""The results store: every gate run appended to a database with subunit2sql's schema.

openstack-health and other OpenStack tools read subunit2sql databases, so the store keeps that
schema's shape: tables `runs`, `tests`, `test_runs`, `run_metadata`, `test_run_metadata`,
`test_metadata` and `attachments`, with subunit2sql's columns and statuses (`success`, `fail`,
`skip`). The `subunit2sql` package itself is not used: its database layer needs oslo.db's
`EngineFacade` and autocommit sessions, both gone from oslo.db 18 and SQLAlchemy 2, and its
BigInteger keys do not auto-increment on SQLite. The tables here are written with SQLAlchemy
Core instead (BigInteger keys, INTEGER on SQLite so they auto-increment).

What cellgate adds sits in the metadata tables, so a subunit2sql reader still sees a plain run:
run metadata (`build_name` and `job`, `topology`, `target`, `voting`, `commit`, `started_at`,
`result`, `test_filter`, `partial`, `skiplist`, `run_listed`, `stale_skips`,
`leaked_resources`) and per test run
`area`, and for a skip `skip_kind` (`flag`: the test skipped itself for a feature flag or its
own reason; `list`: a skiplist entry), `skip_reason`, `bug`, `skiplist`, `listed_result`. A
failure's details are an attachment labelled `traceback`. A test run's `start_time` is the
run's start and its `stop_time` that plus the test's duration (the summary keeps durations).
"""

from __future__ import annotations

import datetime
import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from cellgate.errors import CellgateError
from cellgate.harness.leaks import count as leak_count
from cellgate.harness.summary import FAILED, PASSED, SKIPPED_BY_FLAG, SKIPPED_BY_LIST

STORE_NAME = "results.db"
_ID = BigInteger().with_variant(Integer(), "sqlite")
_KEY = String(255)

metadata = MetaData()
runs = Table("runs", metadata, Column("id", _ID, primary_key=True),
             Column("uuid", String(36)), Column("skips", Integer), Column("fails", Integer),
             Column("passes", Integer), Column("run_time", Float), Column("artifacts", Text),
             Column("run_at", DateTime), Index("ix_run_at", "run_at"),
             Index("ix_run_uuid", "uuid"))
tests = Table("tests", metadata, Column("id", _ID, primary_key=True),
              Column("test_id", String(256), nullable=False), Column("run_count", Integer),
              Column("success", Integer), Column("failure", Integer), Column("run_time", Float),
              Index("ix_tests_test_id", "test_id"))
test_runs = Table("test_runs", metadata, Column("id", _ID, primary_key=True),
                  Column("test_id", _ID), Column("run_id", _ID), Column("status", String(256)),
                  Column("start_time", DateTime), Column("start_time_microsecond", Integer),
                  Column("stop_time", DateTime), Column("stop_time_microsecond", Integer),
                  UniqueConstraint("test_id", "run_id", name="uq_test_runs"),
                  Index("ix_test_runs_run_id", "run_id"))


def _meta_table(name: str, owner: str) -> Table:
    return Table(name, metadata, Column("id", _ID, primary_key=True), Column("key", _KEY),
                 Column("value", _KEY), Column(owner, _ID),
                 UniqueConstraint(owner, "key", "value", name=f"uq_{name}"),
                 Index(f"ix_{name}_{owner}", owner))


run_metadata = _meta_table("run_metadata", "run_id")
test_run_metadata = _meta_table("test_run_metadata", "test_run_id")
test_metadata = _meta_table("test_metadata", "test_id")
attachments = Table("attachments", metadata, Column("id", _ID, primary_key=True),
                    Column("test_run_id", _ID), Column("label", _KEY),
                    Column("attachment", LargeBinary))

_TO_SUBUNIT = {PASSED: "success", FAILED: "fail", SKIPPED_BY_FLAG: "skip",
               SKIPPED_BY_LIST: "skip"}
_SKIP_KIND = {SKIPPED_BY_FLAG: "flag", SKIPPED_BY_LIST: "list"}
_RUN_KEYS = ("job", "topology", "target", "voting", "commit", "started_at", "result",
             "test_filter", "partial", "skiplist", "run_listed", "stale_skips")
_TEST_KEYS = ("skip_reason", "bug", "skiplist", "listed_result")


class StoreError(CellgateError):
    """The results store could not be opened, written or read."""


def default_store_url(output_dir: str | Path) -> str:
    """`results.db` inside a gate output folder: re-running a job into its folder grows that
    job's history and nothing is written elsewhere. Jobs share one history when given one
    `--store` (tox passes `gate-output/results.db`)."""
    return f"sqlite:///{(Path(output_dir).resolve() / STORE_NAME)}"


def open_store(url: str) -> Engine:
    """An engine on the store at `url` (any SQLAlchemy URL), its tables created if missing."""
    try:
        engine = create_engine(url)
        if engine.url.get_backend_name() == "sqlite" and engine.url.database:
            Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
        metadata.create_all(engine)
    except (ArgumentError, SQLAlchemyError, OSError) as exc:
        raise StoreError(f"results store {url}: cannot open it ({exc}); fix: give a "
                         "SQLAlchemy URL such as sqlite:///gate-output/results.db")
    return engine


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 255 else text[:254] + "…"


def _when(text: str | None) -> datetime.datetime:
    if text:
        try:
            return datetime.datetime.fromisoformat(text).astimezone(
                datetime.timezone.utc).replace(tzinfo=None)
        except ValueError:
            pass
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _add_meta(conn: Connection, table: Table, owner: str, owner_id: int,
              values: dict[str, Any]) -> None:
    rows = [{"key": key, "value": _text(value), owner: owner_id}
            for key, value in values.items() if value is not None]
    if rows:
        conn.execute(insert(table), rows)


def _test_row(conn: Connection, test_id: str, status: str, duration: float | None) -> int:
    """The `tests` row of `test_id`, created or with its counters moved on, as subunit2sql."""
    row = conn.execute(select(tests).where(tests.c.test_id == test_id)).first()
    success, failure = int(status == "success"), int(status == "fail")
    if row is None:
        result = conn.execute(insert(tests).values(
            test_id=test_id, run_count=success + failure, success=success, failure=failure,
            run_time=duration))
        return int(result.inserted_primary_key[0])
    if success or failure:
        count = (row.run_count or 0) + 1
        run_time = row.run_time
        if success and duration is not None:  # subunit2sql averages the passing runs' times
            run_time = ((row.run_time or 0.0) * (row.success or 0) + duration) / (
                (row.success or 0) + 1)
        conn.execute(update(tests).where(tests.c.id == row.id).values(
            run_count=count, success=(row.success or 0) + success,
            failure=(row.failure or 0) + failure, run_time=run_time))
    return int(row.id)


def append_run(url: str, summary: dict[str, Any], *, commit: str | None = None,
               artifacts: str | None = None) -> str:
    """Append one gate run (its `summary.json` dict) to the store; returns the run's uuid."""
    engine = open_store(url)
    run_at = _when(summary.get("started_at"))
    counts = summary["counts"]
    run_uuid = str(uuid.uuid4())
    meta = {**{key: summary.get(key) for key in _RUN_KEYS}, "build_name": summary["job"],
            "commit": commit, "partial": bool(summary.get("test_filter")),
            "stale_skips": len(summary.get("now_passing_entries") or []) or None,
            "leaked_resources": leak_count(summary.get("leaks"))
            if summary.get("leaks") else None}
    try:
        with engine.begin() as conn:
            run_id = conn.execute(insert(runs).values(
                uuid=run_uuid, skips=counts[SKIPPED_BY_FLAG] + counts[SKIPPED_BY_LIST],
                fails=counts[FAILED], passes=counts[PASSED], run_time=summary.get("duration"),
                artifacts=artifacts, run_at=run_at)).inserted_primary_key[0]
            _add_meta(conn, run_metadata, "run_id", run_id,
                      {key: value for key, value in meta.items() if value not in (None, "")})
            for test in summary["tests"]:
                _append_test(conn, run_id, run_at, test)
    except SQLAlchemyError as exc:
        raise StoreError(f"results store {url}: cannot append the run ({exc})")
    finally:
        engine.dispose()
    return run_uuid


def _append_test(conn: Connection, run_id: int, run_at: datetime.datetime,
                 test: dict[str, Any]) -> None:
    status = _TO_SUBUNIT[test["status"]]
    duration = test.get("duration")
    test_pk = _test_row(conn, test["id"], status, duration)
    if conn.execute(select(test_metadata.c.id).where(
            test_metadata.c.test_id == test_pk, test_metadata.c.key == "area")).first() is None:
        _add_meta(conn, test_metadata, "test_id", test_pk, {"area": test["area"]})
    stop = run_at + datetime.timedelta(seconds=duration) if duration is not None else None
    test_run_id = conn.execute(insert(test_runs).values(
        test_id=test_pk, run_id=run_id, status=status, start_time=run_at,
        start_time_microsecond=run_at.microsecond, stop_time=stop,
        stop_time_microsecond=stop.microsecond if stop else None)).inserted_primary_key[0]
    _add_meta(conn, test_run_metadata, "test_run_id", test_run_id,
              {"area": test["area"], "skip_kind": _SKIP_KIND.get(test["status"]),
               **{key: test.get(key) for key in _TEST_KEYS}})
    if test.get("details"):
        conn.execute(insert(attachments).values(test_run_id=test_run_id, label="traceback",
                                                attachment=test["details"].encode()))


_FROM_SUBUNIT = {"success": PASSED, "fail": FAILED}


def _metas(conn: Connection, table: Table, owner: str, ids: list[int]) -> dict[int, dict]:
    found: dict[int, dict[str, str]] = {}
    for row in conn.execute(select(table).where(table.c[owner].in_(ids))) if ids else ():
        found.setdefault(row._mapping[owner], {})[row.key] = row.value
    return found


def _status(row_status: str, meta: dict[str, str]) -> str:
    if row_status == "skip":
        return SKIPPED_BY_LIST if meta.get("skip_kind") == "list" else SKIPPED_BY_FLAG
    return _FROM_SUBUNIT.get(row_status, FAILED)


def _run_summary(conn: Connection, run: Any, meta: dict[str, str]) -> dict[str, Any]:
    rows = conn.execute(select(test_runs, tests.c.test_id.label("name"))
                        .join(tests, tests.c.id == test_runs.c.test_id)
                        .where(test_runs.c.run_id == run.id)).all()
    ids = [row[0] for row in rows]  # test_runs.id
    per_test = _metas(conn, test_run_metadata, "test_run_id", ids)
    details = {row.test_run_id: row.attachment.decode(errors="replace") for row in conn.execute(
        select(attachments).where(attachments.c.test_run_id.in_(ids),
                                  attachments.c.label == "traceback"))} if ids else {}
    outcomes = []
    for row in rows:
        test_meta = per_test.get(row[0], {})
        test = {"id": row.name, "status": _status(row.status, test_meta),
                "area": test_meta.get("area", "other")}
        if row.start_time and row.stop_time:
            test["duration"] = round((row.stop_time - row.start_time).total_seconds(), 3)
        test.update({key: test_meta[key] for key in _TEST_KEYS if key in test_meta})
        if row[0] in details:
            test["details"] = details[row[0]]
        outcomes.append(test)
    outcomes.sort(key=lambda t: t["id"])
    counts = {status: 0 for status in (PASSED, FAILED, SKIPPED_BY_FLAG, SKIPPED_BY_LIST)}
    for test in outcomes:
        counts[test["status"]] += 1
    counts["total"] = len(outcomes)
    return {"job": meta.get("job") or meta.get("build_name") or "unknown",
            "voting": meta.get("voting", "true") == "true", "topology": meta.get("topology"),
            "target": meta.get("target"), "commit": meta.get("commit"),
            "started_at": meta.get("started_at") or run.run_at.isoformat(),
            "duration": run.run_time, "result": meta.get("result"),
            "test_filter": meta.get("test_filter"), "skiplist": meta.get("skiplist"),
            "run_uuid": run.uuid, "counts": counts, "tests": outcomes}


def load_runs(url: str, *, last: int | None = None) -> list[dict[str, Any]]:
    """The runs in the store as gate summaries, oldest first; `last` keeps each job's newest N."""
    engine = open_store(url)
    try:
        with engine.connect() as conn:
            all_runs = conn.execute(select(runs).order_by(runs.c.run_at, runs.c.id)).all()
            metas = _metas(conn, run_metadata, "run_id", [run.id for run in all_runs])
            summaries = [_run_summary(conn, run, metas.get(run.id, {})) for run in all_runs]
    except SQLAlchemyError as exc:
        raise StoreError(f"results store {url}: cannot read it ({exc})")
    finally:
        engine.dispose()
    if last is not None:
        kept: dict[str, list[dict[str, Any]]] = {}
        for summary in summaries:
            kept.setdefault(summary["job"], []).append(summary)
        keep = {id(s) for per_job in kept.values() for s in per_job[-last:]}
        summaries = [s for s in summaries if id(s) in keep]
    return summaries
