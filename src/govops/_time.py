"""Date and aware-datetime helpers shared by every layer.

govops counts in local calendar days. A ``date`` is taken as it is; an aware ``datetime`` is first
converted to the calendar's time zone (``Asia/Shanghai`` for China), because 2024-09-30T20:00Z is
already October 1st in Beijing. A naive ``datetime`` is refused: guessing its zone would make a
deadline silently wrong by a day.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .exceptions import InvalidInputError, InvalidTypeError, NaiveDatetimeError

__all__ = ["EDGE_YEARS", "SHANGHAI", "as_local_date", "require_aware"]

SHANGHAI = ZoneInfo("Asia/Shanghai")

EDGE_YEARS = frozenset((dt.MINYEAR, dt.MAXYEAR))
"""The first and last years of ``datetime``: a time in them may have no UTC instant, or no date in
another zone (9999-12-31T23:00-05:00 is past the end of time in UTC), so a record refuses them."""


def calendar_tz(calendar: object) -> dt.tzinfo:
    """The time zone a calendar counts local days in (Asia/Shanghai unless it names another)."""
    name = getattr(calendar, "timezone", None)
    return ZoneInfo(name) if isinstance(name, str) else SHANGHAI


def as_local_date(value: object, tz: dt.tzinfo | None, *, name: str = "date") -> dt.date:
    """Return the local calendar day of a ``date`` or an aware ``datetime``.

    >>> import datetime as dt
    >>> as_local_date(dt.datetime(2024, 9, 30, 20, 0, tzinfo=dt.timezone.utc), SHANGHAI)
    datetime.date(2024, 10, 1)
    >>> as_local_date(dt.date(2024, 9, 30), SHANGHAI)
    datetime.date(2024, 9, 30)
    """
    if type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(
                f"{name}={value!r} has no time zone; pass an aware datetime "
                "(e.g. tzinfo=ZoneInfo('Asia/Shanghai')) or a date"
            )
        if tz is None:
            raise InvalidTypeError(
                f"{name}={value!r}: this calendar has no time zone, so pass a date, "
                "or build the calendar with timezone=..."
            )
        try:
            return value.astimezone(tz).date()
        except OverflowError:  # 0001-01-01 or 9999-12-31 pushed past the range of datetime
            raise InvalidInputError(
                f"{name}={value!r} lies outside the range of dates once converted to {tz}"
            ) from None
    if isinstance(value, dt.date):  # a date subclass other than datetime
        return dt.date(value.year, value.month, value.day)
    raise InvalidTypeError(
        f"{name}={value!r} is a {type(value).__name__}; expected a datetime.date "
        "or a timezone-aware datetime.datetime"
    )


def is_before(a: dt.datetime, b: dt.datetime) -> bool:
    """True when the aware instant ``a`` comes before ``b``.

    Python compares two datetimes that share a ``tzinfo`` by their wall clocks and ignores
    ``fold``, which puts the two readings of an hour repeated at the end of daylight saving time in
    the wrong order; this compares instants.

    >>> import datetime as dt
    >>> from zoneinfo import ZoneInfo
    >>> ny = ZoneInfo("America/New_York")
    >>> first = dt.datetime(2026, 11, 1, 1, 45, tzinfo=ny)           # 05:45 UTC
    >>> second = dt.datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=ny)  # 06:15 UTC, an hour later
    >>> second < first, is_before(second, first)
    (True, False)
    """
    if a.tzinfo is b.tzinfo:
        offset_a, offset_b = a.utcoffset(), b.utcoffset()
        if offset_a != offset_b and offset_a is not None and offset_b is not None:
            # Rearranged so that nothing overflows near the first or last day a datetime holds.
            return a.replace(tzinfo=None) - b.replace(tzinfo=None) < offset_a - offset_b
    return a < b


def require_aware(value: object, *, name: str = "now") -> dt.datetime:
    """Return ``value`` if it is a timezone-aware ``datetime``; raise a clear error otherwise.

    >>> import datetime as dt
    >>> require_aware(dt.datetime(2026, 1, 5, 9, 0))
    Traceback (most recent call last):
    ...
    govops.exceptions.NaiveDatetimeError: now=datetime.datetime(2026, 1, 5, 9, 0) has no time zone; ...
    """
    if not isinstance(value, dt.datetime):
        raise InvalidTypeError(
            f"{name}={value!r} is a {type(value).__name__}; expected a timezone-aware datetime"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{name}={value!r} has no time zone; pass e.g. "
            "datetime(..., tzinfo=ZoneInfo('Asia/Shanghai'))"
        )
    return value
