"""Agenda building (议题): which proposed topics may go before a sitting, and why the others may not.

Every check is a rule of the meeting type (:class:`~govops.meetings.AgendaRules`), applied to the
topic and, for a topic about tracked work, to the ledger at ``now``. Nothing is guessed: a topic that
fails a check is kept in ``Agenda.excluded`` with every reason, in English and Chinese.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, final

import attrs

from .._checks import check_text
from .._time import SHANGHAI, as_local_date, require_aware
from ..exceptions import InvalidTypeError, MeetingError, UnknownTaskError
from ..tasks import Ledger, Status
from ._model import (
    DecisionStep,
    Meeting,
    day_field,
    decision_steps,
    optional_text,
    role_set,
    text_field,
    to_tuple,
)
from ._presets import PRESETS, role_name

if TYPE_CHECKING:
    from ..tasks import WorkingCalendar

__all__ = [
    "Agenda",
    "AgendaItem",
    "Exclusion",
    "ExclusionReason",
    "Reason",
    "Topic",
    "build_agenda",
]


def _hearings(value: object) -> tuple[tuple[str, dt.date], ...]:
    """``{level: day}`` (or pairs) as sorted pairs; a level named twice is an error."""
    if isinstance(value, Mapping):
        pairs: list[object] = list(value.items())
    elif isinstance(value, Iterable) and not isinstance(value, str):
        pairs = list(value)
    else:
        raise InvalidTypeError(f"heard={value!r}; expected a mapping of level to datetime.date")
    out: dict[str, dt.date] = {}
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise InvalidTypeError(f"heard contains {pair!r}; expected (level, datetime.date)")
        level, day = pair
        check_text(level, "a level of heard", empty=False)
        day_field(f"heard[{level!r}]")(None, None, day)
        if level in out:
            raise MeetingError(f"heard names level {level!r} twice")
        out[level] = day
    return tuple(sorted(out.items(), key=lambda p: (p[1], p[0])))


def _note(_instance: object, _attribute: object, value: object) -> None:
    if not isinstance(value, str):
        raise InvalidTypeError(f"note={value!r} is a {type(value).__name__}; expected a str")


@final
@attrs.frozen
class Topic:
    """A topic proposed for a sitting.

    ``proposed_by`` is the role proposing it; ``set_by`` the role that put it on the agenda (default:
    the proposer). ``task_id`` links it to tracked work in the ledger; ``plan`` names its concrete
    plan (具体方案). ``materials_submitted`` and ``materials_reviewed_by`` record the written
    materials. A ``major_decision`` (重大决策) carries ``steps_done``; a report in the government's
    name to the Party committee (``for_party_committee``) carries ``passed_by``, the keys of the
    meeting types that passed it, or ``urgent_approved_by``. ``note`` says why the topic comes up
    (e.g. the reason an issue was escalated to the meeting); it is shown under the item.
    ``notified_on`` is the day the topic was told to the roles the type's ``notify`` names.
    ``raised_at`` is the level of the type's ``ladder`` the matter comes from (``None``: it is the
    proposer's own, not reported from below) and ``heard`` maps each level that has had it to the
    day it did.
    """

    id: str = attrs.field(validator=text_field("id"))
    title: str = attrs.field(validator=text_field("title"))
    proposed_by: str = attrs.field(kw_only=True, validator=text_field("proposed_by"))
    set_by: str | None = attrs.field(default=None, kw_only=True, validator=optional_text("set_by"))
    task_id: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("task_id")
    )
    plan: str | None = attrs.field(default=None, kw_only=True, validator=optional_text("plan"))
    materials_submitted: dt.date | None = attrs.field(
        default=None, kw_only=True, validator=day_field("materials_submitted", optional=True)
    )
    materials_reviewed_by: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("materials_reviewed_by")
    )
    major_decision: bool = attrs.field(default=False, kw_only=True)
    steps_done: frozenset[DecisionStep] = attrs.field(
        default=frozenset(), kw_only=True, converter=decision_steps
    )
    for_party_committee: bool = attrs.field(default=False, kw_only=True)
    passed_by: frozenset[str] = attrs.field(default=frozenset(), kw_only=True, converter=role_set)
    urgent_approved_by: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("urgent_approved_by")
    )
    note: str = attrs.field(default="", kw_only=True, validator=_note)
    notified_on: dt.date | None = attrs.field(
        default=None, kw_only=True, validator=day_field("notified_on", optional=True)
    )
    raised_at: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text("raised_at")
    )
    heard: tuple[tuple[str, dt.date], ...] = attrs.field(
        default=(), kw_only=True, converter=_hearings
    )

    def heard_on(self, level: str) -> dt.date | None:
        """The day ``level`` had this topic, or ``None``."""
        return dict(self.heard).get(level)


class ExclusionReason(str, enum.Enum):
    """Why a topic may not go on the agenda."""

    NOT_SET = "not_set"
    """Not put on the agenda by a role allowed to set topics (议题由主持人确定)."""
    NO_PLAN = "no_plan"
    """No concrete plan (事先必须要有具体的方案)."""
    NO_PROGRESS = "no_progress"
    """No progress on the work since the previous sitting (没有进度的工作不上会)."""
    MATERIALS_LATE = "materials_late"
    """Written materials missing or submitted too late."""
    MATERIALS_NOT_REVIEWED = "materials_not_reviewed"
    """Materials not read first by the reviewer (先由分管副镇长审阅)."""
    NOT_FOR_MAJOR_DECISIONS = "not_for_major_decisions"
    """This meeting does not take major decisions."""
    DECISION_STEPS_MISSING = "decision_steps_missing"
    """A major decision whose required steps are not all recorded."""
    NOT_PASSED = "not_passed"
    """A report to the Party committee that no government meeting has passed."""
    NOT_NOTIFIED = "not_notified"
    """Not told in advance to the roles who must know the topics (议题事先告知)."""
    SKIPPED_LEVEL = "skipped_level"
    """Reported from below without every level in between having had it (逐级汇报、逐级讨论)."""

    def __str__(self) -> str:
        return self.value


@final
@attrs.frozen
class Reason:
    """One reason a topic is excluded: a code and the detail, in English and Chinese."""

    code: ExclusionReason
    en: str = attrs.field(kw_only=True)
    zh: str = attrs.field(kw_only=True)

    def __str__(self) -> str:
        return f"{self.en} ({self.zh})"


@final
@attrs.frozen
class AgendaItem:
    """A topic that passed every check. ``collective``: it must be decided collectively (集体讨论
    决定), as every major decision is; ``progress`` is the work's reported progress at ``now``."""

    topic: Topic
    order: int = attrs.field(kw_only=True)
    collective: bool = attrs.field(default=False, kw_only=True)
    progress: float | None = attrs.field(default=None, kw_only=True)


@final
@attrs.frozen
class Exclusion:
    """A topic left off the agenda and every reason why."""

    topic: Topic
    reasons: tuple[Reason, ...] = attrs.field(kw_only=True, converter=to_tuple)

    @property
    def codes(self) -> frozenset[ExclusionReason]:
        """The reason codes."""
        return frozenset(r.code for r in self.reasons)

    def __str__(self) -> str:
        return f"{self.topic.title}: " + "; ".join(str(r) for r in self.reasons)


@final
@attrs.frozen
class Agenda:
    """The agenda of a sitting as of ``as_of``: the items in order, the excluded topics with their
    reasons, and ``blockers`` that stop the sitting itself (see :meth:`Meeting.blockers`)."""

    meeting: Meeting
    items: tuple[AgendaItem, ...] = attrs.field(kw_only=True, converter=to_tuple)
    excluded: tuple[Exclusion, ...] = attrs.field(kw_only=True, converter=to_tuple)
    blockers: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=to_tuple)
    as_of: dt.date = attrs.field(kw_only=True)

    @property
    def is_ready(self) -> bool:
        """True when the sitting may be held and has at least one item."""
        return not self.blockers and bool(self.items)

    def item(self, topic_id: str) -> AgendaItem | None:
        """The item for ``topic_id``, or ``None`` if it is not on the agenda."""
        for item in self.items:
            if item.topic.id == topic_id:
                return item
        return None

    def lines(self) -> list[str]:
        """The agenda as text lines: items, then exclusions with reasons."""
        t = self.meeting.meeting_type
        out = [f"{t.name_zh} {self.meeting.date.isoformat()} 议程 / agenda of {t.name_en}"]
        out += [f"  ! {b}" for b in self.blockers]
        for item in self.items:
            flag = " [集体讨论决定 collective decision]" if item.collective else ""
            out.append(f"  {item.order}. {item.topic.title}{flag}")
            if item.topic.note:
                out.append(f"     {item.topic.note}")
        for ex in self.excluded:
            out.append(f"  ✗ {ex.topic.title}")
            out += [f"      - {r}" for r in ex.reasons]
        return out


def _progress_since(
    ledger: Ledger, task_id: str, since: dt.datetime, now: dt.datetime
) -> tuple[bool, float]:
    """(whether the work moved between ``since`` and ``now``, its progress at ``now``)."""
    after = ledger.state(task_id, at=now)
    try:
        before = ledger.state(task_id, at=since)
    except UnknownTaskError:  # assigned since the last sitting: new work, not stalled work
        return True, after.percent
    moved = (
        after.percent > before.percent
        or len(after.milestones_reached) > len(before.milestones_reached)
        or (after.status in (Status.COMPLETED, Status.CONFIRMED) and after.status != before.status)
    )
    return moved, after.percent


def _level_name(level: str, lang: str) -> str:
    t = PRESETS.get(level)
    if t is not None:
        return t.name_zh if lang == "zh" else t.name_en
    return role_name(level, lang)


def _skipped_level(topic: Topic, meeting: Meeting) -> Reason | None:
    """Why ``topic`` may not come up yet under the level-by-level rule, or ``None``."""
    t = meeting.meeting_type
    ladder = t.agenda.ladder
    if topic.raised_at is None or not ladder:
        return None
    chain = ladder[ladder.index(topic.raised_at) :]
    cite = f"逐级汇报、逐级讨论; {'; '.join(t.sources)}"
    below, below_day = chain[0], topic.heard_on(chain[0])
    for level in chain[1:]:
        day = topic.heard_on(level)
        if day is None or day > meeting.date:
            return Reason(
                ExclusionReason.SKIPPED_LEVEL,
                en=f"raised at the {_level_name(topic.raised_at, 'en')}, but the "
                f"{_level_name(level, 'en')} has not had it yet; each level hears a matter before "
                f"the one above ({cite})",
                zh=f"事项源自{_level_name(topic.raised_at, 'zh')},尚未经{_level_name(level, 'zh')}"
                f"汇报讨论,不得越级上会({cite})",
            )
        if below_day is not None and day < below_day:
            return Reason(
                ExclusionReason.SKIPPED_LEVEL,
                en=f"the {_level_name(level, 'en')} had it on {day}, before the "
                f"{_level_name(below, 'en')} below it did on {below_day} ({cite})",
                zh=f"{_level_name(level, 'zh')}于{day}讨论,早于下一级"
                f"{_level_name(below, 'zh')}({below_day}),属越级({cite})",
            )
        below, below_day = level, day
    return None


def build_agenda(
    meeting: Meeting,
    topics: Iterable[Topic],
    *,
    now: dt.datetime,
    ledger: Ledger | None = None,
    calendar: WorkingCalendar | None = None,
) -> Agenda:
    """Check each proposed topic against the rules of ``meeting``'s type; keep the eligible ones in
    the order given and the others with every reason.

    "Progress since the previous sitting" compares the work's state at the start of the day after
    ``meeting.previous`` with its state at ``now``: more reported progress, a milestone reached or
    completion counts; work assigned since then is new, not stalled; a sitting with no previous one
    (the first ever, or an ad-hoc one without ``previous``) cannot apply the rule. Local days are
    Beijing time (Asia/Shanghai). ``ledger`` is needed for topics linked to tracked work,
    ``calendar`` (default: the ledger's) for materials deadlines.

    Where the type names roles to ``notify``, each topic must have been told to them at the latest
    ``notice_working_days`` working days before the sitting (``calendar`` is then needed). Where
    it has a ``ladder``, a topic ``raised_at`` one of its levels must have been had by every level
    above that one, in order and by the day of the sitting (逐级汇报、逐级讨论).

    Bad input raises :class:`MeetingError`: a proposer or setter without a seat, a topic id used
    twice, a task id the ledger has never seen, a ``raised_at`` that is not a level of the ladder.
    """
    if not isinstance(meeting, Meeting):
        raise InvalidTypeError(f"meeting={meeting!r}; expected a Meeting")
    require_aware(now, name="now")
    if ledger is not None and not isinstance(ledger, Ledger):
        raise InvalidTypeError(f"ledger={ledger!r}; expected a govops.tasks.Ledger or None")
    if calendar is None and ledger is not None:
        calendar = ledger.calendar
    t = meeting.meeting_type
    rules = t.agenda
    proposed = tuple(topics)
    seen: set[str] = set()
    for topic in proposed:
        if not isinstance(topic, Topic):
            raise InvalidTypeError(f"topics contains {topic!r}; expected Topic values")
        if topic.id in seen:
            raise MeetingError(f"topic id {topic.id!r} is proposed twice for {meeting.id}")
        seen.add(topic.id)
        t.check_role(topic.proposed_by, what=f"proposed_by of topic {topic.id!r}")
        if topic.set_by is not None:
            t.check_role(topic.set_by, what=f"set_by of topic {topic.id!r}")
        if (
            topic.raised_at is not None
            and t.agenda.ladder
            and topic.raised_at not in t.agenda.ladder
        ):
            raise MeetingError(
                f"topic {topic.id!r} is raised_at={topic.raised_at!r}, which is not a level below "
                f"{t.name_en}; expected one of {list(t.agenda.ladder)!r} (lowest first)"
            )
        if topic.task_id is not None:
            if ledger is None:
                raise MeetingError(
                    f"topic {topic.id!r} is about task {topic.task_id!r}; pass ledger= to check it"
                )
            try:
                ledger.state(topic.task_id, at=now)
            except UnknownTaskError:
                raise MeetingError(
                    f"topic {topic.id!r} refers to task_id={topic.task_id!r}, which is not in the "
                    f"ledger at {now.isoformat()}"
                ) from None
    materials_by: dt.date | None = None
    if rules.materials_due_working_days is not None:
        if calendar is None:
            raise MeetingError(
                f"{t.name_en} sets a materials deadline; pass calendar= (or a ledger) to count it"
            )
        materials_by = calendar.add_working_days(meeting.date, -rules.materials_due_working_days)
    notice_by: dt.date | None = None
    if rules.notify:
        notice_by = meeting.date
        if rules.notice_working_days:
            if calendar is None:
                raise MeetingError(
                    f"{t.name_en} sets a notice period for its topics; pass calendar= (or a "
                    "ledger) to count it"
                )
            notice_by = calendar.add_working_days(meeting.date, -rules.notice_working_days)
    tz = SHANGHAI
    since: dt.datetime | None = None
    if meeting.previous is not None:
        day_after = meeting.previous + dt.timedelta(days=1)
        since = dt.datetime(day_after.year, day_after.month, day_after.day, tzinfo=tz)

    items: list[AgendaItem] = []
    excluded: list[Exclusion] = []
    for topic in proposed:
        reasons: list[Reason] = []
        setter = topic.set_by or topic.proposed_by
        if t.topic_setters and setter not in t.topic_setters:
            setters = sorted(t.topic_setters)
            reasons.append(
                Reason(
                    ExclusionReason.NOT_SET,
                    en=f"not set by the {' or '.join(role_name(r, 'en') for r in setters)} "
                    f"(set by the {role_name(setter, 'en')})",
                    zh=f"议题须由{'或'.join(role_name(r) for r in setters)}确定",
                )
            )
        if rules.plan_required and topic.plan is None:
            reasons.append(Reason(ExclusionReason.NO_PLAN, en="no concrete plan", zh="无具体方案"))
        progress: float | None = None
        if topic.task_id is not None and ledger is not None:
            if rules.progress_required and since is not None and since <= now:
                moved, progress = _progress_since(ledger, topic.task_id, since, now)
                if not moved:
                    reasons.append(
                        Reason(
                            ExclusionReason.NO_PROGRESS,
                            en=f"no progress on {topic.task_id} since the sitting of "
                            f"{meeting.previous} (still {progress:g}%)",
                            zh=f"自{meeting.previous}上次会议以来无进度(仍为{progress:g}%)",
                        )
                    )
            else:
                progress = ledger.state(topic.task_id, at=now).percent
        if materials_by is not None and (
            topic.materials_submitted is None or topic.materials_submitted > materials_by
        ):
            got = topic.materials_submitted.isoformat() if topic.materials_submitted else "none"
            reasons.append(
                Reason(
                    ExclusionReason.MATERIALS_LATE,
                    en=f"materials due by {materials_by} "
                    f"({rules.materials_due_working_days} working days before); got {got}",
                    zh=f"书面材料应于{materials_by}前提交,实际:{got}",
                )
            )
        if (
            rules.materials_reviewer is not None
            and topic.materials_reviewed_by != rules.materials_reviewer
        ):
            reasons.append(
                Reason(
                    ExclusionReason.MATERIALS_NOT_REVIEWED,
                    en=f"materials not reviewed by the {role_name(rules.materials_reviewer, 'en')}",
                    zh=f"材料未经{role_name(rules.materials_reviewer)}审阅",
                )
            )
        collective = False
        if topic.major_decision:
            if not rules.major_decision_steps:
                reasons.append(
                    Reason(
                        ExclusionReason.NOT_FOR_MAJOR_DECISIONS,
                        en=f"{t.name_en} does not take major decisions",
                        zh=f"{t.name_zh}不作重大决策",
                    )
                )
            else:
                missing = sorted(
                    rules.major_decision_steps - topic.steps_done, key=list(DecisionStep).index
                )
                if missing:
                    reasons.append(
                        Reason(
                            ExclusionReason.DECISION_STEPS_MISSING,
                            en="major decision without "
                            + ", ".join(s.value.replace("_", " ") for s in missing),
                            zh="重大决策缺少" + "、".join(s.name_zh for s in missing),
                        )
                    )
                collective = True
        if rules.prior_passage and topic.for_party_committee:
            urgent_ok = (
                rules.urgent_approver is not None
                and topic.urgent_approved_by == rules.urgent_approver
            )
            if not (topic.passed_by & rules.prior_passage) and not urgent_ok:
                need = " or ".join(sorted(rules.prior_passage))
                alt = (
                    f", or {rules.urgent_approver}'s approval when urgent"
                    if rules.urgent_approver
                    else ""
                )
                reasons.append(
                    Reason(
                        ExclusionReason.NOT_PASSED,
                        en=f"a report in the government's name must first pass {need}{alt}",
                        zh="以政府名义报送党委的事项须先经政府会议审议通过"
                        + (
                            f"(紧急情况须经{rules.urgent_approver}批准)"
                            if rules.urgent_approver
                            else ""
                        ),
                    )
                )
        if notice_by is not None and (topic.notified_on is None or topic.notified_on > notice_by):
            told = "、".join(role_name(r) for r in sorted(rules.notify))
            got = topic.notified_on.isoformat() if topic.notified_on else "never"
            reasons.append(
                Reason(
                    ExclusionReason.NOT_NOTIFIED,
                    en=f"not told to the {' and '.join(role_name(r, 'en') for r in sorted(rules.notify))} "
                    f"by {notice_by} (议题事先告知; {'; '.join(t.sources)}); told: {got}",
                    zh=f"议题须于{notice_by}前告知{told}(议题事先告知),实际:{got}",
                )
            )
        skipped = _skipped_level(topic, meeting)
        if skipped is not None:
            reasons.append(skipped)
        if reasons:
            excluded.append(Exclusion(topic, reasons=reasons))
        else:
            items.append(
                AgendaItem(topic, order=len(items) + 1, collective=collective, progress=progress)
            )
    return Agenda(
        meeting,
        items=items,
        excluded=excluded,
        blockers=meeting.blockers(),
        as_of=as_local_date(now, tz, name="now"),
    )
