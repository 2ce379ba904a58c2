"""Hypothesis strategies for rule ASTs and rule text (tests of govops.rules)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from govops.exceptions import RuleError
from govops.rules import (
    ByDate,
    Count,
    Edge,
    MonthDay,
    NextMonthDay,
    NextYearDate,
    NthWeekday,
    NthWorkingDay,
    PeriodDeadline,
    Relative,
    Rule,
    Schedule,
    Several,
    TimeOfDay,
    Weekday,
    WorkingDays,
    YearDate,
)

UNITS = ("day", "working_day", "week", "month", "year")
EVENTS = (
    None,
    "meeting",
    "formation",
    "receipt",
    "assignment",
    "decision",
    "acceptance",
    "service",
    # Names the language does not know are kept as written, in either script.
    "批复下达",
    "接到通知",
    "受理行政许可申请",
    "service of the notice",
    "the application is received",
)
PERIODS = ("xun", "month", "quarter", "half_year", "year")
ROLLS = (None, "following", "preceding", "none", "skip", "modified_following", "preceding_in_week")
ACTIONS = (None, "report", "submit", "hold", "publish", "complete", "reply")
TIMES = (
    None,
    TimeOfDay(),
    TimeOfDay(dt.time(12, 0)),
    TimeOfDay(dt.time(17, 30)),
    TimeOfDay(dt.time(9, 5)),
)

counts = st.builds(Count, st.integers(1, 400), st.sampled_from(UNITS))
small_counts = st.builds(Count, st.integers(1, 40), st.sampled_from(UNITS))
edges = st.one_of(
    st.builds(Edge, st.sampled_from(("start", "end"))),
    st.builds(
        lambda e, c, b: Edge(e, offset=c, before=b),
        st.sampled_from(("start", "end")),
        small_counts,
        st.booleans(),
    ),
)
nths = st.builds(NthWorkingDay, st.one_of(st.integers(-5, -1), st.integers(1, 20)))
week_nths = st.builds(NthWorkingDay, st.one_of(st.integers(-5, -1), st.integers(1, 5)))
nth_weekdays = st.builds(
    NthWeekday, st.one_of(st.integers(-5, -1), st.integers(1, 5)), st.integers(0, 6)
)
weekday_lists = st.builds(
    lambda days: Several(tuple(Weekday(d) for d in days)),
    st.frozensets(st.integers(0, 6), min_size=2, max_size=5),
)
month_day_lists = st.builds(
    lambda days: Several(tuple(MonthDay(d) for d in days)),
    st.frozensets(st.integers(1, 31), min_size=2, max_size=4),
)
year_dates = st.builds(
    lambda m, d: YearDate(m, min(d, [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1])),
    st.integers(1, 12),
    st.integers(1, 31),
)


def _is_event_name(name: str) -> bool:
    try:
        Relative(Count(1, "day"), event=name)
    except RuleError:
        return False
    return True


# Free event names made of what real names hold and what trips a reader: ordinals and digits
# (第二审, 第2次), lists (、), counts (日起半年内), edges (期末), 自 and English words.
free_events = (
    st.text(
        alphabet="第二审立案收到申请材料、补正b日起半年内末期自然2次会议 ofthedarecipt", max_size=16
    )
    .map(lambda t: " ".join(t.split()))
    .filter(_is_event_name)
)
relatives = st.builds(
    lambda c, b, e: Relative(c, before=b, event=e),
    counts,
    st.booleans(),
    st.sampled_from(EVENTS) | free_events,
)
by_dates = st.builds(ByDate, st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
next_month_days = st.builds(NextMonthDay, st.integers(1, 31))
next_year_dates = st.builds(
    lambda m, d: NextYearDate(m, min(d, (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[m - 1])),
    st.integers(1, 12),
    st.integers(1, 31),
)
period_deadlines = st.builds(PeriodDeadline, st.sampled_from(PERIODS), st.one_of(edges, nths))


def _schedule(
    frequency: str, selector: object, months: frozenset[int], deadline: bool = False
) -> Schedule:
    return Schedule(frequency, selector, months=months, deadline=deadline)  # type: ignore[arg-type]


def _fortnightly(selector: object, every: int, phase: dt.date) -> Schedule:
    return Schedule("week", selector, every=every, phase=phase)  # type: ignore[arg-type]


schedules = st.one_of(
    st.builds(
        _schedule,
        st.just("week"),
        st.one_of(st.builds(Weekday, st.integers(0, 6)), weekday_lists, week_nths),
        st.just(frozenset()),
        st.booleans(),
    ),
    st.builds(
        _fortnightly,
        st.one_of(st.builds(Weekday, st.integers(0, 6)), weekday_lists, week_nths),
        st.integers(2, 4),
        st.dates(dt.date(2001, 1, 1), dt.date(2026, 12, 31)),
    ),
    st.builds(_schedule, st.just("day"), st.just(WorkingDays()), st.just(frozenset())),
    st.builds(
        _schedule,
        st.just("month"),
        st.one_of(
            edges, nths, nth_weekdays, month_day_lists, st.builds(MonthDay, st.integers(1, 31))
        ),
        st.frozensets(st.integers(1, 12), max_size=12),
        st.booleans(),
    ),
    st.builds(
        _schedule,
        st.sampled_from(("xun", "quarter", "half_year")),
        st.one_of(edges, nths),
        st.just(frozenset()),
        st.booleans(),
    ),
    st.builds(
        _schedule,
        st.just("year"),
        st.one_of(edges, nths, year_dates),
        st.just(frozenset()),
        st.booleans(),
    ),
)

bodies = st.one_of(
    relatives, by_dates, next_month_days, next_year_dates, period_deadlines, schedules
)


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    """Any valid rule: a body with a roll and an action where they apply."""
    body = draw(bodies)
    roll = draw(st.sampled_from(ROLLS))
    action = draw(st.sampled_from(ACTIONS))
    time = draw(st.sampled_from(TIMES))
    lang = draw(st.sampled_from(("en", "zh")))
    try:
        return Rule(body, roll=roll, action=action, time=time, lang=lang)  # type: ignore[arg-type]
    except RuleError:
        return Rule(body, action=action, time=time, lang=lang)  # type: ignore[arg-type]


# Phrases every test of the language starts from.
PHRASES = (
    "within 2 days",
    "report within two days",
    "within 2 days after the meeting",
    "会后两日内报送",
    "两天内",
    "2日内",
    "within 20 working days",
    "20 working days after formation",
    "自形成之日起20个工作日内公开",
    "七个工作日内",
    "within 1 month",
    "within 3 weeks",
    "一个月内",
    "3 working days before the meeting",
    "会前三个工作日",
    "提前3个工作日",
    "by 2026-06-30",
    "2026年6月30日前",
    "by the 5th of next month",
    "次月5日前",
    "at quarter-end plus two days",
    "report at quarter-end plus 2 working days",
    "每季度末后两天提报",
    "季度末后两个工作日内",
    "at month-end plus two days",
    "每月底后两天",
    "by month-end",
    "月底前",
    "by year-end",
    "年底前",
    "at the start of the year",
    "年初",
    "by the last working day of the month",
    "every Monday",
    "每周一",
    "每周星期一",
    "every working day",
    "每个工作日",
    "every week",
    "每周",
    "every month on the last working day",
    "每月最后一个工作日",
    "every month on the 5th",
    "每月5日",
    "every month at month-end plus two days",
    "every quarter at quarter-end plus two days",
    "every 2 months starting January",
    "每两个月一次(自1月起)",
    "every quarter",
    "每季度",
    "every year",
    "at the end of Feb, May, Aug and Nov",
    "2月、5月、8月和11月底",
    "in Apr, Jul, Oct and Dec on the last working day",
    "within 2 days, roll forward",
    "every Monday, roll back",
    "within 2 days, no roll",
    "every Monday, skip holidays",
    "两日内，遇节假日顺延",
    "每周一，遇节假日提前",
    "两日内，遇节假日不顺延",
    "每周一，遇节假日取消",
    "每周五，遇节假日本周内提前",
    "every Friday, earlier in the same week",
    "within 2 calendar days",
    "2个自然日内",
    "旬末后三日内",
    "within 3 days after the end of the xun",
    "每旬末",
    "every xun at xun-end",
    # As documents write them.
    "应当自收到申请之日起20个工作日内予以答复",
    "reply within 15 days after the application is received",
    "每季度第一个月15日前报送",
    "by the 20th of each month",
    "每月结束后5个工作日内",
    "每周三、周五",
    "隔周周三(自2026年1月7日起)",
    "每周五下班前报送",
    "15日内（遇节假日顺延）",
    "节后第二个工作日",
    "每月第二个星期三",
)
