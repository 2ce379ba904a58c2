"""Schedules for the rule language: the next occurrence after a day, and the occurrences in a range.

Both are hot paths (``due`` of a schedule, ``occurrences`` over a year); the per-period date comes
from :mod:`._periods`, the same code the traced evaluation uses.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, NamedTuple

from ..calendars import WorkCalendar
from ..exceptions import CalendarCoverageError, RuleError
from . import _holidays
from ._days import (
    ONE_DAY,
    REST_RUN,
    month_days,
    roll_date,
    shift_date,
)
from ._nodes import (
    MONTHS_PER,
    AroundHoliday,
    Edge,
    MonthDay,
    PeriodDeadline,
    RollName,
    Schedule,
    Selector,
    Several,
    Weekday,
    WorkingDays,
    YearDate,
    rule_error,
)
from ._periods import (
    anchor_day,
    month_span,
    period_date,
    period_margin,
    period_occurrence,
    period_overshoot,
    period_span,
    period_window,
    periods_from,
    xun_index,
    xun_span,
)

if TYPE_CHECKING:
    from ._rule import Rule


__all__ = [
    "SearchPlan",
    "next_occurrence",
    "occurrences_between",
    "parts",
    "search_plan",
]

# Far beyond any calendar's coverage (about 60 years of weeks); a search that runs this long has
# met a schedule whose every occurrence is skipped.
_SEARCH_LIMIT = 3000


@functools.lru_cache(maxsize=8192)
def _bounds(frequency: str, k: int, step: int) -> tuple[dt.date, dt.date]:
    """The first and last day of period ``k``, cached. A week's ``k`` is its Monday's ordinal and
    ``step`` 7; a month-based period's ``k`` is the month count (from year 0) of its first month and
    ``step`` its length in months; a xun's ``k`` is :func:`xun_index` and ``step`` 1. The next
    period is ``k + step``."""
    if frequency == "week":
        return period_span("week", dt.date.fromordinal(k))
    if frequency == "xun":
        return xun_span(k)
    return month_span(k, step)


def _search_start(sel: Selector, t: dt.date) -> dt.date:
    """A day in (or next to) the period the first occurrence after ``t`` comes from: the day
    after ``t``, moved back by an edge's offset (``month-end plus 1 year`` comes from last year)."""
    after = t + ONE_DAY
    if type(sel) is not Edge or sel.offset is None:
        return after
    off = sel.offset
    back = 1 if sel.before else -1
    try:
        if off.unit == "working_day":  # about 7 calendar days per 5 working days
            return after + dt.timedelta(back * (off.n * 7 // 5))
        return shift_date(after, off, back)
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
    reach: dt.timedelta  # how far past its period's end an occurrence can land (period_overshoot)
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
    lead: dt.timedelta | None = ONE_DAY
    if isinstance(sel, Edge) and sel.offset is not None:  # start where the offset comes from
        off = sel.offset
        back = 1 if sel.before else -1
        if off.unit == "working_day":  # about 7 calendar days per 5 working days
            lead = ONE_DAY + dt.timedelta(days=back * (off.n * 7 // 5))
        elif off._delta is not None:
            lead = ONE_DAY + back * off._delta
        else:  # months and years: no fixed number of days
            lead = None
    reach = dt.timedelta(days=period_overshoot(sel, roll, frequency))
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
    hi = period_window(sel, ps, pe, roll)[1]
    if hi <= t:
        return hi
    raise e


def next_occurrence(rule: Rule, t: dt.date, cal: WorkCalendar) -> tuple[dt.date, dt.date, dt.date]:
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
        k = xun_index(start)
    else:
        k = start.year * 12 + start.month - 1
        k -= k % step
    while months and k % 12 + 1 not in months:
        k += step
    ps, pe = _bounds(frequency, k, step)
    pending: CalendarCoverageError | None = None
    try:
        d = period_occurrence(sel, ps, pe, roll, cal, frequency)
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
                earlier = period_occurrence(sel, ps, pe, roll, cal, frequency)
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
            d = period_occurrence(sel, ps, pe, roll, cal, frequency)
        except CalendarCoverageError as error:
            d = _uncovered(error, sel, ps, pe, roll, t)
        if d is not None and d > t:
            return d, ps, pe
    raise rule_error(
        f"{rule.to_text('en')!r} has no occurrence after {t.isoformat()}; "
        "check the months and the roll modifier",
        f"{rule.to_text('zh')!r}在{t.isoformat()}之后没有日期；请检查月份和节假日处理方式",
    )


def occurrences_between(
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
    margin = dt.timedelta(days=period_margin(sel, roll))
    stop = hi + margin
    found: set[dt.date] = set()
    for ps, pe in periods_from(frequency, lo - margin):
        if ps > stop:
            break
        if months and ps.month not in months:
            continue
        if weeks is not None and (ps.toordinal() - weeks[0]) % weeks[1]:
            continue
        wlo, whi = period_window(sel, ps, pe, roll)
        if whi < lo or wlo > hi:
            continue
        d = period_date(sel, ps, pe, roll, cal, None, frequency)
        if d is not None and lo <= d <= hi:
            found.add(d)
    return sorted(found)


def _part_occurrences(part: Rule, lo: dt.date, hi: dt.date, cal: WorkCalendar) -> list[dt.date]:
    assert isinstance(part.body, Schedule)
    return occurrences_between(part, part.body, lo, hi, cal)


def _anchor_bounds(lo: dt.date, hi: dt.date, roll: RollName | None) -> tuple[dt.date, dt.date]:
    """The calendar days whose roll can land in [lo, hi] (modified following never leaves the month)."""
    r = dt.timedelta(days=REST_RUN)
    if roll == "following":
        return lo - r, hi
    if roll == "preceding":
        return lo, hi + r
    if roll == "preceding_in_week":  # never leaves the week of the day it moves
        return lo - dt.timedelta(days=lo.weekday()), hi + dt.timedelta(days=6 - hi.weekday())
    if roll == "modified_following":  # never leaves the month of the day it moves
        last = hi.replace(day=month_days(hi.year, hi.month))
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
                d = roll_date(a, roll, cal, None)
                if d is not None and lo <= d <= hi:
                    found.add(d)
            o += step
        return sorted(found)
    for ps, pe in periods_from(frequency, a_lo):
        if ps > a_hi:
            break
        if months and ps.month not in months:
            continue
        a = anchor_day(sel, ps, pe)
        if a < a_lo or a > a_hi:
            continue
        if is_working(a):
            if lo <= a <= hi:
                found.add(a)
            continue
        d = roll_date(a, roll, cal, None)
        if d is not None and lo <= d <= hi:
            found.add(d)
    return sorted(found)
