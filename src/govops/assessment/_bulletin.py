"""Assessment of units over a period and the bulletin (通报) that publishes it.

:func:`assess` turns the ledger (and a supervision journal, if the host keeps one) into a
:class:`Bulletin`: per unit, the tasks due, done, done on time and overdue, the notices received,
the score with every point change and its reason, the grade and the rank. ``Bulletin.to_markdown()`` renders it in Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, final

import attrs

from .._time import as_local_date, calendar_tz, require_aware
from ..calendars import Calendar, Period
from ..escalation import NoticeIssued, SupervisionJournal
from ..exceptions import InvalidTypeError
from ..tasks import Ledger, Status, TaskState
from ._scoring import Grade, PointChange, ScoreEvent, ScoringRules

__all__ = ["Bulletin", "UnitResult", "assess"]

_NOTICE_EVENTS = {
    "reminder": ScoreEvent.REMINDER,
    "supervision": ScoreEvent.SUPERVISION,
    "interview": ScoreEvent.INTERVIEW,
    "accountability": ScoreEvent.ACCOUNTABILITY,
}


@final
@attrs.frozen
class UnitResult:
    """One unit's line in a bulletin.

    Counts are over the tasks the unit leads: ``due`` (due date in the period), ``done`` (completed
    in the period), ``on_time``, ``overdue`` (past due and not done at the end of the period or at
    ``as_of``, whichever is earlier). ``notices`` counts the notices on its led tasks by kind.
    ``score`` = base + capped bonus − capped deduction; ``barred`` names the vetoes that applied.
    """

    unit_id: str
    name: str = attrs.field(kw_only=True)
    rank: int = attrs.field(kw_only=True)
    score: float = attrs.field(kw_only=True)
    bonus: float = attrs.field(kw_only=True)
    deduction: float = attrs.field(kw_only=True)
    grade: Grade = attrs.field(kw_only=True)
    barred: tuple[str, ...] = attrs.field(kw_only=True)
    led: int = attrs.field(kw_only=True)
    cooperating: int = attrs.field(kw_only=True)
    due: int = attrs.field(kw_only=True)
    done: int = attrs.field(kw_only=True)
    on_time: int = attrs.field(kw_only=True)
    overdue: int = attrs.field(kw_only=True)
    notices: tuple[tuple[str, int], ...] = attrs.field(kw_only=True)
    changes: tuple[PointChange, ...] = attrs.field(kw_only=True)

    def notices_of(self, kind: str) -> int:
        """How many notices of ``kind`` the unit's led tasks received."""
        return dict(self.notices).get(kind, 0)


@final
@attrs.frozen
class Bulletin:
    """A bulletin (通报) for ``period``, as of ``as_of``: units ranked, with reasons.

    ``provisional`` lists the years of the period whose holidays the calendar estimated (no
    official schedule loaded): due dates and lateness there may change when the notice comes, and
    the Markdown says so at the top. ``notes`` are lines the host adds under the header, such as
    the due dates a newly loaded holiday schedule moved (``govops.escalation.replan(...).notes_zh()``,
    passed to :func:`assess` as ``notes=``).
    """

    period: Period
    as_of: dt.date = attrs.field(kw_only=True)
    rules: str = attrs.field(kw_only=True)
    units: tuple[UnitResult, ...] = attrs.field(kw_only=True)
    provisional: tuple[int, ...] = attrs.field(default=(), kw_only=True)
    notes: tuple[str, ...] = attrs.field(default=(), kw_only=True)

    def unit(self, unit_id: str) -> UnitResult:
        """The line of one unit."""
        for u in self.units:
            if u.unit_id == unit_id:
                return u
        raise KeyError(unit_id)

    def to_markdown(self) -> str:
        """The bulletin in Chinese Markdown: a ranking table, then every point change."""
        title = f"# {self.period.label_zh}重点工作督查通报" + (
            "（临时）" if self.provisional else ""
        )
        lines = [
            title,
            "",
            f"统计期间：{self.period.start.isoformat()} 至 {self.period.end.isoformat()}；"
            f"统计截至 {self.as_of.isoformat()}；评分规则 {self.rules}。",
            "",
        ]
        if self.provisional:
            years = "、".join(f"{y}年" for y in self.provisional)
            lines += [
                f"> 临时结果：{years}节假日安排尚未公布，本期到期日按估算的节假日计算，"
                "待国务院办公厅通知公布后以正式安排为准。",
                "",
            ]
        lines += [f"> {note}" for note in self.notes] + ([""] if self.notes else [])
        lines += [
            "| 排名 | 单位 | 牵头 | 到期 | 完成 | 按期 | 逾期 | 催办 | 督办 | 约谈 | 得分 | 等次 |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for u in self.units:
            grade = u.grade.label_zh + ("（否决）" if u.barred else "")
            lines.append(
                f"| {u.rank} | {u.name} | {u.led} | {u.due} | {u.done} | {u.on_time} | "
                f"{u.overdue} | {u.notices_of('reminder')} | {u.notices_of('supervision')} | "
                f"{u.notices_of('interview')} | {u.score:g} | {grade} |"
            )
        lines += ["", "## 加减分明细", ""]
        for u in self.units:
            lines.append(f"### {u.rank}. {u.name}（{u.score:g} 分）")
            lines.append("")
            if not u.changes:
                lines.append("- 本期无加减分")
            lines += [f"- {c}" for c in u.changes]
            lines += [f"- 否决：{b}" for b in u.barred]
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def _notices(
    ledger: Ledger, journal: SupervisionJournal | None, now: dt.datetime
) -> Iterable[tuple[NoticeIssued, dt.datetime, str]]:
    sources: list[Iterable[Any]] = [ledger.entries]
    if journal is not None:
        sources.append(journal.entries)
    for entries in sources:
        for entry in entries:
            if entry.at > now:
                break
            if isinstance(entry.event, NoticeIssued):
                yield entry.event, entry.at, entry.reason


class _Acc:
    __slots__ = (
        "changes",
        "cooperating",
        "counts",
        "done",
        "due",
        "led",
        "name",
        "notices",
        "on_time",
        "overdue",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        self.changes: list[PointChange] = []
        self.counts: dict[ScoreEvent, int] = {}
        self.notices: dict[str, int] = {}
        self.led = self.cooperating = self.due = self.done = self.on_time = self.overdue = 0


def assess(
    ledger: Ledger,
    *,
    period: Period,
    rules: ScoringRules,
    calendar: Calendar,
    now: dt.datetime,
    journal: SupervisionJournal | None = None,
    notes: Iterable[str] = (),
) -> Bulletin:
    """Score and rank every unit of the ledger over ``period``, as known at ``now``.

    Events count in the period they happen in, up to ``now``: completions on the day reported,
    overdue on the day after the due date in force, notices on the day issued. Ranking is by score,
    then fewer overdue tasks, then more on-time completions, then unit id: never a tie.
    """
    if not isinstance(ledger, Ledger):
        raise InvalidTypeError(f"ledger={ledger!r}; expected a govops.tasks.Ledger")
    if not isinstance(period, Period):
        raise InvalidTypeError(
            f"period={period!r}; expected a govops.Period (e.g. period_of(d, 'quarter'))"
        )
    if not isinstance(rules, ScoringRules):
        raise InvalidTypeError(f"rules={rules!r}; expected ScoringRules")
    require_aware(now, name="now")
    if journal is not None and not isinstance(journal, SupervisionJournal):
        raise InvalidTypeError(f"journal={journal!r}; expected a SupervisionJournal")
    tz = calendar_tz(calendar)
    today = as_local_date(now, tz, name="now")
    last = min(period.end, today)
    units: dict[str, _Acc] = {}
    states: dict[str, TaskState] = {}

    def credit(state: TaskState, event: ScoreEvent, on: dt.date, reason: str) -> None:
        r = state.task.responsibility
        pts = rules.points_for(event)
        for unit, role, weight in (
            (r.lead_unit, "lead", rules.lead_weight),
            *((c.unit, "cooperating", rules.cooperating_weight) for c in r.cooperating),
        ):
            acc = units[unit.id]
            acc.counts[event] = acc.counts.get(event, 0) + 1
            if pts and weight:
                acc.changes.append(
                    PointChange(
                        unit.id,
                        task_id=state.id,
                        event=event,
                        role=role,
                        on=on,
                        points=pts * weight,
                        reason=reason,
                    )
                )

    for state in ledger.states(now=now):
        states[state.id] = state
        r = state.task.responsibility
        units.setdefault(r.lead_unit.id, _Acc(r.lead_unit.name)).led += 1
        for c in r.cooperating:
            units.setdefault(c.unit.id, _Acc(c.unit.name)).cooperating += 1
        if state.status is Status.CANCELLED:
            continue
        lead = units[r.lead_unit.id]
        due = state.due
        done = state.completed_at.astimezone(tz).date() if state.completed_at else None
        if period.start <= due <= period.end:
            lead.due += 1
        if done is not None and period.start <= done <= last:
            lead.done += 1
            if done <= due:
                early = calendar.working_days_between(done, due)
                if early >= rules.early_by_working_days:
                    credit(
                        state,
                        ScoreEvent.EARLY_COMPLETION,
                        done,
                        f"completed {done.isoformat()}, {early} working day(s) before {due.isoformat()}",
                    )
                else:
                    credit(
                        state,
                        ScoreEvent.ON_TIME_COMPLETION,
                        done,
                        f"completed {done.isoformat()}, due {due.isoformat()}",
                    )
                lead.on_time += 1
            else:
                credit(
                    state,
                    ScoreEvent.LATE_COMPLETION,
                    done,
                    f"completed {done.isoformat()}, after the due date {due.isoformat()}",
                )
        late_from = due + dt.timedelta(days=1)
        if period.start <= late_from <= last and (done is None or done > due):
            credit(state, ScoreEvent.OVERDUE, late_from, f"due {due.isoformat()}, not done by then")
        if state.is_open and due < last:
            lead.overdue += 1

    for notice, at, why in _notices(ledger, journal, now):
        day = at.astimezone(tz).date()
        found = states.get(notice.task_id)
        if found is None or not period.start <= day <= last:
            continue
        state = found
        acc = units[state.task.responsibility.lead_unit.id]
        acc.notices[notice.notice_kind] = acc.notices.get(notice.notice_kind, 0) + 1
        event = _NOTICE_EVENTS.get(notice.notice_kind)
        if event is not None:
            credit(state, event, day, why or notice.key)

    rows: list[tuple[tuple[float, int, int, str], UnitResult]] = []
    for unit_id, acc in units.items():
        bonus = sum(c.points for c in acc.changes if c.points > 0)
        deduction = -sum(c.points for c in acc.changes if c.points < 0)
        if rules.max_bonus is not None:
            bonus = min(bonus, rules.max_bonus)
        if rules.max_deduction is not None:
            deduction = min(deduction, rules.max_deduction)
        score = round(rules.base + bonus - deduction, 4)
        vetoed = [v for v in rules.vetoes if acc.counts.get(v.event, 0) >= v.at_least]
        result = UnitResult(
            unit_id,
            name=acc.name,
            rank=0,
            score=score,
            bonus=round(bonus, 4),
            deduction=round(deduction, 4),
            grade=rules.grade(score, barred=frozenset(v.bars for v in vetoed)),
            barred=tuple(
                f"{v.event.label_zh} {acc.counts[v.event]} 项 ≥ {v.at_least}，"
                f"不得评为{_grade_zh(rules, v.bars)}"
                for v in vetoed
            ),
            led=acc.led,
            cooperating=acc.cooperating,
            due=acc.due,
            done=acc.done,
            on_time=acc.on_time,
            overdue=acc.overdue,
            notices=tuple(sorted(acc.notices.items())),
            changes=tuple(sorted(acc.changes, key=lambda c: (c.on, c.task_id, c.event.value))),
        )
        rows.append(((-score, acc.overdue, -acc.on_time, unit_id), result))
    rows.sort(key=lambda item: item[0])
    results = [attrs.evolve(r, rank=i) for i, (_, r) in enumerate(rows, start=1)]
    published = getattr(calendar, "published_through", None)
    estimated = (
        tuple(y for y in range(period.start.year, period.end.year + 1) if y > published)
        if isinstance(published, int) and getattr(calendar, "provisional", False)
        else ()
    )
    return Bulletin(
        period,
        as_of=today,
        rules=rules.label,
        units=tuple(results),
        provisional=estimated,
        notes=tuple(notes),
    )


def _grade_zh(rules: ScoringRules, name: str) -> str:
    for g in rules.grades:
        if g.name == name:
            return g.label_zh
    return name
