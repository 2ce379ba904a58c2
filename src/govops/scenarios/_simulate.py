"""The simulation: a clock steps through the days, units work, the engine supervises and scores.

The simulation owns time (the core reads no clock): it passes a simulated ``now`` into the pure core
(``Ledger.record``, ``supervise``, ``assess``); it reads no clock and draws only from
``random.Random`` seeded by the scenario's seed and the ids of units and tasks. Within a day the
clock reads 09:00 for assignments, 17:00 for reports and completions, 18:00 for supervision, 20:00
for the warning snapshot and 23:00 for assessment.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Callable
from typing import Any, Literal, final

import attrs

from ..assessment import Bulletin, assess
from ..calendars import Calendar, period_of
from ..escalation import ApprovalGranted, NoticeIssued, SupervisionJournal, supervise
from ..exceptions import InvalidInputError, ScenarioError
from ..meetings import schedule
from ..tasks import (
    Deadline,
    Ledger,
    LedgerPolicy,
    ProgressReported,
    Responsibility,
    Task,
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    expected_percent,
)
from ._model import Scenario, local_time
from ._sweep import _check_range
from ._table import Table

__all__ = ["SimulationResult", "simulate"]

Step = Literal["working day", "day"]
SUPERVISOR = "supervision office (督查室)"
_ESCALATED = frozenset({"reminder", "supervision", "interview", "accountability"})


def draw(seed: int, key: str, sigma: float) -> float:
    """A log-normal factor for ``key``: 1 when ``sigma`` is 0; the same for the same seed and key."""
    if sigma == 0:
        return 1.0
    return math.exp(random.Random(f"{seed}|{key}").gauss(0.0, sigma))


class _Work:
    """The simulated work on one task (private, mutable while the clock runs)."""

    __slots__ = (
        "assign_day",
        "done",
        "due",
        "duty",
        "eff",
        "milestones",
        "need",
        "noise",
        "reported",
        "rule",
        "start",
        "task",
        "total",
        "trigger",
        "unit_id",
    )

    def __init__(
        self,
        task: Task,
        *,
        assign_day: dt.date,
        due: dt.date,
        total: int,
        need: float,
        duty: str,
        rule: str,
        trigger: dt.date | None,
        noise: random.Random,
    ) -> None:
        self.task = task
        self.unit_id = task.responsibility.lead_unit.id
        self.assign_day = assign_day
        self.start = task.start if task.start is not None else assign_day
        self.due = due
        self.total = total
        self.need = need
        self.eff = 0.0
        self.done: dt.date | None = None
        self.reported = 0.0
        self.duty = duty
        self.rule = rule
        self.trigger = trigger
        self.noise = noise
        plan = task.plan
        self.milestones = (
            tuple((m.due, m.cumulative_percent) for m in plan.milestones) if plan else ()
        )

    def percent(self, calendar: Calendar) -> float:
        """The share of the work actually done, following the plan's curve at the unit's pace."""
        if self.need <= 0 or self.eff >= self.need:
            return 100.0
        if self.total <= 0:
            return 100.0 * self.eff / self.need
        pos = self.eff * self.total / self.need
        if not self.milestones:
            return 100.0 * pos / self.total
        whole = int(pos)
        day = calendar.add_working_days(self.start, whole) if whole else self.start
        return expected_percent(
            start=self.start, due=self.due, today=day, calendar=calendar, milestones=self.milestones
        )


def _trigger_days(scenario: Scenario, start: dt.date, end: dt.date) -> dict[str, list[dt.date]]:
    cal = scenario.calendar
    sittings = {m.key: list(schedule(m, start, end, calendar=cal).dates) for m in scenario.meetings}
    out: dict[str, list[dt.date]] = {}
    for duty in scenario.duties:
        key = duty.meeting_key
        if key is not None:
            out[duty.id] = sittings[key]
        else:
            out[duty.id] = scenario.read_rule(duty.every).occurrences(start, end, calendar=cal)
    return out


def _work_items(scenario: Scenario, start: dt.date, end: dt.date) -> list[_Work]:
    cal = scenario.calendar
    model = scenario.progress
    seed = model.seed
    units = {u.id: u for u in scenario.all_units()}
    unit_factor = {uid: draw(seed, f"unit:{uid}", model.unit_spread) for uid in units}
    items: list[_Work] = []
    for task in scenario.tasks:
        due = task.deadline.resolve(cal)
        planned_start = task.start if task.start is not None else start
        assign_day = max(planned_start, start)
        if assign_day > end:
            continue
        total = max(0, cal.working_days_between(planned_start, due))
        factor = (
            model.pace
            * unit_factor[task.responsibility.lead_unit.id]
            * draw(seed, f"task:{task.id}", model.task_spread)
        )
        items.append(
            _Work(
                task if task.start is not None else attrs.evolve(task, start=planned_start),
                assign_day=assign_day,
                due=due,
                total=total,
                need=total * factor,
                duty="",
                rule=task.deadline.rule or "",
                trigger=task.deadline.trigger,
                noise=random.Random(f"{seed}|noise:{task.id}"),
            )
        )
    triggers = _trigger_days(scenario, start, end)
    for duty in scenario.duties:
        text = scenario.rule_text(duty.deadline)
        owners = [units[u] for u in duty.units] if duty.units else list(scenario.units)
        for day in triggers[duty.id]:
            for unit in owners:
                tid = f"{duty.id}/{unit.id}/{day.isoformat()}"
                task = Task(
                    tid,
                    duty.title,
                    category=duty.category,
                    responsibility=Responsibility(unit),
                    deadline=Deadline.from_rule(text, trigger=day, counting=scenario.counting),
                    start=day,
                )
                due = task.deadline.resolve(cal)
                need = (
                    duty.effort
                    * model.pace
                    * unit_factor[unit.id]
                    * draw(seed, f"task:{tid}", model.task_spread)
                )
                items.append(
                    _Work(
                        task,
                        assign_day=day,
                        due=due,
                        total=max(0, cal.working_days_between(day, due)),
                        need=need,
                        duty=duty.id,
                        # As the deadline holds it: written out in the scenario's counting.
                        rule=task.deadline.rule or text,
                        trigger=day,
                        noise=random.Random(f"{seed}|noise:{tid}"),
                    )
                )
    return items


def _steps(scenario: Scenario, start: dt.date, end: dt.date, step: Step) -> list[dt.date]:
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    if step == "day":
        return days
    if step == "working day":
        return [d for d in days if scenario.calendar.is_working_day(d)]
    raise InvalidInputError(f"step={step!r}; expected 'working day' or 'day'")


_TASK_COLUMNS = (
    "task_id",
    "unit_id",
    "duty",
    "rule",
    "trigger",
    "start",
    "due",
    "completed_on",
    "on_time",
    "working_days_late",
    "notices",
    "provisional",
)
_EVENT_COLUMNS = ("at", "day", "source", "kind", "task_id", "unit_id", "actor", "detail")
_NOTICE_COLUMNS = ("day", "task_id", "unit_id", "level", "kind", "label_zh", "reason")
_WARNING_COLUMNS = ("day", "task_id", "unit_id", "before", "after")
_TASK_DAY_COLUMNS = ("day", "task_id", "unit_id", "expected", "reported", "light", "provisional")
_UNIT_PERIOD_COLUMNS = (
    "period",
    "unit_id",
    "name",
    "led",
    "due",
    "done",
    "on_time",
    "overdue",
    "reminders",
    "supervisions",
    "score",
    "rank",
    "grade",
    "provisional",
)


@final
@attrs.frozen(eq=False)
class SimulationResult:
    """What a simulation produced: the record, and tidy tables derived from it.

    Tables (:class:`Table`; ``to_pandas()`` on each, or :meth:`to_pandas` for all): ``tasks`` (one row
    per task: due date, completion, lateness, notices), ``events`` (the event log: ledger, journal and
    meeting sittings), ``notices``, ``warnings`` (each change of a task's light), ``task_days`` (one
    row per open task per simulated day: expected and reported progress, light) and ``unit_periods``
    (one row per unit per assessment period: counts, score, rank). ``ledger`` and ``journal`` are the
    full hash-chained record; ``bulletins`` the assessments. ``tasks``, ``task_days`` and
    ``unit_periods`` end with a ``provisional`` column: true where the row depends on a year whose
    holidays are estimated (:attr:`provisional_years`), not published.
    """

    scenario: Scenario
    start: dt.date = attrs.field(kw_only=True)
    end: dt.date = attrs.field(kw_only=True)
    step: Step = attrs.field(kw_only=True)
    ledger: Ledger = attrs.field(kw_only=True, repr=False)
    journal: SupervisionJournal = attrs.field(kw_only=True, repr=False)
    tasks: Table = attrs.field(kw_only=True)
    events: Table = attrs.field(kw_only=True)
    notices: Table = attrs.field(kw_only=True)
    warnings: Table = attrs.field(kw_only=True)
    task_days: Table = attrs.field(kw_only=True)
    unit_periods: Table = attrs.field(kw_only=True)
    bulletins: tuple[Bulletin, ...] = attrs.field(kw_only=True, repr=False)

    # -- headline figures -------------------------------------------------------------------------

    @property
    def completed(self) -> int:
        """Tasks completed by the end of the simulation."""
        return sum(v is not None for v in self.tasks.column("completed_on"))

    @property
    def on_time_rate(self) -> float | None:
        """Share of the completed tasks completed by their due date (``None`` if none completed)."""
        flags = [v for v in self.tasks.column("on_time") if v is not None]
        return sum(flags) / len(flags) if flags else None

    @property
    def notices_by_kind(self) -> dict[str, int]:
        """How many notices of each kind went out."""
        return dict(sorted(Counter(self.notices.column("kind")).items()))

    @property
    def flagged_units(self) -> tuple[str, ...]:
        """Units with a red light on any of their tasks on any simulated day, sorted."""
        return tuple(sorted({row[2] for row in self.warnings.rows if row[4] == "red"}))

    @property
    def provisional_years(self) -> tuple[int, ...]:
        """The simulated years whose holidays are estimates rather than a published schedule."""
        cal = self.scenario.calendar
        return tuple(
            y for y in range(self.start.year, self.end.year + 1) if y > cal.published_through
        )

    def final_scores(self) -> dict[str, tuple[float, int]]:
        """``unit_id -> (score, rank)`` in the last bulletin (empty without scoring rules)."""
        if not self.bulletins:
            return {}
        return {u.unit_id: (u.score, u.rank) for u in self.bulletins[-1].units}

    def summary(self) -> list[str]:
        """A few lines for a terminal or a notebook."""
        rate = self.on_time_rate
        kinds = ", ".join(f"{k} {v}" for k, v in self.notices_by_kind.items()) or "none"
        lines = [
            f"{self.scenario.name}: {self.start} to {self.end} (seed {self.scenario.progress.seed})",
            f"  {len(self.tasks)} tasks, {self.completed} completed, on time "
            + ("n/a" if rate is None else f"{rate:.1%}"),
            f"  notices: {kinds}",
            f"  units flagged red: {len(self.flagged_units)} of {len(self.scenario.all_units())}",
        ]
        years = self.provisional_years
        if years:
            lines.append(
                f"  PROVISIONAL: {', '.join(map(str, years))} computed from estimated holidays "
                "(no official schedule loaded); every row it touches has provisional = True"
            )
        if self.bulletins:
            last = self.bulletins[-1]
            top = ", ".join(f"{u.rank}. {u.name} {u.score:g}" for u in last.units[:3])
            lines.append(f"  {last.period.label_zh} ranking: {top}")
        return lines

    def tables(self) -> dict[str, Table]:
        """Every table by name."""
        return {
            "tasks": self.tasks,
            "events": self.events,
            "notices": self.notices,
            "warnings": self.warnings,
            "task_days": self.task_days,
            "unit_periods": self.unit_periods,
        }

    def to_pandas(self) -> dict[str, Any]:
        """Every table as a pandas DataFrame, by name (needs ``govops[notebook]``)."""
        return {name: table.to_pandas() for name, table in self.tables().items()}

    def _repr_html_(self) -> str:
        import html

        head = "<br>".join(html.escape(line) for line in self.summary())
        return f"<div>{head}</div>" + self.tasks._repr_html_()


def _event_detail(event: Any) -> str:
    if isinstance(event, ProgressReported):
        return f"{event.percent:g}%" if event.percent is not None else f"{event.quantity}"
    if isinstance(event, TaskAssigned):
        return event.task.title
    if isinstance(event, NoticeIssued):
        return f"{event.level} ({event.notice_kind})"
    return ""


def simulate(
    scenario: Scenario,
    *,
    start: dt.date,
    end: dt.date,
    step: Step = "working day",
    task_days: bool = True,
    on_step: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Run ``scenario`` from ``start`` to ``end`` (inclusive) on a simulated clock.

    ``step``: the clock visits every working day (default) or every calendar day; work is done on
    working days only. ``task_days=False`` skips the largest table (one row per open task per day)
    for long sweeps. ``on_step(done, total)`` is called after each simulated day (a progress bar;
    the CLI draws one). Deterministic: the same scenario gives the same result.
    """
    if not isinstance(scenario, Scenario):
        raise ScenarioError(f"scenario={scenario!r}; expected a Scenario")
    start, end = _check_range(start, end)
    cal = scenario.calendar
    steps = _steps(scenario, start, end, step)
    if not steps:
        raise ScenarioError(f"no {step} from {start} to {end}: nothing to simulate")
    items = _work_items(scenario, start, end)
    by_day: dict[dt.date, list[_Work]] = {}
    for w in items:
        i = bisect.bisect_left(steps, w.assign_day)  # the first simulated day on or after it
        if i < len(steps):
            by_day.setdefault(steps[i], []).append(w)
    reporting = (
        set(scenario.read_rule(scenario.reporting).occurrences(start, end, calendar=cal))
        if scenario.reporting
        else set()
    )
    supervising = (
        set(scenario.read_rule(scenario.supervision).occurrences(start, end, calendar=cal))
        if scenario.escalation is not None
        else set()
    )
    sittings = [
        (d, m) for m in scenario.meetings for d in schedule(m, start, end, calendar=cal).dates
    ]
    # The ledger enforces no leader sign-off here: the simulation models work, not confirmation.
    ledger = Ledger(calendar=cal, policy=LedgerPolicy(confirmation_requires_leader=False))
    journal = SupervisionJournal()
    work: dict[str, _Work] = {}
    open_ids: list[str] = []
    notice_rows: list[tuple[Any, ...]] = []
    warning_rows: list[tuple[Any, ...]] = []
    task_day_rows: list[tuple[Any, ...]] = []
    unit_rows: list[tuple[Any, ...]] = []
    bulletins: list[Bulletin] = []
    notices_per_task: Counter[str] = Counter()
    lights: dict[str, str] = {}
    noise = scenario.progress.report_noise
    catch_up = scenario.progress.catch_up
    policy = scenario.warnings

    for index, day in enumerate(steps):
        is_working = cal.is_working_day(day)
        # 09:00 assignments.
        arriving = by_day.get(day, ())
        if arriving:
            at = local_time(cal, day, 9)
            for w in arriving:
                ledger = ledger.record(TaskAssigned(w.task), actor=SUPERVISOR, at=at)
                ledger = ledger.record(TaskAccepted(w.task.id), actor=w.unit_id, at=at)
                work[w.task.id] = w
                open_ids.append(w.task.id)
        # 17:00 the day's work, reports and completions.
        at = local_time(cal, day, 17)
        still_open: list[str] = []
        for tid in open_ids:
            w = work[tid]
            if is_working and day > w.assign_day:
                w.eff += 1.0
            if w.eff >= w.need - 1e-9:
                ledger = ledger.record(ProgressReported(tid, percent=100.0), actor=w.unit_id, at=at)
                ledger = ledger.record(TaskCompleted(tid), actor=w.unit_id, at=at)
                w.done = day
                w.reported = 100.0
                continue
            still_open.append(tid)
            if day in reporting:
                pct = w.percent(cal)
                if noise:
                    pct += w.noise.gauss(0.0, noise)
                pct = round(min(99.0, max(w.reported, pct)), 1)
                ledger = ledger.record(ProgressReported(tid, percent=pct), actor=w.unit_id, at=at)
                w.reported = pct
        open_ids = still_open
        # 18:00 supervision.
        if day in supervising and scenario.escalation is not None:
            now = local_time(cal, day, 18)
            decision = supervise(
                ledger,
                policy=scenario.escalation,
                calendar=cal,
                now=now,
                journal=journal,
                directory=scenario.directory,
            )
            journal = decision.record(journal, actor=SUPERVISOR, at=now)
            for n in decision.notices:
                unit_id = work[n.task_id].unit_id
                notice_rows.append(
                    (day, n.task_id, unit_id, n.level, str(n.kind), n.label_zh, n.reason)
                )
                notices_per_task[n.task_id] += 1
                w = work[n.task_id]
                if catch_up and str(n.kind) in _ESCALATED and w.done is None:
                    w.need = w.eff + (w.need - w.eff) * (1.0 - catch_up)
            if scenario.approve_notices:
                for n in decision.awaiting_approval:
                    journal = journal.record(
                        ApprovalGranted(n.task_id, n.key), actor="leader in charge", at=now
                    )
        # 20:00 the warning snapshot.
        now = local_time(cal, day, 20)
        current = {wl.task_id: wl for wl in ledger.warnings(now=now, policy=policy)}
        for tid, lit in current.items():
            level = lit.level.value
            if lights.get(tid) != level:
                warning_rows.append((day, tid, work[tid].unit_id, lights.get(tid), level))
                lights[tid] = level
        cleared = [t for t in lights if t not in current]
        warning_rows += [(day, t, work[t].unit_id, lights.pop(t), None) for t in cleared]
        if task_days:
            for tid in open_ids:
                w = work[tid]
                light = current.get(tid)
                expected = light.expected if light is not None else None
                if expected is None:
                    expected = ledger.progress(tid, now=now, policy=policy.progress).expected
                task_day_rows.append(
                    (
                        day,
                        tid,
                        w.unit_id,
                        round(expected, 2),
                        w.reported,
                        light.level.value if light is not None else None,
                        cal.is_provisional(day),
                    )
                )
        # 23:00 assessment at the end of each period (and of the simulation).
        if scenario.scoring is not None:
            period = period_of(day, scenario.assessment)
            last = index == len(steps) - 1
            if last or steps[index + 1] > period.end:
                bulletin = assess(
                    ledger,
                    period=period,
                    rules=scenario.scoring,
                    calendar=cal,
                    now=local_time(cal, day, 23),
                    journal=journal,
                )
                bulletins.append(bulletin)
                unit_rows.extend(
                    (
                        str(period),
                        u.unit_id,
                        u.name,
                        u.led,
                        u.due,
                        u.done,
                        u.on_time,
                        u.overdue,
                        u.notices_of("reminder"),
                        u.notices_of("supervision"),
                        u.score,
                        u.rank,
                        u.grade.name,
                        bulletin.provisional,
                    )
                    for u in bulletin.units
                )

        if on_step is not None:
            on_step(index + 1, len(steps))

    task_rows = []
    for w in work.values():
        late = None if w.done is None else max(0, cal.working_days_between(w.due, w.done))
        task_rows.append(
            (
                w.task.id,
                w.unit_id,
                w.duty or None,
                w.rule or None,
                w.trigger,
                w.start,
                w.due,
                w.done,
                None if w.done is None else w.done <= w.due,
                late,
                notices_per_task[w.task.id],
                cal.is_provisional(w.due),
            )
        )
    event_rows: list[tuple[Any, ...]] = []
    tz = local_time(cal, start, 0).tzinfo
    for source, entries in (("ledger", ledger.entries), ("journal", journal.entries)):
        for e in entries:
            unit = work[e.task_id].unit_id if e.task_id in work else None
            event_rows.append(
                (
                    e.at,
                    e.at.astimezone(tz).date(),
                    source,
                    e.event.kind,
                    e.task_id,
                    unit,
                    e.actor,
                    _event_detail(e.event),
                )
            )
    for d, m in sittings:
        event_rows.append(
            (local_time(cal, d, 9), d, "meeting", m.key, None, None, m.chair, m.name_zh)
        )
    event_rows.sort(key=lambda r: (r[0], r[2] != "meeting"))
    return SimulationResult(
        scenario,
        start=start,
        end=end,
        step=step,
        ledger=ledger,
        journal=journal,
        tasks=Table("tasks", _TASK_COLUMNS, task_rows),
        events=Table("events", _EVENT_COLUMNS, event_rows),
        notices=Table("notices", _NOTICE_COLUMNS, notice_rows),
        warnings=Table("warnings", _WARNING_COLUMNS, warning_rows),
        task_days=Table("task_days", _TASK_DAY_COLUMNS, task_day_rows),
        unit_periods=Table("unit_periods", _UNIT_PERIOD_COLUMNS, unit_rows),
        bulletins=tuple(bulletins),
    )
