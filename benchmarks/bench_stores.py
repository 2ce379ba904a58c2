"""The two stores side by side: SQLite and PostgreSQL, appending and replaying the same ledger.

Plain script: ``python benchmarks/bench_stores.py [n_tasks]``. It records the ledger of
``benchmarks/bench_ledger.py`` (``n_tasks`` tasks x 10 events, default 20,000: 200,000 entries),
starts a throwaway PostgreSQL server (``tests/postgres_server.py``, the one the tests start:
``initdb`` in a temporary folder, ``fsync=off``, run as ``nobody`` when the benchmark runs as
root), and on each backend times:

* appending every entry in batches of 1,000, one transaction each (the SQLite target of the
  ledger benchmark: >= 5,000 events/s);
* appending 2,000 entries one per transaction, as a service recording each event as it happens
  (SQLite target >= 5,000 events/s);
* a full replay with the hash chain verified (``load(from_snapshot=False)``: every entry), in a
  fresh process as a host starting up would (median of 3); ``bench_snapshots.py`` times a load
  from a snapshot on both.

Both stores run on this machine: the PostgreSQL server shares its cores with the benchmark, and
each of its operations is a round trip over a local TCP connection. The last column is the ratio
PostgreSQL/SQLite (above 1: PostgreSQL is faster). Targets are the SQLite ones of
docs/performance.md; nothing sets one for PostgreSQL. The load average is printed, since on a
shared machine absolute times rise with it.

Where psycopg or the PostgreSQL binaries are missing, the script says how to install them and
exits with status 2.
"""

from __future__ import annotations

import gc as garbage
import importlib.util
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from bench_ledger import CAL, _load_average, build
from govops.store import PostgresStore, SQLiteStore, Store
from govops.tasks import Entry, Ledger

BATCH = 1_000
SINGLE = 2_000
_SERVER = Path(__file__).resolve().parent.parent / "tests" / "postgres_server.py"


def _server_module() -> ModuleType:
    """``tests/postgres_server.py``, loaded by path: it is test support, not part of the library."""
    spec = importlib.util.spec_from_file_location("postgres_server", _SERVER)
    if spec is None or spec.loader is None:
        raise SystemExit(f"bench_stores: cannot read {_SERVER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _missing(server: ModuleType) -> str | None:
    """What is missing to run the PostgreSQL half, and how to install it; ``None`` if nothing."""
    if importlib.util.find_spec("psycopg") is None:
        return (
            "psycopg is not installed: `make bench` installs it (the test extra), or "
            "`pip install 'govops[postgres]'` (psycopg[binary] with its own libpq)"
        )
    if server.binaries() is None:
        return (
            "no PostgreSQL binaries (initdb, pg_ctl, postgres) on PATH, in "
            "/usr/lib/postgresql/<version>/bin or /usr/local/bin: install PostgreSQL "
            "(e.g. `apt-get install postgresql`), or the pgserver wheel of the test extra "
            "(Linux x86_64, Python < 3.13), which `make bench` installs"
        )
    return None


def _postgres_version(server: ModuleType) -> str:
    """What ``postgres --version`` says (``postgres (PostgreSQL) 15.18``, say) and where the
    binaries are."""
    folder = server.binaries()
    found = subprocess.run(
        [str(folder / "postgres"), "--version"], capture_output=True, text=True, check=False
    )
    return f"{found.stdout.strip() or 'postgres of unknown version'} in {folder}"


def _open(backend: str, where: str, ledger: str, *, create: bool) -> Store:
    """The store of ``ledger`` at ``where`` (an SQLite file or a libpq connection string)."""
    kind = SQLiteStore if backend == "sqlite" else PostgresStore
    if create:  # without the snapshots a store keeps by itself: these rows time the entries
        return kind.create(where, ledger, calendar=CAL, snapshot_every=None)
    return kind(where, ledger, calendar=CAL)


def _timed(fn: Callable[[], object]) -> float:
    garbage.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _appends(backend: str, where: str, entries: list[Entry]) -> tuple[float, float]:
    """Events per second appending ``entries`` in batches of :data:`BATCH` to a new ledger, and
    appending the first :data:`SINGLE` of them one per transaction to another."""
    with _open(backend, where, "bench", create=True) as store:

        def batches() -> None:
            for lo in range(0, len(entries), BATCH):
                store.append(entries[lo : lo + BATCH], expected_version=lo)

        batched = len(entries) / _timed(batches)
    n_single = min(SINGLE, len(entries))
    with _open(backend, where, "single", create=True) as store:

        def singles() -> None:
            for k in range(n_single):
                store.append(entries[k : k + 1], expected_version=k)

        single = n_single / _timed(singles)
    return batched, single


def _replays(backend: str, where: str, runs: int) -> tuple[list[float], int, str]:
    """How long ``runs`` verified full replays of the ledger ``bench`` take (run in a fresh
    process), with the version and head hash of what the last one loaded."""
    times: list[float] = []
    loaded: list[Ledger] = []
    with _open(backend, where, "bench", create=False) as store:
        for _ in range(runs):
            loaded.clear()  # one ledger held at a time, as a host holds one
            times.append(_timed(lambda: loaded.append(store.load(from_snapshot=False))))
    return times, loaded[0].version, loaded[0].head_hash


def main(n_tasks: int) -> int:
    server = _server_module()
    missing = _missing(server)
    if missing is not None:
        print(f"bench_stores: cannot compare the stores: {missing}", file=sys.stderr)
        return 2

    load_before = _load_average()
    ledger = build(n_tasks)
    entries = ledger.entries
    n = len(entries)
    spawn = multiprocessing.get_context("spawn")
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, server.running() as postgres:
        for backend, where in (
            ("sqlite", str(Path(tmp) / "bench.db")),
            ("postgres", postgres.conninfo),
        ):
            batched, single = _appends(backend, where, entries)
            with spawn.Pool(1) as pool:
                times, version, head = pool.apply(_replays, (backend, where, 3))
            if (version, head) != (ledger.version, ledger.head_hash):
                raise SystemExit(f"bench_stores: {backend} did not load back the ledger it stored")
            figures[backend] = {
                "batch": batched,
                "single": single,
                "replay": n / statistics.median(times),
            }

    rows: list[tuple[str, ...]] = []
    targets = {"batch": 5_000, "single": 5_000, "replay": None}
    for key, name in (
        ("batch", f"append, batches of {BATCH:,} (events/s)"),
        ("single", f"append, one event per commit, {min(SINGLE, n):,} events (events/s)"),
        ("replay", "full replay + verify, load(), fresh process (events/s)"),
    ):
        lite, pg = figures["sqlite"][key], figures["postgres"][key]
        target = targets[key]
        rows.append(
            (
                name,
                f"{lite:,.0f}",
                f"{pg:,.0f}",
                f"{pg / lite:.2f}",
                "-" if target is None else f">= {target:,}/s",
                "" if target is None else ("PASS" if lite >= target else "FAIL"),
            )
        )
    header = ("benchmark", "SQLite", "PostgreSQL", "PG/SQLite", "SQLite target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(
        f"store benchmarks: {n_tasks:,} tasks x 10 events ({n:,} entries), Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, {_postgres_version(server)}, "
        f"load average {load_before} at the start"
    )
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(f"load average {_load_average()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000))
