"""Who owns a piece of work, what it is, when it is due and how it is planned.

These are plain values: a :class:`Task` says what was assigned, a :class:`Responsibility` who answers
for it, a :class:`Deadline` when it is due and a :class:`Plan` how the work is spread over time. What
happened to a task afterwards is not stored here but in the ledger's events.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, final

import attrs

from .._checks import (
    boolean,
    check_number,
    check_text,
    instance_of,
    shown,
    text,
    to_enum,
    to_float,
    to_tuple,
)
from ..calendars import Calendar
from ..exceptions import InvalidInputError, InvalidTypeError, RuleError

if TYPE_CHECKING:
    from ..rules import Counting

__all__ = [
    "Category",
    "CooperatingUnit",
    "Deadline",
    "FiveOnesReport",
    "Milestone",
    "Person",
    "Plan",
    "Responsibility",
    "Role",
    "Source",
    "SourceKind",
    "SubItem",
    "Task",
    "Unit",
    "UnitKind",
    "WorkingCalendar",
    "check_five_ones",
]


WorkingCalendar = Calendar
"""The calendar a ledger counts on: :class:`govops.calendars.Calendar` under the name earlier
versions of :mod:`govops.tasks` gave it."""


def _text(name: str) -> Any:
    """An attrs validator: a non-empty ``str`` (ids and titles)."""

    def check(_instance: object, _attribute: object, value: object) -> None:
        check_text(value, name, empty=False)

    return check


def _day(name: str, *, optional: bool = False) -> Any:
    """An attrs validator: a ``datetime.date`` that is not a ``datetime``."""

    def check(_instance: object, _attribute: object, value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise InvalidTypeError(
                f"{name}={value!r} is a {type(value).__name__}; expected a datetime.date"
            )

    return check


def percent(value: object, *, name: str = "percent") -> float:
    """Return ``value`` as a float in [0, 100], or raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidTypeError(
            f"{name}={shown(value)} is a {type(value).__name__}; expected a number from 0 to 100"
        )
    if not 0.0 <= value <= 100.0:  # before float(): 10**400 is out of range, not an overflow
        raise InvalidInputError(
            f"{name}={shown(value)} is out of range; expected a number from 0 to 100"
        )
    return float(value)


def _percent_field(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    percent(value, name=attribute.name)


class UnitKind(str, enum.Enum):
    """What sort of organisation a unit is."""

    GOVERNMENT = "government"
    """A people's government at any level (镇政府, 市政府)."""
    DEPARTMENT = "department"
    """A functional department or bureau (委办局, 科室)."""
    OFFICE = "office"
    """An office of the government or party committee (党政办公室, 督查室)."""
    STATION = "station"
    """A town-level station or centre (站所)."""
    VILLAGE = "village"
    """A village or community committee (村委会, 社区)."""
    PARK = "park"
    """A development zone or industrial park (园区)."""
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


def _unit_kind(value: object) -> UnitKind:
    return to_enum(UnitKind, value)


@final
@attrs.frozen
class Unit:
    """An organisation that can own or help with work: a department, town, office or station."""

    id: str = attrs.field(validator=_text("id"))
    name: str = attrs.field(validator=_text("name"))
    kind: UnitKind = attrs.field(default=UnitKind.DEPARTMENT, kw_only=True, converter=_unit_kind)


class Role(str, enum.Enum):
    """The positions a person can hold with respect to tracked work."""

    PRINCIPAL = "principal"
    """主要负责人: the head of a unit, answerable for all of its work."""
    LEADER_IN_CHARGE = "leader_in_charge"
    """分管领导: the leader whose portfolio the work falls in; signs off its completion."""
    RESPONSIBLE_PERSON = "responsible_person"
    """责任人: the person who carries the work day to day."""
    TEAM_MEMBER = "team_member"
    """A member of the work team (工作班子)."""
    LIAISON = "liaison"
    """联络员: the contact for supervision."""

    def __str__(self) -> str:
        return self.value


def _roles(value: Iterable[Role | str]) -> frozenset[Role]:
    return frozenset(to_enum(Role, x) for x in to_tuple(value))


@final
@attrs.frozen
class Person:
    """Someone who can be named in a responsibility; ``unit`` is the id of their unit."""

    id: str = attrs.field(validator=_text("id"))
    name: str = attrs.field(validator=_text("name"))
    unit: str | None = attrs.field(default=None, kw_only=True, validator=text(optional=True))
    roles: frozenset[Role] = attrs.field(default=frozenset(), kw_only=True, converter=_roles)


@final
@attrs.frozen
class CooperatingUnit:
    """A cooperating unit (配合单位) and the part of the work it answers for."""

    unit: Unit = attrs.field(validator=instance_of(Unit))
    part: str = attrs.field(default="", kw_only=True, validator=text())


def _tuple_of(kind: type, name: str) -> Any:
    def check(_instance: object, _attribute: object, value: tuple[object, ...]) -> None:
        for item in value:
            if not isinstance(item, kind):
                raise InvalidTypeError(
                    f"{name} contains {item!r}, a {type(item).__name__}; "
                    f"expected {kind.__name__} values"
                )

    return check


@final
@attrs.frozen
class Responsibility:
    """Who answers for a task (责任分工).

    The lead unit (牵头单位) owns the result; each cooperating unit (配合单位) answers for its part; the
    leader in charge (分管领导) oversees and signs off completion; the responsible person (责任人)
    carries the work with the work team (工作班子).
    """

    lead_unit: Unit = attrs.field(validator=instance_of(Unit))
    cooperating: tuple[CooperatingUnit, ...] = attrs.field(
        default=(),
        kw_only=True,
        converter=to_tuple,
        validator=_tuple_of(CooperatingUnit, "cooperating"),
    )
    leader_in_charge: Person | None = attrs.field(
        default=None, kw_only=True, validator=instance_of(Person, optional=True)
    )
    responsible_person: Person | None = attrs.field(
        default=None, kw_only=True, validator=instance_of(Person, optional=True)
    )
    work_team: tuple[Person, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_tuple_of(Person, "work_team")
    )

    def unit_ids(self) -> frozenset[str]:
        """The ids of the lead unit and every cooperating unit."""
        return frozenset({self.lead_unit.id, *(c.unit.id for c in self.cooperating)})


class Category(str, enum.Enum):
    """The kinds of tracked work the source policies put into a ledger (纳入台账管理)."""

    KEY_PROJECT = "key_project"
    """重点项目"""
    KEY_TASK = "key_task"
    """重点工作"""
    KEY_WORKS = "key_works"
    """重点工程"""
    PUBLIC_PLEDGE = "public_pledge"
    """为民实事 / 民生实事"""
    MEETING_DECISION = "meeting_decision"
    """会议议定事项"""
    LEADER_INSTRUCTION = "leader_instruction"
    """领导批示"""
    ANNUAL_PLAN = "annual_plan"
    """年度计划事项"""
    SUPERVISED_ITEM = "supervised_item"
    """督查事项 assigned by a supervision office"""
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


class SourceKind(str, enum.Enum):
    """Where a task came from."""

    DOCUMENT = "document"
    MEETING = "meeting"
    INSTRUCTION = "instruction"

    def __str__(self) -> str:
        return self.value


def _source_kind(value: object) -> SourceKind:
    return to_enum(SourceKind, value)


@final
@attrs.frozen
class Source:
    """The document, meeting or instruction a task comes from, e.g. a document number (文号)."""

    kind: SourceKind = attrs.field(converter=_source_kind)
    reference: str = attrs.field(validator=_text("reference"))
    date: dt.date | None = attrs.field(
        default=None, kw_only=True, validator=_day("date", optional=True)
    )


def _category(value: object) -> Category:
    return to_enum(Category, value)


def _resolve_rule(text: str, trigger: dt.date, calendar: WorkingCalendar) -> dt.date:
    # Imported lazily: a ledger of fixed dates never needs the parser (and lark) loaded.
    from ..rules import parse_rule

    # The rule language asks for a WorkCalendar; rule deadlines need one (a toy calendar serves
    # only fixed dates), which the protocol type cannot express.
    due: object = parse_rule(text).due(trigger, calendar=calendar)  # type: ignore[arg-type]
    if not isinstance(due, dt.date):  # pragma: no cover - the rule API contract
        raise InvalidTypeError(f"rule {text!r} returned {due!r}; expected a date")
    return due


def _check_rule(text: str) -> None:
    """Read ``text`` now, so that a deadline that cannot be counted is refused when it is made,
    not when a ledger first counts it: unreadable text raises
    :class:`~govops.exceptions.RuleSyntaxError`, a schedule (which recurs) a
    :class:`~govops.exceptions.RuleError`."""
    from ..rules import Schedule, parse_rule  # lazily, as in _resolve_rule

    if isinstance(parse_rule(text).body, Schedule):
        raise RuleError(
            f"rule={text!r} is a schedule (it recurs); a deadline falls once: write a deadline "
            "such as 'within 20 working days' or '20个工作日内', or give a date with Deadline.on()"
        )


@final
@attrs.frozen
class Deadline:
    """When a task is due: a fixed date, or a rule of the rule language and the day it counts from.

    >>> Deadline.on(dt.date(2026, 6, 30))
    Deadline(date=datetime.date(2026, 6, 30), rule=None, trigger=None, clock_stops_when_suspended=False)

    ``clock_stops_when_suspended``: the working days a task spends suspended are added to its due
    date, as 政府信息公开条例 §33 does for time spent consulting third parties.
    """

    date: dt.date | None = attrs.field(default=None, validator=_day("date", optional=True))
    rule: str | None = attrs.field(default=None, kw_only=True, validator=text(optional=True))
    trigger: dt.date | None = attrs.field(
        default=None, kw_only=True, validator=_day("trigger", optional=True)
    )
    clock_stops_when_suspended: bool = attrs.field(default=False, kw_only=True, validator=boolean)

    def __attrs_post_init__(self) -> None:
        if self.date is None and self.rule is None:
            raise InvalidInputError("Deadline needs a date or a rule; got neither")
        if self.date is not None and (self.rule is not None or self.trigger is not None):
            raise InvalidInputError(
                f"Deadline(date={self.date!r}, rule={self.rule!r}) has both a date and a rule; "
                "give one"
            )
        if self.rule is not None and (not isinstance(self.rule, str) or not self.rule.strip()):
            raise InvalidInputError(f"rule={self.rule!r} is empty; expected rule text")
        if self.rule is not None and self.trigger is None:
            raise InvalidInputError(
                f"Deadline(rule={self.rule!r}) needs trigger=, the day the period counts from"
            )
        if self.rule is not None:
            _check_rule(self.rule)

    @classmethod
    def on(cls, day: dt.date, *, clock_stops_when_suspended: bool = False) -> Deadline:
        """A fixed due date."""
        return cls(day, clock_stops_when_suspended=clock_stops_when_suspended)

    @classmethod
    def from_rule(
        cls,
        text: str,
        *,
        trigger: dt.date,
        counting: Counting | None = None,
        clock_stops_when_suspended: bool = False,
    ) -> Deadline:
        """A due date computed by a rule, e.g. ``"within 20 working days"`` after ``trigger``.

        ``counting`` is the document's counting context (:class:`govops.rules.Counting`), for a
        host that reads a whole document or policy one way: under the Administrative Licensing
        Law every 日 is a working day. A rule read in a working-day context is kept written out
        in full, in its own language and with its source, so the deadline means the same when
        stored and read back without the context, and its explanation still cites the source:

        >>> from govops.rules import ADMINISTRATIVE_LICENSING
        >>> d = Deadline.from_rule(
        ...     "自受理之日起二十日内作出决定",
        ...     trigger=dt.date(2025, 1, 24),
        ...     counting=ADMINISTRATIVE_LICENSING,
        ... )
        >>> d.rule
        '自受理之日起20个工作日内作出决定（依行政许可法第八十二条，期限以工作日计算）'

        The text is read here, whatever the context: unreadable text raises
        :class:`~govops.exceptions.RuleSyntaxError` and a schedule, which recurs, a
        :class:`~govops.exceptions.RuleError`:

        >>> Deadline.from_rule("every Monday", trigger=dt.date(2026, 3, 2))
        Traceback (most recent call last):
        ...
        govops.exceptions.RuleError: rule='every Monday' is a schedule (it recurs); a deadline falls once: write a deadline such as 'within 20 working days' or '20个工作日内', or give a date with Deadline.on()

        Calendar days are the rule language's own reading; the text is kept as given.
        """
        if counting is not None and counting.days == "working":
            rule = counting.parse_rule(text)
            text = rule.to_text(rule.lang)
        return cls(
            rule=text, trigger=trigger, clock_stops_when_suspended=clock_stops_when_suspended
        )

    def resolve(self, calendar: WorkingCalendar) -> dt.date:
        """The due date on ``calendar`` (for a rule: ``parse_rule(rule).due(trigger, ...)``).

        A rule that cannot be read raises :class:`~govops.exceptions.RuleSyntaxError`; a rule
        deadline needs a :class:`govops.calendars.WorkCalendar`.
        """
        if self.date is not None:
            return self.date
        # Both are checked at construction.
        assert self.rule is not None
        assert self.trigger is not None
        return _resolve_rule(self.rule, self.trigger, calendar)

    @property
    def counts_calendar_days(self) -> bool:
        """Whether the deadline counts calendar time forward from its trigger (``within 15 days``,
        ``一个月内``), so that a suspension that stops the clock extends it by calendar days.

        Fixed dates and every other rule (working days, period ends, ``before`` counts) count a
        pause in working days, as 政府信息公开条例 §33 does.

        >>> Deadline.from_rule("within 15 days", trigger=dt.date(2026, 3, 2)).counts_calendar_days
        True
        >>> Deadline.from_rule("20个工作日内", trigger=dt.date(2026, 3, 2)).counts_calendar_days
        False
        """
        if self.rule is None:
            return False
        from ..rules import Relative, parse_rule

        body = parse_rule(self.rule).body
        return isinstance(body, Relative) and not body.before and body.count.unit != "working_day"

    def __str__(self) -> str:
        if self.date is not None:
            return self.date.isoformat()
        assert self.trigger is not None
        return f"{self.rule} (from {self.trigger.isoformat()})"


@final
@attrs.frozen
class Milestone:
    """A point in a plan: by ``due``, ``cumulative_percent`` of the whole work should be done.

    Quarterly targets (季度目标) are milestones at the quarter-ends.
    """

    id: str = attrs.field(validator=_text("id"))
    due: dt.date = attrs.field(validator=_day("due"))
    cumulative_percent: float = attrs.field(
        kw_only=True, converter=to_float, validator=_percent_field
    )
    title: str = attrs.field(default="", kw_only=True, validator=text())


def _check_milestones(milestones: tuple[Milestone, ...]) -> None:
    for before, after in itertools.pairwise(milestones):
        if after.due <= before.due:
            raise InvalidInputError(
                f"milestone {after.id!r} is due {after.due.isoformat()}, not after "
                f"{before.id!r} ({before.due.isoformat()}); list milestones in date order"
            )
        if after.cumulative_percent < before.cumulative_percent:
            raise InvalidInputError(
                f"milestone {after.id!r} plans {after.cumulative_percent}% cumulative, less "
                f"than {before.id!r} ({before.cumulative_percent}%); targets are cumulative"
            )


@final
@attrs.frozen
class SubItem:
    """A sub-item (子项) of a plan with its own deadline, unit, person and monthly schedule.

    ``milestones`` are the sub-item's own planned cumulative progress (每月进度安排), in the same
    form as the plan's.
    """

    id: str = attrs.field(validator=_text("id"))
    title: str = attrs.field(validator=_text("title"))
    deadline: dt.date = attrs.field(kw_only=True, validator=_day("deadline"))
    unit: str | None = attrs.field(default=None, kw_only=True, validator=text(optional=True))
    responsible_person: str | None = attrs.field(
        default=None, kw_only=True, validator=text(optional=True)
    )
    milestones: tuple[Milestone, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_tuple_of(Milestone, "milestones")
    )

    def __attrs_post_init__(self) -> None:
        _check_milestones(self.milestones)


@final
@attrs.frozen
class Plan:
    """An implementation plan (推进方案): milestones with planned cumulative progress and sub-items.

    Milestones must be in date order with non-decreasing targets.
    """

    milestones: tuple[Milestone, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_tuple_of(Milestone, "milestones")
    )
    sub_items: tuple[SubItem, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_tuple_of(SubItem, "sub_items")
    )
    summary: str = attrs.field(default="", kw_only=True, validator=text())

    def __attrs_post_init__(self) -> None:
        ids = [m.id for m in self.milestones] + [s.id for s in self.sub_items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise InvalidInputError(f"plan ids must be unique; repeated: {duplicates!r}")
        _check_milestones(self.milestones)

    @property
    def points(self) -> tuple[tuple[dt.date, float], ...]:
        """The ``(due date, cumulative percent)`` of each milestone, as
        :func:`~govops.tasks.expected_percent` takes them.

        >>> import datetime as dt
        >>> Plan([Milestone("q2", dt.date(2026, 6, 30), cumulative_percent=50)]).points
        ((datetime.date(2026, 6, 30), 50.0),)
        """
        return tuple((m.due, m.cumulative_percent) for m in self.milestones)

    def milestone(self, milestone_id: str) -> Milestone | None:
        """The milestone with this id, if any."""
        for m in self.milestones:
            if m.id == milestone_id:
                return m
        return None


@final
@attrs.frozen
class Task:
    """A tracked piece of work (重点工作 / 督查事项): what, from where, who, by when, and how.

    ``start`` is the planned start; when omitted the day of assignment is used. ``target_quantity``
    (with ``quantity_unit``, e.g. 万元) lets progress be reported as a quantity. ``parent`` is the id of
    the task this one is a part of.
    """

    id: str = attrs.field(validator=_text("id"))
    title: str = attrs.field(validator=_text("title"))
    category: Category = attrs.field(kw_only=True, converter=_category)
    responsibility: Responsibility = attrs.field(kw_only=True)
    deadline: Deadline = attrs.field(kw_only=True)
    goal: str = attrs.field(default="", kw_only=True, validator=text())
    content: str = attrs.field(default="", kw_only=True, validator=text())
    source: Source | None = attrs.field(
        default=None, kw_only=True, validator=instance_of(Source, optional=True)
    )
    start: dt.date | None = attrs.field(
        default=None, kw_only=True, validator=_day("start", optional=True)
    )
    plan: Plan | None = attrs.field(
        default=None, kw_only=True, validator=instance_of(Plan, optional=True)
    )
    parent: str | None = attrs.field(default=None, kw_only=True, validator=text(optional=True))
    target_quantity: float | None = attrs.field(default=None, kw_only=True, converter=to_float)
    quantity_unit: str | None = attrs.field(
        default=None, kw_only=True, validator=text(optional=True)
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.responsibility, Responsibility):
            raise InvalidTypeError(
                f"responsibility={self.responsibility!r}; expected a Responsibility"
            )
        if not isinstance(self.deadline, Deadline):
            raise InvalidTypeError(f"deadline={self.deadline!r}; expected a Deadline")
        if self.parent == self.id:
            raise InvalidInputError(f"task {self.id!r} cannot be its own parent")
        if self.target_quantity is not None and not (
            check_number(self.target_quantity, "target_quantity") > 0
        ):
            raise InvalidInputError(
                f"target_quantity={self.target_quantity!r}; expected a positive number"
            )


@final
@attrs.frozen
class FiveOnesReport:
    """What a task lacks of the "five ones" (五个一).

    One important task, one leader in charge, one work team, one implementation plan, one ledger
    (一项重要工作、一名分管领导、一个工作班子、一套推进方案、一本落实台账).
    """

    task_id: str
    missing: tuple[str, ...] = attrs.field(kw_only=True)

    @property
    def is_complete(self) -> bool:
        """True when nothing is missing."""
        return not self.missing

    def __str__(self) -> str:
        if not self.missing:
            return f"{self.task_id}: five ones complete"
        return f"{self.task_id}: missing {', '.join(self.missing)}"


def check_five_ones(
    task: Task, *, plan: Plan | None = None, in_ledger: bool = False
) -> FiveOnesReport:
    """Report what ``task`` lacks of the five ones.

    ``plan`` is an approved plan recorded later in the ledger (it counts as the task's plan);
    ``in_ledger`` says whether the task is recorded in a ledger.

    >>> from govops.tasks import Unit, Responsibility, Task, Deadline
    >>> t = Task("T1", "Road repair", category="key_task", deadline=Deadline.on(dt.date(2026, 6, 30)),
    ...          responsibility=Responsibility(Unit("roads", "Roads office")))
    >>> print(check_five_ones(t))
    T1: missing goal, leader in charge, work team, plan, ledger
    """
    missing: list[str] = []
    if not task.goal.strip() and not task.content.strip():
        missing.append("goal")
    if task.responsibility.leader_in_charge is None:
        missing.append("leader in charge")
    if not task.responsibility.work_team:
        missing.append("work team")
    if task.plan is None and plan is None:
        missing.append("plan")
    if not in_ledger:
        missing.append("ledger")
    return FiveOnesReport(task.id, missing=tuple(missing))
