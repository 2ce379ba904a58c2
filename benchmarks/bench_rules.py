"""Benchmark of the rule language (issue 3 §6), side by side with what a user would reach for.

Measures ``parse_rule`` uncached and cached, ``Rule.due``, and ``Rule.occurrences`` of every Monday
over a year, against ``dateutil.rrule`` for the schedules it can express; then shows how
``recurrent`` and ``dateparser`` (if installed: ``pip install -e '.[bench]'``) read the same phrases.
Medians of repeated runs, measured with ``time.perf_counter``.

    python benchmarks/bench_rules.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import warnings
from collections.abc import Callable

from dateutil.rrule import MO, WEEKLY, rrule

from govops.calendars import calendar
from govops.rules import parse_rule
from govops.rules._parse import _parse_cached

PHRASES = [
    "within 2 days",
    "会后两日内报送",
    "within 20 working days",
    "自形成之日起20个工作日内公开",
    "3 working days before the meeting",
    "by the 5th of next month",
    "at quarter-end plus two days",
    "每季度末后两天提报",
    "by the last working day of the month",
    "every Monday",
    "每月最后一个工作日",
    "every 2 months starting January",
    "at the end of Feb, May, Aug and Nov",
    "2月、5月、8月和11月底",
]

TARGETS_US = {
    "parse_rule, uncached (per phrase)": 200.0,
    "parse_rule, cached": 2.0,
    "Rule.due (within 20 working days)": 5.0,
    "Rule.occurrences (every Monday, 1 year)": 300.0,
}


def median_us(fn: Callable[[], object], *, number: int, repeat: int = 11) -> float:
    """Median over ``repeat`` runs of the time per call, in microseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number * 1e6)
    return statistics.median(times)


def main() -> None:
    cal = calendar("CN")
    parse_rule("within 2 days")  # build the parser once (not part of any measurement)
    results: list[tuple[str, float, str]] = []

    def uncached() -> None:
        _parse_cached.cache_clear()
        for text in PHRASES:
            parse_rule(text)

    per_phrase = median_us(uncached, number=20) / len(PHRASES)
    results.append(("parse_rule, uncached (per phrase)", per_phrase, ""))
    results.append(
        ("parse_rule, cached", median_us(lambda: parse_rule("会后两日内报送"), number=100_000), "")
    )

    trigger = dt.date(2024, 9, 27)
    working = parse_rule("within 20 working days")
    days = parse_rule("within 2 days")
    quarter = parse_rule("at quarter-end plus 2 days")
    results.append(
        (
            "Rule.due (within 20 working days)",
            median_us(lambda: working.due(trigger, calendar=cal), number=50_000),
            "",
        )
    )
    results.append(
        (
            "Rule.due (within 2 days)",
            median_us(lambda: days.due(trigger, calendar=cal), number=50_000),
            "",
        )
    )
    results.append(
        (
            "Rule.due (at quarter-end plus 2 days)",
            median_us(lambda: quarter.due(trigger, calendar=cal), number=50_000),
            "",
        )
    )

    monday = parse_rule("every Monday")
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    ours = median_us(lambda: monday.occurrences(start, end, calendar=cal), number=2_000)
    results.append(("Rule.occurrences (every Monday, 1 year)", ours, ""))
    dtstart = dt.datetime(2025, 1, 1)  # noqa: DTZ001 - dateutil works on naive datetimes
    until = dt.datetime(2025, 12, 31)  # noqa: DTZ001
    plain = median_us(
        lambda: list(rrule(WEEKLY, byweekday=MO, dtstart=dtstart, until=until)), number=2_000
    )
    results.append(
        (
            "dateutil.rrule every Monday, 1 year (no holidays)",
            plain,
            f"{ours / plain:.1f}x ours/rrule",
        )
    )

    def rrule_rolled() -> list[dt.date]:
        return sorted(
            {
                cal.roll(d.date(), "modified_following")
                for d in rrule(WEEKLY, byweekday=MO, dtstart=dtstart, until=until)
            }
        )

    rolled = median_us(rrule_rolled, number=2_000)
    results.append(("dateutil.rrule + cal.roll, 1 year", rolled, f"{ours / rolled:.2f}x ours/this"))

    print(f"{'measurement':52} {'median µs':>10} {'target':>8}  note")
    for name, value, note in results:
        target = TARGETS_US.get(name)
        mark = "" if target is None else f"≤{target:g}" + (" ok" if value <= target else " MISSED")
        print(f"{name:52} {value:10.2f} {mark:>8}  {note}")

    wrong = [d for d in rrule_rolled() if d not in monday.occurrences(start, end, calendar=cal)]
    plain_dates = [d.date() for d in rrule(WEEKLY, byweekday=MO, dtstart=dtstart, until=until)]
    holidays = [d for d in plain_dates if not cal.is_working_day(d)]
    print()
    print(
        f"plain rrule gives {len(plain_dates)} Mondays in 2025, {len(holidays)} of them rest days: "
        + ", ".join(d.isoformat() for d in holidays)
    )
    print(f"rrule rolled by hand disagrees with govops on {len(wrong)} dates")
    peers(cal)


def _verdict(result: object, ours: dt.date) -> str:
    """A peer's answer, marked ✓ when it is our date, ✗ when it is another date."""
    if result is None:
        return "cannot read"
    if isinstance(result, dt.datetime):
        day = result.date()
        return f"{day.isoformat()} {'✓' if day == ours else '✗ misread'}"
    text = " ".join(str(result).split())
    return f"{text[:30]} (no calendar)"


def peers(cal: object) -> None:
    """How the natural-language peers read the same phrases (None: could not read it)."""
    base = dt.datetime(2024, 9, 27)  # noqa: DTZ001 - the peers work on naive datetimes
    try:
        import recurrent  # type: ignore[import-not-found]
    except ImportError:
        recurrent = None
    try:
        import dateparser  # type: ignore[import-not-found]
    except ImportError:
        dateparser = None
    if recurrent is None and dateparser is None:
        print("\nrecurrent and dateparser are not installed: pip install -e '.[bench]' to compare")
        return
    print(
        f"\nThe same phrases, read with trigger {base.date()} (govops: due date on the CN calendar)"
    )
    print(f"{'phrase':38} {'govops':12} {'recurrent':44} dateparser")
    for text in PHRASES:
        ours = parse_rule(text).due(base.date(), calendar=cal)  # type: ignore[arg-type]
        rec = dp = "—"
        if recurrent is not None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    r = recurrent.RecurringEvent(now_date=base).parse(text)
                rec = _verdict(r, ours)
            except Exception as exc:
                rec = f"error: {type(exc).__name__}"
        if dateparser is not None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    d = dateparser.parse(text, settings={"RELATIVE_BASE": base})
                dp = _verdict(d, ours)
            except Exception as exc:
                dp = f"error: {type(exc).__name__}"
        pad = 38 - sum(2 if ord(c) > 0x2E7F else 1 for c in text)
        print(f"{text}{' ' * max(pad, 1)} {ours.isoformat():12} {rec:44} {dp}")


if __name__ == "__main__":
    main()
