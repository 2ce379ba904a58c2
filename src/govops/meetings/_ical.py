"""iCalendar (RFC 5545) export of meeting series and single sittings.

A series becomes one all-day ``VEVENT``: ``DTSTART`` is its first nominal day and ``RRULE`` (with
``UNTIL``) the schedule's nominal days; ``EXDATE`` removes the nominal days on which no sitting took
place (a holiday moved it, a collision merged it, "skip holidays" dropped it) and ``RDATE`` adds the
days the moved sittings landed on. The instances a client computes — RRULE ∪ RDATE − EXDATE — are
exactly the sittings. A schedule counted on working days ("the last working day of the quarter") has
no RRULE: its sittings are ``DTSTART`` plus ``RDATE``. An ad-hoc or planned sitting is a single event.

Pure: ``DTSTAMP`` is ``stamp`` when given, else midnight UTC of the series' (or sitting's) first day,
so the same input always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import icalendar

from ..exceptions import GovopsError, InvalidInputError, InvalidTypeError
from ._model import Meeting
from ._schedule import MeetingSeries

if TYPE_CHECKING:
    from ..calendars import WorkCalendar

__all__ = ["to_ical"]

PRODID = "-//govops//govops.meetings//ZH"


def _stamp(stamp: dt.datetime | None, day: dt.date) -> dt.datetime:
    if stamp is not None:
        return stamp.astimezone(dt.timezone.utc)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def _moved_note(series: MeetingSeries, calendar: WorkCalendar | None) -> str:
    lines = []
    for o in series.moved:
        parts = []
        for n in o.nominal:
            if n == o.date:
                continue
            name = ""
            if calendar is not None:
                info = calendar.describe(n)
                name = f" {info.name_zh}" if info.name_zh else ""
            parts.append(f"{n.isoformat()}{name}")
        if parts:
            lines.append(f"{', '.join(parts)} → {o.date.isoformat()}")
    lines += [f"{d.isoformat()} skipped (遇节假日取消)" for d in series.skipped]
    return "\n".join(lines)


def _series_event(
    series: MeetingSeries, stamp: dt.datetime | None, calendar: WorkCalendar | None
) -> icalendar.Event | None:
    if not series.occurrences:
        return None
    t = series.meeting_type
    event = icalendar.Event()
    who = f"/{series.convener.id}" if series.convener is not None else ""
    event.add("uid", f"{t.key}{who}/{series.start.isoformat()}/{series.end.isoformat()}@govops")
    event.add(
        "summary", t.name_zh if series.convener is None else f"{t.name_zh}({series.convener.name})"
    )
    first = series.nominal[0] if series.rrule is not None and series.nominal else series.dates[0]
    event.add("dtstamp", _stamp(stamp, series.start))
    event.add("dtstart", first)
    if series.rrule is not None and series.nominal:
        event.add("rrule", icalendar.vRecur.from_ical(f"{series.rrule};UNTIL={series.end:%Y%m%d}"))
        if series.exdates:
            event.add("exdate", list(series.exdates))
        if series.rdates:
            event.add("rdate", list(series.rdates))
    else:
        rest = [d for d in series.dates if d != first]
        if rest:
            event.add("rdate", rest)
    note = _moved_note(series, calendar)
    description = f"{t.name_en}; schedule: {t.cadence}"
    if note:
        description += "\n" + note
    event.add("description", description)
    event.add("categories", [t.key])
    return event


def _meeting_event(meeting: Meeting, stamp: dt.datetime | None) -> icalendar.Event:
    t = meeting.meeting_type
    event = icalendar.Event()
    event.add("uid", f"{meeting.id}@govops")
    event.add("summary", t.name_zh)
    event.add("dtstamp", _stamp(stamp, meeting.date))
    event.add("dtstart", meeting.date)
    description = f"{t.name_en}; {meeting.basis.value}"
    if meeting.reason:
        description += f": {meeting.reason}"
    event.add("description", description)
    event.add("categories", [t.key])
    return event


def to_ical(
    items: MeetingSeries | Meeting | Iterable[MeetingSeries | Meeting],
    *,
    stamp: dt.datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> bytes:
    """An iCalendar file with one event per series and per single sitting.

    ``calendar``, when given, names the holidays in each series' description ("2026-02-16 农历除夕 →
    2026-02-24"). ``stamp`` (an aware datetime) is the ``DTSTAMP`` of every event.

    >>> import datetime as dt, govops
    >>> from govops.meetings import presets, schedule, to_ical
    >>> cal = govops.calendar("CN")
    >>> s = schedule(presets.LEADERSHIP_MEETING, dt.date(2026, 2, 1), dt.date(2026, 2, 28), calendar=cal)
    >>> text = to_ical(s).decode()
    >>> [line for line in text.splitlines() if line.startswith(("DTSTART", "RRULE", "RDATE", "EXDATE"))]
    ['DTSTART;VALUE=DATE:20260202', 'RRULE:FREQ=WEEKLY;UNTIL=20260228;BYDAY=MO', 'RDATE;VALUE=DATE:20260224', 'EXDATE;VALUE=DATE:20260216,20260223']
    """
    if isinstance(items, (MeetingSeries, Meeting)):
        items = (items,)
    elif not isinstance(items, Iterable):
        raise InvalidTypeError(
            f"items={items!r}; expected a MeetingSeries, a Meeting or an iterable of them"
        )
    if stamp is not None and (not isinstance(stamp, dt.datetime) or stamp.utcoffset() is None):
        raise InvalidInputError(f"stamp={stamp!r}; expected a timezone-aware datetime or None")
    try:
        return _calendar_bytes(items, stamp, calendar)
    except GovopsError:
        raise
    except (UnicodeError, ValueError) as exc:  # icalendar's own: only ours escape
        raise InvalidInputError(f"cannot write the iCalendar file: {exc}") from exc


def _calendar_bytes(
    items: Iterable[MeetingSeries | Meeting],
    stamp: dt.datetime | None,
    calendar: WorkCalendar | None,
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    for item in items:
        if isinstance(item, MeetingSeries):
            event = _series_event(item, stamp, calendar)
            if event is not None:
                cal.add_component(event)
        elif isinstance(item, Meeting):
            cal.add_component(_meeting_event(item, stamp))
        else:
            raise InvalidTypeError(
                f"items contains {item!r}; expected MeetingSeries or Meeting values"
            )
    data: bytes = cal.to_ical()
    return data
