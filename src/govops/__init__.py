"""govops: the operating rules of Chinese government offices as code.

The public names are re-exported here; the implementation lives in private modules of the
subpackages (``govops.calendars``, ``govops.rules``, …), which re-export their own public names too.

>>> import datetime as dt, govops
>>> govops.calendar("CN").add_working_days(dt.date(2024, 9, 27), 20)
datetime.date(2024, 10, 30)
"""

from ._version import __version__ as __version__
from .calendars import DayInfo as DayInfo
from .calendars import DayKind as DayKind
from .calendars import HolidaySchedule as HolidaySchedule
from .calendars import Override as Override
from .calendars import Period as Period
from .calendars import PeriodKind as PeriodKind
from .calendars import Roll as Roll
from .calendars import WorkCalendar as WorkCalendar
from .calendars import calendar as calendar
from .calendars import parse_notice as parse_notice
from .calendars import period_of as period_of
from .exceptions import CalendarCoverageError as CalendarCoverageError
from .exceptions import CalendarError as CalendarError
from .exceptions import ConcurrencyError as ConcurrencyError
from .exceptions import ConfigError as ConfigError
from .exceptions import GovopsError as GovopsError
from .exceptions import IntegrityError as IntegrityError
from .exceptions import InvalidInputError as InvalidInputError
from .exceptions import InvalidTransitionError as InvalidTransitionError
from .exceptions import InvalidTypeError as InvalidTypeError
from .exceptions import LedgerError as LedgerError
from .exceptions import NaiveDatetimeError as NaiveDatetimeError
from .exceptions import NoticeError as NoticeError
from .exceptions import RuleError as RuleError
from .exceptions import RuleSyntaxError as RuleSyntaxError
from .exceptions import ScheduleError as ScheduleError
from .exceptions import StoreError as StoreError
from .exceptions import UnknownTaskError as UnknownTaskError
from .rules import Explanation as Explanation
from .rules import Rule as Rule
from .rules import parse_rule as parse_rule

__all__ = [
    "CalendarCoverageError",
    "CalendarError",
    "ConcurrencyError",
    "ConfigError",
    "DayInfo",
    "DayKind",
    "Explanation",
    "GovopsError",
    "HolidaySchedule",
    "IntegrityError",
    "InvalidInputError",
    "InvalidTransitionError",
    "InvalidTypeError",
    "LedgerError",
    "NaiveDatetimeError",
    "NoticeError",
    "Override",
    "Period",
    "PeriodKind",
    "Roll",
    "Rule",
    "RuleError",
    "RuleSyntaxError",
    "ScheduleError",
    "StoreError",
    "UnknownTaskError",
    "WorkCalendar",
    "__version__",
    "calendar",
    "parse_notice",
    "parse_rule",
    "period_of",
]
