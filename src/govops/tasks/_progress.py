"""Expected progress (序时进度) and the red/yellow/blue warning lights.

Expected progress is the share of the work that should be done by a day: proportional to the time
elapsed between the start and the due date, or, when the task has an approved plan, linear between
the plan's milestones (each milestone says how much should be done by its date). Time is counted in
working days by default (a week of National Day holidays is not a week behind), or calendar days.

See ``docs/explanation/progress.md`` for the reasoning and the choices.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from typing import Any, Literal, final

import attrs

from .._checks import MAX_INT, boolean, check_number, instance_of, shown, to_enum, to_float
from ..exceptions import InvalidInputError
from ._events import Light
from ._model import Plan, WorkingCalendar

__all__ = [
    "Basis",
    "ProgressCheck",
    "ProgressPolicy",
    "WarningLight",
    "WarningPolicy",
    "expected_percent",
]


class Basis(str, enum.Enum):
    """How elapsed time is counted for expected progress."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"

    def __str__(self) -> str:
        return self.value


def _non_negative_int(name: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT:
            raise InvalidInputError(f"{name}={shown(value)}; expected an int from 0 to {MAX_INT}")

    return check


def _non_negative_float(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    check_number(value, attribute.name, minimum=0.0)


def _basis(value: object) -> Basis:
    return to_enum(Basis, value)


@final
@attrs.frozen
class ProgressPolicy:
    """How expected progress is computed.

    ``basis``: working days (default) or calendar days. ``reporting_tolerance``: reports may lag
    this many days (in the basis) behind the work, e.g. 2 when monthly reports are due two days after
    month-end; the expected progress is taken that many days before today.
    """

    basis: Basis = attrs.field(default=Basis.WORKING_DAYS, kw_only=True, converter=_basis)
    reporting_tolerance: int = attrs.field(
        default=0, kw_only=True, validator=_non_negative_int("reporting_tolerance")
    )


@final
@attrs.frozen
class WarningPolicy:
    """When the lights come on.

    * red (超期): the due date has passed and the work is not done;
    * yellow (进度滞后): expected minus reported progress exceeds ``yellow_lag`` percentage points;
    * blue (临近期限): the due date is at most ``blue_within`` working days away.

    ``latch``: a task whose deadline was extended while it was overdue stays red until a progress
    report shows the lag made up (within ``yellow_lag``). A warning issued directly (督办) is shown when
    it is higher than the computed one.
    """

    blue_within: int = attrs.field(
        default=5, kw_only=True, validator=_non_negative_int("blue_within")
    )
    yellow_lag: float = attrs.field(
        default=10.0, kw_only=True, converter=to_float, validator=_non_negative_float
    )
    latch: bool = attrs.field(default=True, kw_only=True, validator=boolean)
    progress: ProgressPolicy = attrs.field(
        factory=ProgressPolicy, kw_only=True, validator=instance_of(ProgressPolicy)
    )


@final
@attrs.frozen
class ProgressCheck:
    """Expected against reported progress of one task on one day (percent; ``lag`` = the gap)."""

    task_id: str
    as_of: dt.date = attrs.field(kw_only=True)
    expected: float = attrs.field(kw_only=True)
    reported: float = attrs.field(kw_only=True)
    basis: Basis = attrs.field(kw_only=True)
    by_plan: bool = attrs.field(kw_only=True)

    @property
    def lag(self) -> float:
        """Expected minus reported, in percentage points (negative when ahead)."""
        return self.expected - self.reported

    def __str__(self) -> str:
        how = "per plan" if self.by_plan else f"time-proportional, {self.basis.value}"
        return (
            f"{self.task_id} on {self.as_of.isoformat()}: expected {self.expected:.1f}% ({how}), "
            f"reported {self.reported:.1f}%, lag {self.lag:.1f} points"
        )


@final
@attrs.frozen
class WarningLight:
    """A warning on a task: its colour and every reason that applies, most serious first."""

    task_id: str
    level: Light
    reasons: tuple[str, ...] = attrs.field(kw_only=True)
    due: dt.date = attrs.field(kw_only=True)
    expected: float | None = attrs.field(default=None, kw_only=True)
    reported: float | None = attrs.field(default=None, kw_only=True)
    lang: Literal["en", "zh"] = attrs.field(default="en", kw_only=True)
    """The language of ``reasons`` and of ``str(light)``."""

    def __str__(self) -> str:
        if self.lang == "zh":
            colour = {"red": "红色", "yellow": "黄色", "blue": "蓝色"}[self.level.value]
            return f"【{colour}预警】{self.task_id}：{'；'.join(self.reasons)}"
        return f"[{self.level.value}] {self.task_id}: {'; '.join(self.reasons)}"


def _calendar_days(a: dt.date, b: dt.date) -> int:
    return (b - a).days


def plan_points(plan: Plan | None) -> tuple[tuple[dt.date, float], ...]:
    """The ``(date, cumulative percent)`` milestones of ``plan`` (none without a plan)."""
    if plan is None:
        return ()
    return tuple((m.due, m.cumulative_percent) for m in plan.milestones)


def reference_day(today: dt.date, policy: ProgressPolicy, calendar: WorkingCalendar) -> dt.date:
    """The day expected progress is taken at: ``today`` less the reporting tolerance."""
    n = policy.reporting_tolerance
    if n == 0:
        return today
    if policy.basis is Basis.WORKING_DAYS:
        return calendar.add_working_days(today, -n)
    return today - dt.timedelta(days=n)


def expected_percent(
    *,
    start: dt.date,
    due: dt.date,
    today: dt.date,
    calendar: WorkingCalendar,
    milestones: Sequence[tuple[dt.date, float]] = (),
    basis: Basis = Basis.WORKING_DAYS,
    paused: Sequence[tuple[dt.date, dt.date]] = (),
) -> float:
    """The share (percent) of the work due by the end of ``today``.

    Without milestones: the time elapsed since ``start`` over the time from ``start`` to ``due``.
    Like every period in govops, the start day itself is not counted (期间开始的当日不计入): from
    Monday to the Thursday of the next week is 8 working days, and by Friday 4 of them are past.
    With milestones ``(date, cumulative percent)``: linear between consecutive milestones, from 0 at
    ``start`` to 100 at ``due``; milestones outside ``(start, due)`` are ignored.

    ``paused``: periods ``(from, to)`` when the clock stood still (a suspension that stops it);
    the days after ``from`` up to ``to`` count neither as elapsed nor as available time.

    >>> import govops.calendars as gc
    >>> cal = gc.calendar("CN")
    >>> expected_percent(start=dt.date(2026, 3, 2), due=dt.date(2026, 3, 12),
    ...                  today=dt.date(2026, 3, 6), calendar=cal)
    50.0

    Suspended from Wednesday to Friday of the first week, the same task is due two working days
    later (Monday) and, on Friday, only two of its eight working days are past:

    >>> expected_percent(start=dt.date(2026, 3, 2), due=dt.date(2026, 3, 16),
    ...                  today=dt.date(2026, 3, 6), calendar=cal,
    ...                  paused=[(dt.date(2026, 3, 4), dt.date(2026, 3, 6))])
    25.0
    """
    if today <= start:
        return 0.0
    if today >= due:
        return 100.0
    raw: Callable[[dt.date, dt.date], int]
    if basis is Basis.WORKING_DAYS:
        raw = calendar.working_days_between
    else:
        raw = _calendar_days

    def without_pauses(a: dt.date, b: dt.date) -> int:
        stood = 0
        for since, until in paused:
            lo, hi = max(a, since), min(b, until)
            if hi > lo:
                stood += raw(lo, hi)
        return raw(a, b) - stood

    span = without_pauses if paused else raw

    prev_day, prev_pct = start, 0.0
    for day, pct in (*((d, p) for d, p in milestones if start < d < due), (due, 100.0)):
        if today <= day:
            total = span(prev_day, day)
            if total <= 0:
                return pct
            return prev_pct + (pct - prev_pct) * span(prev_day, today) / total
        prev_day, prev_pct = day, pct
    return 100.0  # pragma: no cover - today < due is always inside the last segment
