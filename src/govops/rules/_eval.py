"""Evaluation: due dates, occurrences and explanations on a working-day calendar.

The conventions are those of ``docs/explanation/counting.md``.

One code path computes every date; when a ``trace`` list is passed it also records each step for
:meth:`Rule.explain`, so an explanation can never disagree with :meth:`Rule.due`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from .._time import as_local_date
from ..calendars import DayKind, PeriodKind, WorkCalendar, period_of
from ..exceptions import CalendarCoverageError, GovopsError, InvalidTypeError, RuleError
from . import _holidays
from ._explain import Explanation, Step
from ._nodes import (
    MONTHS_PER,
    AroundHoliday,
    BilingualRuleError,
    ByDate,
    Count,
    Edge,
    MonthDay,
    NextMonthDay,
    NthWeekday,
    NthWorkingDay,
    PeriodDeadline,
    Relative,
    RollName,
    Schedule,
    Selector,
    Several,
    Weekday,
    WorkingDays,
    YearDate,
    message_in,
    rule_error,
)
from ._text import EVENT_EN as _EVENT_EN
from ._text import EVENT_ZH as _EVENT_ZH
from ._text import count_en, count_zh, ordinal

if TYPE_CHECKING:
    from ._rule import Rule

__all__ = ["due", "due_at", "explain", "occurrences", "parts"]

# An upper bound on a run of consecutive rest days (Spring Festival with its weekends is 9; local
# closures rarely add more). Only used to decide which periods can reach a date range at all.
_REST_RUN = 45
_ONE = dt.timedelta(days=1)
_WD_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WD_ZH = "一二三四五六日"
_PERIOD_EN = {
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
_ROLL_EN = {
    "following": "rolled forward to the next working day",
    "preceding": "rolled back to the previous working day",
    "modified_following": "rolled to the next working day in the same month (modified following)",
}
_ROLL_ZH = {
    "following": "顺延至下一个工作日",
    "preceding": "提前至上一个工作日",
    "modified_following": "顺延至同月内下一个工作日(跨月则提前)",
}


Trace = list[Step]

_WEEKDAY_OFFSETS = tuple(dt.timedelta(days=i) for i in range(7))
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_days(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month]


# -- small helpers ---------------------------------------------------------------------------


def _en(d: dt.date) -> str:
    return f"{d.isoformat()} ({_WD_EN[d.weekday()]})"


def _zh(d: dt.date) -> str:
    return f"{d.isoformat()}(周{_WD_ZH[d.weekday()]})"


def _local(value: object, cal: WorkCalendar, name: str) -> dt.date:
    if type(value) is dt.date:
        return value
    return as_local_date(value, ZoneInfo(cal.timezone) if cal.timezone else None, name=name)


def _check_calendar(cal: object) -> WorkCalendar:
    if not isinstance(cal, WorkCalendar):
        raise InvalidTypeError(
            f"calendar={cal!r} is a {type(cal).__name__}; expected a WorkCalendar "
            "(e.g. govops.calendar('CN'))"
        )
    return cal


def _add_months(d: dt.date, n: int) -> dt.date:
    # The corresponding day of the target month, or its last day if it has none (民法典 §202).
    y, m = divmod(d.month - 1 + n, 12)
    year = d.year + y
    return dt.date(year, m + 1, min(d.day, _month_days(year, m + 1)))


def _shift(d: dt.date, count: Count, sign: int) -> dt.date:
    n = count.n * sign
    try:
        delta = count._delta  # days and weeks: a fixed number of calendar days
        if delta is not None:
            return d + delta if sign > 0 else d - delta
        if count.unit == "month":
            return _add_months(d, n)
        return _add_months(d, 12 * n)
    except (OverflowError, ValueError):
        raise rule_error(
            f"{d.isoformat()} {'+' if sign > 0 else '-'} {count_en(count)} is outside the years a "
            "date can have",
            f"{d.isoformat()}{'加' if sign > 0 else '减'}{count_zh(count)}超出了日期可表示的年份",
        ) from None


def _rest_reason(cal: WorkCalendar, d: dt.date) -> tuple[str, str]:
    info = cal.describe(d)
    if info.name_en or info.name_zh:
        return (info.name_en or info.name_zh or "", info.name_zh or info.name_en or "")
    if info.kind is DayKind.WEEKEND:
        return ("weekend", "周末")
    return (info.kind.value, info.kind.value)


# More rest days than this inside one count are summed up in one step rather than listed.
_REST_LIST = 31


def _rest_days(cal: WorkCalendar, lo: dt.date, hi: dt.date, trace: Trace, en: str, zh: str) -> None:
    """Record the rest days with lo <= d <= hi that the calendar covers.

    A count can start from an anchor before the calendar's first year (an edge of a period long
    ago plus a long offset): those days are not needed for the date, so they are not asked about.
    """
    rest = []
    d = lo
    while d <= hi:
        if cal.covers(d) and not cal.is_working_day(d):
            rest.append(d)
        d += _ONE
    if len(rest) > _REST_LIST:
        trace.append(
            Step(
                "rest_day",
                rest[0],
                en=f"{len(rest)} rest days from {_en(rest[0])} to {_en(rest[-1])}; {en}",
                zh=f"{_zh(rest[0])}至{_zh(rest[-1])}共有{len(rest)}个休息日,{zh}",
            )
        )
        return
    for d in rest:
        r_en, r_zh = _rest_reason(cal, d)
        trace.append(
            Step(
                "rest_day",
                d,
                en=f"{_en(d)} is a rest day ({r_en}); {en}",
                zh=f"{_zh(d)}为休息日({r_zh}),{zh}",
            )
        )


def _rolled(d: dt.date, roll: RollName | None, cal: WorkCalendar) -> dt.date | None:
    """:func:`_roll` without a trace: the hot path of ``due`` and ``occurrences``."""
    # The calendar is asked first even when nothing rolls: a day it does not cover is an error.
    if cal.is_working_day(d):
        return d
    return _roll_rest_day(d, roll, cal)


def _roll_rest_day(d: dt.date, roll: RollName | None, cal: WorkCalendar) -> dt.date | None:
    """:func:`_rolled` for a ``d`` known to be a rest day."""
    if roll is None or roll == "none":
        return d
    if roll == "skip":
        return None
    if roll == "preceding":
        return cal.add_working_days(d, -1)
    result = cal.add_working_days(d, 0)
    if roll == "modified_following" and result.month != d.month:
        return cal.add_working_days(d, -1)
    return result


def _roll(
    d: dt.date, roll: RollName | None, cal: WorkCalendar, trace: Trace | None
) -> dt.date | None:
    """Move ``d`` off a rest day by ``roll``; ``None`` when ``roll == "skip"`` drops it."""
    if trace is None:
        return _rolled(d, roll, cal)
    if cal.is_working_day(d):
        if trace is not None:
            info = cal.describe(d)
            if info.kind is DayKind.WORKDAY:
                en, zh = f"{_en(d)} is a working day: no roll", f"{_zh(d)}为工作日,无需顺延"
            else:
                name_en = info.name_en or info.kind.value
                name_zh = info.name_zh or info.kind.value
                en = f"{_en(d)} is a working day ({name_en}): no roll"
                zh = f"{_zh(d)}为工作日({name_zh}),无需顺延"
            trace.append(Step("roll", d, en=en, zh=zh))
        return d
    if roll == "skip" or roll == "none" or roll is None:
        if trace is not None:
            r_en, r_zh = _rest_reason(cal, d)
            if roll == "skip":
                en = f"{_en(d)} is a rest day ({r_en}): skipped (skip holidays)"
                zh = f"{_zh(d)}为休息日({r_zh}),遇节假日取消"
            else:
                en = f"{_en(d)} is a rest day ({r_en}): kept (no roll)"
                zh = f"{_zh(d)}为休息日({r_zh}),不顺延"
            trace.append(Step("roll", d, en=en, zh=zh))
        return None if roll == "skip" else d
    # Same conventions as WorkCalendar.roll, on the working-day index directly.
    if roll == "preceding":
        result = cal.add_working_days(d, -1)
    else:
        result = cal.add_working_days(d, 0)
        if roll == "modified_following" and result.month != d.month:
            result = cal.add_working_days(d, -1)
    if trace is not None:
        r_en, r_zh = _rest_reason(cal, d)
        law_en = law_zh = ""
        if roll == "following":
            law_en = (
                " (a period ending on a rest day ends on the next working day, Civil Code §203)"
            )
            law_zh = "(期间最后一日是法定休假日的,以法定休假日结束的次日为期间的最后一日,民法典第二百零三条)"
        trace.append(
            Step(
                "roll",
                result,
                en=f"{_en(d)} is a rest day ({r_en}) → {_ROLL_EN[roll]}: {_en(result)}{law_en}",
                zh=f"{_zh(d)}为休息日({r_zh}),{_ROLL_ZH[roll]}:{_zh(result)}{law_zh}",
            )
        )
    return result


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
def _span(k: int, size: int) -> tuple[dt.date, dt.date]:
    """First and last day of the month-based period starting at month count ``k`` (cached: due
    and occurrences ask for the same few periods over and over)."""
    y, m = divmod(k, 12)
    period = period_of(dt.date(y, m + 1, 1), _MONTH_KINDS[size])
    return period.start, period.end


def _xun_index(d: dt.date) -> int:
    """The xun (旬) count of ``d`` from year 0: three a month, days 1–10, 11–20 and 21–end."""
    return (d.year * 12 + d.month - 1) * 3 + (2 if d.day > 20 else (d.day - 1) // 10)


@functools.lru_cache(maxsize=8192)
def _xun_span(k: int) -> tuple[dt.date, dt.date]:
    """First and last day of xun number ``k`` (see :func:`_xun_index`), cached."""
    y, m = divmod(k // 3, 12)
    period = period_of(dt.date(y, m + 1, 10 * (k % 3) + 1), PeriodKind.XUN)
    return period.start, period.end


@functools.lru_cache(maxsize=8192)
def _period_of(frequency: str, d: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the period of ``frequency`` holding ``d`` (cached: a deadline asks
    for the trigger's period on every call)."""
    period = period_of(d, _KINDS[frequency])
    return period.start, period.end


def _periods(frequency: str, lo: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """Periods in order from the one containing ``lo`` (an endless generator)."""
    period = period_of(lo, _KINDS[frequency])
    while True:
        yield period.start, period.end
        period = period.next()


# The most calendar days one unit of an offset can span (a working day: 3, across a weekend).
_MAX_DAYS_PER = {"day": 1, "week": 7, "month": 31, "year": 366}


def _margin(selector: Selector, roll: RollName | None = "following") -> int:
    """How many days an occurrence can land outside its own period."""
    if isinstance(selector, (NthWorkingDay, WorkingDays)):
        return 0  # a working day of the period itself
    if roll in ("none", "skip"):
        shift = 0
    elif roll == "modified_following":
        shift = 31  # it never leaves the month it falls in
    else:
        shift = _REST_RUN
    if isinstance(selector, Edge) and selector.offset is not None:
        offset = selector.offset
        return offset.n * _MAX_DAYS_PER.get(offset.unit, 3) + _REST_RUN + shift
    return shift


def _overshoot(selector: Selector, roll: RollName | None, frequency: str) -> int:
    """How many days past its period's end an occurrence can land (a tighter bound than
    :func:`_margin`, which also bounds how far before its period's start one can land)."""
    if isinstance(selector, (NthWorkingDay, WorkingDays)):
        return 0  # a working day of the period itself
    if roll in (None, "none", "skip", "preceding"):
        rolled = 0
    elif roll == "following":
        rolled = _REST_RUN
    else:  # modified following: never past the end of the month the date falls in
        rolled = 31
    if isinstance(selector, Edge) and selector.offset is not None:
        off = selector.offset
        if off.unit == "working_day":
            return 0 if selector.before else 3 * off.n + _REST_RUN
        return (0 if selector.before else off.n * _MAX_DAYS_PER[off.unit]) + rolled
    if roll == "modified_following" and frequency in MONTHS_PER:
        return 0  # the anchor's month ends by the period's end, and the roll stays in it
    return rolled


def _roll_window(raw: dt.date, roll: RollName | None) -> tuple[dt.date, dt.date]:
    r = dt.timedelta(days=_REST_RUN)
    if roll == "following":
        return raw, raw + r
    if roll == "preceding":
        return raw - r, raw
    if roll == "modified_following":
        first = raw.replace(day=1)
        last = raw.replace(day=_month_days(raw.year, raw.month))
        return max(raw - r, first), min(raw + r, last)
    return raw, raw


def _anchor(selector: Selector, ps: dt.date, pe: dt.date) -> dt.date:
    """The calendar-day date a selector names in the period [ps, pe] (before offset and roll)."""
    # The node classes are final, so an exact type test stands in for isinstance (faster).
    if type(selector) is Edge:
        return ps if selector.edge == "start" else pe
    if type(selector) is Weekday:
        return ps + _WEEKDAY_OFFSETS[selector.weekday]
    if type(selector) is MonthDay:
        year, month = ps.year, ps.month
        return dt.date(year, month, min(selector.day, _month_days(year, month)))
    if isinstance(selector, YearDate):
        last = _month_days(ps.year, selector.month)
        return dt.date(ps.year, selector.month, min(selector.day, last))
    raise AssertionError(selector)  # pragma: no cover


def _nth_weekday(selector: NthWeekday, ps: dt.date) -> dt.date | None:
    """The n-th given weekday of the month starting ``ps``; ``None`` if it has no such day."""
    if selector.n > 0:
        first = ps + _WEEKDAY_OFFSETS[(selector.weekday - ps.weekday()) % 7]
        d = first + dt.timedelta(days=7 * (selector.n - 1))
    else:
        end = ps.replace(day=_month_days(ps.year, ps.month))
        last = end - _WEEKDAY_OFFSETS[(end.weekday() - selector.weekday) % 7]
        d = last - dt.timedelta(days=7 * (-selector.n - 1))
    return d if d.month == ps.month and d.year == ps.year else None


def _window(
    selector: Selector, ps: dt.date, pe: dt.date, roll: RollName | None
) -> tuple[dt.date, dt.date]:
    """Where the occurrence of period [ps, pe] can land, computed without the calendar."""
    if isinstance(selector, NthWorkingDay):
        return ps, pe
    if isinstance(selector, NthWeekday):  # some day of the month, rolled
        return _roll_window(ps, roll)[0], _roll_window(pe, roll)[1]
    a = _anchor(selector, ps, pe)
    if isinstance(selector, Edge) and selector.offset is not None:
        off = selector.offset
        if off.is_working:
            near = dt.timedelta(days=off.n)
            far = dt.timedelta(days=3 * off.n + 2 * _REST_RUN)
            return (a - far, a - near) if selector.before else (a + near, a + far)
        a = _shift(a, off, -1 if selector.before else 1)
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


def _no_nth(n: int, ps: dt.date, pe: dt.date, frequency: str) -> RuleError:
    which_en = f"{ordinal(n)}" if n > 0 else "last" if n == -1 else f"{ordinal(-n)}-to-last"
    which_zh = f"第{n}个" if n > 0 else "最后一个" if n == -1 else f"倒数第{-n}个"
    return rule_error(
        f"the {which_en} working day of the {frequency.replace('_', '-')} "
        f"{ps.isoformat()} – {pe.isoformat()} does not exist: it has fewer working days",
        f"{ps.isoformat()}至{pe.isoformat()}没有{which_zh}工作日：该期间的工作日不足",
    )


def _occurrence(
    selector: Selector,
    ps: dt.date,
    pe: dt.date,
    roll: RollName | None,
    cal: WorkCalendar,
    frequency: str,
) -> dt.date | None:
    """:func:`_period_date` without a trace: the same dates by the shortest route (``due`` and
    ``occurrences`` spend most of their time here, so the anchor is computed inline)."""
    # The node classes are final, so an exact type test stands in for isinstance (and is faster).
    if type(selector) is Weekday:
        a = ps + _WEEKDAY_OFFSETS[selector.weekday]
    elif type(selector) is MonthDay:
        day = selector.day
        if day <= 28:  # every month has it
            a = dt.date(ps.year, ps.month, day)
        else:
            year, month = ps.year, ps.month
            a = dt.date(year, month, min(day, _month_days(year, month)))
    elif type(selector) is Edge:
        a = pe if selector.edge == "end" else ps
        off = selector.offset
        if off is not None:
            sign = -1 if selector.before else 1
            if off.unit == "working_day":
                return cal.add_working_days(a, sign * off.n)
            a = _shift(a, off, sign)
    elif type(selector) is NthWorkingDay:
        return _nth_working_day(selector.n, ps, pe, cal)
    elif type(selector) is NthWeekday:
        nth = _nth_weekday(selector, ps)
        if nth is None:
            return None
        a = nth
    elif type(selector) is YearDate:
        year, month = ps.year, selector.month
        a = dt.date(year, month, min(selector.day, _month_days(year, month)))
    else:
        a = _anchor(selector, ps, pe)
    if cal.is_working_day(a):
        return a
    return _roll_rest_day(a, roll, cal)


def _period_date(
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
        return _occurrence(selector, ps, pe, roll, cal, frequency)
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
                    f"{_en(result)}; working days need no roll",
                    zh=f"{ps.isoformat()}至{pe.isoformat()}的{which_zh}工作日为{_zh(result)},"
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
                    f"{_WD_EN[selector.weekday]}: no date in this month",
                    zh=f"{ps.isoformat()}至{pe.isoformat()}没有{which_zh}星期"
                    f"{_WD_ZH[selector.weekday]}，本月不安排",
                )
            )
            return None
        a = nth
    else:
        a = _anchor(selector, ps, pe)
    if trace is not None:
        if isinstance(selector, Edge):
            en_word = f"{_PERIOD_EN.get(frequency, frequency)}-{selector.edge}"
            zh_word = _EDGE_ZH.get((frequency, selector.edge), "")
            trace.append(
                Step(
                    "anchor",
                    a,
                    en=f"{en_word} of {ps.isoformat()} – {pe.isoformat()} is {_en(a)} "
                    "(a calendar day, whatever its weekday)",
                    zh=f"{ps.isoformat()}至{pe.isoformat()}的{zh_word}为{_zh(a)}(按自然日确定)",
                )
            )
        else:
            trace.append(
                Step("anchor", a, en=f"the scheduled day is {_en(a)}", zh=f"排定日为{_zh(a)}")
            )
    if isinstance(selector, Edge) and selector.offset is not None:
        off = selector.offset
        sign = -1 if selector.before else 1
        if off.is_working:
            result = cal.add_working_days(a, sign * off.n)
            if trace is not None:
                _trace_working(cal, a, result, off, sign, trace)
            return result
        raw = _shift(a, off, sign)
        if trace is not None:
            _trace_calendar(cal, a, raw, off, sign, trace)
        return _roll(raw, roll, cal, trace)
    return _roll(a, roll, cal, trace)


def _trace_calendar(
    cal: WorkCalendar, a: dt.date, raw: dt.date, off: Count, sign: int, trace: Trace
) -> None:
    if sign > 0:
        en = f"{_en(a)} + {count_en(off)} → {_en(raw)} (the first day counted is the day after)"
        zh = f"{_zh(a)}起算{count_zh(off)}(次日起算)→ {_zh(raw)}"
        lo, hi = a + _ONE, raw - _ONE
    else:
        en = f"{_en(a)} − {count_en(off)} → {_en(raw)}"
        zh = f"{_zh(a)}前推{count_zh(off)} → {_zh(raw)}"
        lo, hi = raw + _ONE, a - _ONE
    trace.append(Step("offset", raw, en=en, zh=zh))
    _rest_days(
        cal,
        lo,
        hi,
        trace,
        "counted: rest days inside a period are not deducted",
        "计入期间,不予扣除",
    )


def _trace_working(
    cal: WorkCalendar, a: dt.date, result: dt.date, off: Count, sign: int, trace: Trace
) -> None:
    if sign > 0:
        en = f"the {ordinal(off.n)} working day after {_en(a)} is {_en(result)}"
        zh = f"{_zh(a)}之后第{off.n}个工作日为{_zh(result)}"
        lo, hi = a + _ONE, result - _ONE
    else:
        en = f"the {ordinal(off.n)} working day before {_en(a)} is {_en(result)}"
        zh = f"{_zh(a)}之前第{off.n}个工作日为{_zh(result)}"
        lo, hi = result + _ONE, a - _ONE
    trace.append(Step("offset", result, en=en, zh=zh))
    _rest_days(cal, lo, hi, trace, "not counted", "不计入工作日")


# -- rule kinds ------------------------------------------------------------------------------


def _relative(
    rule: Rule, body: Relative, t: dt.date, cal: WorkCalendar, trace: Trace | None
) -> dt.date | None:
    sign = -1 if body.before else 1
    count = body.count
    if count.is_working:
        result = cal.add_working_days(t, sign * count.n)
        if trace is not None:
            _trace_working(cal, t, result, count, sign, trace)
        return result
    raw = _shift(t, count, sign)
    if trace is not None:
        _trace_calendar(cal, t, raw, count, sign, trace)
    return _roll(raw, rule.effective_roll, cal, trace)


def _next_month_day(
    rule: Rule, body: NextMonthDay, t: dt.date, cal: WorkCalendar, trace: Trace | None
) -> dt.date | None:
    y, m = divmod(t.month, 12)
    year, month = t.year + y, m + 1
    raw = dt.date(year, month, min(body.day, _month_days(year, month)))
    if trace is not None:
        trace.append(
            Step(
                "anchor",
                raw,
                en=f"the {ordinal(body.day)} of the next month is {_en(raw)}",
                zh=f"次月{body.day}日为{_zh(raw)}",
            )
        )
    return _roll(raw, rule.effective_roll, cal, trace)


def _first_after(
    rule: Rule, body: Schedule, t: dt.date, cal: WorkCalendar, trace: Trace | None
) -> dt.date:
    """The first occurrence of a schedule strictly after ``t``."""
    if rule._parts:  # a list of days: the earliest of each day's next occurrence
        first = min(rule._parts, key=lambda part: _next_occurrence(part, t, cal)[0])
        assert isinstance(first.body, Schedule)
        return _first_after(first, first.body, t, cal, trace)
    sel = body.selector
    if isinstance(sel, AroundHoliday):
        return _holidays.first_after(sel, t, cal, trace)
    if isinstance(sel, WorkingDays):
        result = cal.add_working_days(t, 1)
        if trace is not None:
            trace.append(
                Step(
                    "anchor",
                    result,
                    en=f"the next working day after {_en(t)} is {_en(result)}",
                    zh=f"{_zh(t)}之后的下一个工作日为{_zh(result)}",
                )
            )
        return result
    d, ps, pe = _next_occurrence(rule, t, cal)
    if trace is not None:
        # Evaluate the winning period again, recording its steps: the traced evaluation must land
        # where the search did.
        traced = _period_date(sel, ps, pe, rule.effective_roll, cal, trace, body.frequency)
        assert traced == d, (traced, d)
    return d


# Far beyond any calendar's coverage (about 60 years of weeks); a search that runs this long has
# met a schedule whose every occurrence is skipped.
_SEARCH_LIMIT = 3000


@functools.lru_cache(maxsize=8192)
def _bounds(frequency: str, k: int, step: int) -> tuple[dt.date, dt.date]:
    """The first and last day of period ``k``, cached. A week's ``k`` is its Monday's ordinal and
    ``step`` 7; a month-based period's ``k`` is the month count (from year 0) of its first month and
    ``step`` its length in months; a xun's ``k`` is :func:`_xun_index` and ``step`` 1. The next
    period is ``k + step``."""
    if frequency == "week":
        return _period_of("week", dt.date.fromordinal(k))
    if frequency == "xun":
        return _xun_span(k)
    return _span(k, step)


def _search_start(sel: Selector, t: dt.date) -> dt.date:
    """A day in (or next to) the period the first occurrence after ``t`` comes from: the day
    after ``t``, moved back by an edge's offset (``month-end plus 1 year`` comes from last year)."""
    after = t + _ONE
    if type(sel) is not Edge or sel.offset is None:
        return after
    off = sel.offset
    back = 1 if sel.before else -1
    try:
        if off.unit == "working_day":  # about 7 calendar days per 5 working days
            return after + dt.timedelta(back * (off.n * 7 // 5))
        return _shift(after, off, back)
    except (RuleError, OverflowError):  # near the end of the date type: start from t itself
        return after


class SearchPlan(NamedTuple):
    """What ``due`` needs to search a schedule's periods, worked out once (a :class:`Rule` keeps
    it) instead of on every call."""

    selector: Selector
    roll: RollName | None
    frequency: str
    months: frozenset[int]
    step: int  # see _bounds
    reach: dt.timedelta  # how far past its period's end an occurrence can land (_overshoot)
    lead: dt.timedelta | None  # t + lead is where the search starts; None: ask _search_start
    phase: int | None  # every other week: the ordinal of a Monday whose week has a date


def search_plan(body: Schedule, roll: RollName | None) -> SearchPlan | None:
    """The :class:`SearchPlan` of a schedule; ``None`` for ``every working day`` (no search) and
    for a list of days (each day of the list is searched on its own, see :func:`parts`)."""
    sel = body.selector
    if isinstance(sel, (WorkingDays, Several, AroundHoliday)):
        return None
    frequency = body.frequency
    step = 7 if frequency == "week" else 1 if frequency == "xun" else MONTHS_PER[frequency]
    step *= body.every
    lead: dt.timedelta | None = _ONE
    if isinstance(sel, Edge) and sel.offset is not None:  # start where the offset comes from
        off = sel.offset
        back = 1 if sel.before else -1
        if off.unit == "working_day":  # about 7 calendar days per 5 working days
            lead = _ONE + dt.timedelta(days=back * (off.n * 7 // 5))
        elif off._delta is not None:
            lead = _ONE + back * off._delta
        else:  # months and years: no fixed number of days
            lead = None
    reach = dt.timedelta(days=_overshoot(sel, roll, frequency))
    phase = body.phase.toordinal() if body.phase is not None else None
    return SearchPlan(sel, roll, frequency, body.months, step, reach, lead, phase)


def parts(body: Schedule) -> tuple[Schedule, ...]:
    """A list schedule (``every Wednesday and Friday``) as one schedule per day of the list."""
    if not isinstance(body, Schedule) or not isinstance(body.selector, Several):
        return ()
    return tuple(
        Schedule(
            body.frequency,
            option,
            months=body.months,
            deadline=body.deadline,
            every=body.every,
            phase=body.phase,
        )
        for option in body.selector.options
    )


def _uncovered(
    e: CalendarCoverageError,
    sel: Selector,
    ps: dt.date,
    pe: dt.date,
    roll: RollName | None,
    t: dt.date,
) -> dt.date:
    """For a period whose days the calendar does not cover but whose occurrence cannot land after
    ``t`` anyway, a day on or before ``t`` to stand in for it; otherwise the coverage error."""
    hi = _window(sel, ps, pe, roll)[1]
    if hi <= t:
        return hi
    raise e


def _next_occurrence(rule: Rule, t: dt.date, cal: WorkCalendar) -> tuple[dt.date, dt.date, dt.date]:
    """The first occurrence strictly after ``t`` and the bounds of the period it comes from.

    Occurrences never decrease from one period to the next (anchors increase and every roll
    convention is monotonic), so the search starts from the period the answer most likely comes
    from: if that period's occurrence is after ``t``, earlier periods are tried while theirs still
    are (a rest day rolled forward, an offset past the period's end); otherwise later periods are.
    Most answers take two periods. This is the hot path of ``due`` for schedules, so the period
    arithmetic (see :func:`_bounds`) is written out here.
    """
    plan = rule._search_plan
    assert plan is not None
    sel, roll, frequency, months, step, reach, lead, phase = plan
    try:
        start = t + lead if lead is not None else _search_start(sel, t)
    except OverflowError:  # the last days a date can have: start from t itself
        start = t
    if frequency == "week":
        k = start.toordinal() - start.weekday()
        if phase is not None:  # every other week: back to a week that has a date
            k -= (k - phase) % step
    elif frequency == "xun":
        k = _xun_index(start)
    else:
        k = start.year * 12 + start.month - 1
        k -= k % step
    while months and k % 12 + 1 not in months:
        k += step
    ps, pe = _bounds(frequency, k, step)
    pending: CalendarCoverageError | None = None
    try:
        d = _occurrence(sel, ps, pe, roll, cal, frequency)
    except CalendarCoverageError as e:
        try:
            d = _uncovered(e, sel, ps, pe, roll, t)
        except CalendarCoverageError:  # an error only if no earlier period gives the answer
            d, pending = None, e
    if pending is not None or (d is not None and d > t):
        found = ps, pe
        # An occurrence lands at most ``reach`` past its period's end: periods that cannot reach
        # past t are not evaluated at all.
        for _ in range(_SEARCH_LIMIT):
            k -= step
            while months and k % 12 + 1 not in months:
                k -= step
            try:
                ps, pe = _bounds(frequency, k, step)
                if pe + reach <= t:
                    break
            except (ValueError, OverflowError):  # before the first day a date can have
                break
            try:
                earlier = _occurrence(sel, ps, pe, roll, cal, frequency)
            except CalendarCoverageError as error:
                earlier = _uncovered(error, sel, ps, pe, roll, t)
            if earlier is not None:
                if earlier <= t:
                    break
                d, found, pending = earlier, (ps, pe), None
        if pending is not None:
            raise pending
        assert d is not None
        return d, found[0], found[1]
    for _ in range(_SEARCH_LIMIT):
        k += step
        while months and k % 12 + 1 not in months:
            k += step
        ps, pe = _bounds(frequency, k, step)
        try:
            d = _occurrence(sel, ps, pe, roll, cal, frequency)
        except CalendarCoverageError as error:
            d = _uncovered(error, sel, ps, pe, roll, t)
        if d is not None and d > t:
            return d, ps, pe
    raise rule_error(
        f"{rule.to_text('en')!r} has no occurrence after {t.isoformat()}; "
        "check the months and the roll modifier",
        f"{rule.to_text('zh')!r}在{t.isoformat()}之后没有日期；请检查月份和节假日处理方式",
    )


def _evaluate(rule: Rule, t: dt.date, cal: WorkCalendar, trace: Trace | None) -> dt.date:
    body = rule.body
    if isinstance(body, Relative):
        result: dt.date | None = _relative(rule, body, t, cal, trace)
    elif isinstance(body, PeriodDeadline):
        ps, pe = _period_of(body.period, t)
        if trace is not None:
            trace.append(
                Step(
                    "period",
                    ps,
                    en=f"the trigger's {_PERIOD_EN[body.period]} is {ps.isoformat()} – "
                    f"{pe.isoformat()}",
                    zh=f"起算日所在期间为{ps.isoformat()}至{pe.isoformat()}",
                )
            )
        result = _period_date(body.selector, ps, pe, rule.effective_roll, cal, trace, body.period)
        if result is None:  # only an n-th working day the period does not have
            assert isinstance(body.selector, NthWorkingDay)
            raise _no_nth(body.selector.n, ps, pe, body.period)
    elif isinstance(body, Schedule):
        result = _first_after(rule, body, t, cal, trace)
    elif isinstance(body, ByDate):
        if trace is not None:
            trace.append(
                Step(
                    "anchor",
                    body.date,
                    en=f"fixed date {_en(body.date)}",
                    zh=f"确定日期{_zh(body.date)}",
                )
            )
        result = _roll(body.date, rule.effective_roll, cal, trace)
    else:
        result = _next_month_day(rule, body, t, cal, trace)
    assert result is not None  # only schedules skip, and they never return None here
    return result


def _coverage(rule: Rule, e: CalendarCoverageError) -> CalendarCoverageError:
    err = CalendarCoverageError(f"rule {rule.to_text(rule.lang)!r}: {e}", year=e.year)
    err.__cause__ = e
    return err


# -- public entry points ---------------------------------------------------------------------


def _require_covered(cal: WorkCalendar, *days: dt.date) -> None:
    # Asking the calendar raises its CalendarCoverageError for a day outside its years, before any
    # date arithmetic can run off the end of the date type.
    for d in days:
        cal.is_working_day(d)


def _in_language(rule: Rule, e: RuleError) -> RuleError:
    """An error about ``rule`` in the language the rule was written in."""
    return RuleError(message_in(e, rule.lang))


def _out_of_range(rule: Rule, e: Exception) -> RuleError:
    # Date arithmetic past year 1 or 9999 (only reachable with a calendar that covers those
    # years): a rule error, never a bare OverflowError or ValueError.
    err = RuleError(
        f"rule {rule.to_text(rule.lang)!r}: the dates it needs fall outside the years a date "
        f"can have (1–9999): {e}"
    )
    err.__cause__ = e
    return err


def due(rule: Rule, trigger: object, cal: object) -> dt.date:
    calendar = cal if type(cal) is WorkCalendar else _check_calendar(cal)
    t = trigger if type(trigger) is dt.date else _local(trigger, calendar, "trigger")
    try:
        calendar.is_working_day(t)  # a trigger the calendar does not cover is an error
        if rule._search_plan is not None:  # a schedule: its hot path directly
            return _next_occurrence(rule, t, calendar)[0]
        if rule._parts:  # a list of days: the earliest of each day's next occurrence
            return min(_next_occurrence(part, t, calendar)[0] for part in rule._parts)
        return _evaluate(rule, t, calendar, None)
    except CalendarCoverageError as e:
        raise _coverage(rule, e) from e
    except BilingualRuleError as e:
        raise _in_language(rule, e) from None
    except GovopsError:
        raise
    except (OverflowError, ValueError) as e:
        raise _out_of_range(rule, e) from e


def occurrences(rule: Rule, start: object, end: object, cal: object) -> list[dt.date]:
    calendar = _check_calendar(cal)
    lo = _local(start, calendar, "start")
    hi = _local(end, calendar, "end")
    body = rule.body
    if isinstance(body, (Relative, NextMonthDay)):
        raise _in_language(
            rule,
            rule_error(
                f"{rule.to_text('en')!r} is counted from an event, so it has no dates of its own; "
                "call due(trigger, calendar=...) for each event instead",
                f"{rule.to_text('zh')!r}从事件起算，没有自身的日期；请对每个事件调用due(trigger, calendar=...)",
            ),
        )
    try:
        _require_covered(calendar, lo, hi)
        if isinstance(body, ByDate):
            d = _roll(body.date, rule.effective_roll, calendar, None)
            return [d] if d is not None and lo <= d <= hi else []
        if hi < lo:
            return []
        return _occurrences(rule, body, lo, hi, calendar)
    except CalendarCoverageError as e:
        raise _coverage(rule, e) from e
    except BilingualRuleError as e:
        raise _in_language(rule, e) from None
    except GovopsError:
        raise
    except (OverflowError, ValueError) as e:
        raise _out_of_range(rule, e) from e


def _occurrences(
    rule: Rule, body: Schedule | PeriodDeadline, lo: dt.date, hi: dt.date, cal: WorkCalendar
) -> list[dt.date]:
    sel = body.selector
    if isinstance(sel, AroundHoliday):
        return _holidays.occurrences(sel, lo, hi, cal)
    if isinstance(sel, WorkingDays):
        base = lo.toordinal()
        is_working = cal.is_working_day
        return [
            d
            for d in (dt.date.fromordinal(base + i) for i in range((hi - lo).days + 1))
            if is_working(d)
        ]
    if rule._parts:  # a list of days: each day is a schedule of its own
        return sorted({d for part in rule._parts for d in _part_occurrences(part, lo, hi, cal)})
    weeks: tuple[int, int] | None = None  # every other week: (a Monday with a date, days apart)
    if isinstance(body, Schedule):
        frequency: str = body.frequency
        months = body.months
        if body.phase is not None:
            weeks = (body.phase.toordinal(), 7 * body.every)
    else:
        frequency, months = body.period, frozenset()
    roll = rule.effective_roll
    if isinstance(sel, (Weekday, MonthDay, YearDate)) or (
        isinstance(sel, Edge) and sel.offset is None
    ):
        return _simple_occurrences(sel, frequency, months, roll, lo, hi, cal, weeks)
    margin = dt.timedelta(days=_margin(sel, roll))
    stop = hi + margin
    found: set[dt.date] = set()
    for ps, pe in _periods(frequency, lo - margin):
        if ps > stop:
            break
        if months and ps.month not in months:
            continue
        if weeks is not None and (ps.toordinal() - weeks[0]) % weeks[1]:
            continue
        wlo, whi = _window(sel, ps, pe, roll)
        if whi < lo or wlo > hi:
            continue
        d = _period_date(sel, ps, pe, roll, cal, None, frequency)
        if d is not None and lo <= d <= hi:
            found.add(d)
    return sorted(found)


def _part_occurrences(part: Rule, lo: dt.date, hi: dt.date, cal: WorkCalendar) -> list[dt.date]:
    assert isinstance(part.body, Schedule)
    return _occurrences(part, part.body, lo, hi, cal)


def _anchor_bounds(lo: dt.date, hi: dt.date, roll: RollName | None) -> tuple[dt.date, dt.date]:
    """The calendar days whose roll can land in [lo, hi] (modified following never leaves the month)."""
    r = dt.timedelta(days=_REST_RUN)
    if roll == "following":
        return lo - r, hi
    if roll == "preceding":
        return lo, hi + r
    if roll == "modified_following":  # never leaves the month of the day it moves
        last = hi.replace(day=_month_days(hi.year, hi.month))
        return max(lo - r, lo.replace(day=1)), min(hi + r, last)
    return lo, hi


def _simple_occurrences(
    sel: Selector,
    frequency: str,
    months: frozenset[int],
    roll: RollName | None,
    lo: dt.date,
    hi: dt.date,
    cal: WorkCalendar,
    weeks: tuple[int, int] | None = None,
) -> list[dt.date]:
    """Occurrences of a calendar-day anchor (a weekday, a day of the month, a period edge).

    A working day inside the range is its own occurrence; only rest days need a roll. This is the
    hot path of ``every Monday`` over a year, so the weekly case walks day ordinals directly.
    """
    a_lo, a_hi = _anchor_bounds(lo, hi, roll)
    is_working = cal.is_working_day
    found: set[dt.date] = set()
    if isinstance(sel, Weekday):
        o = a_lo.toordinal() + (sel.weekday - a_lo.weekday()) % 7
        last, lo_o, hi_o = a_hi.toordinal(), lo.toordinal(), hi.toordinal()
        fromordinal = dt.date.fromordinal
        if weeks is not None:  # every other week: start in a week that has a date
            monday, step = weeks
            o += (monday + sel.weekday - o) % step
        else:
            step = 7
        while o <= last:
            a = fromordinal(o)
            if is_working(a):
                if lo_o <= o <= hi_o:
                    found.add(a)
            else:
                d = _roll(a, roll, cal, None)
                if d is not None and lo <= d <= hi:
                    found.add(d)
            o += step
        return sorted(found)
    for ps, pe in _periods(frequency, a_lo):
        if ps > a_hi:
            break
        if months and ps.month not in months:
            continue
        a = _anchor(sel, ps, pe)
        if a < a_lo or a > a_hi:
            continue
        if is_working(a):
            if lo <= a <= hi:
                found.add(a)
            continue
        d = _roll(a, roll, cal, None)
        if d is not None and lo <= d <= hi:
            found.add(d)
    return sorted(found)


def _counts_days(body: object) -> bool:
    """Whether a rule counts days at all (so a reading of "日" matters to it)."""
    if isinstance(body, Relative):
        return body.count.unit == "working_day"
    selector = getattr(body, "selector", None)
    return (
        isinstance(selector, Edge)
        and selector.offset is not None
        and selector.offset.unit == "working_day"
    )


def _convention(body: Schedule) -> Step:
    """Which roll a schedule's dates take, and why (``docs/explanation/counting.md``)."""
    if body.deadline:
        return Step(
            "convention",
            None,
            en="these dates are deadlines (by …): one on a rest day moves to the next working "
            "day, as every deadline does (Civil Code §203)",
            zh="各期日期为截止期限(……前):遇休息日顺延至下一个工作日,与其他期限相同(民法典第二百零三条)",
        )
    return Step(
        "convention",
        None,
        en="these dates are scheduled events: one on a rest day moves to the next working day "
        "in the same month, else to the previous one (modified following)",
        zh="各期日期为定期安排的事项:遇休息日顺延至同月内下一个工作日,跨月则提前(修正顺延)",
    )


def _time_words(rule: Rule, cal: WorkCalendar) -> tuple[str, str]:
    if rule.time is None:
        return "", ""
    clock = rule.time.clock
    if clock is None:
        close = cal.office_hours[1].strftime("%H:%M")
        return f" by {close} (close of business)", f"{close}(下班)前"
    return f" by {clock.strftime('%H:%M')}", f"{clock.strftime('%H:%M')}前"


def due_at(rule: Rule, trigger: object, cal: object) -> dt.datetime:
    calendar = _check_calendar(cal)
    day = due(rule, trigger, calendar)
    if calendar.timezone is None:
        raise RuleError(
            f"{calendar!r} has no time zone, so a due instant cannot be given; build the calendar "
            "with one (govops.calendar('CN') lives in Asia/Shanghai)"
        )
    zone = ZoneInfo(calendar.timezone)
    if rule.time is None:  # 24:00 of the due date (Civil Code §203): the next day's first instant
        try:
            return dt.datetime.combine(day + _ONE, dt.time(0), tzinfo=zone)
        except OverflowError as e:
            raise _out_of_range(rule, e) from e
    clock = rule.time.clock if rule.time.clock is not None else calendar.office_hours[1]
    return dt.datetime.combine(day, clock, tzinfo=zone)


def explain(rule: Rule, trigger: object, cal: object, lang: str) -> Explanation:
    calendar = _check_calendar(cal)
    if lang not in ("en", "zh"):
        raise RuleError(f"lang={lang!r} is not 'en' or 'zh'")
    t = _local(trigger, calendar, "trigger")
    body = rule.body
    event = body.event if isinstance(body, Relative) else None
    ev_en = f", the day of {_EVENT_EN.get(event, event)}" if event else ""
    ev_zh = f",{_EVENT_ZH.get(event, event)}之日" if event else ""
    trace: Trace = [
        Step(
            "trigger",
            t,
            en=f"trigger: {_en(t)}{ev_en}; the trigger day itself is not counted (Civil Code §201)",
            zh=f"起算日:{_zh(t)}{ev_zh};开始的当日不计入(民法典第二百零一条)",
        )
    ]
    counting = rule.counting
    if counting is not None and counting.days == "working" and _counts_days(body):
        trace.append(
            Step(
                "counting",
                None,
                en=f"days are read as working days: {counting.source_en}",
                zh=f"“日”按工作日计算:{counting.source_zh}",
            )
        )
    if isinstance(body, Schedule) and rule.effective_roll in ("following", "modified_following"):
        trace.append(_convention(body))
    try:
        _require_covered(calendar, t)
        result = _evaluate(rule, t, calendar, trace)
    except CalendarCoverageError as e:
        raise _coverage(rule, e) from e
    except BilingualRuleError as e:
        raise _in_language(rule, e) from None
    except GovopsError:
        raise
    except (OverflowError, ValueError) as e:
        raise _out_of_range(rule, e) from e
    at_en, at_zh = _time_words(rule, calendar)
    if isinstance(body, Schedule) and not body.deadline:
        en = f"next occurrence after the trigger: {_en(result)}{at_en}"
        zh = f"起算日之后的下一次:{_zh(result)}{at_zh}"
    elif rule.time is not None:
        en = f"due: {_en(result)}{at_en}"
        zh = f"截止日期:{_zh(result)}{at_zh}"
    else:
        en = f"due: {_en(result)}, by 24:00 local time (Civil Code §203)"
        zh = f"截止日期:{_zh(result)}24时(民法典第二百零三条)"
    trace.append(Step("due", result, en=en, zh=zh))
    # Only days the calendar was asked about can be provisional (an anchor far outside its years,
    # moved back into them by an offset, never was).
    years = sorted(
        {
            s.date.year
            for s in trace
            if s.date and calendar.covers(s.date) and calendar.is_provisional(s.date)
        }
    )
    if years:
        ys = ", ".join(map(str, years))
        trace.append(
            Step(
                "provisional",
                None,
                en=f"provisional: no official holiday schedule is published for {ys}; these dates "
                "use rule-based estimates and may change when the State Council announces it",
                zh=f"注意:{ys}年节假日安排尚未公布,以上日期按规则推算,以国务院办公厅通知为准",
            )
        )
    return Explanation(
        rule, t, result, tuple(trace), provisional=bool(years), lang="zh" if lang == "zh" else "en"
    )
