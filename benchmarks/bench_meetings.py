"""Benchmark meeting schedules (issue 5 §4): a year of meetings for 1,000 units in at most 1 s.

Each figure is the median of seven runs (``time.perf_counter``) in one process. "A year of meetings
for 1,000 units" is measured two ways: every unit holding its weekly meeting (52,000 sittings),
and every unit holding every scheduled preset (the whole town system: 141,000 sittings). The
per-unit path (one ``schedule()`` call per unit, no shared dates) and the iCalendar export are shown
for comparison. This is a report, not a test: its exit status is 0 whatever the timings.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from collections.abc import Callable

import govops
from govops.meetings import presets, schedule, schedule_many, to_ical
from govops.tasks import Unit

REPEAT = 7
UNITS = [Unit(f"u{i:04d}", f"单位{i}") for i in range(1000)]
# To Sunday Dec 27: the weekly meeting's week of Dec 28 depends on the unpublished Jan 1, 2027.
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 27)
TARGET_SECONDS = 1.0


def median_seconds(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    cal = govops.calendar("CN")
    scheduled = [t for t in presets.PRESETS.values() if t.cadence is not None]

    def weekly() -> int:
        many = schedule_many(presets.LEADER_WEEKLY_MEETING, UNITS, START, END, calendar=cal)
        return sum(len(s) for s in many)

    def whole_system() -> int:
        return sum(
            len(s) for t in scheduled for s in schedule_many(t, UNITS, START, END, calendar=cal)
        )

    def per_unit() -> int:
        return sum(
            len(schedule(presets.LEADER_WEEKLY_MEETING, START, END, calendar=cal, convener=u))
            for u in UNITS
        )

    series = schedule_many(presets.LEADER_WEEKLY_MEETING, UNITS, START, END, calendar=cal)

    def ical() -> int:
        return len(to_ical(series))

    rows = [
        ("weekly meeting, 1,000 units (schedule_many)", weekly, True),
        ("all 7 scheduled presets, 1,000 units", whole_system, True),
        ("weekly meeting, 1,000 schedule() calls", per_unit, False),
        ("to_ical of 1,000 weekly series", ical, False),
    ]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(
        f"govops {govops.__version__} · meetings for 2026 on the CN calendar · median of {REPEAT}"
        f" · load average {load} on {os.cpu_count()} CPUs (other work slows every figure)"
    )
    print(f"{'case':<46} {'items':>9} {'seconds':>9} {'µs/item':>9}  target")
    for name, fn, targeted in rows:
        items = fn()
        seconds = median_seconds(fn)
        per_item = seconds / items * 1e6 if isinstance(items, int) and items else float("nan")
        verdict = ""
        if targeted:
            verdict = "PASS" if seconds <= TARGET_SECONDS else "FAIL"
            verdict += f" (≤ {TARGET_SECONDS:g} s)"
        unit = "bytes" if fn is ical else "sittings"
        print(f"{name:<46} {items:>9,} {seconds:>9.3f} {per_item:>9.2f}  {verdict}  [{unit}]")


if __name__ == "__main__":
    main()
