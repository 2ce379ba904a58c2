"""The supervision engine: ledger + policy + now → the notices due and when to look again.

:func:`supervise` is a pure function. It reads the task ledger (and a supervision journal, if any),
evaluates every open task against the escalation ladder of the policy version it started under, the
three coordination tiers of its open issues and the limits of its running approval steps, and
returns a :class:`Decision`: the notices due now, those waiting for a leader's approval, and
``next_check_at``, the first moment anything can change without a new event. See
``docs/explanation/escalation.md`` for the semantics.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, final, overload

import attrs

from .._html import esc, table
from ..exceptions import CalendarCoverageError, EscalationError, InvalidTypeError
from ..tasks import (
    Ledger,
    Person,
    Responsibility,
    Role,
    SourceKind,
    Status,
    Task,
    TaskState,
    Unit,
    expected_percent,
)
from ..tasks._progress import plan_points
from ._cover import CoverPlan
from ._events import NoticeIssued
from ._journal import SupervisionJournal
from ._policy import (
    AllOf,
    AnyOf,
    Assigned,
    BehindSchedule,
    ClockRule,
    Condition,
    EscalationPolicy,
    Level,
    NoProgressFor,
    NoticeKind,
    Overdue,
    PreviousUnanswered,
    Target,
    WarningAtLeast,
    kind_label_zh,
    policy_in_force,
)
from ._report_back import due_date, open_duties
from ._rules import rule_due, rule_occurrences
from ._scan import _ByLevel, _Sup, checked_inputs, gather, scans
from ._text import Lang, Reasons, check_lang, kind_label, recipient_text, role_name

__all__ = ["Decision", "Directory", "Notice", "Recipient", "supervise"]


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
_RESOLVABLE = frozenset({Target.PRINCIPAL, Target.ASSESSMENT_OFFICE, Target.JOINT_MEETING})


def _listed(d: Directory, target: Target, r: Responsibility) -> bool:
    """Whether the directory itself fills ``target`` for a task of responsibility ``r``."""
    if target is Target.PRINCIPAL:
        return d.principal_of(r.lead_unit.id) is not None
    if target is Target.ASSESSMENT_OFFICE:
        return d.assessment_office is not None
    return d.joint_meeting_office is not None


# -- what the record says about supervision (read by ._scan) ----------------------------------


_NO_NOTICES: _ByLevel = types.MappingProxyType({})


def _cycle_notices(sup: _Sup | None, prefix: str) -> tuple[_ByLevel, dt.date | None]:
    """The task's notices whose keys start with ``prefix`` (its policy and cycle), by level in
    the order recorded, and the day of the latest one."""
    if sup is None or not sup.issued:
        return _NO_NOTICES, None
    grouped = sup.grouped
    if grouped is not None and grouped[0] == prefix:
        return grouped[1], grouped[2]
    by_level: dict[str, list[tuple[NoticeIssued, dt.date]]] = {}
    latest: dt.date | None = None
    for event, day in sup.issued:
        if event.key.startswith(prefix):
            by_level.setdefault(event.level, []).append((event, day))
            if latest is None or day > latest:
                latest = day
    sup.grouped = (prefix, by_level, latest)
    return by_level, latest


# -- evaluating one task -------------------------------------------------------------------------


class _Subject(Protocol):
    """What a notice needs of its task: a :class:`TaskState`, or the ledger's live projection."""

    @property
    def task(self) -> Task: ...

    @property
    def percent(self) -> float: ...

    @property
    def due(self) -> dt.date: ...


class _Projection(_Subject, Protocol):
    """An open task as the ledger's projection holds it (its private ``_Track``): the fields of
    :class:`TaskState` the engine reads directly, and ``freeze()`` for the snapshot itself."""

    @property
    def status(self) -> Status: ...

    @property
    def assigned_at(self) -> dt.datetime: ...

    @property
    def start(self) -> dt.date: ...

    @property
    def due(self) -> dt.date: ...

    @property
    def paused(self) -> tuple[tuple[dt.date, dt.date], ...]: ...

    @property
    def last_report_at(self) -> dt.datetime | None: ...

    @property
    def accepted_at(self) -> dt.datetime | None: ...

    @property
    def open_issues(self) -> tuple[Any, ...]: ...

    def freeze(self) -> TaskState: ...


# Condition types whose answer is a function of what :meth:`_Run.plain_ladder` keys its memo on
# (the task's schedule, progress and notices); WarningAtLeast reads the task's warning light,
# which also depends on its latch and issued warnings, so a policy using it is never memoized.
_PLAIN_CONDITIONS = frozenset(
    {Assigned, BehindSchedule, Overdue, PreviousUnanswered, NoProgressFor, AllOf, AnyOf}
)


def _plain(cond: Condition | None) -> tuple[bool, bool]:
    """Whether ``cond`` can be memoized, and whether it reads the progress anchor."""
    if cond is None:
        return True, False
    if type(cond) not in _PLAIN_CONDITIONS:
        return False, False
    if isinstance(cond, (AllOf, AnyOf)):
        parts = [_plain(c) for c in cond.conditions]
        return all(ok for ok, _ in parts), any(anchor for _, anchor in parts)
    return True, isinstance(cond, NoProgressFor)


class _Facts:
    """What the conditions of one task ask, each computed at most once; ``ctx`` is the run."""

    __slots__ = ("_anchor", "_expected", "_light", "ctx", "previous", "restart_day", "state")

    def __init__(self, ctx: _Run, state: TaskState, restart_day: dt.date | None) -> None:
        self.ctx = ctx
        self.state = state
        self.restart_day = restart_day
        self.previous: tuple[NoticeIssued, dt.date] | None = None
        self._anchor: dt.date | None = None
        self._expected: float | None = None
        self._light: Any = attrs.NOTHING

    def expected(self) -> float:
        if self._expected is None:
            s = self.state
            plan = s.task.plan
            if plan is None or not plan.milestones:
                # Time-proportional: shared by every task with the same dates and pauses.
                key = (s.start, s.due, s.paused)
                cache = self.ctx.facts_cache
                value = cache.get(key)
                if value is None:
                    value = cache[key] = expected_percent(
                        start=s.start,
                        due=s.due,
                        today=self.ctx.today,
                        calendar=self.ctx.calendar,
                        paused=s.paused,
                    )
                self._expected = value
            else:
                self._expected = expected_percent(
                    start=s.start,
                    due=s.due,
                    today=self.ctx.today,
                    calendar=self.ctx.calendar,
                    milestones=plan_points(plan),
                    paused=s.paused,
                )
        return self._expected

    @property
    def progress_anchor(self) -> dt.date:
        """The last progress report (or acceptance, or assignment), or a later restart."""
        if self._anchor is None:
            s = self.state
            last = s.last_report_at or s.accepted_at or s.assigned_at
            anchor = last.astimezone(self.ctx.tz).date()
            if self.restart_day is not None and self.restart_day > anchor:
                anchor = self.restart_day
            self._anchor = anchor
        return self._anchor

    def light(self) -> Any:
        if self._light is attrs.NOTHING:
            self._light = self.ctx.ledger.warning(
                self.state.id, now=self.ctx.now, lang=self.ctx.lang
            )
        return self._light


def _add(cal: Any, d: dt.date, n: int) -> dt.date:
    """``cal.add_working_days(d, n)`` for a next-check date; past the calendar's data, the first
    day of the missing year (the host learns the rest when it runs then)."""
    try:
        result: dt.date = cal.add_working_days(d, n)
    except CalendarCoverageError as exc:
        return dt.date(exc.year, 1, 1)
    return result


def _next(cal: Any, d: dt.date) -> dt.date:
    """``cal.next_working_day(d)``, with the same fallback as :func:`_add`."""
    try:
        result: dt.date = cal.next_working_day(d)
    except CalendarCoverageError as exc:
        return dt.date(exc.year, 1, 1)
    return result


def _check(cond: Condition, f: _Facts) -> str | None:
    """The reason ``cond`` holds, or ``None``; records when it may next change."""
    ctx = f.ctx
    cal = ctx.calendar
    today = ctx.today
    s = f.state
    if isinstance(cond, Assigned):
        day = s.assigned_at.astimezone(ctx.tz).date()
        return Reasons.assigned(day, s.due, ctx.lang)
    if isinstance(cond, BehindSchedule):
        expected = f.expected()
        lag = expected - s.percent
        if lag > cond.points:
            return Reasons.behind(expected, s.percent, lag, cond.points, ctx.lang)
        if today < s.due:
            plan = s.task.plan
            if plan is None or not plan.milestones:
                # The first working day the lag exceeds the threshold, if the unit reports nothing.
                key = (s.start, s.due, s.percent + cond.points)
                crossing = ctx.facts_cache.get(key, attrs.NOTHING)
                if crossing is attrs.NOTHING:
                    total = cal.working_days_between(s.start, s.due)
                    k = int((s.percent + cond.points) * total // 100) + 1
                    crossing = ctx.facts_cache[key] = (
                        _add(cal, s.start, k) if 1 <= k <= total else None
                    )
                if crossing is not None:
                    ctx.candidates.append(crossing)
            else:
                ctx.candidates.append(_next(cal, today))
        return None
    if isinstance(cond, Overdue):
        if today > s.due:
            late = cal.working_days_between(s.due, today)
            if late >= cond.working_days:
                return Reasons.overdue(s.due, late, ctx.lang)
            ctx.candidates.append(_add(cal, s.due, cond.working_days))
        else:
            first = s.due + dt.timedelta(days=1)
            if cond.working_days:
                first = max(first, _add(cal, s.due, cond.working_days))
            ctx.candidates.append(first)
        return None
    if isinstance(cond, NoProgressFor):
        idle = cal.working_days_between(f.progress_anchor, today)
        if idle >= cond.working_days:
            return Reasons.no_progress(f.progress_anchor, idle, cond.working_days, ctx.lang)
        ctx.candidates.append(_add(cal, f.progress_anchor, cond.working_days))
        return None
    if isinstance(cond, PreviousUnanswered):
        if f.previous is None:
            return None
        prev, day = f.previous
        if prev.key in ctx.answered or (cond.progress_answers and s.percent > prev.percent):
            return None
        anchor = prev.answer_due or day
        waited = cal.working_days_between(anchor, today)
        if today > anchor and waited >= cond.working_days:
            return Reasons.unanswered(prev.notice_kind, day, prev.answer_due, s.percent, ctx.lang)
        if cond.working_days:
            ctx.candidates.append(_add(cal, anchor, cond.working_days))
        else:
            ctx.candidates.append(anchor + dt.timedelta(days=1))
        return None
    if isinstance(cond, WarningAtLeast):
        light = f.light()
        ctx.candidates.append(_next(cal, today))
        if light is not None and light.level.rank >= cond.light.rank:
            return Reasons.warning(light.level.value, light.reasons[0], ctx.lang)
        return None
    if isinstance(cond, AllOf):
        reasons = []
        for c in cond.conditions:
            reason = _check(c, f)
            if reason is None:
                return None
            reasons.append(reason)
        return _AND[ctx.lang].join(reasons)
    reasons = [r for r in (_check(c, f) for c in cond.conditions) if r is not None]
    return _AND[ctx.lang].join(reasons) if reasons else None


_AND = {"en": "; ", "zh": "；"}  # how the reasons of several conditions are joined


class _Run:
    """One call of :func:`supervise`: shared inputs and caches."""

    def __init__(
        self,
        ledger: Ledger,
        calendar: Any,
        now: dt.datetime,
        today: dt.date,
        directory: Directory,
        answered: frozenset[str],
        tz: dt.tzinfo,
        lang: Lang = "en",
    ) -> None:
        self.ledger = ledger
        self.lang = lang
        self.tz = tz
        self.calendar = calendar
        self.now = now
        self.today = today
        self.directory = directory
        self.answered = answered
        self.due_cache: dict[tuple[str, dt.date], dt.date] = {}
        self.facts_cache: dict[Any, Any] = {}
        self.rung_cache: dict[tuple[int, int], tuple[int, ...]] = {}
        self.index_cache: dict[int, dict[str, int]] = {}
        self.meeting_cache: dict[Any, dt.date | None] = {}
        # plain_ladder's memo: what the ladder decides for a task, by what that decision reads.
        self.ladder_memo: dict[tuple[Any, ...], tuple[Level, str, int, int, bool] | None] = {}
        self.plain_cache: dict[int, tuple[bool, bool]] = {}
        self.label_cache: dict[int, str] = {}
        self.day_cache: dict[dt.datetime, dt.date] = {}
        # Responsibilities are shared between tasks; resolve each (targets, responsibility) once.
        self.recipient_cache: dict[tuple[Any, ...], tuple[Any, tuple[Recipient, ...]]] = {}
        self.notices: list[Notice] = []
        self.awaiting: list[Notice] = []
        self.unresolved: set[Target] = set()  # roles a notice was addressed to but nobody fills
        self.candidates: list[dt.date] = []

    def due(self, text: str, trigger: dt.date) -> dt.date:
        key = (text, trigger)
        found = self.due_cache.get(key)
        if found is None:
            found = rule_due(text, trigger, self.calendar)
            self.due_cache[key] = found
        return found

    def recipients(self, targets: tuple[Target, ...], state: _Subject) -> tuple[Recipient, ...]:
        r = state.task.responsibility
        # By identity: tasks share their units and people, and hashing those by value runs
        # attrs' generated __hash__ for every notice. The cache holds `r`, so the ids stay its.
        key = (targets, id(r.lead_unit), id(r.leader_in_charge), id(r.cooperating))
        found = self.recipient_cache.get(key)
        if found is None:
            found = self.recipient_cache[key] = (r, self._resolve(targets, r))
        return found[1]

    def _resolve(self, targets: tuple[Target, ...], r: Any) -> tuple[Recipient, ...]:
        out: list[Recipient] = []
        d = self.directory
        for target in targets:
            if d.resolver is not None and target in _RESOLVABLE and not _listed(d, target, r):
                out.append(self._hosted(target, r))
                continue
            if target is Target.UNIT:
                out.append(Recipient(target, r.lead_unit.id, r.lead_unit.name))
            elif target is Target.COOPERATING_UNITS:
                out.extend(Recipient(target, c.unit.id, c.unit.name) for c in r.cooperating)
            elif target is Target.LEADER_IN_CHARGE or target is Target.PRINCIPAL:
                person = (
                    r.leader_in_charge
                    if target is Target.LEADER_IN_CHARGE
                    else d.principal_of(r.lead_unit.id)
                )
                if person is None:
                    self.unresolved.add(target)
                    out.append(Recipient(target, None))
                    continue
                acting = d.cover.acting(person.id, self.today)
                if acting.deputy_id is None:
                    out.append(Recipient(target, person.id, person.name))
                else:
                    deputy = d.person(acting.deputy_id)
                    name = deputy.name if deputy is not None else acting.deputy_id
                    out.append(Recipient(target, acting.deputy_id, name, acting_for=person.id))
            elif target is Target.ASSESSMENT_OFFICE:
                office = d.assessment_office
                if office is None:
                    self.unresolved.add(target)
                out.append(
                    Recipient(target, office.id, office.name) if office else Recipient(target, None)
                )
            else:
                office = d.joint_meeting_office
                out.append(
                    Recipient(target, office.id, office.name)
                    if office
                    else Recipient(target, "joint-meeting", "联席会议")
                )
        return tuple(out)

    def _hosted(self, target: Target, r: Responsibility) -> Recipient:
        """The recipient the host's resolver names for ``target``."""
        d = self.directory
        assert d.resolver is not None
        found = d.resolver(target, r)
        if found is None:
            if target is Target.JOINT_MEETING:  # as without a resolver: the meeting itself
                return Recipient(target, "joint-meeting", "联席会议")
            self.unresolved.add(target)
            return Recipient(target, None)
        if not isinstance(found, (Person, Unit)):
            raise InvalidTypeError(
                f"the directory's resolver returned {found!r} for {target.value}; expected a "
                "Person, a Unit or None"
            )
        if isinstance(found, Person):  # a person away is covered by their deputy (AB角)
            acting = d.cover.acting(found.id, self.today)
            if acting.deputy_id is not None:
                deputy = d.person(acting.deputy_id)
                name = deputy.name if deputy is not None else acting.deputy_id
                return Recipient(target, acting.deputy_id, name, acting_for=found.id)
        return Recipient(target, found.id, found.name)

    def warnings(self) -> tuple[str, ...]:
        """One line per role some notice went to that nobody in the directory fills."""
        if not self.unresolved:
            return ()
        roles = sorted(t.value for t in self.unresolved)
        if self.lang == "zh":
            names = "、".join(role_name(t, "zh") for t in roles)
            return (
                f"通讯录中无{names}：相关通知只写明职务、未指定人员；"
                "请在Directory(people=...)中列出，或以Directory(resolver=...)由系统查找",
            )
        return (
            f"the directory names no {', '.join(role_name(t, 'en') for t in roles)}: notices "
            "to that role name the role, not a person; list them in Directory(people=...) or "
            "pass Directory(resolver=...) to look them up",
        )

    def next_meeting(self, policy: EscalationPolicy) -> dt.date | None:
        assert policy.coordination is not None
        meeting = policy.coordination.meeting
        if meeting in self.meeting_cache:
            return self.meeting_cache[meeting]
        after = self.today + dt.timedelta(days=1)
        found: dt.date | None = None
        if meeting.dates:
            found = next((d for d in meeting.dates if d >= after), None)
        else:
            assert meeting.schedule is not None
            end = after + dt.timedelta(days=400)
            end = min(end, dt.date(getattr(self.calendar, "published_through", end.year), 12, 31))
            if end >= after:
                dates = rule_occurrences(meeting.schedule, after, end, self.calendar)
                found = dates[0] if dates else None
        self.meeting_cache[meeting] = found
        return found

    # -- the ladder --

    def ladder(
        self, policy: EscalationPolicy, state: TaskState, sup: _Sup | None, cycle: int, f: _Facts
    ) -> None:
        prefix = f"{self.label(policy)}:{state.task.id}:c{cycle}:"
        by_level, latest = _cycle_notices(sup, prefix)
        cal = self.calendar
        today = self.today
        if latest == today:
            # One rung a day: the notice just recorded must reach its recipient before the next.
            self.candidates.append(_next(cal, today))
            return
        levels = policy.levels
        source = state.task.source
        if source is not None and source.kind is SourceKind.DOCUMENT:
            # "已通过文件形式明确的不再下发": the document stands for the assignment notice.
            documented = dict(by_level)  # the grouping is kept on `sup`: add to a copy
            for level in levels:
                cond = level.condition
                if (
                    isinstance(cond, Assigned)
                    and cond.unless_documented
                    and level.name not in documented
                ):
                    stand_in = NoticeIssued(
                        state.id,
                        f"{prefix}{level.name}:document",
                        level=level.name,
                        notice_kind=str(level.kind),
                    )
                    documented[level.name] = [
                        (stand_in, state.assigned_at.astimezone(self.tz).date())
                    ]
            by_level = documented
        highest = -1
        if by_level:
            index = self.level_index(policy)
            for name in by_level:
                i = index.get(name, -1)
                if i > highest:
                    highest = i
        # Top down: the highest rung that is due wins; rungs below the task's place do not repeat.
        for i in self.rungs(policy, highest):
            level = levels[i]
            before = by_level.get(levels[i - 1].name) if i else None
            f.previous = before[-1] if before else None
            issued = by_level.get(level.name)
            seq = missed = 0
            if issued:
                rep = level.repeat
                if rep is None or len(issued) - 1 >= rep.limit:
                    continue
                last_day = issued[-1][1]
                next_day = _add(cal, last_day, rep.every_working_days)
                if today < next_day:
                    self.candidates.append(next_day)
                    continue
                reason = _check(level.condition, f)
                if reason is None:
                    continue
                seq = len(issued)
                missed = cal.working_days_between(last_day, today) // rep.every_working_days - 1
                reason = Reasons.repeat(reason, seq, self.lang)
            elif i and f.previous is None:
                if level.skip_when is None:
                    continue
                reason = _check(level.skip_when, f)
                if reason is None:
                    continue
                missed = i - highest - 1
                reason = Reasons.straight(reason, self.lang)
            else:
                reason = _check(level.condition, f)
                if reason is None and level.skip_when is not None:
                    reason = _check(level.skip_when, f)  # e.g. overdue: an interview regardless
                if reason is None:
                    continue
            key = f"{prefix}{level.name}:{seq}"
            approval = sup.approvals.get(key) if sup is not None else None
            if approval is False:
                continue  # refused: the next lower rung may still be due
            notice = self.notice(policy, level, state, key, reason, seq=seq, coalesced=missed)
            if level.needs_approval and approval is not True:
                self.awaiting.append(notice)
                return
            self.notices.append(notice)
            # Once recorded, this notice opens the next rung, whose condition was not evaluated
            # (it needed this one): look again on the next working day.
            self.candidates.append(_next(cal, today))
            return

    def label(self, policy: EscalationPolicy) -> str:
        """``policy.label``, made once per run."""
        found = self.label_cache.get(id(policy))
        if found is None:
            found = self.label_cache[id(policy)] = policy.label
        return found

    def day(self, at: dt.datetime) -> dt.date:
        """The local day of ``at``; tasks assigned or reporting together share the answer."""
        found = self.day_cache.get(at)
        if found is None:
            found = self.day_cache[at] = at.astimezone(self.tz).date()
        return found

    def is_plain(self, policy: EscalationPolicy) -> tuple[bool, bool]:
        """Whether :meth:`plain_ladder` may decide for ``policy`` (every condition of its ladder
        is in ``_PLAIN_CONDITIONS``), and whether its key needs the progress anchor."""
        found = self.plain_cache.get(id(policy))
        if found is None:
            parts = [_plain(c) for lv in policy.levels for c in (lv.condition, lv.skip_when)]
            found = self.plain_cache[id(policy)] = (
                all(ok for ok, _ in parts),
                any(anchor for _, anchor in parts),
            )
        return found

    def plain_ladder(
        self,
        policy: EscalationPolicy,
        t: _Projection,
        sup: _Sup | None,
        cycle: int,
        restart_day: dt.date | None,
        anchored: bool,
    ) -> None:
        """:meth:`ladder` for a task of a plain policy (:meth:`is_plain`) with no plan
        milestones and no document source: decided once per run for every task that reads the
        same.

        What ``ladder`` reads of such a task is its notices in the current cycle (per level: how
        many, and of the last one its day, whether it was answered, the progress and answer date
        it recorded and its kind), the approval decisions on its keys, its start and due dates,
        its reported progress, its day of assignment and, if a condition asks, its progress
        anchor. Tasks equal in all of these get the same notice (or none), with the same
        reason; only the task's id, key and recipients differ, and those are filled in here. The
        first task of each kind goes through ``ladder`` itself, which also records the dates the
        decision may change on (``candidates``): the same for the tasks that share its key.
        """
        label = self.label_cache.get(id(policy)) or self.label(policy)
        prefix = f"{label}:{t.task.id}:c{cycle}:"
        # Of a level's notices, ladder reads how many there are and the last one (its day, and
        # as the rung below: whether answered, its progress, answer date and kind).
        notes: tuple[Any, ...] = ()
        if sup is not None and sup.issued:
            answered = self.answered
            issued = sup.issued
            if len(issued) == 1:  # the common case, in short
                e, day = issued[0]
                if e.key.startswith(prefix):
                    ok = e.key in answered
                    notes = ((e.level, 1, day, ok, e.percent, e.answer_due, e.notice_kind),)
            else:
                by_level, _ = _cycle_notices(sup, prefix)
                summary = []
                for name, notices in by_level.items():
                    e, day = notices[-1]
                    n, ok = len(notices), e.key in answered
                    summary.append((name, n, day, ok, e.percent, e.answer_due, e.notice_kind))
                notes = tuple(summary)
        approvals: tuple[tuple[str, bool], ...] = ()
        if sup is not None and sup.approvals:
            # ladder looks up the approval of the key it would issue: prefix + level + sequence.
            cut = len(prefix)
            approvals = tuple(
                [(k[cut:], v) for k, v in sup.approvals.items() if k.startswith(prefix)]
            )
        days = self.day_cache
        at = t.assigned_at
        assigned = days.get(at) or self.day(at)
        anchor = None
        if anchored:
            at = t.last_report_at or t.accepted_at or at
            anchor = days.get(at) or self.day(at)
            if restart_day is not None and restart_day > anchor:
                anchor = restart_day
        percent = t.percent
        # -0.0 == 0.0 as a key, but a reason prints its sign: keep zeros apart.
        reads = (
            id(policy),
            notes,
            approvals,
            t.start,
            t.due,
            t.paused,
            percent if percent else str(percent),
            assigned,
            anchor,
        )
        memo = self.ladder_memo
        found = memo.get(reads, _UNSEEN)
        if found is None:
            return
        if found is not _UNSEEN:
            level, reason, seq, coalesced, waits = found
            key = f"{prefix}{level.name}:{seq}"
            notice = self.notice(policy, level, t, key, reason, seq=seq, coalesced=coalesced)
            (self.awaiting if waits else self.notices).append(notice)
            return
        issued_before, waiting_before = len(self.notices), len(self.awaiting)
        state = t.freeze()
        self.ladder(policy, state, sup, cycle, _Facts(self, state, restart_day))
        if len(self.notices) > issued_before:
            made, waits = self.notices[-1], False
        elif len(self.awaiting) > waiting_before:
            made, waits = self.awaiting[-1], True
        else:
            memo[reads] = None
            return
        level = policy.levels[self.level_index(policy)[made.level]]
        memo[reads] = (level, made.reason, made.sequence, made.coalesced, waits)

    def level_index(self, policy: EscalationPolicy) -> dict[str, int]:
        """Each level's place on the ladder, by name."""
        found = self.index_cache.get(id(policy))
        if found is None:
            found = self.index_cache[id(policy)] = {
                lv.name: i for i, lv in enumerate(policy.levels)
            }
        return found

    def rungs(self, policy: EscalationPolicy, highest: int) -> tuple[int, ...]:
        """The rungs that can be due for a task whose highest issued rung is ``highest``, top
        down: the next rung, any higher one that may be skipped to, and a repeat of its own."""
        key = (id(policy), highest)
        found = self.rung_cache.get(key)
        if found is None:
            levels = policy.levels
            found = tuple(
                i
                for i in range(len(levels) - 1, max(highest, 0) - 1, -1)
                if i == highest + 1
                or (i > highest + 1 and levels[i].skip_when is not None)
                or (i == highest and levels[i].repeat is not None)
            )
            self.rung_cache[key] = found
        return found

    def notice(
        self,
        policy: EscalationPolicy,
        level: Level,
        state: _Subject,
        key: str,
        reason: str,
        *,
        seq: int,
        coalesced: int,
    ) -> Notice:
        answer = self.due(level.respond_within, self.today) if level.respond_within else None
        if answer is not None and self.today <= state.due < answer:
            # An answer asked for after the work itself is due would let the deadline pass
            # unremarked (a first run on an old ledger meets this): the deadline is the limit.
            answer = state.due
        return Notice(
            key,
            task_id=state.task.id,
            level=level.name,
            kind=level.kind,
            recipients=self.recipients(level.to, state),
            reason=reason,
            issued_on=self.today,
            answer_due=answer,
            policy=self.label(policy),
            sequence=seq,
            coalesced=max(0, coalesced),
            percent=state.percent,
            needs_approval=level.needs_approval,
            lang=self.lang,
        )

    # -- three-tier coordination --

    def coordination(
        self, policy: EscalationPolicy, state: TaskState, sup: _Sup | None, tz: dt.tzinfo
    ) -> None:
        co = policy.coordination
        if co is None or not state.open_issues:
            return
        issued = {e.key: day for e, day in sup.issued} if sup is not None else {}
        today = self.today
        for issue in state.open_issues:
            raised = issue.raised_at.astimezone(tz).date()
            base = f"{policy.label}:{state.id}:issue:{issue.id}@{raised.isoformat()}:"
            leader_key, meeting_key = base + "leader", base + "joint_meeting"
            if meeting_key in issued:
                continue
            leader_day = issued.get(leader_key)
            if leader_day is None:
                limit = self.due(co.unit_limit, raised)
                if today <= limit:
                    self.candidates.append(limit + dt.timedelta(days=1))
                    continue
                reason = Reasons.issue_to_leader(issue.id, raised, limit, co.unit_limit, self.lang)
                self.notices.append(
                    self.coordination_notice(
                        policy, state, leader_key, reason, (Target.LEADER_IN_CHARGE,), None
                    )
                )
                self.candidates.append(self.due(co.leader_limit, today) + dt.timedelta(days=1))
                continue
            limit = self.due(co.leader_limit, leader_day)
            if today <= limit:
                self.candidates.append(limit + dt.timedelta(days=1))
                continue
            meeting = self.next_meeting(policy)
            reason = Reasons.issue_to_meeting(
                issue.id, limit, co.leader_limit, co.meeting.name, meeting, self.lang
            )
            self.notices.append(
                self.coordination_notice(
                    policy, state, meeting_key, reason, (Target.JOINT_MEETING, Target.UNIT), meeting
                )
            )

    def coordination_notice(
        self,
        policy: EscalationPolicy,
        state: TaskState,
        key: str,
        reason: str,
        to: tuple[Target, ...],
        meeting: dt.date | None,
    ) -> Notice:
        return Notice(
            key,
            task_id=state.id,
            level=key.rsplit(":", 2)[-2] + ":" + key.rsplit(":", 1)[-1],
            kind=NoticeKind.COORDINATION,
            recipients=self.recipients(to, state),
            reason=reason,
            issued_on=self.today,
            policy=policy.label,
            percent=state.percent,
            meeting_on=meeting,
            lang=self.lang,
        )

    # -- approval green channel --

    def approvals(self, policy: EscalationPolicy, state: TaskState, sup: _Sup | None) -> None:
        if sup is None or not sup.steps:
            return
        limits = {s.name: s.limit for s in policy.approval_steps}
        issued = {e.key for e, _ in sup.issued}
        for step, (since, starts) in sorted(sup.steps.items()):
            if since is None:
                continue
            if step not in limits:
                raise EscalationError(
                    f"task {state.id!r} runs approval step {step!r}, which policy "
                    f"{policy.label!r} gives no limit; known steps: {sorted(limits)!r}"
                )
            key = f"{policy.label}:{state.id}:approval:{step}:{starts}"
            if key in issued:
                continue
            limit = self.due(limits[step], since)
            if self.today <= limit:
                self.candidates.append(limit + dt.timedelta(days=1))
                continue
            late = self.calendar.working_days_between(limit, self.today)
            self.notices.append(
                Notice(
                    key,
                    task_id=state.id,
                    level=f"approval:{step}",
                    kind=NoticeKind.APPROVAL_OVERRUN,
                    recipients=self.recipients((Target.UNIT, Target.LEADER_IN_CHARGE), state),
                    reason=Reasons.approval_overrun(
                        step, since, limits[step], limit, late, self.lang
                    ),
                    issued_on=self.today,
                    policy=policy.label,
                    percent=state.percent,
                    lang=self.lang,
                )
            )


# From how many open tasks a run decides through _Run.plain_ladder. Keying a task costs about a
# quarter of deciding it; the memo pays when many tasks share a schedule, as they do by the
# thousand in a large ledger, and costs a daily sweep of 1,000 tasks with schedules of their own
# a third more. Tests set it to 0 and to sys.maxsize to hold the two paths together.
_PLAIN_LADDER_FROM = 2_000
_UNSEEN: Any = object()


def supervise(
    ledger: Ledger,
    *,
    policy: EscalationPolicy | Iterable[EscalationPolicy],
    calendar: Any,
    now: dt.datetime,
    journal: SupervisionJournal | None = None,
    directory: Directory | None = None,
    lang: Lang = "en",
) -> Decision:
    """The notices due at ``now`` and when to look again; pure and deterministic.

    ``policy`` is one policy or every version of it (each task follows the version in force on the
    day it was assigned). Supervision events are read from the ledger and, for hosts that keep
    supervision apart, from ``journal``; once the notices of a decision are recorded
    (``decision.record(ledger, actor=...)``), evaluating again returns none of them.

    ``lang`` is the language of every reason and of the notices' text: ``"en"`` or ``"zh"``.
    Roles a notice goes to that ``directory`` does not fill are listed once in
    ``decision.warnings``.

    >>> import datetime as dt, govops
    >>> from govops.tasks import Ledger
    >>> from govops.escalation import supervise, CITY_KEY_WORK_POLICY
    >>> cst = dt.timezone(dt.timedelta(hours=8))
    >>> cal = govops.calendar("CN")
    >>> d = supervise(Ledger(calendar=cal), policy=CITY_KEY_WORK_POLICY, calendar=cal,
    ...               now=dt.datetime(2026, 3, 2, 9, tzinfo=cst))
    >>> d.notices, d.next_check_at
    ((), None)
    """
    policies, tz, today = checked_inputs(ledger, journal, policy, calendar, now)
    lang = check_lang(lang)
    if directory is None:
        directory = Directory()
    elif not isinstance(directory, Directory):
        raise InvalidTypeError(f"directory={directory!r}; expected a Directory")
    for method in ("is_working_day", "add_working_days", "working_days_between"):
        if not callable(getattr(calendar, method, None)):
            raise InvalidTypeError(
                f"calendar={calendar!r} has no {method}(); expected a WorkCalendar"
            )
    first, second = scans(ledger, journal, now, tz)  # one pass over each record, memoized
    facts, answered = gather(first, second)
    known = ledger._tracks()  # what Ledger.task_ids lists, without a copy
    unknown = sorted(facts.keys() - known.keys())
    if unknown:
        raise EscalationError(
            f"the journal records supervision events for tasks not in the ledger: {unknown!r}"
        )
    states: Sequence[_Projection] = ledger._open_tracks(now)
    run = _Run(ledger, calendar, now, today, directory, answered, tz, lang)
    duties = open_duties(first, second, tz)  # AB角 report-backs, whether the task is open
    if not states and not duties:
        return Decision(now, notices=(), awaiting_approval=(), next_check_at=None, lang=lang)
    office_closed = any(p.working_days_only for p in policies) and not calendar.is_working_day(
        today
    )
    if not office_closed:
        only = policies[0] if len(policies) == 1 else None
        suspended = Status.SUSPENDED
        memoize = len(states) >= _PLAIN_LADDER_FROM
        only_plain = run.is_plain(only) if only is not None and memoize else (False, False)
        for state in states:
            p = only or policy_in_force(policies, state.assigned_at.astimezone(tz).date())
            sup = facts.get(state.task.id)
            cycle = 0
            restart_day = None
            if sup is not None and sup.restarts:
                for what, day in sup.restarts:
                    rule = p.on_reassignment if what == "reassignment" else p.on_deadline_change
                    if rule is ClockRule.RESTART:
                        cycle += 1
                        restart_day = day
            if state.status is not suspended and p.levels:
                if p is only:
                    plain, anchored = only_plain
                else:
                    plain, anchored = run.is_plain(p) if memoize else (False, False)
                task = state.task
                if (
                    plain
                    and (task.plan is None or not task.plan.milestones)
                    and (task.source is None or task.source.kind is not SourceKind.DOCUMENT)
                ):
                    run.plain_ladder(p, state, sup, cycle, restart_day, anchored)
                else:
                    snapshot = state.freeze()
                    run.ladder(p, snapshot, sup, cycle, _Facts(run, snapshot, restart_day))
            if state.open_issues and p.coordination is not None:
                run.coordination(p, state.freeze(), sup, tz)
            if sup is not None and sup.steps:
                run.approvals(p, state.freeze(), sup)
        if duties:
            _report_backs(run, policies, duties, facts)
    later = [d for d in run.candidates if d > today]
    if office_closed:
        later = [_next(calendar, today)]
    if not later:
        return Decision(
            now,
            notices=tuple(run.notices),
            awaiting_approval=tuple(run.awaiting),
            next_check_at=None,
            warnings=run.warnings(),
            lang=lang,
        )
    nxt = min(later)
    if any(p.working_days_only for p in policies):
        try:
            if not calendar.is_working_day(nxt):
                nxt = _next(calendar, nxt)
        except CalendarCoverageError:
            pass  # a day past the data: the host will learn more when it runs then
    return Decision(
        now,
        notices=tuple(run.notices),
        awaiting_approval=tuple(run.awaiting),
        next_check_at=dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz),
        warnings=run.warnings(),
        lang=lang,
    )


# -- the deputy's report-back (AB角 事后汇报) ------------------------------------------------------


def _report_backs(
    run: _Run,
    policies: tuple[EscalationPolicy, ...],
    duties: tuple[tuple[Any, dt.date], ...],
    facts: Mapping[str, _Sup],
) -> None:
    """A report-back notice for each deputy act still unreported after its due date, once."""
    today = run.today
    for event, acted_on in duties:
        policy, due = due_date(event, run.ledger, policies, run.calendar, run.now, run.tz)
        if due is None:
            continue
        if today <= due:
            run.candidates.append(due + dt.timedelta(days=1))
            continue
        key = f"{policy.label}:{event.task_id}:report_back:{event.key}"
        sup = facts.get(event.task_id)
        if sup is not None and any(e.key == key for e, _ in sup.issued):
            continue
        d = run.directory
        deputy, leader = d.person(event.deputy), d.person(event.leader)
        late = run.calendar.working_days_between(due, today)
        run.notices.append(
            Notice(
                key,
                task_id=event.task_id,
                level=f"report_back:{event.key}",
                kind=NoticeKind.REPORT_BACK,
                recipients=(
                    Recipient(
                        Target.DEPUTY_COVER,
                        event.deputy,
                        deputy.name if deputy else None,
                        acting_for=event.leader,
                    ),
                    Recipient(Target.DEPUTY_COVER, event.leader, leader.name if leader else None),
                ),
                reason=Reasons.report_back(
                    event.deputy,
                    event.leader,
                    acted_on,
                    event.act_kind,
                    event.act_seq,
                    (event.away_from, event.away_until),
                    due,
                    policy.report_back_within or "",
                    late,
                    run.lang,
                ),
                issued_on=today,
                policy=policy.label,
                lang=run.lang,
            )
        )
