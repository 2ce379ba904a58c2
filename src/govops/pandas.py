"""govops for pandas users: a ``.govops`` accessor on dates, and ledgers and notices as DataFrames.

Needs the ``notebook`` extra (``pip install 'govops[notebook]'``); the rest of govops never
imports pandas. Importing this module registers the accessor::

    import govops.pandas

after which every ``Series`` of dates and every ``DatetimeIndex`` has ``.govops``, backed by the
calendar's vectorised numpy path:

>>> import pandas as pd, govops, govops.pandas
>>> cal = govops.calendar("CN")
>>> s = pd.Series(pd.to_datetime(["2024-09-27", None, "2024-09-29"]), index=["a", "b", "c"])
>>> s.govops.add_working_days(20, calendar=cal)
a   2024-10-30
b          NaT
c   2024-10-31
dtype: datetime64[ns]
>>> s.govops.is_working_day(calendar=cal).tolist()   # Sunday 2024-09-29 is a make-up workday
[True, False, True]

The calendar methods themselves take the same values (``cal.add_working_days(s, 20)`` is the
call above); the accessor reads better in a chain of DataFrame operations. Naive time stamps are
local dates; aware ones are converted to the calendar's zone first (``Asia/Shanghai`` for China).
Missing dates stay missing: ``NaT`` in, ``NaT`` out (``False`` for ``is_working_day``, ``<NA>``
for counts). Errors are govops's own, as for a single date: a day outside the calendar's years
raises :class:`~govops.CalendarCoverageError` naming the day and how to load its year.

:func:`task_frame` and :func:`notice_frame` turn a ledger's task states and a supervision
decision's notices into DataFrames with typed columns:

>>> import datetime as dt
>>> from govops.tasks import Deadline, Ledger, Responsibility, Task, TaskAccepted, TaskAssigned, Unit
>>> cst = dt.timezone(dt.timedelta(hours=8))
>>> def task(id, title, unit, due):
...     return Task(id, title, category="key_works", start=dt.date(2026, 9, 1),
...                 responsibility=Responsibility(Unit(unit, title[:2])), deadline=Deadline.on(due))
>>> assigned = dt.datetime(2026, 9, 1, 9, tzinfo=cst)
>>> ledger = Ledger(calendar=cal).record_many([
...     (TaskAssigned(task("T1", "乡村道路改造", "roads", dt.date(2026, 10, 30))), "office", assigned, ""),
...     (TaskAssigned(task("T2", "河道清淤", "water", dt.date(2026, 9, 30))), "office", assigned, ""),
...     (TaskAccepted("T1"), "roads", assigned, "")])
>>> now = dt.datetime(2026, 9, 15, 17, tzinfo=cst)
>>> df = govops.pandas.task_frame(ledger, now=now)
>>> df[["task_id", "status", "due", "lag", "light", "working_days_left"]]
  task_id       status        due        lag   light  working_days_left
0      T1  in_progress 2026-10-30  25.641026  yellow                 29
1      T2     assigned 2026-09-30  47.619048  yellow                 11
>>> from govops.escalation import CITY_KEY_WORK_POLICY, supervise
>>> decision = supervise(ledger, policy=CITY_KEY_WORK_POLICY, calendar=cal, now=now)
>>> govops.pandas.notice_frame(decision)[["task_id", "label_zh", "issued_on", "answer_due"]]
  task_id label_zh  issued_on answer_due
0      T1      交办单 2026-09-15 2026-09-21
1      T2      交办单 2026-09-15 2026-09-21
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

try:
    import numpy as np
    import pandas as pd
except ImportError as exc:  # pragma: no cover - the extra is installed wherever tests run
    raise ImportError("govops.pandas needs pandas: pip install 'govops[notebook]'") from exc

from ._time import as_local_date, calendar_tz, require_aware
from .calendars import Roll, WorkCalendar
from .escalation import Decision, Notice
from .exceptions import InvalidTypeError
from .tasks import Category, Ledger, Light, Status, WarningPolicy

__all__ = ["GovopsAccessor", "notice_frame", "task_frame"]


@pd.api.extensions.register_series_accessor("govops")
@pd.api.extensions.register_index_accessor("govops")
class GovopsAccessor:
    """``.govops`` on a ``Series`` of dates or a ``DatetimeIndex``: working-day arithmetic.

    Every method takes the calendar as ``calendar=`` and gives the answers of the
    :class:`~govops.WorkCalendar` method of the same name, element by element, in the same kind
    of pandas object (a ``Series`` keeps its index and name).

    >>> import pandas as pd, govops, govops.pandas
    >>> cal = govops.calendar("CN")
    >>> days = pd.DatetimeIndex(["2024-10-02", "2026-05-31"])
    >>> days.govops.roll("modified_following", calendar=cal)
    DatetimeIndex(['2024-10-08', '2026-05-29'], dtype='datetime64[ns]', freq=None)
    >>> days.govops.working_days_between(pd.Timestamp("2026-12-31"), calendar=cal)
    Index([558, 149], dtype='Int64')
    """

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def is_working_day(self, *, calendar: WorkCalendar) -> Any:
        """Whether each day is a working day (``False`` at ``NaT``)."""
        return _calendar(calendar).is_working_day(self._obj)

    def add_working_days(self, n: int, *, calendar: WorkCalendar) -> Any:
        """The ``n``-th working day after (``n > 0``) or before (``n < 0``) each day."""
        return _calendar(calendar).add_working_days(self._obj, n)

    def next_working_day(self, *, calendar: WorkCalendar) -> Any:
        """The first working day strictly after each day."""
        return _calendar(calendar).add_working_days(self._obj, 1)

    def previous_working_day(self, *, calendar: WorkCalendar) -> Any:
        """The last working day strictly before each day."""
        return _calendar(calendar).add_working_days(self._obj, -1)

    def roll(self, convention: Roll | str = Roll.FOLLOWING, *, calendar: WorkCalendar) -> Any:
        """Each day moved off a rest day by ``convention`` (working days are kept)."""
        return _calendar(calendar).roll(self._obj, convention)

    def working_days_between(self, other: Any, *, calendar: WorkCalendar) -> Any:
        """Working days ``x`` with ``day < x <= other``, as nullable ``Int64`` counts.

        ``other`` is one day (a date, an aware datetime, a ``Timestamp``) or as many days as
        this object holds; a ``Series`` must have the same index.
        """
        return _calendar(calendar).working_days_between(self._obj, other)


def _calendar(value: object) -> WorkCalendar:
    if not isinstance(value, WorkCalendar):
        raise InvalidTypeError(
            f"calendar={value!r} is a {type(value).__name__}; expected a govops.WorkCalendar "
            "(e.g. calendar=govops.calendar('CN'))"
        )
    return value


# -- frames -------------------------------------------------------------------------------------


def _days(values: Iterable[dt.date | None]) -> Any:
    """Local days as a ``datetime64[ns]`` array (``None`` becomes ``NaT``)."""
    return np.array(list(values), dtype="datetime64[D]").astype("datetime64[ns]")


def _instants(values: Sequence[dt.datetime | None], tz: dt.tzinfo) -> Any:
    """Aware datetimes as a ``datetime64[ns, tz]`` column in the calendar's zone."""
    stamps = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
    return stamps.dt.tz_convert(tz).dt.as_unit("ns").array


def _text(values: Iterable[str | None]) -> Any:
    return pd.array(list(values), dtype="string")


def _categories(
    values: Iterable[str | None], categories: Iterable[str], *, ordered: bool = False
) -> Any:
    return pd.Categorical(
        list(values),
        categories=list(categories),
        ordered=ordered,
    )


def task_frame(
    ledger: Ledger, *, now: dt.datetime, policy: WarningPolicy | None = None
) -> pd.DataFrame:
    """One row per task of ``ledger`` as it stands at ``now``, with typed columns.

    ========================  =====================================================================
    column                    dtype and meaning
    ========================  =====================================================================
    ``task_id``, ``title``    ``string``
    ``category``              categorical of every :class:`~govops.tasks.Category`
    ``lead_unit``             ``string``: the lead unit's id (``lead_unit_name`` its name)
    ``leader``                ``string``: the leader in charge's id, ``<NA>`` when none
    ``status``                categorical of every :class:`~govops.tasks.Status`
    ``assigned_at``           ``datetime64[ns, zone]`` in the calendar's zone; so is ``completed_at``
    ``start``, ``due``        ``datetime64[ns]`` local days; ``due`` is the due date in force,
                              ``original_due`` the one assigned
    ``percent``               ``float64``: the latest reported progress
    ``expected``, ``lag``     ``float64``: expected progress (序时进度) at ``now`` and expected minus
                              reported, in points; ``NaN`` for closed tasks
    ``light``                 ordered categorical blue < yellow < red: the warning at ``now``
                              under ``policy`` (default :class:`~govops.tasks.WarningPolicy`)
    ``overdue``               ``bool``: open and past its due date at ``now``
    ``working_days_left``     ``Int64``: working days from ``now``'s day to the due date (negative
                              once overdue), ``<NA>`` for closed tasks
    ========================  =====================================================================

    Tasks assigned after ``now`` are not in the frame. ``now`` is an aware datetime, as for every
    ledger query. The module's docstring has an example.
    """
    require_aware(now, name="now")
    if not isinstance(ledger, Ledger):
        raise InvalidTypeError(f"ledger={ledger!r} is a {type(ledger).__name__}; expected a Ledger")
    view = ledger.as_of(now)
    tz = calendar_tz(ledger.calendar)
    today = as_local_date(now, tz)
    states = view.states()
    lights = {w.task_id: w.level.value for w in view.warnings(now=now, policy=policy)}
    overdue = {s.id for s in view.overdue(now=now)}
    progress_policy = policy.progress if policy is not None else None
    checks = {
        s.id: view.progress(s.id, now=now, policy=progress_policy) for s in states if s.is_open
    }
    wd = ledger.calendar.working_days_between
    nan = float("nan")
    leaders = [s.task.responsibility.leader_in_charge for s in states]
    return pd.DataFrame(
        {
            "task_id": _text(s.id for s in states),
            "title": _text(s.task.title for s in states),
            "category": _categories(
                (s.task.category.value for s in states), (c.value for c in Category)
            ),
            "lead_unit": _text(s.task.responsibility.lead_unit.id for s in states),
            "lead_unit_name": _text(s.task.responsibility.lead_unit.name for s in states),
            "leader": _text(None if p is None else p.id for p in leaders),
            "status": _categories((s.status.value for s in states), (v.value for v in Status)),
            "assigned_at": _instants([s.assigned_at for s in states], tz),
            "start": _days(s.start for s in states),
            "due": _days(s.due for s in states),
            "original_due": _days(s.original_due for s in states),
            "completed_at": _instants([s.completed_at for s in states], tz),
            "percent": np.array([s.percent for s in states], dtype=np.float64),
            "expected": np.array(
                [checks[s.id].expected if s.id in checks else nan for s in states], dtype=np.float64
            ),
            "lag": np.array(
                [checks[s.id].lag if s.id in checks else nan for s in states], dtype=np.float64
            ),
            "light": _categories(
                (lights.get(s.id) for s in states), (v.value for v in Light), ordered=True
            ),
            "overdue": np.array([s.id in overdue for s in states], dtype=bool),
            "working_days_left": pd.array(
                [wd(today, s.due) if s.is_open else None for s in states], dtype="Int64"
            ),
        }
    )


def notice_frame(decision: Decision) -> pd.DataFrame:
    """One row per notice of a supervision decision, with typed columns.

    The notices due (``decision.notices``) come first, then those waiting for a leader's approval
    (``decision.awaiting_approval``, flagged in the ``awaiting_approval`` column). Columns:
    ``key``, ``task_id``, ``reason``, ``policy``, ``label_zh`` (``string``); ``level`` and ``kind``
    (categorical); ``recipients`` (``string``, the recipients as the notice prints them, joined
    with "、"); ``issued_on``, ``answer_due``, ``meeting_on`` (``datetime64[ns]`` local days,
    ``NaT`` when none); ``sequence``, ``coalesced`` (``int64``); ``percent`` (``float64``);
    ``needs_approval`` and ``awaiting_approval`` (``bool``). The module's docstring has an
    example.
    """
    if not isinstance(decision, Decision):
        raise InvalidTypeError(
            f"decision={decision!r} is a {type(decision).__name__}; expected a "
            "govops.escalation.Decision (what supervise() returns)"
        )
    notices: list[Notice] = [*decision.notices, *decision.awaiting_approval]
    due = len(decision.notices)
    return pd.DataFrame(
        {
            "key": _text(n.key for n in notices),
            "task_id": _text(n.task_id for n in notices),
            "level": pd.Categorical([n.level for n in notices]),
            "kind": pd.Categorical([str(n.kind) for n in notices]),
            "label_zh": _text(n.label_zh for n in notices),
            "recipients": _text("、".join(str(r) for r in n.recipients) for n in notices),
            "reason": _text(n.reason for n in notices),
            "issued_on": _days(n.issued_on for n in notices),
            "answer_due": _days(n.answer_due for n in notices),
            "meeting_on": _days(n.meeting_on for n in notices),
            "sequence": np.array([n.sequence for n in notices], dtype=np.int64),
            "coalesced": np.array([n.coalesced for n in notices], dtype=np.int64),
            "percent": np.array([n.percent for n in notices], dtype=np.float64),
            "policy": _text(n.policy for n in notices),
            "needs_approval": np.array([n.needs_approval for n in notices], dtype=bool),
            "awaiting_approval": np.array([i >= due for i in range(len(notices))], dtype=bool),
        }
    )
