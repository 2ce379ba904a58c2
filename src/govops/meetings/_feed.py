"""The working-day calendar as a subscribable iCalendar feed: 休 and 班 days.

Every day the calendar does not count as an ordinary weekday or weekend becomes an all-day event:
a rest day of a holiday (the holiday itself, a day off in lieu, a weekend inside the holiday, a
local closure) is ``休``, a make-up or extra working day is ``班``, each followed by the holiday's
name, the way printed Chinese calendars mark them. ``UID`` is the country and the day, so a client
subscribed to a feed regenerated every year (or after a notice is loaded) updates the same events.
It lives beside the meeting export because only that layer uses the iCalendar library.
"""

from __future__ import annotations

import datetime as dt

import icalendar

from ..calendars import WorkCalendar
from ..exceptions import InvalidInputError, InvalidTypeError
from ._ical import PRODID, _stamp
from ._schedule import _check_range

__all__ = ["calendar_feed"]


def calendar_feed(
    calendar: WorkCalendar,
    start: dt.date,
    end: dt.date,
    *,
    stamp: dt.datetime | None = None,
) -> bytes:
    """An iCalendar file marking each rest day of a holiday ``休`` and each make-up workday ``班``
    with ``start <= date <= end``, named after the holiday.

    Provisional days (a year whose official schedule is not loaded) are ``STATUS:TENTATIVE`` and
    say so in their description. Events are transparent: they do not make anyone busy.

    >>> import datetime as dt, govops
    >>> from govops.meetings import calendar_feed
    >>> cal = govops.calendar("CN")
    >>> text = calendar_feed(cal, dt.date(2026, 1, 1), dt.date(2026, 1, 4)).decode()
    >>> [line for line in text.splitlines() if line.startswith(("SUMMARY", "DTSTART"))]
    ['SUMMARY:休 元旦', 'DTSTART;VALUE=DATE:20260101', 'SUMMARY:休 元旦假期', 'DTSTART;VALUE=DATE:20260102', 'SUMMARY:休 元旦假期', 'DTSTART;VALUE=DATE:20260103', 'SUMMARY:班 元旦调休上班日', 'DTSTART;VALUE=DATE:20260104']
    """
    if not isinstance(calendar, WorkCalendar):
        raise InvalidTypeError(f"calendar={calendar!r}; expected a govops.calendars.WorkCalendar")
    start, end = _check_range(start, end)
    # An empty feed for a year without data would read as "no holidays": refuse it instead.
    calendar.describe(start)
    calendar.describe(end)
    if stamp is not None and (not isinstance(stamp, dt.datetime) or stamp.utcoffset() is None):
        raise InvalidInputError(f"stamp={stamp!r}; expected a timezone-aware datetime or None")
    code = calendar.country + (f"-{calendar.subdiv}" if calendar.subdiv else "")
    feed = icalendar.Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", f"{code} 休/班")
    for info in calendar.special_days(start, end):
        mark = "班" if info.is_working else "休"
        full = info.name_zh or info.name_en or info.kind.value
        # "春节假期（调休，与2026-02-14上班对调）" shows as "休 春节假期"; the rest is in the description.
        name = full.split("（")[0].split("(")[0].strip() or full
        event = icalendar.Event()
        event.add("uid", f"{code}/{info.date.isoformat()}@govops")
        event.add("summary", f"{mark} {name}")
        event.add("dtstamp", _stamp(stamp, info.date))
        event.add("dtstart", info.date)
        event.add("transp", "TRANSPARENT")
        lines = [full] + ([info.name_en] if info.name_en else [])
        if info.source:
            lines.append(info.source)
        if info.provisional:
            lines.append("provisional: estimated by rule, the official notice is not loaded (暂定)")
            event.add("status", "TENTATIVE")
        event.add("description", "\n".join(lines))
        event.add("categories", [info.kind.value])
        feed.add_component(event)
    data: bytes = feed.to_ical()
    return data
