"""Days for the rule language: calendar arithmetic, rolling off rest days, and the trace of both.

The conventions are those of ``docs/explanation/counting.md``. Each function that moves a date
takes an optional ``trace`` and records its steps there for :meth:`Rule.explain`, so an
explanation walks the same code as :meth:`Rule.due`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .._time import as_local_date
from ..calendars import DayKind, WorkCalendar
from ..exceptions import InvalidTypeError
from ._explain import Step
from ._nodes import (
    Count,
    RollName,
    rule_error,
)
from ._text import count_en, count_zh, ordinal

__all__ = [
    "ONE_DAY",
    "REST_RUN",
    "WEEKDAY_EN",
    "WEEKDAY_OFFSETS",
    "WEEKDAY_ZH",
    "Trace",
    "check_calendar",
    "day_en",
    "day_zh",
    "local_date",
    "month_days",
    "roll_date",
    "roll_rest_day",
    "shift_date",
    "trace_calendar",
    "trace_working",
]

# An upper bound on a run of consecutive rest days (Spring Festival with its weekends is 9; local
# closures rarely add more). Only used to decide which periods can reach a date range at all.
REST_RUN = 45
ONE_DAY = dt.timedelta(days=1)
WEEKDAY_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_ZH = "一二三四五六日"
_ROLL_EN = {
    "following": "rolled forward to the next working day",
    "preceding": "rolled back to the previous working day",
    "modified_following": "rolled to the next working day in the same month (modified following)",
    "preceding_in_week": "moved to a working day earlier in the same week",
}
_ROLL_ZH = {
    "following": "顺延至下一个工作日",
    "preceding": "提前至上一个工作日",
    "modified_following": "顺延至同月内下一个工作日(跨月则提前)",
    "preceding_in_week": "本周内提前",
}


Trace = list[Step]

WEEKDAY_OFFSETS = tuple(dt.timedelta(days=i) for i in range(7))
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_days(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month]


# -- small helpers ---------------------------------------------------------------------------


def day_en(d: dt.date) -> str:
    return f"{d.isoformat()} ({WEEKDAY_EN[d.weekday()]})"


def day_zh(d: dt.date) -> str:
    return f"{d.isoformat()}(周{WEEKDAY_ZH[d.weekday()]})"


def local_date(value: object, cal: WorkCalendar, name: str) -> dt.date:
    if type(value) is dt.date:
        return value
    return as_local_date(value, ZoneInfo(cal.timezone) if cal.timezone else None, name=name)


def check_calendar(cal: object) -> WorkCalendar:
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
    return dt.date(year, m + 1, min(d.day, month_days(year, m + 1)))


def shift_date(d: dt.date, count: Count, sign: int) -> dt.date:
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
        d += ONE_DAY
    if len(rest) > _REST_LIST:
        trace.append(
            Step(
                "rest_day",
                rest[0],
                en=f"{len(rest)} rest days from {day_en(rest[0])} to {day_en(rest[-1])}; {en}",
                zh=f"{day_zh(rest[0])}至{day_zh(rest[-1])}共有{len(rest)}个休息日,{zh}",
            )
        )
        return
    for d in rest:
        r_en, r_zh = _rest_reason(cal, d)
        trace.append(
            Step(
                "rest_day",
                d,
                en=f"{day_en(d)} is a rest day ({r_en}); {en}",
                zh=f"{day_zh(d)}为休息日({r_zh}),{zh}",
            )
        )


def _rolled(d: dt.date, roll: RollName | None, cal: WorkCalendar) -> dt.date | None:
    """:func:`roll_date` without a trace: the hot path of ``due`` and ``occurrences``."""
    # The calendar is asked first even when nothing rolls: a day it does not cover is an error.
    if cal.is_working_day(d):
        return d
    return roll_rest_day(d, roll, cal)


def roll_rest_day(d: dt.date, roll: RollName | None, cal: WorkCalendar) -> dt.date | None:
    """:func:`_rolled` for a ``d`` known to be a rest day."""
    if roll is None or roll == "none":
        return d
    if roll == "skip":
        return None
    if roll == "preceding":
        return cal.add_working_days(d, -1)
    if roll == "preceding_in_week":
        return in_week(d, cal)
    result = cal.add_working_days(d, 0)
    if roll == "modified_following" and result.month != d.month:
        return cal.add_working_days(d, -1)
    return result


def in_week(d: dt.date, cal: WorkCalendar) -> dt.date | None:
    """The working day a rest day ``d`` moves to without leaving its week (Monday to Sunday):
    the previous working day of the week, else the next one; ``None`` when the week has none
    (a weekly meeting sits once in every week that has a working day, and only then)."""
    monday = d - WEEKDAY_OFFSETS[d.weekday()]
    earlier = cal.add_working_days(d, -1) if d > monday else None
    if earlier is not None and earlier >= monday:
        return earlier
    sunday = monday + WEEKDAY_OFFSETS[6]
    later = cal.add_working_days(d, 0) if d < sunday else None
    return later if later is not None and later <= sunday else None


def roll_date(
    d: dt.date, roll: RollName | None, cal: WorkCalendar, trace: Trace | None
) -> dt.date | None:
    """Move ``d`` off a rest day by ``roll``; ``None`` when ``roll == "skip"`` drops it."""
    if trace is None:
        return _rolled(d, roll, cal)
    if cal.is_working_day(d):
        if trace is not None:
            info = cal.describe(d)
            if info.kind is DayKind.WORKDAY:
                en, zh = f"{day_en(d)} is a working day: no roll", f"{day_zh(d)}为工作日,无需顺延"
            else:
                name_en = info.name_en or info.kind.value
                name_zh = info.name_zh or info.kind.value
                en = f"{day_en(d)} is a working day ({name_en}): no roll"
                zh = f"{day_zh(d)}为工作日({name_zh}),无需顺延"
            trace.append(Step("roll", d, en=en, zh=zh))
        return d
    if roll == "preceding_in_week":
        moved = in_week(d, cal)
        if trace is not None:
            r_en, r_zh = _rest_reason(cal, d)
            if moved is None:
                en = f"{day_en(d)} is a rest day ({r_en}) and its week has no working day: no date"
                zh = f"{day_zh(d)}为休息日({r_zh}),本周无工作日,本周不安排"
            else:
                en = (
                    f"{day_en(d)} is a rest day ({r_en}) → {_ROLL_EN[roll]}: {day_en(moved)} "
                    "(the date stays in its week)"
                )
                zh = f"{day_zh(d)}为休息日({r_zh}),{_ROLL_ZH[roll]}:{day_zh(moved)}(不跨周)"
            trace.append(Step("roll", moved or d, en=en, zh=zh))
        return moved
    if roll == "skip" or roll == "none" or roll is None:
        if trace is not None:
            r_en, r_zh = _rest_reason(cal, d)
            if roll == "skip":
                en = f"{day_en(d)} is a rest day ({r_en}): skipped (skip holidays)"
                zh = f"{day_zh(d)}为休息日({r_zh}),遇节假日取消"
            else:
                en = f"{day_en(d)} is a rest day ({r_en}): kept (no roll)"
                zh = f"{day_zh(d)}为休息日({r_zh}),不顺延"
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
                en=f"{day_en(d)} is a rest day ({r_en}) → {_ROLL_EN[roll]}: {day_en(result)}{law_en}",
                zh=f"{day_zh(d)}为休息日({r_zh}),{_ROLL_ZH[roll]}:{day_zh(result)}{law_zh}",
            )
        )
    return result


def trace_calendar(
    cal: WorkCalendar, a: dt.date, raw: dt.date, off: Count, sign: int, trace: Trace
) -> None:
    if sign > 0:
        en = f"{day_en(a)} + {count_en(off)} → {day_en(raw)} (the first day counted is the day after)"
        zh = f"{day_zh(a)}起算{count_zh(off)}(次日起算)→ {day_zh(raw)}"
        lo, hi = a + ONE_DAY, raw - ONE_DAY
    else:
        en = f"{day_en(a)} − {count_en(off)} → {day_en(raw)}"
        zh = f"{day_zh(a)}前推{count_zh(off)} → {day_zh(raw)}"
        lo, hi = raw + ONE_DAY, a - ONE_DAY
    trace.append(Step("offset", raw, en=en, zh=zh))
    _rest_days(
        cal,
        lo,
        hi,
        trace,
        "counted: rest days inside a period are not deducted",
        "计入期间,不予扣除",
    )


def trace_working(
    cal: WorkCalendar, a: dt.date, result: dt.date, off: Count, sign: int, trace: Trace
) -> None:
    if sign > 0:
        en = f"the {ordinal(off.n)} working day after {day_en(a)} is {day_en(result)}"
        zh = f"{day_zh(a)}之后第{off.n}个工作日为{day_zh(result)}"
        lo, hi = a + ONE_DAY, result - ONE_DAY
    else:
        en = f"the {ordinal(off.n)} working day before {day_en(a)} is {day_en(result)}"
        zh = f"{day_zh(a)}之前第{off.n}个工作日为{day_zh(result)}"
        lo, hi = result + ONE_DAY, a - ONE_DAY
    trace.append(Step("offset", result, en=en, zh=zh))
    _rest_days(cal, lo, hi, trace, "not counted", "不计入工作日")
