"""What supervision returns: the notices due, who they go to, and the decision that holds them.

:func:`~govops.escalation.supervise` returns a :class:`Decision`; each :class:`Notice` names its
:class:`Recipient` values, resolved from the task and a :class:`Directory`, and records itself as a
:class:`~govops.escalation.NoticeIssued` event (``Decision.record``). See
``docs/explanation/escalation.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import final, overload

import attrs

from .._html import esc, table
from ..exceptions import InvalidTypeError
from ..tasks import Ledger, Person, Responsibility, Role, Unit
from ._cover import CoverPlan
from ._events import NoticeIssued
from ._journal import SupervisionJournal
from ._policy import Target, kind_label_zh
from ._text import Lang, check_lang, kind_label, recipient_text

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
        return recipient_text(self.target.value, self.id, self.name, self.acting_for, "en")

    def text(self, lang: Lang = "en") -> str:
        """The recipient in ``lang``; one the directory does not name says so."""
        return recipient_text(self.target.value, self.id, self.name, self.acting_for, lang)


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
    lang: Lang = attrs.field(default="en", kw_only=True, converter=check_lang)
    """The language of ``reason`` and of ``str(notice)``."""

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
        lang = self.lang
        to = ", ".join(r.text(lang) for r in self.recipients)
        label = kind_label(self.kind, lang)
        if lang == "zh":
            extra = f"；请于{self.answer_due.isoformat()}前答复" if self.answer_due else ""
            if self.meeting_on:
                extra += f"；列入{self.meeting_on.isoformat()}会议议程"
            return (
                f"{self.issued_on.isoformat()} {label} {self.task_id} → {to}：{self.reason}{extra}"
            )
        extra = f"; answer by {self.answer_due.isoformat()}" if self.answer_due else ""
        if self.meeting_on:
            extra += f"; on the agenda of {self.meeting_on.isoformat()}"
        return f"{self.issued_on.isoformat()} {label} {self.task_id} → {to}: {self.reason}{extra}"


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
    warnings: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    """What the host should know about the decision itself, said once: roles the directory
    could not resolve, so that some notices name a role instead of a person."""
    lang: Lang = attrs.field(default="en", kw_only=True, converter=check_lang)

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

    def _repr_html_(self) -> str:
        """The decision in Jupyter: the notices due, those awaiting approval, the warnings."""
        zh = self.lang == "zh"
        head = (
            ("下发日期", "类型", "任务", "送达", "事由", "答复期限")
            if zh
            else ("issued", "kind", "task", "to", "reason", "answer by")
        )

        def rows(notices: tuple[Notice, ...]) -> list[tuple[object, ...]]:
            return [
                (
                    n.issued_on.isoformat(),
                    kind_label(n.kind, self.lang),
                    n.task_id,
                    ", ".join(r.text(self.lang) for r in n.recipients),
                    n.reason,
                    n.answer_due.isoformat() if n.answer_due else "",
                )
                for n in notices
            ]

        parts = [table("通知" if zh else "notices due", head, rows(self.notices))]
        if self.awaiting_approval:
            caption = "待审批" if zh else "awaiting approval"
            parts.append(table(caption, head, rows(self.awaiting_approval)))
        parts += [
            f"<p><strong>{'注意' if zh else 'note'}</strong>: {esc(w)}</p>" for w in self.warnings
        ]
        if self.next_check_at is not None:
            label = "下次检查" if zh else "next check at"
            parts.append(f"<p>{label}: {self.next_check_at.isoformat()}</p>")
        return "".join(parts)

    def lines(self) -> list[str]:
        """The decision as readable lines, in the language it was made in."""
        zh = self.lang == "zh"
        out = [str(n) for n in self.notices]
        out += [f"{'待审批：' if zh else 'awaiting approval: '}{n}" for n in self.awaiting_approval]
        out += [f"{'注意：' if zh else 'note: '}{w}" for w in self.warnings]
        if self.next_check_at is not None:
            when = self.next_check_at.isoformat()
            out.append(f"下次检查：{when}" if zh else f"next check at {when}")
        return out


def _people(value: Iterable[Person]) -> tuple[Person, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Person):
            raise InvalidTypeError(f"people contains {item!r}; expected Person values")
    return items


Resolver = Callable[[Target, Responsibility], Person | Unit | None]
"""A host's hook naming who holds a role for a task's responsibility (its people service)."""


def _resolver(_instance: object, _attribute: object, value: Resolver | None) -> None:
    if value is not None and not callable(value):
        raise InvalidTypeError(
            f"resolver={value!r}; expected a function (target, responsibility) -> Person, "
            "Unit or None"
        )


@final
@attrs.frozen
class Directory:
    """Who is who beyond the task itself: principals, the assessment office, the joint
    meeting's office and the deputy cover plan.

    ``resolver``, when given, is asked for a role the listed people and offices do not fill:
    ``resolver(target, responsibility)`` returns the :class:`~govops.tasks.Person` or
    :class:`~govops.tasks.Unit` holding it, or ``None``. A role nobody fills is addressed by its
    name, and the decision says so once in :attr:`Decision.warnings`.
    """

    people: tuple[Person, ...] = attrs.field(default=(), converter=_people)
    assessment_office: Unit | None = attrs.field(default=None, kw_only=True)
    joint_meeting_office: Unit | None = attrs.field(default=None, kw_only=True)
    cover: CoverPlan = attrs.field(factory=CoverPlan, kw_only=True)
    resolver: Resolver | None = attrs.field(
        default=None, kw_only=True, validator=_resolver, eq=False
    )

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


# Roles the directory fills (the others come with the task itself).
RESOLVABLE = frozenset({Target.PRINCIPAL, Target.ASSESSMENT_OFFICE, Target.JOINT_MEETING})


def directory_fills(d: Directory, target: Target, r: Responsibility) -> bool:
    """Whether the directory itself fills ``target`` for a task of responsibility ``r``."""
    if target is Target.PRINCIPAL:
        return d.principal_of(r.lead_unit.id) is not None
    if target is Target.ASSESSMENT_OFFICE:
        return d.assessment_office is not None
    return d.joint_meeting_office is not None
