"""Ledger benchmarks (issue 4): projections, queries, memory, SQLite append and replay.

Plain script: ``python benchmarks/bench_ledger.py [n_tasks]``. It builds a ledger of ``n_tasks``
(default 100,000) tasks with 10 events each, then times (median of several runs, perf_counter):

* building the projections from the recorded entries (target <= 2 s);
* the overdue and warning queries at ``now``, first after each of the three builds and repeated
  (target <= 100 ms);
* the memory the projections take per task (tracemalloc; target <= 2 KB), the whole ledger
  including its entries and hashes per task as loaded from the store (held to the same 2 KB) and,
  for information, as recorded (which also counts objects the benchmark made: see
  docs/performance.md), and what reading every entry of a loaded ledger costs (they are kept in
  columns and built when read);
* the memory and replay speed of a 5,000-task sample whose every entry has its own time, beside
  the same sample with the times above (2 in 10 distinct): each distinct time is one more object
  to parse and keep;
* appending to the SQLite store (target >= 5,000 events/s) and replaying from it
  (target >= 100,000 events/s), in a fresh process as a host starting up would, and for
  comparison in the benchmark's own process, which holds the recorded ledger.

Each line says PASS or FAIL against its target; the header and the footer give the load average,
since on a shared machine absolute times rise with it.
"""

from __future__ import annotations

import datetime as dt
import gc as garbage
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import govops.calendars as gc
from govops.store import EventStore
from govops.tasks import (
    Category,
    Deadline,
    IssueRaised,
    Ledger,
    Person,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    Unit,
)

CAL = gc.calendar("CN")
CST = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 1, 5, 9, tzinfo=CST)
NOW = dt.datetime(2026, 7, 15, 9, tzinfo=CST)
UNITS = [Unit(f"u{i}", f"Unit {i}") for i in range(50)]
LEADERS = [Person(f"p{i}", f"Leader {i}") for i in range(20)]


def build(n_tasks: int, *, distinct_times: bool = False) -> Ledger:
    """A ledger of ``n_tasks`` tasks x 10 events, recorded through ``Ledger.record``.

    Due dates spread from March to December; progress is reported every four weeks until mid-July,
    in step with the time elapsed for 6 tasks in 7 and at 60% of that pace for the rest; 9 in 10 of
    the tasks due by then are completed. At NOW (mid-July) this gives a plausible mix of
    red, yellow and blue lights rather than a ledger where everything is on fire.

    A task's assignment and acceptance share a time, and each round of reports is entered at one
    time (a monthly update keyed in at once): 2 times in 10 are distinct. With ``distinct_times``
    every entry has its own time, a microsecond after the one before in its round, as a host
    recording each event when it happens would give them.
    """

    def when(at: dt.datetime, k: int) -> dt.datetime:
        """``k`` microseconds after ``at`` with distinct times, else ``at`` itself (adding a zero
        delta would still make a new object per entry)."""
        return at + dt.timedelta(microseconds=k) if distinct_times else at

    ledger = Ledger(calendar=CAL)
    start = dt.date(2026, 1, 5)
    dues = [dt.date(2026, 3, 1) + dt.timedelta(days=i % 300) for i in range(n_tasks)]
    for i in range(n_tasks):
        task = Task(
            f"T{i:06d}",
            f"Task {i}",
            category=list(Category)[i % len(Category)],
            responsibility=Responsibility(
                UNITS[i % 50], leader_in_charge=LEADERS[i % 20], work_team=(LEADERS[(i + 1) % 20],)
            ),
            deadline=Deadline.on(dues[i]),
            start=start,
        )
        at = T0 + dt.timedelta(seconds=i)
        ledger = ledger.record(TaskAssigned(task), actor="office", at=at)
        ledger = ledger.record(TaskAccepted(task.id), actor="unit", at=when(at, 1))
    # Progress in rounds so that entries stay in time order across tasks.
    for round_ in range(1, 8):
        at = T0 + dt.timedelta(days=27 * round_)
        for i in range(n_tasks):
            pace = 0.6 if i % 7 == 0 else 1.0
            share = (at.date() - start).days / max(1, (dues[i] - start).days)
            pct = min(99.0, round(100 * share * pace, 1))
            ledger = ledger.record(
                ProgressReported(f"T{i:06d}", percent=pct), actor="unit", at=when(at, i)
            )
    at = T0 + dt.timedelta(days=190)
    for i in range(n_tasks):
        finished = dues[i] < at.date() and i % 10 != 0
        event = TaskCompleted(f"T{i:06d}") if finished else IssueRaised(f"T{i:06d}", "i1")
        ledger = ledger.record(event, actor="unit", at=when(at, i))
    return ledger


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(runs):
        garbage.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def traced(fn: Callable[[], Any]) -> tuple[int, Any]:
    garbage.collect()
    tracemalloc.start()
    try:
        result = fn()
        garbage.collect()
        size, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, result


def main(n_tasks: int) -> None:
    rows: list[tuple[str, str, str, str]] = []

    def report(name: str, value: str, target: str, ok: bool | None) -> None:
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        rows.append((name, value, target, verdict))

    load_before = _load_average()

    start = time.perf_counter()
    ledger = build(n_tasks)
    record_s = time.perf_counter() - start
    entries = ledger.entries
    n_events = len(entries)
    report("record (validate + hash)", f"{n_events / record_s:,.0f} events/s", "-", None)

    # Three builds, each followed by the first overdue and warning queries on what it built: the
    # first query freezes the TaskState snapshots it returns, later ones reuse them, so a first
    # query can only be timed once per build.
    builds: list[float] = []
    firsts: dict[str, list[float]] = {"overdue": [], "warning": []}
    found: dict[str, int] = {}
    for _ in range(3):
        t, projected = median_time(
            lambda: Ledger.from_entries(entries, calendar=CAL, verify=False), 1
        )
        builds.append(t)
        for name, query in _queries(projected).items():
            t, result = median_time(query, 1)
            firsts[name].append(t)
            found[name] = len(result)
    t = statistics.median(builds)
    report(f"build projections, {n_events:,} events", f"{t:.2f} s", "<= 2 s", t <= 2.0)
    t_verify, _ = median_time(ledger.verify, 1)
    report("verify hash chain", f"{n_events / t_verify:,.0f} events/s", "-", None)
    for name, query in _queries(projected).items():
        cold = statistics.median(firsts[name])
        warm, _ = median_time(query, 5)
        report(
            f"{name} query, first ({found[name]:,} found)",
            f"{cold * 1000:.0f} ms",
            "<= 100 ms",
            cold <= 0.1,
        )
        report(f"{name} query, repeated", f"{warm * 1000:.0f} ms", "<= 100 ms", warm <= 0.1)

    projected = None
    size, projected = traced(lambda: Ledger.from_entries(entries, calendar=CAL, verify=False))
    per_task = size / n_tasks
    report("memory: projections per task", f"{per_task:,.0f} B", "<= 2048 B", per_task <= 2048)
    extra, _states = traced(projected.states)  # every frozen snapshot cached, the worst case
    per_task = (size + extra) / n_tasks
    report(
        "  + every TaskState snapshot cached", f"{per_task:,.0f} B", "<= 2048 B", per_task <= 2048
    )
    projected = _states = None
    sample = max(1, min(n_tasks, 5_000))
    size, small = traced(lambda: build(sample))
    per_task = size / sample
    # Informational: besides what the ledger keeps, this counts objects the benchmark made and
    # the ledger keeps as given (a task id string per event, a float per report, a responsibility
    # and a deadline per task), which a load shares; the target is held by the loaded ledger below.
    report("memory: whole ledger per task (recorded, as given)", f"{per_task:,.0f} B", "-", None)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        # Without the snapshots a store keeps by itself: these rows time appending and replaying
        # every entry (benchmarks/bench_snapshots.py times keeping a snapshot and loading one).
        with EventStore.create(path, calendar=CAL, snapshot_every=None) as store:
            batch = 1_000

            def append_all() -> None:
                for lo in range(0, n_events, batch):
                    store.append(entries[lo : lo + batch], expected_version=lo)

            start = time.perf_counter()
            append_all()
            t = time.perf_counter() - start
            rate = n_events / t
            report(
                f"SQLite append, batches of {batch:,}",
                f"{rate:,.0f} events/s",
                ">= 5,000/s",
                rate >= 5_000,
            )
            # The file as the appends left it (its write-ahead log folded in when the store closes,
            # so both are counted): what a host's disk holds.
            wal = Path(f"{path}-wal")
            size = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
            report(
                "SQLite file size",
                f"{size / n_events:,.1f} B/event",
                "<= 150 B/event",
                size / n_events <= 150,
            )

            # A replay is what a process does when it starts: open the store and load the ledger.
            # It is timed in a fresh process (median of 5), as a host starting up would run it,
            # and for comparison in this process, which holds the recorded ledger and its entries.
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                t = statistics.median(pool.apply(_replay_times, (str(path), 5)))
            rate = n_events / t
            report(
                "SQLite replay, fresh process (load, verify=False)",
                f"{rate:,.0f} events/s",
                ">= 100,000/s",
                rate >= 100_000,
            )

            def replay() -> Ledger:
                return store.load(calendar=CAL, verify=False, from_snapshot=False)

            t, loaded = median_time(replay, 3)
            report(
                "  the same in this process (holding the recorded ledger)",
                f"{n_events / t:,.0f} events/s",
                "-",
                None,
            )
            assert loaded == ledger
            # A recorded or loaded ledger keeps its entries in columns and builds Entry values
            # when they are read: what reading all of them costs.
            t, _ = median_time(lambda: loaded.entries, 1)
            report("read Ledger.entries of the loaded ledger", f"{t:.2f} s", "-", None)
            loaded = None
            t, _ = median_time(lambda: store.load(calendar=CAL, from_snapshot=False), 1)
            report(
                "SQLite replay + verify (the default)", f"{n_events / t:,.0f} events/s", "-", None
            )
        with EventStore.create(Path(tmp) / "sample.db") as store:
            store.save(small, expected_version=0)
        with EventStore.create(Path(tmp) / "distinct.db") as store:
            store.save(build(sample, distinct_times=True), expected_version=0)
        small = None
        # In a fresh process too: a load shares equal values through memos that outlive it, and
        # what an earlier load left there would not be counted.
        for name, label, target in (
            ("sample", "", "<= 2048 B"),
            ("distinct", ", every entry at its own time", "-"),
        ):
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                size = pool.apply(_loaded_size, (str(Path(tmp) / f"{name}.db"),))
            per_task = size / sample
            report(
                f"memory: whole ledger per task (loaded{label})",
                f"{per_task:,.0f} B",
                target,
                per_task <= 2048 if target != "-" else None,
            )
        # How much the share of distinct times weighs on a replay, on the smaller sample.
        for name, label in (
            ("sample", "2 times in 10 distinct"),
            ("distinct", "every time distinct"),
        ):
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                t = statistics.median(pool.apply(_replay_times, (str(Path(tmp) / f"{name}.db"), 5)))
            report(
                f"SQLite replay, {sample:,} tasks, {label}",
                f"{10 * sample / t:,.0f} events/s",
                "-",
                None,
            )
        single = Path(tmp) / "single.db"
        with EventStore.create(single, calendar=CAL) as store:
            n_single = min(2_000, n_events)
            start = time.perf_counter()
            for k in range(n_single):
                store.append(entries[k : k + 1], expected_version=k)
            t = time.perf_counter() - start
            rate = n_single / t
            report(
                "SQLite append, one event per commit",
                f"{rate:,.0f} events/s",
                ">= 5,000/s",
                rate >= 5_000,
            )

    widths = [
        max(len(r[i]) for r in [("benchmark", "measured", "target", ""), *rows]) for i in range(4)
    ]
    header = ("benchmark", "measured", "target", "")
    print(
        f"ledger benchmarks: {n_tasks:,} tasks x 10 events, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {load_before} at the start"
    )
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(f"load average {_load_average()} at the end")


def _queries(ledger: Ledger) -> dict[str, Callable[[], Any]]:
    """The timed queries at NOW, by name."""
    return {
        "overdue": lambda: ledger.overdue(now=NOW),
        "warning": lambda: ledger.warnings(now=NOW),
    }


def _replay_times(path: str, runs: int) -> list[float]:
    """How long ``runs`` loads of the store at ``path`` take (run in a fresh process)."""
    times = []
    with EventStore(path) as store:
        for _ in range(runs):
            garbage.collect()
            start = time.perf_counter()
            store.load(calendar=CAL, verify=False, from_snapshot=False)
            times.append(time.perf_counter() - start)
    return times


def _loaded_size(path: str) -> int:
    """The memory a load of the store at ``path`` keeps (run in a fresh process)."""
    with EventStore(path) as store:
        size, _loaded = traced(lambda: store.load(calendar=CAL, verify=False, from_snapshot=False))
    return size


def _load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # not available on this platform
        return "n/a"


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
