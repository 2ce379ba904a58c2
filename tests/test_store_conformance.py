"""One suite for every store: what :class:`govops.store.Store` promises, run against an SQLite file
and a real PostgreSQL server (``postgres`` in conftest.py) alike.

Tests that only one backend can have (a file on a read-only disk, a killed SQLite writer; a
server restart, writers of other ledgers) are at the end, under each backend's name.
"""

from __future__ import annotations

import datetime as dt
import platform
import pwd
import secrets
import sqlite3
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import attrs
import psycopg
import pytest

import govops.store._postgres_rows as store_postgres
import govops.store._sqlite_rows as store_rows
from govops._record import rehash
from govops.exceptions import (
    ConcurrencyError,
    IntegrityError,
    InvalidInputError,
    InvalidTransitionError,
    StoreError,
)
from govops.serialization import from_json
from govops.store import (
    DEFAULT_LEDGER,
    STORE_SCHEMA,
    PostgresStore,
    SQLiteStore,
    Store,
    StoreHead,
)
from govops.tasks import (
    CompletionConfirmed,
    IssueRaised,
    Ledger,
    LedgerPolicy,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
)
from postgres_server import PostgresServer, bundled, running
from store_backends import Backend
from test_store import CAL, GOLDEN, START, small_ledger, task

KEY = b"k" * 32


def test_a_saved_ledger_loads_back_and_verifies(backend: Backend) -> None:
    ledger = backend.stored()
    with backend.open(mode="ro") as store:
        assert isinstance(store, Store)
        assert store.ledger == backend.ledger
        assert store.ledger in store.ledgers()
        assert store.load() == ledger
        assert store.load(verify=False) == ledger
        assert store.version == ledger.version
        assert store.verify() == ledger.version
        assert store.head().version == ledger.version
        assert store.head().hash == ledger.head_hash
        assert list(store.entries(since=4)) == list(ledger.entries_since(4))
        with pytest.raises(StoreError, match="read-only"):
            store.save(ledger, expected_version=ledger.version)


def test_an_empty_store_loads_as_an_empty_ledger(backend: Backend) -> None:
    with backend.create() as store:
        assert store.version == 0
        assert store.load() == Ledger(calendar=CAL)
        assert store.verify(expected_head=store.head()) == 0


def test_a_second_writer_at_the_same_version_gets_a_concurrency_error(backend: Backend) -> None:
    ledger = backend.stored()
    mine = ledger.record(IssueRaised("T0", "mine"), actor="econ", at=START)
    theirs = ledger.record(IssueRaised("T1", "theirs"), actor="econ", at=START)
    with backend.open() as first, backend.open() as second:
        assert first.save(mine, expected_version=ledger.version) == mine.version
        message = f"expected_version={ledger.version} .* version {mine.version}"
        with pytest.raises(ConcurrencyError, match=message):
            second.save(theirs, expected_version=ledger.version)
        assert second.load() == mine


def test_a_repeated_append_is_acknowledged_once(backend: Backend) -> None:
    ledger = backend.stored()
    more = ledger.record(IssueRaised("T0", "i1"), actor="econ", at=START)
    batch = more.entries_since(ledger.version)
    with backend.open() as store:
        assert store.append(batch, expected_version=ledger.version) == more.version
        assert store.append(batch, expected_version=ledger.version) == more.version
        assert store.save(more, expected_version=ledger.version) == more.version
        assert store.load() == more


def test_an_append_takes_any_iterable_and_a_save_writes_a_chunk_at_a_time(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows are built and written three at a time, so that the 8 entries span three chunks.
    monkeypatch.setattr(store_rows, "CHUNK", 3)
    monkeypatch.setattr(store_postgres, "CHUNK", 3)
    ledger = backend.stored()
    more = ledger
    for i in range(8):
        more = more.record(IssueRaised(f"T{i % 2}", f"issue {i}"), actor="econ", at=START)
    first_two = (e for e in more.entries_since(ledger.version)[:2])  # a generator
    mid = ledger.version + 2
    with backend.open() as store:
        assert store.append(first_two, expected_version=ledger.version) == mid
        assert store.save(more, expected_version=mid) == more.version
        # Its acknowledgement lost, the same save again writes nothing and says where it is.
        assert store.save(more, expected_version=mid) == more.version
        assert store.load() == more
        assert store.verify() == more.version


def test_an_append_is_checked_as_a_load_checks_it(backend: Backend) -> None:
    ledger = backend.stored()
    more = ledger.record(IssueRaised("T0", "i1"), actor="econ", at=START)
    (entry,) = more.entries_since(ledger.version)
    forged = attrs.evolve(entry, event=IssueRaised("T0", "i2"))  # same hash, other content
    early = attrs.evolve(entry, at=START - dt.timedelta(hours=1))
    early = attrs.evolve(early, hash=rehash(early))
    with backend.open() as store:
        with pytest.raises(IntegrityError, match=f"seq={entry.seq} hashes to"):
            store.append([forged], expected_version=ledger.version)
        with pytest.raises(IntegrityError, match=f"seq={entry.seq} is dated before"):
            store.append([early], expected_version=ledger.version)
        assert store.version == ledger.version
    with backend.open() as store:  # a store that has not loaded replays what it holds
        assert store.load() == ledger


def test_an_entry_the_stored_policy_forbids_is_refused(backend: Backend) -> None:
    lax = Ledger(calendar=CAL, policy=LedgerPolicy(confirmation_requires_leader=False))
    lax = lax.record(TaskAssigned(task("T0")), actor="office", at=START)
    lax = lax.record(TaskAccepted("T0"), actor="econ", at=START)
    lax = lax.record(TaskCompleted("T0"), actor="econ", at=START)
    with backend.create(policy=LedgerPolicy()) as store:
        store.append(lax.entries, expected_version=0)
        confirmed = lax.record(CompletionConfirmed("T0"), actor="econ", at=START)
        with pytest.raises(InvalidTransitionError, match="leader in charge"):
            store.append(confirmed.entries_since(3), expected_version=3)
        with pytest.raises(InvalidInputError, match="PolicyChanged"):
            store.save(confirmed, expected_version=3)
        assert store.version == 3


def test_a_store_that_lost_its_last_entry_is_refused(backend: Backend) -> None:
    backend.stored()
    backend.delete_last()
    with pytest.raises(IntegrityError, match="entries were removed"):
        backend.open()


def test_a_policy_changed_behind_govops_back_is_refused(backend: Backend) -> None:
    backend.stored(policy=LedgerPolicy())
    backend.change_policy()
    with pytest.raises(IntegrityError, match="policy"):
        backend.open()


def test_the_head_kept_elsewhere_finds_a_store_cut_short(backend: Backend) -> None:
    ledger = backend.stored()
    with backend.open() as store:
        kept = store.head()
        assert store.verify(expected_head=kept) == ledger.version
        bigger = ledger.record(IssueRaised("T0", "i1"), actor="econ", at=START)
        store.save(bigger, expected_version=ledger.version)
        assert store.verify(expected_head=kept) == bigger.version
        with pytest.raises(IntegrityError, match="history was rewritten"):
            store.verify(expected_head=StoreHead(kept.version, "0" * 64, kept.policy))
        with pytest.raises(IntegrityError, match="cut short"):
            store.verify(expected_head=StoreHead(99, kept.hash, kept.policy))


def test_a_store_with_a_key_is_read_with_it_and_appended_to_only_with_it(
    backend: Backend,
) -> None:
    ledger = backend.stored(key=KEY)
    more = ledger.record(IssueRaised("T0", "i1"), actor="econ", at=START)
    with backend.open(key=KEY) as store:
        assert store.load() == ledger
    with pytest.raises(IntegrityError, match="does not authenticate"):
        backend.open(key=b"x" * 32)
    with backend.open() as store:  # read without it, not appended to
        assert store.load() == ledger
        with pytest.raises(InvalidInputError, match="protected by a key"):
            store.save(more, expected_version=ledger.version)
    with backend.open(key=KEY) as store:
        assert store.save(more, expected_version=ledger.version) == more.version


def test_a_closed_store_says_so(backend: Backend) -> None:
    backend.stored()
    store = backend.open()
    store.close()
    for call in (lambda: store.version, store.load, store.verify, store.head):
        with pytest.raises(StoreError, match="closed"):
            call()


def test_creating_and_opening_are_different_calls(backend: Backend) -> None:
    with pytest.raises(StoreError, match="create"):
        backend.open()
    backend.stored()
    with pytest.raises(StoreError, match="already exists"):
        backend.create()


def test_a_store_opened_without_a_calendar_says_what_append_needs(backend: Backend) -> None:
    ledger = backend.stored()
    more = ledger.record(IssueRaised("T0", "i1"), actor="econ", at=START)
    with backend.open(calendar=None) as store:
        with pytest.raises(InvalidInputError, match="calendar"):
            store.append(more.entries_since(ledger.version), expected_version=ledger.version)
        assert store.save(more, expected_version=ledger.version) == more.version  # it has one


def test_a_database_holds_many_ledgers_each_its_own_chain(backend: Backend) -> None:
    offices = {f"{backend.ledger}-{n}": small_ledger(n) for n in (1, 2, 3)}
    for office, ledger in offices.items():
        with backend.create(office) as store:
            store.save(ledger, expected_version=0)
            assert store.ledger == office
    with backend.open(next(iter(offices)), mode="ro") as store:
        assert set(offices) <= set(store.ledgers())
        assert store.ledgers() == sorted(store.ledgers())
    first, second, _ = offices
    more = offices[first].record(IssueRaised("T0", "i1"), actor="econ", at=START)
    with backend.open(first) as a, backend.open(second) as b:
        assert a.save(more, expected_version=offices[first].version) == more.version
        assert b.version == offices[second].version  # another ledger, untouched
        other = Ledger(calendar=CAL).record(TaskAssigned(task("X")), actor="office", at=START)
        with pytest.raises(ConcurrencyError):  # versions are per ledger
            b.save(other, expected_version=0)
    for office, ledger in offices.items():
        with backend.open(office) as store:
            expected = more if office == first else ledger
            assert store.load() == expected
            assert store.verify(expected_head=store.head()) == expected.version
    with pytest.raises(StoreError, match="create"):
        backend.open(f"{backend.ledger}-none")
    with pytest.raises(StoreError, match="already exists"):
        backend.create(first)


# -- SQLite only ----------------------------------------------------------------------------------


def test_sqlite_writers_of_other_ledgers_take_turns_and_readers_never_wait(
    tmp_path: Path,
) -> None:
    """One SQLite file has one writer at a time: an append to ledger B waits (up to its
    ``timeout``) for a write transaction on the file to end, whichever ledger it is for, and
    then goes on; readers of any ledger never wait."""
    path = tmp_path / "offices.db"
    ledger = small_ledger()
    for office in ("a", "b"):
        with SQLiteStore.create(path, office, calendar=CAL) as store:
            store.save(ledger, expected_version=0)
    more = ledger.record(IssueRaised("T0", "i1"), actor="econ", at=START)
    slow = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    slow.execute("BEGIN IMMEDIATE")  # a writer in the middle of its transaction
    try:
        with SQLiteStore(path, "b", calendar=CAL, timeout=0.2) as store:
            assert store.load() == ledger
            with pytest.raises(ConcurrencyError, match="another writer holds"):
                store.save(more, expected_version=ledger.version)
        done = threading.Timer(0.3, lambda: slow.execute("ROLLBACK"))
        done.start()
        with SQLiteStore(path, "b", calendar=CAL, timeout=30) as store:
            assert store.save(more, expected_version=ledger.version) == more.version
        done.join()
    finally:
        slow.close()


def test_sqlite_a_file_of_the_previous_version_is_read_then_rewritten_by_the_first_write(
    tmp_path: Path,
) -> None:
    """golden/store_govops3.db: golden/ledger.json saved by govops as of c28fb48 (schema
    govops-store/3: one ledger, hashes as text, each prev_hash stored)."""
    path = tmp_path / "old.db"
    path.write_bytes((GOLDEN / "store_govops3.db").read_bytes())
    ledger = from_json((GOLDEN / "ledger.json").read_text(encoding="utf-8"), calendar=CAL)
    with SQLiteStore(path, mode="ro", calendar=CAL) as store:
        assert store.ledgers() == [DEFAULT_LEDGER]
        assert store.load() == ledger
        kept = store.head()
    with pytest.raises(StoreError, match="no ledger 'other'"):
        SQLiteStore(path, "other")
    with SQLiteStore.create(path, "other", calendar=CAL) as store:  # the first write
        assert store.ledgers() == [DEFAULT_LEDGER, "other"]
    ((schema,),) = sqlite3.connect(path).execute("SELECT value FROM meta WHERE key = 'schema'")
    assert schema == STORE_SCHEMA
    with SQLiteStore(path, calendar=CAL) as store:
        assert store.head() == kept
        assert store.verify(expected_head=kept) == ledger.version
        assert store.load() == ledger


# -- PostgreSQL only ------------------------------------------------------------------------------


@pytest.fixture
def conninfo(postgres: PostgresServer) -> str:
    return postgres.conninfo


def _office() -> str:
    return f"office-{uuid.uuid4().hex[:12]}"


def test_postgres_writers_of_other_ledgers_and_readers_never_wait(conninfo: str) -> None:
    """A transaction holding ledger A (as a slow writer would) stops A's other writers, after
    their timeout, with a ConcurrencyError; B's writers and A's readers go on at once."""
    a, b = _office(), _office()
    ledger = small_ledger()
    for office in (a, b):
        with PostgresStore.create(conninfo, office, calendar=CAL) as store:
            store.save(ledger, expected_version=0)
    more = ledger.record(IssueRaised("T0", "i1"), actor="econ", at=START)
    with psycopg.connect(conninfo) as slow:  # a transaction left open, its lock held
        slow.execute("SELECT 1 FROM govops_ledgers WHERE id = %s FOR UPDATE", (a,))
        with PostgresStore(conninfo, b, calendar=CAL, timeout=1) as store:
            assert store.save(more, expected_version=ledger.version) == more.version
        with PostgresStore(conninfo, a, calendar=CAL, timeout=1) as store:
            assert store.load() == ledger
            with pytest.raises(ConcurrencyError, match="lock timeout"):
                store.save(more, expected_version=ledger.version)
        slow.rollback()
    with PostgresStore(conninfo, a, calendar=CAL) as store:
        assert store.save(more, expected_version=ledger.version) == more.version


def test_postgres_writers_racing_on_one_ledger_store_each_entry_once(conninfo: str) -> None:
    office = _office()
    base = small_ledger()
    with PostgresStore.create(conninfo, office, calendar=CAL) as store:
        store.save(base, expected_version=0)
    outcomes: list[str] = []

    def write(n: int) -> None:
        with PostgresStore(conninfo, office, calendar=CAL) as store:
            mine = base.record(IssueRaised("T0", f"w{n}"), actor="econ", at=START)
            try:
                store.save(mine, expected_version=base.version)
                outcomes.append("stored")
            except ConcurrencyError:
                outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["stored"]
    with PostgresStore(conninfo, office, calendar=CAL) as store:
        assert store.verify() == base.version + 1


def test_postgres_a_server_restart_loses_nothing_acknowledged(postgres: PostgresServer) -> None:
    office = _office()
    ledger = small_ledger()
    with PostgresStore.create(postgres.conninfo, office, calendar=CAL) as store:
        store.save(ledger, expected_version=0)
        postgres.restart()
        more = ledger.record(IssueRaised("T0", "i1"), actor="econ", at=START)
        with pytest.raises(StoreError, match="connection to the server was lost"):
            store.save(more, expected_version=ledger.version)
        # The next call connects again; the append is repeated as it was.
        assert store.save(more, expected_version=ledger.version) == more.version
        assert store.load() == more


def test_postgres_bad_ledger_ids_and_connections_are_named(conninfo: str) -> None:
    for bad in ("", "a\nb", "x" * 201, "\udc80"):
        with pytest.raises(InvalidInputError, match="ledger="):
            PostgresStore(conninfo, bad)
    with pytest.raises(StoreError, match="cannot be reached"):
        PostgresStore("host=127.0.0.1 port=1 dbname=none", timeout=1)
    with pytest.raises(InvalidInputError, match="conninfo"):
        PostgresStore("host=127.0.0.1 ===")


def test_postgres_a_database_without_govops_tables_says_so(postgres: PostgresServer) -> None:
    name = f"empty_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres.conninfo, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        empty = postgres.conninfo.replace("dbname=postgres", f"dbname={name}")
        with pytest.raises(StoreError, match="tables are missing"):
            PostgresStore(empty)
        with PostgresStore.create(empty, calendar=CAL) as store:
            assert store.ledgers() == [DEFAULT_LEDGER]
    finally:
        with psycopg.connect(postgres.conninfo, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name}")


def test_postgres_a_full_disk_on_the_server_says_so_and_loses_nothing(
    postgres: PostgresServer,
) -> None:
    """The govops tables on a 1 MB disk of the server's (a tablespace on a tmpfs mount): the
    append that fills it is a StoreError saying so, and every acknowledged append loads back."""
    disk = postgres.root / f"small-{uuid.uuid4().hex[:8]}"
    disk.mkdir()
    owner = pwd.getpwnam(postgres.user)
    options = f"size=1m,mode=0700,uid={owner.pw_uid},gid={owner.pw_gid}"
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode:
        pytest.skip(f"mounting a small disk needs privileges: {mounted.stderr.strip()!r}")
    name = disk.name.replace("-", "_")
    admin = psycopg.connect(postgres.conninfo, autocommit=True)
    try:
        admin.execute(f"CREATE TABLESPACE {name} LOCATION '{disk}'")
        admin.execute(f"CREATE DATABASE {name}")
        admin.execute(f"ALTER DATABASE {name} SET default_tablespace = {name}")
        dsn = postgres.conninfo.replace("dbname=postgres", f"dbname={name}")
        acknowledged = small_ledger(1)
        message = ""
        with PostgresStore.create(dsn, calendar=CAL) as store:
            store.save(acknowledged, expected_version=0)
            for n in range(1_000):
                nxt = acknowledged
                for i in range(10):  # random text: the server cannot compress it away
                    note = secrets.token_hex(2_000)
                    event = IssueRaised("T0", f"{n}-{i}", description=note)
                    nxt = nxt.record(event, actor="x", at=START)
                try:
                    store.save(nxt, expected_version=acknowledged.version)
                except StoreError as exc:
                    message = str(exc)
                    break
                acknowledged = nxt
            assert "disk is full" in message
            assert acknowledged.version > 3  # some appends went in first
            assert store.version == acknowledged.version
        with PostgresStore(dsn, calendar=CAL, mode="ro") as store:
            assert store.load() == acknowledged
            assert store.verify() == acknowledged.version
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"DROP TABLESPACE IF EXISTS {name}")
        admin.close()
        subprocess.run(["umount", str(disk)], check=False)


def test_postgres_keeps_its_tables_in_the_connection_s_schema(postgres: PostgresServer) -> None:
    schema = f"city_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres.conninfo, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    dsn = f"{postgres.conninfo} options='-c search_path={schema}'"
    ledger = small_ledger()
    with PostgresStore.create(dsn, "roads", calendar=CAL, timeout=5) as store:
        store.save(ledger, expected_version=0)
        assert store.ledgers() == ["roads"]  # only this schema's
    with psycopg.connect(postgres.conninfo) as conn:
        ((count,),) = conn.execute(f"SELECT count(*) FROM {schema}.govops_events").fetchall()
    assert count == ledger.version
    with PostgresStore(dsn, "roads", calendar=CAL) as store:
        assert store.load() == ledger


@pytest.mark.skipif(
    sys.platform != "linux" or platform.machine() != "x86_64" or sys.version_info >= (3, 13),
    reason="the pgserver wheel, a test dependency there, is built for Linux x86_64, Python < 3.13",
)
def test_postgres_the_bundled_server_serves_a_store() -> None:
    """Where the machine has no PostgreSQL, the tests run the one the pgserver wheel brings: it
    starts (as an unprivileged user when the tests run as root) and keeps a ledger."""
    found = bundled()
    assert found is not None, "the pgserver wheel of the test dependencies is not installed"
    ledger = small_ledger()
    with running(found) as server:
        with PostgresStore.create(server.conninfo, calendar=CAL) as store:
            store.save(ledger, expected_version=0)
        with PostgresStore(server.conninfo, calendar=CAL, mode="ro") as store:
            assert store.load() == ledger
