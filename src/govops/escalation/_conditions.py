"""A policy's conditions evaluated on one task: what each asks, computed at most once.

The engine (``_engine``) walks the ladder of a task's policy and asks :func:`check` whether each
level's condition holds; :class:`Facts` computes what the conditions ask of the task (expected
progress, the progress anchor, the warning light) at most once per task and run. A condition that
does not hold yet adds the first day it may to the run's candidates for ``next_check_at``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from ..calendars import WorkCalendar
from ..exceptions import CalendarCoverageError
from ..tasks import TaskState, expected_percent
from ._events import NoticeIssued
from ._policy import (
    AllOf,
    AnyOf,
    Assigned,
    BehindSchedule,
    Condition,
    NoProgressFor,
    Overdue,
    PreviousUnanswered,
    WarningAtLeast,
)
from ._text import Reasons

if TYPE_CHECKING:
    from ._engine import _Run

__all__ = ["PLAIN_CONDITIONS", "Facts", "add_working", "check", "next_working", "plain"]


# Condition types whose answer is a function of what :meth:`_Run.plain_ladder` keys its memo on
# (the task's schedule, progress and notices); WarningAtLeast reads the task's warning light,
# which also depends on its latch and issued warnings, so a policy using it is never memoized.
PLAIN_CONDITIONS = frozenset(
    {Assigned, BehindSchedule, Overdue, PreviousUnanswered, NoProgressFor, AllOf, AnyOf}
)


def plain(cond: Condition | None) -> tuple[bool, bool]:
    """Whether ``cond`` can be memoized, and whether it reads the progress anchor."""
    if cond is None:
        return True, False
    if type(cond) not in PLAIN_CONDITIONS:
        return False, False
    if isinstance(cond, (AllOf, AnyOf)):
        parts = [plain(c) for c in cond.conditions]
        return all(ok for ok, _ in parts), any(anchor for _, anchor in parts)
    return True, isinstance(cond, NoProgressFor)


class Facts:
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
                    milestones=() if plan is None else plan.points,
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


def add_working(cal: WorkCalendar, d: dt.date, n: int) -> dt.date:
    """``cal.add_working_days(d, n)`` for a next-check date; past the calendar's data, the first
    day of the missing year (the host learns the rest when it runs then)."""
    try:
        result: dt.date = cal.add_working_days(d, n)
    except CalendarCoverageError as exc:
        return dt.date(exc.year, 1, 1)
    return result


def next_working(cal: WorkCalendar, d: dt.date) -> dt.date:
    """``cal.next_working_day(d)``, with the same fallback as :func:`add_working`."""
    try:
        result: dt.date = cal.next_working_day(d)
    except CalendarCoverageError as exc:
        return dt.date(exc.year, 1, 1)
    return result


def check(cond: Condition, f: Facts) -> str | None:
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
                        add_working(cal, s.start, k) if 1 <= k <= total else None
                    )
                if crossing is not None:
                    ctx.candidates.append(crossing)
            else:
                ctx.candidates.append(next_working(cal, today))
        return None
    if isinstance(cond, Overdue):
        if today > s.due:
            late = cal.working_days_between(s.due, today)
            if late >= cond.working_days:
                return Reasons.overdue(s.due, late, ctx.lang)
            ctx.candidates.append(add_working(cal, s.due, cond.working_days))
        else:
            first = s.due + dt.timedelta(days=1)
            if cond.working_days:
                first = max(first, add_working(cal, s.due, cond.working_days))
            ctx.candidates.append(first)
        return None
    if isinstance(cond, NoProgressFor):
        idle = cal.working_days_between(f.progress_anchor, today)
        if idle >= cond.working_days:
            return Reasons.no_progress(f.progress_anchor, idle, cond.working_days, ctx.lang)
        ctx.candidates.append(add_working(cal, f.progress_anchor, cond.working_days))
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
            ctx.candidates.append(add_working(cal, anchor, cond.working_days))
        else:
            ctx.candidates.append(anchor + dt.timedelta(days=1))
        return None
    if isinstance(cond, WarningAtLeast):
        light = f.light()
        ctx.candidates.append(next_working(cal, today))
        if light is not None and light.level.rank >= cond.light.rank:
            return Reasons.warning(light.level.value, light.reasons[0], ctx.lang)
        return None
    if isinstance(cond, AllOf):
        reasons = []
        for c in cond.conditions:
            reason = check(c, f)
            if reason is None:
                return None
            reasons.append(reason)
        return _AND[ctx.lang].join(reasons)
    reasons = [r for r in (check(c, f) for c in cond.conditions) if r is not None]
    return _AND[ctx.lang].join(reasons) if reasons else None


_AND = {"en": "; ", "zh": "；"}  # how the reasons of several conditions are joined
