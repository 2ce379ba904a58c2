"""The rule language: deadlines and schedules written in English or Chinese, evaluated exactly.

``parse_rule`` reads a rule; the :class:`Rule` it returns computes due dates and occurrences on a
working-day calendar, explains each step, and prints itself back in either language. Semantics:
``docs/explanation/counting.md``; every form: ``docs/reference/rules.md``.
"""

from ._counting import ADMINISTRATIVE_LICENSING as ADMINISTRATIVE_LICENSING
from ._counting import CALENDAR_DAYS as CALENDAR_DAYS
from ._counting import WORKING_DAYS as WORKING_DAYS
from ._counting import Counting as Counting
from ._explain import Explanation as Explanation
from ._explain import Step as Step
from ._nodes import AroundHoliday as AroundHoliday
from ._nodes import ByDate as ByDate
from ._nodes import Count as Count
from ._nodes import Edge as Edge
from ._nodes import MonthDay as MonthDay
from ._nodes import NextMonthDay as NextMonthDay
from ._nodes import NextYearDate as NextYearDate
from ._nodes import NthWeekday as NthWeekday
from ._nodes import NthWorkingDay as NthWorkingDay
from ._nodes import PeriodDeadline as PeriodDeadline
from ._nodes import Relative as Relative
from ._nodes import Schedule as Schedule
from ._nodes import Several as Several
from ._nodes import TimeOfDay as TimeOfDay
from ._nodes import Weekday as Weekday
from ._nodes import WorkingDays as WorkingDays
from ._nodes import YearDate as YearDate
from ._parse import parse_rule as parse_rule
from ._rule import Rule as Rule

__all__ = [  # noqa: RUF022 - plain sorted order, as tests/test_exports.py checks
    "ADMINISTRATIVE_LICENSING",
    "AroundHoliday",
    "ByDate",
    "CALENDAR_DAYS",
    "Count",
    "Counting",
    "Edge",
    "Explanation",
    "MonthDay",
    "NextMonthDay",
    "NextYearDate",
    "NthWeekday",
    "NthWorkingDay",
    "PeriodDeadline",
    "Relative",
    "Rule",
    "Schedule",
    "Several",
    "Step",
    "TimeOfDay",
    "WORKING_DAYS",
    "Weekday",
    "WorkingDays",
    "YearDate",
    "parse_rule",
]
