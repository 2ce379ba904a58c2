"""How each event changes a task's projection: the transitions, checked before anything changes.

Every event is checked against the task's state *before* anything changes, so a refused event
leaves the ledger exactly as it was. :func:`apply` is the plain path for every event;
:mod:`._replay` calls the handlers (:data:`HANDLERS`) directly for the events of known tasks.
Events about the ledger as a whole (a :class:`~govops._record.RecordEvent`) change its
:class:`Context`: a :class:`~govops.tasks.PolicyChanged` puts a new policy in force.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any, final

import attrs

from .._record import EVENTS, RecordEvent
from ..exceptions import (
    InvalidInputError,
    InvalidTransitionError,
    UnknownTaskError,
)
from ._events import (
    Annotation,
    CompletionConfirmed,
    DeadlineChangeApproved,
    DeadlineChangeRejected,
    DeadlineChangeRequested,
    Event,
    IssueRaised,
    IssueResolved,
    MilestoneReached,
    PlanApproved,
    PlanSubmitted,
    ProgressReported,
    TaskAccepted,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskReassigned,
    TaskReopened,
    TaskResumed,
    TaskSuspended,
    WarningIssued,
    WarningWithdrawn,
)
from ._governance import ListChange
from ._ledger_policy import LedgerPolicy, PolicyChanged
from ._model import Deadline, WorkingCalendar
from ._state import OPEN_STATUSES, Issue, Status, _Track

__all__ = ["HANDLERS", "Context", "apply", "extended_due", "new_track"]

_OPEN = OPEN_STATUSES


@final
class Context:
    """What applying events needs besides the events: calendar, policy, time zone, a cache.

    ``policy`` is the policy in force after the entries applied so far; ``changes`` lists where
    it changed, as ``(seq of the entry that changed it, policy from then on)``, the first pair
    ``(0, the policy the ledger started with)`` (see :meth:`policy_at`).
    """

    __slots__ = (
        "_anchor",
        "_days",
        "_due_cache",
        "calendar",
        "changes",
        "policy",
        "tz",
        "wd_cache",
    )

    def __init__(self, calendar: WorkingCalendar, policy: LedgerPolicy, tz: dt.tzinfo) -> None:
        self.calendar = calendar
        self.policy = policy
        self.changes: list[tuple[int, LedgerPolicy]] = [(0, policy)]
        self.tz = tz
        self._due_cache: dict[Deadline, dt.date] = {}
        self._anchor: dt.date | None = None
        self.wd_cache: dict[dt.date, int] = {}
        self._days: dict[dt.date, dt.date] = {}  # one object per day, for the tracks that keep it

    def policy_at(self, version: int) -> LedgerPolicy:
        """The policy in force after the first ``version`` entries."""
        changes = self.changes
        if len(changes) == 1:
            return changes[0][1]
        return changes[bisect.bisect_right(changes, version, key=lambda c: c[0]) - 1][1]

    def started(self) -> Context:
        """A context as this one was before any entry: same calendar, time zone and first
        policy, nothing applied."""
        return Context(self.calendar, self.changes[0][1], self.tz)

    def wd(self, day: dt.date) -> int:
        """A working-day index: ``wd(b) - wd(a) == calendar.working_days_between(a, b)``.

        Counting from a fixed anchor makes the difference additive, and caching the index per date
        lets a query over 100,000 tasks count working days with two dictionary look-ups each.
        """
        k = self.wd_cache.get(day)
        if k is None:
            if self._anchor is None:
                self._anchor = day
            k = self.calendar.working_days_between(self._anchor, day)
            self.wd_cache[day] = k
        return k

    def due(self, deadline: Deadline) -> dt.date:
        if deadline.date is not None:
            return deadline.date
        due = self._due_cache.get(deadline)
        if due is None:
            due = deadline.resolve(self.calendar)
            self._due_cache[deadline] = due
        return due

    def day(self, at: dt.datetime) -> dt.date:
        day = at.astimezone(self.tz).date()
        return self._days.setdefault(day, day)


def _refuse(track: _Track, event: Event, allowed: str) -> InvalidTransitionError:
    return InvalidTransitionError(
        f"{type(event).__name__} is not allowed for task {track.task.id!r} in status "
        f"{track.status.value!r}; allowed only when {allowed}"
    )


def _require(track: _Track, event: Event, statuses: tuple[Status, ...], allowed: str) -> None:
    if track.status not in statuses:
        raise _refuse(track, event, allowed)


_IN_PROGRESS = (Status.IN_PROGRESS,)
_COMPLETED = (Status.COMPLETED, Status.CONFIRMED)

Handler = Callable[[_Track, Any, dt.datetime, str, Context], None]


def new_track(event: TaskAssigned, at: dt.datetime, seq: int, ctx: Context) -> _Track:
    """The track a TaskAssigned event starts (the caller checked the id is new)."""
    task = event.task
    day = ctx.day(at)
    start = task.start if task.start is not None else day
    due = ctx.due(task.deadline)
    if due < start:
        raise InvalidInputError(
            f"task {task.id!r} is due {due.isoformat()}, before its start {start.isoformat()}"
        )
    t = _Track()
    t.task = task
    t.status = Status.ASSIGNED
    t.assigned_at = at
    t.start = start
    t.due = due
    t.original_deadline = task.deadline
    t.original_due = due
    t.percent = 0.0
    t.reports = 0
    t.last_report_at = None
    t.open_issues = ()
    t.accepted_at = None
    t.completed_at = None
    t.confirmed_at = None
    t.confirmed_by = None
    t.version = seq
    t.updated_at = at
    t.deadline_since = day
    t.open = True
    t.rare = None
    t.snapshot = None
    return t


def _accepted(t: _Track, e: TaskAccepted, at: dt.datetime, actor: str, ctx: Context) -> None:
    _require(t, e, (Status.ASSIGNED,), "the task is assigned and not yet accepted")
    t.status = Status.IN_PROGRESS
    t.accepted_at = at


def _plan_submitted(t: _Track, e: PlanSubmitted, at: dt.datetime, actor: str, ctx: Context) -> None:
    _require(t, e, _OPEN, "the task is open")
    t.pending_plan = e.plan


def _plan_approved(t: _Track, e: PlanApproved, at: dt.datetime, actor: str, ctx: Context) -> None:
    _require(t, e, _OPEN, "the task is open")
    if t.pending_plan is None:
        raise InvalidTransitionError(f"task {t.task.id!r} has no submitted plan to approve")
    t.task = attrs.evolve(t.task, plan=t.pending_plan)
    t.pending_plan = None


def _progress(t: _Track, e: ProgressReported, at: dt.datetime, actor: str, ctx: Context) -> None:
    # The replay (._replay) applies a percentage reported on a task in progress whose track has
    # no rare part itself; tests/test_ledger.py holds the two equal.
    if t.status is not Status.IN_PROGRESS:  # _require inlined: the most frequent event
        raise _refuse(t, e, "the task is accepted and in progress (accept it first)")
    value = e.percent
    if e.quantity is not None and value is None:
        target = t.task.target_quantity
        if target is None:
            raise InvalidInputError(
                f"progress for {t.task.id!r} was reported as quantity={e.quantity!r} but the task "
                "has no target_quantity; report percent= as well"
            )
        value = min(100.0, e.quantity / target * 100.0)
    assert value is not None  # the event requires percent or quantity
    t.percent = value
    if e.quantity is not None:
        t.quantity = e.quantity
    t.reports += 1
    t.last_report_at = at
    rare = t.rare
    if rare is not None and rare.latched_at is not None:
        rare.reports_since_latch = (*rare.reports_since_latch, (ctx.day(at), value))


def _milestone(t: _Track, e: MilestoneReached, at: dt.datetime, actor: str, ctx: Context) -> None:
    _require(t, e, _IN_PROGRESS, "the task is in progress")
    plan = t.task.plan
    if plan is None or plan.milestone(e.milestone_id) is None:
        known = [m.id for m in plan.milestones] if plan is not None else []
        raise InvalidTransitionError(
            f"milestone {e.milestone_id!r} is not in the approved plan of {t.task.id!r}; "
            f"known milestones: {known!r}"
        )
    if e.milestone_id in t.milestones_reached:
        raise InvalidTransitionError(
            f"milestone {e.milestone_id!r} of {t.task.id!r} was already reached"
        )
    t.milestones_reached = t.milestones_reached | {e.milestone_id}


def _issue_raised(t: _Track, e: IssueRaised, at: dt.datetime, actor: str, ctx: Context) -> None:
    _require(t, e, _OPEN, "the task is open")
    if any(i.id == e.issue_id for i in t.open_issues):
        raise InvalidTransitionError(f"issue {e.issue_id!r} is already open on {t.task.id!r}")
    t.open_issues = (*t.open_issues, Issue(e.issue_id, description=e.description, raised_at=at))


def _issue_resolved(t: _Track, e: IssueResolved, at: dt.datetime, actor: str, ctx: Context) -> None:
    remaining = tuple(i for i in t.open_issues if i.id != e.issue_id)
    if len(remaining) == len(t.open_issues):
        raise InvalidTransitionError(
            f"issue {e.issue_id!r} is not open on {t.task.id!r}; open issues: "
            f"{[i.id for i in t.open_issues]!r}"
        )
    t.open_issues = remaining


def _set_deadline(t: _Track, deadline: Deadline, at: dt.datetime, ctx: Context) -> None:
    due = ctx.due(deadline)  # may raise: then nothing has changed
    if due < t.start:
        raise InvalidInputError(
            f"new deadline {due.isoformat()} for {t.task.id!r} is before its start {t.start.isoformat()}"
        )
    day = ctx.day(at)
    if day > t.due and t.status.is_open:
        # Extended while overdue: the red light may hold until the lag is made up.
        t.latched_at = at
        t.reports_since_latch = ()
    t.task = attrs.evolve(t.task, deadline=deadline)
    t.due = due
    t.deadline_since = day
    t.deadline_changes += 1
    t.pending_deadline = None


def _governed(
    t: _Track, change: ListChange, at: dt.datetime, actor: str, ctx: Context
) -> Hashable | None:
    """Refuse ``change`` unless the policy's list rules allow it; the consent note it uses up."""
    rules = ctx.policy.list_changes
    if rules is None:
        return None
    policy = ctx.policy
    return rules.check(
        change,
        task=t.task,
        notes=t.notes,
        actor=actor,
        day=ctx.day(at),
        calendar=ctx.calendar,
        covers=lambda leader, deputy, day: policy.deputy_window(leader, deputy, day) is not None,
    )


def _use(t: _Track, note: Hashable | None) -> None:
    if note is not None:
        t.notes = t.notes - {note}


def _deadline_requested(
    t: _Track, e: DeadlineChangeRequested, at: dt.datetime, actor: str, ctx: Context
) -> None:
    _require(t, e, _OPEN, "the task is open")
    if t.pending_deadline is not None:
        raise InvalidTransitionError(
            f"task {t.task.id!r} already has a deadline change pending ({t.pending_deadline}); "
            "approve or reject it first"
        )
    if ctx.policy.deadline_change_requires_approval:
        # Refuse a deadline that could never be approved now, not at approval.
        due = ctx.due(e.deadline)
        if due < t.start:
            raise InvalidInputError(
                f"requested deadline {due.isoformat()} for {t.task.id!r} is before its start "
                f"{t.start.isoformat()}"
            )
        t.pending_deadline = e.deadline
    else:
        note = _governed(t, ListChange.ADJUST, at, actor, ctx)
        _set_deadline(t, e.deadline, at, ctx)
        _use(t, note)


def _deadline_approved(
    t: _Track, e: DeadlineChangeApproved, at: dt.datetime, actor: str, ctx: Context
) -> None:
    _require(t, e, _OPEN, "the task is open")
    if t.pending_deadline is None:
        raise InvalidTransitionError(
            f"task {t.task.id!r} has no deadline change pending; a change must be requested "
            "(DeadlineChangeRequested) before it is approved"
        )
    note = _governed(t, ListChange.ADJUST, at, actor, ctx)
    _set_deadline(t, t.pending_deadline, at, ctx)
    _use(t, note)


def _deadline_rejected(
    t: _Track, e: DeadlineChangeRejected, at: dt.datetime, actor: str, ctx: Context
) -> None:
    if t.pending_deadline is None:
        raise InvalidTransitionError(f"task {t.task.id!r} has no deadline change pending")
    t.pending_deadline = None


def _reassigned(t: _Track, e: TaskReassigned, at: dt.datetime, actor: str, ctx: Context) -> None:
    _require(t, e, _OPEN, "the task is open")
    note = _governed(t, ListChange.REASSIGN, at, actor, ctx)
    t.task = attrs.evolve(t.task, responsibility=e.responsibility)
    _use(t, note)


def _suspended(t: _Track, e: TaskSuspended, at: dt.datetime, actor: str, ctx: Context) -> None:
    _require(t, e, _IN_PROGRESS, "the task is in progress")
    t.status = Status.SUSPENDED
    t.suspended_since = at


def _resumed(t: _Track, e: TaskResumed, at: dt.datetime, actor: str, ctx: Context) -> None:
    _require(t, e, (Status.SUSPENDED,), "the task is suspended")
    assert t.suspended_since is not None
    since, until = ctx.day(t.suspended_since), ctx.day(at)
    paused = max(0, ctx.calendar.working_days_between(since, until))
    if t.task.deadline.clock_stops_when_suspended and until > since:
        pauses = (*t.paused, (since, until))
        t.due = extended_due(t.task.deadline, t.deadline_since, pauses, ctx)  # may raise first
        t.paused = pauses
    t.status = Status.IN_PROGRESS
    t.suspended_since = None
    t.suspended_working_days += paused


def extended_due(
    deadline: Deadline,
    since: dt.date,
    pauses: tuple[tuple[dt.date, dt.date], ...],
    ctx: Context,
) -> dt.date:
    """The due date of ``deadline`` (in force from ``since``) once the clock stopped for ``pauses``.

    Only the paused time after ``since`` extends it: a deadline set later was set knowing of the
    earlier pauses. A deadline that counts calendar days (``within 15 days``) is counted again from
    a trigger moved on by the calendar days paused, so that the end still rolls forward off a
    holiday as the rule says; any other deadline moves on by the working days paused.
    """
    due = ctx.due(deadline)
    if deadline.counts_calendar_days:
        days = sum(max(0, (until - max(start, since)).days) for start, until in pauses)
        if not days:
            return due
        assert deadline.trigger is not None
        return ctx.due(attrs.evolve(deadline, trigger=deadline.trigger + dt.timedelta(days=days)))
    wd = ctx.wd
    working = sum(max(0, wd(until) - wd(max(start, since))) for start, until in pauses)
    return ctx.calendar.add_working_days(due, working) if working else due


def _completed(t: _Track, e: TaskCompleted, at: dt.datetime, actor: str, ctx: Context) -> None:
    _require(t, e, _IN_PROGRESS, "the task is in progress")
    if t.pending_deadline is not None:
        raise InvalidTransitionError(
            f"task {t.task.id!r} has a deadline change pending; approve or reject it first"
        )
    t.status = Status.COMPLETED
    t.completed_at = at
    t.percent = 100.0
    if t.rare is not None:
        t.latched_at = None
        t.reports_since_latch = ()


def _confirmed(
    t: _Track, e: CompletionConfirmed, at: dt.datetime, actor: str, ctx: Context
) -> None:
    _require(t, e, (Status.COMPLETED,), "the task was reported complete")
    deputy_for = None
    if ctx.policy.confirmation_requires_leader:
        leader = t.task.responsibility.leader_in_charge
        if leader is None:
            raise InvalidTransitionError(
                f"task {t.task.id!r} has no leader in charge to sign off its completion; "
                "reassign it with a leader_in_charge first"
            )
        if actor != leader.id:
            day = ctx.day(at)
            if ctx.policy.deputy_window(leader.id, actor, day) is None:
                raise InvalidTransitionError(
                    f"completion of {t.task.id!r} must be confirmed by its leader in charge "
                    f"{leader.id!r} (or their deputy during a cover window of the ledger "
                    f"policy), not actor={actor!r} on {day.isoformat()}"
                )
            deputy_for = leader.id  # AB角: B signed off for A, and the record says so
    t.status = Status.CONFIRMED
    t.confirmed_at = at
    t.confirmed_by = actor
    t.confirmed_as_deputy_for = deputy_for


def _reopened(t: _Track, e: TaskReopened, at: dt.datetime, actor: str, ctx: Context) -> None:
    _require(t, e, _COMPLETED, "the task was completed or confirmed")
    t.status = Status.IN_PROGRESS
    t.completed_at = None
    t.confirmed_at = None
    t.confirmed_by = None
    t.confirmed_as_deputy_for = None


def _cancelled(t: _Track, e: TaskCancelled, at: dt.datetime, actor: str, ctx: Context) -> None:
    if t.status in (Status.CONFIRMED, Status.CANCELLED):
        raise _refuse(t, e, "the task is not yet confirmed or cancelled")
    note = _governed(t, ListChange.REMOVE, at, actor, ctx)
    t.status = Status.CANCELLED
    _use(t, note)
    t.cancelled_at = at
    t.pending_deadline = None
    t.suspended_since = None


def _warning_issued(t: _Track, e: WarningIssued, at: dt.datetime, actor: str, ctx: Context) -> None:
    _require(t, e, _OPEN, "the task is open")
    t.issued_warning = e.level


def _warning_withdrawn(
    t: _Track, e: WarningWithdrawn, at: dt.datetime, actor: str, ctx: Context
) -> None:
    if t.issued_warning is None:
        raise InvalidTransitionError(f"task {t.task.id!r} has no directly issued warning")
    t.issued_warning = None


def _annotated(t: _Track, e: Any, at: dt.datetime, actor: str, ctx: Context) -> None:
    # The annotation checks itself against its task's notes; the task's state does not change.
    assert isinstance(e, Annotation)
    t.notes = e.noted(t.notes)


HANDLERS: dict[type[Event], Handler] = {
    TaskAccepted: _accepted,
    PlanSubmitted: _plan_submitted,
    PlanApproved: _plan_approved,
    ProgressReported: _progress,
    MilestoneReached: _milestone,
    IssueRaised: _issue_raised,
    IssueResolved: _issue_resolved,
    DeadlineChangeRequested: _deadline_requested,
    DeadlineChangeApproved: _deadline_approved,
    DeadlineChangeRejected: _deadline_rejected,
    TaskReassigned: _reassigned,
    TaskSuspended: _suspended,
    TaskResumed: _resumed,
    TaskCompleted: _completed,
    CompletionConfirmed: _confirmed,
    TaskReopened: _reopened,
    TaskCancelled: _cancelled,
    WarningIssued: _warning_issued,
    WarningWithdrawn: _warning_withdrawn,
}


def apply(
    tracks: dict[str, _Track],
    event: Event,
    *,
    seq: int,
    at: dt.datetime,
    actor: str,
    ctx: Context,
) -> None:
    """Check ``event`` against ``tracks`` and apply it; on any error nothing has changed.

    Handlers do all their checks before their first assignment, except that a handler may compute a
    new value (which can raise) before assigning it.
    """
    if type(event) is TaskAssigned:
        if event.task_id in tracks:
            raise InvalidTransitionError(f"task {event.task_id!r} is already in the ledger")
        parent = event.task.parent
        if parent is not None and parent not in tracks:
            raise UnknownTaskError(
                f"task {event.task_id!r} names parent {parent!r}, which is not in the ledger; "
                "assign the parent first"
            )
        tracks[event.task_id] = new_track(event, at, seq, ctx)
        return
    track = tracks.get(event.task_id)
    if track is None:
        if isinstance(event, RecordEvent):
            _record_event(tracks, event, seq, ctx)
            return
        raise UnknownTaskError(
            f"{type(event).__name__} for task {event.task_id!r}, which is not in the ledger; "
            "record TaskAssigned first"
        )
    handler = HANDLERS.get(type(event))
    if handler is None:
        cls = type(event)
        if not isinstance(event, Annotation) or EVENTS.get(cls.kind) is not cls:
            raise InvalidInputError(
                f"event={event!r} is not a ledger event type; an Annotation subclass must be "
                "registered with govops.tasks.register_event_type first"
            )
        handler = _annotated
        HANDLERS[cls] = handler  # registered: later entries take the fast path
    handler(track, event, at, actor, ctx)
    track.version = seq
    track.updated_at = at
    track.open = track.status in _OPEN
    track.snapshot = None


def _record_event(tracks: dict[str, _Track], event: RecordEvent, seq: int, ctx: Context) -> None:
    """Apply an event about the ledger as a whole (entry ``seq``); on any error nothing has
    changed."""
    cls = type(event)
    if EVENTS.get(cls.kind) is not cls:
        raise InvalidInputError(
            f"event={event!r} is not a ledger event type; a RecordEvent subclass must be "
            "registered with govops.tasks.register_event_type first"
        )
    missing = [task_id for task_id in event.concerns() if task_id not in tracks]
    if missing:
        raise UnknownTaskError(
            f"{cls.__name__} names task(s) {missing!r}, which are not in the ledger"
        )
    if cls is PolicyChanged:
        assert isinstance(event, PolicyChanged)
        ctx.policy = event.policy
        ctx.changes.append((seq, event.policy))
    # Any other record event changes no task: the ledger keeps it in the chain.
