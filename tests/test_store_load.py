"""Many writer processes on many ledgers, with readers, on each backend: nothing acknowledged is
lost, nothing stored was not acknowledged, every conflict is a ConcurrencyError, and on PostgreSQL
a server restart in the middle loses nothing acknowledged.

``make test-slow`` runs the full load (8 writers on 100 ledgers and 2 on one, for 60 s, with two
readers); ``make test`` runs a small sample. The figures of the full run are in
``docs/performance.md``; ``python tests/test_store_load.py`` prints them.
"""

from __future__ import annotations

import collections
import datetime as dt
import multiprocessing
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from govops.exceptions import ConcurrencyError, GovopsError
from govops.store import PostgresStore, SQLiteStore, Store
from govops.tasks import IssueRaised, Ledger
from postgres_server import PostgresServer, running
from test_store import CAL, START, small_ledger

BASE = small_ledger(1)  # every ledger starts with one task, accepted


@attrs.frozen
class Load:
    ledgers: int  # the ledgers the spread writers pick from
    spread: int  # writer processes on those ledgers
    hot: int  # writer processes on one ledger of its own
    readers: int
    seconds: float


FULL = Load(ledgers=100, spread=8, hot=2, readers=2, seconds=60)
SAMPLE = Load(ledgers=10, spread=1, hot=2, readers=1, seconds=3)
HOT = "hot"


def _open(kind: str, place: str, ledger: str, **kw: Any) -> Store:
    if kind == "sqlite":
        return SQLiteStore(place, ledger, calendar=CAL, timeout=60, **kw)
    return PostgresStore(place, ledger, calendar=CAL, timeout=60, **kw)


def _start(clock: Any) -> float:
    """Say this process is ready and wait for every other: the time to stop at."""
    ready, shared = clock
    ready.put(1)
    while "until" not in shared:
        time.sleep(0.01)
    return float(shared["until"])


def _save(store: Store, nxt: Ledger, version: int, until: float) -> int:
    """Save ``nxt`` after ``version``, repeating the append as it was while its outcome is
    unknown (the connection lost); return how many times it was repeated."""
    repeats = 0
    while True:
        try:
            store.save(nxt, expected_version=version)
        except ConcurrencyError:  # noqa: PERF203 (a retry loop: the exception is the point)
            raise
        except GovopsError:
            if time.time() > until + 60:
                raise
            repeats += 1
            time.sleep(0.2)
        else:
            return repeats


def _writer(kind: str, place: str, ledgers: list[str], clock: Any, seed: int) -> dict[str, Any]:
    """Append one event at a time to a ledger picked at random until the clock's end; return
    what was acknowledged (ledger, version, hash), the conflicts and the errors met."""
    rng = random.Random(seed)
    until = _start(clock)
    known: dict[str, Ledger] = {}
    # The stores last used stay open, as a service keeps its connections: up to 8 a process.
    stores: collections.OrderedDict[str, Store] = collections.OrderedDict()
    acked: list[tuple[str, int, str]] = []
    conflicts = lost = 0
    other: list[str] = []
    n = 0
    while time.time() < until:
        name = rng.choice(ledgers)
        try:
            store = stores.pop(name, None) or _open(kind, place, name)
            stores[name] = store
            ledger = known.get(name) or store.load()
            n += 1
            at = START + dt.timedelta(seconds=ledger.version)
            nxt = ledger.record(IssueRaised("T0", f"w{seed}-{n}"), actor=f"w{seed}", at=at)
            lost += _save(store, nxt, ledger.version, until)
            known[name] = nxt
            acked.append((name, nxt.version, nxt.head_hash))
        except ConcurrencyError:
            conflicts += 1
            known.pop(name, None)
        except GovopsError as exc:  # the server gone for longer than a restart takes
            lost += 1
            other.append(repr(exc))
            known.pop(name, None)
            time.sleep(0.2)
        if len(stores) > 8:
            stores.popitem(last=False)[1].close()
    for store in stores.values():
        store.close()
    return {"acked": acked, "conflicts": conflicts, "lost": lost, "other": other}


def _read(kind: str, place: str, name: str) -> bool:
    """Load and verify the ledger ``name``; False when the server could not be reached."""
    try:
        with _open(kind, place, name, mode="ro") as store:
            store.load().verify()
    except GovopsError:  # a server restart: the reader tries again
        time.sleep(0.2)
        return False
    return True


def _reader(kind: str, place: str, ledgers: list[str], clock: Any, seed: int) -> dict[str, Any]:
    """Load and verify ledgers picked at random until the clock's end."""
    rng = random.Random(seed)
    until = _start(clock)
    loads = errors = 0
    while time.time() < until:
        if _read(kind, place, rng.choice(ledgers)):
            loads += 1
        else:
            errors += 1
    return {"loads": loads, "errors": errors}


def run(kind: str, place: str, load: Load, server: PostgresServer | None = None) -> dict[str, Any]:
    """Run ``load`` on a fresh set of ledgers; check what is stored; return the figures."""
    spread = [f"office-{i:03d}" for i in range(load.ledgers)]
    for name in [*spread, HOT]:
        with (SQLiteStore if kind == "sqlite" else PostgresStore).create(
            place, name, calendar=CAL
        ) as store:
            store.save(BASE, expected_version=0)
    ctx = multiprocessing.get_context("spawn")
    jobs = [("w", spread)] * load.spread + [("w", [HOT])] * load.hot
    jobs += [("r", [*spread, HOT])] * load.readers
    with ctx.Manager() as manager, ctx.Pool(len(jobs)) as pool:
        ready, shared = manager.Queue(), manager.dict()
        clock = (ready, shared)
        results = [
            pool.apply_async(_writer if role == "w" else _reader, (kind, place, names, clock, i))
            for i, (role, names) in enumerate(jobs)
        ]
        for _ in jobs:  # every process started: the clock runs from here
            ready.get(timeout=300)
        shared["until"] = time.time() + load.seconds
        restarted = False
        if server is not None:
            time.sleep(load.seconds / 2)
            server.restart()
            restarted = True
        done = [r.get(timeout=load.seconds + 300) for r in results]
    writers = [d for d in done if "acked" in d]
    acked = collections.Counter(a for d in writers for a in d["acked"])
    assert all(count == 1 for count in acked.values()), "an event was acknowledged twice"
    stored = 0
    for name in [*spread, HOT]:
        with _open(kind, place, name, mode="ro") as store:
            ledger = store.load()
            assert store.verify() == ledger.version
        mine = {v: h for (n, v, h) in acked if n == name}
        for version, digest in mine.items():
            assert ledger.hash_at(version) == digest, f"{name} lost version {version}"
        assert ledger.version - BASE.version == len(mine), f"{name} holds unacknowledged events"
        stored += ledger.version - BASE.version
    assert stored == len(acked)
    assert not [e for d in writers for e in d["other"] if "ConcurrencyError" in e]
    hot = sum(1 for (n, _, _) in acked if n == HOT)
    return {
        "backend": kind,
        "acknowledged": len(acked),
        "per_second": len(acked) / load.seconds,
        "hot_ledger": hot,
        "conflicts": sum(d["conflicts"] for d in writers),
        "retried_after_lost_connection": sum(d["lost"] for d in writers),
        "reader_loads": sum(d["loads"] for d in done if "loads" in d),
        "restarted": restarted,
    }


@pytest.fixture(params=["sqlite", "postgres"])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str, Any]]:
    if request.param == "sqlite":
        path = tmp_path / "offices.db"
        SQLiteStore.create(path, "seed", calendar=CAL).close()
        yield "sqlite", str(path), None
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    yield "postgres", _fresh_database(server), server


def _fresh_database(server: PostgresServer) -> str:
    import psycopg

    name = f"load_{random.randrange(10**9)}"
    with psycopg.connect(server.conninfo, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return server.conninfo.replace("dbname=postgres", f"dbname={name}")


def test_writers_and_readers_lose_nothing_sample(place: tuple[str, str, Any]) -> None:
    kind, where, server = place
    figures = run(kind, where, SAMPLE, server)
    assert figures["acknowledged"] > 0 and figures["reader_loads"] > 0


@pytest.mark.slow
def test_writers_and_readers_lose_nothing(place: tuple[str, str, Any]) -> None:
    kind, where, server = place
    figures = run(kind, where, FULL, server)
    assert figures["acknowledged"] > 0 and figures["reader_loads"] > 0


if __name__ == "__main__":  # the figures of docs/performance.md
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        SQLiteStore.create(Path(tmp) / "offices.db", "seed", calendar=CAL).close()
        print(run("sqlite", str(Path(tmp) / "offices.db"), FULL), flush=True)  # noqa: T201
    with running() as server:
        print(run("postgres", _fresh_database(server), FULL, server))  # noqa: T201
    sys.exit(0)
