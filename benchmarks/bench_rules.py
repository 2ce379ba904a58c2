"""Benchmark of the rule language, side by side with what a user would reach for.

Measures ``parse_rule`` uncached and cached, ``Rule.due`` for one rule of every kind (over 66
triggers spread across 2024-2025), and ``Rule.occurrences`` of every Monday over a year, against
``dateutil.rrule`` for the schedules it can express; prints PASS/FAIL against each target and the
load average (this is a report, not a test: absolute times rise with load); then shows how
``recurrent`` and ``dateparser`` (if installed: ``pip install -e '.[bench]'``) read the same phrases.
Medians of repeated runs, measured with ``time.perf_counter``.

    python benchmarks/bench_rules.py
"""

from __future__ import annotations

import datetime as dt
import os
import platform
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
    "季度末后两个工作日内",
    "by the last working day of the month",
    "every Monday",
    "每月最后一个工作日",
    "every 2 months starting January",
    "at the end of Feb, May, Aug and Nov",
    "2月、5月、8月和11月底",
    # As documents write them: named events, action text, deadlines by a day, lists, phases.
    "应当自收到申请之日起20个工作日内予以答复",
    "make a decision within 20 days from the date of acceptance",
    "每季度第一个月15日前报送",
    "by the 20th of each month",
    "每月结束后5个工作日内报送上月数据",
    "每周三、周五",
    "隔周周三(自2026年1月7日起)",
    "每周五下班前报送",
    "15日内（遇节假日顺延）",
]

# One rule of every kind the language has (the target: Rule.due ≤ 5 µs for every kind of rule).
DUE_RULES = {
    "N days": "within 2 days",
    "N working days": "within 20 working days",
    "N months": "within 1 month",
    "N days before": "3 days before the meeting",
    "fixed date": "by 2026-06-30",
    "day of next month": "by the 5th of next month",
    "period edge": "by month-end",
    "period edge + N days": "at quarter-end plus 2 days",
    "period edge + N working days": "at quarter-end plus 2 working days",
    "n-th working day of period": "by the last working day of the month",
    "weekly schedule": "every Monday",
    "working-day schedule": "every working day",
    "schedule of deadlines": "by the 20th of each month",
    "list of days": "every Wednesday and Friday",
    "every other week": "every other week on Wednesday starting 2024-01-01",
    "n-th weekday": "the second Wednesday of each month",
    "named event": "自批复下达之日起10个工作日内",
    "monthly schedule, day": "every month on the 5th",
    "monthly schedule, last working day": "每月最后一个工作日",
    "monthly schedule, edge + N days": "every month at month-end plus two days",
    "quarterly schedule, edge + N days": "every quarter at quarter-end plus two days",
    "months list": "at the end of Feb, May, Aug and Nov",
    "yearly schedule, date": "every year on Mar 31",
}
# Triggers spread over two years (every 11 days from 2024-01-03), so no one lucky date decides.
TRIGGERS = [dt.date(2024, 1, 3) + dt.timedelta(days=11 * i) for i in range(66)]

TARGET_PARSE_UNCACHED = 200.0
TARGET_PARSE_CACHED = 2.0
TARGET_DUE = 5.0
TARGET_OCCURRENCES = 300.0


def median_us(fn: Callable[[], object], *, number: int, repeat: int = 11, per: int = 1) -> float:
    """Median over ``repeat`` runs of the time per call, in microseconds (``per`` calls a run)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number / per * 1e6)
    return statistics.median(times)


def _load() -> str:
    if not hasattr(os, "getloadavg"):  # pragma: no cover - Windows
        return "n/a"
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    cal = calendar("CN")
    parse_rule("within 2 days")  # build the parser once (not part of any measurement)
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {_load()} "
        "(1, 5, 15 min; absolute times rise with load)\n"
    )
    rows: list[tuple[str, float, float | None, str]] = []

    def uncached() -> None:
        _parse_cached.cache_clear()
        for text in PHRASES:
            parse_rule(text)

    per_phrase = median_us(uncached, number=20, per=len(PHRASES))
    rows.append(("parse_rule, uncached (mean per phrase)", per_phrase, TARGET_PARSE_UNCACHED, ""))
    slowest = max(
        PHRASES,
        key=lambda text: median_us(
            lambda: (_parse_cached.cache_clear(), parse_rule(text)), number=20, repeat=5
        ),
    )
    worst = median_us(lambda: (_parse_cached.cache_clear(), parse_rule(slowest)), number=50)
    rows.append(("parse_rule, uncached (slowest phrase)", worst, TARGET_PARSE_UNCACHED, slowest))
    cached = median_us(lambda: parse_rule("会后两日内报送"), number=100_000)
    rows.append(("parse_rule, cached", cached, TARGET_PARSE_CACHED, ""))

    # Round robin: every repeat times each rule once, so a burst of load on this shared machine
    # slows all of them a little instead of one of them a lot.
    rules = {kind: parse_rule(text) for kind, text in DUE_RULES.items()}
    samples: dict[str, list[float]] = {kind: [] for kind in rules}
    for _ in range(21):
        for kind, rule in rules.items():
            start = time.perf_counter()
            for _ in range(10):
                for t in TRIGGERS:
                    rule.due(t, calendar=cal)
            samples[kind].append((time.perf_counter() - start) / 10 / len(TRIGGERS) * 1e6)
    for kind, text in DUE_RULES.items():
        value = statistics.median(samples[kind])
        rows.append((f"Rule.due, {kind}", value, TARGET_DUE, text))

    monday = parse_rule("every Monday")
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    ours = median_us(lambda: monday.occurrences(start, end, calendar=cal), number=2_000)
    rows.append(("Rule.occurrences (every Monday, 1 year)", ours, TARGET_OCCURRENCES, ""))
    dtstart = dt.datetime(2025, 1, 1)  # noqa: DTZ001 - dateutil works on naive datetimes
    until = dt.datetime(2025, 12, 31)  # noqa: DTZ001
    plain = median_us(
        lambda: list(rrule(WEEKLY, byweekday=MO, dtstart=dtstart, until=until)), number=2_000
    )
    rows.append(
        (
            "dateutil.rrule every Monday, 1 year (no holidays)",
            plain,
            None,
            f"govops takes {ours / plain:.2f}x its time",
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
    rows.append(
        (
            "dateutil.rrule + cal.roll, 1 year",
            rolled,
            None,
            f"govops takes {ours / rolled:.2f}x its time",
        )
    )

    print(f"{'measurement':50} {'median µs':>10} {'target':>8} {'result':>6}  note")
    failed = 0
    for name, value, target, note in rows:
        if target is None:
            mark, verdict = "", ""
        else:
            mark, verdict = f"≤ {target:g}", "PASS" if value <= target else "FAIL"
            failed += verdict == "FAIL"
        print(f"{name:50} {value:10.2f} {mark:>8} {verdict:>6}  {note}")
    print(f"\n{len(rows) - 2 - failed} PASS, {failed} FAIL; load average now {_load()}")

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
