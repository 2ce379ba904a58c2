"""Meeting systems as data: a :class:`MeetingType` is a policy, a :class:`Meeting` one sitting of it.

A meeting type says how often it sits (a schedule of the rule language), who chairs, attends and
observes, who may set topics, what a topic needs before it may go on the agenda, who approves leave
and substitutes, and what must follow the meeting (minutes, implementation plans, report-backs).
Nothing here is a code path per meeting system: the presets in ``_presets.py`` are values of these
classes.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, final

import attrs

from .._checks import check_text, text, texts
from .._checks import to_tuple as to_tuple  # the meetings modules take it from here
from ..exceptions import InvalidInputError, InvalidTypeError, MeetingError
from ..tasks import Person, Unit

E = TypeVar("E", bound=enum.Enum)

__all__ = [
    "AgendaRules",
    "AttendanceRules",
    "DecisionStep",
    "FollowUpRules",
    "Meeting",
    "MeetingBasis",
    "MeetingType",
    "Participant",
]


def text_field(name: str) -> Any:
    """An attrs validator: a non-empty ``str``."""

    def check(_instance: object, _attribute: object, value: object) -> None:
        check_text(value, name, empty=False)

    return check


def optional_text(name: str) -> Any:
    """An attrs validator: ``None`` or a non-empty ``str``."""
    inner = text_field(name)

    def check(instance: object, attribute: object, value: object) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


def day_field(name: str, *, optional: bool = False) -> Any:
    """An attrs validator: a ``datetime.date`` that is not a ``datetime``."""

    def check(_instance: object, _attribute: object, value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise InvalidTypeError(
                f"{name}={value!r} is a {type(value).__name__}; expected a datetime.date"
            )

    return check


def instance_of(kind: type, name: str) -> Any:
    """An attrs validator: an instance of ``kind``, else :class:`InvalidTypeError` naming ``name``."""

    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, kind):
            raise InvalidTypeError(
                f"{name}={value!r} is a {type(value).__name__}; expected a {kind.__name__}"
            )

    return check


def enum_value(kind: type[E], name: str) -> Callable[[object], E]:
    """An attrs converter: a member of ``kind`` or its value, else :class:`InvalidInputError`."""

    def convert(value: object) -> E:
        if isinstance(value, kind):
            return value
        for member in kind:
            if member.value == value:
                return member
        raise InvalidInputError(f"{name}={value!r} is not one of {[m.value for m in kind]!r}")

    return convert


def role_set(value: Iterable[str] | str) -> frozenset[str]:
    """Convert role keys to a frozenset; a bare string is one role, not its characters."""
    if isinstance(value, str):
        return frozenset({value})
    if not isinstance(value, Iterable):
        raise InvalidTypeError(f"{value!r} is a {type(value).__name__}; expected role keys (str)")
    return frozenset(check_text(role, "a role key", empty=False) for role in value)


def _roles_valid(name: str) -> Any:
    def check(_instance: object, _attribute: object, value: frozenset[object]) -> None:
        for role in value:
            if not isinstance(role, str) or not role.strip():
                raise InvalidInputError(f"{name} contains {role!r}; expected role keys (str)")
            check_text(role, f"a role of {name}")

    return check


def _non_negative(name: str, *, optional: bool = True) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInputError(f"{name}={value!r}; expected an int >= 0")

    return check


def _levels(value: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidTypeError(f"ladder={value!r}; expected a sequence of level keys, lowest first")
    levels = tuple(check_text(v, "a level of ladder", empty=False) for v in value)
    if len(set(levels)) != len(levels):
        raise InvalidInputError(f"ladder={levels!r} names a level twice")
    return levels


class DecisionStep(str, enum.Enum):
    """A step of the procedure for a major decision (重大决策), recorded before it may be decided.

    The four steps and the collective decision that follows them are those of the Panjin city
    government's supplementary work rules (盘锦市人民政府工作规则补充规定, item 10), which follow the
    national procedure for major administrative decisions.
    """

    PUBLIC_PARTICIPATION = "public_participation"
    """公众参与"""
    EXPERT_REVIEW = "expert_review"
    """专家论证"""
    RISK_ASSESSMENT = "risk_assessment"
    """风险评估"""
    LEGALITY_REVIEW = "legality_review"
    """合法性审查 by the legal affairs office"""

    @property
    def name_zh(self) -> str:
        """The step's name in Chinese."""
        return _STEP_ZH[self]

    def __str__(self) -> str:
        return self.value


_STEP_ZH = {
    DecisionStep.PUBLIC_PARTICIPATION: "公众参与",
    DecisionStep.EXPERT_REVIEW: "专家论证",
    DecisionStep.RISK_ASSESSMENT: "风险评估",
    DecisionStep.LEGALITY_REVIEW: "合法性审查",
}

ALL_DECISION_STEPS = frozenset(DecisionStep)


def decision_steps(value: Iterable[DecisionStep | str]) -> frozenset[DecisionStep]:
    """Convert step names to :class:`DecisionStep` members; an unknown name is an error."""
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Iterable):
        raise InvalidTypeError(f"{value!r} is a {type(value).__name__}; expected decision steps")
    known = {s.value: s for s in DecisionStep}
    out = set()
    for step in value:
        found = (
            step
            if isinstance(step, DecisionStep)
            else known.get(step)
            if isinstance(step, str)
            else None
        )
        if found is None:
            raise InvalidInputError(
                f"decision step {step!r} is unknown; expected one of {sorted(known)!r}"
            )
        out.add(found)
    return frozenset(out)


@final
@attrs.frozen
class AgendaRules:
    """What a topic needs before it may go on the agenda (议题).

    ``plan_required``: the topic must come with a concrete plan (具体方案). ``progress_required``: a
    topic about tracked work with no progress since the previous meeting is left off (上周落实没有
    进度的工作,原则不要上会). ``materials_due_working_days``: written materials are due that many
    working days before the meeting; ``materials_reviewer``: the role that must have read them first.
    ``major_decision_steps``: the steps a major decision (重大决策) must have recorded before it may be
    decided here; empty means this meeting does not take major decisions. ``prior_passage``: for a
    report in the government's name to the Party committee, the meeting types (keys) one of which
    must have passed it first, unless ``urgent_approver`` approved it because it was urgent.
    ``notify``: the roles every topic is told to in advance (议题事先告知各副镇长), at the latest
    ``notice_working_days`` working days before the sitting. ``ladder``: the levels below this
    meeting, lowest first (meeting type keys or role keys), through which a matter reported from
    below must have passed one by one (逐级汇报、逐级讨论): a topic raised at one of them must have
    been had by every level above it, each no earlier than the one below, before it comes here.
    """

    plan_required: bool = attrs.field(default=False, kw_only=True)
    progress_required: bool = attrs.field(default=False, kw_only=True)
    materials_due_working_days: int | None = attrs.field(
        default=None, kw_only=True, validator=_non_negative("materials_due_working_days")
    )
    materials_reviewer: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("materials_reviewer")
    )
    major_decision_steps: frozenset[DecisionStep] = attrs.field(
        default=frozenset(), kw_only=True, converter=decision_steps
    )
    prior_passage: frozenset[str] = attrs.field(
        default=frozenset(),
        kw_only=True,
        converter=role_set,
        validator=_roles_valid("prior_passage"),
    )
    urgent_approver: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("urgent_approver")
    )
    notify: frozenset[str] = attrs.field(
        default=frozenset(), kw_only=True, converter=role_set, validator=_roles_valid("notify")
    )
    notice_working_days: int = attrs.field(
        default=1, kw_only=True, validator=_non_negative("notice_working_days", optional=False)
    )
    ladder: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_levels)


@final
@attrs.frozen
class AttendanceRules:
    """Who may stay away and on whose approval (请假 / 替会).

    ``approver``: the role whose approval makes leave or a substitute valid (``None``: no approval
    needed). ``substitutes_allowed``: a member may send someone in their place. ``leave_needs_substitute``:
    a member on leave must name a substitute (要求主要负责人参加的会议 … 必须按程序请假,并明确替会人员).
    ``substitute_reports_back``: the substitute reports the meeting back to the member (会后替会人员要将
    会议精神向主要负责人汇报). ``quorum``: the share of the chair and attendees (not observers) who must
    be present in person for the meeting to decide anything, or ``None``.
    ``leave_reported_to``: the role an excused participant must have reported the absence to, besides
    the approver's consent (特殊情况不能出席的,需报分管副镇长并经镇长同意); it does not apply to the
    chair, the approver or that role itself.
    """

    approver: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("approver")
    )
    substitutes_allowed: bool = attrs.field(default=True, kw_only=True)
    leave_needs_substitute: bool = attrs.field(default=False, kw_only=True)
    substitute_reports_back: bool = attrs.field(default=True, kw_only=True)
    quorum: float | None = attrs.field(default=None, kw_only=True)
    leave_reported_to: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("leave_reported_to")
    )

    def __attrs_post_init__(self) -> None:
        q = self.quorum
        if q is not None and (
            isinstance(q, bool) or not isinstance(q, (int, float)) or not 0 < q <= 1
        ):
            raise InvalidInputError(f"quorum={q!r}; expected a share in (0, 1], e.g. 0.5, or None")
        if self.leave_needs_substitute and not self.substitutes_allowed:
            raise InvalidInputError(
                "leave_needs_substitute=True with substitutes_allowed=False: a member on leave "
                "could never be excused; allow substitutes or drop the requirement"
            )


@final
@attrs.frozen
class FollowUpRules:
    """What must follow a sitting, each as rule-language text counted from the meeting day.

    ``minutes_due``: minutes (纪要) or the record (记录) are due, sent to ``minutes_to`` (role keys or
    the name of an office; empty: the participants); ``None`` means no minutes are required.
    ``plan_due``: every lead unit of a decided item submits its implementation plan (落实计划), signed by its leader in charge
    (``plan_signed_by``), to the convening leader. ``report_back_due``: a substitute reports the
    meeting back to the member they stood in for. ``item_due``: the deadline of a decided item whose
    minutes give none (``None``: every decided item must carry its own).
    """

    minutes_due: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("minutes_due")
    )
    minutes_to: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=to_tuple)
    plan_due: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("plan_due")
    )
    plan_signed_by: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("plan_signed_by")
    )
    report_back_due: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("report_back_due")
    )
    item_due: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("item_due")
    )


@final
@attrs.frozen
class MeetingType:
    """A meeting system (会议制度) as data.

    ``key`` names it in ids and in ``prior_passage``; ``cadence`` is a schedule in the rule language
    ("每周一", "every month at month-end plus two days") or ``None`` for a meeting held only when
    called. ``chair``, ``attendees`` (出席), ``observers`` (列席) and ``topic_setters`` are role keys;
    ``ad_hoc_allowed`` says whether it may also be called outside its schedule (临时召开) and
    ``ad_hoc_approver`` whose approval that needs. ``plan_required``: held in the government's name,
    so every sitting needs a place in the approved meeting plan (or, ad hoc, the approver's
    approval). ``restricted_guests``: roles with a seat that are in general not invited (一般不邀请),
    and come only on the approval of ``guest_approver`` (须经市长批准). ``sources`` are the titles of
    the documents the type encodes.

    >>> from govops.meetings import presets
    >>> t = presets.LEADERSHIP_MEETING
    >>> t.name_en, t.cadence
    ('Leadership team Monday meeting', '每周一')
    >>> t.is_known_role("deputy_mayor"), t.is_known_role("janitor")
    (True, False)
    """

    key: str = attrs.field(validator=text_field("key"))
    name_zh: str = attrs.field(validator=text_field("name_zh"))
    name_en: str = attrs.field(kw_only=True, validator=text_field("name_en"))
    cadence: str | None = attrs.field(kw_only=True, validator=optional_text("cadence"))
    chair: str = attrs.field(kw_only=True, validator=text_field("chair"))
    attendees: frozenset[str] = attrs.field(
        kw_only=True, converter=role_set, validator=_roles_valid("attendees")
    )
    observers: frozenset[str] = attrs.field(
        default=frozenset(), kw_only=True, converter=role_set, validator=_roles_valid("observers")
    )
    topic_setters: frozenset[str] = attrs.field(
        default=frozenset(),
        kw_only=True,
        converter=role_set,
        validator=_roles_valid("topic_setters"),
    )
    agenda: AgendaRules = attrs.field(factory=AgendaRules, kw_only=True)
    attendance: AttendanceRules = attrs.field(factory=AttendanceRules, kw_only=True)
    follow_up: FollowUpRules = attrs.field(factory=FollowUpRules, kw_only=True)
    ad_hoc_allowed: bool = attrs.field(default=True, kw_only=True)
    ad_hoc_approver: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("ad_hoc_approver")
    )
    plan_required: bool = attrs.field(default=False, kw_only=True)
    restricted_guests: frozenset[str] = attrs.field(
        default=frozenset(),
        kw_only=True,
        converter=role_set,
        validator=_roles_valid("restricted_guests"),
    )
    guest_approver: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("guest_approver")
    )
    description: str = attrs.field(default="", kw_only=True, validator=text())
    sources: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=to_tuple, validator=texts
    )

    def __attrs_post_init__(self) -> None:
        for name, value in (
            ("agenda", (self.agenda, AgendaRules)),
            ("attendance", (self.attendance, AttendanceRules)),
            ("follow_up", (self.follow_up, FollowUpRules)),
        ):
            if not isinstance(value[0], value[1]):
                raise InvalidTypeError(f"{name}={value[0]!r}; expected a {value[1].__name__}")
        overlap = self.observers & (self.attendees | {self.chair})
        if overlap:
            raise InvalidInputError(
                f"roles {sorted(overlap)!r} are both members and observers of {self.key!r}; "
                "a role attends (出席) or observes (列席), not both"
            )
        unseated = self.restricted_guests - self.roles
        if unseated:
            raise InvalidInputError(
                f"restricted_guests {sorted(unseated)!r} have no seat at {self.key!r}; list them "
                "as attendees or observers too"
            )
        if self.restricted_guests and self.guest_approver is None:
            raise InvalidInputError(
                f"meeting type {self.key!r} restricts guests {sorted(self.restricted_guests)!r} "
                "but names no guest_approver who may let them come"
            )
        if self.cadence is None and not self.ad_hoc_allowed:
            raise InvalidInputError(
                f"meeting type {self.key!r} has no cadence and does not allow ad-hoc meetings, "
                "so it could never sit; give a cadence or set ad_hoc_allowed=True"
            )

    @property
    def members(self) -> frozenset[str]:
        """The roles that attend (the chair and the attendees), not the observers."""
        return self.attendees | {self.chair}

    @property
    def roles(self) -> frozenset[str]:
        """Every role that has a seat: chair, attendees and observers."""
        return self.attendees | self.observers | {self.chair}

    def is_known_role(self, role: str) -> bool:
        """True when ``role`` has a seat at this meeting."""
        return role in self.roles

    def check_role(self, role: object, *, what: str = "role") -> str:
        """Return ``role`` if it has a seat at this meeting; raise :class:`MeetingError` otherwise."""
        if not isinstance(role, str) or role not in self.roles:
            raise MeetingError(
                f"{what}={role!r} has no seat at {self.name_en} ({self.key}); expected one of "
                f"{sorted(self.roles)!r}"
            )
        return role


@final
@attrs.frozen
class Participant:
    """A person holding a seat at a meeting: who they are, their unit, and the role they sit in."""

    person: Person = attrs.field(validator=instance_of(Person, "person"))
    unit: Unit = attrs.field(validator=instance_of(Unit, "unit"))
    role: str = attrs.field(validator=text_field("role"))

    @property
    def id(self) -> str:
        """The person's id."""
        return self.person.id


class MeetingBasis(str, enum.Enum):
    """Why a sitting takes place."""

    SCHEDULED = "scheduled"
    """A regular sitting from the type's schedule (例会)."""
    PLANNED = "planned"
    """A sitting listed in an approved annual or quarterly meeting plan (会议计划)."""
    AD_HOC = "ad_hoc"
    """Called when needed (临时召开)."""

    def __str__(self) -> str:
        return self.value


def _basis(value: object) -> MeetingBasis:
    return enum_value(MeetingBasis, "basis")(value)


@final
@attrs.frozen
class Meeting:
    """One sitting of a meeting type on one day.

    ``convener`` is the unit that holds it (for a leader's weekly meeting, the leader's unit);
    ``basis`` why it sits; ``approved_by`` the role that approved an ad-hoc sitting and ``plan_ref``
    the approved meeting plan that lists a planned one. ``previous`` is the day of the sitting before
    (the window for "no progress since the last meeting"). ``invited`` are the restricted roles
    (``MeetingType.restricted_guests``) invited to this sitting and ``invitation_approved_by`` the
    role that approved inviting them. Build them with :func:`govops.meetings.schedule` or
    :meth:`Meeting.ad_hoc`.
    """

    meeting_type: MeetingType = attrs.field(validator=instance_of(MeetingType, "meeting_type"))
    date: dt.date = attrs.field(validator=day_field("date"))
    id: str = attrs.field(kw_only=True, validator=text_field("id"))
    convener: Unit | None = attrs.field(default=None, kw_only=True)
    basis: MeetingBasis = attrs.field(
        default=MeetingBasis.SCHEDULED, kw_only=True, converter=_basis
    )
    approved_by: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("approved_by")
    )
    plan_ref: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("plan_ref")
    )
    previous: dt.date | None = attrs.field(
        default=None, kw_only=True, validator=day_field("previous", optional=True)
    )
    reason: str = attrs.field(default="", kw_only=True, validator=text())
    invited: frozenset[str] = attrs.field(
        default=frozenset(), kw_only=True, converter=role_set, validator=_roles_valid("invited")
    )
    invitation_approved_by: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("invitation_approved_by")
    )

    def __attrs_post_init__(self) -> None:
        stray = self.invited - self.meeting_type.restricted_guests
        if stray:
            raise MeetingError(
                f"invited={sorted(stray)!r}: only restricted roles need an invitation at "
                f"{self.meeting_type.name_en}; expected some of "
                f"{sorted(self.meeting_type.restricted_guests)!r}"
            )

    @classmethod
    def ad_hoc(
        cls,
        meeting_type: MeetingType,
        date: dt.date,
        *,
        approved_by: str | None,
        reason: str,
        convener: Unit | None = None,
        previous: dt.date | None = None,
        id: str | None = None,
    ) -> Meeting:
        """An ad-hoc sitting (临时会议); refused when the type does not allow one.

        When the type names an ``ad_hoc_approver``, ``approved_by`` must be that role.

        >>> import datetime as dt
        >>> from govops.meetings import Meeting, presets
        >>> m = Meeting.ad_hoc(presets.TOWN_OFFICE_MEETING, dt.date(2026, 7, 8),
        ...                    approved_by="mayor", reason="flood season")
        >>> m.id, m.basis.value
        ('town_office_meeting/2026-07-08', 'ad_hoc')
        """
        if not isinstance(meeting_type, MeetingType):
            raise InvalidTypeError(f"meeting_type={meeting_type!r}; expected a MeetingType")
        if not meeting_type.ad_hoc_allowed:
            raise MeetingError(
                f"{meeting_type.name_en} ({meeting_type.key}) sits only on its schedule {meeting_type.cadence!r}; "
                "it does not allow ad-hoc meetings"
            )
        if meeting_type.ad_hoc_approver is not None and approved_by != meeting_type.ad_hoc_approver:
            raise MeetingError(
                f"an ad-hoc {meeting_type.name_en} needs the approval of {meeting_type.ad_hoc_approver!r}; "
                f"got approved_by={approved_by!r}"
            )
        if not isinstance(reason, str) or not reason.strip():
            raise MeetingError(f"reason={reason!r}; an ad-hoc meeting must say why it is called")
        return cls(
            meeting_type,
            date,
            id=id if id is not None else meeting_id(meeting_type, convener, date),
            convener=convener,
            basis=MeetingBasis.AD_HOC,
            approved_by=approved_by,
            previous=previous,
            reason=reason,
        )

    def blockers(self) -> tuple[str, ...]:
        """What stops this sitting from being held as the rules require (empty when nothing).

        A type held in the government's name needs each sitting in the approved meeting plan: a
        scheduled sitting is (the schedule is the standing plan), a planned one names its plan,
        an ad-hoc one carries the approver's approval (盘锦市人民政府工作规则补充规定, item 8).
        Restricted guests invited without the guest approver's approval block it too (item 7).
        """
        t = self.meeting_type
        out: list[str] = []
        if self.basis is MeetingBasis.SCHEDULED and t.cadence is None:
            out.append(f"{t.name_en} has no schedule, so a sitting cannot be 'scheduled'")
        if t.plan_required and self.basis is MeetingBasis.PLANNED and self.plan_ref is None:
            out.append("not in an approved meeting plan: plan_ref is missing (未列入会议计划)")
        if self.basis is MeetingBasis.AD_HOC:
            if not t.ad_hoc_allowed:
                out.append(f"{t.name_en} does not allow ad-hoc meetings")
            if t.ad_hoc_approver is not None and self.approved_by != t.ad_hoc_approver:
                out.append(
                    f"ad-hoc meeting without the approval of {t.ad_hoc_approver!r} (临时会议须经审批)"
                )
        if self.invited and self.invitation_approved_by != t.guest_approver:
            out.append(
                f"{', '.join(sorted(self.invited))} invited without the approval of "
                f"{t.guest_approver!r} (一般不邀请,确需参加的须经批准; {'; '.join(t.sources)})"
            )
        return tuple(out)


def meeting_id(meeting_type: MeetingType, convener: Unit | None, date: dt.date) -> str:
    """The id of a sitting: type key, convener (when there is one) and ISO day."""
    if convener is None:
        return f"{meeting_type.key}/{date.isoformat()}"
    return f"{meeting_type.key}/{convener.id}/{date.isoformat()}"
