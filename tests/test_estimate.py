"""The estimated arrangement of an unpublished year (govops.calendars.estimate_schedule).

Back-tested on the two years arranged under the amended 全国年节及纪念日放假办法 (2025 and 2026):
the estimate from the rules alone is compared with the notices of ``tests/notices``, day by day.
Those two notices were in view when the tie-breaks of the estimator were chosen, so the
agreement is a consistency check of the stated principles, not an out-of-sample forecast; the
properties below hold for every year the estimator is asked about.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

import govops
from govops.calendars import HolidaySchedule, estimate_schedule, parse_notice
from govops.calendars._source import statutory_days
from govops.exceptions import InvalidInputError, ScheduleError

D = dt.date
NOTICES = Path(__file__).parent / "notices"
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


def is_working(s: HolidaySchedule, d: dt.date) -> bool:
    return d in s.makeup_workdays() or (d not in s.days_off() and d.weekday() < 5)


def year_days(year: int) -> list[dt.date]:
    return [
        D(year, 1, 1) + dt.timedelta(days=i)
        for i in range((D(year, 12, 31) - D(year, 1, 1)).days + 1)
    ]


def share_right(year: int) -> float:
    notice = parse_notice((NOTICES / f"{year}.txt").read_text(encoding="utf-8"))
    estimate = estimate_schedule(year)
    days = year_days(year)
    return sum(is_working(notice, d) == is_working(estimate, d) for d in days) / len(days)


@pytest.mark.parametrize("year", [2025, 2026])
def test_back_test_against_the_notices(year: int) -> None:
    notice = parse_notice((NOTICES / f"{year}.txt").read_text(encoding="utf-8"))
    estimate = estimate_schedule(year)
    assert share_right(year) == 1.0
    assert estimate.days_off() == notice.days_off()
    assert estimate.makeup_workdays() == notice.makeup_workdays()


@pytest.mark.parametrize("year", range(2025, 2046))
def test_properties_of_every_estimate(year: int) -> None:
    s = estimate_schedule(year)
    assert s.provisional and str(year) in s.source
    off = s.days_off()
    # The statutory days of the amended rules, all off.
    law = statutory_days("CN", year)
    for name in FESTIVALS:
        assert set(law[name]) <= off, name
    # Blocks of the stated lengths: 春节 from 除夕 at least 8 days, 劳动节 5, 国庆节 at least 7.
    by_name: dict[str, list[dt.date]] = {}
    for d, zh, _ in s.holidays:
        by_name.setdefault(zh, []).append(d)
    assert len(by_name["春节"]) in (8, 9) and min(by_name["春节"]) <= min(law["春节"])
    assert len(by_name["劳动节"]) == 5
    national = by_name.get("国庆节") or by_name["国庆节、中秋节"]
    assert len(national) == (7 if "国庆节" in by_name else 8)
    # Make-up days are weekend days outside every block, and the weeks around them are no
    # longer than six working days.
    work = s.makeup_workdays()
    assert all(d.weekday() >= 5 for d in work) and not (work & off)
    # Every weekday off is a statutory day, a 补休 for a statutory weekend day, or swapped with a
    # make-up day: the year has exactly as many working days as the law and the swaps leave.
    statutory = sum(len(law[name]) for name in FESTIVALS)
    assert sum(d.weekday() < 5 for d in off) == statutory + len(work)
    for d in work:
        run, x = 1, d - dt.timedelta(days=1)
        while is_working(s, x):
            run, x = run + 1, x - dt.timedelta(days=1)
        x = d + dt.timedelta(days=1)
        while is_working(s, x):
            run, x = run + 1, x + dt.timedelta(days=1)
        assert run <= 6, (d, run)


def test_a_provisional_calendar_uses_the_estimate() -> None:
    # The data as published through 2026, whatever the release carries: 2027 is estimated.
    cal = govops.calendar("CN", provisional=True, published_through=2026)
    estimate = estimate_schedule(2027)
    for d, _, _ in estimate.workdays:
        assert cal.is_working_day(d) and cal.describe(d).provisional
    for d, _, _ in estimate.holidays:
        assert not cal.is_working_day(d) and cal.describe(d).provisional
    assert cal.published_through == 2026
    # Loading the notice then replaces the estimate, and the year is official.
    notice = (NOTICES / "2027-illustrative.txt").read_text(encoding="utf-8")
    official = parse_notice(notice).apply_to(cal)
    assert official.published_through == 2027
    assert not official.describe(D(2027, 2, 1)).provisional


def test_an_estimate_reaching_into_a_published_year_leaves_it() -> None:
    # 2030's 元旦 is a Tuesday: the Saturday before (2029-12-29) would be worked.
    s = estimate_schedule(2030)
    assert D(2029, 12, 29) in s.makeup_workdays()
    cal = govops.calendar("CN", provisional=True, last_year=2030)
    assert cal.is_working_day(D(2029, 12, 29))  # 2029 is itself an estimate here


def test_an_estimate_of_the_next_year_stays_provisional_when_its_december_is_published() -> None:
    cal = govops.calendar("CN", provisional=True, last_year=2030)
    for year in (2027, 2028, 2029):  # stand-ins for the notices, loaded as official
        official = attrs.evolve(estimate_schedule(year), source=f"notice {year}", provisional=False)
        cal = official.apply_to(cal)
    assert cal.published_through == 2029
    assert not cal.describe(D(2029, 12, 28)).provisional
    info = cal.describe(D(2029, 12, 29))  # the 2030 estimate's make-up Saturday
    assert info.provisional and info.is_working and "2030" in info.source


def test_refusals() -> None:
    with pytest.raises(InvalidInputError, match="2024 amendment"):
        estimate_schedule(2024)
    with pytest.raises(InvalidInputError, match="全国年节及纪念日放假办法"):
        estimate_schedule(2027, country="TW")
    with pytest.raises(ScheduleError, match="provisional=True"):
        estimate_schedule(2027).apply_to(govops.calendar("CN"))
    with pytest.raises(ScheduleError, match="provisional=True"):
        estimate_schedule(2026).apply_to(govops.calendar("CN", provisional=True))
