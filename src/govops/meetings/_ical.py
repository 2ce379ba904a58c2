"""iCalendar (RFC 5545) export of meeting series and single sittings.

A series becomes one ``VEVENT`` with an ``RRULE`` (up to ``UNTIL``), ``EXDATE`` for the days of
the rule on which no sitting takes place (a holiday moved it, a collision merged it, "skip
holidays" dropped it) and ``RDATE`` for the sittings the rule does not give (where moved sittings
landed). The instances a client computes, RRULE ∪ RDATE − EXDATE, are exactly the sittings; which
RRULE is chosen, so that every client reads it alike, is explained in ``_recur.py``. An ad-hoc or
planned sitting is a single event.

A sitting is all day (``VALUE=DATE``) unless the schedule names a time ("每周一上午9时"): then it
starts at that time in the calendar's time zone (Asia/Shanghai unless the calendar says otherwise)
and the file carries the ``VTIMEZONE``.

A series' ``UID`` names its meeting type and convener only, so exports of different ranges update
the same event in a subscribed calendar. Pure: ``DTSTAMP`` is ``stamp`` when given, else midnight
UTC of the series' (or sitting's) first day, so the same input always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import icalendar

from ..exceptions import GovopsError, InvalidInputError, InvalidTypeError
from ..rules import parse_rule
from ._model import Meeting
from ._recur import recurrence
from ._schedule import MeetingSeries

if TYPE_CHECKING:
    from ..calendars import WorkCalendar

__all__ = ["to_ical"]

PRODID = "-//govops//govops.meetings//ZH"
# Where a sitting's time of day is read when the calendar names no time zone.
DEFAULT_TIMEZONE = "Asia/Shanghai"


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


def _text(value: str, what: str) -> str:
    """``value``, which an iCalendar file keeps as it is: a carriage return is refused, since a
    reader gets a line break back in its place (RFC 5545 writes a line break as ``\\n``)."""
    if "\r" in value:
        raise InvalidInputError(
            f"{what}={value!r} holds a carriage return, which an iCalendar file cannot keep (a "
            "reader gets a line break back); use '\\n' for a line break"
        )
    return value


def _zone(calendar: WorkCalendar | None) -> ZoneInfo:
    name = calendar.timezone if calendar is not None else None
    return ZoneInfo(name or DEFAULT_TIMEZONE)


def _series_event(
    series: MeetingSeries,
    stamp: dt.datetime | None,
    calendar: WorkCalendar | None,
    duration: dt.timedelta | None,
) -> icalendar.Event | None:
    t = series.meeting_type
    rule = parse_rule(t.cadence or "")  # a series exists only for a type with a cadence
    recur = recurrence(series, rule)
    if recur is None:
        return None
    clock = rule.time.clock if rule.time is not None else None
    zone = _zone(calendar) if clock is not None else None

    def value(day: dt.date) -> dt.date | dt.datetime:
        if clock is None:
            return day
        return dt.datetime.combine(day, clock, tzinfo=zone)

    event = icalendar.Event()
    who = f"/{_text(series.convener.id, 'convener.id')}" if series.convener is not None else ""
    event.add("uid", f"{_text(t.key, 'key')}{who}@govops")
    name = _text(t.name_zh, "name_zh")
    if series.convener is not None:
        name += f"({_text(series.convener.name, 'convener.name')})"
    event.add("summary", name)
    event.add("dtstamp", _stamp(stamp, series.start))
    event.add("dtstart", value(recur.start))
    if clock is not None and duration is not None:
        event.add("duration", duration)
    # UNTIL is a date for all-day events and a UTC time for timed ones (RFC 5545 §3.3.10).
    until = value(recur.until)
    if isinstance(until, dt.datetime):
        until = until.astimezone(dt.timezone.utc)
    event.add("rrule", icalendar.vRecur.from_ical(recur.rrule) | {"UNTIL": [until]})
    if recur.exdates:
        event.add("exdate", [value(d) for d in recur.exdates])
    if recur.rdates:
        event.add("rdate", [value(d) for d in recur.rdates])
    note = _moved_note(series, calendar)
    description = f"{_text(t.name_en, 'name_en')}; schedule: {t.cadence}"
    if note:
        description += "\n" + note
    event.add("description", description)
    event.add("categories", [t.key])
    return event


def _meeting_event(meeting: Meeting, stamp: dt.datetime | None) -> icalendar.Event:
    t = meeting.meeting_type
    event = icalendar.Event()
    event.add("uid", f"{_text(meeting.id, 'id')}@govops")
    event.add("summary", _text(t.name_zh, "name_zh"))
    event.add("dtstamp", _stamp(stamp, meeting.date))
    event.add("dtstart", meeting.date)
    description = f"{_text(t.name_en, 'name_en')}; {meeting.basis.value}"
    if meeting.reason:
        description += f": {_text(meeting.reason, 'reason')}"
    event.add("description", description)
    event.add("categories", [_text(t.key, "key")])
    return event


def to_ical(
    items: MeetingSeries | Meeting | Iterable[MeetingSeries | Meeting],
    *,
    stamp: dt.datetime | None = None,
    calendar: WorkCalendar | None = None,
    duration: dt.timedelta | None = None,
) -> bytes:
    """An iCalendar file with one event per series and per single sitting.

    ``calendar``, when given, names the holidays in each series' description ("2026-02-16 农历除夕 →
    2026-02-24") and gives the time zone of timed sittings. ``duration`` is how long a timed
    sitting lasts (``DURATION``; without it a timed sitting is the instant it starts, RFC 5545
    §3.6.1); all-day sittings take their day. ``stamp`` (an aware datetime) is the ``DTSTAMP`` of
    every event.

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
    if duration is not None and (
        not isinstance(duration, dt.timedelta) or duration <= dt.timedelta(0)
    ):
        raise InvalidInputError(
            f"duration={duration!r}; expected a positive datetime.timedelta, e.g. timedelta(hours=1), or None"
        )
    try:
        return _calendar_bytes(items, stamp, calendar, duration)
    except GovopsError:
        raise
    except (UnicodeError, ValueError) as exc:  # icalendar's own: only ours escape
        raise InvalidInputError(f"cannot write the iCalendar file: {exc}") from exc


def _calendar_bytes(
    items: Iterable[MeetingSeries | Meeting],
    stamp: dt.datetime | None,
    calendar: WorkCalendar | None,
    duration: dt.timedelta | None,
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    seen: set[str] = set()
    for item in items:
        if isinstance(item, MeetingSeries):
            event = _series_event(item, stamp, calendar, duration)
        elif isinstance(item, Meeting):
            event = _meeting_event(item, stamp)
        else:
            raise InvalidTypeError(
                f"items contains {item!r}; expected MeetingSeries or Meeting values"
            )
        if event is None:
            continue
        uid = str(event["UID"])
        if uid in seen:
            # A client keeps one event per UID: the second range would silently replace the first.
            raise InvalidInputError(
                f"items contains two events with UID {uid!r}; a series' UID does not depend on its "
                "range, so export one range per meeting type and convener (schedule the whole span)"
            )
        seen.add(uid)
        cal.add_component(event)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data
