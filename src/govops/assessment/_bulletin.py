"""Assessment of units over a period and the bulletin (通报) that publishes it.

:func:`assess` turns the ledger (and a supervision journal, if the host keeps one, and the results
of public reviews) into a :class:`Bulletin`: per unit, the tasks due, done, done on time and
overdue, the notices received, the indicators against plan, the score with every point change and
its reason, the grade and the rank (tied scores share a rank, 并列); and the problems the ledger
records with the countermeasures taken (存在问题以及采取的对策). ``Bulletin.to_markdown(lang=)``
renders it in Chinese or English; :mod:`govops.office` makes Word and Excel files of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, final

import attrs

from .._document import (
    Document,
    Heading,
    Items,
    Lang,
    Note,
    Paragraph,
    Table,
    check_lang,
    format_day,
)
from .._html import table
from .._time import as_local_date, calendar_tz, require_aware
from ..calendars import Period
from ..escalation import NoticeIssued, SupervisionJournal
from ..exceptions import InvalidTypeError
from ..tasks import IssueRaised, IssueResolved, Ledger, Status, TaskState
from ._indicators import Indicator, IndicatorResult, PublicReview, reviews_in, score_indicators
from ._scoring import Grade, PointChange, ScoreEvent, ScoringRules, Veto

__all__ = ["Bulletin", "Problem", "TaskCounts", "UnitResult", "VetoApplied", "assess"]

_NOTICE_EVENTS = {
    "reminder": ScoreEvent.REMINDER,
    "supervision": ScoreEvent.SUPERVISION,
    "interview": ScoreEvent.INTERVIEW,
    "accountability": ScoreEvent.ACCOUNTABILITY,
}


@final
@attrs.frozen
class TaskCounts:
    """Tasks a unit leads, counted over a period: ``due`` there, ``done`` there, ``on_time``,
    and ``overdue`` (open past the due date at the period's end or at ``as_of``)."""

    due: int = 0
    done: int = 0
    on_time: int = 0
    overdue: int = 0


@final
@attrs.frozen
class VetoApplied:
    """A veto that applied: ``count`` events of the veto's kind reached its ``at_least`` and bar
    the unit from ``grade`` and above (一票否决)."""

    veto: Veto
    count: int = attrs.field(kw_only=True)
    grade: Grade = attrs.field(kw_only=True)

    def text(self, lang: Lang = "zh") -> str:
        """The veto in ``lang``."""
        v = self.veto
        if check_lang(lang) == "zh":
            return (
                f"{v.event.label_zh} {self.count} 项 ≥ {v.at_least}，不得评为{self.grade.label_zh}"
            )
        return f"{v.event.label_en}: {self.count} ≥ {v.at_least}, may not be graded {self.grade.label('en')}"

    def __str__(self) -> str:
        return self.text("zh")


@final
@attrs.frozen
class UnitResult:
    """One unit's line in a bulletin.

    Counts are over the tasks the unit leads: ``due`` (due date in the period), ``done`` (completed
    in the period), ``on_time``, ``overdue`` (past due and not done at the end of the period or at
    ``as_of``, whichever is earlier); ``by_category`` has the same counts per task category (a
    category of duties, say, read apart from the rest). ``notices`` counts the notices on its led
    tasks by kind. ``indicators`` are its results against plan and ``indicator_points`` their
    points (``None`` when no indicator applies); ``satisfaction`` is the result of its latest
    public review in the period.
    ``score`` = base + indicator points + capped bonus − capped deduction; ``barred`` lists the
    vetoes that applied. ``rank`` is shared by equal scores (``tied``): 1, 2, 2, 4.
    """

    unit_id: str
    name: str = attrs.field(kw_only=True)
    rank: int = attrs.field(kw_only=True)
    tied: bool = attrs.field(default=False, kw_only=True)
    score: float = attrs.field(kw_only=True)
    bonus: float = attrs.field(kw_only=True)
    deduction: float = attrs.field(kw_only=True)
    grade: Grade = attrs.field(kw_only=True)
    barred: tuple[VetoApplied, ...] = attrs.field(kw_only=True)
    led: int = attrs.field(kw_only=True)
    cooperating: int = attrs.field(kw_only=True)
    due: int = attrs.field(kw_only=True)
    done: int = attrs.field(kw_only=True)
    on_time: int = attrs.field(kw_only=True)
    overdue: int = attrs.field(kw_only=True)
    notices: tuple[tuple[str, int], ...] = attrs.field(kw_only=True)
    changes: tuple[PointChange, ...] = attrs.field(kw_only=True)
    by_category: tuple[tuple[str, TaskCounts], ...] = attrs.field(default=(), kw_only=True)
    indicators: tuple[IndicatorResult, ...] = attrs.field(default=(), kw_only=True)
    indicator_points: float | None = attrs.field(default=None, kw_only=True)
    satisfaction: float | None = attrs.field(default=None, kw_only=True)

    def notices_of(self, kind: str) -> int:
        """How many notices of ``kind`` the unit's led tasks received."""
        return dict(self.notices).get(kind, 0)

    def indicator(self, indicator_id: str) -> IndicatorResult:
        """The unit's result on one indicator."""
        for r in self.indicators:
            if r.indicator == indicator_id:
                return r
        raise KeyError(indicator_id)

    def rank_text(self, lang: Lang = "zh") -> str:
        """The rank as a bulletin prints it: ``2（并列）`` / ``2 (tied)`` when shared."""
        if not self.tied:
            return str(self.rank)
        return f"{self.rank}（并列）" if check_lang(lang) == "zh" else f"{self.rank} (tied)"


@final
@attrs.frozen
class Problem:
    """A problem raised on a task (问题上报) and what was done about it: the ``resolution``
    recorded when it was resolved (``None`` while it is open), as the ledger has them."""

    task_id: str
    title: str = attrs.field(kw_only=True)
    unit: str = attrs.field(kw_only=True)
    issue_id: str = attrs.field(kw_only=True)
    description: str = attrs.field(kw_only=True)
    raised_on: dt.date = attrs.field(kw_only=True)
    resolution: str | None = attrs.field(default=None, kw_only=True)
    resolved_on: dt.date | None = attrs.field(default=None, kw_only=True)


_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "{period}重点工作督查通报",
        "provisional_title": "（临时）",
        "span": "统计期间：{start}至{end}；统计截至{as_of}；评分规则 {rules}。",
        "provisional": "临时结果：{years}节假日安排尚未公布，本期到期日按估算的节假日计算，"
        "待国务院办公厅通知公布后以正式安排为准。",
        "year": "{y}年",
        "sep": "、",
        "ranking": "得分排名",
        "review": "公开评议",
        "score": "得分",
        "grade": "等次",
        "vetoed": "（否决）",
        "problems": "存在问题及采取的对策",
        "open": "尚未解决",
        "details": "加减分明细",
        "unit_head": "{rank}. {name}（{score} 分）",
        "none": "本期无加减分",
        "veto": "否决：{text}",
        "indicator": "{name}：计划 {planned}，完成 {actual}，完成率 {rate}，得 {points} 分（权重 {weight}）",
        "indicator_na": "{name}：本期无计划，不计分",
        "scaled": "指标按权重折算：{points} 分",
    },
    "en": {
        "title": "Key-work supervision bulletin, {period}",
        "provisional_title": " (provisional)",
        "span": "Period: {start} to {end}; as of {as_of}; scoring rules {rules}.",
        "provisional": "Provisional: the holidays of {years} are not yet published; due dates in "
        "this period use estimated holidays and hold until the State Council's notice is out.",
        "year": "{y}",
        "sep": ", ",
        "ranking": "Ranking",
        "review": "Public review",
        "score": "Score",
        "grade": "Grade",
        "vetoed": " (vetoed)",
        "problems": "Problems and countermeasures",
        "open": "unresolved",
        "details": "Points in detail",
        "unit_head": "{rank}. {name} ({score} points)",
        "none": "no points this period",
        "veto": "veto: {text}",
        "indicator": "{name}: planned {planned}, done {actual}, {rate} of plan, {points} points (weight {weight})",
        "indicator_na": "{name}: nothing planned this period, not scored",
        "scaled": "indicators scaled to their full weight: {points} points",
    },
}
_HEAD = {
    "zh": ("排名", "单位", "牵头", "到期", "完成", "按期", "逾期", "催办", "督办", "约谈"),
    "en": (
        "Rank",
        "Unit",
        "Led",
        "Due",
        "Done",
        "On time",
        "Overdue",
        "Reminders",
        "Supervision",
        "Interviews",
    ),
}
_PROBLEM_HEAD = {
    "zh": ("序号", "事项", "牵头单位", "存在问题", "提出日期", "采取的对策", "解决日期"),
    "en": ("No.", "Task", "Lead unit", "Problem", "Raised", "Countermeasure", "Resolved"),
}


@final
@attrs.frozen
class Bulletin:
    """A bulletin (通报) for ``period``, as of ``as_of``: units ranked, with reasons.

    ``provisional`` lists the years of the period whose holidays the calendar estimated (no
    official schedule loaded): due dates and lateness there may change when the notice comes, and
    the Markdown says so at the top. ``notes`` are lines the host adds under the header, such as
    the due dates a newly loaded holiday schedule moved (``govops.escalation.replan(...).notes_zh()``,
    passed to :func:`assess` as ``notes=``; give them in the language the bulletin is printed in).
    ``indicators`` are the rules' indicators; ``problems`` the problems raised and resolved.
    """

    period: Period
    as_of: dt.date = attrs.field(kw_only=True)
    rules: str = attrs.field(kw_only=True)
    units: tuple[UnitResult, ...] = attrs.field(kw_only=True)
    provisional: tuple[int, ...] = attrs.field(default=(), kw_only=True)
    notes: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    indicators: tuple[Indicator, ...] = attrs.field(default=(), kw_only=True)
    problems: tuple[Problem, ...] = attrs.field(default=(), kw_only=True)

    def unit(self, unit_id: str) -> UnitResult:
        """The line of one unit."""
        for u in self.units:
            if u.unit_id == unit_id:
                return u
        raise KeyError(unit_id)

    def title(self, lang: Lang = "zh") -> str:
        """The bulletin's title in ``lang``."""
        w = _WORDS[check_lang(lang)]
        period = self.period.label_zh if lang == "zh" else self.period.label_en
        return w["title"].format(period=period) + (
            w["provisional_title"] if self.provisional else ""
        )

    def ranking(self, lang: Lang = "zh") -> Table:
        """The ranking table: counts, indicator points, review, score and grade per unit."""
        w = _WORDS[check_lang(lang)]
        reviewed = any(u.satisfaction is not None for u in self.units)
        header = (
            *_HEAD[lang],
            *(i.name(lang) for i in self.indicators),
            *((w["review"],) if reviewed else ()),
            w["score"],
            w["grade"],
        )
        rows = []
        for u in self.units:
            points = {r.indicator: r for r in u.indicators}
            rows.append(
                (
                    u.rank_text(lang),
                    u.name,
                    u.led,
                    u.due,
                    u.done,
                    u.on_time,
                    u.overdue,
                    u.notices_of("reminder"),
                    u.notices_of("supervision"),
                    u.notices_of("interview"),
                    *(
                        _num(points[i.id].points) if points[i.id].rate is not None else "—"
                        for i in self.indicators
                    ),
                    *((_percent(u.satisfaction),) if reviewed else ()),
                    _num(u.score),
                    u.grade.label(lang) + (w["vetoed"] if u.barred else ""),
                )
            )
        numeric = {0, *range(2, len(header) - 1)}
        return Table(w["ranking"], header, rows, numeric=numeric)

    def problem_table(self, lang: Lang = "zh") -> Table:
        """The problems and the countermeasures taken (存在问题以及采取的对策)."""
        w = _WORDS[check_lang(lang)]
        rows = [
            (
                i,
                f"{p.task_id} {p.title}",
                p.unit,
                p.description or p.issue_id,
                p.raised_on,
                w["open"] if p.resolution is None else p.resolution or "—",
                p.resolved_on or "—",
            )
            for i, p in enumerate(self.problems, 1)
        ]
        return Table(w["problems"], _PROBLEM_HEAD[lang], rows, numeric={0})

    def to_document(self, lang: Lang = "zh") -> Document:
        """The bulletin as a :class:`~govops.office.Document` in ``lang``: every word of it in that
        language (names, titles and problems are printed as recorded)."""
        w = _WORDS[check_lang(lang)]
        p = self.period
        blocks: list[Any] = [
            Paragraph(
                w["span"].format(
                    start=format_day(p.start, lang),
                    end=format_day(p.end, lang),
                    as_of=format_day(self.as_of, lang),
                    rules=self.rules,
                )
            )
        ]
        if self.provisional:
            years = w["sep"].join(w["year"].format(y=y) for y in self.provisional)
            blocks.append(Note(w["provisional"].format(years=years)))
        blocks += [Note(note) for note in self.notes]
        blocks.append(self.ranking(lang))
        if self.problems:
            blocks += [Heading(w["problems"]), self.problem_table(lang)]
        blocks.append(Heading(w["details"]))
        for u in self.units:
            blocks.append(
                Heading(w["unit_head"].format(rank=u.rank, name=u.name, score=_num(u.score)), 3)
            )
            lines = [self._indicator_line(u, r, lang) for r in u.indicators]
            if u.indicator_points is not None and any(r.rate is None for r in u.indicators):
                lines.append(w["scaled"].format(points=_num(u.indicator_points)))
            lines += [c.text(lang) for c in u.changes]
            lines += [w["veto"].format(text=b.text(lang)) for b in u.barred]
            blocks.append(Items(lines or [w["none"]]))
        return Document(self.title(lang), lang=lang, date=self.as_of, blocks=blocks)

    def _indicator_line(self, u: UnitResult, r: IndicatorResult, lang: Lang) -> str:
        w = _WORDS[lang]
        indicator = next(i for i in self.indicators if i.id == r.indicator)
        if r.rate is None:
            return w["indicator_na"].format(name=indicator.label(lang))
        return w["indicator"].format(
            name=indicator.label(lang),
            planned=_num(round(r.planned, 2)),
            actual=_num(round(r.actual, 2)),
            rate=_percent(r.rate * 100),
            points=_num(r.points),
            weight=_num(indicator.weight),
        )

    def _repr_html_(self) -> str:
        """The bulletin in Jupyter: the ranking table (point changes are in ``to_markdown()``)."""
        ranking = self.ranking("zh")
        caption = f"{self.title('zh')}（截至{self.as_of.isoformat()}）"
        return table(caption, ranking.header, ranking.rows)

    def to_markdown(self, lang: Lang = "zh") -> str:
        """The bulletin as Markdown in ``lang``: the ranking, the problems and countermeasures,
        then every point change."""
        return self.to_document(lang).to_markdown()


def _num(value: float) -> float | int:
    """A figure as printed: 100.0 as 100, 97.5 as 97.5."""
    return int(value) if float(value).is_integer() else value


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value, 1):g}%"


class _Acc:
    __slots__ = ("categories", "changes", "cooperating", "counts", "led", "name", "notices")

    def __init__(self, name: str) -> None:
        self.name = name
        self.changes: list[PointChange] = []
        self.counts: dict[ScoreEvent, int] = {}
        self.notices: dict[str, int] = {}
        self.categories: dict[str, list[int]] = {}  # due, done, on time, overdue
        self.led = self.cooperating = 0

    def count(self, category: str, column: int) -> None:
        self.categories.setdefault(category, [0, 0, 0, 0])[column] += 1

    def total(self, column: int) -> int:
        return sum(c[column] for c in self.categories.values())


def assess(
    ledger: Ledger,
    *,
    period: Period,
    rules: ScoringRules,
    calendar: Any,
    now: dt.datetime,
    journal: SupervisionJournal | None = None,
    reviews: Iterable[PublicReview] = (),
    notes: Iterable[str] = (),
) -> Bulletin:
    """Score and rank every unit of the ledger over ``period``, as known at ``now``.

    Events count in the period they happen in, up to ``now``: completions on the day reported,
    overdue on the day after the due date in force, notices on the day issued, a public review
    (``reviews``: :class:`PublicReview` values, at most one per unit and period) in the bulletin
    of every period that holds the period it reviewed, once held. A completion credits the lead
    and the cooperating units; a deduction falls on the lead unit, and on a cooperating unit only
    for a notice addressed to it. Indicators are read from the ledger as it stood at the end of
    the period (or at ``now``, if earlier): reports count in the period they were recorded in.
    Units are ranked by score; equal scores share a rank (并列) and are listed by fewer overdue
    tasks, then more on-time completions, then unit id.
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

    def credit(
        state: TaskState,
        event: ScoreEvent,
        on: dt.date,
        *,
        to: tuple[str, ...] | None = None,
        **facts: Any,
    ) -> None:
        """Points for ``event`` to the lead unit and the cooperating units it concerns: all of
        them for a bonus, those in ``to`` (a notice's recipients) for a deduction."""
        r = state.task.responsibility
        pts = rules.points_for(event)
        for unit, role, weight in (
            (r.lead_unit, "lead", rules.lead_weight),
            *((c.unit, "cooperating", rules.cooperating_weight) for c in r.cooperating),
        ):
            if role == "cooperating" and pts < 0 and (to is None or unit.id not in to):
                continue  # the lead unit's own failure (配合部门在配合事项上负重要责任)
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
                        **facts,
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
        category = state.task.category.value
        due = state.due
        done = state.completed_at.astimezone(tz).date() if state.completed_at else None
        if period.start <= due <= period.end:
            lead.count(category, 0)
        if done is not None and period.start <= done <= last:
            lead.count(category, 1)
            if done <= due:
                early = calendar.working_days_between(done, due)
                if early >= rules.early_by_working_days:
                    credit(
                        state, ScoreEvent.EARLY_COMPLETION, done, due=due, done=done, early_by=early
                    )
                else:
                    credit(state, ScoreEvent.ON_TIME_COMPLETION, done, due=due, done=done)
                lead.count(category, 2)
            else:
                credit(state, ScoreEvent.LATE_COMPLETION, done, due=due, done=done)
        late_from = due + dt.timedelta(days=1)
        if period.start <= late_from <= last and (done is None or done > due):
            credit(state, ScoreEvent.OVERDUE, late_from, due=due)
        if state.is_open and due < last:
            lead.count(category, 3)

    problems: dict[tuple[str, str], Problem] = {}
    for entry in _entries(ledger, journal, now):
        event, day = entry.event, entry.at.astimezone(tz).date()
        found = states.get(event.task_id)
        if found is None:
            continue
        state = found
        if isinstance(event, IssueRaised):
            problems[event.task_id, event.issue_id] = Problem(
                state.id,
                title=state.task.title,
                unit=state.task.responsibility.lead_unit.name,
                issue_id=event.issue_id,
                description=event.description,
                raised_on=day,
            )
        elif isinstance(event, IssueResolved):
            raised = problems.get((event.task_id, event.issue_id))
            if raised is not None:
                problems[event.task_id, event.issue_id] = attrs.evolve(
                    raised, resolution=event.resolution, resolved_on=day
                )
        elif isinstance(event, NoticeIssued) and period.start <= day <= last:
            acc = units[state.task.responsibility.lead_unit.id]
            acc.notices[event.notice_kind] = acc.notices.get(event.notice_kind, 0) + 1
            kind = _NOTICE_EVENTS.get(event.notice_kind)
            if kind is not None:
                credit(
                    state,
                    kind,
                    day,
                    to=event.recipients,
                    notice=event.notice_kind,
                    reason=entry.reason or event.key,
                )

    satisfaction: dict[str, float] = {}
    for review in reviews_in(reviews, period, today, units=frozenset(units)):
        satisfaction[review.unit_id] = review.satisfaction
        pts = rules.review(review.satisfaction)
        acc = units[review.unit_id]
        acc.counts[ScoreEvent.PUBLIC_REVIEW] = acc.counts.get(ScoreEvent.PUBLIC_REVIEW, 0) + 1
        if pts:
            acc.changes.append(
                PointChange(
                    review.unit_id,
                    task_id=None,
                    event=ScoreEvent.PUBLIC_REVIEW,
                    role="unit",
                    on=review.held_on,
                    points=pts,
                    satisfaction=review.satisfaction,
                    source=review.source,
                )
            )

    indicators = score_indicators(
        ledger,
        rules.indicators,
        period,
        now=now,
        calendar=calendar,
        reports_within=rules.reports_within,
    )
    rows: list[tuple[tuple[float, int, int, str], UnitResult]] = []
    for unit_id, acc in units.items():
        bonus = sum(c.points for c in acc.changes if c.points > 0)
        deduction = -sum(c.points for c in acc.changes if c.points < 0)
        if rules.max_bonus is not None:
            bonus = min(bonus, rules.max_bonus)
        if rules.max_deduction is not None:
            deduction = min(deduction, rules.max_deduction)
        results, points = indicators.get(unit_id, ((), None))
        score = round(rules.base + (points or 0.0) + bonus - deduction, 4)
        vetoed = [
            VetoApplied(v, count=acc.counts[v.event], grade=_grade(rules, v.bars))
            for v in rules.vetoes
            if acc.counts.get(v.event, 0) >= v.at_least
        ]
        result = UnitResult(
            unit_id,
            name=acc.name,
            rank=0,
            score=score,
            bonus=round(bonus, 4),
            deduction=round(deduction, 4),
            grade=rules.grade(score, barred=frozenset(v.veto.bars for v in vetoed)),
            barred=tuple(vetoed),
            led=acc.led,
            cooperating=acc.cooperating,
            due=acc.total(0),
            done=acc.total(1),
            on_time=acc.total(2),
            overdue=acc.total(3),
            notices=tuple(sorted(acc.notices.items())),
            changes=tuple(
                sorted(acc.changes, key=lambda c: (c.on, c.task_id or "", c.event.value))
            ),
            by_category=tuple(sorted((k, TaskCounts(*v)) for k, v in acc.categories.items())),
            indicators=results,
            indicator_points=points,
            satisfaction=satisfaction.get(unit_id),
        )
        rows.append(((-score, result.overdue, -result.on_time, unit_id), result))
    rows.sort(key=lambda item: item[0])
    scores = [r.score for _, r in rows]
    results_ranked = [
        attrs.evolve(r, rank=scores.index(r.score) + 1, tied=scores.count(r.score) > 1)
        for _, r in rows
    ]
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
        units=tuple(results_ranked),
        provisional=estimated,
        notes=tuple(notes),
        indicators=rules.indicators,
        problems=tuple(
            p
            for p in problems.values()
            if p.raised_on <= last and (p.resolved_on is None or p.resolved_on >= period.start)
        ),
    )


def _entries(ledger: Ledger, journal: SupervisionJournal | None, now: dt.datetime) -> list[Any]:
    """The ledger's and the journal's entries up to ``now`` that the bulletin reads (each
    source in its own order: an issue's resolution comes after it was raised)."""
    wanted = (NoticeIssued, IssueRaised, IssueResolved)
    sources: list[Iterable[Any]] = [ledger.entries]
    if journal is not None:
        sources.append(journal.entries)
    found = []
    for entries in sources:
        for entry in entries:
            if entry.at > now:
                break
            if isinstance(entry.event, wanted):
                found.append(entry)
    return found


def _grade(rules: ScoringRules, name: str) -> Grade:
    for g in rules.grades:
        if g.name == name:
            return g
    raise AssertionError(name)  # pragma: no cover - ScoringRules checks every veto's grade
