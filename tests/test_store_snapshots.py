"""Snapshots, one suite for every store: a load from one equals a full replay, and one that does
not match the chain, the policy or the calendar is ignored and reported, never trusted; run
against an SQLite file and a real PostgreSQL server alike (``backend`` in conftest.py).

What only one backend has is at the end, under its name (a database whose tables an earlier
version made, writers racing to make the table, writers of other ledgers; the SQLite file's own
cases are in ``tests/test_snapshots.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

import attrs
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govops.exceptions import (
    ConcurrencyError,
    GovopsError,
    IntegrityError,
    InvalidInputError,
    PolicyViolationError,
    StoreError,
)
from govops.serialization import from_json
from govops.store import LoadReport, PostgresStore
from govops.tasks import (
    Annotation,
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
    register_event_type,
)
from postgres_server import PostgresServer
from store_backends import Backend, fresh_schema
from test_snapshots import (
    CAL,
    CST,
    GOLDEN,
    POLICY,
    T0,
    _numbers,
    _same,
    _split,
    altered,
    rich_ledger,
)

KEY = b"k" * 32
LATER = T0 + dt.timedelta(days=40)
LOOSE = LedgerPolicy(deadline_change_requires_approval=False)


def _saved(backend: Backend, ledger: Ledger, **options: Any) -> Ledger:
    """``ledger`` saved to the backend's ledger, with a snapshot at its version."""
    with backend.create(calendar=ledger.calendar, **options) as store:
        store.save(ledger, expected_version=0)
        assert store.snapshot() == ledger.version
    return ledger


def _rewrite(
    backend: Backend,
    change: Callable[[Any, bytearray], Any] = lambda doc, packed: doc,
    header_change: Callable[[str], str] = lambda header: header,
    *,
    ledger: str | None = None,
) -> None:
    """Change the snapshot's body (``change(doc, packed)`` returns its JSON object and may
    change its packed columns in place) and header, and give it a checksum that matches, as
    someone who can write the database (but has no key) can."""
    (row,) = backend.snapshots(ledger)
    header = header_change(row["header"])
    doc, packed = _split(row["body"])
    text = json.dumps(change(doc, packed), ensure_ascii=False, separators=(",", ":"))
    body = text.encode("utf-8", "surrogatepass") + b"\n" + bytes(packed)
    digest = hashlib.sha256(header.encode() + b"\n" + body).hexdigest()
    backend.set_snapshot(row["version"], ledger=ledger, header=header, body=body, checksum=digest)


def _ignored(backend: Backend, match: str, **load: Any) -> Ledger:
    with backend.open(calendar=load.pop("calendar", CAL)) as store:
        loaded = store.load(**load)
        report = store.last_load
    assert report is not None and report.snapshot is None, report
    assert len(report.ignored) == 1 and match in report.ignored[0], report.ignored
    return loaded


def _percent(doc: dict[str, Any], packed: bytearray) -> dict[str, Any]:
    _numbers(packed, doc["percent"])[4] = 99.0
    return doc


def _with_policy_changed() -> Ledger:
    """The rich ledger, then its policy changed: deadline changes need no approval any more."""
    return rich_ledger().record(PolicyChanged(LOOSE), actor="office", at=LATER)


@pytest.mark.parametrize("at_version", [1, 12, 20, None])
def test_a_load_from_a_snapshot_is_the_full_replay(
    backend: Backend, at_version: int | None
) -> None:
    ledger = rich_ledger()
    first = ledger if at_version is None else ledger.as_of(ledger.entries[at_version - 1].at)
    with backend.create() as store:
        store.save(first, expected_version=0)
        assert store.snapshot() == first.version
        store.save(ledger, expected_version=first.version)
    with backend.open() as store:
        loaded = store.load()
        assert store.last_load == LoadReport(
            ledger.version,
            snapshot=first.version,
            replayed=ledger.version - first.version,
        )
        full = store.load(from_snapshot=False)
        assert store.last_load.snapshot is None
    assert repr(loaded.states()) == repr(full.states())  # every time at its own offset
    _same(loaded, full)  # the store is closed: the entries before the snapshot are read anew
    _same(loaded, ledger)
    loaded.verify()


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("ledger*.json")))
def test_golden_ledgers_load_from_their_snapshots(backend: Backend, name: str) -> None:
    ledger = _saved(backend, from_json((GOLDEN / name).read_text(encoding="utf-8"), calendar=CAL))
    with backend.open() as store:
        loaded = store.load()
        assert store.last_load is not None and store.last_load.snapshot == ledger.version
    _same(loaded, ledger)


def test_a_ledger_from_a_snapshot_goes_on_recording_and_appending(backend: Backend) -> None:
    ledger = _saved(backend, rich_ledger())
    with backend.open() as store:
        loaded = store.load()
        later = loaded.record(
            ProgressReported("T4", percent=70.0), actor="econ", at=T0 + dt.timedelta(days=40)
        )
        branch = loaded.as_of(T0 + dt.timedelta(days=30)).record(
            ProgressReported("T4", percent=5.0), actor="econ", at=T0 + dt.timedelta(days=31)
        )
        assert store.save(later, expected_version=loaded.version) == ledger.version + 1
        assert branch.state("T4").percent == 5.0
        again = store.load()
    _same(again, ledger.record(later.entries[-1].event, actor="econ", at=later.entries[-1].at))


def test_snapshots_are_kept_every_n_entries(backend: Backend) -> None:
    ledger = rich_ledger()
    with backend.create(policy=POLICY, snapshot_every=10) as store:
        for lo in range(0, ledger.version, 4):
            store.append(ledger.entries[lo : lo + 4], expected_version=lo)
        assert store.snapshot_error is None
        # After the appends that reached 12 and 24 entries: 10 or more after the last one.
        assert ledger.version == 31
        assert [s["version"] for s in backend.snapshots()] == [12, 24]
        loaded = store.load()
        assert store.last_load == LoadReport(ledger.version, snapshot=24, replayed=7)
    _same(loaded, ledger)
    with pytest.raises(InvalidInputError, match="snapshot_every=0"):
        backend.open(snapshot_every=0)
    with backend.open(snapshot_every=None) as store:  # kept only when asked
        more = ledger.record(ProgressReported("T4", percent=90.0), actor="econ", at=LATER)
        store.save(more, expected_version=ledger.version)
    assert [s["version"] for s in backend.snapshots()] == [12, 24]


_ALTERED: list[tuple[Callable[[dict[str, Any]], dict[str, Any]], str]] = [
    (lambda s: {"body": bytes(s["body"]).replace(b'"T4"', b'"T9"')}, "checksum does not verify"),
    (lambda s: {"hash": "0" * 64}, "not this chain's"),
    (lambda s: {"version": s["version"] - 1}, "not this chain's"),
    (lambda s: {"version": s["version"] + 5}, "more entries than the store holds"),
    (lambda s: {"checksum": "x"}, "checksum does not verify"),
]


@pytest.mark.parametrize(
    ("alter", "match"), _ALTERED, ids=["body", "hash", "earlier", "later", "checksum"]
)
def test_a_snapshot_that_does_not_match_the_chain_is_ignored_and_reported(
    backend: Backend, alter: Callable[[dict[str, Any]], dict[str, Any]], match: str
) -> None:
    ledger = _saved(backend, rich_ledger())
    (row,) = backend.snapshots()
    changed = alter(row)
    assert all(row[name] != value for name, value in changed.items())  # it does alter
    backend.set_snapshot(row["version"], **changed)
    _same(_ignored(backend, match), ledger)
    with backend.open() as store, pytest.raises(IntegrityError, match=match):
        store.verify()


def test_a_snapshots_table_altered_is_ignored_and_found(backend: Backend) -> None:
    ledger = _saved(backend, rich_ledger())
    backend.sql(f"ALTER TABLE {backend.snapshots_table} DROP COLUMN header")
    _same(_ignored(backend, "the table was altered"), ledger)
    with backend.open() as store, pytest.raises(IntegrityError, match="damaged"):
        store.verify()
    with backend.open() as store:  # the store goes on: appends, and loads, replaying
        more = ledger.record(ProgressReported("T4", percent=90.0), actor="econ", at=LATER)
        assert store.save(more, expected_version=ledger.version) == more.version
        assert store.load() == more


def test_a_store_with_a_key_keeps_snapshots_only_with_it(backend: Backend) -> None:
    backend.stored(rich_ledger(), key=KEY)
    with backend.open() as store:
        store.load()
        with pytest.raises(InvalidInputError, match="protected by a key"):
            store.snapshot()
    assert backend.snapshots() == []


def test_a_snapshot_in_another_format_or_damaged_inside_is_ignored(backend: Backend) -> None:
    ledger = _saved(backend, rich_ledger())
    _rewrite(backend, header_change=lambda header: header.replace("/2", "/9"))
    _same(_ignored(backend, "in format 'govops-snapshot/9'"), ledger)
    _rewrite(backend, header_change=lambda header: header.replace("/9", "/2"))
    code, start, count = _split(backend.snapshots()[0]["body"])[0]["percent"]
    _rewrite(backend, lambda doc, packed: {**doc, "percent": [code, start, count - 1]})
    _same(_ignored(backend, "'percent' is not 6 values long"), ledger)
    _rewrite(backend, lambda doc, packed: {**doc, "percent": [code, start + 10**9, count]})
    _same(_ignored(backend, "outside the snapshot's bytes"), ledger)


def test_a_snapshot_of_another_policy_or_calendar_is_ignored(backend: Backend) -> None:
    ledger = _saved(backend, rich_ledger())
    other = attrs.evolve(POLICY, confirmation_requires_leader=False)
    _ignored(backend, "another ledger policy", policy=other)
    # A local closure on a day the projection depends on (inside a suspension of T1).
    closed = CAL.with_overrides(
        closures={dt.date(2026, 3, 10): "停电"},
        source="local notice",
        effective=dt.date(2026, 1, 1),
    )
    _same(
        _ignored(backend, "calendar that differs", calendar=closed),
        Ledger.from_entries(ledger.entries, calendar=closed, policy=POLICY),
    )
    # One that differs only far from every day the projection names builds the same projection.
    far = CAL.with_overrides(
        closures={dt.date(2026, 12, 30): "停电"},
        source="local notice",
        effective=dt.date(2026, 1, 1),
    )
    with backend.open(calendar=far) as store:
        store.load()
        assert store.last_load is not None and store.last_load.snapshot == ledger.version


def test_a_snapshot_rewritten_to_lie_is_found_by_verify_and_refused_with_a_key(
    backend: Backend,
) -> None:
    ledger = _saved(backend, rich_ledger())
    _rewrite(backend, _percent)
    with backend.open() as store:
        # Without a key, a snapshot whose checksum was recomputed is read as it says...
        assert store.load().state("T4").percent == 99.0
        # ...and verify(), which replays the entries, finds it.
        with pytest.raises(IntegrityError, match="does not hold the projection its entries"):
            store.verify()
    keyed = f"{backend.ledger}-keyed"
    with backend.create(keyed, key=KEY) as store:
        store.save(ledger, expected_version=0)
        store.snapshot()
    _rewrite(backend, _percent, ledger=keyed)
    with backend.open(keyed, key=KEY) as store:
        assert store.load().state("T4").percent == 60.0
        assert store.last_load is not None and "key" in store.last_load.ignored[0]
        with pytest.raises(IntegrityError, match="key"):
            store.verify()


def test_entries_before_the_snapshot_are_checked_when_read(backend: Backend) -> None:
    ledger = _saved(backend, rich_ledger())
    # An entry's actor changed behind govops' back, its hashes left as they were: the chain
    # still links, and only recomputing its hash finds it.
    backend.set_actor(3, "someone")
    with backend.open() as store:
        loaded = store.load()
        trusting = store.load(verify=False)
        untouched = store.load(verify=False)
    assert loaded.states() == ledger.states()  # the projection comes from the snapshot
    with pytest.raises(IntegrityError, match="seq=3"):
        loaded.entries  # noqa: B018 - reading them is the point
    assert trusting.entries[2].actor == "someone"
    backend.delete_last()
    with pytest.raises(IntegrityError, match="entries were removed"):
        untouched.entries  # noqa: B018


def test_a_row_removed_before_the_snapshot_is_found_when_the_entries_are_read(
    backend: Backend,
) -> None:
    ledger = _saved(backend, rich_ledger())
    with backend.open() as store:  # opened, and checked, before the row goes
        backend.delete(3)
        # A load checks the ends of the chain, not every row before its snapshot...
        loaded = store.load()
        assert store.last_load is not None and store.last_load.snapshot == ledger.version
        assert loaded.states() == ledger.states()
        # ...which are checked when they are read,
        with pytest.raises(IntegrityError, match=r"seq=3|removed"):
            loaded.entries  # noqa: B018 - reading them is the point
        # by a replay of every entry,
        with pytest.raises(IntegrityError, match=r"seq=3|removed"):
            store.load(from_snapshot=False)
        # and by verify().
        with pytest.raises(IntegrityError):
            store.verify()
    with pytest.raises(IntegrityError):
        backend.open()  # opening a store counts its rows


def test_a_load_refuses_a_chain_whose_first_rows_were_removed(backend: Backend) -> None:
    _saved(backend, rich_ledger())
    with backend.open() as store:  # opened, and checked, before the rows go
        backend.delete(1)
        with pytest.raises(IntegrityError, match=r"removed|seq=1"):
            store.load()  # the chain must start at 1: found in the index, nothing counted


@functools.cache
def _stamped() -> type[Annotation]:
    """An annotation whose note a snapshot cannot write (registered once, when first needed)."""

    @register_event_type
    @attrs.frozen
    class Stamped(Annotation):
        kind = "test_store_snapshot_stamped"

        def noted(self, notes: frozenset[Any]) -> frozenset[Any]:
            return notes | {frozenset({"not plain"})}

    return Stamped


def test_a_note_a_snapshot_cannot_write_is_said_and_appends_go_on(backend: Backend) -> None:
    ledger = rich_ledger().record(_stamped()("T4"), actor="econ", at=T0 + dt.timedelta(days=50))
    with backend.create(snapshot_every=1) as store:
        assert store.save(ledger, expected_version=0) == ledger.version
        assert store.snapshot_error is not None and "not plain" in store.snapshot_error
        with pytest.raises(InvalidInputError, match="cannot keep a snapshot"):
            store.snapshot()
        assert store.load() == ledger
    assert backend.snapshots() == []


def test_a_snapshot_after_a_policy_change_restores_the_policy_in_force(backend: Backend) -> None:
    ledger = _with_policy_changed()
    changed_at = ledger.version
    with backend.create(policy=POLICY, snapshot_every=None) as store:
        store.save(ledger, expected_version=0)
        assert store.snapshot() == changed_at
        # After the snapshot, under the new policy: the change is in force at once.
        new_deadline = Deadline.on(dt.date(2026, 9, 30))
        more = ledger.record(
            DeadlineChangeRequested("T1", new_deadline), actor="econ", at=LATER
        ).record(ProgressReported("T1", percent=50.0), actor="econ", at=LATER)
        store.save(more, expected_version=ledger.version)
    with backend.open() as store:
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


def test_a_snapshot_that_lost_its_policy_changes_is_refused_by_verify(backend: Backend) -> None:
    ledger = _saved(backend, _with_policy_changed(), policy=POLICY, snapshot_every=None)
    ((seq, policy),) = _split(backend.snapshots()[0]["body"])[0]["policies"]
    assert seq == ledger.version and policy["deadline_change_requires_approval"] is False

    def forget(data: dict[str, Any], packed: bytearray) -> dict[str, Any]:
        del data["policies"]
        return data

    _rewrite(backend, forget)
    with (
        backend.open() as store,
        pytest.raises(IntegrityError, match="does not hold the projection its entries build"),
    ):
        store.verify()


def test_a_snapshot_is_of_one_ledger_of_the_database(backend: Backend) -> None:
    a_id, b_id = f"{backend.ledger}-a", f"{backend.ledger}-b"
    a = rich_ledger()
    b = _with_policy_changed()
    with backend.create(a_id, policy=POLICY, snapshot_every=None) as store:
        store.save(a, expected_version=0)
        store.snapshot()
    with backend.create(b_id, policy=POLICY, snapshot_every=None) as store:
        store.save(b, expected_version=0)
        store.load()
        assert store.last_load == LoadReport(b.version, snapshot=None, replayed=b.version)
    assert [s["version"] for s in backend.snapshots(a_id)] == [a.version]
    assert backend.snapshots(b_id) == []
    with backend.open(a_id) as store:
        assert store.load() == a
        assert store.last_load == LoadReport(a.version, snapshot=a.version, replayed=0)
    # Each ledger keeps its two latest: ledger b's three snapshots leave a's alone.
    with backend.open(b_id, snapshot_every=2) as store:
        ledger = b
        for day in range(3):
            more = ledger.record(
                ProgressReported("T1", percent=60.0 + day), actor="econ", at=LATER
            ).record(ProgressReported("T1", percent=70.0 + day), actor="econ", at=LATER)
            store.save(more, expected_version=ledger.version)
            ledger = more
        assert store.snapshot_error is None
    assert [s["version"] for s in backend.snapshots(a_id)] == [a.version]
    assert [s["version"] for s in backend.snapshots(b_id)] == [b.version + 4, b.version + 6]
    # A snapshot moved to another ledger stands for entries that ledger does not hold there.
    # (Ledger a is ledger b's first 31 entries: each of b's snapshots from 31 on would hold.)
    backend.sql(
        f"DELETE FROM {backend.snapshots_table} WHERE ledger = ? AND version < ?",
        backend.ledger_key(b_id),
        ledger.version,
    )
    backend.move_snapshots(b_id, a_id)
    with backend.open(a_id) as store:
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


def test_a_consent_kept_in_a_snapshot_lets_a_later_change_of_the_list_through(
    backend: Backend,
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
    _saved(backend, signed, policy=policy, snapshot_every=None)
    with backend.open() as store:
        loaded = store.load()
        assert store.last_load == LoadReport(signed.version, snapshot=signed.version, replayed=0)
    removed = loaded.record(TaskCancelled("P1"), actor="office", at=at(3, 27))
    assert removed.state("P1").status.value == "cancelled"
    assert removed == signed.record(TaskCancelled("P1"), actor="office", at=at(3, 27))
    with pytest.raises(PolicyViolationError, match="ChangeSignedOff"):
        Ledger(calendar=CAL, policy=policy).record(
            TaskAssigned(project), actor="office", at=at(1, 5)
        ).record(TaskCancelled("P1"), actor="office", at=at(3, 27))


# -- PostgreSQL only ------------------------------------------------------------------------------


def _has_table(dsn: str) -> bool:
    with psycopg.connect(dsn) as conn:
        ((found,),) = conn.execute("SELECT to_regclass('govops_snapshots') IS NOT NULL")
    return bool(found)


def test_postgres_tables_of_an_earlier_version_are_read_as_they_are_then_gain_snapshots(
    postgres: PostgresServer,
) -> None:
    """Tables made by a version without snapshots (no govops_snapshots) open, load and verify
    without a write, read-only or not; the first snapshot written makes the table."""
    dsn = fresh_schema(postgres)
    ledger = rich_ledger()
    with PostgresStore.create(dsn, calendar=CAL, snapshot_every=None) as store:
        store.save(ledger, expected_version=0)
    assert not _has_table(dsn)
    for mode in ("ro", "rw"):
        with PostgresStore(dsn, calendar=CAL, mode=mode) as store:
            assert store.load() == ledger
            assert store.last_load == LoadReport(ledger.version, snapshot=None, replayed=31)
            assert store.verify() == ledger.version
    with (
        PostgresStore(dsn, calendar=CAL, mode="ro") as store,
        pytest.raises(StoreError, match="read-only"),
    ):
        store.snapshot()
    assert not _has_table(dsn)
    with PostgresStore(dsn, calendar=CAL) as store:
        assert store.snapshot() == ledger.version
    assert _has_table(dsn)
    with PostgresStore(dsn, calendar=CAL, mode="ro") as store:
        _same(store.load(), ledger)
        assert store.last_load == LoadReport(ledger.version, snapshot=31, replayed=0)


def test_postgres_writers_racing_to_make_the_snapshots_table_each_keep_theirs(
    postgres: PostgresServer,
) -> None:
    """The first snapshots of several ledgers written at once, in a database without the table:
    one writer makes it, the others wait for it, and every snapshot is kept."""
    dsn = fresh_schema(postgres)
    ledger = rich_ledger()
    offices = [f"office-{n}" for n in range(6)]
    stores = []
    for office in offices:
        store = PostgresStore.create(dsn, office, calendar=CAL, snapshot_every=None)
        store.save(ledger, expected_version=0)
        stores.append(store)
    start = threading.Barrier(len(stores))
    outcomes: dict[str, object] = {}

    def keep(store: PostgresStore) -> None:
        start.wait()
        try:
            outcomes[store.ledger] = store.snapshot()
        except GovopsError as exc:
            outcomes[store.ledger] = exc

    threads = [threading.Thread(target=keep, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for store in stores:
        store.close()
    assert outcomes == dict.fromkeys(offices, ledger.version)
    for office in offices:
        with PostgresStore(dsn, office, calendar=CAL) as store:
            store.load()
            assert store.last_load == LoadReport(ledger.version, snapshot=31, replayed=0)


def test_postgres_a_snapshot_waits_only_for_its_own_ledger_s_writers(
    postgres: PostgresServer,
) -> None:
    """A transaction holding ledger A's row and its snapshots (as a slow writer would) stops
    A's next snapshot, after its timeout, with a ConcurrencyError; B's appends and snapshots
    and A's readers go on at once."""
    dsn = fresh_schema(postgres)
    ledger = rich_ledger()
    for office in ("a", "b"):
        with PostgresStore.create(dsn, office, calendar=CAL, snapshot_every=None) as store:
            store.save(ledger, expected_version=0)
            store.snapshot()
    more = ledger.record(ProgressReported("T4", percent=90.0), actor="econ", at=LATER)
    with psycopg.connect(dsn) as slow:
        slow.execute("SELECT 1 FROM govops_ledgers WHERE id = 'a' FOR UPDATE")
        slow.execute("UPDATE govops_snapshots SET checksum = checksum WHERE ledger = 'a'")
        with PostgresStore(dsn, "b", calendar=CAL, timeout=1, snapshot_every=1) as store:
            assert store.save(more, expected_version=ledger.version) == more.version
            assert store.snapshot_error is None
            assert [s["version"] for s in Backend("postgres", dsn).snapshots("b")] == [31, 32]
        with PostgresStore(dsn, "a", calendar=CAL, timeout=1) as store:
            assert store.load() == ledger
            assert store.last_load is not None and store.last_load.snapshot == ledger.version
            with pytest.raises(ConcurrencyError, match="lock timeout"):
                store.snapshot()
        slow.rollback()


def test_postgres_a_role_that_may_not_read_the_snapshots_loads_by_replaying(
    postgres: PostgresServer,
) -> None:
    """A reading role granted SELECT on the tables of an earlier version only: its loads replay
    every entry and say why; verify() says the snapshots cannot be checked."""
    dsn = fresh_schema(postgres)
    ledger = _saved(Backend("postgres", dsn), rich_ledger())
    role = f"reader_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        schema = admin.execute("SELECT current_schema()").fetchone()
        assert schema is not None
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"GRANT USAGE ON SCHEMA {schema[0]} TO {role}")
        for table in ("govops_meta", "govops_ledgers", "govops_events"):
            admin.execute(f"GRANT SELECT ON {table} TO {role}")
    reader = dsn.replace("user=postgres", f"user={role}")
    with PostgresStore(reader, calendar=CAL, mode="ro") as store:
        assert store.load() == ledger
        assert store.last_load is not None and store.last_load.snapshot is None
        assert "may not read them" in store.last_load.ignored[0]
        with pytest.raises(IntegrityError, match="may not read them"):
            store.verify()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_postgres_a_snapshot_altered_anywhere_is_read_as_written_or_ignored(
    postgres: PostgresServer, data: st.DataObject
) -> None:
    """As ``test_a_snapshot_altered_anywhere_is_read_as_written_or_ignored`` on a file (which
    runs many more): whatever is written in a snapshot's body with a checksum to match, a load
    from PostgreSQL gives a ledger or a GovopsError, never another error."""
    backend = Backend("postgres", fresh_schema(postgres))
    _saved(backend, rich_ledger())
    _rewrite(backend, lambda doc, packed: altered(doc, packed, data))
    with backend.open() as store, contextlib.suppress(GovopsError):
        store.load().states()
