"""Fuzzing the record's own entry points: whatever comes in, only a GovopsError may come out.

``Ledger.record`` (its actor, reason, time and event), ``SQLiteStore.append`` (entries of any
content), the iCalendar export (meetings with any text), and a stored row of either backend
altered to anything. What is accepted keeps: a recorded ledger verifies and reads back, an
acknowledged append loads back, an exported file parses with the ``icalendar`` users run.

The default run tries a few inputs per entry point; ``make test-slow`` runs
:data:`~test_fuzz_edges.SLOW_EXAMPLES` each.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import icalendar
import psycopg
import pytest
from hypothesis import strategies as st

import test_store_promises
from govops._record import rehash
from govops.exceptions import GovopsError
from govops.meetings import Meeting, presets, to_ical
from govops.serialization import from_json, to_json
from govops.store import PostgresStore, SQLiteStore
from govops.tasks import (
    Entry,
    IssueRaised,
    Ledger,
    MilestoneReached,
    ProgressReported,
    TaskAccepted,
    TaskAssigned,
)
from postgres_server import PostgresServer
from test_fuzz_edges import DEFAULT_EXAMPLES, SLOW_EXAMPLES, _fuzz, _only_ours, numbers, texts
from test_store import CAL, START, small_ledger, task

_ZONES = st.sampled_from(
    [ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York"), dt.timezone.utc, None]
)
times = st.one_of(
    st.datetimes(
        min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 1, 1), timezones=_ZONES
    ).map(lambda t: t.replace(fold=1) if t.minute % 2 else t),
    st.sampled_from(
        [START, dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York"))]
    ),
    st.datetimes(timezones=_ZONES),  # any year, the first and last (no UTC instant) among them
    st.dates(),
    texts,
)
# Events as (class, arguments): built while checking, so that a refusal is the check's outcome.
_NONE: st.SearchStrategy[dict[str, Any]] = st.just({})
events = st.one_of(
    st.tuples(st.just(IssueRaised), st.tuples(st.sampled_from(["T0", "T1", "T9"]), texts), _NONE),
    st.tuples(
        st.just(ProgressReported),
        st.tuples(st.sampled_from(["T0", "T1"])),
        st.fixed_dictionaries({"percent": numbers}, optional={"quantity": numbers}),
    ),
    st.tuples(st.just(MilestoneReached), st.tuples(st.sampled_from(["T0", "T9"]), texts), _NONE),
    st.sampled_from([TaskAccepted("T0"), TaskAccepted("T1"), TaskAssigned(task("T0"))]),
    texts,
    st.none(),
)
record_calls = st.fixed_dictionaries(
    {"event": events, "actor": st.one_of(texts, numbers), "at": times, "reason": texts}
)

_BASE = small_ledger(1)


def _built(event: Any) -> Any:
    """The event a recipe of :data:`events` makes (its class refusing with our error)."""
    if isinstance(event, tuple):
        kind, arguments, keywords = event
        return kind(*arguments, **keywords)
    return event


def check_record(call: dict[str, Any]) -> None:
    recorded = _only_ours(lambda: _BASE.record(**{**call, "event": _built(call["event"])}))
    if recorded is not None:
        assert recorded.version == _BASE.version + 1
        recorded.verify()
        assert from_json(to_json(recorded), Ledger, calendar=CAL) == recorded


def _entries(draw: st.DrawFn) -> list[Entry]:
    """A batch after ``_BASE``: entries linked and hashed as a writer would, some of them then
    given another number, link, time or hash."""
    prev, out = _BASE.head_hash, []
    for seq in range(_BASE.version + 1, _BASE.version + 1 + draw(st.integers(1, 3))):
        call = draw(record_calls)
        at = call["at"]
        try:
            event = _built(call["event"])
            entry = Entry(
                seq,
                event,
                at=at,
                actor=call["actor"],
                reason=call["reason"],
                prev_hash=prev,
                hash="",
            )
        except GovopsError:
            continue
        try:
            entry = attrs.evolve(entry, hash=rehash(entry))
        except Exception:
            entry = attrs.evolve(entry, hash="0" * 64)
        if draw(st.integers(0, 4)) == 0:  # then one field changed
            field = draw(st.sampled_from(["seq", "prev_hash", "hash", "at"]))
            hexes = st.text("0123456789abcdef", min_size=64, max_size=64)
            value = draw({"seq": st.integers(-2, 8), "at": times}.get(field, hexes))
            entry = _changed(entry, field, value)
        out.append(entry)
        prev = entry.hash
    return out


def _changed(entry: Entry, field: str, value: object) -> Entry:
    try:
        return attrs.evolve(entry, **{field: value})
    except GovopsError:  # a value an Entry refuses: the entry as it was
        return entry


append_batches = st.composite(_entries)()


def _append_check(folder: Path) -> Callable[[list[Entry]], None]:
    def check(batch: list[Entry]) -> None:
        path = folder / f"{uuid.uuid4().hex[:8]}.db"
        with SQLiteStore.create(path, calendar=CAL) as store:
            store.save(_BASE, expected_version=0)
            version = _only_ours(lambda: store.append(batch, expected_version=_BASE.version))
        with SQLiteStore(path, calendar=CAL, mode="ro") as store:
            loaded = store.load()
        if version is None:
            assert loaded == _BASE
        else:
            expected = Ledger.from_entries([*_BASE.entries, *batch], calendar=CAL)
            assert (loaded.version, loaded.head_hash) == (expected.version, expected.head_hash)
        path.unlink()

    return check


_TYPE = presets.LEADERSHIP_MEETING
ical_calls = st.fixed_dictionaries(
    {
        "id": texts,
        "reason": texts,
        "approved_by": st.one_of(st.none(), texts),
        "name_zh": texts,
        "name_en": texts,
        "date": st.dates(),
        "stamp": st.one_of(st.none(), times),
        "duration": st.one_of(st.none(), st.timedeltas(max_value=dt.timedelta(days=2))),
    }
)


def check_to_ical(call: dict[str, Any]) -> None:
    def export() -> bytes:
        kind = attrs.evolve(_TYPE, name_zh=call["name_zh"], name_en=call["name_en"])
        meeting = Meeting(
            kind,
            call["date"],
            id=call["id"],
            basis="ad_hoc",
            reason=call["reason"],
            approved_by=call["approved_by"],
        )
        return to_ical(meeting, stamp=call["stamp"], duration=call["duration"])

    data = _only_ours(export)
    if data is not None:
        (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
        assert str(event["UID"]) == f"{call['id']}@govops"
        assert str(event["SUMMARY"]) == call["name_zh"]


def _entry_points(folder: Path) -> dict[str, tuple[st.SearchStrategy[Any], Callable[[Any], None]]]:
    return {
        "record": (record_calls, check_record),
        "append": (append_batches, _append_check(folder)),
        "to_ical": (ical_calls, check_to_ical),
    }


ENTRY_POINTS = list(_entry_points(Path()))


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_only_our_errors_escape_from_the_record(name: str, tmp_path: Path) -> None:
    strategy, check = _entry_points(tmp_path)[name]
    _fuzz(strategy, check, DEFAULT_EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_only_our_errors_escape_from_the_record_exhaustively(name: str, tmp_path: Path) -> None:
    strategy, check = _entry_points(tmp_path)[name]
    _fuzz(strategy, check, SLOW_EXAMPLES)


# -- a stored row altered to anything ----------------------------------------------------------------


@pytest.mark.slow
def test_an_sqlite_row_altered_to_anything_gives_only_govops_errors_exhaustively(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    altered = test_store_promises.test_a_row_altered_to_anything_gives_only_govops_errors
    inner = altered.hypothesis.inner_test  # type: ignore[attr-defined]
    columns = st.sampled_from(["event", "at", "actor", "reason", "hash", "seq", "ledger"])
    _fuzz(
        st.tuples(columns, test_store_promises._ROW_VALUES),
        lambda case: inner(tmp_path_factory, *case),
        SLOW_EXAMPLES,
    )


_PG_COLUMNS = {
    "event": st.one_of(
        st.text(max_size=60).filter(lambda s: "\x00" not in s),
        st.sampled_from(["[" * 100_000, '{"type":"task_accepted"}', '["task_accepted"]', "[]"]),
    ),
    "at": st.text(max_size=40).filter(lambda s: "\x00" not in s),
    "actor": st.text(max_size=20).filter(lambda s: "\x00" not in s),
    "reason": st.text(max_size=20).filter(lambda s: "\x00" not in s),
    "hash": st.binary(max_size=40),
    "version": st.integers(-(2**63), 2**63 - 1),
}
pg_rows = st.sampled_from(sorted(_PG_COLUMNS)).flatmap(
    lambda column: st.tuples(st.just(column), _PG_COLUMNS[column], st.integers(1, 9))
)


def _pg_check(conninfo: str) -> Callable[[tuple[str, object, int]], None]:
    office = f"fuzz-{uuid.uuid4().hex[:12]}"
    with PostgresStore.create(conninfo, office, calendar=CAL) as store:
        store.save(small_ledger(), expected_version=0)
    columns = "ledger, version, at, actor, reason, event, hash"
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            f"SELECT {columns} FROM govops_events WHERE ledger = %s", (office,)
        ).fetchall()

    def check(case: tuple[str, object, int]) -> None:
        column, value, version = case
        with psycopg.connect(conninfo) as conn:
            try:
                conn.execute(
                    f"UPDATE govops_events SET {column} = %s WHERE ledger = %s AND version = %s",
                    (value, office, version),
                )
                conn.commit()
            except (psycopg.errors.UniqueViolation, psycopg.errors.CheckViolation):
                conn.rollback()  # a number another row has, or none can have: not an alteration
                return
            try:
                with PostgresStore(conninfo, office, calendar=CAL) as store:
                    _only_ours(store.head)
                    _only_ours(store.verify)
                    _only_ours(lambda: store.load(verify=False))
                    _only_ours(store.load)
                    _only_ours(lambda: list(store.entries()))
            except GovopsError:
                pass
            finally:  # the ledger as it was, behind govops' back as it was altered
                conn.execute("DELETE FROM govops_events WHERE ledger = %s", (office,))
                with conn.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO govops_events ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                        rows,
                    )
                conn.commit()

    return check


@pytest.mark.parametrize("examples", [20, pytest.param(SLOW_EXAMPLES, marks=pytest.mark.slow)])
def test_a_postgres_row_altered_to_anything_gives_only_govops_errors(
    postgres: PostgresServer, examples: int
) -> None:
    _fuzz(pg_rows, _pg_check(postgres.conninfo), examples)


# -- the head of a store with a key, altered to anything --------------------------------------------

KEY = b"a host's secret, never stored"
_HEAD_VALUES = st.one_of(
    st.none(), st.booleans(), numbers, texts, st.lists(st.integers(), max_size=2), st.just({})
)
# The stored head with some of its members replaced (``...`` removes one), or any text at all.
heads = st.one_of(
    st.dictionaries(
        st.sampled_from(["version", "hash", "policy", "mac"]),
        st.one_of(_HEAD_VALUES, st.just(...)),
        min_size=1,
        max_size=2,
    ),
    texts,
)


def _head_check(folder: Path) -> Callable[[dict[str, Any] | str], None]:
    path = folder / "keyed.db"
    with SQLiteStore.create(path, calendar=CAL, key=KEY) as store:
        store.save(small_ledger(), expected_version=0)

    def check(change: dict[str, Any] | str) -> None:
        db = sqlite3.connect(path, isolation_level=None)
        try:
            (kept,) = db.execute("SELECT head FROM ledgers").fetchone()
            head = change
            if isinstance(change, dict):
                replaced = {**json.loads(kept), **change}
                head = json.dumps({k: v for k, v in replaced.items() if v is not ...})
            db.execute("UPDATE ledgers SET head = ?", (head.encode("utf-8", "surrogatepass"),))
            for key in (KEY, None):
                with (
                    contextlib.suppress(GovopsError),
                    SQLiteStore(path, calendar=CAL, key=key) as s,
                ):
                    _only_ours(s.head)
                    _only_ours(s.verify)
                    _only_ours(s.load)
        finally:
            db.execute("UPDATE ledgers SET head = ?", (kept,))
            db.close()

    return check


@pytest.mark.parametrize("examples", [60, pytest.param(SLOW_EXAMPLES, marks=pytest.mark.slow)])
def test_a_keyed_head_altered_to_anything_gives_only_govops_errors(
    tmp_path: Path, examples: int
) -> None:
    _fuzz(heads, _head_check(tmp_path), examples)
