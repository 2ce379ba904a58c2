"""Duties become ledger tasks: one per period (or event) and owner, idempotently.

A periodic duty is owed for every period that has begun: the task for a period is put into the
ledger on the period's first day (or at the first generation after it) and is due on the duty's
date for that period, counted on the calendar (make-up workdays and holidays included). An
event-triggered duty is owed once per :class:`Occasion`. Task ids are derived from the duty, the
period or event and the owner (``duty:<duty id>/<period or event key>/<unit id>``), so generating
again for the same ``now`` adds nothing, and a task is never put in twice.

The tasks are ordinary ledger tasks: :func:`govops.escalation.supervise` escalates an unmet duty
like any other work, and the bulletin counts it for its lead unit. Their source is the document
that sets the duty, so no assignment notice (交办单) is sent for them: the document stands for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, final

import attrs

from .._checks import check_text, text
from .._time import as_local_date, calendar_tz, require_aware
from ..calendars import Period, WorkCalendar
from ..exceptions import DutyError, InvalidTypeError
from ..tasks import Deadline, Ledger, Responsibility, Source, SourceKind, Task, TaskAssigned, Unit
from ._model import Duty

__all__ = ["Occasion", "duty_tasks", "is_duty_task", "record_duties"]

_PREFIX = "duty:"
_LOOK_BACK = 12


def _owner(value: object) -> Responsibility:
    if isinstance(value, Unit):
        return Responsibility(value)
    if not isinstance(value, Responsibility):
        raise InvalidTypeError(
            f"owner={value!r} is a {type(value).__name__}; expected a Unit or a Responsibility"
        )
    return value


def _key(_instance: object, _attribute: object, value: Any) -> None:
    check_text(value, "key", empty=False)
    if "/" in value:
        raise DutyError(f"key={value!r} contains '/', which separates task id parts")


def _day(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidTypeError(
            f"on={value!r} is a {type(value).__name__}; expected a datetime.date"
        )


@final
@attrs.frozen
class Occasion:
    """An event that makes an event-triggered duty owed: which duty, on which day, by whom.

    ``key`` names the event uniquely for the duty (a meeting's id, a trip's reference) and goes
    into the task id; ``about`` says what happened, for the task's title.

    >>> import datetime as dt
    >>> from govops.tasks import Unit
    >>> Occasion("003-provincial-meeting-report", dt.date(2026, 3, 6), Unit("mayor", "市长办"),
    ...          key="省安全生产会议-2026-03-06").owner.lead_unit.id
    'mayor'
    """

    duty_id: str = attrs.field(validator=text(empty=False))
    on: dt.date = attrs.field(validator=_day)
    owner: Responsibility = attrs.field(converter=_owner)
    key: str = attrs.field(kw_only=True, validator=_key)
    about: str = attrs.field(default="", kw_only=True, validator=text())


def is_duty_task(task: Task) -> bool:
    """Whether ``task`` was generated from a duty (by :func:`duty_tasks`)."""
    return (
        task.id.startswith(_PREFIX)
        and task.source is not None
        and task.source.kind is SourceKind.DOCUMENT
    )


def _task(
    duty: Duty,
    key: str,
    label: str,
    owner: Responsibility,
    trigger: dt.date,
    start: dt.date,
    due: dt.date | None = None,
) -> Task:
    rule = duty.read_rule()
    term = duty.term
    read = f"; {term.word} = {term.rule}" if term is not None else ""
    # A deadline is a rule counted from the trigger; a schedule (每年1月31日前) recurs, so its
    # task carries the period's date, and the content keeps the rule it came from.
    deadline = (
        Deadline.on(due)
        if due is not None and duty._per_schedule
        else Deadline.from_rule(rule.to_text(rule.lang), trigger=trigger)
    )
    return Task(
        f"{_PREFIX}{duty.id}/{key}/{owner.lead_unit.id}",
        f"{duty.title}({label})",
        category=duty.category,
        responsibility=owner,
        deadline=deadline,
        content=f"{duty.owed_by} → {duty.owed_to}: {duty.title}{read}",
        source=Source(SourceKind.DOCUMENT, reference=str(duty.source), date=trigger),
        start=start,
    )


def _periods(
    duty: Duty, today: dt.date, since: dt.date | None, calendar: WorkCalendar
) -> list[Period]:
    current = duty.period_of(today)
    if since is not None:
        out = [duty.period_of(since)]
        while out[-1] < current:
            out.append(out[-1].next())
        return [p for p in out if p.start <= today]
    # Without ``since``: the period under way, and those before it still owed (the quarter that
    # ended two days ago, reported after the holiday). A due date lands a few periods after its
    # own at most, so the look back is bounded.
    out = [current]
    earlier = current.previous()
    for _ in range(_LOOK_BACK):
        dated = duty.period_trigger(earlier, calendar=calendar) is not None
        if dated and duty.due(earlier.start, calendar=calendar) < today:
            break
        out.insert(0, earlier)
        earlier = earlier.previous()
    return out


def duty_tasks(
    duties: Iterable[Duty],
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    occasions: Iterable[Occasion] = (),
    since: dt.date | None = None,
) -> tuple[Task, ...]:
    """Every task the duties owe at ``now``: per period and owner, then per occasion.

    A periodic duty yields a task for each owner and each period that has begun by ``now``'s
    local day: from the period containing ``since`` when given, else the period under way and
    any earlier period whose due date has not passed. The task starts on the period's first day,
    or on its last day when the due date falls after the period (a report on the quarter is
    written once the quarter is over). An occasion yields one task for its owner, from its day.

    A due date in a year whose holiday schedule is not published (the fourth quarter's report,
    due in January) raises :class:`~govops.exceptions.CalendarCoverageError`: load the year's
    schedule, or count on a calendar built with ``provisional=True``.

    >>> import datetime as dt, govops
    >>> from govops.duties import QUARTERLY_PROGRESS_REPORT, duty_tasks
    >>> from govops.tasks import Unit
    >>> duty = QUARTERLY_PROGRESS_REPORT.owed_by_units(Unit("economy", "经济发展办"))
    >>> cst = dt.timezone(dt.timedelta(hours=8))
    >>> [t.id for t in duty_tasks([duty], now=dt.datetime(2026, 1, 2, 9, tzinfo=cst),
    ...                           calendar=govops.calendar("CN"))]
    ['duty:000-quarterly-report/2025-Q4/economy', 'duty:000-quarterly-report/2026-Q1/economy']
    """
    require_aware(now, name="now")
    today = as_local_date(now, calendar_tz(calendar), name="now")
    if since is not None and (not isinstance(since, dt.date) or isinstance(since, dt.datetime)):
        raise InvalidTypeError(f"since={since!r}; expected a datetime.date or None")
    by_id: dict[str, Duty] = {}
    for duty in duties:
        if not isinstance(duty, Duty):
            raise InvalidTypeError(f"duties contains {duty!r}; expected Duty values")
        if duty.id in by_id and by_id[duty.id] != duty:
            raise DutyError(f"two different duties have the id {duty.id!r}")
        by_id[duty.id] = duty
    tasks: list[Task] = []
    for duty in by_id.values():
        if not duty.is_periodic:
            continue
        if not duty.owers:
            raise DutyError(
                f"duty {duty.id!r} ({duty.owed_by}) names no units that owe it; bind them with "
                "duty.owed_by_units(...)"
            )
        for period in _periods(duty, today, since, calendar):
            trigger = duty.period_trigger(period, calendar=calendar)
            if trigger is None:
                continue  # no date in this period (a week of holidays): nothing owed
            due = duty.read_rule().due(trigger, calendar=calendar)
            start = period.start if due <= period.end else period.end
            tasks += (
                _task(duty, str(period), period.label_zh, owner, trigger, start, due)
                for owner in duty.owers
            )
    for occasion in occasions:
        if not isinstance(occasion, Occasion):
            raise InvalidTypeError(f"occasions contains {occasion!r}; expected Occasion values")
        owed = by_id.get(occasion.duty_id)
        if owed is None:
            raise DutyError(
                f"occasion {occasion.key!r} is for duty {occasion.duty_id!r}, which is not among "
                f"the duties given: {sorted(by_id)!r}"
            )
        if owed.is_periodic:
            raise DutyError(
                f"occasion {occasion.key!r} is for the periodic duty {owed.id!r}; occasions "
                "trigger duties that name a trigger"
            )
        if occasion.on > today:
            continue  # not happened yet at ``now``
        label = occasion.about or f"{owed.trigger} {occasion.on.isoformat()}"
        tasks.append(_task(owed, occasion.key, label, occasion.owner, occasion.on, occasion.on))
    unique: dict[str, Task] = {}
    for task in tasks:
        other = unique.setdefault(task.id, task)
        if other != task:
            raise DutyError(
                f"two occasions make the task {task.id!r} with different contents; give each "
                "event of a duty its own key"
            )
    return tuple(unique.values())


def record_duties(
    ledger: Ledger,
    duties: Iterable[Duty],
    *,
    now: dt.datetime,
    occasions: Iterable[Occasion] = (),
    since: dt.date | None = None,
    actor: str = "duties",
) -> Ledger:
    """A new ledger with every task of :func:`duty_tasks` not yet in it assigned at ``now``.

    Idempotent: the tasks already in the ledger are left alone, so generating again for the
    same ``now`` returns ``ledger`` itself. A task already recorded stays as recorded even if the
    duty has changed since; change it with the ledger's own events (a deadline change, a
    cancellation). All or nothing: if one task cannot be recorded the error is raised and
    ``ledger`` is unchanged. The ledger's calendar counts the due dates.
    """
    if not isinstance(ledger, Ledger):
        raise InvalidTypeError(f"ledger={ledger!r}; expected a govops.tasks.Ledger")
    calendar = ledger.calendar
    if not isinstance(calendar, WorkCalendar):
        raise InvalidTypeError(
            f"the ledger's calendar {calendar!r} cannot count rules; duties need a WorkCalendar"
        )
    new: Sequence[Task] = [
        t
        for t in duty_tasks(duties, now=now, calendar=calendar, occasions=occasions, since=since)
        if t.id not in ledger
    ]
    if not new:
        return ledger
    return ledger.record_many(
        (TaskAssigned(task), actor, now, task.source.reference if task.source else "")
        for task in new
    )
