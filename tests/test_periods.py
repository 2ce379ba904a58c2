"""Periods (week, 旬, month, quarter, half-year, year) and the working days inside them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govops
from govops import (
    CalendarCoverageError,
    InvalidInputError,
    InvalidTypeError,
    PeriodKind,
    period_of,
)
from strategies import cn_dates, dates, period_kinds

D = dt.date
CN = govops.calendar("CN")
# The official data as published through 2026, whatever the installed holidays release carries:
# the tests of what happens past the data keep their hand-worked dates.
CN_2026 = govops.calendar("CN", last_year=2026)

# Keep clear of date.min/date.max so that next()/previous() stay representable.
ordinary_dates = dates(D(2, 1, 1), D(9998, 12, 1))


@given(d=ordinary_dates, kind=period_kinds())
def test_every_date_lies_in_its_period(d: dt.date, kind: PeriodKind | str) -> None:
    p = period_of(d, kind)
    assert p.kind is PeriodKind(kind)
    assert p.start <= d <= p.end
    assert p.contains(d) and d in p
    assert period_of(p.start, kind) == p == period_of(p.end, kind)
    assert p.days == (p.end - p.start).days + 1


@given(d=ordinary_dates, kind=period_kinds())
def test_next_and_previous_tile_the_line(d: dt.date, kind: PeriodKind | str) -> None:
    p = period_of(d, kind)
    nxt, prev = p.next(), p.previous()
    assert nxt.kind is prev.kind is p.kind
    assert nxt.start == p.end + dt.timedelta(days=1)
    assert prev.end == p.start - dt.timedelta(days=1)
    assert nxt.previous() == p == prev.next()
    assert prev < p < nxt  # periods of one kind sort in time order


@given(d=ordinary_dates)
def test_period_shapes(d: dt.date) -> None:
    week = period_of(d, "week")
    assert week.start.weekday() == 0 and week.days == 7
    month = period_of(d, "month")
    assert month.start == d.replace(day=1)
    assert (month.end + dt.timedelta(days=1)).day == 1
    quarter = period_of(d, "quarter")
    assert quarter.start.month in (1, 4, 7, 10) and quarter.start.day == 1
    assert month.start in quarter and month.end in quarter
    half = period_of(d, "half_year")
    assert half.start.month in (1, 7) and half.start.day == 1
    assert quarter.start in half and quarter.end in half
    year = period_of(d, "year")
    assert (year.start, year.end) == (D(d.year, 1, 1), D(d.year, 12, 31))
    xun = period_of(d, "xun")
    assert xun.start in month and xun.end in month
    assert xun.start.day in (1, 11, 21)


@pytest.mark.parametrize(
    ("d", "start", "end"),
    [
        (D(2024, 2, 1), D(2024, 2, 1), D(2024, 2, 10)),
        (D(2024, 2, 10), D(2024, 2, 1), D(2024, 2, 10)),
        (D(2024, 2, 11), D(2024, 2, 11), D(2024, 2, 20)),
        (D(2024, 2, 20), D(2024, 2, 11), D(2024, 2, 20)),
        (D(2024, 2, 21), D(2024, 2, 21), D(2024, 2, 29)),  # leap year: 9 days
        (D(2024, 2, 29), D(2024, 2, 21), D(2024, 2, 29)),
        (D(2026, 2, 28), D(2026, 2, 21), D(2026, 2, 28)),  # 8 days
        (D(2026, 1, 31), D(2026, 1, 21), D(2026, 1, 31)),  # 11 days
        (D(2026, 4, 30), D(2026, 4, 21), D(2026, 4, 30)),  # 10 days
        (D(2026, 12, 31), D(2026, 12, 21), D(2026, 12, 31)),
    ],
)
def test_xun_boundaries(d: dt.date, start: dt.date, end: dt.date) -> None:
    p = period_of(d, "xun")
    assert (p.start, p.end) == (start, end)


def test_xun_of_a_month_tile_it() -> None:
    first = period_of(D(2024, 2, 5), PeriodKind.XUN)
    second, third = first.next(), first.next().next()
    assert [(p.start.day, p.end.day) for p in (first, second, third)] == [
        (1, 10),
        (11, 20),
        (21, 29),
    ]
    assert third.next().start == D(2024, 3, 1)
    assert period_of(D(2024, 3, 1), "xun").previous() == third


@pytest.mark.parametrize(
    ("d", "kind", "en", "zh"),
    [
        (D(2024, 9, 27), "week", "2024-W39", "2024-09-23起一周"),
        (D(2024, 2, 29), "xun", "2024-02 xun 3", "2024年2月下旬"),
        (D(2024, 2, 11), "xun", "2024-02 xun 2", "2024年2月中旬"),
        (D(2024, 2, 1), "xun", "2024-02 xun 1", "2024年2月上旬"),
        (D(2024, 9, 27), "month", "2024-09", "2024年9月"),
        (D(2024, 9, 27), "quarter", "2024-Q3", "2024年第3季度"),
        (D(2024, 9, 27), "half_year", "2024-H2", "2024年下半年"),
        (D(2024, 3, 27), "half_year", "2024-H1", "2024年上半年"),
        (D(2024, 9, 27), "year", "2024", "2024年"),
    ],
)
def test_labels(d: dt.date, kind: str, en: str, zh: str) -> None:
    p = period_of(d, kind)
    assert (str(p), p.label_en, p.label_zh) == (en, en, zh)


def test_quarter_end_is_a_calendar_day_whatever_its_weekday() -> None:
    # DESIGN §3: Q3 2024 ends on Monday Sep 30; Q3 2029 on Sunday Sep 30.
    assert period_of(D(2024, 8, 1), "quarter").end == D(2024, 9, 30)
    assert period_of(D(2029, 8, 1), "quarter").end == D(2029, 9, 30)


def test_period_of_errors() -> None:
    with pytest.raises(InvalidTypeError):
        period_of("2024-01-01", "month")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError):
        period_of(dt.datetime(2024, 1, 1, 9), "month")
    with pytest.raises(InvalidInputError) as excinfo:
        period_of(D(2024, 1, 1), "fortnight")
    for kind in PeriodKind:
        assert repr(kind.value) in str(excinfo.value)
    assert 3 not in period_of(D(2024, 1, 1), "month")
    assert "2024-01-05" not in period_of(D(2024, 1, 1), "month")


def test_membership_of_datetimes_is_refused_with_a_clear_error() -> None:
    # Which local day 2024-01-31T20:00Z is depends on the calendar's zone (Feb 1 in Beijing).
    january = period_of(D(2024, 1, 1), "month")
    moment = dt.datetime(2024, 1, 31, 20, tzinfo=dt.timezone.utc)
    with pytest.raises(InvalidTypeError, match="datetime"):
        _ = moment in january
    with pytest.raises(InvalidTypeError, match="datetime"):
        january.contains(moment)
    with pytest.raises(InvalidTypeError):
        january.contains("2024-01-05")  # type: ignore[arg-type]
    assert january.contains(D(2024, 1, 31)) and not january.contains(D(2024, 2, 1))


# -- the working days of a period -------------------------------------------------------------


@given(d=cn_dates(), kind=period_kinds())
def test_working_days_in_a_period(d: dt.date, kind: PeriodKind | str) -> None:
    p = period_of(d, kind)
    days = CN.working_days_in(p)
    every = [p.start + dt.timedelta(days=i) for i in range(p.days)]
    assert days == [x for x in every if CN.is_working_day(x)]
    assert len(days) == CN.working_days_between(p.start - dt.timedelta(days=1), p.end)
    if days:
        assert CN.first_working_day(p) == days[0] == CN.nth_working_day(p, 1)
        assert CN.last_working_day(p) == days[-1] == CN.nth_working_day(p, -1)
        for n in (1, len(days) // 2 + 1, len(days)):
            assert CN.nth_working_day(p, n) == days[n - 1]
            assert CN.nth_working_day(p, -n) == days[-n]


@given(d=cn_dates(), kind=period_kinds(), n=st.integers(-80, 80))
def test_nth_working_day_out_of_range_is_an_error(
    d: dt.date, kind: PeriodKind | str, n: int
) -> None:
    p = period_of(d, kind)
    count = len(CN.working_days_in(p))
    if n == 0 or abs(n) > count:
        with pytest.raises(InvalidInputError, match=f"{count} working days"):
            CN.nth_working_day(p, n)
    else:
        assert CN.nth_working_day(p, n) in p


def test_first_last_and_nth_working_day_examples() -> None:
    october = period_of(D(2026, 10, 15), "month")
    assert CN.first_working_day(october) == D(2026, 10, 8)  # Oct 1–7 National Day
    assert CN.last_working_day(october) == D(2026, 10, 30)  # Oct 31 is a Saturday
    assert CN.nth_working_day(october, 3) == D(2026, 10, 10)  # the make-up Saturday
    assert CN.nth_working_day(october, -2) == D(2026, 10, 29)
    february = period_of(D(2026, 2, 1), "month")
    assert CN.first_working_day(february) == D(2026, 2, 2)
    assert CN.last_working_day(february) == D(2026, 2, 28)  # a make-up Saturday
    # A date and a kind work as well as a Period.
    assert CN.first_working_day(D(2026, 10, 3), "xun") == D(2026, 10, 8)
    assert CN.last_working_day(D(2024, 12, 3), "quarter") == D(2024, 12, 31)
    assert CN.first_working_day(D(2026, 5, 4), PeriodKind.WEEK) == D(2026, 5, 6)
    assert CN.last_working_day(D(2026, 5, 4), PeriodKind.WEEK) == D(2026, 5, 9)  # make-up Sat
    aware = dt.datetime(2026, 9, 30, 20, tzinfo=dt.timezone.utc)  # Oct 1 in Beijing
    assert CN.first_working_day(aware, "month") == D(2026, 10, 8)
    assert len(CN.working_days_in(D(2026, 10, 1), "month")) == 18


def test_a_period_without_working_days() -> None:
    week = period_of(D(2026, 2, 16), "week")  # Mon–Fri Spring Festival, then the weekend
    assert CN.working_days_in(week) == []
    with pytest.raises(InvalidInputError, match="0 working days"):
        CN.first_working_day(week)


def test_period_helper_errors() -> None:
    october = period_of(D(2026, 10, 15), "month")
    for n in (0, 19, -19):
        with pytest.raises(InvalidInputError, match="18 working days"):
            CN.nth_working_day(october, n)
    with pytest.raises(InvalidTypeError):
        CN.nth_working_day(october, 1.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="kind"):
        CN.first_working_day(D(2026, 10, 15))
    with pytest.raises(InvalidInputError):
        CN.first_working_day(D(2026, 10, 15), "fortnight")
    with pytest.raises(CalendarCoverageError, match="2027"):
        CN_2026.first_working_day(D(2027, 1, 15), "month")
    with pytest.raises(CalendarCoverageError, match="2027"):  # the period runs past the data
        CN_2026.last_working_day(period_of(D(2026, 12, 30), "week"))
