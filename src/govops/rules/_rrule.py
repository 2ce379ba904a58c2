"""RFC 5545 recurrence rules for the schedules that have one.

The RRULE describes the nominal dates, before any roll: ``every Monday`` is ``FREQ=WEEKLY;BYDAY=MO``
and the calendar then moves a Monday that is a holiday. Dates that depend on the working-day
calendar itself (``the last working day``, ``every working day``, offsets in working days) have no
RRULE, and neither have deadlines counted from an event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._nodes import (
    Edge,
    MonthDay,
    NthWeekday,
    NthWorkingDay,
    PeriodDeadline,
    Schedule,
    Several,
    Weekday,
    YearDate,
)

if TYPE_CHECKING:
    from ._rule import Rule

__all__ = ["to_rrule"]

_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_STARTS = {
    "month": tuple(range(1, 13)),
    "quarter": (1, 4, 7, 10),
    "half_year": (1, 7),
    "year": (1,),
}


def _months(months: tuple[int, ...]) -> str:
    return ",".join(str(m) for m in sorted(months))


def _yearly(months: tuple[int, ...], day: int) -> str:
    if len(set(months)) == 12:
        return f"FREQ=MONTHLY;BYMONTHDAY={day}"
    return f"FREQ=YEARLY;BYMONTH={_months(months)};BYMONTHDAY={day}"


def _edge(frequency: str, months: frozenset[int], edge: Edge) -> str | None:
    if frequency == "xun":  # 旬: days 1, 11, 21 start one; 10, 20 and the month's last end one
        if edge.offset is not None:
            return None
        return "FREQ=MONTHLY;BYMONTHDAY=" + ("1,11,21" if edge.edge == "start" else "10,20,-1")
    starts = _STARTS[frequency]
    size = 12 // len(starts)
    if months:
        starts = tuple(sorted(months))
    shift = 0
    if edge.offset is not None:
        if edge.offset.unit not in ("day", "week"):
            return None
        shift = edge.offset.n * (7 if edge.offset.unit == "week" else 1)
        shift = -shift if edge.before else shift
    if edge.edge == "start":
        # day 1 + shift: same month while 0 <= shift <= 27; previous month's end when negative.
        if 0 <= shift <= 27:
            return _yearly(starts, shift + 1)
        if -28 <= shift < 0:
            prev = tuple((m - 2) % 12 + 1 for m in starts)
            return _yearly(prev, shift)
        return None
    ends = tuple((m + size - 2) % 12 + 1 for m in starts)
    if -27 <= shift <= 0:
        return _yearly(ends, shift - 1)
    if 0 < shift <= 28:
        nxt = tuple(m % 12 + 1 for m in ends)
        return _yearly(nxt, shift)
    return None


def _several(sel: Several, months: frozenset[int], interval: str) -> str | None:
    """Several weekdays or days of the month in one RRULE; dates of the year have none (BYMONTH
    and BYMONTHDAY would multiply out), nor have days that a short month lacks."""
    options = sel.options
    if all(isinstance(o, Weekday) for o in options):
        days = ",".join(_BYDAY[o.weekday] for o in options if isinstance(o, Weekday))
        return f"FREQ=WEEKLY{interval};BYDAY={days}"
    if all(isinstance(o, MonthDay) and o.day <= 28 for o in options):
        by_month = f";BYMONTH={_months(tuple(months))}" if months else ""
        days = ",".join(str(o.day) for o in options if isinstance(o, MonthDay))
        return f"FREQ=MONTHLY{by_month};BYMONTHDAY={days}"
    return None


def to_rrule(rule: Rule) -> str | None:
    """The RRULE of ``rule``'s nominal dates, or ``None``.

    >>> from govops.rules import parse_rule
    >>> parse_rule("every Monday").to_rrule()
    'FREQ=WEEKLY;BYDAY=MO'
    >>> parse_rule("每月最后一个工作日").to_rrule() is None
    True
    >>> parse_rule("at the end of Feb, May, Aug and Nov").to_rrule()
    'FREQ=YEARLY;BYMONTH=2,5,8,11;BYMONTHDAY=-1'
    >>> parse_rule("每周三、周五").to_rrule()
    'FREQ=WEEKLY;BYDAY=WE,FR'
    >>> parse_rule("每月第二个星期三").to_rrule()
    'FREQ=MONTHLY;BYDAY=2WE'
    """
    body = rule.body
    if isinstance(body, Schedule):
        frequency, months = body.frequency, body.months
    elif isinstance(body, PeriodDeadline):
        frequency, months = body.period, frozenset()
    else:
        return None
    sel = body.selector
    interval = ""
    if isinstance(body, Schedule) and body.every > 1:
        # Every n-th week counts from the week of body.phase: give DTSTART in that week.
        interval = f";INTERVAL={body.every}"
    if isinstance(sel, Weekday):
        return f"FREQ=WEEKLY{interval};BYDAY={_BYDAY[sel.weekday]}"
    if isinstance(sel, Several):
        return _several(sel, months, interval)
    if isinstance(sel, NthWeekday):
        by_month = f";BYMONTH={_months(tuple(months))}" if months else ""
        return f"FREQ=MONTHLY{by_month};BYDAY={sel.n}{_BYDAY[sel.weekday]}"
    if isinstance(sel, YearDate):
        if sel.month == 2 and sel.day == 29:
            return None  # Feb 28 in common years: no RRULE says that
        return f"FREQ=YEARLY;BYMONTH={sel.month};BYMONTHDAY={sel.day}"
    if isinstance(sel, MonthDay):
        by_month = f";BYMONTH={_months(tuple(months))}" if months else ""
        freq = "MONTHLY"
        if sel.day <= 28:
            return f"FREQ={freq}{by_month};BYMONTHDAY={sel.day}"
        # Day 29-31 is the last day of a shorter month: the last of the days 28..day that exist.
        days = ",".join(str(d) for d in range(28, sel.day + 1))
        return f"FREQ={freq}{by_month};BYMONTHDAY={days};BYSETPOS=-1"
    if isinstance(sel, Edge):
        return _edge(frequency, months, sel)
    assert isinstance(sel, NthWorkingDay) or sel is not None
    return None
