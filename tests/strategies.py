"""Hypothesis strategies shared by the test modules.

Dates are drawn inside the CN data (2001–2026) with a margin, so that a strategy never produces a
day whose arithmetic runs off the end of the tables unless a test asks for that on purpose.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from govops.calendars import PeriodKind, Roll

__all__ = [
    "FIRST_CN_DAY",
    "LAST_CN_DAY",
    "aware_datetimes",
    "cn_dates",
    "dates",
    "offsets",
    "period_kinds",
    "roll_conventions",
]

FIRST_CN_DAY = dt.date(2001, 1, 1)
LAST_CN_DAY = dt.date(2026, 12, 31)

# Far enough from both ends that adding ±MAX_OFFSET working days stays inside the data.
_MARGIN = dt.timedelta(days=500)
MAX_OFFSET = 300


def dates(
    min_value: dt.date = dt.date(1, 1, 1), max_value: dt.date = dt.date.max
) -> st.SearchStrategy[dt.date]:
    """Plain ``datetime.date`` values (never a ``datetime``)."""
    return st.dates(min_value=min_value, max_value=max_value)


def cn_dates(*, margin: bool = True) -> st.SearchStrategy[dt.date]:
    """Days of the CN calendar; with ``margin`` far enough from its ends for ±300 working days."""
    if margin:
        return dates(FIRST_CN_DAY + _MARGIN, LAST_CN_DAY - _MARGIN)
    return dates(FIRST_CN_DAY, LAST_CN_DAY)


def offsets(max_abs: int = MAX_OFFSET) -> st.SearchStrategy[int]:
    """Working-day offsets ``n`` for ``add_working_days``, zero and negatives included."""
    return st.integers(min_value=-max_abs, max_value=max_abs)


def roll_conventions() -> st.SearchStrategy[Roll | str]:
    """Every roll convention, as the enum member or as its string value."""
    return st.sampled_from(list(Roll)) | st.sampled_from([r.value for r in Roll])


def period_kinds() -> st.SearchStrategy[PeriodKind | str]:
    """Every period kind, as the enum member or as its string value."""
    return st.sampled_from(list(PeriodKind)) | st.sampled_from([k.value for k in PeriodKind])


_ZONES = (
    dt.timezone.utc,
    ZoneInfo("Asia/Shanghai"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Pacific/Kiritimati"),  # UTC+14: its date is often a day ahead of Beijing's
    dt.timezone(dt.timedelta(hours=-12)),
)


def aware_datetimes(
    min_value: dt.datetime = dt.datetime(2002, 1, 1),
    max_value: dt.datetime = dt.datetime(2025, 12, 31),
) -> st.SearchStrategy[dt.datetime]:
    """Timezone-aware datetimes in a spread of zones, inside the CN data."""
    return st.datetimes(min_value=min_value, max_value=max_value, timezones=st.sampled_from(_ZONES))
