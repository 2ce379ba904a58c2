"""The state of a task as a function of its events: statuses, transitions and the projection.

Every event is checked against the task's state *before* anything changes, so a refused event leaves
the ledger exactly as it was. The projection is kept in small mutable records private to the ledger
(``_Track``) because a ledger of a million events must replay in about a second; what callers see is
the frozen :class:`TaskState` snapshot.
"""

from __future__ import annotations

import datetime as dt
import enum
import operator
from collections.abc import Callable, Hashable
from typing import Any, final

import attrs

from .._html import fields
from .._record import EVENTS, generated_function, positional_builder
from ..exceptions import (
    InvalidInputError,
    InvalidTransitionError,
    InvalidTypeError,
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
    Light,
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
from ._governance import ListChange, ListChangeRules
from ._model import Deadline, Plan, Task, WorkingCalendar

__all__ = ["CoverWindow", "Issue", "LedgerPolicy", "PlanStatus", "Status", "TaskState"]


class Status(str, enum.Enum):
    """Where a task stands."""

    ASSIGNED = "assigned"
    """交办: recorded and assigned, not yet accepted by the lead unit."""
    IN_PROGRESS = "in_progress"
    """推进中: accepted and being worked on."""
    SUSPENDED = "suspended"
    """暂停: work stopped for a recorded reason."""
    COMPLETED = "completed"
    """报结: reported complete, awaiting the leader's confirmation."""
    CONFIRMED = "confirmed"
    """办结: completion signed off by the leader in charge."""
    CANCELLED = "cancelled"
    """撤销"""

    @property
    def is_open(self) -> bool:
        """True while the work is still to be done (assigned, in progress or suspended)."""
        return self in _OPEN

    def __str__(self) -> str:
        return self.value


# Tuples, not frozensets: membership then compares by str equality in C, where a set would call
# Enum.__hash__, which is Python code, for every event of a million-event replay.
_OPEN = OPEN_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.SUSPENDED)


class PlanStatus(str, enum.Enum):
    """Whether the task has an implementation plan in force."""

    NONE = "none"
    SUBMITTED = "submitted"
    APPROVED = "approved"

    def __str__(self) -> str:
        return self.value


@final
@attrs.frozen
class Issue:
    """An open problem raised on a task."""

    id: str
    description: str = attrs.field(default="", kw_only=True)
    raised_at: dt.datetime = attrs.field(kw_only=True)


def _cover_id(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{attribute.name}={value!r}; expected a non-empty person id")


def _cover_day(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidTypeError(f"{attribute.name}={value!r}; expected a datetime.date")


@final
@attrs.frozen
class CoverWindow:
    """``leader`` is away from ``start`` to ``end`` (local days, both included) and ``deputy``
    acts for them (AB角): B may then sign off what A would, and the ledger records that B did so as
    deputy. Build them from a :class:`govops.escalation.CoverPlan` with ``plan.windows()``.
    """

    leader: str = attrs.field(validator=_cover_id)
    deputy: str = attrs.field(validator=_cover_id)
    start: dt.date = attrs.field(kw_only=True, validator=_cover_day)
    end: dt.date = attrs.field(kw_only=True, validator=_cover_day)
    reason: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.leader == self.deputy:
            raise InvalidInputError(f"{self.leader!r} cannot be their own deputy")
        if self.end < self.start:
            raise InvalidInputError(
                f"cover window for {self.leader!r} ends {self.end.isoformat()}, before it "
                f"starts {self.start.isoformat()}"
            )

    def covers(self, day: dt.date) -> bool:
        """True when ``day`` is inside the window."""
        return self.start <= day <= self.end


def _cover(value: Any) -> tuple[CoverWindow, ...]:
    if isinstance(value, CoverWindow):
        raise InvalidTypeError(f"cover={value!r} is one window; expected a tuple of CoverWindow")
    items = tuple(value)
    for item in items:
        if not isinstance(item, CoverWindow):
            raise InvalidTypeError(f"cover contains {item!r}; expected CoverWindow values")
    for a in items:
        for b in items:
            # B cannot act for A while B is away too (AB角: 不断档).
            if b.leader == a.deputy and a.start <= b.end and b.start <= a.end:
                raise InvalidInputError(
                    f"{a.deputy!r} covers for {a.leader!r} from {a.start.isoformat()} to "
                    f"{a.end.isoformat()} but is away from {b.start.isoformat()} to "
                    f"{b.end.isoformat()}; one of A and B must stay"
                )
    return tuple(sorted(items, key=lambda w: (w.start, w.leader, w.end, w.deputy)))


def _rules_type(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, ListChangeRules):
        raise InvalidTypeError(f"list_changes={value!r}; expected a ListChangeRules or None")


@final
@attrs.frozen
class LedgerPolicy:
    """The procedural rules a ledger enforces.

    ``deadline_change_requires_approval``: a requested deadline takes effect only when approved
    (otherwise at once). ``confirmation_requires_leader``: only the task's leader in charge may
    confirm its completion (办结 needs the leader's sign-off) — or, on a day inside one of the
    ``cover`` windows of that leader, their deputy (AB角), and the task's state then records
    ``confirmed_as_deputy_for``. ``list_changes``: the rules for removing, adjusting and
    reassigning tasks on a governed list such as the key-project list (``None``: any actor, any
    day, as ledgers did before; see :class:`ListChangeRules`).
    """

    deadline_change_requires_approval: bool = attrs.field(default=True, kw_only=True)
    confirmation_requires_leader: bool = attrs.field(default=True, kw_only=True)
    cover: tuple[CoverWindow, ...] = attrs.field(default=(), kw_only=True, converter=_cover)
    list_changes: ListChangeRules | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_rules_type)
    )

    def deputy_window(self, leader: str, deputy: str, day: dt.date) -> CoverWindow | None:
        """The cover window in which ``deputy`` acts for ``leader`` on ``day``, if any."""
        for window in self.cover:
            if window.leader == leader and window.deputy == deputy and window.covers(day):
                return window
        return None


@final
@attrs.frozen
class TaskState:
    """A task as its events leave it at some moment.

    ``task`` is the task as it now stands (current responsibility, deadline and approved plan);
    ``original_deadline``/``original_due`` are what it was assigned with. ``due`` is the due date in
    force, including extensions for completed suspensions when the deadline stops its clock.
    ``percent`` is the latest reported cumulative progress (0 before any report). ``version`` is the
    ``seq`` of the last entry about this task. ``latched_at`` and ``reports_since_latch`` record a red
    warning that may still hold after the deadline was extended (see :class:`WarningPolicy`).
    ``confirmed_by`` is who signed off the completion; ``confirmed_as_deputy_for`` names the leader
    in charge when their deputy signed off for them during a cover window (AB角).
    ``paused`` lists the suspensions that stopped the clock, as ``(day suspended, day resumed)``:
    the days after the first up to the second are not counted as time elapsed, neither for the due
    date nor for expected progress (see ``docs/explanation/progress.md``).
    """

    task: Task
    status: Status = attrs.field(kw_only=True)
    assigned_at: dt.datetime = attrs.field(kw_only=True)
    start: dt.date = attrs.field(kw_only=True)
    due: dt.date = attrs.field(kw_only=True)
    original_deadline: Deadline = attrs.field(kw_only=True)
    original_due: dt.date = attrs.field(kw_only=True)
    percent: float = attrs.field(kw_only=True)
    quantity: float | None = attrs.field(kw_only=True)
    reports: int = attrs.field(kw_only=True)
    last_report_at: dt.datetime | None = attrs.field(kw_only=True)
    plan_status: PlanStatus = attrs.field(kw_only=True)
    pending_plan: Plan | None = attrs.field(kw_only=True)
    pending_deadline: Deadline | None = attrs.field(kw_only=True)
    deadline_changes: int = attrs.field(kw_only=True)
    milestones_reached: frozenset[str] = attrs.field(kw_only=True)
    open_issues: tuple[Issue, ...] = attrs.field(kw_only=True)
    suspended_since: dt.datetime | None = attrs.field(kw_only=True)
    suspended_working_days: int = attrs.field(kw_only=True)
    paused: tuple[tuple[dt.date, dt.date], ...] = attrs.field(default=(), kw_only=True)
    accepted_at: dt.datetime | None = attrs.field(kw_only=True)
    completed_at: dt.datetime | None = attrs.field(kw_only=True)
    confirmed_at: dt.datetime | None = attrs.field(kw_only=True)
    confirmed_by: str | None = attrs.field(default=None, kw_only=True)
    confirmed_as_deputy_for: str | None = attrs.field(default=None, kw_only=True)
    cancelled_at: dt.datetime | None = attrs.field(kw_only=True)
    issued_warning: Light | None = attrs.field(kw_only=True)
    latched_at: dt.datetime | None = attrs.field(kw_only=True)
    reports_since_latch: tuple[tuple[dt.date, float], ...] = attrs.field(kw_only=True)
    version: int = attrs.field(kw_only=True)
    updated_at: dt.datetime = attrs.field(kw_only=True)

    @property
    def id(self) -> str:
        """The task id."""
        return self.task.id

    @property
    def is_open(self) -> bool:
        """True while the work is still to be done."""
        return self.status.is_open

    def __str__(self) -> str:
        return (
            f"{self.task.id} {self.task.title}: {self.status.value}, {self.percent:g}% done, "
            f"due {self.due.isoformat()}"
        )

    def _repr_html_(self) -> str:
        """The state in Jupyter: who, status, dates and progress, open issues."""
        due = self.due.isoformat()
        if self.due != self.original_due:
            due += f" (originally {self.original_due.isoformat()})"
        return fields(
            f"{self.task.id} {self.task.title}",
            [
                ("lead unit", self.task.responsibility.lead_unit.name),
                ("status", self.status.value),
                ("start", self.start.isoformat()),
                ("due", due),
                ("progress", f"{self.percent:g}% ({self.reports} reports)"),
                ("open issues", ", ".join(i.id for i in self.open_issues) or "none"),
            ],
        )


_STATE_FIELDS = tuple(a.name for a in attrs.fields(TaskState))


# Milestones reached and notes start empty, and most tasks keep them so: one shared empty
# frozenset rather than a new one of 216 bytes each (CPython makes a new one per call).
_NONE: frozenset[Any] = frozenset()

# The fields of a task state that most tasks never change from their first value: a track keeps
# them in a separate object (_Rare), made only for a task that needs one (see _Track).
_RARE_DEFAULTS: dict[str, Any] = {
    "quantity": None,
    "pending_plan": None,
    "pending_deadline": None,
    "deadline_changes": 0,
    "milestones_reached": _NONE,
    "suspended_since": None,
    "suspended_working_days": 0,
    "paused": (),
    "confirmed_as_deputy_for": None,
    "cancelled_at": None,
    "issued_warning": None,
    "latched_at": None,
    "reports_since_latch": (),
    "notes": _NONE,
}


class _RareFields:
    """The types of the fields most tasks leave at their first value (``_RARE_DEFAULTS``), for
    :class:`_Rare`, which keeps them, and :class:`_Track`, which reads them through it."""

    __slots__ = ()

    quantity: float | None
    pending_plan: Plan | None
    pending_deadline: Deadline | None
    deadline_changes: int
    milestones_reached: frozenset[str]
    suspended_since: dt.datetime | None
    suspended_working_days: int
    paused: tuple[tuple[dt.date, dt.date], ...]
    confirmed_as_deputy_for: str | None
    cancelled_at: dt.datetime | None
    issued_warning: Light | None
    latched_at: dt.datetime | None
    reports_since_latch: tuple[tuple[dt.date, float], ...]
    notes: frozenset[Hashable]


class _Rare(_RareFields):
    """The fields of a track that most tasks leave at their first value (``_RARE_DEFAULTS``)."""

    __slots__ = tuple(_RARE_DEFAULTS)

    def __init__(self) -> None:
        for name, value in _RARE_DEFAULTS.items():
            setattr(self, name, value)


def _rare_field(name: str) -> property:
    """A track's field kept in its ``rare`` object: read as the default while there is none, and
    made on the first write of a value other than the default."""
    default = _RARE_DEFAULTS[name]
    getter = operator.attrgetter(name)

    def get(t: _Track) -> Any:
        rare = t.rare
        return default if rare is None else getter(rare)

    def set_(t: _Track, value: Any) -> None:
        rare = t.rare
        if rare is None:
            if value is default or (type(value) is type(default) and value == default):
                return
            rare = t.rare = _Rare()
        setattr(rare, name, value)

    return property(get, set_, doc=f"The track's {name} (kept in its rare part).")


class _Track(_RareFields):  # the rare fields: properties, set below the class
    """The mutable working copy of a TaskState, private to a ledger's projection.

    Besides the state's fields it caches ``open`` (the status is open) and ``snapshot`` (the frozen
    TaskState, made on first read and dropped by the next event), so queries over a large ledger
    neither re-test enums nor rebuild unchanged snapshots.

    The fields most tasks never change (a quantity, a pending plan or deadline change, milestones,
    a suspension, a directly issued or latched warning, notes: ``_RARE_DEFAULTS``) are kept in
    ``rare``, a :class:`_Rare` made on the first write of another value; until then ``rare`` is
    ``None`` and they read as their defaults. That saves 112 bytes per task, and ``rare is None``
    tells a query at once that a task is plain. They read and write as attributes (properties);
    hot paths test ``rare`` first.
    """

    # plan_status is not kept: it follows from the task's plan and the pending one (a property).
    __slots__ = (
        *(name for name in _STATE_FIELDS if name != "plan_status" and name not in _RARE_DEFAULTS),
        "deadline_since",
        "open",
        "rare",
        "snapshot",
    )

    task: Task
    status: Status
    assigned_at: dt.datetime
    start: dt.date
    due: dt.date
    original_deadline: Deadline
    original_due: dt.date
    percent: float
    reports: int
    last_report_at: dt.datetime | None
    open_issues: tuple[Issue, ...]
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    confirmed_by: str | None
    version: int
    updated_at: dt.datetime

    deadline_since: dt.date  # the day the deadline in force took effect
    open: bool
    rare: _Rare | None
    snapshot: TaskState | None

    @property
    def plan_status(self) -> PlanStatus:
        if self.task.plan is not None:
            return PlanStatus.APPROVED
        return PlanStatus.NONE if self.pending_plan is None else PlanStatus.SUBMITTED

    def freeze(self) -> TaskState:
        snapshot = self.snapshot
        if snapshot is None:
            snapshot = self.snapshot = _freeze(self)
        return snapshot


for _name in _RARE_DEFAULTS:
    setattr(_Track, _name, _rare_field(_name))
del _name


def _freezer() -> Callable[[_Track], TaskState]:
    """``freeze`` for a track: its :class:`TaskState`, every field read straight from the track
    or its rare part (a default one for a track that has none) and set slot by slot. A query may
    freeze thousands of states; this takes about half the time of gathering the fields by name
    for ``TaskState(**fields)``."""
    defaults = _Rare()  # never written: the defaults, for a track whose rare is None
    values = ", ".join(f"r.{n}" if n in _RARE_DEFAULTS else f"t.{n}" for n in _STATE_FIELDS)
    namespace: dict[str, Any] = {"build": positional_builder(TaskState), "defaults": defaults}
    lines = [
        "def freeze(t):",
        "    r = t.rare",
        "    if r is None:",
        "        r = defaults",
        f"    return build({values})",
    ]
    freeze: Callable[[_Track], TaskState] = generated_function(
        lines, "freeze", namespace, what="TaskState freezer"
    )
    return freeze


_freeze = _freezer()


@final
class Context:
    """What applying events needs besides the events: calendar, policy, time zone, a cache."""

    __slots__ = ("_anchor", "_days", "_due_cache", "calendar", "policy", "tz", "wd_cache")

    def __init__(self, calendar: WorkingCalendar, policy: LedgerPolicy, tz: dt.tzinfo) -> None:
        self.calendar = calendar
        self.policy = policy
        self.tz = tz
        self._due_cache: dict[Deadline, dt.date] = {}
        self._anchor: dt.date | None = None
        self.wd_cache: dict[dt.date, int] = {}
        self._days: dict[dt.date, dt.date] = {}  # one object per day, for the tracks that keep it

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
    # Ledger._replay and Ledger._from_columns inline what this does with a percentage reported on
    # a task in progress whose track has no rare part: keep them in step.
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
