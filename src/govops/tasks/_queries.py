"""What a ledger answers about its tasks at a moment: lists, progress, warning lights, statistics.

:class:`LedgerQueries` holds the queries of :class:`~govops.tasks.Ledger`, which inherits them;
they read the ledger's projection (see ``_ledger``) and never change it. One way computes a
warning light (:meth:`LedgerQueries._light`); :meth:`~LedgerQueries.warnings` decides the common
case, a plain task, with cached working-day indexes instead, and ``tests/test_ledger.py`` holds the
two equal. See ``docs/explanation/progress.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, final

import attrs

from .._checks import check_number, instance_of, shown
from .._record import positional_builder
from ..exceptions import InvalidInputError, UnknownTaskError
from ._events import Light
from ._model import Category, FiveOnesReport, WorkingCalendar, check_five_ones
from ._progress import (
    Basis,
    ProgressCheck,
    ProgressPolicy,
    WarningLight,
    WarningPolicy,
    expected_percent,
    plan_points,
    reference_day,
)
from ._state import Status, TaskState, _Track
from ._transitions import extended_due

if TYPE_CHECKING:
    from ._log import _Log

__all__ = ["LedgerQueries", "LedgerStatistics"]


def _count(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    """An attrs validator: a number of tasks (an ``int`` >= 0, not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInputError(
            f"{attribute.name}={shown(value)}; expected a number of tasks (an int >= 0)"
        )


def _delay(value: object) -> float | None:
    """An attrs converter: a mean delay as a finite ``float``, or ``None``."""
    return None if value is None else check_number(value, "average_delay_working_days")


@final
@attrs.frozen
class LedgerStatistics:
    """Counts and rates over a ledger's tasks on one day.

    ``completed`` counts tasks reported complete (confirmed or not); ``on_time`` those completed on
    or before the due date in force, ``on_time_original`` on or before the due date they were
    assigned with. ``average_delay_working_days`` is the mean delay, in working days, of the tasks
    completed late. Rates are ``None`` when nothing is completed.
    """

    as_of: dt.date = attrs.field(validator=instance_of(dt.date))
    total: int = attrs.field(kw_only=True, validator=_count)
    open: int = attrs.field(kw_only=True, validator=_count)
    overdue: int = attrs.field(kw_only=True, validator=_count)
    completed: int = attrs.field(kw_only=True, validator=_count)
    confirmed: int = attrs.field(kw_only=True, validator=_count)
    cancelled: int = attrs.field(kw_only=True, validator=_count)
    on_time: int = attrs.field(kw_only=True, validator=_count)
    on_time_original: int = attrs.field(kw_only=True, validator=_count)
    average_delay_working_days: float | None = attrs.field(kw_only=True, converter=_delay)

    @property
    def on_time_rate(self) -> float | None:
        """Share of completed tasks completed on time (against the deadline in force)."""
        return self.on_time / self.completed if self.completed else None

    @property
    def on_time_rate_original(self) -> float | None:
        """Share of completed tasks completed by the deadline they were first assigned with."""
        return self.on_time_original / self.completed if self.completed else None


class LedgerQueries:
    """The queries of a :class:`~govops.tasks.Ledger` (which inherits them): the tasks open,
    overdue or due soon, by unit, leader or category, expected progress, warning lights and
    statistics, each at a moment ``now``."""

    __slots__ = ()

    if TYPE_CHECKING:  # what the ledger provides

        @property
        def calendar(self) -> WorkingCalendar: ...

        _log: _Log

        def _current(self) -> _Log: ...

        def _at(self, now: dt.datetime) -> _Log: ...

        def _day(self, now: object, name: str = "now") -> dt.date: ...

    def _pauses(self, t: _Track, today: dt.date) -> tuple[tuple[dt.date, dt.date], ...]:
        """The clock-stopping suspensions of ``t`` up to ``today``, an ongoing one included."""
        if t.suspended_since is not None and t.task.deadline.clock_stops_when_suspended:
            since = self._log.ctx.day(t.suspended_since)
            if today > since:
                return (*t.paused, (since, today))
        return t.paused

    def _effective_due(self, t: _Track, today: dt.date) -> dt.date:
        """The due date in force on ``today``, counting an ongoing suspension that stops the clock."""
        if t.rare is not None and t.rare.suspended_since is not None:
            pauses = self._pauses(t, today)
            if len(pauses) > len(t.paused):  # the clock stands still now
                return extended_due(t.task.deadline, t.deadline_since, pauses, self._log.ctx)
        return t.due

    def open_tasks(self, *, now: dt.datetime) -> tuple[TaskState, ...]:
        """Tasks still to be done at ``now`` (assigned, in progress or suspended)."""
        return tuple(t.freeze() for t in self._at(now).tracks.values() if t.open)

    def overdue(self, *, now: dt.datetime) -> tuple[TaskState, ...]:
        """Open tasks whose due date has passed by ``now`` (local day after the due date)."""
        today = self._day(now)
        return tuple(
            t.freeze()
            for t in self._at(now).tracks.values()
            if t.open and today > t.due and today > self._effective_due(t, today)
        )

    def due_within(self, working_days: int, *, now: dt.datetime) -> tuple[TaskState, ...]:
        """Open tasks due today or within ``working_days`` working days after today."""
        if isinstance(working_days, bool) or not isinstance(working_days, int) or working_days < 0:
            raise InvalidInputError(f"working_days={working_days!r}; expected an int >= 0")
        today = self._day(now)
        horizon = self.calendar.add_working_days(today, working_days) if working_days else today
        return tuple(
            t.freeze()
            for t in self._at(now).tracks.values()
            if t.open and today <= self._effective_due(t, today) <= horizon
        )

    def by_unit(self, unit_id: str, *, include_cooperating: bool = True) -> tuple[TaskState, ...]:
        """Tasks led by the unit, and (by default) those it cooperates on."""
        out = []
        for t in self._current().tracks.values():
            r = t.task.responsibility
            if r.lead_unit.id == unit_id or (
                include_cooperating and any(c.unit.id == unit_id for c in r.cooperating)
            ):
                out.append(t.freeze())
        return tuple(out)

    def by_leader(self, person_id: str) -> tuple[TaskState, ...]:
        """Tasks whose leader in charge is ``person_id``."""
        out = []
        for t in self._current().tracks.values():
            leader = t.task.responsibility.leader_in_charge
            if leader is not None and leader.id == person_id:
                out.append(t.freeze())
        return tuple(out)

    def by_category(self, category: Category | str) -> tuple[TaskState, ...]:
        """Tasks of one category."""
        wanted = Category(category)
        return tuple(
            t.freeze() for t in self._current().tracks.values() if t.task.category is wanted
        )

    def five_ones(self) -> tuple[FiveOnesReport, ...]:
        """The five-ones check of every task (an approved plan counts as the plan)."""
        return tuple(
            check_five_ones(t.task, in_ledger=True) for t in self._current().tracks.values()
        )

    # -- progress and warnings --------------------------------------------------------------------

    def _expected(
        self, t: _Track, ref: dt.date, due: dt.date, policy: ProgressPolicy, today: dt.date
    ) -> float:
        """Expected percent at the reference day ``ref`` (the fast path skips the calendar).

        Time the clock stood still up to ``today`` does not count as elapsed (see ``_pauses``).
        """
        plan = t.task.plan
        pauses = self._pauses(t, today)
        if pauses or (plan is not None and plan.milestones):
            return expected_percent(
                start=t.start,
                due=due,
                today=ref,
                calendar=self.calendar,
                milestones=plan_points(plan),
                basis=policy.basis,
                paused=pauses,
            )
        start = t.start
        if ref <= start:
            return 0.0
        if ref >= due:
            return 100.0
        if policy.basis is Basis.WORKING_DAYS:
            wd = self._log.ctx.wd
            sk = wd(start)
            total = wd(due) - sk
            return 100.0 if total <= 0 else (wd(ref) - sk) * 100.0 / total
        return (ref - start).days * 100.0 / (due - start).days

    def progress(
        self, task_id: str, *, now: dt.datetime, policy: ProgressPolicy | None = None
    ) -> ProgressCheck:
        """Expected (序时进度) against reported progress of one task at ``now``."""
        policy = policy if policy is not None else ProgressPolicy()
        log = self._at(now)
        t = log.tracks.get(task_id)
        if t is None:
            raise UnknownTaskError(f"task_id={task_id!r} is not in the ledger at {now.isoformat()}")
        today = self._day(now)
        ref = reference_day(today, policy, self.calendar)
        expected = self._expected(t, ref, self._effective_due(t, today), policy, today)
        plan = t.task.plan
        return ProgressCheck(
            task_id,
            as_of=today,
            expected=expected,
            reported=t.percent,
            basis=policy.basis,
            by_plan=bool(plan is not None and plan.milestones),
        )

    def warning(
        self,
        task_id: str,
        *,
        now: dt.datetime,
        policy: WarningPolicy | None = None,
        lang: Literal["en", "zh"] = "en",
    ) -> WarningLight | None:
        """The warning light on one task at ``now``, or ``None`` when there is none; its
        reasons are in ``lang`` (``"en"`` or ``"zh"``)."""
        lang = _lang(lang)
        policy = policy if policy is not None else WarningPolicy()
        log = self._at(now)
        t = log.tracks.get(task_id)
        if t is None:
            raise UnknownTaskError(f"task_id={task_id!r} is not in the ledger at {now.isoformat()}")
        today = self._day(now)
        return self._light(
            t, today, reference_day(today, policy.progress, self.calendar), policy, lang
        )

    def warnings(
        self,
        *,
        now: dt.datetime,
        policy: WarningPolicy | None = None,
        lang: Literal["en", "zh"] = "en",
    ) -> tuple[WarningLight, ...]:
        """Every warning light at ``now``, red first, then yellow, then blue (each in task order),
        with reasons in ``lang`` (``"en"`` or ``"zh"``)."""
        lang = _lang(lang)
        policy = policy if policy is not None else WarningPolicy()
        today = self._day(now)
        log = self._at(now)
        ctx = log.ctx
        ref = reference_day(today, policy.progress, self.calendar)
        light = self._light
        red: list[WarningLight] = []
        yellow: list[WarningLight] = []
        blue: list[WarningLight] = []
        by_level = {Light.RED: red, Light.YELLOW: yellow, Light.BLUE: blue}
        # The fast path below decides, with a look-up and a little arithmetic, whether a plain
        # task (no plan milestones, no suspension, latch or issued warning) is lit; the other
        # tasks go through _light.
        fast = policy.progress.basis is Basis.WORKING_DAYS
        wd = ctx.wd
        today_k = wd(today)
        ref_k = wd(ref)
        yellow_lag = policy.yellow_lag
        # What a plain task's light depends on besides its reported progress is its start and
        # due date; tasks share them by the thousand, so each pair is worked out once per query:
        # (expected, overdue, blue, overdue reason, near reason).
        schedules: dict[tuple[dt.date, dt.date], tuple[float, bool, bool, str, str]] = {}
        # A lit task's colour and reasons follow from its schedule and its reported progress, so
        # they are worked out once per (start, due, reported) too, and the reasons tuple shared.
        lit: dict[
            tuple[dt.date, dt.date, float | str], tuple[Light, tuple[str, ...], list[WarningLight]]
        ]
        lit = {}
        schedule_of = schedules.get
        lit_as = lit.get
        new_light = _new_light
        for t in log.tracks.values():
            if not t.open:
                continue
            plan = t.task.plan
            rare = t.rare
            if (
                fast
                and (
                    rare is None
                    or (
                        rare.issued_warning is None
                        and rare.latched_at is None
                        and rare.suspended_since is None
                        and not rare.paused
                    )
                )
                and (plan is None or not plan.milestones)
            ):
                # The common case, computed here exactly as _light would (a property test holds
                # the two together) but with cached working-day indexes and no calendar calls.
                due = t.due
                start = t.start
                schedule = schedule_of((start, due))
                if schedule is None:
                    schedule = schedules[start, due] = _schedule(
                        start, due, today, ref, policy, wd, today_k, ref_k, lang
                    )
                expected, overdue, is_blue, overdue_reason, near_reason = schedule
                reported = t.percent
                lag = expected - reported
                is_yellow = lag > yellow_lag
                if not (overdue or is_yellow or is_blue):
                    continue
                # -0.0 == 0.0 as a key, but the reason prints its sign: keep zeros apart.
                key = (start, due, reported if reported else str(reported))
                found_as = lit_as(key)
                if found_as is None:
                    reasons = []
                    if overdue:
                        reasons.append(overdue_reason)
                    if is_yellow:
                        reasons.append(_lag_reason(expected, reported, lag, yellow_lag, lang))
                    if is_blue:
                        reasons.append(near_reason)
                    level = Light.RED if overdue else Light.YELLOW if is_yellow else Light.BLUE
                    found_as = lit[key] = (level, tuple(reasons), by_level[level])
                level, reasons_, bucket = found_as
                bucket.append(new_light(t.task.id, level, reasons_, due, expected, reported, lang))
                continue
            found = light(t, today, ref, policy, lang)
            if found is not None:
                by_level[found.level].append(found)
        return (*red, *yellow, *blue)

    def _light(
        self,
        t: _Track,
        today: dt.date,
        ref: dt.date,
        policy: WarningPolicy,
        lang: Literal["en", "zh"] = "en",
    ) -> WarningLight | None:
        if not t.open:
            return None
        due = self._effective_due(t, today)
        wd = self._log.ctx.wd
        found: list[tuple[Light, str]] = []
        if t.issued_warning is not None:
            found.append((t.issued_warning, _issued_reason(t.issued_warning, lang)))
        if today > due:
            late = wd(today) - wd(due)
            found.append((Light.RED, _overdue_reason(due, late, lang)))
        expected: float | None = None
        if t.status is not Status.SUSPENDED:
            expected = self._expected(t, ref, due, policy.progress, today)
            lag = expected - t.percent
            if (
                policy.latch
                and t.latched_at is not None
                and today <= due
                and not self._latch_released(t, due, policy)
            ):
                day = self._log.ctx.day(t.latched_at).isoformat()
                found.append(
                    (
                        Light.RED,
                        f"红色预警保持：{day}延期时已超期，滞后尚未追回"
                        if lang == "zh"
                        else f"red latched: overdue when the deadline was extended on {day}, "
                        "lag not yet made up",
                    )
                )
            if lag > policy.yellow_lag:
                found.append(
                    (Light.YELLOW, _lag_reason(expected, t.percent, lag, policy.yellow_lag, lang))
                )
        if today <= due:
            left = wd(due) - wd(today)
            if left <= policy.blue_within:
                found.append((Light.BLUE, _near_reason(due, left, policy.blue_within, lang)))
        if not found:
            return None
        if len(found) > 1:
            found.sort(key=lambda item: -item[0].rank)
        return WarningLight(
            t.task.id,
            found[0][0],
            reasons=tuple(reason for _, reason in found),
            due=due,
            expected=expected,
            reported=t.percent,
            lang=lang,
        )

    def _latch_released(self, t: _Track, due: dt.date, policy: WarningPolicy) -> bool:
        for day, reported in t.reports_since_latch:
            ref = reference_day(day, policy.progress, self.calendar)
            if self._expected(t, ref, due, policy.progress, day) - reported <= policy.yellow_lag:
                return True
        return False

    def statistics(self, *, now: dt.datetime) -> LedgerStatistics:
        """Counts, on-time rates and the average delay of late completions at ``now``."""
        today = self._day(now)
        log = self._at(now)
        ctx = log.ctx
        counts = dict.fromkeys(("open", "overdue", "completed", "confirmed", "cancelled"), 0)
        on_time = on_time_original = 0
        delays: list[int] = []
        for t in log.tracks.values():
            status = t.status
            if t.open:
                counts["open"] += 1
                if today > self._effective_due(t, today):
                    counts["overdue"] += 1
            elif status is Status.CANCELLED:
                counts["cancelled"] += 1
            else:
                counts["completed"] += 1
                if status is Status.CONFIRMED:
                    counts["confirmed"] += 1
                assert t.completed_at is not None
                done = ctx.day(t.completed_at)
                if done <= t.due:
                    on_time += 1
                else:
                    delays.append(ctx.calendar.working_days_between(t.due, done))
                if done <= t.original_due:
                    on_time_original += 1
        return LedgerStatistics(
            today,
            total=len(log.tracks),
            on_time=on_time,
            on_time_original=on_time_original,
            average_delay_working_days=sum(delays) / len(delays) if delays else None,
            **counts,
        )


# WarningLight(...) with its fields in order, slot by slot, skipping the checks of __init__ (the
# parts are checked already), since a query may light tens of thousands of tasks.
_new_light = positional_builder(WarningLight)


def _schedule(
    start: dt.date,
    due: dt.date,
    today: dt.date,
    ref: dt.date,
    policy: WarningPolicy,
    wd: Callable[[dt.date], int],
    today_k: int,
    ref_k: int,
    lang: Literal["en", "zh"] = "en",
) -> tuple[float, bool, bool, str, str]:
    """For a plain task (working days, no plan milestones) started on ``start`` and due on ``due``:
    the expected progress at ``ref``, whether it is overdue or near its due date on ``today``, and
    the reasons for those two lights (empty when they do not apply). ``wd`` is the working-day index
    of the context ``today_k = wd(today)`` and ``ref_k = wd(ref)`` come from.
    """
    dk = wd(due)
    if ref <= start:
        expected = 0.0
    elif ref >= due:
        expected = 100.0
    else:
        sk = wd(start)
        total = dk - sk
        expected = 100.0 if total <= 0 else (ref_k - sk) * 100.0 / total
    overdue = today > due
    is_blue = not overdue and dk - today_k <= policy.blue_within
    return (
        expected,
        overdue,
        is_blue,
        _overdue_reason(due, today_k - dk, lang) if overdue else "",
        _near_reason(due, dk - today_k, policy.blue_within, lang) if is_blue else "",
    )


# The reasons of a warning light, each in one language: ``lang`` is "en" or "zh".


def _lang(lang: object) -> Literal["en", "zh"]:
    if lang not in ("en", "zh"):
        raise InvalidInputError(f"lang={lang!r}; expected 'en' (English) or 'zh' (Chinese)")
    return "zh" if lang == "zh" else "en"


def _issued_reason(light: Light, lang: str) -> str:
    if lang == "zh":
        return f"直接下发{_COLOUR_ZH[light]}预警（督办）"
    return f"{light.value} warning issued directly"


def _overdue_reason(due: dt.date, late: int, lang: str = "en") -> str:
    if lang == "zh":
        return f"超期：完成时限{due.isoformat()}，已超期{late}个工作日"
    return f"overdue: due {due.isoformat()}, {late} working day(s) late"


def _lag_reason(
    expected: float, reported: float, lag: float, threshold: float, lang: str = "en"
) -> str:
    if lang == "zh":
        return (
            f"进度滞后：序时进度{expected:.1f}%，实际进度{reported:.1f}%，"
            f"滞后{lag:.1f}个百分点，超过{threshold:g}个百分点"
        )
    return (
        f"behind expected progress: expected {expected:.1f}%, reported {reported:.1f}%, "
        f"lag {lag:.1f} > {threshold:g} points"
    )


def _near_reason(due: dt.date, left: int, within: int, lang: str = "en") -> str:
    if lang == "zh":
        return f"临近期限：完成时限{due.isoformat()}，剩余{left}个工作日（不超过{within}个）"
    return f"deadline near: due {due.isoformat()}, {left} working day(s) left <= {within}"


_COLOUR_ZH = {Light.RED: "红色", Light.YELLOW: "黄色", Light.BLUE: "蓝色"}
