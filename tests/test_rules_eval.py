"""Due dates, occurrences and explanations on the CN calendar, 2024–2026, to the day."""

from __future__ import annotations

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govops.calendars import WorkCalendar, calendar
from govops.exceptions import (
    CalendarCoverageError,
    GovopsError,
    InvalidTypeError,
    NaiveDatetimeError,
    RuleError,
)
from govops.rules import Explanation, Rule, parse_rule
from strategies_rules import rules

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return calendar("CN")


# The worked examples of docs/explanation/counting.md, in both languages.
WORKED = [
    (["within 2 days", "会后两日内"], D(2024, 9, 27), D(2024, 9, 29)),
    (["within 20 working days", "20个工作日内"], D(2024, 9, 27), D(2024, 10, 30)),
    (["at quarter-end plus 2 days", "季度末后两天"], D(2024, 8, 15), D(2024, 10, 8)),
    (
        ["at quarter-end plus 2 working days", "季度末后两个工作日内"],
        D(2024, 8, 15),
        D(2024, 10, 9),
    ),
]


@pytest.mark.parametrize(("texts", "trigger", "due"), WORKED)
def test_design_worked_examples(
    cal: WorkCalendar, texts: list[str], trigger: dt.date, due: dt.date
) -> None:
    for text in texts:
        assert parse_rule(text).due(trigger, calendar=cal) == due, text


@pytest.mark.parametrize("text", ["every Monday", "每周一", "每周星期一"])
def test_every_monday_in_february_2024(cal: WorkCalendar, text: str) -> None:
    # Feb 12 is Spring Festival: its Monday moves to the make-up Sunday Feb 18.
    assert parse_rule(text).occurrences(D(2024, 2, 1), D(2024, 2, 29), calendar=cal) == [
        D(2024, 2, 5),
        D(2024, 2, 18),
        D(2024, 2, 19),
        D(2024, 2, 26),
    ]


DUE = [
    # within N days: trigger not counted, rest days inside counted, last day rolls forward
    ("within 2 days", D(2026, 2, 12), D(2026, 2, 14)),  # Sat Feb 14 2026 is a make-up workday
    ("两天内", D(2026, 2, 13), D(2026, 2, 24)),  # Feb 15 Spring Festival → after the holiday
    ("2日内", D(2024, 9, 27), D(2024, 9, 29)),
    ("report within two days", D(2025, 9, 30), D(2025, 10, 9)),  # Oct 2 2025 → Oct 9
    (
        "within 2 days after the meeting",
        D(2024, 2, 8),
        D(2024, 2, 18),
    ),  # Sat Feb 10 → Sun 18 (make-up)
    ("within 2 days, no roll", D(2026, 2, 13), D(2026, 2, 15)),
    ("within 2 days, roll back", D(2026, 2, 13), D(2026, 2, 14)),
    # working days: no roll
    ("七个工作日内", D(2025, 9, 26), D(2025, 10, 13)),  # Sep 28 and Oct 11 are make-up days
    ("自形成之日起20个工作日内公开", D(2026, 9, 18), D(2026, 10, 22)),
    ("20 working days after formation", D(2024, 1, 26), D(2024, 2, 28)),  # Feb 4, 18 worked
    # months clamp to the month's last day (民法典 §202), weeks are 7 days
    ("within 1 month", D(2024, 1, 31), D(2024, 2, 29)),  # leap day
    ("within 1 month", D(2025, 1, 31), D(2025, 2, 28)),
    ("一个月内", D(2026, 3, 31), D(2026, 4, 30)),
    ("within 3 weeks", D(2026, 9, 15), D(2026, 10, 8)),  # Oct 6 is National Day
    ("within 1 year", D(2024, 2, 29), D(2025, 2, 28)),
    # before: counts back and rolls back
    ("3 working days before the meeting", D(2026, 10, 9), D(2026, 9, 29)),
    ("会前三个工作日", D(2026, 10, 9), D(2026, 9, 29)),
    ("提前3个工作日", D(2026, 10, 9), D(2026, 9, 29)),
    ("3 days before the meeting", D(2026, 10, 9), D(2026, 9, 30)),  # Oct 6 → back to Sep 30
    # fixed dates
    ("by 2026-06-30", D(2026, 1, 1), D(2026, 6, 30)),
    ("2026年10月3日前", D(2026, 1, 1), D(2026, 10, 8)),
    ("by the 5th of next month", D(2026, 1, 20), D(2026, 2, 5)),
    ("次月5日前", D(2026, 9, 10), D(2026, 10, 8)),
    ("次月5日前", D(2026, 3, 10), D(2026, 4, 7)),  # Qingming Apr 4–6
    ("by the 31st of next month", D(2026, 1, 10), D(2026, 2, 28)),  # Sat Feb 28: a make-up workday
    # period anchors: calendar-day edges of the trigger's period
    ("季度末后两个工作日内", D(2025, 11, 10), D(2026, 1, 5)),  # Jan 4 (make-up Sunday), Jan 5
    ("at month-end plus two days", D(2026, 4, 15), D(2026, 5, 6)),  # May 2 → after Labour Day
    ("月底后两天", D(2024, 2, 10), D(2024, 3, 4)),  # Feb 29 + 2 = Sat Mar 2 → Mon Mar 4
    ("by month-end", D(2026, 5, 10), D(2026, 6, 1)),  # Sun May 31 rolls forward
    ("月底前", D(2024, 9, 3), D(2024, 9, 30)),
    ("by year-end", D(2026, 6, 1), D(2026, 12, 31)),
    ("年底前", D(2023, 6, 1), D(2024, 1, 2)),  # Sun Dec 31 2023 → Jan 2 (Jan 1 holiday)
    ("年初", D(2026, 3, 1), D(2026, 1, 4)),  # the trigger's year: Jan 1–3 off, Sun Jan 4 worked
    ("at the start of the year", D(2025, 7, 1), D(2025, 1, 2)),
    ("by the last working day of the month", D(2026, 5, 10), D(2026, 5, 29)),
    ("当月最后一个工作日前", D(2026, 2, 3), D(2026, 2, 28)),  # Sat Feb 28 is a make-up workday
    ("at month-end minus 3 working days", D(2026, 9, 1), D(2026, 9, 24)),  # Sep 25–27 Mid-Autumn
    # schedules: the first occurrence strictly after the trigger
    ("every Monday", D(2026, 9, 30), D(2026, 10, 8)),
    ("每周一", D(2026, 10, 12), D(2026, 10, 19)),
    ("every working day", D(2024, 9, 27), D(2024, 9, 29)),
    ("每个工作日", D(2026, 9, 30), D(2026, 10, 8)),
    ("every month on the 5th", D(2026, 9, 5), D(2026, 9, 7)),
    ("每季度末后两天提报", D(2026, 8, 15), D(2026, 10, 8)),
    ("every quarter at quarter-end plus two days", D(2026, 10, 1), D(2026, 10, 8)),
    ("every year", D(2025, 3, 1), D(2026, 1, 4)),
    ("every week", D(2024, 2, 6), D(2024, 2, 18)),  # Mon Feb 12 → make-up Sunday Feb 18
    ("每周", D(2024, 2, 6), D(2024, 2, 18)),
    ("每季度", D(2026, 7, 2), D(2026, 10, 8)),
    ("每月底后两天", D(2026, 4, 15), D(2026, 5, 6)),
    ("2026年6月30日前", D(2026, 1, 1), D(2026, 6, 30)),
    ("report at quarter-end plus 2 working days", D(2026, 8, 1), D(2026, 10, 9)),
    ("within 15 days", D(2024, 9, 27), D(2024, 10, 12)),  # a make-up Saturday
    # quarter-ends on a weekend: deadlines roll forward, schedules stay in their month
    ("by quarter-end", D(2024, 2, 1), D(2024, 4, 1)),  # Sun Mar 31 2024
    ("季度末前", D(2024, 5, 1), D(2024, 7, 1)),  # Sun Jun 30 2024
    ("at quarter-end plus two days", D(2024, 2, 1), D(2024, 4, 2)),
    ("every quarter at quarter-end", D(2024, 3, 1), D(2024, 3, 29)),
    ("every quarter at quarter-end", D(2024, 6, 1), D(2024, 6, 28)),
    # Feb 29
    ("every month on the 30th", D(2024, 2, 1), D(2024, 2, 29)),
    ("every month on the 31st", D(2025, 2, 1), D(2025, 2, 28)),
    ("every year on Feb 29", D(2024, 3, 1), D(2025, 2, 28)),
    ("每年2月29日", D(2023, 3, 1), D(2024, 2, 29)),
]


@pytest.mark.parametrize(("text", "trigger", "due"), DUE, ids=[f"{t}@{d}" for t, d, _ in DUE])
def test_due(cal: WorkCalendar, text: str, trigger: dt.date, due: dt.date) -> None:
    assert parse_rule(text).due(trigger, calendar=cal) == due


OCCURRENCES_2026 = {
    "every month on the last working day": [
        D(2026, 1, 30),
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
        D(2026, 5, 29),
        D(2026, 6, 30),
        D(2026, 7, 31),
        D(2026, 8, 31),
        D(2026, 9, 30),
        D(2026, 10, 30),
        D(2026, 11, 30),
        D(2026, 12, 31),
    ],
    "每月5日": [
        D(2026, 1, 5),
        D(2026, 2, 5),
        D(2026, 3, 5),
        D(2026, 4, 7),
        D(2026, 5, 6),
        D(2026, 6, 5),
        D(2026, 7, 6),
        D(2026, 8, 5),
        D(2026, 9, 7),
        D(2026, 10, 8),
        D(2026, 11, 5),
        D(2026, 12, 7),
    ],
    "每两个月一次(自1月起)": [
        D(2026, 1, 4),
        D(2026, 3, 2),
        D(2026, 5, 6),
        D(2026, 7, 1),
        D(2026, 9, 1),
        D(2026, 11, 2),
    ],
    "every quarter": [D(2026, 1, 4), D(2026, 4, 1), D(2026, 7, 1), D(2026, 10, 8)],
    "每季度末后两天提报": [D(2026, 1, 4), D(2026, 4, 2), D(2026, 7, 2), D(2026, 10, 8)],
    "every month at month-end plus two days": [
        D(2026, 1, 4),
        D(2026, 2, 2),
        D(2026, 3, 2),
        D(2026, 4, 2),
        D(2026, 5, 6),
        D(2026, 6, 2),
        D(2026, 7, 2),
        D(2026, 8, 3),
        D(2026, 9, 2),
        D(2026, 10, 8),
        D(2026, 11, 2),
        D(2026, 12, 2),
    ],
    # Feb 28 2026 is a make-up Saturday; Sun May 31 stays in May (modified following).
    "at the end of Feb, May, Aug and Nov": [
        D(2026, 2, 28),
        D(2026, 5, 29),
        D(2026, 8, 31),
        D(2026, 11, 30),
    ],
    "2月、5月、8月和11月底": [D(2026, 2, 28), D(2026, 5, 29), D(2026, 8, 31), D(2026, 11, 30)],
    "in Apr, Jul, Oct and Dec on the last working day": [
        D(2026, 4, 30),
        D(2026, 7, 31),
        D(2026, 10, 30),
        D(2026, 12, 31),
    ],
    "every year": [D(2026, 1, 4)],
    "by month-end": [
        D(2026, 2, 2),
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
        D(2026, 6, 1),
        D(2026, 6, 30),
        D(2026, 7, 31),
        D(2026, 8, 31),
        D(2026, 9, 30),
        D(2026, 11, 2),
        D(2026, 11, 30),
        D(2026, 12, 31),
    ],
    "by 2026-06-30": [D(2026, 6, 30)],
    "每月最后一个工作日": [
        D(2026, 1, 30),
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
        D(2026, 5, 29),
        D(2026, 6, 30),
        D(2026, 7, 31),
        D(2026, 8, 31),
        D(2026, 9, 30),
        D(2026, 10, 30),
        D(2026, 11, 30),
        D(2026, 12, 31),
    ],
    "every 2 months starting January": [
        D(2026, 1, 4),
        D(2026, 3, 2),
        D(2026, 5, 6),
        D(2026, 7, 1),
        D(2026, 9, 1),
        D(2026, 11, 2),
    ],
    "每季度": [D(2026, 1, 4), D(2026, 4, 1), D(2026, 7, 1), D(2026, 10, 8)],
}


@pytest.mark.parametrize("text", sorted(OCCURRENCES_2026))
def test_occurrences_2026(cal: WorkCalendar, text: str) -> None:
    got = parse_rule(text).occurrences(D(2026, 1, 1), D(2026, 12, 31), calendar=cal)
    assert got == OCCURRENCES_2026[text]


def test_every_monday_in_2026_merges_collisions(cal: WorkCalendar) -> None:
    dates = parse_rule("每周星期一召开").occurrences(D(2026, 1, 1), D(2026, 12, 31), calendar=cal)
    # Feb 16 and Feb 23 (Spring Festival) both move to Tue Feb 24: one meeting, not two.
    assert len(dates) == 51 and dates.count(D(2026, 2, 24)) == 1
    assert D(2026, 4, 7) in dates and D(2026, 5, 6) in dates and D(2026, 10, 8) in dates
    assert dates == sorted(set(dates))


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("every Monday, skip holidays", [D(2024, 2, 5), D(2024, 2, 19), D(2024, 2, 26)]),
        ("every Monday, roll back", [D(2024, 2, 5), D(2024, 2, 9), D(2024, 2, 19), D(2024, 2, 26)]),
        ("every Monday, no roll", [D(2024, 2, 5), D(2024, 2, 12), D(2024, 2, 19), D(2024, 2, 26)]),
        (
            "every Monday, roll forward",
            [D(2024, 2, 5), D(2024, 2, 18), D(2024, 2, 19), D(2024, 2, 26)],
        ),
    ],
)
def test_schedule_modifiers(cal: WorkCalendar, text: str, dates: list[dt.date]) -> None:
    assert parse_rule(text).occurrences(D(2024, 2, 1), D(2024, 2, 29), calendar=cal) == dates


def test_modified_following_keeps_month_end_in_its_month(cal: WorkCalendar) -> None:
    rule = parse_rule("every month at month-end")
    assert rule.occurrences(D(2026, 5, 1), D(2026, 5, 31), calendar=cal) == [D(2026, 5, 29)]
    assert parse_rule("every month at month-end, roll forward").occurrences(
        D(2026, 5, 1), D(2026, 6, 30), calendar=cal
    ) == [D(2026, 6, 1), D(2026, 6, 30)]


def test_an_occurrence_belongs_to_the_range_it_lands_in(cal: WorkCalendar) -> None:
    rule = parse_rule("每季度末后两天")
    # Q4 2025's report lands on Jan 4 2026: it belongs to January, not to December.
    assert rule.occurrences(D(2025, 12, 1), D(2025, 12, 31), calendar=cal) == []
    assert rule.occurrences(D(2026, 1, 1), D(2026, 1, 31), calendar=cal) == [D(2026, 1, 4)]


def test_occurrences_up_to_the_last_published_day_do_not_look_beyond(cal: WorkCalendar) -> None:
    # The Q4 2026 report falls in 2027, outside the data; asking for 2026 must not need it.
    for text in (
        "every Monday",
        "每季度末后两天",
        "每月最后一个工作日",
        "every working day",
        "每月5日",
    ):
        parse_rule(text).occurrences(D(2026, 1, 1), D(2026, 12, 31), calendar=cal)


def test_coverage_error_names_the_rule() -> None:
    # The official data as published through 2026, whatever the installed release carries.
    cal = calendar("CN", last_year=2026)
    with pytest.raises(CalendarCoverageError, match=r"rule '2日内'.*2027") as info:
        parse_rule("两日内").due(D(2026, 12, 30), calendar=cal)
    assert info.value.year == 2027
    with pytest.raises(CalendarCoverageError, match="every Monday"):
        parse_rule("every Monday").occurrences(D(2026, 12, 1), D(2027, 1, 31), calendar=cal)
    with pytest.raises(CalendarCoverageError, match="2027"):
        parse_rule("every Monday").explain(D(2026, 12, 28), calendar=cal)


def test_provisional_calendar_flags_the_explanation() -> None:
    pcal = calendar("CN", provisional=True)
    year = pcal.published_through + 1  # the first year of estimates
    ex = parse_rule("within 2 days").explain(D(year, 3, 1), calendar=pcal)
    assert ex.provisional and ex.due == pcal.roll(D(year, 3, 3))
    assert "provisional" in str(ex) and ex.steps[-1].kind == "provisional"
    assert not parse_rule("within 2 days").explain(D(2026, 3, 2), calendar=pcal).provisional


def test_aware_datetimes_are_local_days_and_naive_ones_are_refused(cal: WorkCalendar) -> None:
    rule = parse_rule("within 2 days")
    late = dt.datetime(2024, 9, 27, 20, 0, tzinfo=dt.timezone.utc)  # already Sep 28 in Beijing
    assert rule.due(late, calendar=cal) == D(2024, 9, 30)
    beijing = dt.datetime(2024, 9, 27, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert rule.due(beijing, calendar=cal) == D(2024, 9, 29)
    with pytest.raises(NaiveDatetimeError):
        rule.due(dt.datetime(2024, 9, 27, 20, 0), calendar=cal)
    with pytest.raises(InvalidTypeError, match="expected a WorkCalendar"):
        rule.due(D(2024, 9, 27), calendar="CN")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError):
        rule.due("2024-09-27", calendar=cal)  # type: ignore[arg-type]


def test_relative_rules_have_no_occurrences(cal: WorkCalendar) -> None:
    with pytest.raises(RuleError, match="call due"):
        parse_rule("within 2 days").occurrences(D(2026, 1, 1), D(2026, 2, 1), calendar=cal)
    assert parse_rule("every Monday").occurrences(D(2026, 2, 1), D(2026, 1, 1), calendar=cal) == []


def test_nth_working_day_that_does_not_exist(cal: WorkCalendar) -> None:
    with pytest.raises(RuleError, match="fewer working days"):
        parse_rule("by the 30th working day of the month").due(D(2026, 2, 1), calendar=cal)


# -- explain ---------------------------------------------------------------------------------


def test_explain_steps_english(cal: WorkCalendar) -> None:
    ex = parse_rule("at quarter-end plus 2 days").explain(D(2024, 8, 15), calendar=cal)
    assert isinstance(ex, Explanation)
    assert ex.due == D(2024, 10, 8) and not ex.provisional
    kinds = [s.kind for s in ex.steps]
    assert kinds[0] == "trigger" and kinds[-1] == "due"
    assert {"period", "anchor", "offset", "rest_day", "roll"} <= set(kinds)
    text = str(ex)
    assert text.startswith("Rule: at quarter-end plus 2 days")
    assert "2024-09-30 (Mon)" in text and "National Day" in text
    assert "rolled forward to the next working day: 2024-10-08 (Tue)" in text


def test_explain_in_chinese_names_the_make_up_day(cal: WorkCalendar) -> None:
    ex = parse_rule("会后两日内报送").explain(D(2024, 9, 27), calendar=cal)
    assert ex.lang == "zh"
    text = str(ex)
    assert text.startswith("规则：会后2日内报送")
    assert "2024-09-28（周六）为休息日（周末）" in text
    assert "2024-09-29（周日）为工作日" in text and "调休" in text
    assert ex.lines("en")[0] == "Rule: report within 2 days after the meeting"


def test_explain_working_days_lists_each_rest_day(cal: WorkCalendar) -> None:
    ex = parse_rule("within 20 working days").explain(D(2024, 9, 27), calendar=cal, lang="en")
    rest = [s.date for s in ex.steps if s.kind == "rest_day"]
    assert D(2024, 10, 1) in rest and D(2024, 9, 29) not in rest and D(2024, 10, 12) not in rest
    assert ex.due == D(2024, 10, 30)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(
        [
            "within 2 days",
            "within 20 working days",
            "季度末后两天",
            "every Monday",
            "每月最后一个工作日",
            "3 days before the meeting",
            "次月5日前",
            "at month-end plus 1 month",
            "by month-end",
            "every 2 months starting March at month-end",
            "within 1 month, no roll",
        ]
    ),
    st.dates(D(2002, 1, 1), D(2025, 12, 31)),
)
def test_explain_agrees_with_due(text: str, trigger: dt.date) -> None:
    cal = calendar("CN")
    rule = parse_rule(text)
    assert rule.explain(trigger, calendar=cal).due == rule.due(trigger, calendar=cal)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 60), st.dates(D(2002, 1, 1), D(2025, 12, 31)))
def test_working_days_never_roll_and_days_land_on_working_days(n: int, trigger: dt.date) -> None:
    cal = calendar("CN")
    working = parse_rule(f"within {n} working days").due(trigger, calendar=cal)
    assert cal.working_days_between(trigger, working) == n and cal.is_working_day(working)
    days = parse_rule(f"within {n} days").due(trigger, calendar=cal)
    raw = trigger + dt.timedelta(days=n)
    assert cal.is_working_day(days) and days == cal.roll(raw, "following")
    before = parse_rule(f"{n} days before the meeting").due(trigger, calendar=cal)
    assert before == cal.roll(trigger - dt.timedelta(days=n), "preceding")


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(
        ["every Monday", "每月5日", "每季度末后两天", "2月、5月、8月和11月底", "每月最后一个工作日"]
    ),
    st.dates(D(2003, 1, 1), D(2025, 6, 30)),
)
def test_schedule_due_is_the_first_occurrence_after_the_trigger(
    text: str, trigger: dt.date
) -> None:
    cal = calendar("CN")
    rule = parse_rule(text)
    due = rule.due(trigger, calendar=cal)
    later = rule.occurrences(
        trigger + dt.timedelta(days=1), trigger + dt.timedelta(days=400), calendar=cal
    )
    assert due == later[0]


def _until(start: dt.date, days: int) -> dt.date:
    """``start + days``, or the last date there is: the test's own arithmetic never overflows."""
    return start + dt.timedelta(days=min(days, (dt.date.max - start).days))


@settings(max_examples=300, deadline=None)
@given(rules(), st.dates(), st.dates())
def test_evaluation_raises_only_govops_errors(rule: Rule, a: dt.date, b: dt.date) -> None:
    cal = calendar("CN")
    lo, hi = min(a, b), max(a, b)
    for call in (
        lambda: rule.due(a, calendar=cal),
        lambda: rule.explain(a, calendar=cal),
        lambda: rule.occurrences(lo, min(hi, _until(lo, 800)), calendar=cal),
    ):
        with contextlib.suppress(GovopsError):
            call()


# Calendars that reach the ends of the date type (weekends only), so that evaluation near year 1
# and year 9999 runs the rule's own date arithmetic instead of stopping at the calendar's coverage.
EDGE_YEARS = {"first": (1, 3), "last": (9997, 9999)}
EDGE_CALENDARS = {
    name: WorkCalendar("ZZ", first_year=lo, last_year=hi, published_through=hi, days=())
    for name, (lo, hi) in EDGE_YEARS.items()
}


@settings(max_examples=400, deadline=None)
@given(rules(), st.sampled_from(sorted(EDGE_YEARS)), st.data())
def test_dates_at_the_ends_of_the_date_type_raise_only_govops_errors(
    rule: Rule, which: str, data: st.DataObject
) -> None:
    cal = EDGE_CALENDARS[which]
    first, last = EDGE_YEARS[which]
    days = st.dates(D(first, 1, 1), D(last, 12, 31))
    a, b = data.draw(days), data.draw(days)
    lo, hi = min(a, b), max(a, b)
    for call in (
        lambda: rule.due(a, calendar=cal),
        lambda: rule.explain(a, calendar=cal),
        lambda: rule.occurrences(lo, min(hi, _until(lo, 800)), calendar=cal),
    ):
        with contextlib.suppress(GovopsError):
            call()


@pytest.mark.parametrize(
    "text",
    [
        "within 2 days",
        "every Monday",
        "by the 5th of next month",
        "at year-end plus 2 days",
        "every year at year-end plus 1 month",
        "within 1 year",
    ],
)
def test_the_last_days_there_are_give_a_rule_error(text: str) -> None:
    cal = EDGE_CALENDARS["last"]
    with pytest.raises(RuleError, match="outside the years a date can have"):
        parse_rule(text).due(D(9999, 12, 30), calendar=cal)


@settings(max_examples=400, deadline=None)
@given(rules(), st.dates(D(2001, 1, 1), D(2026, 12, 31)))
def test_due_agrees_with_explain_and_with_occurrences(rule: Rule, trigger: dt.date) -> None:
    # due() takes a short route (a search from the likeliest period); explain() traces the steps
    # and occurrences() walks every period: all three must tell the same date, or the same error.
    cal = calendar("CN")
    try:
        due = rule.due(trigger, calendar=cal)
    except GovopsError as e:
        with pytest.raises(type(e)):
            rule.explain(trigger, calendar=cal)
        return
    # explain() also names every rest day an offset spans, so it can need data due() does not
    # (a year-long offset from a period in the calendar's first year).
    with contextlib.suppress(CalendarCoverageError):
        assert rule.explain(trigger, calendar=cal).due == due
    if rule.is_schedule:
        start = trigger + dt.timedelta(days=1)
        end = min(D(2026, 12, 31), trigger + dt.timedelta(days=800))
        # A later period may need the next year's data, or lack an n-th working day.
        with contextlib.suppress(GovopsError):
            later = rule.occurrences(start, end, calendar=cal)
            assert later[:1] == ([due] if due <= end else [])


# 旬 (xun): days 1–10, 11–20 and 21 to the month's end. 2026: Jan 10 and Jan 31 are Saturdays,
# Feb 20 is in the Spring Festival holiday, Saturday Feb 28 is a make-up workday.
XUN_END_2026_Q1 = [
    D(2026, 1, 12),  # Sat Jan 10 → Monday
    D(2026, 1, 20),
    D(2026, 1, 30),  # Sat Jan 31 (a 31-day month's last xun): Monday would leave January
    D(2026, 2, 10),
    D(2026, 2, 24),  # Fri Feb 20, Spring Festival → Tue Feb 24
    D(2026, 2, 28),  # Sat Feb 28, a make-up workday: no roll
    D(2026, 3, 10),
    D(2026, 3, 20),
    D(2026, 3, 31),  # a 31-day month's last xun ends on the 31st
]


@pytest.mark.parametrize("text", ["每旬末", "every xun at xun-end", "每旬末召开"])
def test_xun_end_schedule(cal: WorkCalendar, text: str) -> None:
    rule = parse_rule(text)
    assert rule.occurrences(D(2026, 1, 1), D(2026, 3, 31), calendar=cal) == XUN_END_2026_Q1
    assert rule.due(D(2026, 2, 10), calendar=cal) == D(2026, 2, 24)
    assert rule.due(D(2026, 2, 24), calendar=cal) == D(2026, 2, 28)
    assert rule.due(D(2026, 1, 30), calendar=cal) == D(2026, 2, 10)


@pytest.mark.parametrize(
    ("trigger", "due"),
    [
        (D(2026, 1, 25), D(2026, 2, 3)),  # Sat Jan 31 + 3 days
        (D(2026, 2, 5), D(2026, 2, 13)),
        (D(2026, 2, 15), D(2026, 2, 24)),  # Feb 20 + 3 = Feb 23, a holiday → Feb 24
        (D(2026, 2, 25), D(2026, 3, 3)),  # Feb 28 (the short month's last xun) + 3
        (D(2026, 3, 21), D(2026, 4, 3)),  # Mar 31 + 3
    ],
)
def test_xun_end_deadline(cal: WorkCalendar, trigger: dt.date, due: dt.date) -> None:
    for text in (
        "旬末后三日内",
        "within 3 days after the end of the xun",
        "at xun-end plus 3 days",
    ):
        assert parse_rule(text).due(trigger, calendar=cal) == due, text


def test_xun_explanation_names_the_xun(cal: WorkCalendar) -> None:
    text = str(parse_rule("旬末后三日内").explain(D(2026, 2, 25), calendar=cal))
    assert (
        "2026-02-21至2026-02-28的旬末为2026-02-28(周六)".replace("(", "（").replace(")", "）")
        in text
    )
    assert "截止日期：2026-03-03（周二）" in text


# -- regressions -----------------------------------------------------------------------------


def test_week_without_a_working_day_is_skipped(cal: WorkCalendar) -> None:
    # 2026-02-16 … 22 is all Spring Festival: that week has no last working day, so it has no
    # date; the weeks around it keep theirs (Sat 2026-02-14 and Sat 02-28 are make-up workdays).
    for text in ("every week on the last working day", "每周最后一个工作日"):
        rule = parse_rule(text)
        got = rule.occurrences(D(2026, 2, 9), D(2026, 3, 1), calendar=cal)
        assert got == [D(2026, 2, 14), D(2026, 2, 28)]
        assert rule.due(D(2026, 2, 14), calendar=cal) == D(2026, 2, 28)
        assert rule.explain(D(2026, 2, 14), calendar=cal).due == D(2026, 2, 28)
        assert "week" in rule.to_text() and "周" in rule.to_text("zh")


def test_period_deadline_without_its_working_day_is_still_an_error(cal: WorkCalendar) -> None:
    with pytest.raises(RuleError, match="does not exist"):
        parse_rule("by the 25th working day of the month").due(D(2026, 2, 3), calendar=cal)


def test_explain_works_wherever_due_does_for_long_offsets(cal: WorkCalendar) -> None:
    # The anchor (year-end 2000) lies before the calendar's first year; due() never needs it,
    # and neither may explain().
    rule = parse_rule("every year at year-end plus 400 days")
    trigger = D(cal.first_year, 1, 3)
    due = rule.due(trigger, calendar=cal)
    ex = rule.explain(trigger, calendar=cal)
    assert ex.due == due
    assert ex.steps[-1].date == due
    # A long count sums its rest days up instead of listing a hundred steps.
    long = parse_rule("within 400 days").explain(D(2024, 1, 2), calendar=cal)
    assert len(long.steps) < 6
    assert any("rest days from" in step.en for step in long.steps)


@settings(max_examples=200, deadline=None)
@given(rules(), st.dates(D(2001, 1, 1), D(2026, 12, 31)))
def test_explain_ends_at_due_whenever_due_works(rule: Rule, trigger: dt.date) -> None:
    cal = calendar("CN")
    try:
        due = rule.due(trigger, calendar=cal)
    except GovopsError:
        return
    ex = rule.explain(trigger, calendar=cal)
    assert ex.due == due and ex.steps[-1].kind == "due" and ex.steps[-1].date == due


# -- recurring deadlines and recurring events (docs/explanation/counting.md) -------------------


def test_a_schedule_of_deadlines_rolls_forward_a_schedule_of_events_stays_in_its_month(
    cal: WorkCalendar,
) -> None:
    # 2025-05-31 is a Saturday and the Dragon Boat Festival (May 31 - Jun 2): a report due by
    # month-end is due on the next working day, Tue Jun 3; a meeting held at month-end is held
    # on the last working day of May, Fri May 30.
    trigger = D(2025, 5, 20)
    for text in ("每月底前报送", "report by the end of each month"):
        rule = parse_rule(text)
        assert rule.due(trigger, calendar=cal) == D(2025, 6, 3)
        steps = rule.explain(trigger, calendar=cal).steps
        assert any(s.kind == "convention" and "deadlines" in s.en for s in steps)
    for text in ("每月底召开", "hold at the end of each month"):
        rule = parse_rule(text)
        assert rule.due(trigger, calendar=cal) == D(2025, 5, 30)
        steps = rule.explain(trigger, calendar=cal).steps
        assert any(s.kind == "convention" and "modified following" in s.en for s in steps)


def test_a_month_without_the_nth_weekday_has_no_date(cal: WorkCalendar) -> None:
    # 2026 has five Wednesdays in April, July, September and December only.
    rule = parse_rule("每月第五个星期三")
    got = rule.occurrences(D(2026, 1, 1), D(2026, 12, 31), calendar=cal)
    assert got == [D(2026, 4, 29), D(2026, 7, 29), D(2026, 9, 30), D(2026, 12, 30)]


def test_every_other_week_counts_from_its_phase(cal: WorkCalendar) -> None:
    # Wed Feb 18 2026 is in the Spring Festival holiday (Feb 15-23): moved to Tue Feb 24.
    rule = parse_rule("隔周周三(自2026年1月7日起)")
    got = rule.occurrences(D(2026, 1, 1), D(2026, 2, 28), calendar=cal)
    assert got == [D(2026, 1, 7), D(2026, 1, 21), D(2026, 2, 4), D(2026, 2, 24)]
    assert rule.due(D(2026, 1, 7), calendar=cal) == D(2026, 1, 21)


def test_a_list_of_days_merges_what_collides(cal: WorkCalendar) -> None:
    # Wed Feb 18 and Fri Feb 20 2026 both move to Tue Feb 24, which counts once.
    rule = parse_rule("每周三、周五")
    got = rule.occurrences(D(2026, 2, 9), D(2026, 2, 28), calendar=cal)
    assert got == [D(2026, 2, 11), D(2026, 2, 13), D(2026, 2, 24), D(2026, 2, 25), D(2026, 2, 27)]
    assert rule.due(D(2026, 2, 13), calendar=cal) == D(2026, 2, 24)
    assert rule.explain(D(2026, 2, 13), calendar=cal).due == D(2026, 2, 24)


# -- times of day ------------------------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("每周五下班前报送", dt.datetime(2024, 9, 27, 17, 30, tzinfo=SHANGHAI)),
        ("report every Friday before close of business", dt.datetime(2024, 9, 27, 17, 30)),
        ("every Friday by 5 pm", dt.datetime(2024, 9, 27, 17, 0)),
        ("每周五12时前", dt.datetime(2024, 9, 27, 12, 0)),
        ("每周五上午", dt.datetime(2024, 9, 27, 12, 0)),
        ("每周五下午3点前", dt.datetime(2024, 9, 27, 15, 0)),
        ("两日内", dt.datetime(2024, 9, 26, 0, 0)),  # due the 25th, by 24:00
    ],
)
def test_due_at_is_the_instant_the_rule_names(
    text: str, instant: dt.datetime, cal: WorkCalendar
) -> None:
    rule = parse_rule(text)
    got = rule.due_at(D(2024, 9, 23), calendar=cal)
    assert got == instant.replace(tzinfo=SHANGHAI)
    assert got.tzinfo is not None
    assert rule.due(D(2024, 9, 23), calendar=cal) == D(2024, 9, 27) or "两日" in text


def test_close_of_business_comes_from_the_calendars_office_hours(cal: WorkCalendar) -> None:
    later = cal.with_office_hours(dt.time(9), dt.time(18))
    rule = parse_rule("每周五下班前报送")
    assert rule.due_at(D(2024, 9, 23), calendar=later).time() == dt.time(18)
    assert "18:00" in str(rule.explain(D(2024, 9, 23), calendar=later))
    with pytest.raises(GovopsError, match="office_hours"):
        cal.with_office_hours(dt.time(18), dt.time(9))


# -- counting "日" as working days -------------------------------------------------------------


def test_a_working_day_context_reads_days_as_working_days_and_says_why(cal: WorkCalendar) -> None:
    from govops.rules import ADMINISTRATIVE_LICENSING

    text = "应当自受理行政许可申请之日起二十日内作出行政许可决定"
    plain = parse_rule(text)
    licensing = parse_rule(text, days=ADMINISTRATIVE_LICENSING)
    assert plain.body.count.unit == "day"  # type: ignore[union-attr]
    assert licensing.body.count.unit == "working_day"  # type: ignore[union-attr]
    # 20 working days from Fri 2025-09-26, across National Day and Mid-Autumn (Oct 1-8).
    assert licensing.due(D(2025, 9, 26), calendar=cal) == D(2025, 10, 30)
    explanation = licensing.explain(D(2025, 9, 26), calendar=cal, lang="zh")
    assert "行政许可法第八十二条" in str(explanation)
    assert "Administrative Licensing Law Art. 82" in "\n".join(explanation.lines("en"))
    # An explicit 自然日 stays calendar days whatever the context.
    assert parse_rule("20个自然日内", days="working").body.count.unit == "day"  # type: ignore[union-attr]


# -- working days next to holidays ----------------------------------------------------------------


def test_working_days_next_to_each_holiday_block(cal: WorkCalendar) -> None:
    # 2026: New Year Jan 1-3 (Sun Jan 4 is worked), Spring Festival Feb 15-23, Qingming Apr 4-6,
    # Labour Day May 1-5, Dragon Boat Jun 19-21.
    after = parse_rule("节后第一个工作日召开")
    assert after == parse_rule("hold on the first working day after each holiday")
    assert after.occurrences(D(2026, 1, 1), D(2026, 6, 30), calendar=cal) == [
        D(2026, 1, 4),
        D(2026, 2, 24),
        D(2026, 4, 7),
        D(2026, 5, 6),
        D(2026, 6, 22),
    ]
    before = parse_rule("节前最后一个工作日")
    assert before.occurrences(D(2026, 1, 1), D(2026, 6, 30), calendar=cal) == [
        D(2026, 2, 14),  # a Saturday, worked before the Spring Festival
        D(2026, 4, 3),
        D(2026, 4, 30),
        D(2026, 6, 18),
    ]
    second = parse_rule("节后第二个工作日")
    assert second.due(D(2026, 2, 10), calendar=cal) == D(2026, 2, 25)
    text = str(second.explain(D(2026, 2, 10), calendar=cal, lang="zh"))
    assert "2026-02-15至2026-02-23" in text and "春节" in text
    assert second.to_rrule() is None


def test_evaluation_errors_are_in_the_rules_language(cal: WorkCalendar) -> None:
    with pytest.raises(RuleError, match="没有第25个工作日"):
        parse_rule("当月第25个工作日前").due(D(2026, 2, 3), calendar=cal)
    with pytest.raises(RuleError, match="does not exist"):
        parse_rule("by the 25th working day of the month").due(D(2026, 2, 3), calendar=cal)
    with pytest.raises(RuleError, match="从事件起算"):
        parse_rule("两日内").occurrences(D(2026, 1, 1), D(2026, 2, 1), calendar=cal)


def test_explain_names_the_event_as_the_document_wrote_it(cal: WorkCalendar) -> None:
    rule = parse_rule("批复下达后10个工作日内书面反馈")
    zh = rule.explain(D(2025, 9, 26), calendar=cal, lang="zh")
    en = rule.explain(D(2025, 9, 26), calendar=cal, lang="en")
    assert "批复下达之日" in zh.steps[0].zh
    assert "the day of 批复下达" in en.steps[0].en
    # Sun Sep 28 and Sat Oct 11 are worked; Oct 1-8 are National Day and Mid-Autumn.
    assert zh.due == rule.due(D(2025, 9, 26), calendar=cal) == D(2025, 10, 16)
    known = parse_rule("reply within 15 days from the date of receipt")
    assert "the day of receipt" in known.explain(D(2025, 9, 26), calendar=cal).steps[0].en
