"""The record's promises on PostgreSQL where the store suites leave a gap: a database that lost
rows or one of govops' tables is refused when opened, an altered row is found, a serialization
failure is a :class:`~govops.exceptions.ConcurrencyError` and the retry goes in, a store is
shared by threads, and events of an older shape load through their upcaster."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

from govops.exceptions import ConcurrencyError, IntegrityError, StoreError
from govops.serialization import from_json
from govops.store import PostgresStore
from govops.tasks import IssueRaised, Ledger
from postgres_server import PostgresServer
from test_store import CAL, START, small_ledger

TESTS = Path(__file__).parent


@pytest.fixture
def conninfo(postgres: PostgresServer) -> str:
    return postgres.conninfo


def _pg(conninfo: str, sql: str, *args: Any) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql, args)


def _pg_stored(conninfo: str, ledger: Ledger | None = None) -> tuple[str, Ledger]:
    office = f"office-{uuid.uuid4().hex[:12]}"
    ledger = small_ledger() if ledger is None else ledger
    with PostgresStore.create(conninfo, office, calendar=CAL) as store:
        store.save(ledger, expected_version=0)
    return office, ledger


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM govops_events WHERE ledger = %s", "holds 0 entries but its head"),
        ("DELETE FROM govops_events WHERE ledger = %s AND version = 4", "numbered 1 to 9"),
        ("UPDATE govops_events SET version = version + 100 WHERE ledger = %s", "numbered 101"),
        ("UPDATE govops_ledgers SET head = '{' WHERE id = %s", "head recorded .* cannot be read"),
        ("UPDATE govops_ledgers SET policy = '{}' WHERE id = %s", "policy stored"),
    ],
)
def test_postgres_a_ledger_that_lost_or_moved_rows_is_refused_when_opened(
    conninfo: str, sql: str, message: str
) -> None:
    office, _ = _pg_stored(conninfo)
    _pg(conninfo, sql, office)
    with pytest.raises(IntegrityError, match=message):
        PostgresStore(conninfo, office, calendar=CAL)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("UPDATE govops_events SET event = replace(event, '10.0', '11.0')", "seq=6 hashes to"),
        ("UPDATE govops_events SET event = repeat('[', 100000)", "seq=6 .* cannot be read"),
        ("UPDATE govops_events SET at = 'yesterday'", "seq=6 .* cannot be read"),
        ("UPDATE govops_events SET actor = ''", "seq=6"),
        ("UPDATE govops_events SET hash = '\\x00'", "seq=6 hashes to"),
    ],
)
def test_postgres_an_altered_row_is_found_by_load_and_verify(
    conninfo: str, sql: str, message: str
) -> None:
    office, _ = _pg_stored(conninfo)
    _pg(conninfo, f"{sql} WHERE ledger = %s AND version = 6", office)
    with PostgresStore(conninfo, office, calendar=CAL) as store:
        with pytest.raises(IntegrityError, match=message):
            store.load()
        with pytest.raises(IntegrityError, match="seq=6"):
            store.verify()


@pytest.mark.parametrize("table", ["govops_events", "govops_ledgers", "govops_meta"])
def test_postgres_a_database_that_lost_one_of_the_tables_is_refused(
    postgres: PostgresServer, table: str
) -> None:
    name = f"lost_{uuid.uuid4().hex[:8]}"
    _pg(postgres.conninfo, f"CREATE DATABASE {name}")
    try:
        dsn = postgres.conninfo.replace("dbname=postgres", f"dbname={name}")
        with PostgresStore.create(dsn, calendar=CAL) as store:
            store.save(small_ledger(), expected_version=0)
        _pg(dsn, f"DROP TABLE {table} CASCADE")
        with pytest.raises(IntegrityError, match=f"lost .*{table}"):
            PostgresStore(dsn, calendar=CAL)
    finally:
        _pg(postgres.conninfo, f"DROP DATABASE {name} WITH (FORCE)")


def test_postgres_a_serialization_failure_is_a_concurrency_error_and_a_retry_goes_in(
    conninfo: str,
) -> None:
    """A host that runs every transaction SERIALIZABLE: an append that waited for another
    transaction which changed the ledger's row fails to serialize; nothing is written, and the
    same append repeated goes in."""
    office, ledger = _pg_stored(conninfo)
    serializable = f"{conninfo} options='-c default_transaction_isolation=serializable'"
    more = ledger.record(IssueRaised("T0", "i1"), actor="econ", at=START)
    outcomes: list[object] = []
    with (
        psycopg.connect(conninfo) as other,
        PostgresStore(serializable, office, calendar=CAL) as store,
    ):
        other.execute("UPDATE govops_ledgers SET head = head WHERE id = %s", (office,))

        def append() -> None:
            try:
                outcomes.append(store.save(more, expected_version=ledger.version))
            except ConcurrencyError as exc:
                outcomes.append(exc)

        writer = threading.Thread(target=append)
        writer.start()
        while not _waiting_for_a_lock(conninfo):
            assert writer.is_alive(), outcomes
            time.sleep(0.05)
        other.commit()
        writer.join()
        (outcome,) = outcomes
        assert isinstance(outcome, ConcurrencyError)
        assert "serialization failure" in str(outcome) and "nothing was written" in str(outcome)
        assert store.version == ledger.version
        assert store.save(more, expected_version=ledger.version) == more.version
        assert store.load() == more


def _waiting_for_a_lock(conninfo: str) -> bool:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        ((waiting,),) = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE application_name = 'govops' AND wait_event_type = 'Lock'"
        ).fetchall()
    return bool(waiting)


def test_postgres_a_store_works_from_other_threads_and_says_when_closed(conninfo: str) -> None:
    office, ledger = _pg_stored(conninfo)
    with PostgresStore(conninfo, office, calendar=CAL) as store:

        def work(name: str) -> None:
            for _ in range(4):
                while True:
                    current = store.load()
                    event = IssueRaised("T0", f"{name}-{current.version}")
                    try:
                        store.save(
                            current.record(event, actor=name, at=START),
                            expected_version=current.version,
                        )
                        break
                    except ConcurrencyError:
                        continue

        threads = [threading.Thread(target=work, args=(n,)) for n in "abc"]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert store.verify() == ledger.version + 12
    with pytest.raises(StoreError, match="closed"):
        store.load()
    with pytest.raises(StoreError, match="closed"):
        store.save(ledger, expected_version=ledger.version)


def test_postgres_events_of_an_older_shape_load_through_their_upcaster(conninfo: str) -> None:
    import test_upcasting  # registers the second shape of test_site_visit and its upcaster

    text = (TESTS / "golden" / "upcast_site_visit_v1.json").read_text(encoding="utf-8")
    ledger: Ledger = from_json(text, calendar=CAL)
    office, _ = _pg_stored(conninfo, ledger)
    with PostgresStore(conninfo, office, calendar=CAL) as store:
        loaded = store.load()
        assert loaded == ledger and store.verify() == ledger.version
    assert test_upcasting.SiteVisit("T0", "北桥") in [e.event for e in loaded.entries]
