"""Every error govops raises, in one tree.

Catch :class:`GovopsError` to handle anything the library reports; catch a leaf to handle one case.
Each leaf also subclasses the builtin exception it refines, so code that already catches ``ValueError``
or ``TypeError`` keeps working. Errors from third-party libraries (``holidays``, ``lark``, ``sqlite3``)
never escape: they are translated into this tree, with the original kept as ``__cause__``.

::

    GovopsError
    ├── InvalidInputError (ValueError)       a value of the right type but not allowed here
    │   └── NaiveDatetimeError               a datetime without a time zone
    ├── InvalidTypeError (TypeError)         a value of the wrong type
    ├── CalendarError (ValueError)
    │   ├── CalendarCoverageError            a date in a year whose official schedule is not loaded
    │   └── ScheduleError                    a holiday schedule or override that contradicts itself
    │       └── NoticeError                  a holiday notice whose text contradicts itself (line, caret)
    ├── RuleError (ValueError)               a rule that reads fine but means nothing usable
    │   └── RuleSyntaxError                  rule text the grammar cannot read (line, column, caret)
    ├── LedgerError (ValueError)
    │   ├── UnknownTaskError (KeyError)      an event for a task the ledger has never seen
    │   ├── InvalidTransitionError           an event the task's current state does not allow
    │   │   └── PolicyViolationError         an event a rule of a source policy forbids (names both)
    │   ├── IntegrityError                   a broken hash chain: the record was altered
    │   └── ConcurrencyError                 another writer appended first
    ├── StoreError (OSError)                 a store that cannot be opened, read or written
    ├── DutyError (ValueError)               a duty that cannot say who owes what by when
    ├── MeetingError (ValueError)            attendance, agenda or minutes that break the meeting rules
    ├── EscalationError (ValueError)         an escalation or scoring policy that cannot be applied
    ├── ScenarioError (ValueError)           a scenario that cannot be simulated
    └── ConfigError (ValueError)             a bad configuration file (names the file, key and line)
"""

from __future__ import annotations

__all__ = [
    "CalendarCoverageError",
    "CalendarError",
    "ConcurrencyError",
    "ConfigError",
    "DutyError",
    "EscalationError",
    "GovopsError",
    "IntegrityError",
    "InvalidInputError",
    "InvalidTransitionError",
    "InvalidTypeError",
    "LedgerError",
    "MeetingError",
    "NaiveDatetimeError",
    "NoticeError",
    "PolicyViolationError",
    "RuleError",
    "RuleSyntaxError",
    "ScenarioError",
    "ScheduleError",
    "StoreError",
    "UnknownTaskError",
]


class GovopsError(Exception):
    """The root of every error govops raises."""


class InvalidInputError(GovopsError, ValueError):
    """A value of the right type that is not allowed here; the message names it and what is."""


class NaiveDatetimeError(InvalidInputError):
    """A ``datetime`` without ``tzinfo``: govops cannot know which local day it means."""


class InvalidTypeError(GovopsError, TypeError):
    """A value of the wrong type; the message names it and the types accepted."""


class CalendarError(GovopsError, ValueError):
    """A problem with a working-day calendar or its data."""


class CalendarCoverageError(CalendarError):
    """A date falls in a year the calendar has no official schedule for.

    ``year`` is the first year that is missing. The message names both ways forward: load the newly
    announced schedule (``govops.parse_notice(text).apply_to(cal)``, ``WorkCalendar.with_schedule``)
    or build the calendar with ``provisional=True``. When the missing year is one whose schedule is
    announced yearly, ``published_through`` is the last year loaded and ``reason`` the message's
    first sentence without the Python calls, so that a command line can name its own options.
    """

    def __init__(
        self,
        message: str,
        *,
        year: int,
        published_through: int | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.year = year
        self.published_through = published_through
        self.reason = reason


class ScheduleError(CalendarError):
    """A holiday schedule or local override that is incomplete or contradicts itself."""


class NoticeError(ScheduleError):
    """A holiday notice whose text cannot be read, or states something that does not hold.

    ``text`` is the notice, ``line`` and ``column`` are 1-based, ``clause`` is the festival clause
    at fault (e.g. ``"二、春节"``) or ``None``. ``str()`` shows the line with a caret under the fault.
    """

    def __init__(
        self, message: str, *, text: str, line: int, column: int, clause: str | None = None
    ) -> None:
        super().__init__(message)
        self.text = text
        self.line = line
        self.column = column
        self.clause = clause


class RuleError(GovopsError, ValueError):
    """A rule that parses but cannot be used as written; the message says what to write instead."""


class RuleSyntaxError(RuleError):
    """Rule text the grammar cannot read.

    ``text`` is the whole rule, ``line`` and ``column`` are 1-based, ``expected`` lists what would have
    been accepted, in words, and ``suggestion`` is a did-you-mean (or ``None``). ``str()`` shows the
    offending line with a caret under the problem.
    """

    def __init__(
        self,
        message: str,
        *,
        text: str,
        line: int,
        column: int,
        expected: tuple[str, ...] = (),
        suggestion: str | None = None,
    ) -> None:
        super().__init__(message)
        self.text = text
        self.line = line
        self.column = column
        self.expected = expected
        self.suggestion = suggestion


class LedgerError(GovopsError, ValueError):
    """An event the ledger refuses; the ledger is left unchanged."""


class UnknownTaskError(LedgerError, KeyError):
    """An event or query for a task id the ledger has never seen."""

    def __str__(self) -> str:
        # KeyError would quote the whole message; show it as written.
        return str(self.args[0]) if self.args else ""


class InvalidTransitionError(LedgerError):
    """An event the task's current state does not allow (e.g. completing a cancelled task)."""


class PolicyViolationError(InvalidTransitionError):
    """An event that a rule of a source policy forbids, e.g. removing a key project from the list
    without the signed consent of the leader in charge. ``rule`` names the rule and ``source`` the
    document and clause it comes from; the message names both."""

    def __init__(self, message: str, *, rule: str, source: str) -> None:
        super().__init__(f"{message} [{rule}; {source}]")
        self.rule = rule
        self.source = source


class IntegrityError(LedgerError):
    """The hash chain of a ledger does not verify: an event was altered, removed or reordered."""


class ConcurrencyError(LedgerError):
    """An append expected a ledger version that another writer has already moved past."""


class StoreError(GovopsError, OSError):
    """A store that cannot be opened, read or written: missing, closed, read-only, or on a full
    disk. Nothing was written; the message names the file."""


class DutyError(GovopsError, ValueError):
    """A duty (a recurring or event-triggered obligation) that cannot be turned into ledger work:
    a rule that is not a period deadline or a relative deadline, a named term left undefined, a
    periodic duty nobody owes."""


class MeetingError(GovopsError, ValueError):
    """Attendance, agenda or minutes that break the rules of the meeting type."""


class EscalationError(GovopsError, ValueError):
    """An escalation or scoring policy that cannot be applied as configured."""


class ScenarioError(GovopsError, ValueError):
    """A scenario that cannot be simulated as described."""


class ConfigError(GovopsError, ValueError):
    """A configuration file that cannot be used; names the file, the key, the line and, where the
    problem is a character (a syntax error, a byte that is not UTF-8), its 1-based column."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.key = key
        self.line = line
        self.column = column
