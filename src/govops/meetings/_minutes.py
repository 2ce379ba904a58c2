"""Minutes (会议纪要) and what follows them: decided items and follow-up duties become ledger tasks.

After a sitting (镇政府运行保障机制 items 9–11): the minutes record the decided items (议定事项);
each becomes a task with its lead unit, deadline and the meeting as source; every unit with a decided
item submits its implementation plan, signed by its leader in charge, to the convening leader within
the type's window; a substitute reports the meeting back to the member they stood in for; the minutes
themselves are due to their recipients. Those duties are tasks too, so the ledger tracks them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, final

import attrs

from .._time import SHANGHAI, as_local_date, require_aware
from ..exceptions import InvalidTypeError, MeetingError
from ..tasks import (
    Category,
    CooperatingUnit,
    Deadline,
    Ledger,
    Person,
    Responsibility,
    Source,
    SourceKind,
    Task,
    TaskAssigned,
    Unit,
)
from ._agenda import Agenda
from ._attendance import AttendanceSheet
from ._model import Meeting, instance_of, optional_text, text_field, to_tuple
from ._presets import role_name

__all__ = ["DecidedItem", "Minutes", "follow_up_tasks", "record_minutes", "take_minutes"]


def _lead_unit(_instance: object, _attribute: object, value: Any) -> None:
    if value is None:
        raise MeetingError(
            "a decided item needs a lead unit (牵头单位): pass lead_unit=Unit(...); an item that "
            "nobody leads is never done"
        )
    if not isinstance(value, Unit):
        raise InvalidTypeError(f"lead_unit={value!r}; expected a Unit")


def _due(_instance: object, _attribute: object, value: Any) -> None:
    if value is None or (isinstance(value, str) and value.strip()):
        return
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return
    raise InvalidTypeError(
        f"due={value!r}; expected a datetime.date, rule text counted from the meeting day "
        "(e.g. '会后十个工作日内'), or None for the meeting type's default"
    )


def _cooperating(_instance: object, _attribute: object, value: tuple[object, ...]) -> None:
    for unit in value:
        if not isinstance(unit, CooperatingUnit):
            raise InvalidTypeError(
                f"cooperating contains {unit!r}; expected CooperatingUnit(Unit(...), part=...) values"
            )


def _optional_person(name: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if value is not None and not isinstance(value, Person):
            raise InvalidTypeError(f"{name}={value!r}; expected a Person or None")

    return check


@final
@attrs.frozen
class DecidedItem:
    """A decided item (议定事项): what, who leads, who helps, by when.

    ``due`` is a date, rule text counted from the meeting day ("within 10 working days after the
    meeting"), or ``None`` for the type's default (``FollowUpRules.item_due``). ``topic_id`` ties it
    to the agenda item it came from; ``collective`` records a collective decision (集体讨论决定).
    """

    id: str = attrs.field(validator=text_field("id"))
    title: str = attrs.field(validator=text_field("title"))
    lead_unit: Unit | None = attrs.field(kw_only=True, validator=_lead_unit)
    cooperating: tuple[CooperatingUnit, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=_cooperating
    )
    leader_in_charge: Person | None = attrs.field(
        default=None, kw_only=True, validator=_optional_person("leader_in_charge")
    )
    responsible_person: Person | None = attrs.field(
        default=None, kw_only=True, validator=_optional_person("responsible_person")
    )
    due: dt.date | str | None = attrs.field(default=None, kw_only=True, validator=_due)
    topic_id: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("topic_id")
    )
    collective: bool = attrs.field(default=False, kw_only=True)
    content: str = attrs.field(default="", kw_only=True)


@final
@attrs.frozen
class Minutes:
    """The record of a sitting that took place: attendance, decided items, the agenda it followed.

    Checked when built: the sitting must have happened by ``recorded_at`` (local day on or after the
    meeting day) and have no blockers; the attendance is this sitting's and meets any quorum; every
    decided item has a deadline (its own or the type's default), a unique id, a topic that was on
    the agenda (when an agenda is given), and is collective where the agenda item requires it.
    """

    meeting: Meeting = attrs.field(validator=instance_of(Meeting, "meeting"))
    attendance: AttendanceSheet = attrs.field(
        kw_only=True, validator=instance_of(AttendanceSheet, "attendance")
    )
    decided: tuple[DecidedItem, ...] = attrs.field(kw_only=True, converter=to_tuple)
    recorded_at: dt.datetime = attrs.field(kw_only=True)
    agenda: Agenda | None = attrs.field(default=None, kw_only=True)
    secretariat: Unit | None = attrs.field(default=None, kw_only=True)
    summary: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        m = self.meeting
        t = m.meeting_type
        require_aware(self.recorded_at, name="recorded_at")
        day = as_local_date(self.recorded_at, SHANGHAI, name="recorded_at")
        if day < m.date:
            raise MeetingError(
                f"minutes recorded {day.isoformat()} for {m.id}, which sits on "
                f"{m.date.isoformat()}: a meeting that has not happened has no minutes"
            )
        blockers = m.blockers()
        if blockers:
            raise MeetingError(f"{m.id} cannot be held as the rules require: {'; '.join(blockers)}")
        if self.attendance.meeting != m:
            raise MeetingError(f"the attendance is of {self.attendance.meeting.id}, not of {m.id}")
        if self.attendance.quorum_met is False:
            raise MeetingError(
                f"{m.id} has no quorum ({t.attendance.quorum:.0%} of members in person), so it "
                "cannot decide anything"
            )
        if self.agenda is not None and self.agenda.meeting != m:
            raise MeetingError(f"the agenda is of {self.agenda.meeting.id}, not of {m.id}")
        if self.secretariat is not None and not isinstance(self.secretariat, Unit):
            raise InvalidTypeError(f"secretariat={self.secretariat!r}; expected a Unit or None")
        seen: set[str] = set()
        for item in self.decided:
            if not isinstance(item, DecidedItem):
                raise InvalidTypeError(f"decided contains {item!r}; expected DecidedItem values")
            if item.id in seen:
                raise MeetingError(f"decided item id {item.id!r} is used twice in {m.id}")
            seen.add(item.id)
            if item.due is None and t.follow_up.item_due is None:
                raise MeetingError(
                    f"decided item {item.id!r} has no deadline and {t.name_en} sets no default; "
                    "give due= (a date or rule text such as '会后十个工作日内')"
                )
            if self.agenda is not None and item.topic_id is not None:
                agenda_item = self.agenda.item(item.topic_id)
                if agenda_item is None:
                    raise MeetingError(
                        f"decided item {item.id!r} comes from topic {item.topic_id!r}, which is "
                        f"not on the agenda of {m.id}"
                    )
                if agenda_item.collective and not item.collective:
                    raise MeetingError(
                        f"decided item {item.id!r} is a major decision: it must be decided "
                        "collectively (集体讨论决定); set collective=True"
                    )
        if t.follow_up.minutes_due is not None and self.secretariat is None and m.convener is None:
            raise MeetingError(
                f"{t.name_en} requires minutes; name the unit that issues them (secretariat=) "
                "or give the meeting a convener"
            )

    @property
    def held_on(self) -> dt.date:
        """The day of the sitting."""
        return self.meeting.date


def take_minutes(
    meeting: Meeting,
    *,
    attendance: Iterable[object] | AttendanceSheet,
    decided: Iterable[DecidedItem],
    now: dt.datetime,
    agenda: Agenda | None = None,
    secretariat: Unit | None = None,
    summary: str = "",
) -> Minutes:
    """The checked minutes of ``meeting`` as recorded at ``now`` (see :class:`Minutes`)."""
    sheet = (
        attendance
        if isinstance(attendance, AttendanceSheet)
        else AttendanceSheet.of(meeting, attendance)  # type: ignore[arg-type]
    )
    return Minutes(
        meeting,
        attendance=sheet,
        decided=to_tuple(decided),
        recorded_at=now,
        agenda=agenda,
        secretariat=secretariat,
        summary=summary,
    )


def _deadline(text_or_date: dt.date | str, meeting: Meeting) -> Deadline:
    if isinstance(text_or_date, str):
        return Deadline.from_rule(text_or_date, trigger=meeting.date)
    return Deadline.on(text_or_date)


def _source(meeting: Meeting) -> Source:
    return Source(SourceKind.MEETING, reference=meeting.id, date=meeting.date)


def follow_up_tasks(minutes: Minutes) -> tuple[Task, ...]:
    """Every task the minutes create: the decided items, then the duties that follow the sitting.

    Ids are ``<meeting id>#<item id>`` for decided items (category ``meeting_decision``),
    ``<meeting id>#plan/<unit id>`` for implementation plans, ``<meeting id>#report-back/<person
    id>`` for substitutes' report-backs and ``<meeting id>#minutes`` for the minutes themselves.
    """
    m = minutes.meeting
    t = m.meeting_type
    rules = t.follow_up
    source = _source(m)
    tasks: list[Task] = []
    for item in minutes.decided:
        assert item.lead_unit is not None  # checked by DecidedItem
        due = item.due if item.due is not None else rules.item_due
        assert due is not None  # checked by Minutes
        tasks.append(
            Task(
                f"{m.id}#{item.id}",
                item.title,
                category=Category.MEETING_DECISION,
                responsibility=Responsibility(
                    item.lead_unit,
                    cooperating=item.cooperating,
                    leader_in_charge=item.leader_in_charge,
                    responsible_person=item.responsible_person,
                ),
                deadline=_deadline(due, m),
                content=item.content,
                source=source,
                start=m.date,
            )
        )
    if rules.plan_due is not None:
        units: dict[str, tuple[Unit, Person | None]] = {}
        for item in minutes.decided:
            assert item.lead_unit is not None
            unit, leader = units.get(item.lead_unit.id, (item.lead_unit, None))
            units[unit.id] = (unit, leader or item.leader_in_charge)
        for unit, leader in units.values():
            if rules.plan_signed_by is not None and leader is None:
                raise MeetingError(
                    f"the implementation plan of {unit.id!r} must be signed by its leader in "
                    f"charge (分管领导审核签字); name leader_in_charge= on a decided item it leads"
                )
            tasks.append(
                Task(
                    f"{m.id}#plan/{unit.id}",
                    f"报送{t.name_zh}落实计划(经分管领导审核签字后报召集会议的领导)",
                    category=Category.OTHER,
                    responsibility=Responsibility(unit, leader_in_charge=leader),
                    deadline=Deadline.from_rule(rules.plan_due, trigger=m.date),
                    content=f"implementation plan for {m.id}, signed by the leader in charge, "
                    f"to the convening leader ({t.chair})",
                    source=source,
                    start=m.date,
                )
            )
    if rules.report_back_due is not None:
        for entry in minutes.attendance.report_backs:
            assert entry.substitute is not None
            p = entry.participant
            tasks.append(
                Task(
                    f"{m.id}#report-back/{p.person.id}",
                    f"{entry.substitute.name}向{p.person.name}汇报{t.name_zh}精神",
                    category=Category.OTHER,
                    responsibility=Responsibility(
                        p.unit, leader_in_charge=p.person, responsible_person=entry.substitute
                    ),
                    deadline=Deadline.from_rule(rules.report_back_due, trigger=m.date),
                    content=f"substitute {entry.substitute.id} reports {m.id} back to {p.person.id}",
                    source=source,
                    start=m.date,
                )
            )
    if rules.minutes_due is not None:
        issuer = minutes.secretariat or m.convener
        assert issuer is not None  # checked by Minutes
        to = "、".join(role_name(r) for r in rules.minutes_to) if rules.minutes_to else "参会人员"
        tasks.append(
            Task(
                f"{m.id}#minutes",
                f"印发{t.name_zh}纪要(报送:{to})",
                category=Category.OTHER,
                responsibility=Responsibility(issuer),
                deadline=Deadline.from_rule(rules.minutes_due, trigger=m.date),
                content=f"minutes of {m.id} to {', '.join(rules.minutes_to) or 'the participants'}",
                source=source,
                start=m.date,
            )
        )
    return tuple(tasks)


def record_minutes(
    ledger: Ledger,
    minutes: Minutes,
    *,
    actor: str,
    at: dt.datetime | None = None,
) -> Ledger:
    """A new ledger with every task of :func:`follow_up_tasks` assigned; ``ledger`` is unchanged.

    ``at`` defaults to the minutes' ``recorded_at``. All or nothing: if any task cannot be recorded
    (an id already in the ledger, a deadline the calendar cannot count) the error is raised and no
    ledger with part of the minutes is returned.
    """
    if not isinstance(ledger, Ledger):
        raise InvalidTypeError(f"ledger={ledger!r}; expected a govops.tasks.Ledger")
    if not isinstance(minutes, Minutes):
        raise InvalidTypeError(f"minutes={minutes!r}; expected Minutes")
    when = minutes.recorded_at if at is None else at
    require_aware(when, name="at")
    if as_local_date(when, SHANGHAI, name="at") < minutes.meeting.date:
        raise MeetingError(
            f"at={when!r} is before {minutes.meeting.id} sat: decided items are recorded after "
            "the meeting"
        )
    tasks = follow_up_tasks(minutes)
    already = [task.id for task in tasks if task.id in ledger]
    if already:
        raise MeetingError(
            f"the ledger already holds {already!r}: the minutes of {minutes.meeting.id} were "
            "recorded before"
        )
    reason = f"{minutes.meeting.meeting_type.name_zh} {minutes.meeting.date.isoformat()} 议定 ({minutes.meeting.id})"
    return ledger.record_many((TaskAssigned(task), actor, when, reason) for task in tasks)
