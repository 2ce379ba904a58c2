"""What supervision returns: the notices due, who they go to, and the decision that holds them.

:func:`~govops.escalation.supervise` returns a :class:`Decision`; each :class:`Notice` names its
:class:`Recipient` values, resolved from the task and a :class:`Directory`, and records itself as a
:class:`~govops.escalation.NoticeIssued` event (``Decision.record``). See
``docs/explanation/escalation.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import final, overload

import attrs

from ..exceptions import InvalidTypeError
from ..tasks import Ledger, Person, Role, Unit
from ._cover import CoverPlan
from ._events import NoticeIssued
from ._journal import SupervisionJournal
from ._policy import Target, kind_label_zh

__all__ = ["Decision", "Directory", "Notice", "Recipient"]


@final
@attrs.frozen
class Recipient:
    """Who a notice goes to: ``id``/``name`` resolved from ``target`` (``None`` when the
    directory does not name anyone), and ``acting_for`` when a deputy receives it (AB角)."""

    target: Target
    id: str | None
    name: str | None = None
    acting_for: str | None = attrs.field(default=None, kw_only=True)

    def __str__(self) -> str:
        if self.id is None:
            return f"{self.target.value} (not in the directory)"
        who = self.name or self.id
        return f"{who} (acting for {self.acting_for}, AB角)" if self.acting_for else who


@final
@attrs.frozen
class Notice:
    """A notice due now, with its stable idempotency ``key`` and the reason it is due.

    ``sequence`` is 0 for the first notice of a level and counts repeats; ``coalesced`` counts the
    missed steps merged into this one (repeats missed while nobody ran the engine, or lower levels
    overtaken). ``meeting_on`` is the joint-meeting date for an issue put on its agenda.
    """

    key: str
    task_id: str = attrs.field(kw_only=True)
    level: str = attrs.field(kw_only=True)
    kind: str = attrs.field(kw_only=True)
    recipients: tuple[Recipient, ...] = attrs.field(kw_only=True)
    reason: str = attrs.field(kw_only=True)
    issued_on: dt.date = attrs.field(kw_only=True)
    answer_due: dt.date | None = attrs.field(default=None, kw_only=True)
    policy: str = attrs.field(kw_only=True)
    sequence: int = attrs.field(default=0, kw_only=True)
    coalesced: int = attrs.field(default=0, kw_only=True)
    percent: float = attrs.field(default=0.0, kw_only=True)
    meeting_on: dt.date | None = attrs.field(default=None, kw_only=True)
    needs_approval: bool = attrs.field(default=False, kw_only=True)

    @property
    def label_zh(self) -> str:
        """The Chinese name of the notice kind (催办单, 督办单, …)."""
        return kind_label_zh(self.kind)

    def to_event(self) -> NoticeIssued:
        """The :class:`NoticeIssued` event that records this notice."""
        return NoticeIssued(
            self.task_id,
            self.key,
            level=self.level,
            notice_kind=str(self.kind),
            percent=self.percent,
            answer_due=self.answer_due,
            recipients=tuple(r.id for r in self.recipients if r.id is not None),
        )

    def __str__(self) -> str:
        to = ", ".join(str(r) for r in self.recipients)
        extra = f"; answer by {self.answer_due.isoformat()}" if self.answer_due else ""
        if self.meeting_on:
            extra += f"; on the agenda of {self.meeting_on.isoformat()}"
        return (
            f"{self.issued_on.isoformat()} {self.label_zh} [{self.kind}] {self.task_id} → {to}: "
            f"{self.reason}{extra}"
        )


@final
@attrs.frozen
class Decision:
    """What :func:`supervise` found at ``as_of``.

    ``notices``: due now, to be sent and recorded. ``awaiting_approval``: due but waiting for a
    leader's :class:`~govops.escalation.ApprovalGranted` (same keys they will be issued with).
    ``next_check_at``: the first moment (local midnight of a day) when the decision can change
    without a new event; ``None`` when nothing is open.
    """

    as_of: dt.datetime
    notices: tuple[Notice, ...] = attrs.field(kw_only=True)
    awaiting_approval: tuple[Notice, ...] = attrs.field(kw_only=True)
    next_check_at: dt.datetime | None = attrs.field(kw_only=True)

    @overload
    def record(self, target: Ledger, *, actor: str, at: dt.datetime | None = None) -> Ledger: ...

    @overload
    def record(
        self, target: SupervisionJournal, *, actor: str, at: dt.datetime | None = None
    ) -> SupervisionJournal: ...

    def record(
        self,
        target: Ledger | SupervisionJournal,
        *,
        actor: str,
        at: dt.datetime | None = None,
    ) -> Ledger | SupervisionJournal:
        """``target`` with every notice recorded (``at`` defaults to ``as_of``), reasons kept.

        ``target`` is the task ledger (the usual record) or, for a host that keeps supervision
        apart, a :class:`SupervisionJournal`; the same type comes back, the given one unchanged.
        All or nothing: a notice whose key is already recorded for its task raises
        :class:`~govops.exceptions.EscalationError` and no ledger with part of the batch is
        returned.
        """
        if not isinstance(target, (Ledger, SupervisionJournal)):
            raise InvalidTypeError(
                f"target={target!r}; expected a govops.tasks.Ledger or a SupervisionJournal"
            )
        when = self.as_of if at is None else at
        if isinstance(target, Ledger):
            return target.record_many(
                (notice.to_event(), actor, when, notice.reason) for notice in self.notices
            )
        journal = target
        for notice in self.notices:
            journal = journal.record(notice.to_event(), actor=actor, at=when, reason=notice.reason)
        return journal

    def lines(self) -> list[str]:
        """The decision as readable lines."""
        out = [str(n) for n in self.notices]
        out += [f"awaiting approval: {n}" for n in self.awaiting_approval]
        if self.next_check_at is not None:
            out.append(f"next check at {self.next_check_at.isoformat()}")
        return out


def _people(value: Iterable[Person]) -> tuple[Person, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Person):
            raise InvalidTypeError(f"people contains {item!r}; expected Person values")
    return items


@final
@attrs.frozen
class Directory:
    """Who is who beyond the task itself: principals, the assessment office, the joint
    meeting's office and the deputy cover plan."""

    people: tuple[Person, ...] = attrs.field(default=(), converter=_people)
    assessment_office: Unit | None = attrs.field(default=None, kw_only=True)
    joint_meeting_office: Unit | None = attrs.field(default=None, kw_only=True)
    cover: CoverPlan = attrs.field(factory=CoverPlan, kw_only=True)

    def person(self, person_id: str) -> Person | None:
        """The person with this id, if listed."""
        for p in self.people:
            if p.id == person_id:
                return p
        return None

    def principal_of(self, unit_id: str) -> Person | None:
        """The listed principal (主要负责人) of a unit, if any."""
        for p in self.people:
            if p.unit == unit_id and Role.PRINCIPAL in p.roles:
                return p
        return None
