"""Benchmark the pandas accessor against numpy's business-day arithmetic; run by ``make bench``.

One million dates in a pandas Series: ``s.govops.add_working_days(20, calendar=cal)`` against
``numpy.busday_offset`` on the same days as a bare ``datetime64[D]`` array with a China
``busdaycalendar`` (weekmask plus every rest day that falls on a weekday). numpy is the speed peer,
not a correct one: it cannot express make-up workdays. The target is at most twice numpy's time;
every result is checked against the scalar ``add_working_days``. Each figure is the median of
seven runs (``time.perf_counter``). This is a report, not a test: the exit status is 0 whatever
the timings.

The second part measures how often pandas' own ``CustomBusinessDay`` (with the same holidays)
disagrees with govops on ``date + 20 working days`` over 2024–2026.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

import govops
import govops.pandas  # registers the .govops accessor

REPEAT = 7
BIG = 1_000_000
N = 20


def once(fn: Callable[[], object], *, repeat: int = REPEAT) -> float:
    """Median seconds of single calls of ``fn``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def weekday_rest_days(cal: govops.WorkCalendar) -> list[dt.date]:
    """Every rest day of the data that falls Monday to Friday: all a holiday list can hold."""
    return [info.date for info in cal.days if not info.is_working and info.date.weekday() < 5]


def main() -> int:
    cal = govops.calendar("CN")
    rng = np.random.default_rng(20240927)
    lo, hi = np.datetime64("2002-01-01", "D"), np.datetime64("2025-12-01", "D")
    days = lo + rng.integers(0, int((hi - lo).astype(np.int64)), size=BIG).astype("timedelta64[D]")
    series = pd.Series(days.astype("datetime64[ns]"), name="received")
    missing = series.mask(rng.random(BIG) < 0.1)  # one date in ten missing
    aware = series.dt.tz_localize("UTC")
    busdaycal = np.busdaycalendar(
        weekmask="1111100", holidays=np.array(weekday_rest_days(cal), dtype="datetime64[D]")
    )

    t_accessor = once(lambda: series.govops.add_working_days(N, calendar=cal))
    t_missing = once(lambda: missing.govops.add_working_days(N, calendar=cal))
    t_aware = once(lambda: aware.govops.add_working_days(N, calendar=cal))
    t_is = once(lambda: series.govops.is_working_day(calendar=cal))
    t_numpy = once(lambda: np.busday_offset(days, N, roll="backward", busdaycal=busdaycal))

    # Exact, element by element, against the scalar method.
    ours = series.govops.add_working_days(N, calendar=cal)
    expected = [cal.add_working_days(d, N) for d in days.tolist()]
    exact = [t.date() for t in ours] == expected
    theirs = np.busday_offset(days, N, roll="backward", busdaycal=busdaycal)
    numpy_wrong = int((ours.to_numpy().astype("datetime64[D]") != theirs).sum())

    ratio = t_accessor / t_numpy
    print(
        f"govops {govops.__version__}, pandas {pd.__version__}, numpy {np.__version__}, "
        f"Python {sys.version.split()[0]}; medians of {REPEAT} runs; load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    print(f"1,000,000 dates, + {N} working days:")
    print(f"  s.govops.add_working_days           {fmt(t_accessor):>9}")
    print(f"  numpy.busday_offset (bare array)     {fmt(t_numpy):>9}")
    print(
        f"  accessor / numpy = {ratio:.2f}× (target ≤ 2×: {'PASS' if ratio <= 2 else 'FAIL'}); "
        f"exact against the scalar path: {'yes' if exact else 'NO'}"
    )
    print(f"  with 10% NaT                         {fmt(t_missing):>9}")
    print(f"  tz-aware (UTC, converted to Beijing) {fmt(t_aware):>9}")
    print(f"  s.govops.is_working_day              {fmt(t_is):>9}")
    print(
        f"  numpy.busday_offset is wrong on {numpy_wrong:,} of {BIG:,} ({numpy_wrong / BIG:.1%}): "
        "no make-up workdays"
    )

    # pandas' CustomBusinessDay with every weekday rest day as a holiday, 2024–2026.
    starts = pd.date_range("2024-01-01", "2026-12-31", freq="D")
    last = cal.add_working_days(dt.date(2026, 12, 31), -N)  # later starts need 2027's schedule
    starts = starts[starts <= pd.Timestamp(last)]
    ours_cbd = starts.govops.add_working_days(N, calendar=cal)
    cbd = pd.offsets.CustomBusinessDay(holidays=weekday_rest_days(cal))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)  # applied date by date
        theirs_cbd = starts + N * cbd
    differ = int((ours_cbd != theirs_cbd).sum())
    print(
        f"CustomBusinessDay(holidays=<CN weekday rest days>), date + {N} working days, every "
        f"start from {starts[0].date()} to {starts[-1].date()}: {differ:,} of {len(starts):,} "
        f"disagree ({differ / len(starts):.1%})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
