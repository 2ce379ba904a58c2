"""The record's promises where the store suites leave a gap, each on both backends where both can
keep it: an SQLite file and a real PostgreSQL server (``postgres`` in conftest.py).

- ``append`` refuses what ``load`` would refuse, with times compared as instants across a
  daylight-saving fold, and a policy changed by an event governs what comes after it;
- a retry whose acknowledgement was lost is acknowledged once, even after other writers went on;
- a ledger cut short with its head rewritten to match is found by a head kept elsewhere and by
  the key; every call on a closed store says so;
- every record names text it cannot hash or store and times of the first and last year, and a
  query at the ends of time reads all or nothing; generated code is debuggable and nothing
  switches the garbage collector or the recursion limit for the whole process.

PostgreSQL's own cases are in ``test_record_promises_postgres.py``, SQLite's in
``test_record_promises_sqlite.py``.
"""

from __future__ import annotations

import ast
import datetime as dt
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govops._record import rehash
from govops.escalation import NoticeIssued, SupervisionJournal
from govops.exceptions import (
    ConcurrencyError,
    IntegrityError,
    InvalidInputError,
    InvalidTransitionError,
    LedgerError,
    StoreError,
    UnknownTaskError,
)
from govops.store import SQLiteStore
from govops.tasks import (
    CompletionConfirmed,
    Entry,
    IssueRaised,
    Ledger,
    LedgerPolicy,
    PolicyChanged,
    ProgressReported,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
)
from postgres_server import PostgresServer
from store_backends import Backend, fresh_schema
from test_store import CAL, START, small_ledger, task
from test_store_conformance import KEY

TESTS = Path(__file__).parent
SRC = TESTS.parent / "src" / "govops"
NEW_YORK = ZoneInfo("America/New_York")
# 2026-11-01 in New York: 01:00 to 02:00 happens twice, first in daylight time (fold=0, UTC-4),
# then in standard time (fold=1, UTC-5).
FOLD_FIRST = dt.datetime(2026, 11, 1, 1, 50, tzinfo=NEW_YORK)  # 05:50 UTC
FOLD_SECOND = dt.datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=NEW_YORK)  # 06:15 UTC


def _backend(request: pytest.FixtureRequest, name: str, folder: Path) -> Backend:
    if name == "sqlite":
        return Backend("sqlite", str(folder / f"{uuid.uuid4().hex[:8]}.db"))
    server: PostgresServer = request.getfixturevalue("postgres")
    return Backend("postgres", fresh_schema(server), f"office-{uuid.uuid4().hex[:12]}")


def _forged(seq: int, event: Any, at: dt.datetime, prev_hash: str, actor: str = "econ") -> Entry:
    """An entry hashed and linked as a writer would, whatever the state machine says of it."""
    entry = Entry(seq, event, at=at, actor=actor, prev_hash=prev_hash, hash="")
    return attrs.evolve(entry, hash=rehash(entry))


def _same(loaded: Ledger, expected: Ledger) -> None:
    """The same record: version, chain head and the instants and offsets of every entry. (Two
    times in an ambiguous hour never compare equal across zones in Python, so entries recorded
    with ZoneInfo and read back with fixed offsets are compared through their hashes.)"""
    assert (loaded.version, loaded.head_hash) == (expected.version, expected.head_hash)
    assert [e.at.isoformat() for e in loaded.entries] == [
        e.at.isoformat() for e in expected.entries
    ]


# -- 1. nothing acknowledged that cannot be loaded ----------------------------------------------


def test_an_append_is_ordered_by_instants_across_a_daylight_saving_fold(backend: Backend) -> None:
    ledger = Ledger(calendar=CAL).record(TaskAssigned(task("T0")), actor="office", at=FOLD_SECOND)
    # 01:50 reads later than 01:15 on the wall clock, but the first 01:50 came 25 minutes before
    # the second 01:15: record() refuses it, and so must an append that brings it hashed.
    early = _forged(2, TaskAccepted("T0"), FOLD_FIRST, ledger.head_hash)
    with pytest.raises(InvalidInputError, match="earlier"):
        ledger.record(TaskAccepted("T0"), actor="econ", at=FOLD_FIRST)
    with backend.create() as store:
        store.save(ledger, expected_version=0)
        with pytest.raises(IntegrityError, match="seq=2 is dated before"):
            store.append([early], expected_version=1)
        assert store.version == 1
    # The other way round, wall clock earlier but the instant later, is in order.
    ordered = Ledger(calendar=CAL).record(TaskAssigned(task("T0")), actor="office", at=FOLD_FIRST)
    ordered = ordered.record(TaskAccepted("T0"), actor="econ", at=FOLD_SECOND)
    other = attrs.evolve(backend, ledger=f"{backend.ledger}-ordered")
    with other.create() as store:
        assert store.append(ordered.entries, expected_version=0) == 2
    with other.open(mode="ro") as store:
        _same(store.load(), ordered)
        assert store.verify() == 2


def _next_at(model: Ledger) -> dt.datetime:
    """Ten minutes after the model's last entry, in New York time with the right fold."""
    return (model.entries[-1].at.astimezone(dt.timezone.utc) + dt.timedelta(minutes=10)).astimezone(
        NEW_YORK
    )


def _before_head(model: Ledger) -> dt.datetime:
    """A time before the model's head: in the repeated hour, the same wall time an hour before
    (it reads as equal or later on the clock); elsewhere a minute before."""
    head = model.entries[-1].at.astimezone(NEW_YORK)
    return head.replace(fold=0) if head.fold else head - dt.timedelta(minutes=1)


def _bad_state(model: Ledger) -> list[Entry]:
    return [_forged(model.version + 1, TaskAccepted("T0"), _next_at(model), model.head_hash)]


def _bad_hash(model: Ledger) -> list[Entry]:
    entry = _forged(model.version + 1, IssueRaised("T0", "x"), _next_at(model), model.head_hash)
    return [attrs.evolve(entry, event=IssueRaised("T0", "y"))]


def _bad_link(model: Ledger) -> list[Entry]:
    return [_forged(model.version + 1, IssueRaised("T0", "x"), _next_at(model), "0" * 64)]


def _bad_seq(model: Ledger) -> list[Entry]:
    return [_forged(model.version + 2, IssueRaised("T0", "x"), _next_at(model), model.head_hash)]


def _bad_time(model: Ledger) -> list[Entry]:
    return [
        _forged(model.version + 1, IssueRaised("T0", "x"), _before_head(model), model.head_hash)
    ]


_INVALID = [_bad_state, _bad_hash, _bad_link, _bad_seq, _bad_time]
_STEPS = st.lists(
    st.tuples(st.integers(0, len(_INVALID)), st.integers(1, 4)), min_size=1, max_size=8
)


def _acknowledged_loads(backend: Backend, steps: list[tuple[int, int]]) -> None:
    """Valid and invalid batches, each appended by a store that has just opened: every refusal is
    a LedgerError that writes nothing, and the store always loads as the model built in memory.
    The batches run from 01:20 daylight time through the repeated hour."""
    start = dt.datetime(2026, 11, 1, 1, 20, tzinfo=NEW_YORK)
    model = Ledger(calendar=CAL).record(TaskAssigned(task("T0")), actor="office", at=start)
    model = model.record(TaskAccepted("T0"), actor="econ", at=start)
    with backend.create() as store:
        store.save(model, expected_version=0)
    for k, (kind, size) in enumerate(steps):
        with backend.open() as store:
            if kind < len(_INVALID):
                with pytest.raises(LedgerError):
                    store.append(_INVALID[kind](model), expected_version=model.version)
            else:
                more = model
                for i in range(size):
                    event = ProgressReported("T0", percent=float(min(100, 5 * (k + i))))
                    more = more.record(event, actor="econ", at=_next_at(more))
                batch = more.entries_since(model.version)
                assert store.append(batch, expected_version=model.version) == more.version
                model = more
            assert store.version == model.version
        with backend.open(mode="ro") as store:
            _same(store.load(), model)
            assert store.verify() == model.version


_BACKEND_NAMES = pytest.mark.parametrize("name", ["sqlite", "postgres"])
_FIXTURES = [HealthCheck.function_scoped_fixture]


@_BACKEND_NAMES
@settings(max_examples=8, deadline=None, suppress_health_check=_FIXTURES)
@given(steps=_STEPS)
def test_every_acknowledged_append_loads_as_the_model_on_both_backends(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    steps: list[tuple[int, int]],
) -> None:
    _acknowledged_loads(_backend(request, name, tmp_path_factory.mktemp("a")), steps)


@pytest.mark.slow
@_BACKEND_NAMES
@settings(max_examples=400, deadline=None, suppress_health_check=_FIXTURES)
@given(steps=_STEPS)
def test_every_acknowledged_append_loads_as_the_model_on_both_backends_many(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    steps: list[tuple[int, int]],
) -> None:
    _acknowledged_loads(_backend(request, name, tmp_path_factory.mktemp("a")), steps)


def test_a_policy_changed_by_an_event_governs_the_appends_after_it(backend: Backend) -> None:
    strict = Ledger(calendar=CAL).record(TaskAssigned(task("T0")), actor="office", at=START)
    strict = strict.record(TaskAccepted("T0"), actor="econ", at=START)
    strict = strict.record(TaskCompleted("T0"), actor="econ", at=START)
    by_econ = _forged(4, CompletionConfirmed("T0"), START, strict.head_hash)
    with backend.create(policy=LedgerPolicy()) as store:
        store.save(strict, expected_version=0)
        with pytest.raises(InvalidTransitionError, match="leader in charge"):
            store.append([by_econ], expected_version=3)
        lax = LedgerPolicy(confirmation_requires_leader=False)
        changed = strict.record(PolicyChanged(lax), actor="office", at=START)
        confirmed = changed.record(CompletionConfirmed("T0"), actor="econ", at=START)
        assert store.save(confirmed, expected_version=3) == 5
    with backend.open(mode="ro") as store:
        loaded = store.load()
    assert loaded == confirmed
    assert (loaded.policy_at(0), loaded.policy) == (LedgerPolicy(), lax)


# -- 3. retries are safe ---------------------------------------------------------------------------


def test_a_retry_after_other_writers_went_on_is_acknowledged_once(backend: Backend) -> None:
    ledger = backend.stored()
    mine = ledger.record(IssueRaised("T0", "mine"), actor="econ", at=START)
    mine = mine.record(IssueRaised("T0", "mine too"), actor="econ", at=START)
    with backend.open() as store:
        assert store.save(mine, expected_version=ledger.version) == mine.version
    # The acknowledgement was lost; meanwhile another writer appended after it.
    theirs = mine.record(IssueRaised("T1", "theirs"), actor="econ", at=START)
    with backend.open() as other:
        other.save(theirs, expected_version=mine.version)
    with backend.open() as store:
        assert store.save(mine, expected_version=ledger.version) == mine.version
        batch = mine.entries_since(ledger.version)
        assert store.append(batch, expected_version=ledger.version) == mine.version
        # A batch that only begins as the stored one did is not the same append.
        changed = [batch[0], _forged(batch[1].seq, batch[1].event, START, batch[0].hash, "x")]
        with pytest.raises(ConcurrencyError, match=f"version {theirs.version}"):
            store.append(changed, expected_version=ledger.version)
        assert store.load() == theirs


# -- Ledger.record and the kernel ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        ({"actor": "\ud800"}, r"actor='\\ud800' holds the lone surrogate"),
        ({"actor": "王\udc80"}, r"actor='王\\udc80' holds the lone surrogate '\\udc80' at index 1"),
        ({"reason": "改期\ud83d"}, r"reason='改期\\ud83d' holds the lone surrogate"),
        ({"actor": "王\x00"}, r"actor='王\\x00' holds the NUL character"),
        ({"reason": "\x00"}, r"reason='\\x00' holds the NUL character"),
    ],
)
def test_record_refuses_text_it_cannot_hash_naming_it(
    arguments: dict[str, str], fragment: str
) -> None:
    ledger = small_ledger(1)
    journal = SupervisionJournal()
    arguments = {"actor": "econ", **arguments}
    with pytest.raises(InvalidInputError, match=fragment):
        ledger.record(IssueRaised("T0", "i"), at=START, **arguments)
    notice = NoticeIssued("T0", "k1", level="red", notice_kind="urge")
    with pytest.raises(InvalidInputError, match=fragment):
        journal.record(notice, at=START, **arguments)
    assert ledger.version == 3 and journal.version == 0


def _calls(tree: ast.AST) -> list[str]:
    """The dotted names of the functions ``tree`` calls (``gc.freeze``, ``exec``)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            parts, target = [], node.func
            while isinstance(target, ast.Attribute):
                parts.append(target.attr)
                target = target.value
            if isinstance(target, ast.Name):
                names.append(".".join([target.id, *reversed(parts)]))
    return names


def test_no_process_wide_switch_and_generated_code_only_where_linecache_shows_it() -> None:
    switches = {"gc.disable", "gc.enable", "gc.freeze", "gc.unfreeze", "sys.setrecursionlimit"}
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for name in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            if name in switches or name in ("exec", "eval", "compile", "builtins.exec"):
                found.setdefault(name, []).append(str(path.relative_to(SRC)))
    # One exec, of source registered in linecache (its test shows a traceback through it).
    assert found == {"exec": ["_record/_generated.py"], "compile": ["_record/_generated.py"]}


_EDGES = [
    dt.datetime(1, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")),  # before the first UTC instant
    dt.datetime(9999, 12, 31, 23, 59, tzinfo=NEW_YORK),  # after the last
    dt.datetime(9999, 12, 31, 12, tzinfo=dt.timezone.utc),  # one the calendar's zone cannot read
]


@pytest.mark.parametrize("at", _EDGES, ids=lambda t: t.isoformat())
def test_times_of_the_first_and_last_year_are_refused_by_every_record(
    tmp_path: Path, at: dt.datetime
) -> None:
    ledger = small_ledger(1)
    with pytest.raises(InvalidInputError, match="years 2 to 9998"):
        ledger.record(IssueRaised("T0", "i"), actor="econ", at=at)
    notice = NoticeIssued("T0", "k1", level="red", notice_kind="urge")
    with pytest.raises(InvalidInputError, match="years 2 to 9998"):
        SupervisionJournal().record(notice, actor="econ", at=at)
    # Hashed and linked by hand: replayed from entries or appended to a store, still refused.
    forged = _forged(4, IssueRaised("T0", "i"), at, ledger.head_hash)
    with pytest.raises(InvalidInputError, match=r"seq=4 has at=.*years 2 to 9998"):
        Ledger.from_entries([*ledger.entries, forged], calendar=CAL)
    with SQLiteStore.create(tmp_path / "l.db", calendar=CAL) as store:
        store.save(ledger, expected_version=0)
        with pytest.raises(InvalidInputError, match="years 2 to 9998"):
            store.append([forged], expected_version=3)


def test_a_query_at_the_ends_of_time_reads_all_or_nothing() -> None:
    ledger = small_ledger(2)
    journal = SupervisionJournal().record(
        NoticeIssued("T0", "k1", level="red", notice_kind="urge"), actor="o", at=START
    )
    first, last = _EDGES[0], _EDGES[1]
    assert ledger.as_of(last) == ledger and journal.as_of(last) == journal
    assert ledger.as_of(first).version == 0 and journal.as_of(first).version == 0
    assert ledger.state("T0", at=last) == ledger.state("T0")
    with pytest.raises(UnknownTaskError):
        ledger.state("T0", at=first)
    with pytest.raises(InvalidInputError, match="outside the range of dates"):
        ledger.overdue(now=last)  # which day it is in Beijing, no datetime can say


def _cut_short_with_a_matching_head(backend: Backend, ledger: Ledger, keep: int) -> None:
    """Delete the entries after ``keep`` and rewrite the head to name the new last one, as
    someone with write access to the database could: a consistent, shorter chain."""
    last = ledger.entries[keep - 1].hash
    if backend.name == "sqlite":
        backend.sql("DELETE FROM entries WHERE seq > ?", keep)
        backend.sql(
            "UPDATE ledgers SET head = json_set(head, '$.version', ?, '$.hash', ?)", keep, last
        )
    else:
        backend.sql(
            "DELETE FROM govops_events WHERE ledger = ? AND version > ?", backend.ledger, keep
        )
        backend.sql(
            "UPDATE govops_ledgers SET head = jsonb_set(jsonb_set(head::jsonb, '{version}', "
            "to_jsonb(?::int)), '{hash}', to_jsonb(?::text))::text WHERE id = ?",
            keep,
            last,
            backend.ledger,
        )


def test_a_ledger_cut_short_with_its_head_rewritten_is_found_by_the_kept_head_and_the_key(
    backend: Backend,
) -> None:
    ledger = backend.stored(key=KEY)
    with backend.open(key=KEY) as store:
        kept = store.head()
    _cut_short_with_a_matching_head(backend, ledger, 6)
    # Without the key the chain is consistent on its own: only the head kept elsewhere finds it.
    with backend.open() as store:
        assert store.verify() == 6
        with pytest.raises(IntegrityError, match="cut short"):
            store.verify(expected_head=kept)
    # With the key, the rewritten head does not authenticate: found without an outside anchor.
    with pytest.raises(IntegrityError, match="does not authenticate"):
        backend.open(key=KEY)
    # A history rewritten whole, as long as the kept one: only the kept head can tell.
    rewritten = Ledger(calendar=CAL)
    for entry in ledger.entries:
        event = entry.event
        if isinstance(event, ProgressReported):
            event = attrs.evolve(event, percent=99.0)
        rewritten = rewritten.record(event, actor=entry.actor, at=entry.at, reason=entry.reason)
    other = attrs.evolve(backend, ledger=f"{backend.ledger}-rewritten")
    other.stored(rewritten)
    with other.open() as store:
        assert store.verify() == ledger.version
        with pytest.raises(IntegrityError, match="rewritten"):
            store.verify(expected_head=kept)


def test_every_call_on_a_closed_store_says_it_is_closed(backend: Backend) -> None:
    ledger = backend.stored()
    store = backend.open()
    read_before = store.entries()  # a read is whole when it returns
    store.close()
    store.close()  # closing twice is harmless
    calls = {
        "version": lambda: store.version,
        "head": store.head,
        "ledgers": store.ledgers,
        "load": store.load,
        "verify": store.verify,
        "entries": lambda: list(store.entries()),
        "append": lambda: store.append([], expected_version=ledger.version),
        "save": lambda: store.save(ledger, expected_version=ledger.version),
    }
    for call in calls.values():
        with pytest.raises(StoreError, match="closed"):
            call()
    assert list(read_before) == list(ledger.entries)
