"""What supervision adds to the record: notices issued and answered, approvals, approval steps.

These are ledger annotations (subclasses of :class:`govops.tasks.Annotation`, registered with
:func:`govops.tasks.register_event_type`) in the past tense: a :class:`govops.tasks.Ledger` records
them next to the task events, hash-chained and replayed like them, without changing the task's
state. Recording them is what makes :func:`~govops.escalation.supervise` idempotent: a notice whose
key is in the record is never proposed again, and a second notice with the same key is refused.

Each event checks itself against the notes its task's earlier supervision events left
(:meth:`~govops.tasks.Annotation.noted`), so the ledger and the :class:`SupervisionJournal` enforce
the same rules: a notice key is issued once per task; an answer or an approval decision names a
notice of the same task, answers come after the notice and approvals before it, each at most once;
an approval step runs once at a time; a deputy's act (AB角) leaves a duty to report back, which is
discharged once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import Any, ClassVar, final

import attrs

from .._checks import MAX_INT, check_number, shown, text, texts, to_float, to_tuple
from ..exceptions import EscalationError, InvalidInputError, InvalidTypeError
from ..tasks import Annotation, register_event_type

__all__ = [
    "SUPERVISION_EVENT_TYPES",
    "ApprovalGranted",
    "ApprovalRefused",
    "ApprovalStepCompleted",
    "ApprovalStepStarted",
    "DeputyActed",
    "DeputyReportedBack",
    "NoticeAnswered",
    "NoticeIssued",
    "SupervisionEvent",
]


_text = text(empty=False)
_free_text = text()


def _percent(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_number(value, attribute.name, minimum=0.0, maximum=100.0)


def _optional_day(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        raise InvalidTypeError(f"{attribute.name}={value!r}; expected a datetime.date or None")


def _day(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidTypeError(f"{attribute.name}={value!r}; expected a datetime.date")


def _seq(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT:
        raise InvalidInputError(
            f"{attribute.name}={shown(value)}; expected an entry seq (an int from 1 to {MAX_INT})"
        )


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidTypeError(f"recipients={value!r} is a str; expected a tuple of ids")
    return to_tuple(value)


Notes = frozenset[Hashable]


@attrs.frozen
class SupervisionEvent(Annotation):
    """Base of the events the supervision engine reads; ``task_id`` names the task."""

    kind: ClassVar[str] = "supervision_event"


@register_event_type
@final
@attrs.frozen
class NoticeIssued(SupervisionEvent):
    """A notice (交办单, 催办单, 督办单, 约谈, …) went out; ``key`` is its idempotency key.

    ``level`` names the policy level (or ``"<issue id>@<day raised>:<tier>"``,
    ``"approval:<step>"``, ``"report_back:<duty key>"``),
    ``percent`` is the progress reported when it went out (progress above it answers it),
    ``answer_due`` the day a reply is due, ``recipients`` the ids it was addressed to.
    Build it from a proposed :class:`~govops.escalation.Notice` with ``Notice.to_event()``.
    """

    kind: ClassVar[str] = "notice_issued"
    key: str = attrs.field(validator=_text)
    level: str = attrs.field(kw_only=True, validator=_text)
    notice_kind: str = attrs.field(kw_only=True, validator=_text)
    percent: float = attrs.field(default=0.0, kw_only=True, converter=to_float, validator=_percent)
    answer_due: dt.date | None = attrs.field(default=None, kw_only=True, validator=_optional_day)
    recipients: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_strings, validator=texts
    )

    def noted(self, notes: Notes) -> Notes:
        """Refuse a key already issued for this task (a notice is issued once)."""
        if ("issued", self.key) in notes:
            raise EscalationError(
                f"notice key={self.key!r} is already recorded for task {self.task_id!r}; "
                "a notice is issued once"
            )
        return notes | {("issued", self.key)}


@register_event_type
@final
@attrs.frozen
class NoticeAnswered(SupervisionEvent):
    """The recipient answered the notice ``key`` (书面回复 / 办理情况反馈)."""

    kind: ClassVar[str] = "notice_answered"
    key: str = attrs.field(validator=_text)
    note: str = attrs.field(default="", kw_only=True, validator=_free_text)

    def noted(self, notes: Notes) -> Notes:
        """Refuse an answer to a notice never issued for this task, or answered already."""
        if ("issued", self.key) not in notes:
            raise EscalationError(
                f"NoticeAnswered for key={self.key!r}, which was never issued for task "
                f"{self.task_id!r}; record NoticeIssued first"
            )
        if ("answered", self.key) in notes:
            raise EscalationError(f"notice key={self.key!r} is already answered")
        return notes | {("answered", self.key)}


@register_event_type
@final
@attrs.frozen
class ApprovalGranted(SupervisionEvent):
    """A leader approved sending the notice ``key`` (e.g. a 督办单 needs a city leader's consent)."""

    kind: ClassVar[str] = "approval_granted"
    key: str = attrs.field(validator=_text)

    def noted(self, notes: Notes) -> Notes:
        """Refuse a second decision on ``key``, or a decision after the notice went out."""
        return _decided(self.key, notes)


@register_event_type
@final
@attrs.frozen
class ApprovalRefused(SupervisionEvent):
    """A leader refused the notice ``key``; it is not proposed again."""

    kind: ClassVar[str] = "approval_refused"
    key: str = attrs.field(validator=_text)

    def noted(self, notes: Notes) -> Notes:
        """Refuse a second decision on ``key``, or a decision after the notice went out."""
        return _decided(self.key, notes)


@register_event_type
@final
@attrs.frozen
class ApprovalStepStarted(SupervisionEvent):
    """An approval step of a key project (立项, 环评, 用地, …) was filed: its time limit starts."""

    kind: ClassVar[str] = "approval_step_started"
    step: str = attrs.field(validator=_text)
    handler: str = attrs.field(default="", kw_only=True, validator=_free_text)

    def noted(self, notes: Notes) -> Notes:
        """Refuse starting a step of this task that is already running."""
        if ("running", self.step) in notes:
            raise EscalationError(
                f"approval step {self.step!r} of task {self.task_id!r} is already running"
            )
        return notes | {("running", self.step)}


@register_event_type
@final
@attrs.frozen
class ApprovalStepCompleted(SupervisionEvent):
    """An approval step of a key project was completed."""

    kind: ClassVar[str] = "approval_step_completed"
    step: str = attrs.field(validator=_text)

    def noted(self, notes: Notes) -> Notes:
        """Refuse completing a step of this task that is not running."""
        if ("running", self.step) not in notes:
            raise EscalationError(
                f"approval step {self.step!r} of task {self.task_id!r} is not running; "
                "record ApprovalStepStarted first"
            )
        return notes - {("running", self.step)}


@register_event_type
@final
@attrs.frozen
class DeputyActed(SupervisionEvent):
    """The fixed deputy acted for a leader who was away (AB角) and owes them a report (事后汇报).

    :meth:`~govops.escalation.CoverPlan.record_as_deputy` records it right after the act itself:
    ``act_seq`` is the ``seq`` of the act's entry in the same record and ``act_kind`` its kind;
    ``away_from``/``away_until`` are the days of the leader's absence (the report is due after
    ``away_until``, see :attr:`~govops.escalation.EscalationPolicy.report_back_within`). ``key``
    names the duty (``"ab:<leader>:<act_seq>"``); a :class:`DeputyReportedBack` with the same key
    discharges it.
    """

    kind: ClassVar[str] = "deputy_acted"
    key: str = attrs.field(validator=_text)
    deputy: str = attrs.field(kw_only=True, validator=_text)
    leader: str = attrs.field(kw_only=True, validator=_text)
    away_from: dt.date = attrs.field(kw_only=True, validator=_day)
    away_until: dt.date = attrs.field(kw_only=True, validator=_day)
    act_seq: int = attrs.field(kw_only=True, validator=_seq)
    act_kind: str = attrs.field(kw_only=True, validator=_text)

    def __attrs_post_init__(self) -> None:
        if self.deputy == self.leader:
            raise InvalidInputError(f"deputy={self.deputy!r} cannot act for themselves")
        if self.away_until < self.away_from:
            raise InvalidInputError(
                f"away_until={self.away_until.isoformat()} is before "
                f"away_from={self.away_from.isoformat()}"
            )

    @staticmethod
    def key_for(leader: str, act_seq: int) -> str:
        """The duty key of the act at ``act_seq`` done for ``leader``."""
        return f"ab:{leader}:{act_seq}"

    def noted(self, notes: Notes) -> Notes:
        """Refuse a duty key already recorded for this task."""
        if ("deputy_acted", self.key) in notes:
            raise EscalationError(
                f"deputy act key={self.key!r} is already recorded for task {self.task_id!r}"
            )
        return notes | {("deputy_acted", self.key)}


@register_event_type
@final
@attrs.frozen
class DeputyReportedBack(SupervisionEvent):
    """The deputy reported back to the leader on the act ``key`` (代办事项事后汇报).

    Recorded in the record that holds the :class:`DeputyActed` it answers, once; ``note`` says how
    (a briefing, a written report, …).
    """

    kind: ClassVar[str] = "deputy_reported_back"
    key: str = attrs.field(validator=_text)
    note: str = attrs.field(default="", kw_only=True, validator=_free_text)

    def noted(self, notes: Notes) -> Notes:
        """Refuse a report on an act never recorded for this task, or reported already."""
        if ("deputy_acted", self.key) not in notes:
            raise EscalationError(
                f"DeputyReportedBack for key={self.key!r}, which names no deputy act of task "
                f"{self.task_id!r}; record it where CoverPlan.record_as_deputy recorded the act"
            )
        if ("reported_back", self.key) in notes:
            raise EscalationError(f"deputy act key={self.key!r} is already reported back")
        return notes | {("reported_back", self.key)}


def _decided(key: str, notes: Notes) -> Notes:
    if ("approval", key) in notes:
        raise EscalationError(f"notice key={key!r} already has an approval decision")
    if ("issued", key) in notes:
        raise EscalationError(f"notice key={key!r} was already issued; approval comes before issue")
    return notes | {("approval", key)}


SUPERVISION_EVENT_TYPES: dict[str, type[SupervisionEvent]] = {
    cls.kind: cls
    for cls in (
        NoticeIssued,
        NoticeAnswered,
        ApprovalGranted,
        ApprovalRefused,
        ApprovalStepStarted,
        ApprovalStepCompleted,
        DeputyActed,
        DeputyReportedBack,
    )
}
"""Every supervision event class by its ``kind`` (the name used in JSON and in the hash)."""
