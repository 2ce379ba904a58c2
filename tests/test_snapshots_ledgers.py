"""Snapshots in a file of many ledgers: each ledger's own, the policy a PolicyChanged entry put in
force restored with them, and a file of the previous version read as it is until its rewrite."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from govops.exceptions import IntegrityError, PolicyViolationError
from govops.serialization import from_json
from govops.store import STORE_SCHEMA, LoadReport, SQLiteStore
from govops.tasks import (
    ChangeSignedOff,
    Deadline,
    DeadlineChangeRequested,
    Ledger,
    LedgerPolicy,
    ListChangeRules,
    Person,
    PolicyChanged,
    ProgressReported,
    Responsibility,
    Task,
    TaskAssigned,
    TaskCancelled,
    Unit,
)
from test_snapshots import (
    CAL,
    CST,
    GOLDEN,
    POLICY,
    T0,
    _body,
    _rewrite_body,
    _rows,
    _same,
    rich_ledger,
)

LATER = T0 + dt.timedelta(days=40)
LOOSE = LedgerPolicy(deadline_change_requires_approval=False)


def _with_policy_changed() -> Ledger:
    """The rich ledger, then its policy changed: deadline changes need no approval any more."""
    return rich_ledger().record(PolicyChanged(LOOSE), actor="office", at=LATER)


def test_a_snapshot_after_a_policy_change_restores_the_policy_in_force(tmp_path: Path) -> None:
    ledger = _with_policy_changed()
    changed_at = ledger.version
    path = tmp_path / "l.db"
    with SQLiteStore.create(path, calendar=CAL, policy=POLICY, snapshot_every=None) as store:
        store.save(ledger, expected_version=0)
        assert store.snapshot() == changed_at
        # After the snapshot, under the new policy: the change is in force at once.
        new_deadline = Deadline.on(dt.date(2026, 9, 30))
        more = ledger.record(
            DeadlineChangeRequested("T1", new_deadline), actor="econ", at=LATER
        ).record(ProgressReported("T1", percent=50.0), actor="econ", at=LATER)
        store.save(more, expected_version=ledger.version)
    with SQLiteStore(path, calendar=CAL) as store:
        loaded = store.load()
        assert store.last_load == LoadReport(more.version, snapshot=changed_at, replayed=2)
        full = store.load(from_snapshot=False)
        assert store.verify() == more.version
    assert loaded.state("T1").task.deadline == new_deadline  # applied without an approval
    assert loaded.policy == LOOSE and loaded.policy_at(changed_at - 1) == POLICY
    assert loaded.policy_at(0) == POLICY and loaded.policy_at(changed_at) == LOOSE
    assert loaded == more == full
    _same(loaded, more)
    # A ledger loaded from the snapshot goes on under the policy in force, as the full one does.
    again = Deadline.on(dt.date(2026, 10, 30))
    step: dict[str, Any] = {"actor": "econ", "at": LATER + dt.timedelta(days=1)}
    assert (
        loaded.record(DeadlineChangeRequested("T2", again), **step).states()
        == full.record(DeadlineChangeRequested("T2", again), **step).states()
    )


def test_a_snapshot_that_lost_its_policy_changes_is_refused_by_verify(tmp_path: Path) -> None:
    ledger = _with_policy_changed()
    path = tmp_path / "l.db"
    with SQLiteStore.create(path, calendar=CAL, policy=POLICY, snapshot_every=None) as store:
        store.save(ledger, expected_version=0)
        store.snapshot()
    ((seq, policy),) = _body(path)["policies"]
    assert seq == ledger.version and policy["deadline_change_requires_approval"] is False

    def forget(data: dict[str, Any], packed: bytearray) -> dict[str, Any]:
        del data["policies"]
        return data

    _rewrite_body(path, forget)
    with (
        SQLiteStore(path, calendar=CAL) as store,
        pytest.raises(IntegrityError, match="does not hold the projection its entries build"),
    ):
        store.verify()


def test_a_snapshot_is_of_one_ledger_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    a = rich_ledger()
    b = _with_policy_changed()
    with SQLiteStore.create(path, "a", calendar=CAL, policy=POLICY, snapshot_every=None) as store:
        store.save(a, expected_version=0)
        store.snapshot()
    with SQLiteStore.create(path, "b", calendar=CAL, policy=POLICY, snapshot_every=None) as store:
        store.save(b, expected_version=0)
        store.load()
        assert store.last_load == LoadReport(b.version, snapshot=None, replayed=b.version)
    ids = dict(_rows(path, "SELECT name, id FROM ledgers"))
    assert _rows(path, "SELECT ledger, version FROM snapshots") == [(ids["a"], a.version)]
    with SQLiteStore(path, "a", calendar=CAL) as store:
        assert store.load() == a
        assert store.last_load == LoadReport(a.version, snapshot=a.version, replayed=0)
    # Each ledger keeps its two latest: ledger b's three snapshots leave a's alone.
    with SQLiteStore(path, "b", calendar=CAL, snapshot_every=2) as store:
        ledger = b
        for day in range(3):
            more = ledger.record(
                ProgressReported("T1", percent=60.0 + day), actor="econ", at=LATER
            ).record(ProgressReported("T1", percent=70.0 + day), actor="econ", at=LATER)
            store.save(more, expected_version=ledger.version)
            ledger = more
        assert store.snapshot_error is None
    kept = _rows(path, "SELECT ledger, version FROM snapshots ORDER BY ledger, version")
    assert kept == [(ids["a"], a.version), (ids["b"], b.version + 4), (ids["b"], b.version + 6)]
    # A snapshot moved to another ledger stands for entries that ledger does not hold there.
    # (Ledger a is ledger b's first 31 entries: each of b's snapshots from 31 on would hold.)
    _rows(path, "DELETE FROM snapshots WHERE ledger = ? AND version < ?", ids["b"], ledger.version)
    _rows(path, "UPDATE snapshots SET ledger = ? WHERE ledger = ?", ids["a"], ids["b"])
    with SQLiteStore(path, "a", calendar=CAL) as store:
        assert store.load() == a
        assert store.last_load == LoadReport(
            a.version,
            snapshot=a.version,
            replayed=0,
            ignored=(
                f"the snapshot at version {ledger.version} stands for more entries than the "
                "store holds",
            ),
        )


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


def test_a_consent_kept_in_a_snapshot_lets_a_later_change_of_the_list_through(
    tmp_path: Path,
) -> None:
    """A key project removed from the list at quarter-end needs its leader's signed consent
    (LedgerPolicy(list_changes=...)); the consent recorded before the snapshot is in the
    projection the snapshot keeps, so the removal after it is checked as a full replay checks it."""

    def at(month: int, day: int) -> dt.datetime:
        return dt.datetime(2026, month, day, 10, tzinfo=CST)

    project = Task(
        "P1",
        "深加工园区",
        category="key_project",
        deadline=Deadline.on(dt.date(2026, 12, 31)),
        responsibility=Responsibility(
            Unit("fn", "丰南区"), leader_in_charge=Person("li", "李副市长")
        ),
    )
    policy = LedgerPolicy(list_changes=ListChangeRules())
    ledger = Ledger(calendar=CAL, policy=policy).record(
        TaskAssigned(project), actor="office", at=at(1, 5)
    )
    signed = ledger.record(
        ChangeSignedOff(
            "P1", "remove", signed_by="li", signed_on=dt.date(2026, 3, 26), explanation="用地未落实"
        ),
        actor="fn",
        at=at(3, 26),
    )
    path = tmp_path / "l.db"
    with SQLiteStore.create(path, calendar=CAL, policy=policy, snapshot_every=None) as store:
        store.save(signed, expected_version=0)
        store.snapshot()
    with SQLiteStore(path, calendar=CAL) as store:
        loaded = store.load()
        assert store.last_load == LoadReport(signed.version, snapshot=signed.version, replayed=0)
    removed = loaded.record(TaskCancelled("P1"), actor="office", at=at(3, 27))
    assert removed.state("P1").status.value == "cancelled"
    assert removed == signed.record(TaskCancelled("P1"), actor="office", at=at(3, 27))
    with pytest.raises(PolicyViolationError, match="ChangeSignedOff"):
        Ledger(calendar=CAL, policy=policy).record(
            TaskAssigned(project), actor="office", at=at(1, 5)
        ).record(TaskCancelled("P1"), actor="office", at=at(3, 27))
