"""Attendance (出席 / 列席 / 请假 / 替会): who was there, who was excused, who stood in for whom."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import final

import attrs

from ..exceptions import InvalidTypeError, MeetingError
from ..tasks import Person
from ._model import Meeting, Participant, enum_value, instance_of, optional_text, to_tuple
from ._presets import role_name

__all__ = ["Attendance", "AttendanceSheet", "AttendanceStatus"]


class AttendanceStatus(str, enum.Enum):
    """How a member or observer was (or was not) at a sitting."""

    PRESENT = "present"
    """出席 / 列席 in person."""
    LEAVE = "leave"
    """请假: excused with the approver's approval, nobody in their place."""
    SUBSTITUTE = "substitute"
    """替会: excused with approval, a named substitute sat in their place."""
    ABSENT = "absent"
    """缺席: away without approved leave."""

    def __str__(self) -> str:
        return self.value


def _status(value: object) -> AttendanceStatus:
    return enum_value(AttendanceStatus, "status")(value)


@final
@attrs.frozen
class Attendance:
    """One participant's attendance; ``approved_by`` is the role that approved leave or a substitute
    and ``reported_to`` the role the absence was reported to first, where the type asks for that."""

    participant: Participant = attrs.field(validator=instance_of(Participant, "participant"))
    status: AttendanceStatus = attrs.field(converter=_status)
    substitute: Person | None = attrs.field(default=None, kw_only=True)
    approved_by: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("approved_by")
    )
    note: str = attrs.field(default="", kw_only=True)
    reported_to: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("reported_to")
    )

    def __attrs_post_init__(self) -> None:
        if self.substitute is not None and not isinstance(self.substitute, Person):
            raise InvalidTypeError(f"substitute={self.substitute!r}; expected a Person or None")
        who = self.participant.person.id
        if self.status is AttendanceStatus.SUBSTITUTE and self.substitute is None:
            raise MeetingError(f"{who!r} is marked 'substitute' but no substitute is named")
        if self.status is not AttendanceStatus.SUBSTITUTE and self.substitute is not None:
            raise MeetingError(
                f"{who!r} names substitute {self.substitute.id!r} but is marked "
                f"{self.status.value!r}; use status='substitute'"
            )
        if self.status in (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT) and (
            self.approved_by or self.reported_to
        ):
            field, value = (
                ("approved_by", self.approved_by)
                if self.approved_by
                else ("reported_to", self.reported_to)
            )
            raise MeetingError(
                f"{who!r} is {self.status.value!r}, so there is nothing to approve; "
                f"got {field}={value!r}"
            )

    @classmethod
    def present(cls, participant: Participant) -> Attendance:
        """In person."""
        return cls(participant, AttendanceStatus.PRESENT)

    @classmethod
    def leave(
        cls,
        participant: Participant,
        *,
        approved_by: str | None,
        reported_to: str | None = None,
        note: str = "",
    ) -> Attendance:
        """On approved leave, nobody in their place."""
        return cls(
            participant,
            AttendanceStatus.LEAVE,
            approved_by=approved_by,
            reported_to=reported_to,
            note=note,
        )

    @classmethod
    def substituted(
        cls,
        participant: Participant,
        substitute: Person,
        *,
        approved_by: str | None,
        reported_to: str | None = None,
        note: str = "",
    ) -> Attendance:
        """On approved leave with ``substitute`` sitting in (替会)."""
        return cls(
            participant,
            AttendanceStatus.SUBSTITUTE,
            substitute=substitute,
            approved_by=approved_by,
            reported_to=reported_to,
            note=note,
        )

    @classmethod
    def absent(cls, participant: Participant, *, note: str = "") -> Attendance:
        """Away without approved leave."""
        return cls(participant, AttendanceStatus.ABSENT, note=note)


@final
@attrs.frozen
class AttendanceSheet:
    """The attendance of one sitting, checked against its type's rules when it is built.

    Every participant must hold a seat at the meeting (chair, attendee or observer role); leave and
    substitutes need the type's approver, and were reported first to the role the type names; a
    member on leave names a substitute where the type says so; a restricted guest sits only when
    the meeting's invitation of that role was approved; nobody appears twice. A sheet that breaks
    a rule is never built: :class:`MeetingError`, naming the rule and the type's sources.
    """

    meeting: Meeting = attrs.field(validator=instance_of(Meeting, "meeting"))
    entries: tuple[Attendance, ...] = attrs.field(converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        t = self.meeting.meeting_type
        rules = t.attendance
        seen: set[str] = set()
        for entry in self.entries:
            if not isinstance(entry, Attendance):
                raise InvalidTypeError(f"entries contains {entry!r}; expected Attendance values")
            p = entry.participant
            t.check_role(p.role, what=f"role of {p.person.id!r}")
            if p.person.id in seen:
                raise MeetingError(
                    f"{p.person.id!r} appears twice in the attendance of {self.meeting.id}"
                )
            seen.add(p.person.id)
            if entry.status is AttendanceStatus.SUBSTITUTE:
                assert entry.substitute is not None
                if not rules.substitutes_allowed:
                    raise MeetingError(
                        f"{t.name_en} does not allow substitutes; {p.person.id!r} must attend in "
                        "person or ask for leave"
                    )
                if entry.substitute.id in seen or entry.substitute.id == p.person.id:
                    raise MeetingError(
                        f"substitute {entry.substitute.id!r} for {p.person.id!r} already has a seat"
                    )
            m = self.meeting
            if (
                p.role in t.restricted_guests
                and entry.status is not AttendanceStatus.ABSENT
                and not (p.role in m.invited and m.invitation_approved_by == t.guest_approver)
            ):
                assert t.guest_approver is not None  # a type with restricted guests names one
                raise MeetingError(
                    f"{p.person.id!r} ({p.role}) is not normally invited to {t.name_en}: the "
                    f"sitting must invite {p.role!r} with the approval of {t.guest_approver!r}; "
                    f"got invited={sorted(m.invited)!r}, invitation_approved_by="
                    f"{m.invitation_approved_by!r} (一般不邀请{role_name(p.role)},确需参加的须经"
                    f"{role_name(t.guest_approver)}批准; {'; '.join(t.sources)})"
                )
            excused = entry.status in (AttendanceStatus.LEAVE, AttendanceStatus.SUBSTITUTE)
            if excused and rules.approver is not None and entry.approved_by != rules.approver:
                what = "a substitute" if entry.status is AttendanceStatus.SUBSTITUTE else "leave"
                raise MeetingError(
                    f"{what} for {p.person.id!r} ({p.role}) at {self.meeting.id} needs the approval "
                    f"of {rules.approver!r}; got approved_by={entry.approved_by!r}"
                )
            told = rules.leave_reported_to
            if (
                excused
                and told is not None
                and p.role not in (told, rules.approver, t.chair)
                and entry.reported_to != told
            ):
                raise MeetingError(
                    f"{p.person.id!r} ({p.role}) is excused from {t.name_en} without having "
                    f"reported it to the {told!r} first; got reported_to={entry.reported_to!r} "
                    f"(不能出席的,需报{role_name(told)}并经{role_name(rules.approver or '')}同意; "
                    f"{'; '.join(t.sources)})"
                )
            if (
                entry.status is AttendanceStatus.LEAVE
                and rules.leave_needs_substitute
                and p.role in t.members
            ):
                raise MeetingError(
                    f"{p.person.id!r} ({p.role}) is on leave from {t.name_en} without a "
                    "substitute; a member who cannot attend must name one (明确替会人员): use "
                    "Attendance.substituted(...)"
                )
        for entry in self.entries:
            if entry.substitute is not None and entry.substitute.id in seen:
                raise MeetingError(
                    f"substitute {entry.substitute.id!r} for {entry.participant.person.id!r} "
                    "already has a seat of their own"
                )

    @classmethod
    def of(cls, meeting: Meeting, entries: Iterable[Attendance]) -> AttendanceSheet:
        """The checked attendance of ``meeting``."""
        return cls(meeting, to_tuple(entries))

    def _with(self, *statuses: AttendanceStatus) -> tuple[Attendance, ...]:
        return tuple(e for e in self.entries if e.status in statuses)

    @property
    def present(self) -> tuple[Attendance, ...]:
        """Participants there in person."""
        return self._with(AttendanceStatus.PRESENT)

    @property
    def on_leave(self) -> tuple[Attendance, ...]:
        """Participants excused with nobody in their place."""
        return self._with(AttendanceStatus.LEAVE)

    @property
    def substituted(self) -> tuple[Attendance, ...]:
        """Participants excused with a substitute sitting in."""
        return self._with(AttendanceStatus.SUBSTITUTE)

    @property
    def absent(self) -> tuple[Attendance, ...]:
        """Participants away without approved leave."""
        return self._with(AttendanceStatus.ABSENT)

    @property
    def quorum_met(self) -> bool | None:
        """Whether enough members (chair and attendees) are there in person; ``None`` without a
        quorum rule. Substitutes and observers do not count."""
        quorum = self.meeting.meeting_type.attendance.quorum
        if quorum is None:
            return None
        members = [
            e for e in self.entries if e.participant.role in self.meeting.meeting_type.members
        ]
        if not members:
            return False
        present = sum(e.status is AttendanceStatus.PRESENT for e in members)
        return present >= quorum * len(members)

    @property
    def report_backs(self) -> tuple[Attendance, ...]:
        """The substitutes who must report the meeting back to the member they stood in for."""
        if not self.meeting.meeting_type.attendance.substitute_reports_back:
            return ()
        return self.substituted
