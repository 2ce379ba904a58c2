"""Working-day calendars: statutory holidays, make-up workdays, periods and roll conventions.

See ``docs/explanation/calendar-data.md`` for the data and ``docs/explanation/counting.md`` for the
counting semantics.
"""

from ._calendar import Roll as Roll
from ._calendar import WorkCalendar as WorkCalendar
from ._calendar import calendar as calendar
from ._days import DayInfo as DayInfo
from ._days import DayKind as DayKind
from ._days import Override as Override
from ._estimate import estimate_schedule as estimate_schedule
from ._month import CalendarMonth as CalendarMonth
from ._notice import parse_notice as parse_notice
from ._periods import Period as Period
from ._periods import PeriodKind as PeriodKind
from ._periods import period_of as period_of
from ._schedule import HolidaySchedule as HolidaySchedule

__all__ = [
    "CalendarMonth",
    "DayInfo",
    "DayKind",
    "HolidaySchedule",
    "Override",
    "Period",
    "PeriodKind",
    "Roll",
    "WorkCalendar",
    "calendar",
    "estimate_schedule",
    "parse_notice",
    "period_of",
]
