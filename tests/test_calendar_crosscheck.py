"""Every CN day against another source, and the data's coverage.

Two comparisons: with ``chinese_calendar`` (a test-only dependency maintained independently of
``holidays``) for every day from 2004 to the last published year, and with ``holidays``' own
``is_working_day`` for every day of the table (2001 on): ``holidays`` is our source, so there the
frozen tables must reproduce it exactly. Where the sources disagree the State Council notice
decides, and every known disagreement is listed below with its document.

The tests marked ``review`` are tripwires: the test environment is locked
(``requirements/lock.txt``), so they fail only when ``make upgrade-check`` installs a release whose
data differs from what a person last reviewed, and their message says what to review.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import holidays
import pytest

import calendar_review
import govops

D = dt.date
CN = govops.calendar("CN")
FIRST, LAST = D(2004, 1, 1), D(CN.published_through, 12, 31)


def _chinese_calendar_covers(year: int) -> bool:
    # chinese_calendar raises NotImplementedError for a year it has no data for; a release of
    # holidays may publish a year before it does.
    try:
        chinese_calendar.is_workday(D(year, 12, 31))
    except NotImplementedError:
        return False
    return True


CROSS_CHECKED_THROUGH = D(
    max(y for y in range(FIRST.year, LAST.year + 1) if _chinese_calendar_covers(y)), 12, 31
)

# date -> (what govops says: is it a working day?, the document that settles it)
KNOWN_CHINESE_CALENDAR_ERRORS = {
    # 国办发明电〔2005〕35号 (2006 arrangement): "2005年12月31日（星期六）上班"; chinese_calendar
    # has it as a rest day.
    D(2005, 12, 31): (True, "国办发明电〔2005〕35号"),
}
KNOWN_HOLIDAYS_ERRORS: dict[dt.date, tuple[bool, str]] = {}


def _every_day() -> list[dt.date]:
    return [FIRST + dt.timedelta(days=i) for i in range((CROSS_CHECKED_THROUGH - FIRST).days + 1)]


@pytest.mark.review
def test_against_chinese_calendar() -> None:
    differences = {
        d: CN.is_working_day(d)
        for d in _every_day()
        if CN.is_working_day(d) != chinese_calendar.is_workday(d)
    }
    expected = {d: working for d, (working, _) in KNOWN_CHINESE_CALENDAR_ERRORS.items()}
    assert differences == expected, (
        "govops and chinese_calendar disagree on days not listed as known data errors"
    )


def test_against_holidays_is_working_day() -> None:
    # The whole table, 2001 on: holidays is the source, so any difference is ours.
    h = holidays.country_holidays(
        "CN", years=range(2001, LAST.year + 1), categories=(holidays.PUBLIC,)
    )
    days = [D(2001, 1, 1) + dt.timedelta(days=i) for i in range((LAST - D(2001, 1, 1)).days + 1)]
    differences = {
        d: CN.is_working_day(d) for d in days if CN.is_working_day(d) != h.is_working_day(d)
    }
    assert differences == {d: working for d, (working, _) in KNOWN_HOLIDAYS_ERRORS.items()}


def test_the_known_error_is_a_make_up_saturday() -> None:
    for d, (working, document) in KNOWN_CHINESE_CALENDAR_ERRORS.items():
        assert CN.is_working_day(d) is working, document
        assert CN.describe(d).kind is govops.DayKind.MAKEUP_WORKDAY


@pytest.mark.review
def test_counts_per_year_against_chinese_calendar() -> None:
    # A coarser view of the same data, readable when the day-by-day test fails.
    for year in range(FIRST.year, CROSS_CHECKED_THROUGH.year + 1):
        start, end = D(year, 1, 1), D(year, 12, 31)
        ours = CN.working_days_between(start - dt.timedelta(days=1), end)
        theirs = len(chinese_calendar.get_workdays(start, end, include_weekends=True))
        fixes = sum(
            1 if working else -1
            for d, (working, _) in KNOWN_CHINESE_CALENDAR_ERRORS.items()
            if d.year == year
        )
        assert ours == theirs + fixes, year


def test_published_through_is_derived_from_the_installed_data() -> None:
    special = holidays.country_holidays("CN", years=2024).special_public_holidays
    assert CN.published_through == max(special)
    assert govops.calendar("CN", provisional=True).published_through == max(special)


@pytest.mark.review
def test_the_data_is_the_reviewed_one() -> None:
    message = calendar_review.report(calendar_review.reviewed(), calendar_review.installed())
    assert not message, message


@pytest.mark.review
def test_chinese_calendar_covers_the_published_years() -> None:
    # If chinese_calendar stopped short of the last published year, the day-by-day cross-check
    # would have nothing to compare that year with.
    assert CROSS_CHECKED_THROUGH == LAST, (
        f"chinese_calendar {chinese_calendar.__version__} stops at {CROSS_CHECKED_THROUGH.year}, "
        f"but holidays {holidays.__version__} publishes through {LAST.year}: the years after "
        f"{CROSS_CHECKED_THROUGH.year} are not cross-checked. Upgrade chinesecalendar to a release "
        "that covers them, or check them day by day against the State Council notices by hand."
    )


def test_provisional_years_keep_holidays_festival_days() -> None:
    """The estimated arrangement (govops.calendars.estimate_schedule) rests every statutory day
    of ``holidays``' rules; what it adds are whole blocks and their make-up weekend days."""
    cal = govops.calendar("CN", provisional=True)
    first, last = D(cal.published_through + 1, 1, 1), D(cal.last_year, 12, 31)
    h = holidays.country_holidays(
        "CN", years=range(first.year, last.year + 1), categories=(holidays.PUBLIC,)
    )
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    assert all(not cal.is_working_day(d) for d in days if d in h)
    assert all(
        d.weekday() >= 5
        for d in days
        if cal.is_working_day(d) != (d.weekday() < 5) and cal.is_working_day(d)
    )
    assert all(cal.describe(d).provisional for d in days)
