"""iCalendar export, read the way calendar clients read it.

Every file is expanded with ``recurring-ical-events`` on ``icalendar`` (the engine of many Python
calendar servers and sync tools): a sitting counts only if that expansion gives it, so a mismatch
is a day a subscriber would see wrongly. The shape checks hold what clients need beyond RFC 5545:
an RRULE on every series (Outlook rejects RDATE-only events), no BYSETPOS (Google Calendar and
ical4j mishandle it), no negative BYMONTHDAY where a positive day says the same.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import attrs
import chinese_calendar
import icalendar
import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st

import govops
from govops.exceptions import InvalidInputError, InvalidTypeError
from govops.meetings import (
    Meeting,
    MeetingSeries,
    MeetingType,
    calendar_feed,
    presets,
    schedule,
    to_ical,
)
from govops.tasks import Unit

CAL = govops.calendar("CN")
D = dt.date
FIRST, LAST = D(2024, 1, 1), D(2026, 12, 31)
SCHEDULED = [t for t in presets.PRESETS.values() if t.cadence is not None]
# Schedules users write, beside the presets': nominal days the holidays move, days counted on
# working days, month ends, clamped days, every other month and week, a time of day.
TEXTS = [
    "every Monday",
    "每周三、周五",
    "每月最后一个工作日",
    "每季度最后一个工作日",
    "每季度末",
    "every quarter at quarter-end",
    "every quarter at quarter-start minus 3 days",
    "每半年末",
    "every year at year-end",
    "每两个月一次(自1月起)",
    "每两个月一次(自2月起)",
    "每月10日",
    "每月30日",
    "每月31日",
    "每月第二个星期三",
    "每旬末",
    "每个工作日",
    "每两周周一(自2024年1月1日起)",
    "节后第一个工作日",
    "每月1日 遇节假日取消",
    "每月底后两天",
    "每周一上午9时",
]


def typed(cadence: str) -> MeetingType:
    return attrs.evolve(presets.SECTION_MEETING, cadence=cadence)


def expand(data: bytes, start: dt.date = FIRST, end: dt.date = LAST) -> dict[str, list[dt.date]]:
    """UID → the days of its instances with ``start <= day <= end``, as a client shows them."""
    out: dict[str, list[dt.date]] = defaultdict(list)
    cal = icalendar.Calendar.from_ical(data)
    for event in recurring_ical_events.of(cal).between(start, end + dt.timedelta(days=1)):
        day = event.decoded("dtstart")
        out[str(event["UID"])].append(day.date() if isinstance(day, dt.datetime) else day)
    return {uid: sorted(days) for uid, days in out.items()}


def mismatches(series: MeetingSeries) -> int:
    """Days a client shows and govops does not, plus days govops has and a client does not."""
    got = [d for days in expand(to_ical(series), series.start, series.end).values() for d in days]
    return len(set(got) ^ set(series.dates)) + len(got) - len(set(got))


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def rrule_text(event: icalendar.Event) -> str:
    return str(event["RRULE"].to_ical().decode())


def assert_portable(data: bytes) -> None:
    for event in events(data):
        assert "RRULE" in event, f"{event['UID']}: a series without RRULE"
        assert "BYSETPOS" not in rrule_text(event)


@pytest.mark.parametrize("t", SCHEDULED, ids=lambda t: t.key)
def test_every_preset_matches_over_2024_to_2026(t: MeetingType) -> None:
    # To Sunday Dec 27: the weekly meeting's last week of 2026 depends on Jan 1, 2027.
    whole = schedule(t, FIRST, D(2026, 12, 27), calendar=CAL)
    assert mismatches(whole) == 0
    assert_portable(to_ical(whole))
    for year in (2024, 2025, 2026):
        assert mismatches(schedule(t, D(year, 1, 1), D(year, 12, 27), calendar=CAL)) == 0


@pytest.mark.parametrize("text", TEXTS)
def test_every_schedule_text_matches_over_2024_to_2026(text: str) -> None:
    series = schedule(typed(text), FIRST, LAST, calendar=CAL)
    assert series.occurrences
    assert mismatches(series) == 0
    assert_portable(to_ical(series))


@pytest.mark.parametrize(
    ("text", "rrule"),
    [
        ("every Monday", "FREQ=WEEKLY;UNTIL=20261231;BYDAY=MO"),
        # The same day of the same month every year: the positive day.
        ("every year at year-end", "FREQ=YEARLY;UNTIL=20261231;BYMONTHDAY=31;BYMONTH=12"),
        # Months of different lengths: no positive day says it, the negative one stays.
        ("每季度末", "FREQ=MONTHLY;UNTIL=20261231;INTERVAL=3;BYMONTHDAY=-1"),
        # The 30th, or February's last day: BYMONTHDAY=30 and February by RDATE, no BYSETPOS.
        ("每月30日", "FREQ=MONTHLY;UNTIL=20261231;BYMONTHDAY=30"),
        ("每月31日", "FREQ=MONTHLY;UNTIL=20261231;BYMONTHDAY=-1"),
        ("每两个月一次(自1月起)", "FREQ=MONTHLY;UNTIL=20261231;INTERVAL=2;BYMONTHDAY=1"),
        # Counted on working days, so no nominal day: the fitted rule with fewest exceptions.
        ("每个工作日", "FREQ=WEEKLY;UNTIL=20261231;BYDAY=MO,TU,WE,TH,FR"),
    ],
)
def test_the_rrule_is_one_every_client_reads_alike(text: str, rrule: str) -> None:
    (event,) = events(to_ical(schedule(typed(text), FIRST, LAST, calendar=CAL)))
    assert rrule_text(event) == rrule


def test_february_of_the_30th_comes_back_as_rdate() -> None:
    series = schedule(typed("每月30日"), D(2024, 1, 1), D(2024, 3, 31), calendar=CAL)
    (event,) = events(to_ical(series))
    assert D(2024, 2, 29) in [v.dt for v in event["RDATE"].dts]
    assert expand(to_ical(series), D(2024, 1, 1), D(2024, 3, 31)) == {
        "section_meeting@govops": [D(2024, 1, 30), D(2024, 2, 29), D(2024, 3, 29)]
    }


def test_the_30th_over_a_february_alone_gets_a_fitted_rule() -> None:
    # BYMONTHDAY=30 has no instance in February, and DTSTART must be one: fit a rule instead.
    series = schedule(typed("每月30日"), D(2025, 2, 1), D(2025, 2, 28), calendar=CAL)
    assert series.dates == (D(2025, 2, 28),)
    (event,) = events(to_ical(series))
    assert rrule_text(event) == "FREQ=MONTHLY;UNTIL=20250228;BYMONTHDAY=28"
    assert mismatches(series) == 0


def test_weekly_series_uses_rrule_exdate_and_rdate() -> None:
    series = schedule(presets.LEADERSHIP_MEETING, D(2026, 1, 1), D(2026, 12, 31), calendar=CAL)
    (event,) = events(to_ical(series, calendar=CAL))
    assert rrule_text(event) == "FREQ=WEEKLY;UNTIL=20261231;BYDAY=MO"
    assert [v.dt for v in event["EXDATE"].dts] == [
        D(2026, 2, 16),
        D(2026, 2, 23),
        D(2026, 4, 6),
        D(2026, 5, 4),
        D(2026, 10, 5),
    ]
    assert [v.dt for v in event["RDATE"].dts] == [
        D(2026, 2, 24),
        D(2026, 4, 7),
        D(2026, 5, 6),
        D(2026, 10, 8),
    ]
    assert "2026-02-16 农历除夕" in str(event["DESCRIPTION"])


def test_a_working_day_schedule_has_a_fitted_rrule_not_rdates_only() -> None:
    series = schedule(
        presets.QUARTERLY_DISPATCH_MEETING, D(2026, 1, 1), D(2026, 12, 31), calendar=CAL
    )
    (event,) = events(to_ical(series))
    # Mar 31, Jun 30, Sep 30, Dec 31: the 30th of every third month, the 31sts by RDATE.
    assert rrule_text(event) == "FREQ=MONTHLY;UNTIL=20261231;INTERVAL=3;BYMONTHDAY=30"
    assert event.decoded("dtstart") == D(2026, 3, 30)
    assert [v.dt for v in event["EXDATE"].dts] == [D(2026, 3, 30), D(2026, 12, 30)]
    assert [v.dt for v in event["RDATE"].dts] == [D(2026, 3, 31), D(2026, 12, 31)]


def test_the_last_working_day_of_the_week() -> None:
    # Not through the end of 2026: the week of 2026-12-28 ends in 2027, which has no data yet.
    series = schedule(typed("每周最后一个工作日"), FIRST, D(2026, 12, 25), calendar=CAL)
    assert mismatches(series) == 0
    (event,) = events(to_ical(series))
    assert rrule_text(event) == "FREQ=WEEKLY;UNTIL=20261225;BYDAY=FR"


def test_a_sitting_moved_in_from_before_the_range() -> None:
    # Feb 24 stands for the Spring Festival Mondays Feb 16 and 23, before this range.
    series = schedule(presets.LEADERSHIP_MEETING, D(2026, 2, 24), D(2026, 3, 3), calendar=CAL)
    assert series.dates == (D(2026, 2, 24), D(2026, 3, 2))
    assert mismatches(series) == 0
    (event,) = events(to_ical(series))
    assert event.decoded("dtstart") == D(2026, 2, 16)  # an instance of the RRULE, then EXDATE


def test_uids_are_stable_across_ranges() -> None:
    unit = Unit("econ", "经济发展办")
    uids = [
        {str(e["UID"]) for e in events(to_ical(schedule(t, a, b, calendar=CAL, convener=unit)))}
        for t in (presets.LEADER_WEEKLY_MEETING, presets.QUARTERLY_DISPATCH_MEETING)
        for a, b in ((D(2024, 1, 1), D(2024, 12, 31)), (D(2025, 3, 1), D(2026, 6, 30)))
    ]
    assert uids[0] == uids[1] == {"leader_weekly_meeting/econ@govops"}
    assert uids[2] == uids[3] == {"quarterly_dispatch_meeting/econ@govops"}
    # So two ranges of one series in one file would collide: refused, not silently merged.
    halves = [
        schedule(presets.LEADERSHIP_MEETING, a, b, calendar=CAL)
        for a, b in ((D(2025, 1, 1), D(2025, 12, 31)), (D(2026, 1, 1), D(2026, 12, 31)))
    ]
    with pytest.raises(InvalidInputError, match="two events with UID 'leadership_meeting@govops'"):
        to_ical(halves)


def test_all_day_sittings_are_dates() -> None:
    data = to_ical(schedule(presets.TOWN_OFFICE_MEETING, FIRST, LAST, calendar=CAL))
    assert b"DTSTART;VALUE=DATE:20240115" in data
    assert b"VTIMEZONE" not in data


def test_timed_sittings_carry_the_time_zone() -> None:
    series = schedule(typed("每周一上午9时"), D(2026, 2, 1), D(2026, 2, 28), calendar=CAL)
    data = to_ical(series, calendar=CAL)
    cal = icalendar.Calendar.from_ical(data)
    (zone,) = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Shanghai"
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")
    assert b"DTSTART;TZID=Asia/Shanghai:20260202T090000" in data
    assert b"UNTIL=20260228T010000Z" in data  # a timed rule's UNTIL is UTC
    shanghai = dt.timezone(dt.timedelta(hours=8))
    starts = sorted(
        e.decoded("dtstart")
        for e in recurring_ical_events.of(cal).between(D(2026, 2, 1), D(2026, 3, 1))
    )
    assert [s.astimezone(shanghai) for s in starts] == [
        dt.datetime(2026, 2, d, 9, tzinfo=shanghai) for d in (2, 9, 24)
    ]
    # Without a calendar the time is still read in Asia/Shanghai.
    assert b"DTSTART;TZID=Asia/Shanghai:20260202T090000" in to_ical(series)


def test_timed_sittings_last_the_duration_given() -> None:
    series = schedule(typed("每周一上午9时"), D(2026, 2, 1), D(2026, 2, 28), calendar=CAL)
    cal = icalendar.Calendar.from_ical(to_ical(series, duration=dt.timedelta(hours=1, minutes=30)))
    ends = sorted(
        e.decoded("dtend")
        for e in recurring_ical_events.of(cal).between(D(2026, 2, 1), D(2026, 3, 1))
    )
    shanghai = dt.timezone(dt.timedelta(hours=8))
    assert [e.astimezone(shanghai).time() for e in ends] == [dt.time(10, 30)] * 3
    # An all-day series ignores it: its sittings take their day.
    allday = schedule(presets.LEADERSHIP_MEETING, D(2026, 2, 1), D(2026, 2, 28), calendar=CAL)
    assert b"DURATION" not in to_ical(allday, duration=dt.timedelta(hours=1))
    with pytest.raises(InvalidInputError, match="duration="):
        to_ical(series, duration=dt.timedelta(0))
    with pytest.raises(InvalidInputError, match="duration="):
        to_ical(series, duration=90)  # type: ignore[arg-type]


def test_skip_holidays_becomes_exdate_only() -> None:
    skipping = attrs.evolve(presets.LEADERSHIP_MEETING, cadence="每周一 遇节假日取消")
    series = schedule(skipping, D(2026, 2, 1), D(2026, 2, 28), calendar=CAL)
    assert series.dates == (D(2026, 2, 2), D(2026, 2, 9))
    assert series.skipped == (D(2026, 2, 16), D(2026, 2, 23))
    (event,) = events(to_ical(series))
    assert "RDATE" not in event
    assert mismatches(series) == 0


def test_single_sittings_and_several_series_in_one_file() -> None:
    adhoc = Meeting.ad_hoc(
        presets.JOINT_MEETING, D(2026, 7, 8), approved_by="group_leader", reason="flood"
    )
    units = [Unit("econ", "经济发展办"), Unit("build", "城建办")]
    series = [
        schedule(
            presets.LEADER_WEEKLY_MEETING, D(2026, 1, 1), D(2026, 3, 31), calendar=CAL, convener=u
        )
        for u in units
    ]
    got = expand(to_ical([*series, adhoc]), D(2026, 1, 1), D(2026, 12, 31))
    assert got["joint_meeting/2026-07-08@govops"] == [D(2026, 7, 8)]
    assert len(got) == 3
    assert got["leader_weekly_meeting/econ@govops"] == list(series[0].dates)
    assert got["leader_weekly_meeting/build@govops"] == list(series[1].dates)


def test_output_is_deterministic_and_stamp_is_used() -> None:
    s = schedule(presets.SECTION_MEETING, D(2026, 1, 1), D(2026, 12, 31), calendar=CAL)
    assert to_ical(s) == to_ical(s)
    stamp = dt.datetime(2026, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert b"DTSTAMP:20260101T010000Z" in to_ical(s, stamp=stamp)
    with pytest.raises(InvalidInputError, match="stamp="):
        to_ical(s, stamp=dt.datetime(2026, 1, 1))
    with pytest.raises(InvalidTypeError, match="MeetingSeries or Meeting"):
        to_ical(["not a meeting"])  # type: ignore[list-item]


CADENCES = st.sampled_from([t.cadence or "" for t in SCHEDULED] + TEXTS)


# The weekly meeting's week of Dec 28, 2026 depends on Jan 1, 2027, which is not published yet.
COVERED = D(2026, 12, 27)


def check_range(cadence: str, start: dt.date, days: int) -> None:
    end = min(start + dt.timedelta(days=days), COVERED)
    series = schedule(typed(cadence), start, end, calendar=CAL)
    assert mismatches(series) == 0
    assert_portable(to_ical(series))


@settings(max_examples=60, deadline=None)
@given(cadence=CADENCES, start=st.dates(FIRST, COVERED), days=st.integers(0, 400))
def test_any_range_matches(cadence: str, start: dt.date, days: int) -> None:
    check_range(cadence, start, days)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(cadence=CADENCES, start=st.dates(FIRST, COVERED), days=st.integers(0, 1100))
def test_any_range_matches_exhaustively(cadence: str, start: dt.date, days: int) -> None:
    check_range(cadence, start, days)


# -- the 休/班 feed of the working-day calendar ------------------------------------------------


def feed_days(data: bytes) -> dict[dt.date, str]:
    return {e.decoded("dtstart"): str(e["SUMMARY"]) for e in events(data)}


def test_the_feed_marks_the_days_the_independent_data_marks() -> None:
    # chinese_calendar lists the days off of each official break (the weekends inside it only in
    # some years) and every make-up workday; the feed marks those, and the weekends of the break.
    from chinese_calendar.constants import holidays, workdays

    got = feed_days(calendar_feed(CAL, FIRST, LAST))
    rest = {d for d, s in got.items() if s.startswith("休 ")}
    work = {d for d, s in got.items() if s.startswith("班 ")}
    assert rest | work == set(got)
    listed = {d for d in holidays if FIRST <= d <= LAST}
    assert listed <= rest
    assert all(d.weekday() >= 5 for d in rest - listed)  # 2024-06-08/09, before 端午 on Monday
    assert D(2024, 6, 8) in rest - listed
    assert work == {d for d in workdays if FIRST <= d <= LAST}
    assert all(chinese_calendar.is_holiday(d) for d in rest)
    assert not any(chinese_calendar.is_holiday(d) for d in work)


def test_the_feed_names_the_holiday_and_expands_as_single_days() -> None:
    data = calendar_feed(CAL, D(2026, 9, 20), D(2026, 10, 10))
    got = feed_days(data)
    assert got[D(2026, 9, 20)] == "班 国庆节调休上班日"
    assert got[D(2026, 10, 1)].startswith("休 国庆")
    assert got[D(2026, 10, 10)].startswith("班 ")
    assert sorted(d for days in expand(data, D(2026, 9, 1), D(2026, 10, 31)).values() for d in days) == sorted(got)  # fmt: skip
    event = events(data)[0]
    assert event["UID"] == "CN/2026-09-20@govops" and event["TRANSP"] == "TRANSPARENT"
    assert "国务院办公厅" in str(event["DESCRIPTION"])


def test_the_feed_flags_provisional_days_and_refuses_bad_input() -> None:
    # The data as published through 2026, whatever the installed release carries; 2027 estimated.
    estimated = govops.calendar("CN", published_through=2026, last_year=2027, provisional=True)
    tentative = [
        e
        for e in events(calendar_feed(estimated, D(2027, 1, 1), D(2027, 12, 31)))
        if e.get("STATUS") == "TENTATIVE"
    ]
    assert tentative and all("暂定" in str(e["DESCRIPTION"]) for e in tentative)
    with pytest.raises(InvalidTypeError, match="WorkCalendar"):
        calendar_feed("CN", FIRST, LAST)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="before start"):
        calendar_feed(CAL, LAST, FIRST)
    with pytest.raises(govops.CalendarCoverageError):
        calendar_feed(govops.calendar("CN", last_year=2026), D(2027, 1, 1), D(2027, 2, 1))


def test_text_the_file_cannot_hold_is_refused_before_export() -> None:
    t = presets.LEADERSHIP_MEETING
    with pytest.raises(InvalidInputError, match="reason='改期\\\\ud800' holds the lone surrogate"):
        Meeting(t, dt.date(2026, 3, 6), id="m1", basis="ad_hoc", reason="改期\ud800")
    with pytest.raises(InvalidInputError, match="lone surrogate"):
        attrs.evolve(t, description="\ud800")


def test_what_icalendar_refuses_comes_back_as_our_error() -> None:
    t = presets.LEADERSHIP_MEETING
    meeting = Meeting(t, dt.date(2026, 3, 6), id="m1", basis="ad_hoc", reason="改期")
    # A value that slipped past its checks (validators switched off) still cannot escape as
    # UnicodeEncodeError from the export.
    with attrs.validators.disabled():
        bad = attrs.evolve(meeting, reason="改期\ud800")
    with pytest.raises(InvalidInputError, match="cannot write the iCalendar file"):
        to_ical(bad)
    with pytest.raises(
        InvalidTypeError, match="expected a MeetingSeries, a Meeting or an iterable"
    ):
        to_ical(42)  # type: ignore[arg-type]


def test_a_carriage_return_an_icalendar_file_cannot_keep_is_refused_naming_the_field() -> None:
    # Found by the slow fuzz: a name holding "\r" came back from the file as "\n". A line break
    # ("\n") is kept; a carriage return is refused rather than changed behind the user's back.
    kind = attrs.evolve(presets.LEADERSHIP_MEETING, name_zh="党组会\n（扩大）")
    meeting = Meeting(kind, dt.date(2026, 3, 6), id="m1", basis="ad_hoc", reason="改期")
    (event,) = icalendar.Calendar.from_ical(to_ical(meeting)).walk("VEVENT")
    assert str(event["SUMMARY"]) == "党组会\n（扩大）"
    for field, value in (("name_zh", "党组会\r"), ("name_en", "Party group\r\n")):
        bad = Meeting(
            attrs.evolve(kind, **{field: value}), meeting.date, id="m1", basis="ad_hoc", reason="x"
        )
        with pytest.raises(InvalidInputError, match=f"{field}=.* holds a carriage return"):
            to_ical(bad)
    with pytest.raises(InvalidInputError, match=r"reason=.* holds a carriage return"):
        to_ical(attrs.evolve(meeting, reason="改期\r\n见通知"))
    series = schedule(
        attrs.evolve(presets.LEADERSHIP_MEETING, name_zh="党组会\r"),
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
        calendar=CAL,
    )
    with pytest.raises(InvalidInputError, match=r"name_zh=.* holds a carriage return"):
        to_ical(series)
