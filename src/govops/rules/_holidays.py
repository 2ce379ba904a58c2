"""Schedules next to holidays: 节后第二个工作日, 节前最后一个工作日.

A holiday block is a run of rest days holding at least one statutory holiday, as the calendar
gives it: the Spring Festival of 2026 is the block 2026-02-15 – 2026-02-23, weekends and days off
in lieu included. The n-th working day after a block counts from its last day; the n-th before,
from its first.
"""

from __future__ import annotations

import datetime as dt

from ..calendars import DayKind, WorkCalendar
from ..exceptions import RuleError
from ._explain import Step
from ._nodes import AroundHoliday

__all__ = ["first_after", "occurrences"]

_ONE = dt.timedelta(days=1)
# How far past a date the search for the next block looks (every year has several).
_AHEAD = dt.timedelta(days=400)
# How far before a range a block can lie and still give a date in it (30 working days at most).
_BEHIND = dt.timedelta(days=90)


def _blocks(cal: WorkCalendar, lo: dt.date, hi: dt.date) -> list[tuple[dt.date, dt.date, str]]:
    """The holiday blocks that hold a holiday with ``lo <= date <= hi``: (first, last, name)."""
    found: dict[dt.date, tuple[dt.date, dt.date, str]] = {}
    for info in cal.special_days(lo, hi):
        if info.kind is not DayKind.HOLIDAY or info.date in found:
            continue
        first = last = info.date
        while cal.covers(first - _ONE) and not cal.is_working_day(first - _ONE):
            first -= _ONE
        while cal.covers(last + _ONE) and not cal.is_working_day(last + _ONE):
            last += _ONE
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        names = [cal.describe(d) for d in days]
        # The block is named after the festival most of its holidays belong to (春节, not 除夕).
        holidays = [i.name_zh or i.name_en or "" for i in names if i.kind is DayKind.HOLIDAY]
        name = max(set(holidays), key=holidays.count)
        for d in days:
            found[d] = (first, last, name)
    return sorted(set(found.values()))


def _date(sel: AroundHoliday, block: tuple[dt.date, dt.date, str], cal: WorkCalendar) -> dt.date:
    first, last, _ = block
    return cal.add_working_days(first, -sel.n) if sel.before else cal.add_working_days(last, sel.n)


def occurrences(sel: AroundHoliday, lo: dt.date, hi: dt.date, cal: WorkCalendar) -> list[dt.date]:
    """The dates of ``sel`` with ``lo <= date <= hi``."""
    blocks = _blocks(cal, max(lo - _BEHIND, _first_day(cal)), min(hi + _BEHIND, _last_day(cal)))
    return sorted({d for b in blocks if lo <= (d := _date(sel, b, cal)) <= hi})


def first_after(
    sel: AroundHoliday, t: dt.date, cal: WorkCalendar, trace: list[Step] | None
) -> dt.date:
    """The first date of ``sel`` strictly after ``t``, with its steps when ``trace`` is given."""
    for block in _blocks(cal, max(t - _BEHIND, _first_day(cal)), min(t + _AHEAD, _last_day(cal))):
        d = _date(sel, block, cal)
        if d > t:
            if trace is not None:
                _trace(sel, block, d, trace)
            return d
    cal.is_working_day(t + _AHEAD)  # past the calendar's years: its coverage error says so
    raise RuleError(f"no holiday found in the year after {t.isoformat()}")  # pragma: no cover


def _first_day(cal: WorkCalendar) -> dt.date:
    return dt.date(cal.first_year, 1, 1)


def _last_day(cal: WorkCalendar) -> dt.date:
    return dt.date(cal.last_year, 12, 31)


def _trace(
    sel: AroundHoliday, block: tuple[dt.date, dt.date, str], d: dt.date, trace: list[Step]
) -> None:
    first, last, name = block
    trace.append(
        Step(
            "period",
            first,
            en=f"the holiday block {first.isoformat()} – {last.isoformat()} ({name})",
            zh=f"节假日{first.isoformat()}至{last.isoformat()}({name})",
        )
    )
    if sel.before:
        which_en = "last" if sel.n == 1 else f"{sel.n}th-to-last"
        which_zh = "最后一个" if sel.n == 1 else f"倒数第{sel.n}个"
        en = f"the {which_en} working day before it is {d.isoformat()}; working days need no roll"
        zh = f"节前{which_zh}工作日为{d.isoformat()},无需顺延"
    else:
        en = f"working day {sel.n} after it is {d.isoformat()}; working days need no roll"
        zh = f"节后第{sel.n}个工作日为{d.isoformat()},无需顺延"
    trace.append(Step("anchor", d, en=en, zh=zh))
