"""Working-day calendars: statutory holidays, make-up workdays, periods and roll conventions.

See DESIGN §3 for the semantics and ``docs/explanation/calendar-data.md`` for the data.
"""

from ._calendar import Roll as Roll
from ._calendar import WorkCalendar as WorkCalendar
from ._calendar import calendar as calendar
from ._days import DayInfo as DayInfo
from ._days import DayKind as DayKind
from ._days import Override as Override
from ._periods import Period as Period
from ._periods import PeriodKind as PeriodKind
from ._periods import period_of as period_of

__all__ = [
    "DayInfo",
    "DayKind",
    "Override",
    "Period",
    "PeriodKind",
    "Roll",
    "WorkCalendar",
    "calendar",
    "period_of",
]
