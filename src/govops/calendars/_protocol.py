"""What govops asks of a calendar where it only counts working days: the :class:`Calendar`
protocol.

:class:`~govops.calendars.WorkCalendar` is govops' calendar and implements it; any object with
these three methods serves where a signature names :class:`Calendar` (a ledger, an assessment, a
simulation), which keeps them testable with a small calendar of one's own. Evaluating rule text
(deadlines such as "5个工作日内", escalation ladders) needs a ``WorkCalendar`` itself, and the
signatures that do so say so.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

__all__ = ["Calendar"]


class Calendar(Protocol):
    """A working-day calendar, as far as counting working days goes.

    ``working_days_between(a, b)`` counts the working days after ``a`` up to and including ``b``
    (negative when ``b`` is before ``a``), so that
    ``add_working_days(a, working_days_between(a, b)) == b`` for a working day ``b``.

    >>> import datetime as dt, govops
    >>> from govops.calendars import Calendar
    >>> def days_left(cal: Calendar, today: dt.date, due: dt.date) -> int:
    ...     return cal.working_days_between(today, due)
    >>> days_left(govops.calendar("CN"), dt.date(2026, 3, 6), dt.date(2026, 3, 13))  # Fri to Fri
    5
    """

    def is_working_day(self, d: dt.date, /) -> bool:
        """True when ``d`` is a working day."""
        ...

    def add_working_days(self, d: dt.date, n: int, /) -> dt.date:
        """The working day ``n`` working days after ``d`` (before it when ``n`` is negative)."""
        ...

    def working_days_between(self, a: dt.date, b: dt.date, /) -> int:
        """The working days after ``a`` up to and including ``b``."""
        ...
