"""What can happen to a task: the ledger's events, in the past tense.

An event says *what* happened; the :class:`Entry` that wraps it in the ledger says *who* (``actor``),
*when* (``at``, an aware datetime), *why* (``reason``), its place in the record (``seq``) and the hash
that chains it to the entry before. Both come from the record kernel (:mod:`govops._record`); this
module defines the task events and registers their kinds there.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Iterable
from typing import Any, ClassVar, TypeVar, final

import attrs

from .._checks import (
    check_number,
    instance_of,
    text,
    texts,
    to_enum,
    to_float,
    to_tuple,
)
from .._record import EVENTS, Entry, Event, RecordEvent, inline
from ..exceptions import InvalidInputError, InvalidTypeError
from ._model import Deadline, Plan, Responsibility, Task, percent

__all__ = [
    "Annotation",
    "CompletionConfirmed",
    "DeadlineChangeApproved",
    "DeadlineChangeRejected",
    "DeadlineChangeRequested",
    "Entry",
    "Event",
    "IssueRaised",
    "IssueResolved",
    "Light",
    "MilestoneReached",
    "PlanApproved",
    "PlanSubmitted",
    "ProgressReported",
    "RecordEvent",
    "TaskAccepted",
    "TaskAssigned",
    "TaskCancelled",
    "TaskCompleted",
    "TaskReassigned",
    "TaskReopened",
    "TaskResumed",
    "TaskSuspended",
    "WarningIssued",
    "WarningWithdrawn",
    "register_event_type",
]


class Light(str, enum.Enum):
    """Warning colours (红/黄/蓝预警), from least to most serious."""

    BLUE = "blue"
    """The deadline is near (临近期限)."""
    YELLOW = "yellow"
    """Progress is behind the expected progress (进度滞后)."""
    RED = "red"
    """The deadline has passed (超期)."""

    @property
    def rank(self) -> int:
        """1 for blue, 2 for yellow, 3 for red."""
        return _RANK[self]

    def __str__(self) -> str:
        return self.value


_RANK = {Light.BLUE: 1, Light.YELLOW: 2, Light.RED: 3}


@attrs.frozen
class Annotation(Event):
    """Base of events recorded *about* a task without changing its state.

    Other packages (supervision notices, approvals, …) keep their record in the task ledger with
    annotations: they are hash-chained, time-ordered and replayed like every other event, but the
    projection leaves the task's :class:`~govops.tasks.TaskState` as it was (only ``version`` and
    ``updated_at`` move, since they mark the last entry about the task). A subclass must be
    registered with :func:`register_event_type` before a ledger records it or JSON reads it.

    The ledger keeps, per task, a set of hashable *notes* that annotations leave for one another;
    :meth:`noted` checks an annotation against them and returns the notes after it, which is how an
    annotation type refuses, say, a second notice with the same key.
    """

    kind: ClassVar[str] = "annotation"

    def noted(self, notes: frozenset[Hashable]) -> frozenset[Hashable]:
        """The task's notes once this annotation is recorded; raise a GovopsError to refuse it.

        ``notes`` holds what earlier annotations of the same task left (nothing else writes
        there). The default accepts every annotation and leaves the notes as they were. It must
        not depend on anything but ``self`` and ``notes``: replaying the record must decide the
        same way.
        """
        return notes


@final
@attrs.frozen
class TaskAssigned(Event):
    """A task was put into the ledger and assigned to its lead unit (交办)."""

    kind: ClassVar[str] = "task_assigned"
    task_id: str = attrs.field(init=False)
    task: Task

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.task, Task):
            raise InvalidTypeError(f"task={self.task!r}; expected a Task")
        object.__setattr__(self, "task_id", self.task.id)


@final
@attrs.frozen
class TaskAccepted(Event):
    """The lead unit accepted the task (签收)."""

    kind: ClassVar[str] = "task_accepted"


@final
@attrs.frozen
class PlanSubmitted(Event):
    """The lead unit submitted an implementation plan (or a revised one) for approval."""

    kind: ClassVar[str] = "plan_submitted"
    plan: Plan = attrs.field(validator=instance_of(Plan))


@final
@attrs.frozen
class PlanApproved(Event):
    """The submitted plan was approved; its milestones now drive the expected progress."""

    kind: ClassVar[str] = "plan_approved"


def _optional_percent(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # A float in range passes percent() unchanged, without a call.
    if type(value) is float and 0.0 <= value <= 100.0:
        return
    if value is not None:
        percent(value, name=attribute.name)


def _optional_float(value: Any) -> Any:
    # Only numbers that fit a float are converted; anything else reaches the validator, which
    # names it.
    return to_float(value)


def _quantity(_instance: object, _attribute: object, value: float | None) -> None:
    if value is not None:
        check_number(value, "quantity", minimum=0.0)


_free_text = text()
"""The validator of a field of free text (a note, a description): any str UTF-8 can encode."""
_name = text(empty=False)
"""The validator of an id or a name: a non-blank str UTF-8 can encode."""


def _light(value: object) -> Light:
    return to_enum(Light, value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidTypeError(f"attachments={value!r} is a str; expected a tuple of references")
    return to_tuple(value)


# What a replay may test inline rather than call (see inline()). Text that is all ASCII holds
# no lone surrogate; 1e999 is the float infinity.
inline(_optional_percent, "{v} is None or type({v}) is float and 0.0 <= {v} <= 100.0")
inline(_optional_float, "type({v}) is float or {v} is None")
inline(_quantity, "{v} is None or type({v}) is float and 0.0 <= {v} < 1e999")
inline(_strings, "type({v}) is list", "tuple({v})")
inline(_free_text, "type({v}) is str and {v}.isascii()")
# texts is shared with other packages; the condition holds of it wherever it is used.
inline(
    texts, "{v} == () or type({v}) is tuple and all(type(x) is str and x.isascii() for x in {v})"
)


@final
@attrs.frozen
class ProgressReported(Event):
    """Progress was reported: cumulative ``percent`` and/or cumulative ``quantity`` done.

    ``attachments`` are references (file names, archive ids), never the files themselves.
    """

    kind: ClassVar[str] = "progress_reported"
    percent: float | None = attrs.field(
        default=None, kw_only=True, converter=_optional_float, validator=_optional_percent
    )
    quantity: float | None = attrs.field(
        default=None, kw_only=True, converter=_optional_float, validator=_quantity
    )
    note: str = attrs.field(default="", kw_only=True, validator=_free_text)
    attachments: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_strings, validator=texts
    )

    def __attrs_post_init__(self) -> None:
        if self.percent is None and self.quantity is None:
            raise InvalidInputError(
                f"progress report for {self.task_id!r} has neither percent= nor quantity="
            )


@final
@attrs.frozen
class MilestoneReached(Event):
    """A milestone of the approved plan was reached."""

    kind: ClassVar[str] = "milestone_reached"
    milestone_id: str = attrs.field(validator=_name)


@final
@attrs.frozen
class IssueRaised(Event):
    """A problem that blocks the work was raised for coordination (问题上报)."""

    kind: ClassVar[str] = "issue_raised"
    issue_id: str = attrs.field(validator=_name)
    description: str = attrs.field(default="", kw_only=True, validator=_free_text)


@final
@attrs.frozen
class IssueResolved(Event):
    """A raised problem was resolved."""

    kind: ClassVar[str] = "issue_resolved"
    issue_id: str = attrs.field(validator=_name)
    resolution: str = attrs.field(default="", kw_only=True, validator=_free_text)


@final
@attrs.frozen
class DeadlineChangeRequested(Event):
    """The lead unit asked for a new deadline; the original is kept in the record."""

    kind: ClassVar[str] = "deadline_change_requested"
    deadline: Deadline = attrs.field(validator=instance_of(Deadline))


@final
@attrs.frozen
class DeadlineChangeApproved(Event):
    """The pending deadline change was approved and is now in force."""

    kind: ClassVar[str] = "deadline_change_approved"


@final
@attrs.frozen
class DeadlineChangeRejected(Event):
    """The pending deadline change was refused; the deadline stays as it was."""

    kind: ClassVar[str] = "deadline_change_rejected"


@final
@attrs.frozen
class TaskReassigned(Event):
    """The responsibility for the task changed hands."""

    kind: ClassVar[str] = "task_reassigned"
    responsibility: Responsibility = attrs.field(validator=instance_of(Responsibility))


@final
@attrs.frozen
class TaskSuspended(Event):
    """Work was suspended (e.g. waiting for a third party); see ``Deadline.clock_stops_when_suspended``."""

    kind: ClassVar[str] = "task_suspended"


@final
@attrs.frozen
class TaskResumed(Event):
    """Suspended work resumed."""

    kind: ClassVar[str] = "task_resumed"


@final
@attrs.frozen
class TaskCompleted(Event):
    """The lead unit reported the task complete (报结); it awaits the leader's confirmation."""

    kind: ClassVar[str] = "task_completed"


@final
@attrs.frozen
class CompletionConfirmed(Event):
    """The leader in charge signed off the completion (办结)."""

    kind: ClassVar[str] = "completion_confirmed"


@final
@attrs.frozen
class TaskReopened(Event):
    """A completed task was reopened because the result did not hold."""

    kind: ClassVar[str] = "task_reopened"


@final
@attrs.frozen
class TaskCancelled(Event):
    """The task was cancelled (撤销); it leaves every open list."""

    kind: ClassVar[str] = "task_cancelled"


@final
@attrs.frozen
class WarningIssued(Event):
    """A supervisor issued a warning of ``level`` directly, above what the rules compute."""

    kind: ClassVar[str] = "warning_issued"
    level: Light = attrs.field(converter=_light)


@final
@attrs.frozen
class WarningWithdrawn(Event):
    """A directly issued warning was withdrawn."""

    kind: ClassVar[str] = "warning_withdrawn"


for _cls in (
    TaskAssigned,
    TaskAccepted,
    PlanSubmitted,
    PlanApproved,
    ProgressReported,
    MilestoneReached,
    IssueRaised,
    IssueResolved,
    DeadlineChangeRequested,
    DeadlineChangeApproved,
    DeadlineChangeRejected,
    TaskReassigned,
    TaskSuspended,
    TaskResumed,
    TaskCompleted,
    CompletionConfirmed,
    TaskReopened,
    TaskCancelled,
    WarningIssued,
    WarningWithdrawn,
):
    EVENTS.register(_cls)
del _cls

E = TypeVar("E", bound=type[Event])


def register_event_type(cls: E) -> E:
    """Make the :class:`Annotation` or :class:`RecordEvent` subclass ``cls`` known to ledgers
    and to JSON; returns ``cls``.

    Usable as a class decorator. Its ``kind`` (a class attribute of its own) becomes its name in
    JSON and in the hash chain, so it must not be taken by another class: registering a kind twice
    for different classes raises :class:`~govops.exceptions.InvalidInputError` naming both.
    Registering the same class again does nothing. Only annotations (about one task) and record
    events (about the ledger as a whole, such as one decision that moves many due dates) can be
    registered: a ledger keeps them in its chain and they change no task's state; the events that
    do belong to :mod:`govops.tasks` itself.

    >>> import attrs
    >>> from typing import ClassVar
    >>> @register_event_type
    ... @attrs.frozen
    ... class Visited(Annotation):
    ...     kind: ClassVar[str] = "doctest_visited"
    >>> from govops._record import EVENTS
    >>> EVENTS.get("doctest_visited") is Visited
    True
    """
    if (
        not isinstance(cls, type)
        or not issubclass(cls, (Annotation, RecordEvent))
        or cls in (Annotation, RecordEvent)
    ):
        raise InvalidTypeError(
            f"cls={cls!r}; expected a subclass of govops.tasks.Annotation or RecordEvent (only "
            "these can be registered; state-changing events belong to govops.tasks)"
        )
    if "__attrs_attrs__" not in cls.__dict__:  # not attrs.has(): that narrows cls for mypy
        raise InvalidTypeError(f"cls={cls!r} is not an attrs class; decorate it with @attrs.frozen")
    EVENTS.register(cls)
    return cls


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def register_upcaster(kind: str, version: int) -> Callable[[Upcaster], Upcaster]:
    """Read stored events of ``kind`` whose shape is ``version`` with the decorated function,
    which takes their fields (JSON values by name, without ``"type"``) and returns the fields of
    version ``version + 1``; that becomes the kind's current version.

    Every event stored before its kind had an upcaster is version 1; register the upcasters of
    a kind in order, from 1, when its class changes shape (a field renamed, split, added
    without a default). Stored events keep their recorded shape, which their hashes cover: they
    are upcast each time they are read (see ``docs/explanation/record.md``, "Upcasting").

    >>> import attrs
    >>> from typing import ClassVar
    >>> @register_event_type
    ... @attrs.frozen
    ... class Inspected(Annotation):
    ...     kind: ClassVar[str] = "doctest_inspected"
    ...     location: str  # version 1 called it "place"
    >>> @register_upcaster("doctest_inspected", 1)
    ... def _renamed(fields):
    ...     return {"task_id": fields["task_id"], "location": fields["place"]}
    >>> from govops.serialization import converter
    >>> converter.structure({"type": "doctest_inspected", "task_id": "T1", "place": "桥"}, Event)
    Inspected(task_id='T1', location='桥')
    """

    def register(upcaster: Upcaster) -> Upcaster:
        EVENTS.register_upcaster(kind, version, upcaster)
        return upcaster

    return register
