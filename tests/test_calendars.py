"""The working-day calendar: what users rely on, stated as properties and as official facts.

The properties (Hypothesis) pin the arithmetic of DESIGN §3; the examples pin the data to the
State Council notices (国务院办公厅关于部分节假日安排的通知) and the worked examples of DESIGN §4.
The day-by-day comparison with other sources lives in ``test_calendar_crosscheck.py`` and the
periods in ``test_periods.py``.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import pickle
import re
import subprocess
import sys
from collections.abc import Callable
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import govops
from govops import (
    CalendarCoverageError,
    DayKind,
    GovopsError,
    InvalidInputError,
    InvalidTypeError,
    NaiveDatetimeError,
    Override,
    Roll,
    ScheduleError,
    WorkCalendar,
)
from govops.calendars import estimate_schedule
from govops.calendars._days import WORKING_KINDS
from strategies import aware_datetimes, cn_dates, offsets, roll_conventions

D = dt.date
UTC = dt.timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")

CN = govops.calendar("CN")
CN_PROVISIONAL = govops.calendar("CN", provisional=True)
# Where the installed data ends. Tests about coverage take it from here, not from a literal year,
# so that a holidays release carrying the next notice changes what they test, not whether they pass.
LAST = CN.published_through
NEXT = LAST + 1
SPECIAL_DATES = frozenset(info.date for info in CN.days)


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _naive_add(cal: WorkCalendar, d: dt.date, n: int) -> dt.date:
    """``add_working_days`` by walking day by day: the obviously correct reference."""
    if n == 0:
        while not cal.is_working_day(d):
            d += dt.timedelta(days=1)
        return d
    step = dt.timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        d += step
        left -= cal.is_working_day(d)
    return d


# -- properties of the arithmetic (DESIGN §3) -------------------------------------------------


@given(d=cn_dates(), n=st.integers(-40, 40))
def test_add_matches_a_day_by_day_walk(d: dt.date, n: int) -> None:
    assert CN.add_working_days(d, n) == _naive_add(CN, d, n)


@given(a=cn_dates(), span=st.integers(-60, 60))
def test_between_matches_a_day_by_day_count(a: dt.date, span: int) -> None:
    b = a + dt.timedelta(days=span)
    lo, hi = min(a, b), max(a, b)
    count = sum(CN.is_working_day(x) for x in _days(lo + dt.timedelta(days=1), hi))
    assert CN.working_days_between(a, b) == (count if b >= a else -count)


@given(d=cn_dates(), n=offsets())
def test_add_then_subtract_is_the_identity_on_working_days(d: dt.date, n: int) -> None:
    d = CN.roll(d, "following")
    assert CN.add_working_days(CN.add_working_days(d, n), -n) == d


@given(a=cn_dates(), b=cn_dates(), c=cn_dates())
def test_between_is_additive(a: dt.date, b: dt.date, c: dt.date) -> None:
    between = CN.working_days_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(a, b) == -between(b, a)
    assert between(a, a) == 0


@given(a=cn_dates(), b=cn_dates())
def test_add_inverts_between_for_every_later_working_day(a: dt.date, b: dt.date) -> None:
    a, b = min(a, b), CN.roll(max(a, b), "following")
    assume(b > a)
    assert CN.add_working_days(a, CN.working_days_between(a, b)) == b


@given(a=cn_dates(), b=cn_dates())
def test_add_inverts_between_backwards_from_a_working_day(a: dt.date, b: dt.date) -> None:
    a, b = CN.roll(max(a, b), "following"), CN.roll(min(a, b), "following")
    assume(b < a)
    assert CN.add_working_days(a, CN.working_days_between(a, b)) == b


@given(d=cn_dates(), n=st.integers(1, 300))
def test_between_counts_what_add_stepped_over(d: dt.date, n: int) -> None:
    assert CN.working_days_between(d, CN.add_working_days(d, n)) == n


@given(d=cn_dates(), n=offsets())
def test_add_lands_on_a_working_day_on_the_right_side(d: dt.date, n: int) -> None:
    result = CN.add_working_days(d, n)
    assert CN.is_working_day(result)
    if n > 0:
        assert result > d
    elif n < 0:
        assert result < d
    else:
        assert result >= d


@given(a=cn_dates(), b=cn_dates(), n=offsets())
def test_add_is_monotonic_in_the_date(a: dt.date, b: dt.date, n: int) -> None:
    lo, hi = min(a, b), max(a, b)
    assert CN.add_working_days(lo, n) <= CN.add_working_days(hi, n)
    assert CN.working_days_between(lo, hi) >= 0


@given(d=cn_dates(), n1=offsets(), n2=offsets())
def test_add_is_monotonic_in_n(d: dt.date, n1: int, n2: int) -> None:
    n1, n2 = min(n1, n2), max(n1, n2)
    assume(n1 < n2)
    first, second = CN.add_working_days(d, n1), CN.add_working_days(d, n2)
    if n1 != 0 and n2 != 0:
        assert first < second
    else:  # a rest day's 0 and 1 are both the next working day
        assert first <= second


@given(d=cn_dates())
def test_zero_working_days(d: dt.date) -> None:
    expected = d if CN.is_working_day(d) else CN.next_working_day(d)
    assert CN.add_working_days(d, 0) == expected == CN.roll(d, "following")


@given(d=cn_dates())
def test_next_and_previous_are_strictly_after_and_before(d: dt.date) -> None:
    nxt, prev = CN.next_working_day(d), CN.previous_working_day(d)
    assert prev < d < nxt
    assert CN.is_working_day(nxt) and CN.is_working_day(prev)
    # Nothing working in between: they are the nearest ones.
    assert CN.working_days_between(d, nxt) == 1
    assert CN.working_days_between(prev, d) == int(CN.is_working_day(d))
    assert all(not CN.is_working_day(x) for x in _days(prev + dt.timedelta(1), d - dt.timedelta(1)))
    assert nxt == CN.add_working_days(d, 1) and prev == CN.add_working_days(d, -1)


@given(d=cn_dates(), convention=roll_conventions())
def test_roll_is_idempotent(d: dt.date, convention: Roll | str) -> None:
    once = CN.roll(d, convention)
    assert CN.roll(once, convention) == once


@given(d=cn_dates(), convention=roll_conventions())
def test_roll_keeps_working_days_and_moves_rest_days_to_working_days(
    d: dt.date, convention: Roll | str
) -> None:
    rolled = CN.roll(d, convention)
    if CN.is_working_day(d) or Roll(convention) is Roll.NONE:
        assert rolled == d
        return
    assert CN.is_working_day(rolled)
    if Roll(convention) is Roll.FOLLOWING:
        assert rolled == CN.next_working_day(d)
    elif Roll(convention) is Roll.PRECEDING:
        assert rolled == CN.previous_working_day(d)


@given(d=cn_dates())
def test_modified_following_never_leaves_the_month(d: dt.date) -> None:
    rolled = CN.roll(d, "modified_following")
    following = CN.roll(d, "following")
    assert (rolled.year, rolled.month) == (d.year, d.month)
    if following.month == d.month:
        assert rolled == following
    else:
        assert rolled == CN.roll(d, "preceding")


@given(d=cn_dates(margin=False))
def test_describe_agrees_with_is_working_day(d: dt.date) -> None:
    info = CN.describe(d)
    assert info.date == d
    assert info.is_working is CN.is_working_day(d)
    assert (info.kind in WORKING_KINDS) is info.is_working
    assert info.provisional is False


OTHERS = {
    "cn-provisional": CN_PROVISIONAL,
    "hk": govops.calendar("HK"),
    "mo": govops.calendar("MO"),
    "tw": govops.calendar("TW"),
}


@pytest.mark.parametrize("name", list(OTHERS))
@given(data=st.data(), n=st.integers(-40, 40), span=st.integers(-60, 60))
def test_other_calendars_match_a_day_by_day_walk(
    name: str, data: st.DataObject, n: int, span: int
) -> None:
    cal = OTHERS[name]
    d = data.draw(st.dates(D(cal.first_year, 4, 1), D(cal.last_year, 9, 1)))
    assert cal.add_working_days(d, n) == _naive_add(cal, d, n)
    b = d + dt.timedelta(days=span)
    lo, hi = min(d, b), max(d, b)
    count = sum(cal.is_working_day(x) for x in _days(lo + dt.timedelta(days=1), hi))
    assert cal.working_days_between(d, b) == (count if b >= d else -count)
    assert cal.describe(d).is_working is cal.is_working_day(d)


@pytest.mark.parametrize("cal", [CN, *OTHERS.values()], ids=["cn", *OTHERS])
def test_special_days_are_unique_sorted_and_consistent(cal: WorkCalendar) -> None:
    dates = [info.date for info in cal.days]
    assert dates == sorted(set(dates))
    assert all(cal.first_year <= d.year <= cal.last_year for d in dates)
    for info in cal.days:
        assert (info.kind in WORKING_KINDS) is info.is_working, info
        assert cal.is_working_day(info.date) is info.is_working, info
        assert info.provisional is (info.date.year > cal.published_through), info
        if info.kind is DayKind.MAKEUP_WORKDAY:
            assert info.date.weekday() in cal.weekend, info


@given(a=cn_dates(), span=st.integers(-40, 60))
def test_rest_days_and_special_days_list_what_they_say(a: dt.date, span: int) -> None:
    b = a + dt.timedelta(days=span)
    rest = CN.rest_days(a, b)
    expected = [x for x in _days(a + dt.timedelta(days=1), b) if not CN.is_working_day(x)]
    assert [info.date for info in rest] == expected
    assert all(not info.is_working for info in rest)
    if b >= a:
        assert len(rest) == (b - a).days - CN.working_days_between(a, b)
    special = CN.special_days(a, b)
    assert [info.date for info in special] == [x for x in _days(a, b) if x in SPECIAL_DATES]
    assert all(CN.describe(info.date) == info for info in special)


# -- batches: same answers as the scalar methods ----------------------------------------------


@settings(deadline=None)
@given(days=st.lists(cn_dates(), max_size=50), n=offsets())
def test_add_many_equals_the_scalar_method(days: list[dt.date], n: int) -> None:
    expected = [CN.add_working_days(d, n) for d in days]
    assert CN.add_working_days_many(days, n) == expected
    assert CN.add_working_days_many(iter(days), n) == expected
    array = np.array(days, dtype="datetime64[D]")
    result = CN.add_working_days_many(array, n)
    assert result.dtype == np.dtype("datetime64[D]")
    assert result.tolist() == expected


@settings(deadline=None)
@given(pairs=st.lists(st.tuples(cn_dates(), cn_dates()), max_size=50))
def test_between_many_equals_the_scalar_method(pairs: list[tuple[dt.date, dt.date]]) -> None:
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    expected = [CN.working_days_between(x, y) for x, y in pairs]
    assert CN.working_days_between_many(a, b) == expected
    result = CN.working_days_between_many(
        np.array(a, dtype="datetime64[D]"), np.array(b, dtype="datetime64[D]")
    )
    assert result.tolist() == expected


@settings(deadline=None)
@given(days=st.lists(cn_dates(margin=False), max_size=50), convention=roll_conventions())
def test_is_working_and_roll_many_equal_the_scalar_methods(
    days: list[dt.date], convention: Roll | str
) -> None:
    array = np.array(days, dtype="datetime64[D]")
    expected_flags = [CN.is_working_day(d) for d in days]
    assert CN.is_working_day_many(days) == expected_flags
    assert CN.is_working_day_many(array).tolist() == expected_flags
    # Rolling the first day of the data (a holiday) back runs off the table: both paths refuse.
    try:
        expected: list[dt.date] | type[CalendarCoverageError] = [
            CN.roll(d, convention) for d in days
        ]
    except CalendarCoverageError:
        expected = CalendarCoverageError
    if expected is CalendarCoverageError:
        with pytest.raises(CalendarCoverageError):
            CN.roll_many(array, convention)
    else:
        assert CN.roll_many(days, convention) == expected
        result = CN.roll_many(array, convention)
        assert result.dtype == np.dtype("datetime64[D]")
        assert result.tolist() == expected


def test_roll_many_at_the_edges_of_the_data() -> None:
    first = np.array(["2001-01-01"], "datetime64[D]")  # New Year's Day, the first day of the data
    assert CN.roll_many(first, "following").tolist() == [D(2001, 1, 2)]
    with pytest.raises(CalendarCoverageError, match="before 2001"):
        CN.roll_many(first, "preceding")
    with pytest.raises(InvalidInputError, match="'sideways'"):
        CN.roll_many(first, "sideways")


def test_batches_keep_the_shape_and_accept_empty_input() -> None:
    grid = np.array([["2024-09-27", "2024-10-01"], ["2026-02-13", "2026-12-30"]], "datetime64[D]")
    result = CN.add_working_days_many(grid, 1)
    assert result.shape == (2, 2)
    assert result.tolist() == [
        [D(2024, 9, 29), D(2024, 10, 8)],
        [D(2026, 2, 14), D(2026, 12, 31)],
    ]
    assert CN.add_working_days_many([], 5) == []
    assert CN.add_working_days_many(np.array([], dtype="datetime64[D]"), 5).size == 0
    assert CN.working_days_between_many([], []) == []


def test_batches_convert_aware_datetimes_like_the_scalar_methods() -> None:
    evening = dt.datetime(2024, 9, 30, 20, 0, tzinfo=UTC)  # already Oct 1 in Beijing
    assert CN.add_working_days_many([evening], 0) == [D(2024, 10, 8)]
    assert CN.working_days_between_many([D(2024, 9, 30)], [evening]) == [0]


def test_batch_errors() -> None:
    with pytest.raises(CalendarCoverageError, match=str(NEXT)):
        CN.add_working_days_many([D(LAST, 1, 5), D(NEXT, 1, 5)], 1)
    with pytest.raises(CalendarCoverageError, match=str(NEXT)):
        CN.add_working_days_many(np.array([f"{LAST}-01-05", f"{NEXT}-01-05"], "datetime64[D]"), 1)
    with pytest.raises(CalendarCoverageError, match=str(NEXT)):
        CN.add_working_days_many(np.array([f"{LAST}-12-30"], "datetime64[D]"), 5)
    with pytest.raises(CalendarCoverageError, match=str(NEXT)):
        CN.add_working_days_many([D(LAST, 12, 30)], 5)
    with pytest.raises(CalendarCoverageError):
        CN.add_working_days_many(np.array(["1999-01-05"], "datetime64[D]"), 1)
    with pytest.raises(CalendarCoverageError):  # beyond what datetime.date can hold
        CN.add_working_days_many(np.array(["12345-01-01"], "datetime64[D]"), 1)
    with pytest.raises(InvalidInputError, match="NaT"):
        CN.add_working_days_many(np.array(["2024-01-02", "NaT"], "datetime64[D]"), 1)
    # Time stamps without a zone are refused, like naive datetimes.
    with pytest.raises(InvalidInputError, match=r"datetime64\[D\]"):
        CN.add_working_days_many(np.array(["2024-09-30T20:00"], "datetime64[m]"), 0)
    with pytest.raises(InvalidInputError, match="equally long"):
        CN.working_days_between_many([D(2024, 1, 2)], [D(2024, 1, 2), D(2024, 1, 3)])
    with pytest.raises(InvalidInputError, match="shape"):
        CN.working_days_between_many(
            np.array(["2024-01-02"], "datetime64[D]"),
            np.array(["2024-01-02", "2024-01-03"], "datetime64[D]"),
        )
    with pytest.raises(InvalidTypeError):
        CN.add_working_days_many(["2024-01-02"], 1)
    with pytest.raises(InvalidTypeError):
        CN.add_working_days_many([D(2024, 1, 2)], 1.0)  # type: ignore[arg-type]
    with pytest.raises(NaiveDatetimeError):
        CN.add_working_days_many([dt.datetime(2024, 1, 2, 9)], 1)


# -- the worked examples of DESIGN §4 that concern the calendar --------------------------------


def test_design_worked_examples() -> None:
    # within 20 working days of Fri 2024-09-27: Oct 1–7 are holidays, Sep 29 and Oct 12 work.
    assert CN.add_working_days(D(2024, 9, 27), 20) == D(2024, 10, 30)
    # within 2 days of Fri 2024-09-27: Sunday Sep 29, but a make-up workday, so no roll.
    assert CN.is_working_day(D(2024, 9, 29))
    assert CN.roll(D(2024, 9, 27) + dt.timedelta(days=2)) == D(2024, 9, 29)
    # quarter-end plus 2 days: Oct 2 is National Day → next working day.
    assert CN.roll(D(2024, 10, 2), "following") == D(2024, 10, 8)
    # quarter-end plus 2 working days.
    assert CN.add_working_days(D(2024, 9, 30), 2) == D(2024, 10, 9)
    # every Monday of Feb 2024: Feb 12 is Spring Festival → Sunday Feb 18, a make-up workday.
    assert not CN.is_working_day(D(2024, 2, 12))
    assert CN.is_working_day(D(2024, 2, 18))
    assert CN.roll(D(2024, 2, 12)) == D(2024, 2, 18)
    mondays = [D(2024, 2, 5), D(2024, 2, 12), D(2024, 2, 19), D(2024, 2, 26)]
    assert [CN.roll(m) for m in mondays] == [
        D(2024, 2, 5),
        D(2024, 2, 18),
        D(2024, 2, 19),
        D(2024, 2, 26),
    ]


def test_docstring_example_of_between() -> None:
    # Sep 30 2024 → Oct 8 2024 crosses the whole National Day block: only Oct 8 counts.
    assert CN.working_days_between(D(2024, 9, 30), D(2024, 10, 8)) == 1
    assert CN.working_days_between(D(2024, 10, 8), D(2024, 9, 30)) == -1


# -- the official 2026 schedule (国办发明电〔2025〕7号) ------------------------------------------

SCHEDULE_2026 = {
    "元旦": (D(2026, 1, 1), D(2026, 1, 3), [D(2026, 1, 4)]),
    "春节": (D(2026, 2, 15), D(2026, 2, 23), [D(2026, 2, 14), D(2026, 2, 28)]),
    "清明节": (D(2026, 4, 4), D(2026, 4, 6), []),
    "劳动节": (D(2026, 5, 1), D(2026, 5, 5), [D(2026, 5, 9)]),
    "端午节": (D(2026, 6, 19), D(2026, 6, 21), []),
    "中秋节": (D(2026, 9, 25), D(2026, 9, 27), []),
    "国庆节": (D(2026, 10, 1), D(2026, 10, 7), [D(2026, 9, 20), D(2026, 10, 10)]),
}


@pytest.mark.parametrize("festival", list(SCHEDULE_2026))
def test_2026_schedule(festival: str) -> None:
    first, last, makeup = SCHEDULE_2026[festival]
    for d in _days(first, last):
        assert not CN.is_working_day(d), d
        info = CN.describe(d)
        # 除夕 (Feb 16) is a statutory day of its own since 2025, inside the 春节 block.
        assert festival in (info.name_zh or "") or "除夕" in (info.name_zh or ""), info
        assert "2026年" in info.source, info
    # The block is exactly that: the days either side are working days.
    assert CN.is_working_day(first - dt.timedelta(days=1))
    assert CN.is_working_day(last + dt.timedelta(days=1)) or last + dt.timedelta(days=1) in makeup
    for d in makeup:
        assert d.weekday() >= 5
        assert CN.is_working_day(d)
        info = CN.describe(d)
        assert info.kind is DayKind.MAKEUP_WORKDAY
        assert festival in (info.name_zh or ""), info


def test_2026_make_up_workdays_are_exactly_the_announced_ones() -> None:
    announced = sorted(d for _, _, makeup in SCHEDULE_2026.values() for d in makeup)
    loaded = [i.date for i in CN.special_days(D(2026, 1, 1), D(2026, 12, 31)) if i.is_working]
    assert loaded == announced
    rest_weekdays_2026 = [
        d
        for d in _days(D(2026, 1, 1), D(2026, 12, 31))
        if d.weekday() < 5 and not CN.is_working_day(d)
    ]
    announced_weekdays = sorted(
        d
        for first, last, _ in SCHEDULE_2026.values()
        for d in _days(first, last)
        if d.weekday() < 5
    )
    assert rest_weekdays_2026 == announced_weekdays


def test_2026_counts() -> None:
    # 365 days − 104 weekend days − 19 weekdays off + 6 make-up workdays.
    assert CN.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 365 - 104 - 19 + 6


# -- describe(): kinds, names and sources ------------------------------------------------------


def test_describe_names_a_day_off_in_lieu_after_its_festival() -> None:
    info = CN.describe(D(2026, 2, 20))
    assert info.kind is DayKind.DAY_OFF_IN_LIEU
    assert not info.is_working
    assert info.name_zh is not None and info.name_zh.startswith("春节假期")
    assert info.name_en is not None and "Spring Festival" in info.name_en
    assert "2026-02-14" in info.name_en and "2026-02-14" in info.name_zh
    makeup = CN.describe(D(2026, 2, 14))
    assert makeup.kind is DayKind.MAKEUP_WORKDAY
    assert makeup.is_working
    assert makeup.name_zh is not None and makeup.name_zh.startswith("春节调休上班日")
    assert makeup.name_en is not None and "Spring Festival" in makeup.name_en
    assert "2026-02-20" in makeup.name_en


def test_describe_names_december_days_of_the_next_years_notice() -> None:
    # The 2019 notice made Mon 2018-12-31 a day off and Sat 2018-12-29 a workday.
    off, work = CN.describe(D(2018, 12, 31)), CN.describe(D(2018, 12, 29))
    assert off.kind is DayKind.DAY_OFF_IN_LIEU and not off.is_working
    assert work.kind is DayKind.MAKEUP_WORKDAY and work.is_working
    for info in (off, work):
        assert info.name_en is not None and "New Year's Day" in info.name_en
        assert info.name_zh is not None and "元旦" in info.name_zh
        assert "2019年" in info.source, info.source


def test_the_2005_working_saturday() -> None:
    # 国办发明电〔2005〕35号: Sat 2005-12-31 was worked for the 2006 New Year's Day holiday.
    info = CN.describe(D(2005, 12, 31))
    assert info.is_working and info.kind is DayKind.MAKEUP_WORKDAY
    assert "元旦" in (info.name_zh or "")
    assert "2006年" in info.source


def test_every_make_up_workday_names_its_festival() -> None:
    makeup = [
        i
        for i in CN.special_days(D(2004, 1, 1), D(2026, 12, 31))
        if i.kind is DayKind.MAKEUP_WORKDAY
    ]
    assert len(makeup) > 150
    festivals = re.compile(
        r"^(元旦|春节|清明节|劳动节|端午节|中秋节|国庆节|中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日)调休上班日"
    )
    for info in makeup:
        assert info.is_working and info.date.weekday() >= 5, info
        assert festivals.match(info.name_zh or ""), info
        assert re.match(r"^Make-up workday for \S", info.name_en or ""), info
        assert "年部分节假日" in info.source, info


def test_make_up_workdays_and_days_off_in_lieu_name_each_other() -> None:
    days = {info.date: info for info in CN.days}
    makeup = [i for i in CN.days if i.kind is DayKind.MAKEUP_WORKDAY]
    for info in makeup:
        m = re.search(r"与(\d{4}-\d\d-\d\d)休息对调", info.name_zh or "")
        assert m, info
        partner = days[dt.date.fromisoformat(m[1])]
        assert partner.kind is DayKind.DAY_OFF_IN_LIEU, partner
        assert f"与{info.date.isoformat()}上班对调" in (partner.name_zh or ""), partner
        assert f"swapped with {info.date.isoformat()}" in (partner.name_en or ""), partner
        # Both halves of a swap belong to one festival and one notice.
        assert (partner.name_zh or "").split("假期")[0] == (info.name_zh or "").split("调休")[0]
        assert partner.source == info.source


def test_every_day_off_in_lieu_names_its_festival() -> None:
    in_lieu = [i for i in CN.days if i.kind is DayKind.DAY_OFF_IN_LIEU]
    assert in_lieu
    for info in in_lieu:
        assert not info.is_working and info.date.weekday() < 5, info
        assert not (info.name_zh or "").startswith("调休"), info
        assert "除夕" not in (info.name_zh or ""), info  # the festival is 春节 (2009, 2012)
        assert "holiday (day off in lieu" in (info.name_en or ""), info


def test_weekend_days_inside_a_holiday_block_are_named() -> None:
    for d, festival_en in [
        (D(2026, 10, 4), "National Day"),
        (D(2026, 2, 21), "Spring Festival"),
        (D(2026, 1, 3), "New Year's Day"),
        (D(2026, 6, 20), "Dragon Boat Festival"),
    ]:
        info = CN.describe(d)
        assert info.kind is DayKind.WEEKEND and not info.is_working
        assert festival_en in (info.name_en or ""), info
        assert "假期" in (info.name_zh or ""), info
    plain = CN.describe(D(2026, 3, 7))
    assert plain.kind is DayKind.WEEKEND and plain.name_zh is None and plain.name_en is None
    assert plain.source == "weekly rest day"
    workday = CN.describe(D(2026, 3, 9))
    assert workday.kind is DayKind.WORKDAY and workday.is_working and workday.name_en is None


def test_every_rest_day_of_a_holiday_block_is_named() -> None:
    # A block is a run of rest days; if it holds a holiday, none of its days is "just a weekend".
    block: list[dt.date] = []
    for d in [*_days(D(2001, 1, 1), D(2026, 12, 31)), None]:
        if d is not None and not CN.is_working_day(d):
            block.append(d)
            continue
        infos = [CN.describe(x) for x in block]
        if any(i.kind in (DayKind.HOLIDAY, DayKind.DAY_OFF_IN_LIEU) for i in infos):
            for info in infos:
                assert info.name_zh and info.name_en, info
        block = []


def test_describe_str_is_readable() -> None:
    text = str(CN.describe(D(2024, 9, 29)))
    assert text.startswith("2024-09-29 Sun: makeup_workday")
    assert "National Day" in text and "国庆节" in text


# -- coverage and published_through ------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda cal: cal.is_working_day(D(NEXT, 1, 4)),
        lambda cal: cal.describe(D(NEXT, 6, 1)),
        lambda cal: cal.roll(D(NEXT, 1, 1)),
        lambda cal: cal.add_working_days(D(NEXT, 1, 4), 1),
        lambda cal: cal.working_days_between(D(LAST, 1, 5), D(NEXT, 1, 5)),
        lambda cal: cal.next_working_day(D(LAST, 12, 31)),
        lambda cal: cal.add_working_days(D(LAST, 12, 20), 20),
        lambda cal: cal.is_working_day(dt.datetime(LAST, 12, 31, 17, 0, tzinfo=UTC)),
    ],
)
def test_coverage_error_after_the_published_schedule(
    call: Callable[[WorkCalendar], object],
) -> None:
    with pytest.raises(CalendarCoverageError) as excinfo:
        call(CN)
    err = excinfo.value
    assert isinstance(err, ValueError) and isinstance(err, GovopsError)
    assert err.year == NEXT
    message = str(err)
    assert str(NEXT) in message and str(LAST) in message
    assert f"with_schedule({NEXT}" in message
    assert "provisional=True" in message


def test_coverage_error_for_later_years_names_that_year() -> None:
    later = NEXT + 4
    with pytest.raises(CalendarCoverageError, match=str(later)) as excinfo:
        CN.is_working_day(D(later, 5, 6))
    assert excinfo.value.year == later


def test_coverage_error_for_a_year_after_next_says_to_load_in_order() -> None:
    later = NEXT + 4
    with pytest.raises(CalendarCoverageError) as excinfo:
        CN.add_working_days(D(later, 5, 6), 1)
    message = str(excinfo.value)
    assert f"{NEXT}–{later} in order" in message and f"with_schedule({NEXT}" in message
    beyond = CN_PROVISIONAL.last_year + 4
    with pytest.raises(CalendarCoverageError) as excinfo:
        CN_PROVISIONAL.is_working_day(D(beyond, 5, 7))
    assert f"provisional=True, last_year={beyond}" in str(excinfo.value)
    hk = OTHERS["hk"]
    with pytest.raises(CalendarCoverageError) as excinfo:
        hk.is_working_day(D(hk.last_year + 1, 5, 7))
    assert f"last_year={hk.last_year + 1}" in str(excinfo.value)
    assert "with_schedule" not in str(excinfo.value)  # fixed rules need no announcement


def test_coverage_error_before_the_data() -> None:
    with pytest.raises(CalendarCoverageError, match="2000") as excinfo:
        CN.is_working_day(D(2000, 12, 29))
    assert "2001" in str(excinfo.value)
    with pytest.raises(CalendarCoverageError):
        CN.add_working_days(D(2001, 1, 4), -10)
    with pytest.raises(CalendarCoverageError):
        CN.previous_working_day(D(2001, 1, 2))


def test_the_first_and_last_covered_days_work() -> None:
    assert CN.covers(D(2001, 1, 1)) and CN.covers(D(LAST, 12, 31))
    assert not CN.covers(D(NEXT, 1, 1)) and not CN.covers(D(2000, 12, 31))
    last_working = CN.roll(D(LAST, 12, 31), "preceding")
    assert CN.add_working_days(CN.previous_working_day(last_working), 1) == last_working
    assert not CN.is_working_day(D(2001, 1, 1))  # New Year's Day


def test_published_through_with_provisional_data() -> None:
    cal = CN_PROVISIONAL
    assert cal.published_through == CN.published_through
    assert cal.last_year > cal.published_through
    assert cal.provisional and not CN.provisional
    year = cal.published_through + 1
    assert cal.is_working_day(D(year, 1, 4)) in (True, False)
    assert cal.add_working_days(D(year - 1, 12, 31), 10).year == year
    for d in (D(year, 1, 1), D(year, 3, 3), D(year, 3, 6)):
        info = cal.describe(d)
        assert info.provisional, info
        assert "estimate" in info.source, info
        assert cal.is_provisional(d)
    published = cal.describe(D(2026, 10, 1))
    assert not published.provisional and "estimate" not in published.source
    assert published == CN.describe(D(2026, 10, 1))
    # The published years answer exactly as the non-provisional calendar does.
    assert [cal.is_working_day(d) for d in _days(D(2026, 1, 1), D(2026, 12, 31))] == [
        CN.is_working_day(d) for d in _days(D(2026, 1, 1), D(2026, 12, 31))
    ]
    with pytest.raises(CalendarCoverageError, match=str(cal.last_year + 1)):
        cal.is_working_day(D(cal.last_year + 1, 1, 4))


def test_published_through_takes_the_data_as_it_stood_before_a_notice() -> None:
    # Capped at the year before the last published one, that year is unpublished again, whatever
    # the installed release carries: an error, or with provisional=True the estimate of it.
    cap = LAST - 1
    before = govops.calendar("CN", published_through=cap)
    assert before.published_through == before.last_year == cap
    assert before.days == govops.calendar("CN", last_year=cap).days
    with pytest.raises(CalendarCoverageError, match=f"loaded only through {cap}") as excinfo:
        before.is_working_day(D(LAST, 3, 2))
    assert excinfo.value.year == LAST
    estimated = govops.calendar("CN", provisional=True, published_through=cap)
    assert estimated.published_through == cap and estimated.provisional
    assert estimated.last_year - cap == CN_PROVISIONAL.last_year - LAST
    assert [estimated.is_working_day(d) for d in _days(D(2001, 1, 1), D(cap, 12, 31))] == [
        CN.is_working_day(d) for d in _days(D(2001, 1, 1), D(cap, 12, 31))
    ]
    assert estimated.describe(D(cap, 10, 1)) == CN.describe(D(cap, 10, 1))
    estimate = estimate_schedule(LAST)
    for d, _, _ in estimate.holidays:
        assert d.year < LAST or not estimated.is_working_day(d), d
    for d, _, _ in estimate.workdays:
        assert d.year < LAST or estimated.is_working_day(d), d
    info = estimated.describe(D(LAST, 10, 1))
    assert info.provisional and "estimate" in info.source and str(LAST) in info.source
    assert not CN.describe(D(LAST, 10, 1)).provisional
    # Refused: a cap past the data, before it, of the wrong type, for fixed-rule countries.
    with pytest.raises(CalendarCoverageError, match=f"published only through {LAST}") as excinfo:
        govops.calendar("CN", published_through=NEXT)
    assert excinfo.value.year == NEXT
    with pytest.raises(InvalidInputError, match="first_year=2001"):
        govops.calendar("CN", published_through=2000)
    with pytest.raises(InvalidTypeError, match="published_through='2025'"):
        govops.calendar("CN", published_through="2025")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="fixed rules"):
        govops.calendar("HK", published_through=cap)


def test_asking_for_unpublished_years_without_provisional_is_an_error() -> None:
    with pytest.raises(CalendarCoverageError, match="provisional=True"):
        govops.calendar("CN", last_year=2030)


# -- with_overrides ---------------------------------------------------------------------------


def test_with_overrides_closures_and_workdays() -> None:
    closure, extra = D(2026, 7, 1), D(2026, 7, 4)
    cal = CN.with_overrides(
        closures={closure: "防汛停工"},
        workdays={
            extra: Override(
                "防汛值守",
                source="某县防指〔2026〕5号",
                effective=D(2026, 6, 30),
                name_en="Flood duty",
            )
        },
        source="某镇通知〔2026〕3号",
        effective=D(2026, 6, 28),
    )
    info = cal.describe(closure)
    assert not cal.is_working_day(closure)
    assert info.kind is DayKind.CLOSURE
    assert (info.name_zh, info.source, info.effective) == (
        "防汛停工",
        "某镇通知〔2026〕3号",
        D(2026, 6, 28),
    )
    info = cal.describe(extra)
    assert cal.is_working_day(extra) and extra.weekday() == 5
    assert info.kind is DayKind.EXTRA_WORKDAY
    assert (info.name_zh, info.name_en, info.source, info.effective) == (
        "防汛值守",
        "Flood duty",
        "某县防指〔2026〕5号",
        D(2026, 6, 30),
    )
    # Arithmetic sees both; the base calendar is unchanged (values, not shared state).
    assert cal.add_working_days(D(2026, 6, 30), 1) == D(2026, 7, 2)
    assert cal.add_working_days(D(2026, 7, 3), 1) == D(2026, 7, 4)
    assert CN.is_working_day(closure) and not CN.is_working_day(extra)
    # Make-up workdays and holidays of the base calendar are kept (holidays' `+` drops them).
    for d in (D(2024, 9, 29), D(2026, 2, 14), D(2026, 10, 10)):
        assert cal.is_working_day(d) and cal.describe(d).kind is DayKind.MAKEUP_WORKDAY
    assert not cal.is_working_day(D(2026, 10, 1))
    assert cal.working_days_between(D(2026, 1, 1), D(2026, 6, 30)) == CN.working_days_between(
        D(2026, 1, 1), D(2026, 6, 30)
    )


_BASE_2025_2026 = {d: CN.is_working_day(d) for d in _days(D(2025, 1, 1), D(2026, 12, 31))}


@settings(max_examples=25, deadline=None)
@given(
    changes=st.dictionaries(
        st.dates(D(2025, 1, 1), D(2026, 12, 31)), st.booleans(), min_size=1, max_size=12
    ),
    probes=st.lists(st.tuples(st.dates(D(2025, 3, 1), D(2026, 10, 31)), st.integers(-30, 30))),
)
def test_overrides_agree_with_a_simple_model(
    changes: dict[dt.date, bool], probes: list[tuple[dt.date, int]]
) -> None:
    closures = {d: "停电" for d, working in changes.items() if not working}
    workdays = {d: "加班" for d, working in changes.items() if working}
    cal = CN.with_overrides(closures=closures, workdays=workdays, source="某通知")
    model = _BASE_2025_2026 | changes
    assert [cal.is_working_day(d) for d in model] == list(model.values())
    for d, n in probes:
        assert cal.add_working_days(d, n) == _naive_add(cal, d, n)


def test_with_overrides_accepts_aware_datetimes_as_keys() -> None:
    evening = dt.datetime(2026, 6, 30, 20, 0, tzinfo=UTC)  # July 1 in Beijing
    cal = CN.with_overrides(closures={evening: "停电"}, source="通知")
    assert not cal.is_working_day(D(2026, 7, 1))
    assert cal.is_working_day(D(2026, 6, 30))


def test_with_overrides_errors() -> None:
    with pytest.raises(InvalidInputError, match="source"):
        CN.with_overrides(closures={D(2026, 7, 1): "停电"})
    with pytest.raises(ScheduleError, match="2026-07-01"):
        CN.with_overrides(
            closures={D(2026, 7, 1): "停电"}, workdays={D(2026, 7, 1): "加班"}, source="通知"
        )
    with pytest.raises(ScheduleError, match="2026-07-01"):  # the same local day, twice over
        CN.with_overrides(
            closures={D(2026, 7, 1): "停电"},
            workdays={dt.datetime(2026, 6, 30, 20, tzinfo=UTC): "加班"},
            source="通知",
        )
    with pytest.raises(InvalidTypeError):
        CN.with_overrides(closures={D(2026, 7, 1): 3}, source="通知")  # type: ignore[dict-item]
    with pytest.raises(InvalidTypeError):
        CN.with_overrides(closures={D(2026, 7, 1): ""}, source="通知")
    with pytest.raises(CalendarCoverageError, match=str(NEXT)):
        CN.with_overrides(closures={D(NEXT, 7, 1): "停电"}, source="通知")
    with pytest.raises(NaiveDatetimeError):
        CN.with_overrides(closures={dt.datetime(2026, 7, 1, 9): "停电"}, source="通知")


# -- with_schedule ----------------------------------------------------------------------------

# A made-up arrangement for the first unpublished year, in the shape of a real notice: 元旦, and
# an eight-day 春节 block from a Friday with two make-up Saturdays around it.
NOTICE = f"国办发明电〔{LAST}〕N号"
SPRING = D(NEXT, 2, 5) + dt.timedelta(days=(4 - D(NEXT, 2, 5).weekday()) % 7)  # a Friday
BLOCK = [SPRING + dt.timedelta(days=k) for k in range(8)]  # Friday to Friday
MAKEUP = (SPRING - dt.timedelta(days=6), SPRING + dt.timedelta(days=15))  # the Saturdays around
HOLIDAYS_NEXT = {
    D(NEXT, 1, 1): ("元旦", "New Year's Day"),
    **dict.fromkeys(BLOCK, ("春节", "Spring Festival")),
}
WORKDAYS_NEXT: dict[dt.date, str | tuple[str, str]] = {
    MAKEUP[0]: ("春节", "Spring Festival"),
    MAKEUP[1]: "春节",
}


def _with_next(cal: WorkCalendar = CN) -> WorkCalendar:
    return cal.with_schedule(NEXT, holidays=HOLIDAYS_NEXT, workdays=WORKDAYS_NEXT, source=NOTICE)


def test_with_schedule_loads_a_new_year() -> None:
    cal = _with_next()
    monday = BLOCK[3]
    assert cal.published_through == NEXT and cal.last_year == NEXT
    assert CN.published_through == LAST  # unchanged
    assert cal != CN
    assert monday.weekday() == 0 and not cal.is_working_day(monday)
    assert cal.is_working_day(MAKEUP[0]) and cal.is_working_day(MAKEUP[1])
    assert cal.is_working_day(D(NEXT, 6, 1 + (7 - D(NEXT, 6, 1).weekday()) % 7))  # a plain Monday
    info = cal.describe(monday)
    assert (info.kind, info.name_zh, info.name_en, info.source) == (
        DayKind.HOLIDAY,
        "春节",
        "Spring Festival",
        NOTICE,
    )
    assert not info.provisional
    makeup = cal.describe(MAKEUP[1])
    assert makeup.kind is DayKind.MAKEUP_WORKDAY and makeup.name_zh == "春节"
    assert makeup.source == NOTICE
    # From the Thursday before the block, the next working day is the Monday after it.
    assert cal.add_working_days(SPRING - dt.timedelta(days=1), 1) == BLOCK[-1] + dt.timedelta(3)
    # The year before is untouched and the calendar still ends where the data ends.
    assert all(
        cal.is_working_day(d) == CN.is_working_day(d) for d in _days(D(LAST, 1, 1), D(LAST, 12, 31))
    )
    with pytest.raises(CalendarCoverageError, match=str(NEXT + 1)) as excinfo:
        cal.is_working_day(D(NEXT + 1, 1, 3))
    assert f"with_schedule({NEXT + 1}" in str(excinfo.value)


def test_with_schedule_replaces_provisional_estimates() -> None:
    cal = _with_next(CN_PROVISIONAL)
    assert cal.published_through == NEXT and cal.last_year == CN_PROVISIONAL.last_year
    assert not cal.describe(BLOCK[3]).provisional
    assert not cal.describe(D(NEXT, 6, 1)).provisional
    assert cal.describe(D(NEXT + 1, 6, 1)).provisional
    # The estimate's days of that year are gone: only the notice's days remain special, beside
    # late-December days that the estimate of the year after may arrange.
    special = cal.special_days(D(NEXT, 1, 1), D(NEXT, 12, 31))
    assert {i.date for i in special if not i.provisional} == set(HOLIDAYS_NEXT) | set(WORKDAYS_NEXT)
    assert all(i.date >= D(NEXT, 12, 20) for i in special if i.provisional)


def test_with_schedule_keeps_the_next_years_estimated_december_days_provisional() -> None:
    # When 1 January falls early in the week, the estimate of that year's 元旦 block reaches
    # back into December: loading the notice of the year before must not make those days official.
    cal, year = CN_PROVISIONAL, NEXT
    while not any(i.provisional for i in cal.special_days(D(year, 12, 1), D(year, 12, 31))):
        cal = cal.with_schedule(year, holidays={D(year, 1, 1): "元旦"}, workdays={}, source=NOTICE)
        year += 1
    december = cal.special_days(D(year, 12, 1), D(year, 12, 31))
    loaded = cal.with_schedule(year, holidays={D(year, 1, 1): "元旦"}, workdays={}, source=NOTICE)
    assert loaded.published_through == year
    for info in december:
        assert loaded.describe(info.date).provisional, info
    assert not loaded.describe(D(year, 6, 1)).provisional


def test_with_schedule_keeps_local_overrides() -> None:
    local = CN_PROVISIONAL.with_overrides(
        closures={D(NEXT, 7, 1): "防汛停工"},
        workdays={BLOCK[3]: "值班"},  # a day the notice below gives off
        source=f"某镇通知〔{NEXT}〕1号",
    )
    cal = _with_next(local)
    assert cal.describe(D(NEXT, 7, 1)).kind is DayKind.CLOSURE
    assert not cal.is_working_day(D(NEXT, 7, 1))
    assert cal.describe(BLOCK[3]).kind is DayKind.EXTRA_WORKDAY  # the local decision stands
    assert cal.is_working_day(BLOCK[3])
    assert not cal.is_working_day(BLOCK[4])  # the rest of the notice applies


def test_with_schedule_corrects_an_earlier_year() -> None:
    # A (made-up) correction of 2018 that keeps only New Year's Day.
    cal = CN.with_schedule(
        2018, holidays={D(2018, 1, 1): ("元旦", "New Year's Day")}, workdays={}, source="更正通知"
    )
    assert cal.published_through == CN.published_through
    assert not cal.is_working_day(D(2018, 1, 1))
    assert cal.describe(D(2018, 1, 1)).source == "更正通知"
    assert cal.is_working_day(D(2018, 2, 16))  # the old 春节 day is gone with the old data
    assert CN.is_working_day(D(2018, 2, 11))  # and so is its make-up Sunday:
    assert cal.describe(D(2018, 2, 11)).kind is DayKind.WEEKEND  # a plain Sunday again
    # Late December 2018 was arranged by the 2019 notice: a correction of 2018 keeps it.
    assert cal.is_working_day(D(2018, 12, 29)) and not cal.is_working_day(D(2018, 12, 31))
    assert "2019年" in cal.describe(D(2018, 12, 31)).source
    # Other years are untouched.
    assert all(
        cal.is_working_day(d) == CN.is_working_day(d) for d in _days(D(2019, 1, 1), D(2019, 12, 31))
    )


def test_with_schedule_errors() -> None:
    wednesday = SPRING + dt.timedelta(days=12)
    with pytest.raises(ScheduleError, match=str(NEXT)):  # skipping a year
        CN.with_schedule(NEXT + 1, holidays={}, workdays={}, source=NOTICE)
    with pytest.raises(ScheduleError, match=wednesday.isoformat()):  # no make-up workday
        CN.with_schedule(NEXT, holidays={}, workdays={wednesday: "春节"}, source=NOTICE)
    for source in ("", "  ", None):
        with pytest.raises(ScheduleError, match="source"):
            CN.with_schedule(NEXT, holidays=HOLIDAYS_NEXT, workdays={}, source=source)  # type: ignore[arg-type]
    for outside in (D(LAST, 11, 30), D(NEXT + 1, 1, 1)):
        with pytest.raises(ScheduleError, match=outside.isoformat()):
            CN.with_schedule(NEXT, holidays={outside: "元旦"}, workdays={}, source=NOTICE)
    with pytest.raises(ScheduleError, match=MAKEUP[0].isoformat()):  # clash
        CN.with_schedule(
            NEXT,
            holidays={MAKEUP[0]: "春节"},
            workdays={MAKEUP[0]: "春节"},
            source=NOTICE,
        )
    with pytest.raises(ScheduleError):
        CN.with_schedule(NEXT, holidays={f"{NEXT}-01-01": "元旦"}, workdays={}, source=NOTICE)  # type: ignore[dict-item]
    with pytest.raises(ScheduleError):
        CN.with_schedule(NEXT, holidays={D(NEXT, 1, 1): ""}, workdays={}, source=NOTICE)
    with pytest.raises(ScheduleError):
        CN.with_schedule(1999, holidays={}, workdays={}, source=NOTICE)
    with pytest.raises(InvalidTypeError):
        CN.with_schedule(str(NEXT), holidays={}, workdays={}, source=NOTICE)  # type: ignore[arg-type]


def test_with_schedule_may_move_december_days_of_the_year_before() -> None:
    saturday = D(LAST, 12, 31) - dt.timedelta(days=(D(LAST, 12, 31).weekday() - 5) % 7)
    cal = CN.with_schedule(
        NEXT,
        holidays={D(NEXT, 1, 1): "元旦"},
        workdays={saturday: "元旦"},
        source=NOTICE,
    )
    assert cal.is_working_day(saturday)
    assert cal.describe(saturday).source == NOTICE


# -- values: equality, hashing, pickling -------------------------------------------------------


def test_equal_data_makes_equal_calendars() -> None:
    other = govops.calendar("CN")
    assert other == CN and hash(other) == hash(CN)
    assert len({CN, other}) == 1
    assert CN != CN_PROVISIONAL
    assert govops.calendar("cn") == CN


def test_overrides_change_equality() -> None:
    a = CN.with_overrides(closures={D(2026, 7, 1): "停电"}, source="通知")
    b = CN.with_overrides(closures={D(2026, 7, 1): "停电"}, source="通知")
    c = CN.with_overrides(closures={D(2026, 7, 1): "停电"}, source="另一通知")
    assert a == b and hash(a) == hash(b)
    assert a != CN and a != c


@pytest.mark.parametrize(
    "cal", [CN, CN_PROVISIONAL, _with_next()], ids=["cn", "provisional", "next-year"]
)
def test_pickle_round_trip(cal: WorkCalendar) -> None:
    loaded = pickle.loads(pickle.dumps(cal))
    assert loaded == cal and hash(loaded) == hash(cal)
    assert loaded.add_working_days(D(2024, 9, 27), 20) == D(2024, 10, 30)
    assert loaded.is_working_day(D(2024, 9, 29))
    assert loaded.add_working_days_many(np.array(["2024-09-27"], "datetime64[D]"), 20).tolist() == [
        D(2024, 10, 30)
    ]
    assert loaded.roll(dt.datetime(2024, 9, 30, 20, tzinfo=UTC)) == D(2024, 10, 8)


def test_copies_are_equal() -> None:
    assert copy.copy(CN) == CN == copy.deepcopy(CN)
    assert copy.deepcopy(CN).add_working_days(D(2024, 9, 27), 20) == D(2024, 10, 30)


def test_calendars_are_frozen() -> None:
    with pytest.raises(AttributeError):
        CN.published_through = 2030  # type: ignore[misc]


def test_repr() -> None:
    assert repr(CN) == f"WorkCalendar('CN', years=2001–{LAST}, published_through={LAST})"
    assert repr(CN_PROVISIONAL).endswith("provisional=True)")


# -- local time and input types ----------------------------------------------------------------


def test_aware_datetimes_are_counted_in_beijing() -> None:
    evening = dt.datetime(2024, 9, 30, 20, 0, tzinfo=UTC)  # 2024-10-01 04:00 in Beijing
    assert not CN.is_working_day(evening)
    assert CN.describe(evening).date == D(2024, 10, 1)
    assert CN.roll(evening) == D(2024, 10, 8)
    assert CN.add_working_days(evening, 1) == D(2024, 10, 8)
    assert CN.working_days_between(D(2024, 9, 29), evening) == 1  # only Sep 30
    morning = dt.datetime(2024, 9, 30, 9, 0, tzinfo=SHANGHAI)
    assert CN.is_working_day(morning)
    new_year = dt.datetime(LAST, 12, 31, 17, tzinfo=UTC)  # Jan 1 of the next year in Beijing
    assert CN.is_provisional(new_year)
    assert not CN.covers(new_year)


@given(moment=aware_datetimes())
def test_an_aware_datetime_means_its_beijing_day(moment: dt.datetime) -> None:
    local = moment.astimezone(SHANGHAI).date()
    assert CN.is_working_day(moment) == CN.is_working_day(local)
    assert CN.add_working_days(moment, 3) == CN.add_working_days(local, 3)
    assert CN.roll(moment, "preceding") == CN.roll(local, "preceding")


def test_naive_datetimes_are_refused_naming_the_value() -> None:
    naive = dt.datetime(2024, 9, 30, 20, 0)
    for call in (
        lambda: CN.is_working_day(naive),
        lambda: CN.add_working_days(naive, 1),
        lambda: CN.working_days_between(D(2024, 9, 1), naive),
        lambda: CN.roll(naive),
        lambda: CN.describe(naive),
    ):
        with pytest.raises(NaiveDatetimeError) as excinfo:
            call()
        assert isinstance(excinfo.value, GovopsError) and isinstance(excinfo.value, ValueError)
        assert "datetime.datetime(2024, 9, 30, 20, 0)" in str(excinfo.value)


@pytest.mark.parametrize("value", ["2024-09-30", 20240930, None, 3.5, [D(2024, 9, 30)]])
def test_wrong_types_are_type_errors(value: object) -> None:
    for call in (
        lambda: CN.is_working_day(value),  # type: ignore[arg-type]
        lambda: CN.add_working_days(value, 1),  # type: ignore[arg-type]
        lambda: CN.working_days_between(value, D(2024, 9, 30)),  # type: ignore[arg-type]
        lambda: CN.roll(value),  # type: ignore[arg-type]
        lambda: CN.describe(value),  # type: ignore[arg-type]
        lambda: CN.next_working_day(value),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidTypeError) as excinfo:
            call()
        assert isinstance(excinfo.value, TypeError) and isinstance(excinfo.value, GovopsError)
        assert repr(value) in str(excinfo.value)


@pytest.mark.parametrize("n", [1.0, "1", None, True, np.True_, np.float64(1.0)])
def test_n_must_be_an_int(n: object) -> None:
    with pytest.raises(InvalidTypeError, match="expected an int"):
        CN.add_working_days(D(2024, 9, 27), n)  # type: ignore[arg-type]


def test_numpy_integers_are_integers() -> None:
    # An analyst's n often comes out of an array.
    assert CN.add_working_days(D(2024, 9, 27), np.int64(20)) == D(2024, 10, 30)
    assert CN.add_working_days_many([D(2024, 9, 27)], np.int32(20)) == [D(2024, 10, 30)]


def test_bad_roll_names_list_the_allowed_ones() -> None:
    for bad in ("forward", "Following", "", None):
        with pytest.raises(InvalidInputError) as excinfo:
            CN.roll(D(2024, 10, 2), bad)  # type: ignore[arg-type]
        message = str(excinfo.value)
        for allowed in ("'following'", "'preceding'", "'modified_following'", "'none'"):
            assert allowed in message
    assert CN.roll(D(2024, 10, 2), Roll.PRECEDING) == D(2024, 9, 30)
    assert CN.roll(D(2024, 10, 2), "none") == D(2024, 10, 2)


def test_a_date_subclass_is_taken_as_its_date() -> None:
    class MyDate(dt.date):
        pass

    assert CN.is_working_day(MyDate(2024, 9, 29))
    assert CN.add_working_days(MyDate(2024, 9, 27), 20) == D(2024, 10, 30)


# -- other countries --------------------------------------------------------------------------


def test_hong_kong() -> None:
    hk = govops.calendar("HK")
    assert hk.timezone == "Asia/Hong_Kong"
    assert not hk.is_working_day(D(2025, 12, 25))
    assert hk.describe(D(2025, 12, 25)).kind is DayKind.HOLIDAY
    assert hk.is_working_day(D(2025, 12, 24))
    assert not hk.is_working_day(D(2025, 10, 1))  # National Day
    assert not any(i.kind is DayKind.MAKEUP_WORKDAY for i in hk.days)
    assert not hk.is_working_day(D(2025, 12, 26))  # the first weekday after Christmas Day


def test_macau() -> None:
    mo = govops.calendar("MO")
    assert mo.timezone == "Asia/Macau"
    assert not mo.is_working_day(D(2025, 10, 1))
    assert mo.describe(D(2025, 12, 20)).kind is DayKind.HOLIDAY
    assert mo.is_working_day(D(2025, 12, 23))


def test_taiwan() -> None:
    tw = govops.calendar("TW")
    assert tw.timezone == "Asia/Taipei"
    assert tw.is_working_day(D(2025, 2, 8))  # a make-up Saturday for the Lunar New Year
    assert tw.describe(D(2025, 2, 8)).kind is DayKind.MAKEUP_WORKDAY
    assert not tw.is_working_day(D(2025, 1, 27))
    assert not tw.is_working_day(D(2025, 10, 10))
    # 2026 (DGPA work calendar under the 2025 statute): no make-up workdays, so no special
    # entries in holidays, but published all the same.
    assert tw.published_through >= 2026
    assert not tw.is_working_day(D(2026, 2, 16)) and not tw.is_working_day(D(2026, 2, 20))
    assert tw.is_working_day(D(2026, 2, 23))
    assert not tw.is_working_day(D(2026, 9, 28))  # Confucius' Birthday, a holiday again


def test_unknown_country_or_subdivision() -> None:
    with pytest.raises(InvalidInputError, match="'XX'") as excinfo:
        govops.calendar("XX")
    assert isinstance(excinfo.value, GovopsError)
    # A name the holidays package holds that is not a country (a month constant).
    with pytest.raises(InvalidInputError, match="'FEB'"):
        govops.calendar("FEB")
    with pytest.raises(InvalidInputError):
        govops.calendar("CN", subdiv="ZZ")
    with pytest.raises(InvalidTypeError):
        govops.calendar(86)  # type: ignore[arg-type]


def test_works_without_numpy() -> None:
    # numpy is optional: lists are computed in pure Python, and importing govops never needs it.
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "import datetime as dt, govops\n"
        "cal = govops.calendar('CN')\n"
        "assert cal.add_working_days_many([dt.date(2024, 9, 27)], 20) == [dt.date(2024, 10, 30)]\n"
        "assert cal.working_days_between_many([dt.date(2024, 9, 30)], [dt.date(2024, 10, 8)]) == [1]\n"
        "assert 'numpy' not in sys.modules or sys.modules['numpy'] is None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_an_unknown_time_zone_is_our_error() -> None:
    with pytest.raises(InvalidInputError, match="Nowhere/Else"):
        govops.calendar("CN", timezone="Nowhere/Else")
    utc = govops.calendar("CN", timezone="UTC")
    assert utc.is_working_day(dt.datetime(2024, 9, 30, 20, tzinfo=UTC))  # Sep 30 in UTC
    assert utc != CN


# -- fuzz: whatever arrives, only govops' own errors come out ---------------------------------

_ZONES = [UTC, SHANGHAI, dt.timezone(dt.timedelta(hours=14)), dt.timezone(dt.timedelta(hours=-12))]
_ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
    st.dates(),
    st.datetimes(),
    # Years 2–9998: converting 9999-12-31T23:00Z to Beijing time overflows datetime itself.
    st.datetimes(
        dt.datetime(2, 1, 1), dt.datetime(9998, 12, 31), timezones=st.sampled_from(_ZONES)
    ),
    st.sampled_from([*Roll, *govops.PeriodKind]),
    st.lists(st.dates(), max_size=2),
)
_CALLS = {
    "is_working_day": lambda a, b: CN.is_working_day(a),
    "add_working_days": lambda a, b: CN.add_working_days(a, b),
    "working_days_between": lambda a, b: CN.working_days_between(a, b),
    "roll": lambda a, b: CN.roll(a, b),
    "describe": lambda a, b: CN.describe(a),
    "next_working_day": lambda a, b: CN.next_working_day(a),
    "first_working_day": lambda a, b: CN.first_working_day(a, b),
    "nth_working_day": lambda a, b: CN.nth_working_day(a, b, "month"),
    "add_working_days_many": lambda a, b: CN.add_working_days_many([a], b),
    "working_days_between_many": lambda a, b: CN.working_days_between_many([a], [b]),
    "special_days": lambda a, b: CN.special_days(a, b),
    "period_of": lambda a, b: govops.period_of(a, b),
    "calendar": lambda a, b: govops.calendar(a),
}


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(sorted(_CALLS)), a=_ANYTHING, b=_ANYTHING | st.integers(-1000, 1000))
def test_only_govops_errors_escape(name: str, a: object, b: object) -> None:
    with contextlib.suppress(GovopsError):
        _CALLS[name](a, b)


def test_weekend_can_be_replaced_for_five_day_offices() -> None:
    hk = govops.calendar("HK")
    office = govops.calendar("HK", weekend={5, 6})
    saturday = dt.date(2025, 3, 8)
    assert hk.is_working_day(saturday)
    assert not office.is_working_day(saturday)
    assert office.describe(saturday).kind is govops.DayKind.WEEKEND
    assert not office.is_working_day(dt.date(2025, 12, 25))  # Christmas stays a holiday
    assert office != hk


@pytest.mark.parametrize("bad", [set(), {7}, {-1}, {0, 1, 2, 3, 4, 5, 6}, {"sat"}, {True}])
def test_bad_weekend_is_refused(bad: object) -> None:
    with pytest.raises(govops.InvalidInputError, match="weekend="):
        govops.calendar("CN", weekend=bad)  # type: ignore[arg-type]
