"""Start-up and save at scale: loading from a snapshot, and the memory a save takes.

Plain script: ``python benchmarks/bench_snapshots.py [n_tasks]``. It records the ledger of
``benchmarks/bench_ledger.py`` (``n_tasks`` tasks x 10 events, default 100,000: 1,000,000
entries), saves it to an SQLite store and keeps a snapshot there, then, each in a fresh process
as a host starting up would:

* loads the store from its snapshot (target <= 0.3 s, the first load in the process and the
  median of three more), beside a load that replays every entry,
  and times what a host pays after it: opening the store (which counts its rows) and the first
  query that reads every task (which builds them from the snapshot's columns);
* the same on PostgreSQL: saves the ledger to a throwaway server (``tests/postgres_server.py``,
  as ``bench_stores.py`` starts it), keeps a snapshot there and loads from it in a fresh process
  (no target: the server shares the machine's cores, each of its reads a local round trip;
  skipped, saying why, where psycopg or the PostgreSQL binaries are missing);
* loads the ledger (replaying every entry, hashes verified; then again from the snapshot) and
  saves it to a new store, measuring the process's peak resident memory (``VmHWM`` on Linux,
  else ``resource.getrusage``; target <= 300 MB) once loaded and after the save, and what the
  save itself allocates at its peak (``tracemalloc``, in another fresh process): the save reads
  the entries a chunk at a time rather than all at once, so what it allocates does not grow
  with the ledger.

Each line says PASS or FAIL against its target; the load average is printed, since on a shared
machine absolute times rise with it.
"""

from __future__ import annotations

import contextlib
import gc as garbage
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from bench_ledger import CAL, _load_average, build
from bench_stores import _missing, _server_module
from govops.store import EventStore, PostgresStore, Store
from govops.tasks import Ledger


def _open(place: str) -> Store:
    """The store at ``place``: an SQLite file, or a libpq connection string."""
    if place.startswith("host="):
        return PostgresStore(place, calendar=CAL)
    return EventStore(place, calendar=CAL)


def _loads(place: str, runs: int) -> dict[str, float]:
    """Median times of loads of the store at ``place``, and the time of the first load of the
    process (run in a fresh one)."""
    times: dict[str, list[float]] = {
        "snapshot": [],
        "snapshot, verify=False": [],
        "full": [],
        "open": [],
        "first load": [],
        "first query": [],
    }
    for _ in range(runs):
        garbage.collect()
        start = time.perf_counter()
        with _open(place) as store:
            times["open"].append(time.perf_counter() - start)
            start = time.perf_counter()
            ledger = store.load()
            times["first load"].append(time.perf_counter() - start)
            start = time.perf_counter()
            ledger.task_ids  # noqa: B018 - the first read of every task builds them
            times["first query"].append(time.perf_counter() - start)
        ledger = None
    with _open(place) as store:
        for _ in range(runs):
            for name, kwargs in (
                ("snapshot", {}),
                ("snapshot, verify=False", {"verify": False}),
            ):
                garbage.collect()
                start = time.perf_counter()
                store.load(**kwargs)  # type: ignore[arg-type]
                times[name].append(time.perf_counter() - start)
                assert store.last_load is not None and store.last_load.snapshot is not None
        garbage.collect()
        start = time.perf_counter()
        store.load(verify=False, from_snapshot=False)
        times["full"].append(time.perf_counter() - start)
    first = times.pop("first load")[0]  # the process's first: what a host starting up waits for
    return {
        "first load": first,
        **{name: statistics.median(found) for name, found in times.items()},
    }


def _peak_mb() -> float:
    """The peak resident memory of this process so far, in MB. Linux's ``VmHWM`` when there is
    one: ``getrusage`` keeps, in a process started by another (as the pools here start theirs),
    the peak of the process it was forked from, here the one that built the whole ledger."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _save_memory(path: str, target: str, from_snapshot: bool) -> tuple[float, float, float]:
    """Load the store at ``path`` and save the ledger to a new store at ``target`` (in a fresh
    process): the peak resident memory of the process in MB once loaded and after the save, and
    how long the save took (s)."""
    with EventStore(path, calendar=CAL) as store:
        ledger = store.load(from_snapshot=from_snapshot)
    garbage.collect()
    before = _peak_mb()
    start = time.perf_counter()
    with EventStore.create(target, calendar=CAL, snapshot_every=None) as store:
        store.save(ledger, expected_version=0)
    took = time.perf_counter() - start
    after = _peak_mb()
    return before, after, took


def _save_allocation(path: str, target: str) -> float:
    """Load the store at ``path`` and save the ledger to a new store at ``target`` (in a fresh
    process): the peak the save allocated, in MB (tracemalloc)."""
    with EventStore(path, calendar=CAL) as store:
        ledger = store.load(from_snapshot=False)
    garbage.collect()
    tracemalloc.start()
    with EventStore.create(target, calendar=CAL, snapshot_every=None) as store:
        store.save(ledger, expected_version=0)
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _postgres(ledger: Ledger, report: Callable[[str, str, str, bool | None], None]) -> None:
    """The PostgreSQL rows: ``ledger`` saved to a throwaway server, a snapshot kept there, loads
    from it in a fresh process."""
    server = _server_module()
    missing = _missing(server)
    if missing is not None:
        report("PostgreSQL", f"not measured: {missing}", "-", None)
        return
    with server.running() as postgres:
        with PostgresStore.create(postgres.conninfo, calendar=CAL, snapshot_every=None) as store:
            start = time.perf_counter()
            store.save(ledger, expected_version=0)
            took = time.perf_counter() - start
            report(f"PostgreSQL: save {ledger.version:,} entries", f"{took:.1f} s", "-", None)
            start = time.perf_counter()
            store.snapshot()
            took = time.perf_counter() - start
            report("PostgreSQL: keep a snapshot", f"{took:.2f} s", "-", None)
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            times = pool.apply(_loads, (postgres.conninfo, 3))
    t = times["first load"]
    report(
        "PostgreSQL: load from the snapshot, the first in a fresh process", f"{t:.3f} s", "-", None
    )
    t = times["snapshot"]
    report("  the same, again (median of 3)", f"{t:.3f} s", "-", None)
    t = times["snapshot, verify=False"]
    report("  the same, verify=False", f"{t:.3f} s", "-", None)
    report("  full replay, verify=False (for comparison)", f"{times['full']:.2f} s", "-", None)


def main(n_tasks: int) -> None:
    rows: list[tuple[str, str, str, str]] = []

    def report(name: str, value: str, target: str, ok: bool | None) -> None:
        rows.append((name, value, target, "" if ok is None else ("PASS" if ok else "FAIL")))

    load_before = _load_average()
    ledger = build(n_tasks)
    n = ledger.version
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.db")
        with EventStore.create(path, calendar=CAL, snapshot_every=None) as store:
            start = time.perf_counter()
            store.save(ledger, expected_version=0)
            report(f"save {n:,} entries", f"{time.perf_counter() - start:.1f} s", "-", None)
            start = time.perf_counter()
            store.snapshot()
            report("keep a snapshot", f"{time.perf_counter() - start:.2f} s", "-", None)
            found = next(store._connection().execute("SELECT length(body) FROM snapshots"))[0]
            report("snapshot size", f"{found / n_tasks:,.0f} B per task", "-", None)
        with spawn.Pool(1) as pool:
            times = pool.apply(_loads, (path, 3))
        t = times["first load"]
        report(
            "load from the snapshot, the first in a fresh process",
            f"{t:.3f} s",
            "<= 0.3 s",
            t <= 0.3,
        )
        t = times["snapshot"]
        report("  the same, again (median of 3)", f"{t:.3f} s", "<= 0.3 s", t <= 0.3)
        t = times["snapshot, verify=False"]
        report("  the same, verify=False", f"{t:.3f} s", "-", None)
        report("  full replay, verify=False (for comparison)", f"{times['full']:.2f} s", "-", None)
        t = times["open"]
        report("  opening the store before (counts its rows)", f"{t:.3f} s", "-", None)
        t = times["first query"]
        report("  first read of every task after (builds them)", f"{t:.3f} s", "-", None)
        _postgres(ledger, report)
        ledger = None
        for name, from_snapshot in (("full replay", False), ("from the snapshot", True)):
            with spawn.Pool(1) as pool:
                before, after, took = pool.apply(
                    _save_memory, (path, str(Path(tmp) / f"copy{from_snapshot}.db"), from_snapshot)
                )
            report(
                f"load ({name}), save to a new store: peak resident memory",
                f"{after:,.0f} MB (once loaded: {before:,.0f} MB)",
                "<= 300 MB",
                after <= 300,
            )
            report("  the save itself", f"{took:.1f} s", "-", None)
        with spawn.Pool(1) as pool:
            peak = pool.apply(_save_allocation, (path, str(Path(tmp) / "again.db")))
        report("  what the save allocates at its peak", f"{peak:.1f} MB", "-", None)

    header = ("benchmark", "measured", "target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    print(
        f"snapshot benchmarks: {n_tasks:,} tasks x 10 events, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {load_before} at the start"
    )
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(f"load average {_load_average()} at the end")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
