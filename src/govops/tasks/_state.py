"""The state of a task: its status, the frozen :class:`TaskState` callers see, and the mutable
projection the ledger keeps.

The projection is kept in small mutable records private to the ledger (``_Track``) because a
ledger of a million events must replay in about a second; what callers see is the frozen
:class:`TaskState` snapshot. How events change it is :mod:`._transitions`.
"""

from __future__ import annotations

import datetime as dt
import enum
import operator
from collections.abc import Callable, Hashable
from typing import Any, Protocol, final

import attrs

from .._html import fields
from .._record import generated_function, positional_builder
from ._events import Light
from ._model import Deadline, Plan, Task

__all__ = ["Issue", "PlanStatus", "Status", "TaskState", "TaskView"]


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


class TaskView(Protocol):
    """A task as a ledger's projection holds it, read without making a :class:`TaskState`.

    :meth:`Ledger.open_task_views <govops.tasks.Ledger.open_task_views>` gives them, for code
    that reads a few fields of many tasks (supervision over 100,000 open tasks): they have these
    fields of :class:`TaskState`, with the same meaning, and :meth:`freeze` gives the snapshot
    itself. A view follows the ledger it came from until something more is recorded on that
    ledger: read it at once, or keep ``freeze()``.
    """

    @property
    def task(self) -> Task: ...

    @property
    def status(self) -> Status: ...

    @property
    def assigned_at(self) -> dt.datetime: ...

    @property
    def accepted_at(self) -> dt.datetime | None: ...

    @property
    def start(self) -> dt.date: ...

    @property
    def due(self) -> dt.date: ...

    @property
    def percent(self) -> float: ...

    @property
    def last_report_at(self) -> dt.datetime | None: ...

    @property
    def paused(self) -> tuple[tuple[dt.date, dt.date], ...]: ...

    @property
    def open_issues(self) -> tuple[Issue, ...]: ...

    def freeze(self) -> TaskState:
        """The :class:`TaskState` of the task as the view shows it."""
        ...


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
