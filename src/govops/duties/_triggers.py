"""Occasions the ledger itself reveals: a month's progress target missed (当月未完成进度目标).

The town's key-project plan (重点项目推进工作方案, 宝城镇) schedules each project backwards by year,
quarter and month, and asks the lead leader of a project that misses the month's target for a
written report. In a ledger the month's target is a milestone of the task's approved plan due in
that month; it is missed when, at the end of the month's last day, the task reports less than the
milestone's cumulative percentage and has not recorded the milestone as reached.
"""

from __future__ import annotations

import datetime as dt

from .._time import as_local_date, calendar_tz, require_aware
from ..calendars import Period, PeriodKind, period_of
from ..exceptions import DutyError, InvalidTypeError
from ..tasks import Ledger, Status
from ._generate import Occasion
from ._presets import MISSED_MONTHLY_TARGET_REPORT

__all__ = ["missed_monthly_targets"]

_SETTLED = (Status.COMPLETED, Status.CONFIRMED, Status.CANCELLED)


def missed_monthly_targets(
    ledger: Ledger,
    month: Period | dt.date,
    *,
    now: dt.datetime,
    duty_id: str = MISSED_MONTHLY_TARGET_REPORT.id,
) -> tuple[Occasion, ...]:
    """The occasions of the written report owed for ``month`` (a month :class:`Period`, or a day
    in it): one per task that missed a milestone due in the month, owed by the task's
    responsibility (its leader in charge is the lead leader), on the month's last day.

    Nothing is owed before the month is over at ``now``. Tasks cancelled or completed by the end
    of the month owe nothing. Keys are ``<task id>@<YYYY-MM>`` (a ``/`` in a task id reads ``|``).

    >>> import datetime as dt, govops
    >>> from govops.tasks import Ledger
    >>> cst = dt.timezone(dt.timedelta(hours=8))
    >>> missed_monthly_targets(Ledger(calendar=govops.calendar("CN")), dt.date(2026, 3, 1),
    ...                        now=dt.datetime(2026, 4, 1, 9, tzinfo=cst))
    ()
    """
    if not isinstance(ledger, Ledger):
        raise InvalidTypeError(f"ledger={ledger!r}; expected a govops.tasks.Ledger")
    require_aware(now, name="now")
    if isinstance(month, dt.date) and not isinstance(month, dt.datetime):
        month = period_of(month, PeriodKind.MONTH)
    if not isinstance(month, Period) or month.kind is not PeriodKind.MONTH:
        raise DutyError(f"month={month!r}; expected a month Period or a datetime.date")
    tz = calendar_tz(ledger.calendar)
    if as_local_date(now, tz, name="now") <= month.end:
        return ()
    end = dt.datetime.combine(month.end, dt.time.max, tzinfo=tz)
    out = []
    for state in ledger.as_of(end).states():  # as recorded by the end of the month's last day
        task_id = state.id
        plan = state.task.plan
        if plan is None or state.status in _SETTLED:
            continue
        missed = [
            m
            for m in plan.milestones
            if m.due in month
            and m.id not in state.milestones_reached
            and state.percent < m.cumulative_percent
        ]
        if missed:
            targets = "、".join(f"{m.title or m.id} {m.cumulative_percent:g}%" for m in missed)
            out.append(
                Occasion(
                    duty_id,
                    month.end,
                    state.task.responsibility,
                    key=f"{task_id.replace('/', '|')}@{month}",
                    about=f"{state.task.title} {month.label_zh}未完成进度目标({targets},"
                    f"实际 {state.percent:g}%)",
                )
            )
    return tuple(out)
