"""The SQLite event store, against real database files and real processes."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import sqlite3
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import govops.calendars as gc
from govops.exceptions import ConcurrencyError, IntegrityError, InvalidInputError, LedgerError
from govops.store import EventStore
from govops.tasks import (
    Category,
    Deadline,
    IssueRaised,
    Ledger,
    LedgerPolicy,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    Unit,
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


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    ledger = small_ledger()
    path = tmp_path / "ledger.db"
    with EventStore(path) as store:
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
    with EventStore(tmp_path / "l.db") as store:
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
    with EventStore(tmp_path / "l.db") as store:
        store.save(small_ledger(1), expected_version=0)
        other = small_ledger(2)  # a different history of the same length prefix
        with pytest.raises(IntegrityError, match="does not continue"):
            store.append(other.entries_since(4), expected_version=3)
        gap = small_ledger(2).entries
        with pytest.raises(IntegrityError, match="does not follow"):
            store.append([gap[3], gap[5]], expected_version=3)
        assert store.version == 3


def test_the_policy_is_stored_and_must_not_change(tmp_path: Path) -> None:
    policy = LedgerPolicy(confirmation_requires_leader=False)
    ledger = Ledger(calendar=CAL, policy=policy).record(
        TaskAssigned(task("T")), actor="o", at=START
    )
    with EventStore(tmp_path / "l.db") as store:
        store.save(ledger, expected_version=0)
        assert store.load(calendar=CAL).policy == policy
        with pytest.raises(InvalidInputError, match="keeps one policy"):
            store.save(small_ledger(1), expected_version=1)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE entries SET event = replace(event, '\"percent\":20.0', '\"percent\":90.0')",
        "UPDATE entries SET actor = 'mallory' WHERE seq = 2",
        "DELETE FROM entries WHERE seq = 4",
        'UPDATE entries SET event = \'{"type": "nope"}\' WHERE seq = 5',
    ],
)
def test_tampering_with_the_file_is_detected(tmp_path: Path, sql: str) -> None:
    path = tmp_path / "l.db"
    with EventStore(path) as store:
        store.save(small_ledger(), expected_version=0)
    raw = sqlite3.connect(path)
    raw.execute(sql)
    raw.commit()
    raw.close()
    with EventStore(path) as store:
        with pytest.raises(IntegrityError):
            store.verify()
        with pytest.raises(LedgerError):
            store.load(calendar=CAL, verify=True)


def test_a_file_of_another_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    EventStore(path).close()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE meta SET value = 'govops/0' WHERE key = 'schema'")
    raw.commit()
    raw.close()
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
    with EventStore(path) as store:
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
    with EventStore(path) as store:
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
    rows = [EventStore._row(e) for e in ledger.entries_since(3)]
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows[:100])
    Path(marker).write_text("inside", encoding="utf-8")
    time.sleep(60)


def _append_forever(path: str) -> None:
    ledger = small_ledger(1)
    with EventStore(path) as store:
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
    with EventStore(path) as store:
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
    with EventStore(path) as store:
        store.save(small_ledger(), expected_version=0)
    raw = sqlite3.connect(path)
    raw.execute("UPDATE entries SET reason = 'rewritten' WHERE seq = 2")
    raw.commit()
    raw.close()
    with EventStore(path) as store:
        with pytest.raises(IntegrityError, match="seq=2"):
            store.load(calendar=CAL)
        trusted = store.load(calendar=CAL, verify=False)  # links intact, content not rechecked
        assert trusted.entries[1].reason == "rewritten"
        with pytest.raises(IntegrityError, match="seq=2"):
            trusted.verify()
        assert [e.seq for e in store.entries(since=7)] == [8, 9]
