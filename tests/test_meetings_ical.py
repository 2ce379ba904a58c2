"""iCalendar export: the file re-parses (with icalendar and dateutil) to exactly the sittings."""

from __future__ import annotations

import datetime as dt

import attrs
import icalendar
import pytest
from dateutil.rrule import rruleset, rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

import govops
from govops.exceptions import InvalidInputError, InvalidTypeError
from govops.meetings import Meeting, MeetingSeries, MeetingType, presets, schedule, to_ical
from govops.tasks import Unit

CAL = govops.calendar("CN")
D = dt.date
SCHEDULED = [t for t in presets.PRESETS.values() if t.cadence is not None]


def _dates(prop: object) -> list[dt.date]:
    """Dates of an RDATE/EXDATE property (one value or a list of them)."""
    values = prop if isinstance(prop, list) else [prop]
    return [item.dt for v in values for item in v.dts]  # type: ignore[attr-defined]


def instances(data: bytes) -> dict[str, list[dt.date]]:
    """UID → every instance date, the way a calendar client expands RRULE ∪ RDATE − EXDATE."""
    out = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        start = event.decoded("dtstart")
        assert type(start) is dt.date
        origin = dt.datetime(start.year, start.month, start.day)
        rs = rruleset()
        rs.rdate(origin)  # DTSTART is always the first instance (RFC 5545 §3.8.5.3)
        if "RRULE" in event:
            rs.rrule(rrulestr(event["RRULE"].to_ical().decode(), dtstart=origin))  # type: ignore[arg-type]
        for d in _dates(event.get("RDATE", [])):
            rs.rdate(dt.datetime(d.year, d.month, d.day))
        for d in _dates(event.get("EXDATE", [])):
            rs.exdate(dt.datetime(d.year, d.month, d.day))
        out[str(event["UID"])] = [x.date() for x in rs]
    return out


def one(series: MeetingSeries) -> list[dt.date]:
    (dates,) = instances(to_ical(series)).values()
    return dates


@pytest.mark.parametrize("t", SCHEDULED, ids=lambda t: t.key)
def test_every_preset_round_trips_for_2026(t: MeetingType) -> None:
    series = schedule(t, D(2026, 1, 1), D(2026, 12, 31), calendar=CAL)
    assert one(series) == list(series.dates)


def test_weekly_series_uses_rrule_exdate_and_rdate() -> None:
    series = schedule(presets.LEADERSHIP_MEETING, D(2026, 1, 1), D(2026, 12, 31), calendar=CAL)
    event = icalendar.Calendar.from_ical(to_ical(series, calendar=CAL)).walk("VEVENT")[0]
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20261231;BYDAY=MO"
    assert _dates(event["EXDATE"]) == [
        D(2026, 2, 16),
        D(2026, 2, 23),
        D(2026, 4, 6),
        D(2026, 5, 4),
        D(2026, 10, 5),
    ]
    assert _dates(event["RDATE"]) == [D(2026, 2, 24), D(2026, 4, 7), D(2026, 5, 6), D(2026, 10, 8)]
    assert "2026-02-16 农历除夕" in str(event["DESCRIPTION"])


def test_working_day_schedule_has_no_rrule() -> None:
    series = schedule(
        presets.QUARTERLY_DISPATCH_MEETING, D(2026, 1, 1), D(2026, 12, 31), calendar=CAL
    )
    event = icalendar.Calendar.from_ical(to_ical(series)).walk("VEVENT")[0]
    assert "RRULE" not in event and "EXDATE" not in event
    assert event.decoded("dtstart") == D(2026, 3, 31)


def test_skip_holidays_becomes_exdate_only() -> None:
    skipping = attrs.evolve(presets.LEADERSHIP_MEETING, cadence="每周一 遇节假日取消")
    series = schedule(skipping, D(2026, 2, 1), D(2026, 2, 28), calendar=CAL)
    assert series.dates == (D(2026, 2, 2), D(2026, 2, 9))
    assert series.skipped == (D(2026, 2, 16), D(2026, 2, 23))
    assert one(series) == [D(2026, 2, 2), D(2026, 2, 9)]


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
    got = instances(to_ical([*series, adhoc]))
    assert got["joint_meeting/2026-07-08@govops"] == [D(2026, 7, 8)]
    assert len(got) == 3
    assert all(
        dates == list(series[0].dates) for uid, dates in got.items() if "leader_weekly" in uid
    )


def test_output_is_deterministic_and_stamp_is_used() -> None:
    s = schedule(presets.SECTION_MEETING, D(2026, 1, 1), D(2026, 12, 31), calendar=CAL)
    assert to_ical(s) == to_ical(s)
    stamp = dt.datetime(2026, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert b"DTSTAMP:20260101T010000Z" in to_ical(s, stamp=stamp)
    with pytest.raises(InvalidInputError, match="stamp="):
        to_ical(s, stamp=dt.datetime(2026, 1, 1))
    with pytest.raises(InvalidTypeError, match="MeetingSeries or Meeting"):
        to_ical(["not a meeting"])  # type: ignore[list-item]


@settings(max_examples=60, deadline=None)
@given(
    t=st.sampled_from(SCHEDULED),
    start=st.dates(D(2025, 1, 1), D(2026, 12, 31)),
    days=st.integers(0, 400),
)
def test_round_trip_over_any_range(t: MeetingType, start: dt.date, days: int) -> None:
    end = min(start + dt.timedelta(days=days), D(2026, 12, 31))
    series = schedule(t, start, end, calendar=CAL)
    got = instances(to_ical(series)) if series.occurrences else {}
    assert list(got.values()) == ([list(series.dates)] if series.occurrences else [])


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
