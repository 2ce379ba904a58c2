"""Periods for the rule language: numbering them, and the date a selector gives in one.

Which days a period spans is the calendar's business (:func:`govops.calendars.period_of`); here
periods are only numbered, so that a search can step from one to the next by integer arithmetic,
and bounded, so that a search knows which periods can reach a date at all.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator

from ..calendars import PeriodKind, WorkCalendar, period_of
from ..exceptions import RuleError
from ._days import (
    REST_RUN,
    WEEKDAY_EN,
    WEEKDAY_OFFSETS,
    WEEKDAY_ZH,
    Trace,
    day_en,
    day_zh,
    month_days,
    roll_date,
    roll_rest_day,
    shift_date,
    trace_calendar,
    trace_working,
)
from ._explain import Step
from ._nodes import (
    MONTHS_PER,
    Edge,
    MonthDay,
    NthWeekday,
    NthWorkingDay,
    RollName,
    Selector,
    Weekday,
    WorkingDays,
    YearDate,
    rule_error,
)
from ._text import ordinal

__all__ = [
    "PERIOD_EN",
    "anchor_day",
    "month_span",
    "no_nth",
    "period_date",
    "period_margin",
    "period_occurrence",
    "period_overshoot",
    "period_span",
    "period_window",
    "periods_from",
    "xun_index",
    "xun_span",
]

PERIOD_EN = {
    "xun": "xun",
    "month": "month",
    "quarter": "quarter",
    "half_year": "half-year",
    "year": "year",
}
_EDGE_ZH = {
    ("xun", "end"): "旬末",
    ("xun", "start"): "旬初",
    ("month", "end"): "月末",
    ("quarter", "end"): "季度末",
    ("half_year", "end"): "半年末",
    ("year", "end"): "年末",
    ("month", "start"): "月初",
    ("quarter", "start"): "季度初",
    ("half_year", "start"): "半年初",
    ("year", "start"): "年初",
}

# -- periods ---------------------------------------------------------------------------------
#
# Which days a period spans is the calendar's business (govops.calendars.period_of). Here periods
# are only numbered, so that the search in ``due`` can step from one to the next by integer
# arithmetic: a week is numbered by its Monday's ordinal, a xun (旬) by its count from year 0
# (three a month), a month-based period by the month count (from year 0) of its first month.

_KINDS = {kind.value: kind for kind in PeriodKind}
_MONTH_KINDS = {1: PeriodKind.MONTH, 3: PeriodKind.QUARTER, 6: PeriodKind.HALF_YEAR}
_MONTH_KINDS[12] = PeriodKind.YEAR


@functools.lru_cache(maxsize=8192)
def month_span(k: int, size: int) -> tuple[dt.date, dt.date]:
    """First and last day of the month-based period starting at month count ``k`` (cached: due
    and occurrences ask for the same few periods over and over)."""
    y, m = divmod(k, 12)
    period = period_of(dt.date(y, m + 1, 1), _MONTH_KINDS[size])
    return period.start, period.end


def xun_index(d: dt.date) -> int:
    """The xun (旬) count of ``d`` from year 0: three a month, days 1–10, 11–20 and 21–end."""
    return (d.year * 12 + d.month - 1) * 3 + (2 if d.day > 20 else (d.day - 1) // 10)


@functools.lru_cache(maxsize=8192)
def xun_span(k: int) -> tuple[dt.date, dt.date]:
    """First and last day of xun number ``k`` (see :func:`xun_index`), cached."""
    y, m = divmod(k // 3, 12)
    period = period_of(dt.date(y, m + 1, 10 * (k % 3) + 1), PeriodKind.XUN)
    return period.start, period.end


@functools.lru_cache(maxsize=8192)
def period_span(frequency: str, d: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the period of ``frequency`` holding ``d`` (cached: a deadline asks
    for the trigger's period on every call)."""
    period = period_of(d, _KINDS[frequency])
    return period.start, period.end


def periods_from(frequency: str, lo: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """Periods in order from the one containing ``lo`` (an endless generator)."""
    period = period_of(lo, _KINDS[frequency])
    while True:
        yield period.start, period.end
        period = period.next()


# The most calendar days one unit of an offset can span (a working day: 3, across a weekend).
_MAX_DAYS_PER = {"day": 1, "week": 7, "month": 31, "year": 366}


def period_margin(selector: Selector, roll: RollName | None = "following") -> int:
    """How many days an occurrence can land outside its own period."""
    if isinstance(selector, (NthWorkingDay, WorkingDays)):
        return 0  # a working day of the period itself
    if roll in ("none", "skip"):
        shift = 0
    elif roll == "preceding_in_week":
        shift = 6  # it never leaves the week it falls in
    elif roll == "modified_following":
        shift = 31  # it never leaves the month it falls in
    else:
        shift = REST_RUN
    if isinstance(selector, Edge) and selector.offset is not None:
        offset = selector.offset
        return offset.n * _MAX_DAYS_PER.get(offset.unit, 3) + REST_RUN + shift
    return shift


def period_overshoot(selector: Selector, roll: RollName | None, frequency: str) -> int:
    """How many days past its period's end an occurrence can land (a tighter bound than
    :func:`period_margin`, which also bounds how far before its period's start one can land)."""
    if isinstance(selector, (NthWorkingDay, WorkingDays)):
        return 0  # a working day of the period itself
    if roll in (None, "none", "skip", "preceding"):
        rolled = 0
    elif roll == "following":
        rolled = REST_RUN
    elif roll == "preceding_in_week":
        rolled = 6  # at most to the Sunday of its week
    else:  # modified following: never past the end of the month the date falls in
        rolled = 31
    if isinstance(selector, Edge) and selector.offset is not None:
        off = selector.offset
        if off.unit == "working_day":
            return 0 if selector.before else 3 * off.n + REST_RUN
        return (0 if selector.before else off.n * _MAX_DAYS_PER[off.unit]) + rolled
    if roll == "modified_following" and frequency in MONTHS_PER:
        return 0  # the anchor's month ends by the period's end, and the roll stays in it
    return rolled


def _roll_window(raw: dt.date, roll: RollName | None) -> tuple[dt.date, dt.date]:
    r = dt.timedelta(days=REST_RUN)
    if roll == "following":
        return raw, raw + r
    if roll == "preceding":
        return raw - r, raw
    if roll == "preceding_in_week":
        monday = raw - dt.timedelta(days=raw.weekday())
        return monday, monday + dt.timedelta(days=6)
    if roll == "modified_following":
        first = raw.replace(day=1)
        last = raw.replace(day=month_days(raw.year, raw.month))
        return max(raw - r, first), min(raw + r, last)
    return raw, raw


def anchor_day(selector: Selector, ps: dt.date, pe: dt.date) -> dt.date:
    """The calendar-day date a selector names in the period [ps, pe] (before offset and roll)."""
    # The node classes are final, so an exact type test stands in for isinstance (faster).
    if type(selector) is Edge:
        return ps if selector.edge == "start" else pe
    if type(selector) is Weekday:
        return ps + WEEKDAY_OFFSETS[selector.weekday]
    if type(selector) is MonthDay:
        year, month = ps.year, ps.month
        return dt.date(year, month, min(selector.day, month_days(year, month)))
    if isinstance(selector, YearDate):
        last = month_days(ps.year, selector.month)
        return dt.date(ps.year, selector.month, min(selector.day, last))
    raise AssertionError(selector)  # pragma: no cover


def _nth_weekday(selector: NthWeekday, ps: dt.date) -> dt.date | None:
    """The n-th given weekday of the month starting ``ps``; ``None`` if it has no such day."""
    if selector.n > 0:
        first = ps + WEEKDAY_OFFSETS[(selector.weekday - ps.weekday()) % 7]
        d = first + dt.timedelta(days=7 * (selector.n - 1))
    else:
        end = ps.replace(day=month_days(ps.year, ps.month))
        last = end - WEEKDAY_OFFSETS[(end.weekday() - selector.weekday) % 7]
        d = last - dt.timedelta(days=7 * (-selector.n - 1))
    return d if d.month == ps.month and d.year == ps.year else None


def period_window(
    selector: Selector, ps: dt.date, pe: dt.date, roll: RollName | None
) -> tuple[dt.date, dt.date]:
    """Where the occurrence of period [ps, pe] can land, computed without the calendar."""
    if isinstance(selector, NthWorkingDay):
        return ps, pe
    if isinstance(selector, NthWeekday):  # some day of the month, rolled
        return _roll_window(ps, roll)[0], _roll_window(pe, roll)[1]
    a = anchor_day(selector, ps, pe)
    if isinstance(selector, Edge) and selector.offset is not None:
        off = selector.offset
        if off.is_working:
            near = dt.timedelta(days=off.n)
            far = dt.timedelta(days=3 * off.n + 2 * REST_RUN)
            return (a - far, a - near) if selector.before else (a + near, a + far)
        a = shift_date(a, off, -1 if selector.before else 1)
    return _roll_window(a, roll)


def _nth_working_day(n: int, ps: dt.date, pe: dt.date, cal: WorkCalendar) -> dt.date | None:
    """The n-th working day of the period [ps, pe] (``-1``: the last one, ``-3``: the last but
    two); ``None`` when the period has fewer working days (a week of Spring Festival has none)."""
    if n > 0:
        result = cal.add_working_days(cal.add_working_days(ps, 0), n - 1)
        return result if result <= pe else None
    last = pe if cal.is_working_day(pe) else cal.add_working_days(pe, -1)
    result = cal.add_working_days(last, n + 1)
    return result if result >= ps else None


def no_nth(n: int, ps: dt.date, pe: dt.date, frequency: str) -> RuleError:
    which_en = f"{ordinal(n)}" if n > 0 else "last" if n == -1 else f"{ordinal(-n)}-to-last"
    which_zh = f"第{n}个" if n > 0 else "最后一个" if n == -1 else f"倒数第{-n}个"
    return rule_error(
        f"the {which_en} working day of the {frequency.replace('_', '-')} "
        f"{ps.isoformat()} – {pe.isoformat()} does not exist: it has fewer working days",
        f"{ps.isoformat()}至{pe.isoformat()}没有{which_zh}工作日：该期间的工作日不足",
    )


def period_occurrence(
    selector: Selector,
    ps: dt.date,
    pe: dt.date,
    roll: RollName | None,
    cal: WorkCalendar,
    frequency: str,
) -> dt.date | None:
    """:func:`period_date` without a trace: the same dates by the shortest route (``due`` and
    ``occurrences`` spend most of their time here, so the anchor is computed inline)."""
    # The node classes are final, so an exact type test stands in for isinstance (and is faster).
    if type(selector) is Weekday:
        a = ps + WEEKDAY_OFFSETS[selector.weekday]
    elif type(selector) is MonthDay:
        day = selector.day
        if day <= 28:  # every month has it
            a = dt.date(ps.year, ps.month, day)
        else:
            year, month = ps.year, ps.month
            a = dt.date(year, month, min(day, month_days(year, month)))
    elif type(selector) is Edge:
        a = pe if selector.edge == "end" else ps
        off = selector.offset
        if off is not None:
            sign = -1 if selector.before else 1
            if off.unit == "working_day":
                return cal.add_working_days(a, sign * off.n)
            a = shift_date(a, off, sign)
    elif type(selector) is NthWorkingDay:
        return _nth_working_day(selector.n, ps, pe, cal)
    elif type(selector) is NthWeekday:
        nth = _nth_weekday(selector, ps)
        if nth is None:
            return None
        a = nth
    elif type(selector) is YearDate:
        year, month = ps.year, selector.month
        a = dt.date(year, month, min(selector.day, month_days(year, month)))
    else:
        a = anchor_day(selector, ps, pe)
    if cal.is_working_day(a):
        return a
    return roll_rest_day(a, roll, cal)


def period_date(
    selector: Selector,
    ps: dt.date,
    pe: dt.date,
    roll: RollName | None,
    cal: WorkCalendar,
    trace: Trace | None,
    frequency: str,
) -> dt.date | None:
    """The date ``selector`` gives in the period [ps, pe], rolled; ``None`` if skipped."""
    if trace is None:
        return period_occurrence(selector, ps, pe, roll, cal, frequency)
    if isinstance(selector, NthWorkingDay):
        n = selector.n
        nth = _nth_working_day(n, ps, pe, cal)
        which_en = "last" if n == -1 else ordinal(n) if n > 0 else f"{ordinal(-n)}-to-last"
        which_zh = "最后一个" if n == -1 else f"第{n}个" if n > 0 else f"倒数第{-n}个"
        if nth is None:
            trace.append(
                Step(
                    "anchor",
                    None,
                    en=f"{ps.isoformat()} – {pe.isoformat()} has no {which_en} working day: "
                    "no date in this period",
                    zh=f"{ps.isoformat()}至{pe.isoformat()}没有{which_zh}工作日，本期不安排",
                )
            )
            return None
        result = nth
        if trace is not None:
            trace.append(
                Step(
                    "anchor",
                    result,
                    en=f"the {which_en} working day of {ps.isoformat()} – {pe.isoformat()} is "
                    f"{day_en(result)}; working days need no roll",
                    zh=f"{ps.isoformat()}至{pe.isoformat()}的{which_zh}工作日为{day_zh(result)},"
                    "无需顺延",
                )
            )
        return result
    if isinstance(selector, NthWeekday):
        nth = _nth_weekday(selector, ps)
        if nth is None:
            which_en = ordinal(selector.n) if selector.n > 0 else f"{ordinal(-selector.n)}-to-last"
            which_zh = f"第{selector.n}个" if selector.n > 0 else f"倒数第{-selector.n}个"
            trace.append(
                Step(
                    "anchor",
                    None,
                    en=f"{ps.isoformat()} – {pe.isoformat()} has no {which_en} "
                    f"{WEEKDAY_EN[selector.weekday]}: no date in this month",
                    zh=f"{ps.isoformat()}至{pe.isoformat()}没有{which_zh}星期"
                    f"{WEEKDAY_ZH[selector.weekday]}，本月不安排",
                )
            )
            return None
        a = nth
    else:
        a = anchor_day(selector, ps, pe)
    if trace is not None:
        if isinstance(selector, Edge):
            en_word = f"{PERIOD_EN.get(frequency, frequency)}-{selector.edge}"
            zh_word = _EDGE_ZH.get((frequency, selector.edge), "")
            trace.append(
                Step(
                    "anchor",
                    a,
                    en=f"{en_word} of {ps.isoformat()} – {pe.isoformat()} is {day_en(a)} "
                    "(a calendar day, whatever its weekday)",
                    zh=f"{ps.isoformat()}至{pe.isoformat()}的{zh_word}为{day_zh(a)}(按自然日确定)",
                )
            )
        else:
            trace.append(
                Step("anchor", a, en=f"the scheduled day is {day_en(a)}", zh=f"排定日为{day_zh(a)}")
            )
    if isinstance(selector, Edge) and selector.offset is not None:
        off = selector.offset
        sign = -1 if selector.before else 1
        if off.is_working:
            result = cal.add_working_days(a, sign * off.n)
            if trace is not None:
                trace_working(cal, a, result, off, sign, trace)
            return result
        raw = shift_date(a, off, sign)
        if trace is not None:
            trace_calendar(cal, a, raw, off, sign, trace)
        return roll_date(raw, roll, cal, trace)
    return roll_date(a, roll, cal, trace)
