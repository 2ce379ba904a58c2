"""The SQLite event store, against real database files and real processes."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import gc as garbage
import itertools
import json
import multiprocessing
import os
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govops.calendars as gc
import govops.store._rows as store_module
import govops.store._sqlite_rows as store_sqlite
from govops._record import GENESIS_HASH, INLINE, init_lines, rehash
from govops.exceptions import (
    ConcurrencyError,
    GovopsError,
    IntegrityError,
    InvalidInputError,
    LedgerError,
)
from govops.serialization import converter, from_json
from govops.store import STORE_SCHEMA, EventStore
from govops.store._rows import _EventReader
from govops.tasks import (
    Category,
    CompletionConfirmed,
    CooperatingUnit,
    CoverWindow,
    Deadline,
    DeadlineChangeApproved,
    DeadlineChangeRequested,
    Entry,
    Event,
    IssueRaised,
    IssueResolved,
    Ledger,
    LedgerPolicy,
    Milestone,
    Person,
    Plan,
    PolicyChanged,
    ProgressReported,
    Responsibility,
    Source,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    TaskReassigned,
    Unit,
    WarningIssued,
)

CAL = gc.calendar("CN")
CST = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 2, 9, tzinfo=CST)


def task(task_id: str) -> Task:
    return Task(
        task_id,
        f"Task {task_id}",
        category=Category.KEY_TASK,
        responsibility=Responsibility(Unit("econ", "经济发展办")),
        deadline=Deadline.on(dt.date(2026, 12, 31)),
    )


def small_ledger(n_tasks: int = 3) -> Ledger:
    ledger = Ledger(calendar=CAL)
    for i in range(n_tasks):
        ledger = ledger.record(TaskAssigned(task(f"T{i}")), actor="office", at=START)
        ledger = ledger.record(TaskAccepted(f"T{i}"), actor="econ", at=START)
        ledger = ledger.record(
            ProgressReported(f"T{i}", percent=10 * i, note="周报"), actor="econ", at=START
        )
    return ledger


def _raw(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Run ``sql`` on the file at ``path`` behind govops' back, committed at once; its rows."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def as_store_3(path: Path) -> None:
    """Rewrite the one ledger of the store at ``path`` as govops wrote it before files held many
    ledgers (schema ``govops-store/3``): the hashes as text, each ``prev_hash`` stored, the
    policy and the head in ``meta``."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.executescript(
            """
            BEGIN;
            ALTER TABLE entries RENAME TO entries_4;
            CREATE TABLE entries (seq INTEGER PRIMARY KEY, task_id TEXT NOT NULL,
                at TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL, kind TEXT NOT NULL,
                event TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE);
            CREATE INDEX entries_task ON entries (task_id, seq);
            INSERT INTO entries SELECT seq, coalesce(json_extract(event, '$[1]'), ''), at, actor,
                reason, coalesce(json_extract(event, '$[0]'), json_extract(event, '$.type')),
                event, lower(hex(coalesce(lag(hash) OVER (ORDER BY seq), zeroblob(32)))),
                lower(hex(hash)) FROM entries_4;
            INSERT INTO meta SELECT 'policy', policy FROM ledgers WHERE policy IS NOT NULL;
            INSERT INTO meta SELECT 'head', head FROM ledgers;
            DROP TABLE entries_4;
            DROP TABLE ledgers;
            UPDATE meta SET value = 'govops-store/3' WHERE key = 'schema';
            COMMIT;
            """
        )
    finally:
        db.close()


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    ledger = small_ledger()
    path = tmp_path / "ledger.db"
    with EventStore.create(path) as store:
        assert store.version == 0
        assert store.save(ledger, expected_version=0) == len(ledger)
    with EventStore(path) as store:  # a fresh connection reads what was committed
        loaded = store.load(calendar=CAL)
        assert loaded == ledger
        assert loaded.states() == ledger.states()
        assert store.verify() == len(ledger)
        more = loaded.record(IssueRaised("T1", "i1"), actor="econ", at=START)
        assert store.save(more, expected_version=len(ledger)) == len(ledger) + 1
        assert store.load(calendar=CAL, verify=True) == more
        assert "ledger.db" in repr(store)


def test_a_stale_writer_gets_a_concurrency_error_and_writes_nothing(tmp_path: Path) -> None:
    with EventStore.create(tmp_path / "l.db") as store:
        base = small_ledger(1)
        store.save(base, expected_version=0)
        mine = base.record(IssueRaised("T0", "a"), actor="me", at=START)
        theirs = base.record(IssueRaised("T0", "b"), actor="them", at=START)
        store.save(theirs, expected_version=len(base))
        with pytest.raises(
            ConcurrencyError, match="expected_version=3 but the event store is at version 4"
        ):
            store.save(mine, expected_version=len(base))
        assert store.load(calendar=CAL) == theirs


def test_entries_that_do_not_continue_the_chain_are_refused(tmp_path: Path) -> None:
    with EventStore.create(tmp_path / "l.db") as store:
        store.save(small_ledger(1), expected_version=0)
        other = small_ledger(2)  # a different history of the same length prefix
        with pytest.raises(IntegrityError, match="seq=4 was expected"):
            store.append(other.entries_since(4), expected_version=3)
        gap = small_ledger(2).entries
        with pytest.raises(IntegrityError, match="seq=5 was expected"):
            store.append([gap[3], gap[5]], expected_version=3)
        assert store.version == 3


def test_the_policy_is_stored_and_must_not_change(tmp_path: Path) -> None:
    policy = LedgerPolicy(confirmation_requires_leader=False)
    ledger = Ledger(calendar=CAL, policy=policy).record(
        TaskAssigned(task("T")), actor="o", at=START
    )
    with EventStore.create(tmp_path / "l.db") as store:
        store.save(ledger, expected_version=0)
        assert store.load(calendar=CAL).policy == policy
        with pytest.raises(InvalidInputError, match="changes only by recording PolicyChanged"):
            store.save(small_ledger(1), expected_version=1)
        assert store.version == 1


def _window(leader: str, deputy: str, start: dt.date, days: int = 5) -> CoverWindow:
    return CoverWindow(leader, deputy, start=start, end=start + dt.timedelta(days=days))


def _led(task_id: str) -> Task:
    return attrs.evolve(
        task(task_id),
        responsibility=Responsibility(
            Unit("econ", "经济发展办"), leader_in_charge=Person("p-wang", "王")
        ),
    )


def test_a_policy_change_is_an_entry_in_the_chain_and_the_stored_policy_never_changes(
    tmp_path: Path,
) -> None:
    first = LedgerPolicy(cover=(_window("p-wang", "p-li", dt.date(2026, 4, 1)),))
    wider = attrs.evolve(
        first, cover=(*first.cover, _window("p-wang", "p-li", dt.date(2026, 8, 3)))
    )
    august = dt.datetime(2026, 8, 4, 9, tzinfo=CST)
    ledger = Ledger(calendar=CAL, policy=first).record_many(
        [
            (TaskAssigned(_led("T")), "o", START, ""),
            (TaskAccepted("T"), "econ", START, ""),
            (TaskCompleted("T"), "econ", START, ""),
        ]
    )
    path = tmp_path / "l.db"
    with EventStore.create(path) as store:
        store.save(ledger, expected_version=0)
        ((text,),) = _raw(path, "SELECT policy FROM ledgers")
        # Under the first policy, p-li may not confirm in August; once the window is recorded
        # (an entry of the chain), they may.
        with pytest.raises(LedgerError, match="p-li"):
            ledger.record(CompletionConfirmed("T"), actor="p-li", at=august)
        later = ledger.record(PolicyChanged(wider), actor="office", at=august)
        later = later.record(CompletionConfirmed("T"), actor="p-li", at=august)
        assert store.save(later, expected_version=3) == 5
    assert _raw(path, "SELECT policy FROM ledgers") == [(text,)]  # no UPDATE
    with EventStore(path) as store:
        loaded = store.load(calendar=CAL)
        assert loaded == later
        assert (loaded.policy, loaded.policy_at(0), loaded.policy_at(3)) == (wider, first, first)
        assert loaded.state("T").confirmed_as_deputy_for == "p-wang"
        # A ledger made with the wider policy is another ledger: refused, nothing written.
        made_wider = Ledger.from_entries(later.entries, calendar=CAL, policy=wider)
        with pytest.raises(InvalidInputError, match="PolicyChanged"):
            store.save(made_wider, expected_version=5)
        assert store.version == 5
    # The change is hashed like any entry: editing it in the file is found.
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE entries SET event = replace(event, '08-03', '09-03') WHERE seq = 4")
    with EventStore(path) as store, pytest.raises(IntegrityError, match="seq=4"):
        store.verify()


def test_a_policy_change_holds_from_its_entry_on(tmp_path: Path) -> None:
    """Entries before a change keep the meaning they were recorded with."""
    ledger = Ledger(calendar=CAL).record_many(
        [
            (TaskAssigned(task("T")), "o", START, ""),
            (TaskAccepted("T"), "econ", START, ""),
            (DeadlineChangeRequested("T", Deadline.on(dt.date(2027, 1, 29))), "econ", START, ""),
            (DeadlineChangeApproved("T"), "office", START, ""),
        ]
    )
    changed = ledger.record(
        PolicyChanged(LedgerPolicy(deadline_change_requires_approval=False)),
        actor="office",
        at=START,
    )
    changed = changed.record(
        DeadlineChangeRequested("T", Deadline.on(dt.date(2027, 2, 26))), actor="econ", at=START
    )
    assert changed.state("T").due == dt.date(2027, 2, 26)  # in force at once, no approval
    assert changed.state("T").pending_deadline is None
    path = tmp_path / "l.db"
    with EventStore.create(path) as store:
        store.save(changed, expected_version=0)
    with EventStore(path) as store:
        loaded = store.load(calendar=CAL)
    assert loaded == changed and loaded.states() == changed.states()
    assert loaded.as_of(START).policy == changed.policy  # every entry at START
    assert ledger.policy == LedgerPolicy()  # the older value is as it was


def test_a_store_of_an_earlier_version_keeps_its_policy(tmp_path: Path) -> None:
    """A store whose policy was written before cover windows existed (no ``cover`` key) loads
    under it; a change is then an entry."""
    path = tmp_path / "l.db"
    ledger = small_ledger(1)
    with EventStore.create(path) as store:
        store.save(ledger, expected_version=0)
    ((text,),) = _raw(path, "SELECT policy FROM ledgers")
    assert "cover" not in json.loads(text)
    windows = (_window("p-wang", "p-li", dt.date(2026, 4, 1)),)
    with EventStore(path) as store:
        loaded = store.load(calendar=CAL)
        assert store.save(loaded, expected_version=3) == 3  # the same again: nothing to do
        wider = loaded.record(PolicyChanged(LedgerPolicy(cover=windows)), actor="o", at=START)
        assert store.save(wider, expected_version=3) == 4
        assert store.load(calendar=CAL).policy.cover == windows


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE entries SET event = replace(event, ',20.0,', ',90.0,')",
        "UPDATE entries SET actor = 'mallory' WHERE seq = 2",
        "DELETE FROM entries WHERE seq = 4",
        'UPDATE entries SET event = \'{"type": "nope"}\' WHERE seq = 5',
    ],
)
def test_tampering_with_the_file_is_detected(tmp_path: Path, sql: str) -> None:
    path = tmp_path / "l.db"
    with EventStore.create(path) as store:
        store.save(small_ledger(), expected_version=0)
    _raw(path, sql)
    if sql.startswith("DELETE"):  # a row missing: refused as the store is opened
        with pytest.raises(IntegrityError, match="seq=4 is missing"):
            EventStore(path)
        return
    with EventStore(path) as store:
        with pytest.raises(IntegrityError):
            store.verify()
        with pytest.raises(LedgerError):
            store.load(calendar=CAL, verify=True)


def test_a_file_of_another_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    EventStore.create(path).close()
    _raw(path, "UPDATE meta SET value = 'govops/0' WHERE key = 'schema'")
    with pytest.raises(LedgerError, match="govops/0"):
        EventStore(path)


# -- real processes ---------------------------------------------------------------------------------


def _writer(path: str, name: str, count: int) -> int:
    """Append ``count`` events, reloading and retrying on every conflict; return the retries."""
    retries = 0
    with EventStore(path, timeout=60) as store:
        done = 0
        while done < count:
            ledger = store.load(calendar=CAL)
            version = ledger.version
            now = START + dt.timedelta(seconds=version)
            nxt = ledger.record(IssueRaised("T0", f"{name}-{done}"), actor=name, at=now)
            try:
                store.save(nxt, expected_version=version)
            except ConcurrencyError:
                retries += 1
                continue
            done += 1
    return retries


def test_two_writers_racing_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    with EventStore.create(path) as store:
        store.save(small_ledger(1), expected_version=0)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = [pool.apply_async(_writer, (str(path), name, 25)) for name in ("a", "b")]
        retries = [r.get(timeout=120) for r in results]
    with EventStore(path) as store:
        ledger = store.load(calendar=CAL, verify=True)
        assert store.verify() == 3 + 50
    issues = {i.id for i in ledger.state("T0").open_issues}
    assert issues == {f"{n}-{k}" for n in "ab" for k in range(25)}
    assert sum(retries) >= 0  # conflicts are likely but not guaranteed on a fast machine


def _race_once(path: str, name: str, barrier: object) -> str:
    with EventStore(path, timeout=60) as store:
        ledger = store.load(calendar=CAL)
        nxt = ledger.record(IssueRaised("T0", name), actor=name, at=START)
        barrier.wait()  # type: ignore[attr-defined]
        try:
            store.save(nxt, expected_version=ledger.version)
        except ConcurrencyError:
            return "conflict"
        return "ok"


def test_two_writers_at_the_same_version_exactly_one_wins(tmp_path: Path) -> None:
    path = tmp_path / "race1.db"
    with EventStore.create(path) as store:
        store.save(small_ledger(1), expected_version=0)
    ctx = multiprocessing.get_context("spawn")
    manager = ctx.Manager()
    try:
        barrier = manager.Barrier(2)
        with ctx.Pool(2) as pool:
            results = [pool.apply_async(_race_once, (str(path), n, barrier)) for n in "ab"]
            outcomes = sorted(r.get(timeout=120) for r in results)
    finally:
        manager.shutdown()
    assert outcomes == ["conflict", "ok"]
    with EventStore(path) as store:
        assert store.verify() == 4


def _die_mid_write(path: str, marker: str) -> None:
    """Start a transaction, write half a batch, tell the parent, and wait to be killed."""
    ledger = small_ledger(1)
    for i in range(200):
        ledger = ledger.record(IssueRaised("T0", f"i{i}"), actor="x", at=START)
    rows = [store_sqlite._row(e) for e in ledger.entries_since(3)]
    for row in rows:
        row[6] = json.dumps(row[6])  # the event as a JSON object, a form every store reads
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    rows = [(1, r[0], r[2], r[3], r[4], r[6], bytes.fromhex(r[8])) for r in rows]
    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)", rows[:100])
    Path(marker).write_text("inside", encoding="utf-8")
    time.sleep(60)


def _append_forever(path: str) -> None:
    ledger = small_ledger(1)
    with EventStore.create(path) as store:
        store.save(ledger, expected_version=0)
        while True:
            version = ledger.version
            for i in range(500):
                ledger = ledger.record(IssueRaised("T0", f"{version}-{i}"), actor="x", at=START)
            store.save(ledger, expected_version=version)


def _wait_for(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the child process never got going"
        time.sleep(0.02)


def test_a_process_killed_mid_transaction_leaves_no_half_batch(tmp_path: Path) -> None:
    path = tmp_path / "killed.db"
    marker = tmp_path / "marker"
    with EventStore.create(path) as store:
        store.save(small_ledger(1), expected_version=0)
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=_die_mid_write, args=(str(path), str(marker)))
    child.start()
    try:
        _wait_for(marker.exists)
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.join(timeout=30)
    assert child.exitcode == -signal.SIGKILL
    with EventStore(path) as store:
        assert store.version == 3
        assert store.verify() == 3
        ledger = store.load(calendar=CAL)
        # The killed writer's lock is gone: the next append goes through.
        nxt = ledger.record(IssueRaised("T0", "after"), actor="y", at=START)
        assert store.save(nxt, expected_version=3) == 4


def test_a_process_killed_while_appending_batches_leaves_whole_batches(tmp_path: Path) -> None:
    path = tmp_path / "killed2.db"
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=_append_forever, args=(str(path),))
    child.start()
    try:

        def two_batches() -> bool:
            if not path.exists():
                return False
            try:
                with sqlite3.connect(path) as db:
                    return bool(db.execute("SELECT COUNT(*) FROM entries").fetchone()[0] > 1003)
            except sqlite3.OperationalError:
                return False

        _wait_for(two_batches)
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.join(timeout=30)
    with EventStore(path) as store:
        version = store.verify()
        assert version >= 1003
        assert (version - 3) % 500 == 0
        assert store.load(calendar=CAL).version == version


def test_loading_verifies_by_default_and_can_trust_the_file(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with EventStore.create(path) as store:
        store.save(small_ledger(), expected_version=0)
    _raw(path, "UPDATE entries SET reason = 'rewritten' WHERE seq = 2")
    with EventStore(path) as store:
        with pytest.raises(IntegrityError, match="seq=2"):
            store.load(calendar=CAL)
        trusted = store.load(calendar=CAL, verify=False)  # links intact, content not rechecked
        assert trusted.entries[1].reason == "rewritten"
        with pytest.raises(IntegrityError, match="seq=2"):
            trusted.verify()
        assert [e.seq for e in store.entries(since=7)] == [8, 9]


def _assert_loads_back(store: EventStore, ledger: Ledger) -> None:
    """``store``, which holds ``ledger``, loads it back, verified or trusted."""
    for verify in (True, False):
        loaded = store.load(calendar=CAL, verify=verify)
        assert loaded == ledger
        assert loaded.entries == ledger.entries
        assert loaded.states() == ledger.states()
        loaded.verify()


# -- the stored form of events --------------------------------------------------------------------


def test_events_are_stored_positionally_in_their_kinds_layout(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with EventStore.create(path) as store:
        store.save(small_ledger(2), expected_version=0)
    rows = dict(_raw(path, "SELECT seq, event FROM entries"))
    # Each kind by its code, numbered as the store first met them.
    assert rows[2] == '[1,"T0"]'
    assert rows[6] == '[2,"T1",10.0,null,"周报",[]]'
    assert json.loads(rows[1])[0] == 0
    layouts = dict(_raw(path, "SELECT key, value FROM meta WHERE key LIKE 'layout:%'"))
    assert layouts == {
        "layout:task_assigned": '["task"]',
        "layout:task_accepted": '["task_id"]',
        "layout:progress_reported": '["task_id","percent","quantity","note","attachments"]',
    }
    codes = dict(_raw(path, "SELECT key, value FROM meta WHERE key LIKE 'kind:%'"))
    assert codes == {
        "kind:task_assigned": "0",
        "kind:task_accepted": "1",
        "kind:progress_reported": "2",
    }


def _as_objects(path: Path) -> None:
    """Rewrite the events of the store at ``path`` as JSON objects with every value in place, and
    forget the layouts and shared values: a store as govops 0.1.0 wrote it."""
    db = sqlite3.connect(path, isolation_level=None)
    with EventStore(path) as store:
        objects = [(json.dumps(converter.unstructure(e.event)), e.seq) for e in store.entries()]
    db.executemany("UPDATE entries SET event = ? WHERE seq = ?", objects)
    db.execute("DELETE FROM meta WHERE key LIKE 'layout:%'")
    db.execute("DELETE FROM shared")
    db.close()


def test_events_stored_as_objects_are_read_and_appended_to(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    ledger = small_ledger(2)
    with EventStore.create(path) as store:
        store.save(ledger, expected_version=0)
    _as_objects(path)
    assert json.loads(_raw(path, "SELECT event FROM entries WHERE seq = 2")[0][0]) == {
        "type": "task_accepted",
        "task_id": "T0",
    }
    more = ledger.record(ProgressReported("T0", percent=50.0), actor="econ", at=START)
    more = more.record(IssueRaised("T1", "i1"), actor="econ", at=START)
    with EventStore(path) as store:
        _assert_loads_back(store, ledger)
        store.save(more, expected_version=ledger.version)  # now both forms, in one file
        _assert_loads_back(store, more)
        assert store.verify() == more.version
    assert _raw(path, "SELECT event FROM entries WHERE seq = 8")[0][0] == '[3,"T1","i1",""]'


def test_a_store_written_before_this_format_is_read_and_appended_to(tmp_path: Path) -> None:
    """golden/store_govops1.db: golden/ledger.json saved by govops as of 2ca367e, which wrote
    every event as a JSON object and marked the file govops/1, with no shared table."""
    path = tmp_path / "old.db"
    path.write_bytes((GOLDEN / "store_govops1.db").read_bytes())
    ledger = from_json((GOLDEN / "ledger.json").read_text(encoding="utf-8"), calendar=CAL)
    assert _raw(path, "SELECT value FROM meta WHERE key = 'schema'") == [("govops/1",)]
    with EventStore(path) as store:
        _assert_loads_back(store, ledger)
        assert store.verify() == ledger.version
        first = ledger.state(ledger.states()[0].task.id).task
        more = ledger.record(TaskAssigned(attrs.evolve(first, id="NEW")), actor="office",
                             at=ledger.entries[-1].at)  # fmt: skip
        store.save(more, expected_version=ledger.version)
        _assert_loads_back(store, more)
    assert _raw(path, "SELECT value FROM meta WHERE key = 'schema'") == [(STORE_SCHEMA,)]
    (text,) = _raw(path, "SELECT event FROM entries WHERE seq = ?", more.version)[0]
    assert type(json.loads(text)[1]["responsibility"]) is int  # the new row in the new form


def test_a_stored_layout_other_than_the_class_s_own_is_read_by_name(tmp_path: Path) -> None:
    """A store written by a version of govops whose progress reports had their fields in another
    order: its rows read by their layout, and new rows of that kind are stored as objects."""
    path = tmp_path / "ledger.db"
    ledger = small_ledger(2)
    with EventStore.create(path) as store:
        store.save(ledger, expected_version=0)
    order = ["note", "attachments", "task_id", "quantity", "percent"]
    db = sqlite3.connect(path, isolation_level=None)
    reports = "SELECT seq, event FROM entries WHERE event LIKE '[2,%'"  # the code of reports
    for seq, text in db.execute(reports):
        values = dict(
            zip(
                ["task_id", "percent", "quantity", "note", "attachments"],
                json.loads(text)[1:],
                strict=True,
            )
        )
        db.execute(
            "UPDATE entries SET event = ? WHERE seq = ?",
            (json.dumps(["progress_reported", *(values[name] for name in order)]), seq),
        )
    db.execute(
        "UPDATE meta SET value = ? WHERE key = 'layout:progress_reported'", (json.dumps(order),)
    )
    db.close()
    more = ledger.record(ProgressReported("T0", percent=40.0), actor="econ", at=START)
    with EventStore(path) as store:
        _assert_loads_back(store, ledger)
        store.save(more, expected_version=ledger.version)
        _assert_loads_back(store, more)
    stored = json.loads(_raw(path, "SELECT event FROM entries WHERE seq = 7")[0][0])
    assert stored == {"type": "progress_reported", "task_id": "T0", "percent": 40.0,
                      "quantity": None, "note": "", "attachments": []}  # fmt: skip


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("UPDATE entries SET event = '[\"progress_reported\",\"T0\",0.0]' WHERE seq = 3",
         r"seq=3 .*has 2 values where its stored layout .* names 5"),
        ("UPDATE entries SET event = '[\"no_such_kind\",\"T0\"]' WHERE seq = 3",
         r"seq=3 .*should be a kind of event with a layout stored"),
        ("UPDATE entries SET event = '[[1],\"T0\"]' WHERE seq = 3", r"seq=3 .*should be a kind of event"),
        ("UPDATE entries SET event = '[]' WHERE seq = 3", r"seq=3 .*should be a kind of event"),
        ("UPDATE entries SET event = '[99,\"T0\"]' WHERE seq = 3", r"seq=3 .*should be a kind of event"),
        ("UPDATE meta SET value = 'x' WHERE key = 'kind:task_accepted'", r"code of 'task_accepted' .*damaged"),
        ("DELETE FROM meta WHERE key = 'layout:task_accepted'",
         r"seq=2 .*should be a kind of event with a layout stored"),
        ("UPDATE meta SET value = '{}' WHERE key = 'layout:task_accepted'",
         r"layout of 'task_accepted' events is not a list of names"),
    ],
)  # fmt: skip
def test_a_positional_event_that_does_not_fit_is_refused_by_its_entry(
    tmp_path: Path, sql: str, message: str
) -> None:
    path = tmp_path / "ledger.db"
    with EventStore.create(path) as store:
        store.save(small_ledger(2), expected_version=0)
    _raw(path, sql)
    with EventStore(path) as store:
        for read in (lambda: store.load(calendar=CAL), lambda: list(store.entries())):
            with pytest.raises(IntegrityError, match=message):
                read()


def test_a_task_s_shared_values_are_stored_once_and_referred_to(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    ledger = small_ledger(3)  # three tasks, one responsibility, one deadline
    with EventStore.create(path) as store:
        store.save(ledger, expected_version=0)
    shared = _raw(path, "SELECT id, value FROM shared ORDER BY id")
    assert [json.loads(text) for _, text in shared] == [
        converter.unstructure(ledger.state("T0").task.responsibility),
        converter.unstructure(ledger.state("T0").task.deadline),
    ]
    for seq in (1, 4, 7):
        (text,) = _raw(path, "SELECT event FROM entries WHERE seq = ?", seq)[0]
        stored = json.loads(text)[1]
        assert (stored["responsibility"], stored["deadline"], stored["source"]) == (1, 2, None)
    more = ledger.record(TaskAssigned(task("T9")), actor="office", at=START)
    with EventStore(path) as store:  # a new connection finds them stored
        store.save(more, expected_version=ledger.version)
        _assert_loads_back(store, more)
    assert len(_raw(path, "SELECT id FROM shared")) == 2


def test_a_shared_value_missing_or_altered_is_found(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    ledger = small_ledger(2)
    with EventStore.create(path) as store:
        store.save(ledger, expected_version=0)
    altered = json.dumps(
        {**converter.unstructure(ledger.state("T0").task.deadline), "date": "2026-11-30"}
    )
    _raw(path, "UPDATE shared SET value = ? WHERE id = 2", altered)
    with EventStore(path) as store:
        with pytest.raises(IntegrityError, match=r"seq=1 .*altered"):
            store.load(calendar=CAL)
        trusted = store.load(calendar=CAL, verify=False)  # the stored hashes trusted, as ever
        assert trusted.state("T1").task.deadline.date == dt.date(2026, 11, 30)
    _raw(path, "DELETE FROM shared WHERE id = 1")
    with EventStore(path) as store:
        for read in (lambda: store.load(calendar=CAL, verify=False), lambda: list(store.entries())):
            with pytest.raises(
                IntegrityError, match=r"seq=1 .*shared value 1, which is not stored"
            ):
                read()


def test_a_refused_load_ends_its_read_and_the_store_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    ledger = small_ledger(2)
    with EventStore.create(path) as store:
        store.save(ledger, expected_version=0)
    _raw(path, 'UPDATE entries SET event = \'["task_accepted",""]\' WHERE seq = 5')
    with EventStore(path, calendar=CAL) as store:
        with pytest.raises(IntegrityError, match="seq=5") as refused:
            store.load()
        # The error, and the load's frames with it, are still held here; the read is over anyway:
        # an append can begin its write, and is refused because the stored ledger cannot load.
        assert refused.value is not None
        more = ledger.record(IssueRaised("T0", "i1"), actor="econ", at=START)
        with pytest.raises(IntegrityError, match="seq=5"):
            store.append(more.entries_since(ledger.version), expected_version=6)
        assert store.version == 6


# -- the fast reader used by entries() and load() -----------------------------------------------

GOLDEN = Path(__file__).parent / "golden"


def _normal(data: Any) -> Any:
    """What the govops converter makes of an event's JSON (the reference for the fast reader)."""
    return converter.structure(copy.deepcopy(data), Event)


def _fast(data: Any) -> Any:
    return _EventReader()(copy.deepcopy(data))


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("ledger*.json")), ids=lambda p: p.name)
def test_the_fast_reader_reads_golden_ledgers_as_the_converter_does(
    tmp_path: Path, path: Path
) -> None:
    text = path.read_text(encoding="utf-8")
    read = _EventReader()  # one reader for the whole file, as entries() uses it
    for item in json.loads(text)["data"]["entries"]:
        fast = read(copy.deepcopy(item["event"]))
        assert fast == _normal(item["event"])
        assert type(fast) is type(_normal(item["event"]))
    ledger = from_json(text, calendar=CAL)
    with EventStore.create(tmp_path / "golden.db") as store:
        store.save(ledger, expected_version=0)
        _assert_loads_back(store, ledger)


_MALFORMED_TASK = {
    "id": "T1",
    "title": "Task",
    "category": "key_task",
    "responsibility": {
        "lead_unit": {"id": "econ", "name": "经济发展办", "kind": "department"},
        "cooperating": [],
        "leader_in_charge": None,
        "responsible_person": None,
        "work_team": [],
    },
    "deadline": {
        "date": "2026-12-31",
        "rule": None,
        "trigger": None,
        "clock_stops_when_suspended": False,
    },
    "goal": "",
    "content": "",
    "source": None,
    "start": None,
    "plan": None,
    "parent": None,
    "target_quantity": None,
    "quantity_unit": None,
}


def _task_event(**changes: Any) -> dict[str, Any]:
    task = {**_MALFORMED_TASK, **changes}
    return {"type": "task_assigned", "task": {k: v for k, v in task.items() if v is not ...}}


_TASK_DOCUMENTS = [
    _task_event(),
    _task_event(start="2026-01-05", target_quantity=3, quantity_unit="km"),
    _task_event(target_quantity=3.5, parent="T0"),
    _task_event(start="20260105"),  # another ISO 8601 form: the converter's date parser decides
    _task_event(start="2026/01/05"),
    _task_event(start="2026-13-01"),
    _task_event(start=20260105),
    _task_event(title=5),
    _task_event(title=""),
    _task_event(title=...),  # missing
    _task_event(extra="field"),
    _task_event(category="no such category"),
    _task_event(responsibility={"lead_unit": {"id": "econ"}}),
    _task_event(deadline=None),
    _task_event(target_quantity="3"),
    _task_event(source={"kind": "document", "reference": "镇政发〔2026〕1号", "date": None}),
    {"type": "task_assigned", "task": None},
    {"type": "progress_reported", "task_id": "T1", "percent": 50},
    {"type": "progress_reported", "task_id": "T1", "percent": 150.0},
    {"type": "progress_reported", "task_id": "T1"},
    {"type": "progress_reported", "task_id": "", "percent": 5.0},
    {"type": "warning_issued", "task_id": "T1", "level": "purple"},
    {"type": "task_accepted", "task_id": "T1"},
    {"type": "nope", "task_id": "T1"},
    {"type": ["task_accepted"], "task_id": "T1"},
    {"task_id": "T1"},
    ["task_accepted"],
    None,
]


def _positional(data: Any) -> Any:
    """What a store's reader makes of the TaskAssigned ``data`` stored positionally, as
    ``["task_assigned", task]`` (which a replay decodes directly)."""
    reader = store_module._Reader(Path("test.db"), {"task_assigned": ("task",)}, {})
    (event,) = reader._decode([["task_assigned", copy.deepcopy(data["task"])]])
    return event


@pytest.mark.parametrize("data", _TASK_DOCUMENTS)
def test_the_fast_reader_accepts_and_refuses_what_the_converter_does(data: Any) -> None:
    readers = [_fast]
    if (
        isinstance(data, dict)
        and data.get("type") == "task_assigned"
        and list(data)
        == [
            "type",
            "task",
        ]
    ):
        readers.append(_positional)
    for read in readers:
        try:
            expected = _normal(data)
        except Exception:  # any refusal: the fast reader must refuse too
            with pytest.raises(Exception):  # noqa: B017, PT011 - whichever error the converter raised
                read(data)
            continue
        assert read(data) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 3), st.integers(0, 1000)), max_size=40
    ),
    chunk=st.sampled_from([1, 2, 7, 1024]),
)
def test_the_fast_reader_agrees_with_the_converter_on_any_ledger(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[int, int, int]], chunk: int
) -> None:
    ledger = _ledger_from(steps)
    for entry in ledger.entries:
        data = json.loads(json.dumps(converter.unstructure(entry.event)))
        assert _fast(data) == _normal(data) == entry.event
    with (
        pytest.MonkeyPatch.context() as patch,
        EventStore.create(tmp_path_factory.mktemp("h") / "h.db") as store,
    ):
        patch.setattr(store_sqlite, "CHUNK", chunk)  # a replay reads this many entries at a time
        store.save(ledger, expected_version=0)
        _assert_loads_back(store, ledger)


_UNITS = (Unit("econ", "经济发展办"), Unit("land", "国土所", kind="station"))
_RESPONSIBILITIES = (
    Responsibility(_UNITS[0]),
    Responsibility(_UNITS[1], leader_in_charge=Person("p-wang", "王", roles={"leader_in_charge"})),
    Responsibility(
        _UNITS[0],
        cooperating=[CooperatingUnit(_UNITS[1], part="用地")],
        work_team=[Person("p-li", "李", unit="econ")],
    ),
)


def _varied_task(task_id: str, n: int) -> Task:
    plan = None
    if n % 3 == 0:
        plan = Plan([Milestone("q2", dt.date(2026, 6, 30), cumulative_percent=n % 90 + 5)])
    return Task(
        task_id,
        f"任务 {task_id}",
        category=list(Category)[n % len(Category)],
        responsibility=_RESPONSIBILITIES[n % len(_RESPONSIBILITIES)],
        deadline=Deadline.on(dt.date(2026, 9, 30) + dt.timedelta(days=n % 60)),
        source=Source("document", f"文件{n % 2}", date=dt.date(2026, 1, 5)) if n % 2 else None,
        start=dt.date(2026, 1, 5) if n % 4 else None,
        plan=plan,
        target_quantity=[None, 100, 12.5][n % 3],
        quantity_unit="km" if n % 3 else None,
        goal="目标" * (n % 3),
    )


def _event(command: int, task_id: str, n: int) -> Event:
    if command == 0:
        return TaskAssigned(_varied_task(task_id, n))
    if command == 1:
        return TaskAccepted(task_id)
    if command == 2:
        return ProgressReported(
            task_id,
            percent=n % 101 if n % 2 else None,
            quantity=n / 7 if n % 3 == 0 or n % 2 == 0 else None,
            note="周报" * (n % 2),
            attachments=tuple(f"a{i}.pdf" for i in range(n % 3)),
        )
    if command == 3:
        return IssueRaised(task_id, f"i{n % 2}", description="协调" * (n % 2))
    if command == 4:
        return DeadlineChangeRequested(task_id, Deadline.on(dt.date(2026, 12, 31)))
    if command == 5:
        return DeadlineChangeApproved(task_id)
    if command == 6:
        return TaskReassigned(task_id, _RESPONSIBILITIES[n % len(_RESPONSIBILITIES)])
    return WarningIssued(task_id, ["blue", "yellow", "red"][n % 3])


def _ledger_from(steps: list[tuple[int, int, int]]) -> Ledger:
    """Whatever the steps make of a ledger of up to four tasks; refused events are skipped."""
    ledger = Ledger(calendar=CAL)
    for k, (command, which, n) in enumerate(steps):
        with contextlib.suppress(GovopsError):
            ledger = ledger.record(
                _event(command, f"T{which}", n),
                actor=["office", "econ"][n % 2],
                at=START + dt.timedelta(hours=k),
                reason="按计划" * (n % 2),
            )
    return ledger


def test_a_replay_applies_every_kind_of_report_as_recording_does(tmp_path: Path) -> None:
    # A replay takes a short cut for the usual report (a percentage, a task in progress, nothing
    # latched); a report by quantity, or on a task whose red light latched, goes the way
    # recording goes.
    ledger = Ledger(calendar=CAL)
    soon = attrs.evolve(task("T1"), deadline=Deadline.on(dt.date(2026, 3, 4)))
    measured = attrs.evolve(task("T2"), target_quantity=40.0, quantity_unit="km")
    for t in (soon, measured):
        ledger = ledger.record(TaskAssigned(t), actor="office", at=START)
        ledger = ledger.record(TaskAccepted(t.id), actor="econ", at=START)
    later = START + dt.timedelta(days=7)  # T1 is overdue: extending it latches its red light
    ledger = ledger.record(
        DeadlineChangeRequested("T1", Deadline.on(dt.date(2026, 3, 31))), actor="econ", at=later
    )
    ledger = ledger.record(DeadlineChangeApproved("T1"), actor="office", at=later)
    for k, event in enumerate(
        [
            ProgressReported("T1", percent=20.0),
            ProgressReported("T2", quantity=10.0),
            ProgressReported("T1", percent=30.0),
            ProgressReported("T2", percent=50.0),
        ]
    ):
        ledger = ledger.record(event, actor="econ", at=later + dt.timedelta(hours=k))
    assert len(ledger.state("T1").reports_since_latch) == 2
    assert ledger.state("T2").quantity == 10.0
    with EventStore.create(tmp_path / "l.db") as store:
        store.save(ledger, expected_version=0)
        _assert_loads_back(store, ledger)


def test_loaded_tasks_share_equal_responsibilities_and_deadlines(tmp_path: Path) -> None:
    ledger = Ledger(calendar=CAL)
    for i in range(4):
        ledger = ledger.record(TaskAssigned(task(f"T{i}")), actor="office", at=START)
    with EventStore.create(tmp_path / "l.db") as store:
        store.save(ledger, expected_version=0)
        loaded = store.load(calendar=CAL, verify=False)
    tasks = [s.task for s in loaded.states()]
    assert tasks == [s.task for s in ledger.states()]
    assert all(t.responsibility is tasks[0].responsibility for t in tasks)
    assert all(t.deadline is tasks[0].deadline for t in tasks)
    entries = loaded.entries
    assert all(a.hash is b.prev_hash for a, b in itertools.pairwise(entries))


@pytest.mark.parametrize("enabled", [True, False])
def test_loading_leaves_the_garbage_collector_alone(tmp_path: Path, enabled: bool) -> None:
    with EventStore.create(tmp_path / "l.db") as store:
        store.save(small_ledger(), expected_version=0)
        was = garbage.isenabled()
        try:
            if not enabled:
                garbage.disable()
            store.load(calendar=CAL)
            assert garbage.isenabled() is enabled
            with pytest.raises(InvalidInputError, match="calendar"):
                store.load()
            assert garbage.isenabled() is enabled
        finally:
            if was:
                garbage.enable()


# -- entries built slot by slot ----------------------------------------------------------------


def test_entries_built_slot_by_slot_are_the_entries_init_would_build(tmp_path: Path) -> None:
    assert init_lines(Entry, {}) is not None  # the slot-by-slot path is the one taken
    ledger = small_ledger()
    with EventStore.create(tmp_path / "l.db") as store:
        store.save(ledger, expected_version=0)
        read = list(store.entries())
        assert store.load(calendar=CAL, verify=False) == ledger
    made = [
        Entry(e.seq, e.event, at=e.at, actor=e.actor, reason=e.reason, prev_hash=e.prev_hash,
              hash=e.hash)
        for e in read
    ]  # fmt: skip
    assert read == made == list(ledger.entries)
    for built, init in zip(read, made, strict=True):
        assert type(built) is Entry
        assert attrs.asdict(built, recurse=False) == attrs.asdict(init, recurse=False)
        assert hash(built) == hash(init)
        assert repr(built) == repr(init)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            built.seq = 0  # type: ignore[misc]


# -- events built slot by slot -----------------------------------------------------------------

_JSON_VALUES = (
    None,
    True,
    False,
    0,
    1,
    -1,
    50,
    150,
    0.0,
    -0.0,
    12.5,
    100.0,
    100.5,
    -3.0,
    float("nan"),
    float("inf"),
    "",
    " ",
    "\u3000",  # an ideographic space: blank to str.strip()
    " T1",
    "T1",
    "周报",
    "blue",
    "purple",
    [],
    ["a.pdf"],
    [1],
    {"a": 1},
)


def _outcome(build: Any) -> tuple[Any, ...]:
    try:
        event = build()
    except Exception as exc:  # the outcome compared is whichever error it was
        return ("refused", type(exc), str(exc))
    return ("built", type(event), repr(event), attrs.astuple(event, recurse=False))


def _builders() -> list[tuple[str, type[Event]]]:
    found = []
    for kind, cls in sorted(store_module.EVENTS.items()):
        if store_module._is_plain(cls) and store_module._slot_builder(cls) is not None:
            found.append((kind, cls))
    return found


def test_every_plain_event_kind_has_a_slot_builder() -> None:
    kinds = {kind for kind, _ in _builders()}
    plain = {k for k, c in store_module.EVENTS.items() if store_module._is_plain(c)}
    assert kinds == plain
    assert {"progress_reported", "task_accepted", "issue_raised", "warning_issued"} <= kinds


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_slot_builders_build_and_refuse_exactly_what_init_does(data: st.DataObject) -> None:
    kind, cls = data.draw(st.sampled_from(_builders()))
    keys, build = store_module._slot_builder(cls)  # type: ignore[misc]
    names = [a.name for a in attrs.fields(cls)]
    assert keys == ("type", *names)
    values = {name: data.draw(st.sampled_from(_JSON_VALUES), label=name) for name in names}
    document = {"type": kind, **copy.deepcopy(values)}
    shared: dict[str, str] = {}
    built = _outcome(lambda: build(document.values(), shared.setdefault))
    made = _outcome(lambda: cls(**copy.deepcopy(values)))
    assert built == made
    positional = [kind, *copy.deepcopy(values).values()]  # as a store keeps it
    assert _outcome(lambda: build(positional, shared.setdefault)) == made


def _inlined() -> list[tuple[str, Any, str, str]]:
    """(where, function, when, value) for every converter and validator of an event field that
    says when it is trivial (see govops._record.inline)."""
    found = []
    for cls in store_module.EVENTS.values():
        for a in attrs.fields(cls):
            for role, function in (("converter", a.converter), ("validator", a.validator)):
                mark = getattr(function, INLINE, None)
                if mark is not None:
                    found.append((f"{cls.__name__}.{a.name} {role}", function, *mark))
    return found


def test_what_a_replay_inlines_holds_of_the_functions() -> None:
    marked = _inlined()
    assert {where for where, *_ in marked} >= {
        "ProgressReported.task_id validator",
        "ProgressReported.percent converter",
        "ProgressReported.percent validator",
        "ProgressReported.quantity validator",
        "ProgressReported.attachments converter",
    }
    values = [*_JSON_VALUES, 1e308, -1e-300, 101.0, "\t", "x ", ("a",), True]
    for where, function, when, value in marked:
        held = 0
        for v in values:
            if not eval(when.format(v="v")):  # the code generated for the builders does this
                continue
            held += 1
            if where.endswith("converter"):
                expected = eval(value.format(v="v"))
                converted = function(copy.deepcopy(v))
                assert (type(converted), converted) == (type(expected), expected), (where, v)
            else:
                function(None, attrs.fields(ProgressReported).percent, v)  # passes: no error
        assert held, where  # the condition holds of something


def test_slot_builders_share_task_ids_and_are_used_by_the_reader() -> None:
    read = _EventReader()
    first = read({"type": "progress_reported", "task_id": "T1", "percent": 5.0, "quantity": None,
                  "note": "", "attachments": []})  # fmt: skip
    second = read({"type": "task_accepted", "task_id": "".join(["T", "1"])})
    assert first.task_id is second.task_id
    assert {"progress_reported", "task_accepted"} <= set(read.builders)


def test_with_validators_disabled_the_reader_builds_as_init_does() -> None:
    data = {"type": "progress_reported", "task_id": "T1", "percent": 150.0, "quantity": None,
            "note": "", "attachments": []}  # fmt: skip
    with pytest.raises(InvalidInputError):
        _fast(data)
    with attrs.validators.disabled():
        read = _EventReader()
        event = read(copy.deepcopy(data))
        assert "progress_reported" not in read.builders
    assert isinstance(event, ProgressReported)
    assert event.percent == 150.0


def test_classes_a_slot_builder_cannot_copy_are_built_by_init() -> None:
    @attrs.define
    class Mutable:  # (a subclass of Event would inherit its frozen __setattr__)
        task_id: str
        note: str = ""

    @attrs.frozen
    class PreInit(Event):
        note: str = ""

        def __attrs_pre_init__(self) -> None:
            pass

    @attrs.frozen(slots=False)
    class NotSlotted(Event):
        note: str = ""

    @attrs.frozen(cache_hash=True)
    class CachedHash(Event):
        note: str = ""

    @attrs.frozen
    class Aliased(Event):
        _note: str = ""

    for cls in (Mutable, PreInit, NotSlotted, CachedHash, Aliased):
        assert store_module._slot_builder(cls) is None, cls
    assert store_module._slot_builder(ProgressReported) is not None


@pytest.mark.parametrize("data", _TASK_DOCUMENTS)
def test_with_validators_disabled_the_fast_reader_still_reads_as_the_converter_does(
    data: Any,
) -> None:
    with attrs.validators.disabled():
        test_the_fast_reader_accepts_and_refuses_what_the_converter_does(data)


# -- the ledger's columns: entries rebuilt from what the log keeps -----------------------------
#
# A ledger keeps its events, a (time, actor, reason) stamp per entry and the hashes as bytes, and
# builds Entry values when they are read; loading from a store goes the same way. These tests hold
# what is read back to what was recorded, independently of how it is kept.


def _check_chain(entries: tuple[Entry, ...]) -> None:
    prev = GENESIS_HASH
    for i, entry in enumerate(entries, start=1):
        assert type(entry) is Entry
        assert entry.seq == i
        assert entry.prev_hash == prev
        assert rehash(entry) == entry.hash
        prev = entry.hash


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 3), st.integers(0, 1000)), max_size=30
    ),
    cut=st.integers(0, 30),
)
def test_entries_read_back_are_the_entries_recorded(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[int, int, int]], cut: int
) -> None:
    recorded: list[Entry] = []
    ledger = Ledger(calendar=CAL)
    for k, (command, which, n) in enumerate(steps):
        with contextlib.suppress(GovopsError):
            at = START + dt.timedelta(hours=k // 2)
            ledger = ledger.record(
                _event(command, f"T{which}", n), actor=["office", "econ"][n % 2], at=at,
                reason="按计划" * (n % 2),
            )  # fmt: skip
            recorded.append(ledger.entries[-1])
    entries = ledger.entries
    assert entries == tuple(recorded)
    _check_chain(entries)
    assert ledger.head_hash == (entries[-1].hash if entries else GENESIS_HASH)
    cut = min(cut, len(entries))
    assert ledger.entries_since(cut) == entries[cut:]
    older = ledger.as_of(entries[cut - 1].at) if cut else ledger
    assert older.entries == entries[: len(older)]
    with EventStore.create(tmp_path_factory.mktemp("c") / "c.db") as store:
        store.save(ledger, expected_version=0)
        assert tuple(store.entries()) == entries
        loaded = store.load(calendar=CAL, verify=False)
    assert loaded == ledger
    assert loaded.entries == entries
    for task_id in loaded.task_ids:
        assert loaded.history(task_id) == ledger.history(task_id)
        for entry in loaded.history(task_id):
            assert loaded.state(task_id, at=entry.at) == ledger.state(task_id, at=entry.at)
    # A branch from an older version copies the prefix it sees and leaves the ledger as it was.
    if cut < len(entries):
        view = loaded.as_of(entries[cut].at - dt.timedelta(microseconds=1))
        branch = view.record(TaskAssigned(task("T-new")), actor="office", at=entries[-1].at)
        assert branch.entries[:-1] == entries[: len(view)]
        _check_chain(branch.entries)
        assert loaded.entries == entries
        assert (
            loaded.record(TaskAssigned(task("T-new")), actor="o", at=entries[-1].at).entries[:-1]
            == entries
        )


def test_hashes_that_are_not_lowercase_hex_read_back_as_they_were() -> None:
    """``from_entries(verify=False)`` trusts the hashes, whatever they look like."""
    ledger = small_ledger(2)
    # (two of 63 and 65 digits would join into two hashes' worth of hexadecimal)
    odd = ["ABC", "0" * 63 + "g", "AB" * 32, "ab " * 21 + "a", "", "é" * 64, "a" * 63, "b" * 65]
    entries = list(ledger.entries)
    rebuilt: list[Entry] = []
    prev = GENESIS_HASH
    for i, entry in enumerate(entries):
        digest = odd[i] if i < len(odd) else entry.hash
        rebuilt.append(attrs.evolve(entry, prev_hash=prev, hash=digest))
        prev = digest
    trusted = Ledger.from_entries(rebuilt, calendar=CAL, verify=False)
    assert trusted.entries == tuple(rebuilt)
    assert [e.hash for e in trusted.entries] == [e.hash for e in rebuilt]
    assert trusted.head_hash == rebuilt[-1].hash
    assert trusted.entries_since(3) == tuple(rebuilt[3:])
    assert trusted == Ledger.from_entries(rebuilt, calendar=CAL, verify=False)
    assert trusted != ledger
    with pytest.raises(IntegrityError, match="seq=1"):
        trusted.verify()
    # The chain goes on from an odd hash like any other.
    shorter = Ledger.from_entries(rebuilt[:2], calendar=CAL, verify=False)
    more = shorter.record(IssueRaised("T0", "i1"), actor="econ", at=START)
    assert more.entries[2].prev_hash == "0" * 63 + "g"
    assert more.entries[:2] == tuple(rebuilt[:2])


def test_ledgers_differing_in_one_field_of_one_entry_are_not_equal() -> None:
    ledger = small_ledger(2)
    entries = ledger.entries
    same = Ledger.from_entries(entries, calendar=CAL)
    assert same == ledger
    assert hash(same) == hash(ledger)
    for change in ({"reason": "改"}, {"actor": "other"}, {"at": START + dt.timedelta(0)}):
        edited = [*entries[:3], attrs.evolve(entries[3], **change), *entries[4:]]
        other = Ledger.from_entries(edited, calendar=CAL, verify=False)
        assert (other == ledger) is (edited[3] == entries[3])
    other_policy = Ledger.from_entries(
        entries, calendar=CAL, policy=LedgerPolicy(confirmation_requires_leader=False)
    )
    assert other_policy != ledger


def test_loaded_times_keep_their_offsets_and_share_one_zone(tmp_path: Path) -> None:
    utc = dt.timezone.utc
    ledger = Ledger(calendar=CAL)
    offsets = [None, 0, 8 * 60, 330, 8 * 60, -180, 330, 330]  # minutes; None: the calendar's zone
    times = [
        START + dt.timedelta(microseconds=i)
        if minutes is None
        else (START + dt.timedelta(microseconds=i)).astimezone(
            dt.timezone(dt.timedelta(minutes=minutes))
        )
        for i, minutes in enumerate(offsets)
    ]
    for i, at in enumerate(times):
        ledger = ledger.record(TaskAssigned(task(f"T{i}")), actor="office", at=at)
    with EventStore.create(tmp_path / "l.db") as store:
        store.save(ledger, expected_version=0)
        loaded = store.load(calendar=CAL)
    assert [repr(e.at) for e in loaded.entries] == [
        repr(dt.datetime.fromisoformat(at.isoformat())) for at in times
    ]
    zones = [e.at.tzinfo for e in loaded.entries]
    assert zones[1] is utc
    for i, zone in enumerate(zones):  # one object per offset
        assert [j for j, other in enumerate(zones) if other is zone] == [
            j for j, other in enumerate(zones) if other == zone
        ], i


def test_a_ledger_pickles_as_its_entries() -> None:
    import pickle

    ledger = small_ledger(2)
    again = pickle.loads(pickle.dumps(ledger))
    assert again == ledger
    assert again.entries == ledger.entries
    assert again.states() == ledger.states()


@pytest.mark.parametrize("digest", ["ABC", "F" * 64, "é" * 64, "a" * 63])
def test_a_loaded_last_hash_of_any_form_reads_back_as_stored(tmp_path: Path, digest: str) -> None:
    path = tmp_path / "l.db"
    ledger = small_ledger(1)
    with EventStore.create(path) as store:
        store.save(ledger, expected_version=0)
    as_store_3(path)  # a file whose hashes are text, of any form
    _raw(path, "UPDATE entries SET hash = ? WHERE seq = 3", digest)
    with pytest.raises(IntegrityError, match="not the one its head names"):
        EventStore(path)
    # Its head rewritten to match, the store opens; only a verified load finds the hash wrong.
    _raw(path, "UPDATE meta SET value = json_set(value, '$.hash', ?) WHERE key = 'head'", digest)
    with EventStore(path) as store:
        trusted = store.load(calendar=CAL, verify=False)  # the last hash links to nothing
        with pytest.raises(IntegrityError, match="seq=3"):
            store.load(calendar=CAL)
    assert trusted.head_hash == digest
    assert [e.hash for e in trusted.entries] == [*(e.hash for e in ledger.entries[:2]), digest]
    assert trusted.entries[:2] == ledger.entries[:2]
    assert trusted != ledger
    more = trusted.record(IssueRaised("T0", "i1"), actor="econ", at=START)
    assert more.entries[3].prev_hash == digest
    assert more.entries[:3] == trusted.entries


class _Float(float):
    """A float subclass: it must take the general path of the progress checks."""


@pytest.mark.parametrize(
    "value", [*_JSON_VALUES, -0.0, 0.0, 100.0, 1e-300, float("-inf"), _Float(5.0), _Float(150.0)]
)
def test_the_progress_checks_fast_paths_decide_as_percent_does(value: Any) -> None:
    from govops.tasks import _events
    from govops.tasks._model import percent

    field = attrs.fields(ProgressReported).percent
    expected: Any
    try:
        if value is not None:
            percent(value, name="percent")
        expected = None
    except Exception as exc:  # the refusal compared is whichever error percent() raised
        expected = (type(exc), str(exc))
    try:
        _events._optional_percent(None, field, value)
        found: Any = None
    except Exception as exc:  # as above
        found = (type(exc), str(exc))
    assert found == expected
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    converted = _events._optional_float(value)
    reference = float(value) if number else value
    assert type(converted) is type(reference)
    assert converted is reference or converted == reference or converted != converted


def test_the_shared_value_memo_tells_apart_json_values_python_finds_equal() -> None:
    # The memo that shares a task's responsibility, deadline, source and plan between tasks is
    # keyed by the parsed JSON: values Python finds equal but JSON tells apart (1, 1.0 and true;
    # 0.0 and -0.0) are decoded each on its own, and an equal document gets the value decoded
    # first.
    decoded: list[Any] = []

    def hook(data: Any, _cls: Any) -> object:
        decoded.append(data)
        return object()

    structure = store_module._shared_hook(hook)
    documents = [
        {"a": 1, "b": [None, "x"]},
        {"a": 1.0, "b": [None, "x"]},
        {"a": True, "b": [None, "x"]},
        {"a": 0.0, "b": [None, "x"]},
        {"a": -0.0, "b": [None, "x"]},
        {"a": "1", "b": [None, "x"]},
        {"a": 1, "b": [None, "x "]},
        {"a": 1, "b": (None, "x")},  # not parsed JSON: kept apart all the same
    ]
    values = [structure(d, object) for d in documents]
    assert len({id(v) for v in values}) == len(documents)
    assert decoded == documents
    again = [structure(json.loads(json.dumps(d)), object) for d in documents[:7]]
    assert all(a is b for a, b in zip(again, values, strict=False))
    assert len(decoded) == len(documents)
    odd = {"a": {1, 2}}  # marshal writes sets too; a value it cannot write is decoded each time
    assert structure(odd, object) is structure(odd, object)
    thing = object()
    assert structure({"a": thing}, object) is not structure({"a": thing}, object)
    # The very same object again (a value a store keeps once, referred to by many tasks) is not
    # even looked at, until the read ends.
    unwritable = {"a": thing}
    first = structure(unwritable, object)
    assert structure(unwritable, object) is first
    store_module._forget_seen()
    assert structure(unwritable, object) is not first


# -- replay a chunk at a time -------------------------------------------------------------------


def _varied_ledger() -> Ledger:
    """Twelve entries whose actors, reasons and times try the chunk reader's joins: commas,
    quotes, backslashes, control characters and CJK in the text columns, two offsets, runs of
    equal times and a time on its own."""
    ledger = small_ledger(2)
    utc = dt.timezone.utc
    odd_text = ["a,b", 'say "hi"', "back\\slash", "tab\tnew\nline", "经信局, 李四", ""]
    for k, text in enumerate(odd_text[:4]):
        ledger = ledger.record(
            IssueRaised("T0", f"i{k}", description=text),
            actor=text or "x",
            at=dt.datetime(2026, 3, 2, 2 + k, tzinfo=utc),
        )
    ledger = ledger.record(
        IssueResolved("T0", "i0"), actor=odd_text[4], at=START + dt.timedelta(hours=5)
    )
    return ledger.record(
        ProgressReported("T1", percent=55.5),
        actor="econ",
        at=START + dt.timedelta(hours=5),
        reason=odd_text[1],
    )


@pytest.mark.parametrize("chunk", [1, 3, 4, 1024])
def test_a_replay_in_chunks_gives_the_ledger_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    ledger = _varied_ledger()
    monkeypatch.setattr(store_sqlite, "CHUNK", chunk)
    with EventStore.create(tmp_path / "l.db") as store:
        store.save(ledger, expected_version=0)
        _assert_loads_back(store, ledger)
        assert list(store.entries()) == list(ledger.entries)
        # Read again row by row, as a chunk that does not check out is: the same ledger.
        monkeypatch.setattr(store_module._Reader, "columns", lambda *_: None)
        assert store.load(calendar=CAL, verify=False) == ledger


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM entries WHERE seq = 4", "seq=4 is missing"),  # a chunk's first row
        ("DELETE FROM entries WHERE seq = 6", "seq=6 is missing"),  # a chunk's last row
        ("DELETE FROM entries WHERE seq IN (4, 5, 6)", "seq=4 is missing"),  # a whole chunk
        ("UPDATE entries SET prev_hash = hash WHERE seq = 7", "seq=7 has prev_hash"),
        ("UPDATE entries SET seq = seq + 100 WHERE seq = 12", "seq=12 is missing"),
        ("UPDATE entries SET event = '{}' WHERE seq = 8", "seq=8 .*cannot be read"),
        ("UPDATE entries SET event = '1,2' WHERE seq = 8", "seq=8 .*cannot be read"),
        ("UPDATE entries SET at = 'soon' WHERE seq = 5", "seq=5 .*cannot be read"),
        ("UPDATE entries SET at = '2026-03-02T09:00:00' WHERE seq = 1", "seq=1 .*no UTC offset"),
        ("UPDATE entries SET at = '2026-03-02T08:00:00+08:00,' WHERE seq = 9", "seq=9"),
        ("UPDATE entries SET actor = CAST('x' AS BLOB) WHERE seq = 9", "seq=9"),
        ("UPDATE entries SET at = '2026-01-01T00:00:00+08:00' WHERE seq = 10", "seq=10 is dated"),
        # A chunk ending in an odd hash with a space, and the next chunk's links split around it
        # so that they join into the same text: the links are checked one by one.
        (
            "UPDATE entries SET hash = 'x y' WHERE seq = 3;"
            "UPDATE entries SET prev_hash = 'x' WHERE seq = 4;"
            "UPDATE entries SET prev_hash = 'y ' || (SELECT hash FROM entries WHERE seq = 4)"
            " WHERE seq = 5;",
            "seq=4 has prev_hash",
        ),
    ],
)
def test_a_chunk_that_does_not_check_out_is_refused_naming_the_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sql: str, message: str
) -> None:
    monkeypatch.setattr(store_sqlite, "CHUNK", 3)
    path = tmp_path / "l.db"
    with EventStore.create(path) as store:
        store.save(_varied_ledger(), expected_version=0)
    if "prev_hash" in sql:
        as_store_3(path)  # a file that stores each prev_hash
    with contextlib.closing(sqlite3.connect(path)) as raw:
        raw.executescript(sql)  # some are several statements
    with pytest.raises(IntegrityError, match=message), EventStore(path) as store:
        store.load(calendar=CAL, verify=False)


@pytest.mark.parametrize("seq", [6, 8])  # inside a chunk of 4, and at its end
@pytest.mark.parametrize(
    "digest", ["F" * 64, "a" * 63, "é" * 64, "0" * 65, "ab " * 21 + "a", " " + "a" * 63, "x y"]
)
def test_an_odd_hash_inside_a_chunk_reads_back_as_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, digest: str, seq: int
) -> None:
    monkeypatch.setattr(store_sqlite, "CHUNK", 4)
    path = tmp_path / "l.db"
    ledger = _varied_ledger()
    with EventStore.create(path) as store:
        store.save(ledger, expected_version=0)
    as_store_3(path)  # a file whose hashes are text, of any form
    _raw(path, "UPDATE entries SET hash = ? WHERE seq = ?", digest, seq)
    _raw(path, "UPDATE entries SET prev_hash = ? WHERE seq = ?", digest, seq + 1)
    with EventStore(path) as store:
        trusted = store.load(calendar=CAL, verify=False)  # the links hold, the hash is odd
        with pytest.raises(IntegrityError, match=f"seq={seq}"):
            store.load(calendar=CAL)
    expected = [e.hash for e in ledger.entries]
    expected[seq - 1] = digest
    assert [e.hash for e in trusted.entries] == expected
    assert trusted.entries[seq].prev_hash == digest
    assert trusted.states() == ledger.states()


def test_recorded_ledgers_tell_apart_and_branch_with_their_actors_and_reasons() -> None:
    """A recorded ledger keeps actors by position in a table of distinct actors and reasons only
    where given: equality, reading back and branching from an older version see them all."""
    older = _varied_ledger()
    newer = older.record(IssueRaised("T1", "x"), actor="新人", at=START + dt.timedelta(hours=6))
    for k, entry in enumerate(older.entries):
        for change in ({"reason": entry.reason + "改"}, {"actor": entry.actor + "2"}):
            edited = [*older.entries[:k], attrs.evolve(entry, **change)]
            twin = Ledger(calendar=CAL).record_many(
                (e.event, e.actor, e.at, e.reason) for e in edited
            )
            same = Ledger(calendar=CAL).record_many(
                (e.event, e.actor, e.at, e.reason) for e in older.entries[: k + 1]
            )
            assert twin != same
            assert [e.actor for e in twin.entries] == [e.actor for e in edited]
            assert [e.reason for e in twin.entries] == [e.reason for e in edited]
    # The older ledger records on a branch of its own: the newer one's actor is not in it.
    branch = older.record(
        IssueRaised("T1", "y"), actor="econ", at=START + dt.timedelta(hours=6), reason="另案"
    )
    assert branch.entries[:-1] == older.entries
    assert (branch.entries[-1].actor, branch.entries[-1].reason) == ("econ", "另案")
    assert newer.entries[-1].actor == "新人"
    assert newer.entries[:-1] == older.entries
