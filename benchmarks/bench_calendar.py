"""Benchmark the working-day calendar against its peers (issue 2 §5); run by ``make bench``.

Everything runs in one process on one machine: each figure is the median of at least seven
repeats (``time.perf_counter``), each repeat long enough to dwarf the timer's resolution. The peers
are ``holidays`` (the data source itself), ``chinese_calendar`` and ``numpy.busday_offset``.
The table ends with PASS/FAIL against each target of the issue. This is a report, not a test:
its exit status is 0 whatever the timings.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import chinese_calendar
import holidays
import numpy as np

import govops
from govops.calendars import _source

REPEAT = 7
MIN_BATCH_SECONDS = 0.05
BIG = 1_000_000


def per_call(fn: Callable[[], object], *, repeat: int = REPEAT) -> float:
    """Median seconds per call of ``fn`` over ``repeat`` batches of a calibrated size."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_BATCH_SECONDS:
            break
        number = max(number * 2, int(number * MIN_BATCH_SECONDS / max(elapsed, 1e-9) * 1.2))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def once(fn: Callable[[], object], *, repeat: int = REPEAT) -> float:
    """Median seconds of single calls of a slow ``fn``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt(seconds: float) -> str:
    if seconds < 1e-6:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


ROWS: list[tuple[str, str, str, str, str, bool]] = []


def row(name: str, ours: float, peer: float | None, target: str, ok: bool) -> None:
    ratio = f"{peer / ours:,.1f}×" if peer is not None else "—"
    ROWS.append((name, fmt(ours), fmt(peer) if peer is not None else "—", ratio, target, ok))


def fresh_interpreter() -> tuple[float, float]:
    """Medians over new interpreters: importing holidays' countries, then the first calendar.

    ``holidays`` imports all of its ~280 country modules the first time any country is built;
    that one-time import is the dependency's cost and is measured on its own.
    """
    code = (
        "import time, govops\n"
        "t0 = time.perf_counter(); import holidays.countries; t1 = time.perf_counter()\n"
        "govops.calendar('CN'); t2 = time.perf_counter()\n"
        "print(t1 - t0, t2 - t1)\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(REPEAT)
    ]
    return (
        statistics.median(float(r[0]) for r in runs),
        statistics.median(float(r[1]) for r in runs),
    )


def main() -> int:
    # -- construction -------------------------------------------------------------------------
    start = time.perf_counter()
    cal = govops.calendar("CN")
    first_in_process = time.perf_counter() - start

    def cold() -> object:
        _source.load_source.cache_clear()
        return govops.calendar("CN")

    cold_median = once(cold)
    import_countries, fresh_median = fresh_interpreter()
    warm = per_call(lambda: govops.calendar("CN"))

    d = dt.date(2024, 9, 27)
    end = dt.date(2025, 9, 27)

    # -- scalar arithmetic vs peers ---------------------------------------------------------
    h = holidays.country_holidays("CN")
    assert h.get_nth_working_day(d, 20) == cal.add_working_days(d, 20)  # also fills h's years
    assert chinese_calendar.find_workday(20, d) == cal.add_working_days(d, 20)
    t_add = per_call(lambda: cal.add_working_days(d, 20))
    t_hol_add = per_call(lambda: h.get_nth_working_day(d, 20))
    t_cc_add = per_call(lambda: chinese_calendar.find_workday(20, d))

    off_weekdays = [
        np.datetime64(info.date, "D")
        for info in cal.days
        if not info.is_working and info.date.weekday() < 5
    ]
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=off_weekdays)

    def numpy_scalar() -> dt.date:
        # roll="backward" then +n is govops' "n-th working day strictly after d" on any day.
        result: dt.date = np.busday_offset(
            np.datetime64(d, "D"), 20, roll="backward", busdaycal=busdaycal
        ).item()
        return result

    t_np_add = per_call(numpy_scalar)

    # holidays counts both ends; govops counts a < x <= b (DESIGN §3).
    assert h.get_working_days_count(d, end) == cal.working_days_between(d, end) + 1
    t_between = per_call(lambda: cal.working_days_between(d, end))
    t_hol_between = per_call(lambda: h.get_working_days_count(d, end))

    t_is = per_call(lambda: cal.is_working_day(d))

    # -- one million dates --------------------------------------------------------------------
    rng = random.Random(20240927)
    lo = dt.date(2002, 1, 1).toordinal()
    span = dt.date(2025, 12, 1).toordinal() - lo
    dates = [dt.date.fromordinal(lo + rng.randrange(span)) for _ in range(BIG)]
    array = np.array(dates, dtype="datetime64[D]")

    t_many_list = once(lambda: cal.add_working_days_many(dates, 20))
    t_many_np = once(lambda: cal.add_working_days_many(array, 20))
    t_busday = once(lambda: np.busday_offset(array, 20, roll="backward", busdaycal=busdaycal))

    ours = cal.add_working_days_many(array, 20)
    theirs = np.busday_offset(array, 20, roll="backward", busdaycal=busdaycal)
    assert ours.tolist()[:1000] == cal.add_working_days_many(dates[:1000], 20)
    wrong = int((ours != theirs).sum())

    # -- the table ----------------------------------------------------------------------------
    row(
        "add_working_days(d, 20) vs holidays get_nth_working_day",
        t_add,
        t_hol_add,
        "≥ 50×",
        t_hol_add / t_add >= 50,
    )
    row(
        "add_working_days(d, 20) vs chinese_calendar.find_workday",
        t_add,
        t_cc_add,
        "≥ 1000×",
        t_cc_add / t_add >= 1000,
    )
    row(
        "add_working_days(d, 20) vs numpy.busday_offset (scalar)",
        t_add,
        t_np_add,
        "> 1×",
        t_np_add > t_add,
    )
    row(
        "working_days_between, 1 year vs holidays count",
        t_between,
        t_hol_between,
        "≥ 500×",
        t_hol_between / t_between >= 500,
    )
    row("is_working_day", t_is, None, "≤ 0.3 µs", t_is <= 0.3e-6)
    row(
        "calendar('CN') cold: holidays data rebuilt",
        cold_median,
        None,
        "≤ 50 ms",
        cold_median <= 0.050,
    )
    row(
        "calendar('CN') first in a new interpreter",
        fresh_median,
        None,
        "≤ 50 ms",
        fresh_median <= 0.050,
    )
    row("calendar('CN') warm (data cached)", warm, None, "≤ 50 ms", warm <= 0.050)
    row("add_working_days_many, 1M dates, list", t_many_list, None, "≤ 1.0 s", t_many_list <= 1.0)
    row(
        "add_working_days_many, 1M datetime64 vs busday_offset",
        t_many_np,
        t_busday,
        "≤ 2× peer time",
        t_many_np <= 2 * t_busday,
    )

    headers = ("benchmark", "govops", "peer", "peer/govops", "target", "result")
    table = [(*r[:5], "PASS" if r[5] else "FAIL") for r in ROWS]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *table, strict=True)]

    def line(cells: tuple[Any, ...]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    print(
        f"govops {govops.__version__}, holidays {holidays.__version__}, numpy {np.__version__}, "
        f"Python {sys.version.split()[0]}; medians of {REPEAT} repeats; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (absolute times need a quiet machine)"
    )
    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in table:
        print(line(r))
    print()
    print(
        f"A new interpreter first imports holidays' ~280 country modules ({fmt(import_countries)}, "
        "the dependency's one-time import, not counted above); the first calendar('CN') of this "
        f"process, that import included, took {fmt(first_in_process)}."
    )
    print(
        f"numpy.busday_offset with a CN busdaycalendar gets {wrong:,} of {BIG:,} results "
        f"({wrong / BIG:.2%}) wrong: a weekmask and a holiday list cannot express make-up "
        "workdays (调休上班日) such as Sunday 2024-09-29."
    )
    failed = [r[0] for r in table if r[5] == "FAIL"]
    print(
        f"targets met: {len(table) - len(failed)} of {len(table)}"
        + (f"; missed: {', '.join(failed)}" if failed else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
