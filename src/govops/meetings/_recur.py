"""The recurrence of a meeting series as calendar clients read it: one RRULE, EXDATE and RDATE.

A client shows the instances of ``RRULE`` (from ``DTSTART`` to ``UNTIL``), plus ``RDATE``, minus
``EXDATE`` (RFC 5545 §3.8.5). Clients agree on that sum but not on every RRULE, so the RRULE here is
chosen from the forms they all read alike, and the exceptions are computed from the sittings, so
that the sum is exactly the sittings whatever RRULE was chosen:

- A schedule with nominal days ("every Monday", "the 15th of each month") keeps their RRULE, with
  two rewrites. ``BYSETPOS`` (Google Calendar and ical4j mishandle it) never appears: "the 30th, or
  the month's last day when shorter" becomes ``BYMONTHDAY=30``, and the short months' last days
  come back as ``RDATE``. A negative ``BYMONTHDAY`` becomes the positive day when every month it
  names has the same length (the end of December is the 31st); when the months differ (quarter
  ends), no single positive rule says it and the negative day stays. A yearly rule over evenly
  spaced months becomes a monthly one with an interval (``FREQ=MONTHLY;INTERVAL=2``), a form the
  clients' own editors can show.
- A schedule counted on working days ("the last working day of each month") names no nominal day.
  Outlook refuses an event that is only ``RDATE``, so it gets the rule every client reads alike
  (weekly on some weekdays, or monthly on a day 1-28, or on a day 29-31 of months that all have
  it) that needs the fewest exceptions over the range.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
import functools
from typing import TYPE_CHECKING, final

import attrs
from dateutil.rrule import rrulestr

from ..rules import Schedule, WorkingDays

if TYPE_CHECKING:
    from ..rules import Rule
    from ._schedule import MeetingSeries

__all__ = ["Recurrence", "portable_rrule", "recurrence"]

_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The shortest and longest length of each month (February: 28 and 29).
_SHORTEST = {m: 28 if m == 2 else _stdcal.monthrange(2001, m)[1] for m in range(1, 13)}
_LONGEST = {m: 29 if m == 2 else _SHORTEST[m] for m in range(1, 13)}
_PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


@final
@attrs.frozen
class Recurrence:
    """``rrule`` (without ``UNTIL``) from ``start`` through ``until``, plus ``rdates``, minus
    ``exdates``: exactly the sittings. ``start`` is an instance of ``rrule``, as RFC 5545 asks of
    ``DTSTART``."""

    rrule: str
    start: dt.date
    until: dt.date
    exdates: tuple[dt.date, ...]
    rdates: tuple[dt.date, ...]


def _split(rrule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rrule.split(";"))


def _join(parts: dict[str, str]) -> str:
    order = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY")
    keys = [k for k in order if k in parts] + [k for k in parts if k not in order]
    return ";".join(f"{k}={parts[k]}" for k in keys)


def portable_rrule(rrule: str) -> str:
    """``rrule`` without ``BYSETPOS``, and without a negative ``BYMONTHDAY`` or a yearly rule over
    evenly spaced months where a form every client reads alike says the same.

    >>> portable_rrule("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1")
    'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31'
    >>> portable_rrule("FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1")   # no positive day says it
    'FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1'
    >>> portable_rrule("FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1")  # February: RDATE
    'FREQ=MONTHLY;BYMONTHDAY=30'
    >>> portable_rrule("FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1")
    'FREQ=MONTHLY;BYMONTHDAY=-1'
    """
    parts = _split(rrule)
    months = [int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else range(1, 13)
    if parts.pop("BYSETPOS", None) is not None:
        # Only "day d, or the month's last day when shorter" (BYMONTHDAY=28..d;BYSETPOS=-1).
        day = max(int(d) for d in parts["BYMONTHDAY"].split(","))
        if day >= max(_LONGEST[m] for m in months):
            parts["BYMONTHDAY"] = "-1"
        else:
            parts["BYMONTHDAY"] = str(day)
    if "BYMONTHDAY" in parts:
        lengths = {_SHORTEST[m] for m in months} | {_LONGEST[m] for m in months}
        days = [int(d) for d in parts["BYMONTHDAY"].split(",")]
        if len(lengths) == 1:
            (length,) = lengths
            days = [d if d > 0 else length + 1 + d for d in days]
        parts["BYMONTHDAY"] = ",".join(str(d) for d in days)
    if parts["FREQ"] == "YEARLY" and "BYMONTH" in parts and "INTERVAL" not in parts:
        step = _even_step(sorted(months))
        if step is not None:
            del parts["BYMONTH"]
            parts["FREQ"], parts["INTERVAL"] = "MONTHLY", str(step)
    return _join(parts)


def _even_step(months: list[int]) -> int | None:
    """``k`` when ``months`` are every k-th month of the year (k > 1), else ``None``."""
    if len(months) < 2:
        return None
    step = months[1] - months[0]
    if step > 1 and 12 % step == 0:
        spaced = [m for m in range(1, 13) if (m - months[0]) % step == 0]
        return step if months == spaced else None
    return None


@functools.lru_cache(maxsize=256)
def _instances(rrule: str, anchor: dt.date, until: dt.date) -> tuple[dt.date, ...]:
    """The days of ``rrule`` from ``anchor`` through ``until``, as a client computes them."""
    origin = dt.datetime(anchor.year, anchor.month, anchor.day)  # noqa: DTZ001 - dates only
    limit = dt.datetime(until.year, until.month, until.day)  # noqa: DTZ001 - dates only
    return tuple(d.date() for d in rrulestr(f"{rrule};UNTIL={limit:%Y%m%dT%H%M%S}", dtstart=origin))


def _fitted(rule: Rule, sittings: tuple[dt.date, ...]) -> list[tuple[str, dt.date]]:
    """Candidate rules (with the day to expand them from) for a schedule counted on working days;
    the days of the month nearest the sittings' mean day come first, so they win ties."""
    first = sittings[0]
    body = rule.body
    assert isinstance(body, Schedule)  # a meeting's cadence is a schedule (_schedule checks it)
    frequency, every = body.frequency, body.every
    if frequency in ("day", "week") or isinstance(body.selector, WorkingDays):
        monday = first - dt.timedelta(days=first.weekday())
        interval = f";INTERVAL={every}" if frequency == "week" and every > 1 else ""
        weekly = [f"FREQ=WEEKLY{interval};BYDAY={_BYDAY[w]}" for w in range(7)]
        return [(r, monday) for r in [f"FREQ=WEEKLY{interval};BYDAY=MO,TU,WE,TH,FR", *weekly]]
    months = sorted({d.month for d in sittings})
    step = _PERIOD_MONTHS.get(frequency, 0) * every
    if step and all((m - first.month) % step == 0 for m in months):
        head = "FREQ=MONTHLY" + (f";INTERVAL={step}" if step > 1 else "")
        months = [m for m in range(1, 13) if (m - first.month) % step == 0]
    else:
        head = f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))}"
    top = min(_SHORTEST[m] for m in months)
    mean = sum(d.day for d in sittings) / len(sittings)
    days = sorted(range(1, top + 1), key=lambda d: abs(d - mean))
    return [(f"{head};BYMONTHDAY={d}", first.replace(day=1)) for d in days]


def recurrence(series: MeetingSeries, rule: Rule) -> Recurrence | None:
    """The RRULE, DTSTART, EXDATE and RDATE of ``series`` (of the schedule ``rule``); ``None``
    when it has no sittings.

    >>> import datetime as dt, govops
    >>> from govops.meetings import presets, schedule
    >>> from govops.rules import parse_rule
    >>> cal = govops.calendar("CN")
    >>> t = presets.QUARTERLY_DISPATCH_MEETING                  # the last working day of the quarter
    >>> s = schedule(t, dt.date(2026, 1, 1), dt.date(2026, 12, 31), calendar=cal)
    >>> [str(d) for d in s.dates]
    ['2026-03-31', '2026-06-30', '2026-09-30', '2026-12-31']
    >>> r = recurrence(s, parse_rule(t.cadence))
    >>> r.rrule, str(r.start), [str(d) for d in r.exdates], [str(d) for d in r.rdates]
    ('FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=30', '2026-03-30', ['2026-03-30', '2026-12-30'], ['2026-03-31', '2026-12-31'])
    """
    sittings = series.dates
    if not sittings:
        return None
    until = series.end
    if series.rrule is not None:
        # The schedule's own nominal days, whatever the exceptions: a reader knows them. From the
        # first nominal day a sitting stands for (it may precede the range: a Monday holiday moved
        # into it) through the last (a day after the range, rolled back into it).
        nominal = [n for o in series.occurrences for n in o.nominal] + list(series.nominal)
        until = max(until, *nominal)
        own = _against(portable_rrule(series.rrule), min(nominal), until, sittings)
        if own is not None:
            return own
        # None: e.g. "the 30th" over a February alone; fit a rule as for working-day schedules.
    fits = (_against(r, anchor, until, sittings) for r, anchor in _fitted(rule, sittings))
    return min(
        (f for f in fits if f is not None), key=lambda f: len(f.exdates) + len(f.rdates)
    )  # never empty: the fit on the first sitting's weekday or day of the month has instances


def _against(
    rrule: str, anchor: dt.date, until: dt.date, sittings: tuple[dt.date, ...]
) -> Recurrence | None:
    """``rrule`` from ``anchor`` with the exceptions that make it ``sittings``; ``None`` when it
    has no instance to start from."""
    days = _instances(rrule, anchor, until)
    if not days:
        return None
    held, found = set(sittings), set(days)
    exdates = tuple(d for d in days if d not in held)
    rdates = tuple(d for d in sittings if d not in found)
    return Recurrence(rrule, days[0], until, exdates, rdates)
