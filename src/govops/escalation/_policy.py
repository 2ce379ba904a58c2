"""Escalation policies as data: levels, conditions, recipients, delays, approvals and repeats.

A policy is an ordered ladder of :class:`Level` values. Each level says what notice goes out
(:class:`NoticeKind`), to whom (:class:`Target`), when (a condition), how long the recipient has to
answer (a rule-language text), whether a leader must approve it first, and whether it repeats.
Project issues climb the three tiers of :class:`Coordination`; approval steps of key projects have
time limits (:class:`ApprovalStep`, 绿色通道). Policies are versioned: a task keeps the version in
force on the day it was assigned.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Iterable
from typing import Any, final

import attrs

from .._checks import instance_of, to_enum, to_finite, to_tuple
from ..exceptions import EscalationError, InvalidInputError, InvalidTypeError
from ..meetings import MeetingType
from ..tasks import Light

__all__ = [
    "AllOf",
    "AnyOf",
    "ApprovalStep",
    "Assigned",
    "BehindSchedule",
    "ClockRule",
    "Condition",
    "Coordination",
    "EscalationPolicy",
    "JointMeeting",
    "Level",
    "NoProgressFor",
    "NoticeKind",
    "Overdue",
    "PreviousUnanswered",
    "Repeat",
    "Target",
    "WarningAtLeast",
]


class NoticeKind(str, enum.Enum):
    """The rungs of the ladder (a level may also use any other non-empty kind name)."""

    ASSIGNMENT = "assignment"
    """交办单: requirements and a deadline."""
    REMINDER = "reminder"
    """催办单: behind the expected progress, act now."""
    SUPERVISION = "supervision"
    """督办单: still no progress after a reminder; counts as a deduction."""
    INTERVIEW = "interview"
    """约谈: the unit's principal is called in."""
    ACCOUNTABILITY = "accountability"
    """问责建议: an interview without effect; a recommendation to hold people accountable."""
    COORDINATION = "coordination"
    """协调: a project issue handed up a tier."""
    APPROVAL_OVERRUN = "approval_overrun"
    """审批超时: an approval step of a key project overran its limit."""
    REPORT_BACK = "report_back"
    """代办事项汇报提醒: a deputy has not reported back to the leader they acted for (AB角)."""

    @property
    def label_zh(self) -> str:
        """The Chinese name of the notice."""
        return _ZH[self]

    def __str__(self) -> str:
        return self.value


_ZH = {
    NoticeKind.ASSIGNMENT: "交办单",
    NoticeKind.REMINDER: "催办单",
    NoticeKind.SUPERVISION: "督办单",
    NoticeKind.INTERVIEW: "约谈通知",
    NoticeKind.ACCOUNTABILITY: "问责建议",
    NoticeKind.COORDINATION: "协调事项",
    NoticeKind.APPROVAL_OVERRUN: "审批超时通报",
    NoticeKind.REPORT_BACK: "代办事项汇报提醒",
}


def kind_label_zh(kind: str) -> str:
    """The Chinese label of a notice kind (custom kinds are shown as written)."""
    try:
        return NoticeKind(kind).label_zh
    except ValueError:
        return kind


class Target(str, enum.Enum):
    """Who a notice is addressed to, resolved per task when it is issued."""

    UNIT = "unit"
    """The lead unit (牵头单位)."""
    COOPERATING_UNITS = "cooperating_units"
    """Every cooperating unit (配合单位)."""
    LEADER_IN_CHARGE = "leader_in_charge"
    """The leader in charge (分管领导), or the deputy acting for them (AB角)."""
    PRINCIPAL = "principal"
    """The principal (主要负责人) of the lead unit, from the directory."""
    ASSESSMENT_OFFICE = "assessment_office"
    """The assessment office (考核办), from the directory."""
    JOINT_MEETING = "joint_meeting"
    """The leading group's joint meeting (领导小组联席会议), via its office."""
    DEPUTY_COVER = "deputy_cover"
    """The deputy who acted for an absent leader and that leader (AB角): the recipients of a
    report-back notice, taken from the recorded act. Not a recipient of ladder levels."""

    def __str__(self) -> str:
        return self.value


class ClockRule(str, enum.Enum):
    """What a deadline change or a reassignment does to a task's place on the ladder."""

    CONTINUE = "continue"
    """The ladder position is kept: earlier notices still count."""
    RESTART = "restart"
    """A new cycle starts at the event: earlier notices stay in the record but no longer count."""

    def __str__(self) -> str:
        return self.value


def _non_negative_int(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInputError(f"{attribute.name}={value!r}; expected an int >= 0")


def _positive_int(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInputError(f"{attribute.name}={value!r}; expected an int >= 1")


def _text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidTypeError(
            f"{attribute.name}={value!r} is a {type(value).__name__}; expected a str"
        )
    if not value.strip():
        raise InvalidInputError(f"{attribute.name}={value!r} is empty; expected a non-empty str")


def _optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _text(instance, attribute, value)


def _points(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise InvalidInputError(f"{attribute.name}={value!r}; expected a number from 0 to 100")


def _light(value: object) -> Light:
    return to_enum(Light, value)


def _clock_rule(value: object) -> ClockRule:
    return to_enum(ClockRule, value)


@final
@attrs.frozen
class Assigned:
    """The task is in the ledger: the condition of an assignment notice (交办单).

    With ``unless_documented`` (the default), a task whose source is a document needs no
    assignment notice ("已通过文件形式明确的不再下发"): the document stands for that rung, so the
    next level is reachable without one.
    """

    unless_documented: bool = attrs.field(default=True, kw_only=True)


@final
@attrs.frozen
class BehindSchedule:
    """Reported progress trails the expected progress (序时进度) by more than ``points``."""

    points: float = attrs.field(default=0.0, converter=to_finite, validator=_points)


@final
@attrs.frozen
class NoProgressFor:
    """No progress report for at least ``working_days`` working days (counted from assignment
    when there has been none)."""

    working_days: int = attrs.field(validator=_positive_int)


@final
@attrs.frozen
class Overdue:
    """The due date has passed (the day after it), and at least ``working_days`` working days."""

    working_days: int = attrs.field(default=0, validator=_non_negative_int)


@final
@attrs.frozen
class PreviousUnanswered:
    """The previous level's latest notice is unanswered ``working_days`` working days after its
    answer date (its issue day when it set none).

    A :class:`~govops.escalation.NoticeAnswered` answers it; with ``progress_answers`` (the
    default), so does a progress report above the progress recorded on the notice (催办后仍无进展
    is what escalates).
    """

    working_days: int = attrs.field(default=0, validator=_non_negative_int)
    progress_answers: bool = attrs.field(default=True, kw_only=True)


@final
@attrs.frozen
class WarningAtLeast:
    """The task's warning light (see :meth:`govops.tasks.Ledger.warning`) is at least ``light``."""

    light: Light = attrs.field(converter=_light)


def _conditions(value: Iterable[Any]) -> tuple[Any, ...]:
    items = to_tuple(value)
    if not items:
        raise InvalidInputError("a combined condition needs at least one condition")
    for item in items:
        if not isinstance(item, _CONDITION_TYPES):
            raise InvalidTypeError(f"{item!r} is not a condition; expected one of {_NAMES}")
    return items


@final
@attrs.frozen(init=False)
class AllOf:
    """Every one of ``conditions`` holds: ``AllOf(a, b, ...)``."""

    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def __init__(self, *conditions: Condition) -> None:
        self.__attrs_init__(conditions)


@final
@attrs.frozen(init=False)
class AnyOf:
    """At least one of ``conditions`` holds (the reasons of all that hold are given): ``AnyOf(a, b, ...)``."""

    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def __init__(self, *conditions: Condition) -> None:
        self.__attrs_init__(conditions)


Condition = (
    Assigned
    | BehindSchedule
    | NoProgressFor
    | Overdue
    | PreviousUnanswered
    | WarningAtLeast
    | AllOf
    | AnyOf
)
"""Any condition a level can be gated on."""

_CONDITION_TYPES = (
    Assigned,
    BehindSchedule,
    NoProgressFor,
    Overdue,
    PreviousUnanswered,
    WarningAtLeast,
    AllOf,
    AnyOf,
)
_NAMES = ", ".join(c.__name__ for c in _CONDITION_TYPES)


def _condition(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None and attribute.name == "skip_when":
        return
    if not isinstance(value, _CONDITION_TYPES):
        raise InvalidTypeError(f"{attribute.name}={value!r}; expected one of {_NAMES}")


def uses_previous(condition: Condition) -> bool:
    """True when ``condition`` refers to the previous level."""
    if isinstance(condition, PreviousUnanswered):
        return True
    if isinstance(condition, (AllOf, AnyOf)):
        return any(uses_previous(c) for c in condition.conditions)
    return False


@final
@attrs.frozen
class Repeat:
    """Issue the level again every ``every_working_days`` while its condition holds, at most
    ``limit`` more times. Missed repeats are coalesced into one notice."""

    every_working_days: int = attrs.field(validator=_positive_int)
    limit: int = attrs.field(default=1, kw_only=True, validator=_positive_int)


def _kind(value: object) -> str:
    if isinstance(value, NoticeKind):
        return value
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(
            f"kind={value!r}; expected a NoticeKind or a non-empty custom kind name"
        )
    try:
        return NoticeKind(value)
    except ValueError:
        return value


def _targets(value: Iterable[Target | str]) -> tuple[Target, ...]:
    if isinstance(value, (str, Target)):
        value = (value,)
    items = tuple(to_enum(Target, v) for v in to_tuple(value))
    if not items:
        raise InvalidInputError("to=(); a notice needs at least one Target")
    if Target.DEPUTY_COVER in items:
        raise InvalidInputError(
            f"to={items!r}; Target.DEPUTY_COVER addresses report-back notices only (the deputy "
            "and leader of a recorded act); a level's notice goes to the task's people"
        )
    return items


@final
@attrs.frozen
class Level:
    """One rung of the ladder.

    ``name`` is the stable id used in notice keys; ``condition`` gates it; a level after the first
    fires only once the level before it was issued in the task's current cycle, unless
    ``skip_when`` holds (e.g. an overdue task goes straight to an interview). ``respond_within``
    is a rule-language text ("within 3 working days") giving the notice's answer date.
    ``needs_approval``: the notice waits for an :class:`~govops.escalation.ApprovalGranted`.
    """

    name: str = attrs.field(validator=_text)
    kind: str = attrs.field(kw_only=True, converter=_kind)
    to: tuple[Target, ...] = attrs.field(kw_only=True, converter=_targets)
    condition: Condition = attrs.field(kw_only=True, validator=_condition)
    respond_within: str | None = attrs.field(default=None, kw_only=True, validator=_optional_text)
    needs_approval: bool = attrs.field(default=False, kw_only=True)
    repeat: Repeat | None = attrs.field(default=None, kw_only=True)
    skip_when: Condition | None = attrs.field(default=None, kw_only=True, validator=_condition)


def _rule_or_dates(instance: JointMeeting) -> None:
    if (instance.schedule is None) == (not instance.dates):
        raise InvalidInputError(
            f"JointMeeting {instance.name!r} needs a schedule (rule text) or dates, exactly one"
        )


def _dates(value: Iterable[dt.date]) -> tuple[dt.date, ...]:
    items = to_tuple(value)
    for d in items:
        if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
            raise InvalidTypeError(f"dates contains {d!r}; expected datetime.date values")
    return tuple(sorted(set(items)))


@final
@attrs.frozen
class JointMeeting:
    """The leading group's joint meeting (联席会议): where the third tier of issues lands.

    ``schedule`` is a rule-language schedule ("every month on the last working day",
    "每月最后一个工作日"); :meth:`on_dates` takes explicit dates instead.
    """

    name: str = attrs.field(validator=_text)
    schedule: str | None = attrs.field(default=None, kw_only=True, validator=_optional_text)
    dates: tuple[dt.date, ...] = attrs.field(default=(), kw_only=True, converter=_dates)

    def __attrs_post_init__(self) -> None:
        _rule_or_dates(self)

    @classmethod
    def on_dates(cls, name: str, dates: Iterable[dt.date]) -> JointMeeting:
        """A joint meeting held on the given dates."""
        return cls(name, dates=tuple(dates))

    @classmethod
    def from_meeting_type(cls, meeting_type: MeetingType) -> JointMeeting:
        """The joint meeting of a :class:`govops.meetings.MeetingType` with a schedule (cadence).

        A type that sits only when called (``cadence=None``, like the preset joint meeting) has no
        next sitting to compute; give its dates with :meth:`on_dates` instead.
        """
        if not isinstance(meeting_type, MeetingType):
            raise InvalidTypeError(f"meeting_type={meeting_type!r}; expected a MeetingType")
        if meeting_type.cadence is None:
            raise EscalationError(
                f"meeting type {meeting_type.key!r} has no schedule (it sits when called); "
                "give the dates of its sittings with JointMeeting.on_dates(...)"
            )
        return cls(meeting_type.name_zh, schedule=meeting_type.cadence)


@final
@attrs.frozen
class Coordination:
    """Three-tier coordination of project issues (项目建设分级推进).

    An issue is the lead unit's to solve for ``unit_limit``; unresolved, it goes to the leader in
    charge, who has ``leader_limit`` counted from the day that hand-over was recorded; unresolved
    again, it is put on the agenda of the next :class:`JointMeeting` after the day it is handed up.
    Limits are rule-language texts.
    """

    unit_limit: str = attrs.field(kw_only=True, validator=_text)
    leader_limit: str = attrs.field(kw_only=True, validator=_text)
    meeting: JointMeeting = attrs.field(kw_only=True, validator=instance_of(JointMeeting))


@final
@attrs.frozen
class ApprovalStep:
    """A step of the approval green channel (绿色通道) and its limit as rule-language text."""

    name: str = attrs.field(validator=_text)
    limit: str = attrs.field(kw_only=True, validator=_text)


REPORT_BACK_WITHIN = "within 2 working days"
"""The default time a deputy has to report back, counted from the last day of the absence."""


def _levels(value: Iterable[Level]) -> tuple[Level, ...]:
    items = to_tuple(value)
    for item in items:
        if not isinstance(item, Level):
            raise InvalidTypeError(f"levels contains {item!r}; expected Level values")
    return items


def _steps(value: Iterable[ApprovalStep]) -> tuple[ApprovalStep, ...]:
    items = to_tuple(value)
    for item in items:
        if not isinstance(item, ApprovalStep):
            raise InvalidTypeError(
                f"approval_steps contains {item!r}; expected ApprovalStep values"
            )
    return items


def _sources(value: Iterable[str]) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else to_tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise InvalidTypeError(f"sources contains {item!r}; expected document titles (str)")
    return items


def _day(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidTypeError(f"{attribute.name}={value!r}; expected a datetime.date")


@final
@attrs.frozen
class EscalationPolicy:
    """A versioned escalation policy (督查督办制度).

    ``id`` and ``version`` name it in every notice key; ``effective_from`` is the first day of
    assignment it governs. ``on_deadline_change`` / ``on_reassignment`` say whether the ladder
    continues or restarts (see :class:`ClockRule`); ``sources`` cite the documents it encodes.
    ``working_days_only``: notices go out on working days only (the office is closed otherwise).
    ``report_back_within`` (rule-language text, counted from the last day of the leader's
    absence) is how long a deputy who acted for an absent leader (AB角) has to report back;
    past it, a report-back notice goes to both. ``None`` stops tracking report-backs. The
    default, "within 2 working days", is our choice: the source (乡镇运行保障机制实施意见 §12)
    gives no figure, and two days is its own figure for follow-up after a meeting (§10,
    会后两日内).
    """

    id: str = attrs.field(validator=_text)
    version: int = attrs.field(kw_only=True, validator=_positive_int)
    effective_from: dt.date = attrs.field(kw_only=True, validator=_day)
    levels: tuple[Level, ...] = attrs.field(kw_only=True, converter=_levels)
    coordination: Coordination | None = attrs.field(default=None, kw_only=True)
    approval_steps: tuple[ApprovalStep, ...] = attrs.field(
        default=(), kw_only=True, converter=_steps
    )
    on_deadline_change: ClockRule = attrs.field(
        default=ClockRule.CONTINUE, kw_only=True, converter=_clock_rule
    )
    on_reassignment: ClockRule = attrs.field(
        default=ClockRule.RESTART, kw_only=True, converter=_clock_rule
    )
    working_days_only: bool = attrs.field(default=True, kw_only=True)
    report_back_within: str | None = attrs.field(
        default=REPORT_BACK_WITHIN, kw_only=True, validator=_optional_text
    )
    title: str = attrs.field(default="", kw_only=True)
    sources: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_sources)

    def __attrs_post_init__(self) -> None:
        names = [level.name for level in self.levels]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise EscalationError(
                f"level names must be unique in {self.id!r}; repeated: {repeated!r}"
            )
        if self.levels and uses_previous(self.levels[0].condition):
            raise EscalationError(
                f"the first level {self.levels[0].name!r} of {self.id!r} uses PreviousUnanswered, "
                "but there is no level before it"
            )
        steps = [s.name for s in self.approval_steps]
        if len(set(steps)) != len(steps):
            raise EscalationError(f"approval step names must be unique in {self.id!r}: {steps!r}")

    @property
    def label(self) -> str:
        """``id@version``, the prefix of every notice key."""
        return f"{self.id}@{self.version}"

    def level(self, name: str) -> Level:
        """The level called ``name``."""
        for level in self.levels:
            if level.name == name:
                return level
        raise EscalationError(
            f"policy {self.label!r} has no level {name!r}; levels: {[lv.name for lv in self.levels]!r}"
        )


def policy_in_force(policies: tuple[EscalationPolicy, ...], day: dt.date) -> EscalationPolicy:
    """The latest version effective on ``day`` (the earliest version if none is yet)."""
    chosen = policies[0]
    for policy in policies:
        if policy.effective_from <= day:
            chosen = policy
    return chosen


def as_policies(policy: object) -> tuple[EscalationPolicy, ...]:
    """A single policy or the versions of one policy, checked and sorted by version."""
    if isinstance(policy, EscalationPolicy):
        return (policy,)
    if isinstance(policy, (str, bytes)) or not isinstance(policy, Iterable):
        raise InvalidTypeError(
            f"policy={policy!r}; expected an EscalationPolicy or a sequence of its versions"
        )
    items = tuple(policy)
    if not items or not all(isinstance(p, EscalationPolicy) for p in items):
        raise InvalidTypeError(f"policy={policy!r}; expected EscalationPolicy values")
    ids = {p.id for p in items}
    if len(ids) != 1:
        raise EscalationError(f"policy versions must share one id; got {sorted(ids)!r}")
    items = tuple(sorted(items, key=lambda p: p.version))
    versions = [p.version for p in items]
    if len(set(versions)) != len(versions):
        raise EscalationError(f"policy {items[0].id!r} lists a version twice: {versions!r}")
    for before, after in itertools.pairwise(items):
        if after.effective_from <= before.effective_from:
            raise EscalationError(
                f"version {after.version} of {after.id!r} takes effect "
                f"{after.effective_from.isoformat()}, not after version {before.version}"
            )
    return items
