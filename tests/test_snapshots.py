"""Snapshots in an SQLite file: what only a file has (a file without snapshots, one of the previous
layout, a body altered anywhere, a save that streams). What every store promises of its snapshots
is held against both backends by ``tests/test_store_snapshots.py``, which builds on the ledger
and the helpers here."""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govops.calendars as gc
from govops.exceptions import GovopsError, IntegrityError, InvalidInputError
from govops.serialization import from_json
from govops.store import STORE_SCHEMA, EventStore, LoadReport, SQLiteStore
from govops.tasks import (
    CompletionConfirmed,
    CoverWindow,
    Deadline,
    DeadlineChangeApproved,
    DeadlineChangeRequested,
    IssueRaised,
    IssueResolved,
    Ledger,
    LedgerPolicy,
    Milestone,
    MilestoneReached,
    Person,
    Plan,
    PlanApproved,
    PlanSubmitted,
    ProgressReported,
    Responsibility,
    Status,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskResumed,
    TaskSuspended,
    Unit,
    WarningIssued,
)
from govops.tasks._snapshot import _TASK_FIELDS

CAL = gc.calendar("CN")
CST = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, tzinfo=CST)
GOLDEN = Path(__file__).parent / "golden"
LEADER = Person("p-wang", "王", roles={"leader_in_charge"})
POLICY = LedgerPolicy(
    cover=(CoverWindow("p-wang", "p-li", start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)),)
)


def _task(i: int) -> Task:
    return Task(
        f"T{i}",
        f"任务 {i}",
        category="key_task",
        responsibility=Responsibility(Unit("econ", "经济发展办"), leader_in_charge=LEADER),
        deadline=Deadline.on(
            dt.date(2026, 3, 20) + dt.timedelta(days=7 * i), clock_stops_when_suspended=i % 2 == 1
        ),
        target_quantity=50.0 if i == 3 else None,
    )


def rich_ledger() -> Ledger:
    """A ledger whose tasks reach every part of a task's state: plans and milestones, issues,
    deadline changes (one while overdue, which latches its red light), a suspension that stops
    the clock, a quantity, a completion confirmed by a deputy, a cancellation, a warning."""
    ledger = Ledger(calendar=CAL, policy=POLICY)
    k = 0

    def rec(event: Any, actor: str = "econ", days: float = 0, utc: bool = False) -> None:
        nonlocal ledger, k
        k += 1
        at = T0 + dt.timedelta(days=days, minutes=k)
        if utc:  # the same instant read in another zone: kept as it was recorded
            at = at.astimezone(dt.timezone.utc)
        ledger = ledger.record(event, actor=actor, at=at, reason="按计划" if k % 5 == 0 else "")

    for i in range(6):
        rec(TaskAssigned(_task(i)), actor="office")
        rec(TaskAccepted(f"T{i}"))
    plan = Plan([Milestone("m1", dt.date(2026, 5, 31), cumulative_percent=40)])
    rec(PlanSubmitted("T0", plan), days=1)
    rec(PlanApproved("T0"), actor="office", days=1)
    rec(MilestoneReached("T0", "m1"), days=2)
    rec(IssueRaised("T1", "i1", description="用地"), days=2)
    rec(IssueRaised("T1", "i2"), days=2)
    rec(IssueResolved("T1", "i1"), days=3)
    rec(ProgressReported("T3", quantity=10.0), days=3)
    rec(TaskSuspended("T1"), days=4)
    rec(TaskResumed("T1"), days=11)
    rec(TaskSuspended("T5"), days=12)
    rec(DeadlineChangeRequested("T2", Deadline.on(dt.date(2026, 6, 30))), days=20)
    rec(DeadlineChangeApproved("T2"), actor="office", days=20)  # T2 was overdue: latched
    rec(ProgressReported("T2", percent=35.5), days=21)
    rec(DeadlineChangeRequested("T4", Deadline.on(dt.date(2026, 7, 31))), days=21)
    rec(TaskCompleted("T0"), days=35)
    rec(CompletionConfirmed("T0"), actor="p-li", days=35)  # the deputy, in the cover window
    rec(TaskCancelled("T3"), actor="office", days=36)
    rec(WarningIssued("T4", "yellow"), actor="office", days=36)
    rec(ProgressReported("T4", percent=60.0), days=37, utc=True)
    return ledger


def _saved(path: Path, ledger: Ledger, **options: Any) -> EventStore:
    store = EventStore.create(path, calendar=ledger.calendar, **options)
    store.save(ledger, expected_version=0)
    return store


def _same(a: Ledger, b: Ledger) -> None:
    """``a`` and ``b`` are the same ledger, through every door a user opens."""
    assert a.states() == b.states()
    assert a.version == b.version and a.head_hash == b.head_hash
    for day in (10, 21, 36, 60):
        at = T0 + dt.timedelta(days=day)
        assert a.states(now=at) == b.states(now=at)
        assert a.as_of(at) == b.as_of(at)
        for task_id in b.as_of(at).task_ids:
            assert a.warning(task_id, now=at) == b.warning(task_id, now=at)
            assert a.state(task_id, at=at) == b.state(task_id, at=at)
    for task_id in b.task_ids:
        assert a.history(task_id) == b.history(task_id)
    assert a.entries == b.entries
    assert a == b


def test_the_task_columns_are_a_task_s_fields() -> None:
    assert tuple(a.name for a in attrs.fields(Task)) == _TASK_FIELDS


def _rows(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def _split(body: bytes) -> tuple[dict[str, Any], bytearray]:
    """A snapshot's body as its JSON object and the bytes of its packed columns after it."""
    text, _, packed = body.partition(b"\n")
    return json.loads(text), bytearray(packed)


def _numbers(packed: bytearray, column: list[Any]) -> memoryview:
    """The numbers of a packed column (``[typecode, start, count]``), to read or change."""
    code, start, count = column
    return memoryview(packed)[start : start + count * array.array(code).itemsize].cast(code)


def _rewrite_body(
    path: Path, change: Any = lambda doc, packed: doc, header_change: Any = lambda h: h
) -> None:
    """Change the snapshot's body (``change(doc, packed)`` returns the JSON object and may
    change the packed bytes in place) and header, and give it a checksum that matches, as
    someone who can write the file (but has no key) can."""
    ((header, body),) = _rows(path, "SELECT header, body FROM snapshots")
    header = header_change(header)
    doc, packed = _split(body)
    text = json.dumps(change(doc, packed), ensure_ascii=False, separators=(",", ":"))
    body = text.encode("utf-8", "surrogatepass") + b"\n" + bytes(packed)
    digest = hashlib.sha256(header.encode() + b"\n" + body).hexdigest()
    _rows(path, "UPDATE snapshots SET header = ?, body = ?, checksum = ?", header, body, digest)


def _body(path: Path) -> Any:
    ((body,),) = _rows(path, "SELECT body FROM snapshots")
    return _split(body)[0]


def _ignored(path: Path, match: str, **load: Any) -> Ledger:
    with EventStore(path, calendar=load.pop("calendar", CAL)) as store:
        loaded = store.load(**load)
        report = store.last_load
    assert report is not None and report.snapshot is None, report
    assert len(report.ignored) == 1 and match in report.ignored[0], report.ignored
    return loaded


def test_entries_of_another_chain_in_place_of_those_before_the_snapshot_are_refused(
    tmp_path: Path,
) -> None:
    ledger = rich_ledger()
    path = tmp_path / "l.db"
    with _saved(path, ledger) as store:
        store.snapshot()
        loaded = store.load()
        trusting = store.load(verify=False)
    # The file replaced by one holding another chain as long: its first actor differs.
    other = Ledger(calendar=CAL, policy=POLICY)
    for e in ledger.entries:
        actor = e.actor + ("'" if e.seq == 1 else "")
        other = other.record(e.event, actor=actor, at=e.at, reason=e.reason)
    with _saved(tmp_path / "other.db", other):
        pass
    (tmp_path / "other.db").replace(path)
    for read in (loaded, trusting):
        with pytest.raises(IntegrityError, match=r"before the snapshot .* no longer there"):
            read.entries  # noqa: B018 - reading them is the point
    assert loaded.states() == ledger.states() and loaded.head_hash == ledger.head_hash


def test_threads_reading_a_ledger_from_a_snapshot_at_once_see_the_same_tasks(
    tmp_path: Path,
) -> None:
    ledger = rich_ledger()
    with _saved(tmp_path / "l.db", ledger) as store:
        store.snapshot()
        loaded = store.load()  # its tasks are built by the first of the threads to read them
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda _: loaded.states(), range(8)))
    assert found == [ledger.states()] * 8


def test_a_snapshot_of_the_earlier_format_is_ignored_and_kept_anew(tmp_path: Path) -> None:
    """golden/store_snapshot1.db: golden/ledger.json saved, with a snapshot kept at its last
    entry, by govops as of 90411c5 (snapshot format govops-snapshot/1, its body JSON text)."""
    path = tmp_path / "s.db"
    path.write_bytes((GOLDEN / "store_snapshot1.db").read_bytes())
    ledger = from_json((GOLDEN / "ledger.json").read_text(encoding="utf-8"), calendar=CAL)
    with EventStore(path, calendar=CAL, snapshot_every=1) as store:
        assert store.verify() == ledger.version  # an earlier format is no damage
        loaded = store.load()
        assert store.last_load == LoadReport(
            ledger.version,
            snapshot=None,
            replayed=ledger.version,
            ignored=(
                f"the snapshot at version {ledger.version} is in format 'govops-snapshot/1'; "
                "this version of govops reads 'govops-snapshot/2'",
            ),
        )
        _same(loaded, ledger)
        # The next append keeps a snapshot in this version's format, which the next load uses.
        task = next(s for s in loaded.states() if s.status is Status.IN_PROGRESS)
        at = ledger.entries[-1].at + dt.timedelta(days=1)
        more = loaded.record(ProgressReported(task.id, percent=task.percent), actor="x", at=at)
        store.save(more, expected_version=ledger.version)
        assert store.snapshot_error is None
        _same(store.load(), more)
        assert store.last_load == LoadReport(more.version, snapshot=more.version, replayed=0)


def test_a_file_without_snapshots_loads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.write_bytes((GOLDEN / "store_govops1.db").read_bytes())
    with EventStore(path, calendar=CAL, mode="ro") as store:
        store.load()
        assert store.last_load is not None and store.last_load.snapshot is None
        assert store.last_load.ignored == ()
        store.verify()


def test_a_file_of_the_previous_version_is_read_as_it_is_then_keeps_snapshots(
    tmp_path: Path,
) -> None:
    """golden/store_govops3.db (schema govops-store/3, no snapshots table) opens read-only and
    loads without a write; a snapshots table of the layout before ledgers were numbered is not
    read; the first write rewrites the file, and then it keeps snapshots."""
    path = tmp_path / "old.db"
    path.write_bytes((GOLDEN / "store_govops3.db").read_bytes())
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(
        "CREATE TABLE snapshots (version INTEGER PRIMARY KEY, hash TEXT NOT NULL, "
        "header TEXT NOT NULL, body TEXT NOT NULL, checksum TEXT NOT NULL)"
    )
    db.execute("INSERT INTO snapshots VALUES (1, 'x', '{}', '{}', 'x')")
    db.close()
    before = path.read_bytes()
    ledger = from_json((GOLDEN / "ledger.json").read_text(encoding="utf-8"), calendar=CAL)
    with SQLiteStore(path, mode="ro", calendar=CAL) as store:
        assert store.load() == ledger
        assert store.last_load == LoadReport(ledger.version, snapshot=None, replayed=ledger.version)
        assert store.verify() == ledger.version
        kept = store.head()
    assert path.read_bytes() == before
    with SQLiteStore(path, calendar=CAL) as store:
        assert store.snapshot() == ledger.version  # the first write: the file is rewritten
        assert store.load() == ledger
        assert store.last_load == LoadReport(ledger.version, snapshot=ledger.version, replayed=0)
        assert store.verify(expected_head=kept) == ledger.version
    ((schema,),) = _rows(path, "SELECT value FROM meta WHERE key = 'schema'")
    assert schema == STORE_SCHEMA
    assert _rows(path, "SELECT ledger, version FROM snapshots") == [(1, ledger.version)]


def altered(doc: dict[str, Any], packed: bytearray, data: st.DataObject) -> dict[str, Any]:
    """A snapshot's body (its JSON object ``doc`` and its ``packed`` columns, changed in place)
    with a number of a packed column, one of its JSON columns or one value in it replaced by
    whatever Hypothesis draws."""
    where = [doc, doc["tasks"], doc["issues"], doc["times"]]
    columns = [(d, key) for d in where for key in _packs(d)]
    if data.draw(st.booleans()):  # a number of a packed column, of the column's type
        d, key = data.draw(st.sampled_from(columns))
        numbers = _numbers(packed, d[key])
        if len(numbers):
            code = d[key][0]
            numbers[data.draw(st.integers(0, len(numbers) - 1))] = data.draw(
                st.floats()
                if code == "d"
                else st.integers(-(2**63), 2**63 - 1)
                if code == "q"
                else st.integers(0, 2 ** (8 * _SIZES[code]) - 1)
            )
        return doc
    name = data.draw(st.sampled_from(sorted(doc)))
    value = data.draw(
        st.recursive(
            st.none() | st.booleans() | st.integers(-3, 10**20) | st.floats() | st.text(max_size=5),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
            max_leaves=5,
        )
    )
    column = doc[name]
    if isinstance(column, list) and column and data.draw(st.booleans()):
        column[data.draw(st.integers(0, len(column) - 1))] = value
    elif isinstance(column, dict) and column:
        inner = column[data.draw(st.sampled_from(sorted(column)))]
        if inner:
            inner[data.draw(st.integers(0, len(inner) - 1))] = value
    else:
        doc[name] = value
    return doc


def _altered_anywhere(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    # Whatever someone writes in a snapshot's columns (with a checksum to match), a load gives
    # a ledger or a GovopsError: never another error.
    ledger = rich_ledger()
    path = tmp_path_factory.mktemp("s") / "l.db"
    with _saved(path, ledger) as store:
        store.snapshot()
    _rewrite_body(path, lambda doc, packed: altered(doc, packed, data))
    with EventStore(path, calendar=CAL) as store, contextlib.suppress(GovopsError):
        store.load().states()


_SIZES = {"B": 1, "H": 2, "I": 4}


def _packs(columns: dict[str, Any]) -> list[str]:
    """The names of the packed columns of ``columns``."""
    return sorted(
        name
        for name, column in columns.items()
        if isinstance(column, list) and len(column) == 3 and column[0] in ("B", "H", "I", "q", "d")
    )


_ALTERED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


@settings(max_examples=60, **_ALTERED)
@given(data=st.data())
def test_a_snapshot_altered_anywhere_is_read_as_written_or_ignored(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    _altered_anywhere(tmp_path_factory, data)


@pytest.mark.slow
@settings(max_examples=2_000, **_ALTERED)
@given(data=st.data())
def test_a_snapshot_altered_anywhere_is_read_as_written_or_ignored_exhaustively(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    _altered_anywhere(tmp_path_factory, data)


def test_a_save_streams_its_rows_and_a_repeated_save_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import govops.store._sqlite_rows as store_sqlite

    monkeypatch.setattr(store_sqlite, "CHUNK", 5)  # rows built and written five at a time
    ledger = rich_ledger()
    half = ledger.as_of(ledger.entries[14].at)
    with EventStore.create(tmp_path / "l.db", calendar=CAL, policy=POLICY) as store:
        assert store.save(half, expected_version=0) == half.version
        assert store.save(ledger, expected_version=half.version) == ledger.version
        # The acknowledgement was lost: the same save again is acknowledged, writing nothing.
        assert store.save(ledger, expected_version=half.version) == ledger.version
        assert store.version == ledger.version
        with pytest.raises(InvalidInputError, match="version=99"):
            store.save(ledger, expected_version=99)
    with EventStore(tmp_path / "l.db", calendar=CAL) as store:
        assert store.load(from_snapshot=False) == ledger
