"""Evaluation: due dates, occurrences and explanations on a working-day calendar.

The conventions are those of ``docs/explanation/counting.md``.

One code path computes every date; when a ``trace`` list is passed it also records each step for
:meth:`Rule.explain`, so an explanation can never disagree with :meth:`Rule.due`. The pieces live
beside this module: days and rolling in :mod:`._days`, periods in :mod:`._periods`, the search of
a schedule in :mod:`._schedule`; here are the rule kinds, the public entry points and the
explanation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..calendars import WorkCalendar
from ..exceptions import CalendarCoverageError, GovopsError, RuleError
from . import _holidays
from ._days import (
    ONE_DAY,
    Trace,
    check_calendar,
    day_en,
    day_zh,
    local_date,
    month_days,
    roll_date,
    shift_date,
    trace_calendar,
    trace_working,
)
from ._explain import Explanation, Step
from ._nodes import (
    AroundHoliday,
    BilingualRuleError,
    ByDate,
    NextMonthDay,
    NextYearDate,
    NthWorkingDay,
    PeriodDeadline,
    Relative,
    Schedule,
    WorkingDays,
    counts_working_days,
    message_in,
    rule_error,
)
from ._periods import (
    PERIOD_EN,
    no_nth,
    period_date,
    period_span,
)
from ._schedule import (
    next_occurrence,
    occurrences_between,
)
from ._text import EVENT_EN as _EVENT_EN
from ._text import EVENT_ZH as _EVENT_ZH
from ._text import MONTHS_EN, ordinal

if TYPE_CHECKING:
    from ._rule import Rule

__all__ = ["due", "due_at", "explain", "occurrences"]

# -- rule kinds ------------------------------------------------------------------------------


def _relative(
    rule: Rule, body: Relative, t: dt.date, cal: WorkCalendar, trace: Trace | None
) -> dt.date | None:
    sign = -1 if body.before else 1
    count = body.count
    if count.is_working:
        result = cal.add_working_days(t, sign * count.n)
        if trace is not None:
            trace_working(cal, t, result, count, sign, trace)
        return result
    raw = shift_date(t, count, sign)
    if trace is not None:
        trace_calendar(cal, t, raw, count, sign, trace)
    return roll_date(raw, rule.effective_roll, cal, trace)


def _next_month_day(
    rule: Rule, body: NextMonthDay, t: dt.date, cal: WorkCalendar, trace: Trace | None
) -> dt.date | None:
    y, m = divmod(t.month, 12)
    year, month = t.year + y, m + 1
    raw = dt.date(year, month, min(body.day, month_days(year, month)))
    if trace is not None:
        trace.append(
            Step(
                "anchor",
                raw,
                en=f"the {ordinal(body.day)} of the next month is {day_en(raw)}",
                zh=f"次月{body.day}日为{day_zh(raw)}",
            )
        )
    return roll_date(raw, rule.effective_roll, cal, trace)


def _next_year_date(
    rule: Rule, body: NextYearDate, t: dt.date, cal: WorkCalendar, trace: Trace | None
) -> dt.date | None:
    year = t.year + 1
    raw = dt.date(year, body.month, min(body.day, month_days(year, body.month)))
    if trace is not None:
        trace.append(
            Step(
                "anchor",
                raw,
                en=f"{MONTHS_EN[body.month - 1]} {body.day} of the next year is {day_en(raw)}",
                zh=f"次年{body.month}月{body.day}日为{day_zh(raw)}",
            )
        )
    return roll_date(raw, rule.effective_roll, cal, trace)


def _first_after(
    rule: Rule, body: Schedule, t: dt.date, cal: WorkCalendar, trace: Trace | None
) -> dt.date:
    """The first occurrence of a schedule strictly after ``t``."""
    if rule._parts:  # a list of days: the earliest of each day's next occurrence
        first = min(rule._parts, key=lambda part: next_occurrence(part, t, cal)[0])
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
                    en=f"the next working day after {day_en(t)} is {day_en(result)}",
                    zh=f"{day_zh(t)}之后的下一个工作日为{day_zh(result)}",
                )
            )
        return result
    d, ps, pe = next_occurrence(rule, t, cal)
    if trace is not None:
        # Evaluate the winning period again, recording its steps: the traced evaluation must land
        # where the search did.
        traced = period_date(sel, ps, pe, rule.effective_roll, cal, trace, body.frequency)
        assert traced == d, (traced, d)
    return d


def _evaluate(rule: Rule, t: dt.date, cal: WorkCalendar, trace: Trace | None) -> dt.date:
    body = rule.body
    if isinstance(body, Relative):
        result: dt.date | None = _relative(rule, body, t, cal, trace)
    elif isinstance(body, PeriodDeadline):
        ps, pe = period_span(body.period, t)
        if trace is not None:
            trace.append(
                Step(
                    "period",
                    ps,
                    en=f"the trigger's {PERIOD_EN[body.period]} is {ps.isoformat()} – "
                    f"{pe.isoformat()}",
                    zh=f"起算日所在期间为{ps.isoformat()}至{pe.isoformat()}",
                )
            )
        result = period_date(body.selector, ps, pe, rule.effective_roll, cal, trace, body.period)
        if result is None:  # only an n-th working day the period does not have
            assert isinstance(body.selector, NthWorkingDay)
            raise no_nth(body.selector.n, ps, pe, body.period)
    elif isinstance(body, Schedule):
        result = _first_after(rule, body, t, cal, trace)
    elif isinstance(body, ByDate):
        if trace is not None:
            trace.append(
                Step(
                    "anchor",
                    body.date,
                    en=f"fixed date {day_en(body.date)}",
                    zh=f"确定日期{day_zh(body.date)}",
                )
            )
        result = roll_date(body.date, rule.effective_roll, cal, trace)
    elif isinstance(body, NextYearDate):
        result = _next_year_date(rule, body, t, cal, trace)
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
    calendar = cal if type(cal) is WorkCalendar else check_calendar(cal)
    t = trigger if type(trigger) is dt.date else local_date(trigger, calendar, "trigger")
    try:
        calendar.is_working_day(t)  # a trigger the calendar does not cover is an error
        if rule._search_plan is not None:  # a schedule: its hot path directly
            return next_occurrence(rule, t, calendar)[0]
        if rule._parts:  # a list of days: the earliest of each day's next occurrence
            return min(next_occurrence(part, t, calendar)[0] for part in rule._parts)
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
    calendar = check_calendar(cal)
    lo = local_date(start, calendar, "start")
    hi = local_date(end, calendar, "end")
    body = rule.body
    if isinstance(body, (Relative, NextMonthDay, NextYearDate)):
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
            d = roll_date(body.date, rule.effective_roll, calendar, None)
            return [d] if d is not None and lo <= d <= hi else []
        if hi < lo:
            return []
        return occurrences_between(rule, body, lo, hi, calendar)
    except CalendarCoverageError as e:
        raise _coverage(rule, e) from e
    except BilingualRuleError as e:
        raise _in_language(rule, e) from None
    except GovopsError:
        raise
    except (OverflowError, ValueError) as e:
        raise _out_of_range(rule, e) from e


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
    calendar = check_calendar(cal)
    day = due(rule, trigger, calendar)
    if calendar.timezone is None:
        raise RuleError(
            f"{calendar!r} has no time zone, so a due instant cannot be given; build the calendar "
            "with one (govops.calendar('CN') lives in Asia/Shanghai)"
        )
    zone = ZoneInfo(calendar.timezone)
    if rule.time is None:  # 24:00 of the due date (Civil Code §203): the next day's first instant
        try:
            return dt.datetime.combine(day + ONE_DAY, dt.time(0), tzinfo=zone)
        except OverflowError as e:
            raise _out_of_range(rule, e) from e
    clock = rule.time.clock if rule.time.clock is not None else calendar.office_hours[1]
    return dt.datetime.combine(day, clock, tzinfo=zone)


def explain(rule: Rule, trigger: object, cal: object, lang: str) -> Explanation:
    calendar = check_calendar(cal)
    if lang not in ("en", "zh"):
        raise RuleError(f"lang={lang!r} is not 'en' or 'zh'")
    t = local_date(trigger, calendar, "trigger")
    body = rule.body
    event = body.event if isinstance(body, Relative) else None
    ev_en = f", the day of {_EVENT_EN.get(event, event)}" if event else ""
    ev_zh = f",{_EVENT_ZH.get(event, event)}之日" if event else ""
    trace: Trace = [
        Step(
            "trigger",
            t,
            en=f"trigger: {day_en(t)}{ev_en}; the trigger day itself is not counted (Civil Code §201)",
            zh=f"起算日:{day_zh(t)}{ev_zh};开始的当日不计入(民法典第二百零一条)",
        )
    ]
    counting = rule.counting
    if counting is not None and counting.days == "working" and counts_working_days(body):
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
        en = f"next occurrence after the trigger: {day_en(result)}{at_en}"
        zh = f"起算日之后的下一次:{day_zh(result)}{at_zh}"
    elif rule.time is not None:
        en = f"due: {day_en(result)}{at_en}"
        zh = f"截止日期:{day_zh(result)}{at_zh}"
    else:
        en = f"due: {day_en(result)}, by 24:00 local time (Civil Code §203)"
        zh = f"截止日期:{day_zh(result)}24时(民法典第二百零三条)"
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
