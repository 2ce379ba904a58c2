"""Evaluation: due dates, occurrences and explanations on a working-day calendar (DESIGN §4).

One code path computes every date; when a ``trace`` list is passed it also records each step for
:meth:`Rule.explain`, so an explanation can never disagree with :meth:`Rule.due`.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .._time import as_local_date
from ..calendars import DayKind, WorkCalendar
from ..exceptions import CalendarCoverageError, InvalidTypeError, RuleError
from ._explain import Explanation, Step
from ._nodes import (
    MONTHS_PER,
    ByDate,
    Count,
    Edge,
    MonthDay,
    NextMonthDay,
    NthWorkingDay,
    PeriodDeadline,
    Relative,
    RollName,
    Schedule,
    Selector,
    Weekday,
    WorkingDays,
    YearDate,
)
from ._text import count_en, count_zh, ordinal

if TYPE_CHECKING:
    from ._rule import Rule

__all__ = ["due", "explain", "occurrences"]

# An upper bound on a run of consecutive rest days (Spring Festival with its weekends is 9; local
# closures rarely add more). Only used to decide which periods can reach a date range at all.
_REST_RUN = 45
_ONE = dt.timedelta(days=1)
_WD_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WD_ZH = "一二三四五六日"
_PERIOD_EN = {"month": "month", "quarter": "quarter", "half_year": "half-year", "year": "year"}
_EDGE_ZH = {
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
_EVENT_EN = {
    "meeting": "the meeting",
    "formation": "formation",
    "receipt": "receipt",
    "assignment": "assignment",
    "decision": "the decision",
}
_EVENT_ZH = {
    "meeting": "会议召开",
    "formation": "形成",
    "receipt": "收到",
    "assignment": "交办",
    "decision": "作出行政决定",
}

Trace = list[Step]

_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_days(year: int, month: int) -> int:
    if month == 2 and _stdcal.isleap(year):
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
        if count.unit == "day":
            return d + dt.timedelta(days=n)
        if count.unit == "week":
            return d + dt.timedelta(days=7 * n)
        if count.unit == "month":
            return _add_months(d, n)
        return _add_months(d, 12 * n)
    except (OverflowError, ValueError):
        raise RuleError(
            f"{d.isoformat()} {'+' if sign > 0 else '-'} {count_en(count)} is outside the years a "
            "date can have"
        ) from None


def _rest_reason(cal: WorkCalendar, d: dt.date) -> tuple[str, str]:
    info = cal.describe(d)
    if info.name_en or info.name_zh:
        return (info.name_en or info.name_zh or "", info.name_zh or info.name_en or "")
    if info.kind is DayKind.WEEKEND:
        return ("weekend", "周末")
    return (info.kind.value, info.kind.value)


def _rest_days(cal: WorkCalendar, lo: dt.date, hi: dt.date, trace: Trace, en: str, zh: str) -> None:
    """Record each rest day with lo <= d <= hi."""
    d = lo
    while d <= hi:
        if not cal.is_working_day(d):
            r_en, r_zh = _rest_reason(cal, d)
            trace.append(
                Step(
                    "rest_day",
                    d,
                    en=f"{_en(d)} is a rest day ({r_en}); {en}",
                    zh=f"{_zh(d)}为休息日({r_zh}),{zh}",
                )
            )
        d += _ONE


def _roll(
    d: dt.date, roll: RollName | None, cal: WorkCalendar, trace: Trace | None
) -> dt.date | None:
    """Move ``d`` off a rest day by ``roll``; ``None`` when ``roll == "skip"`` drops it."""
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


def _month_period(frequency: str, d: dt.date) -> tuple[int, int]:
    """(index of the period's first month counted from year 0, months per period)."""
    size = MONTHS_PER[frequency]
    k = d.year * 12 + d.month - 1
    return k - k % size, size


def _span(k: int, size: int) -> tuple[dt.date, dt.date]:
    y, m = divmod(k, 12)
    y2, m2 = divmod(k + size - 1, 12)
    return dt.date(y, m + 1, 1), dt.date(y2, m2 + 1, _month_days(y2, m2 + 1))


def _period_of(frequency: str, d: dt.date) -> tuple[dt.date, dt.date]:
    if frequency == "week":
        start = d - dt.timedelta(days=d.weekday())
        return start, start + dt.timedelta(days=6)
    return _span(*_month_period(frequency, d))


def _periods(frequency: str, lo: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """Periods in order from the one containing ``lo`` (an endless generator)."""
    if frequency == "week":
        start = lo - dt.timedelta(days=lo.weekday())
        week = dt.timedelta(days=7)
        six = dt.timedelta(days=6)
        while True:
            yield start, start + six
            start += week
    k, size = _month_period(frequency, lo)
    while True:
        yield _span(k, size)
        k += size


def _margin(selector: Selector, roll: RollName | None = "following") -> int:
    """How many days an occurrence can land outside its own period."""
    if roll in ("none", "skip"):
        shift = 0
    elif roll == "modified_following":
        shift = 31  # it never leaves the month it falls in
    else:
        shift = _REST_RUN
    if isinstance(selector, Edge) and selector.offset is not None:
        n, unit = selector.offset.n, selector.offset.unit
        days = {"day": n, "week": 7 * n, "month": 31 * n, "year": 366 * n}.get(unit, 3 * n)
        return days + _REST_RUN + shift
    return shift


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
    if isinstance(selector, Edge):
        return ps if selector.edge == "start" else pe
    if isinstance(selector, Weekday):
        return ps + dt.timedelta(days=selector.weekday)
    if isinstance(selector, MonthDay):
        return ps.replace(day=min(selector.day, _month_days(ps.year, ps.month)))
    if isinstance(selector, YearDate):
        last = _month_days(ps.year, selector.month)
        return dt.date(ps.year, selector.month, min(selector.day, last))
    raise AssertionError(selector)  # pragma: no cover


def _window(
    selector: Selector, ps: dt.date, pe: dt.date, roll: RollName | None
) -> tuple[dt.date, dt.date]:
    """Where the occurrence of period [ps, pe] can land, computed without the calendar."""
    if isinstance(selector, NthWorkingDay):
        return ps, pe
    a = _anchor(selector, ps, pe)
    if isinstance(selector, Edge) and selector.offset is not None:
        off = selector.offset
        if off.is_working:
            near = dt.timedelta(days=off.n)
            far = dt.timedelta(days=3 * off.n + 2 * _REST_RUN)
            return (a - far, a - near) if selector.before else (a + near, a + far)
        a = _shift(a, off, -1 if selector.before else 1)
    return _roll_window(a, roll)


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
    if isinstance(selector, NthWorkingDay):
        n = selector.n
        if n > 0:
            result = cal.add_working_days(cal.add_working_days(ps, 0), n - 1)
            ok = result <= pe
        else:
            last = pe if cal.is_working_day(pe) else cal.add_working_days(pe, -1)
            result = cal.add_working_days(last, n + 1)
            ok = result >= ps
        if not ok:
            raise RuleError(
                f"the {ordinal(n)} working day of the {frequency.replace('_', '-')} "
                f"{ps.isoformat()} – {pe.isoformat()} does not exist: it has fewer working days"
            )
        if trace is not None:
            which_en = "last" if n == -1 else ordinal(n)
            which_zh = "最后一个" if n == -1 else f"第{n}个"
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
    sel = body.selector
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
    roll = rule.effective_roll
    after = t + _ONE
    months = body.months
    simple = isinstance(sel, (Weekday, MonthDay, YearDate)) or (
        isinstance(sel, Edge) and sel.offset is None
    )
    # Occurrences never decrease from one period to the next (anchors increase and every roll
    # convention is monotonic), so the first period whose occurrence is after t gives the answer.
    for i, (ps, pe) in enumerate(
        _periods(body.frequency, after - dt.timedelta(days=_margin(sel, roll)))
    ):
        if i > 3000:  # about 60 years of weeks; far beyond any calendar's coverage
            break
        if months and ps.month not in months:
            continue
        if simple:
            a = _anchor(sel, ps, pe)
            if cal.is_working_day(a):  # its own occurrence: no roll, no window needed
                if a < after:
                    continue
                if trace is None:
                    return a
        _, hi = _window(sel, ps, pe, roll)
        if hi < after:
            continue
        steps: Trace | None = [] if trace is not None else None
        d = _period_date(sel, ps, pe, roll, cal, steps, body.frequency)
        if d is not None and d > t:
            if trace is not None and steps is not None:
                trace.extend(steps)
            return d
    raise RuleError(
        f"{rule.to_text(rule.lang)!r} has no occurrence after {t.isoformat()}; "
        "check the months and the roll modifier"
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


def due(rule: Rule, trigger: object, cal: object) -> dt.date:
    calendar = _check_calendar(cal)
    t = _local(trigger, calendar, "trigger")
    try:
        _require_covered(calendar, t)
        return _evaluate(rule, t, calendar, None)
    except CalendarCoverageError as e:
        raise _coverage(rule, e) from e


def occurrences(rule: Rule, start: object, end: object, cal: object) -> list[dt.date]:
    calendar = _check_calendar(cal)
    lo = _local(start, calendar, "start")
    hi = _local(end, calendar, "end")
    body = rule.body
    if isinstance(body, (Relative, NextMonthDay)):
        raise RuleError(
            f"{rule.to_text(rule.lang)!r} is counted from an event, so it has no dates of its own; "
            "call due(trigger, calendar=...) for each event instead"
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


def _occurrences(
    rule: Rule, body: Schedule | PeriodDeadline, lo: dt.date, hi: dt.date, cal: WorkCalendar
) -> list[dt.date]:
    sel = body.selector
    if isinstance(sel, WorkingDays):
        base = lo.toordinal()
        is_working = cal.is_working_day
        return [
            d
            for d in (dt.date.fromordinal(base + i) for i in range((hi - lo).days + 1))
            if is_working(d)
        ]
    if isinstance(body, Schedule):
        frequency: str = body.frequency
        months = body.months
    else:
        frequency, months = body.period, frozenset()
    roll = rule.effective_roll
    if isinstance(sel, (Weekday, MonthDay, YearDate)) or (
        isinstance(sel, Edge) and sel.offset is None
    ):
        return _simple_occurrences(sel, frequency, months, roll, lo, hi, cal)
    margin = dt.timedelta(days=_margin(sel, roll))
    stop = hi + margin
    found: set[dt.date] = set()
    for ps, pe in _periods(frequency, lo - margin):
        if ps > stop:
            break
        if months and ps.month not in months:
            continue
        wlo, whi = _window(sel, ps, pe, roll)
        if whi < lo or wlo > hi:
            continue
        d = _period_date(sel, ps, pe, roll, cal, None, frequency)
        if d is not None and lo <= d <= hi:
            found.add(d)
    return sorted(found)


def _anchor_bounds(lo: dt.date, hi: dt.date, roll: RollName | None) -> tuple[dt.date, dt.date]:
    """The calendar days whose roll can land in [lo, hi] (DESIGN §4.8)."""
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
        while o <= last:
            a = fromordinal(o)
            if is_working(a):
                if lo_o <= o <= hi_o:
                    found.add(a)
            else:
                d = _roll(a, roll, cal, None)
                if d is not None and lo <= d <= hi:
                    found.add(d)
            o += 7
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


def explain(rule: Rule, trigger: object, cal: object, lang: str) -> Explanation:
    calendar = _check_calendar(cal)
    if lang not in ("en", "zh"):
        raise RuleError(f"lang={lang!r} is not 'en' or 'zh'")
    t = _local(trigger, calendar, "trigger")
    body = rule.body
    event = body.event if isinstance(body, Relative) else None
    ev_en = f", {_EVENT_EN[event]}" if event else ""
    ev_zh = f",{_EVENT_ZH[event]}之日" if event else ""
    trace: Trace = [
        Step(
            "trigger",
            t,
            en=f"trigger: {_en(t)}{ev_en}; the trigger day itself is not counted (Civil Code §201)",
            zh=f"起算日:{_zh(t)}{ev_zh};开始的当日不计入(民法典第二百零一条)",
        )
    ]
    try:
        _require_covered(calendar, t)
        result = _evaluate(rule, t, calendar, trace)
    except CalendarCoverageError as e:
        raise _coverage(rule, e) from e
    if isinstance(body, Schedule):
        en = f"next occurrence after the trigger: {_en(result)}"
        zh = f"起算日之后的下一次:{_zh(result)}"
    else:
        en = f"due: {_en(result)}, by 24:00 local time (Civil Code §203)"
        zh = f"截止日期:{_zh(result)}24时(民法典第二百零三条)"
    trace.append(Step("due", result, en=en, zh=zh))
    years = sorted({s.date.year for s in trace if s.date and calendar.is_provisional(s.date)})
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
