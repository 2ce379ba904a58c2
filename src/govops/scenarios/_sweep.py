"""Rule sweeps: every due date of a rule over a range of triggers, without a simulation.

A sweep answers the first questions an analyst asks of a deadline rule: where do its due dates
fall, how often does a holiday move them, and how far apart are two readings of the same text
(calendar days against working days)?
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any, Literal, final

import attrs

from ..calendars import DayKind, WorkCalendar, period_of
from ..exceptions import CalendarCoverageError, InvalidInputError, InvalidTypeError, ScenarioError
from ..rules import Count, Edge, PeriodDeadline, Relative, Rule, Schedule, parse_rule
from ._table import Table

__all__ = [
    "ReadingComparison",
    "RuleSweep",
    "SweepRow",
    "compare_readings",
    "sweep",
    "with_count_unit",
]

Triggers = Literal["every day", "working days"]

# Days a holiday block is made of: the statutory days, the weekdays given off in exchange
# (调休), and local closures. An ordinary weekend is not a holiday.
_HOLIDAY_KINDS = frozenset({DayKind.HOLIDAY, DayKind.DAY_OFF_IN_LIEU, DayKind.CLOSURE})


def as_rule(rule: Rule | str) -> Rule:
    """``rule`` itself, or the rule its text reads as."""
    if isinstance(rule, Rule):
        return rule
    if isinstance(rule, str):
        return parse_rule(rule)
    raise InvalidTypeError(
        f"rule={rule!r} is a {type(rule).__name__}; expected a Rule or rule text"
    )


def _check_range(start: object, end: object) -> tuple[dt.date, dt.date]:
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise InvalidTypeError(
                f"{name}={value!r} is a {type(value).__name__}; expected a datetime.date"
            )
    assert isinstance(start, dt.date) and isinstance(end, dt.date)
    if end < start:
        raise InvalidInputError(f"end={end.isoformat()} is before start={start.isoformat()}")
    return start, end


@final
@attrs.frozen
class SweepRow:
    """One trigger of a sweep and where its due date falls.

    ``nominal`` is the due date before any roll (the day the count or anchor names);
    ``calendar_days`` and ``working_days`` measure trigger → due. ``lands_on_holiday``: the nominal day
    is a holiday (statutory day, day off in lieu or local closure) and was moved; ``next_to_holiday``:
    the due date is the working day just before or just after a holiday. ``holiday`` names it.
    ``provisional``: the due date lies in a year whose holidays are estimated, not published.
    """

    trigger: dt.date
    due: dt.date = attrs.field(kw_only=True)
    nominal: dt.date = attrs.field(kw_only=True)
    calendar_days: int = attrs.field(kw_only=True)
    working_days: int = attrs.field(kw_only=True)
    lands_on_holiday: bool = attrs.field(kw_only=True)
    next_to_holiday: bool = attrs.field(kw_only=True)
    holiday: str | None = attrs.field(default=None, kw_only=True)
    provisional: bool = attrs.field(default=False, kw_only=True)

    @property
    def rolled(self) -> bool:
        """Whether a rest day moved the due date off its nominal day."""
        return self.due != self.nominal


_SWEEP_COLUMNS = (
    "trigger",
    "due",
    "nominal",
    "rolled",
    "calendar_days",
    "working_days",
    "lands_on_holiday",
    "next_to_holiday",
    "holiday",
    "provisional",
)


@final
@attrs.frozen
class RuleSweep:
    """Every due date of ``rule`` for the triggers of a range, with counts an analyst asks for.

    >>> import datetime as dt, govops
    >>> s = sweep("at quarter-end plus 2 days", dt.date(2024, 1, 1), dt.date(2026, 9, 30),
    ...           calendar=govops.calendar("CN"))
    >>> len(s), s.rolled, s.on_holiday, s.holidays
    (11, 4, 4, {'元旦': 1, '国庆节': 3})
    >>> [str(r.due) for r in s.rows if r.lands_on_holiday]
    ['2024-10-08', '2025-10-09', '2026-01-04', '2026-10-08']
    """

    rule: Rule
    start: dt.date = attrs.field(kw_only=True)
    end: dt.date = attrs.field(kw_only=True)
    rows: tuple[SweepRow, ...] = attrs.field(kw_only=True, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def rolled(self) -> int:
        """How many due dates a rest day moved."""
        return sum(r.rolled for r in self.rows)

    @property
    def on_holiday(self) -> int:
        """How many nominal due dates fell on a holiday."""
        return sum(r.lands_on_holiday for r in self.rows)

    @property
    def next_to_holiday(self) -> int:
        """How many due dates are the working day just before or after a holiday."""
        return sum(r.next_to_holiday for r in self.rows)

    @property
    def holidays(self) -> dict[str, int]:
        """How many nominal due dates each holiday swallowed, by its Chinese name."""
        return dict(
            sorted(
                Counter(r.holiday for r in self.rows if r.lands_on_holiday and r.holiday).items()
            )
        )

    def spread(
        self, unit: Literal["calendar_days", "working_days"] = "calendar_days"
    ) -> tuple[int, int]:
        """The shortest and longest trigger → due distance, in ``unit``."""
        if unit not in ("calendar_days", "working_days"):
            raise InvalidInputError(f"unit={unit!r}; expected 'calendar_days' or 'working_days'")
        values = [getattr(r, unit) for r in self.rows]
        if not values:
            raise ScenarioError("the sweep has no triggers, so no spread")
        return min(values), max(values)

    def table(self) -> Table:
        """One row per trigger (trigger, due, nominal, rolled, distances, holiday flags, provisional)."""
        return Table(
            "sweep",
            _SWEEP_COLUMNS,
            [
                (
                    r.trigger,
                    r.due,
                    r.nominal,
                    r.rolled,
                    r.calendar_days,
                    r.working_days,
                    r.lands_on_holiday,
                    r.next_to_holiday,
                    r.holiday,
                    r.provisional,
                )
                for r in self.rows
            ],
        )

    def to_pandas(self) -> Any:
        """:meth:`table` as a pandas DataFrame (needs ``govops[notebook]``)."""
        return self.table().to_pandas()

    def summary(self) -> list[str]:
        """A few lines an analyst reads first."""
        if not self.rows:
            return [f"{self.rule.to_text()}: no triggers from {self.start} to {self.end}"]
        lo, hi = self.spread()
        wlo, whi = self.spread("working_days")
        names = ", ".join(f"{k} {v}" for k, v in sorted(self.holidays.items()))
        estimated = sum(r.provisional for r in self.rows)
        flag = (
            [f"  PROVISIONAL: {estimated} due dates fall in years whose holidays are estimated"]
            if estimated
            else []
        )
        return [
            f"{self.rule.to_text()} ({self.rule.to_text('zh')}), {self.start} to {self.end}:",
            f"  {len(self.rows)} due dates; {self.rolled} moved by a rest day; "
            f"{self.on_holiday} fell on a holiday" + (f" ({names})" if names else ""),
            f"  {self.next_to_holiday} due dates sit right before or after a holiday",
            f"  trigger to due: {lo}–{hi} calendar days, {wlo}–{whi} working days",
            *flag,
        ]

    def _repr_html_(self) -> str:
        lines = "<br>".join(self.summary())
        return f"<div>{lines}</div>{self.table()._repr_html_()}"


def _unrolled(rule: Rule) -> Rule | None:
    """The same rule with rolling switched off, or ``None`` when the rule never rolls."""
    if rule.effective_roll is None:
        return None
    return attrs.evolve(rule, roll="none")


def _period_triggers(body: PeriodDeadline, start: dt.date, end: dt.date) -> list[dt.date]:
    # One trigger per period: its end for an end anchor, else its start, so that the distances
    # measure what the rule adds to the anchor.
    at_end = isinstance(body.selector, Edge) and body.selector.edge == "end"
    out: list[dt.date] = []
    period = period_of(start, body.period)
    while period.start <= end:
        out.append(period.end if at_end else period.start)
        period = period.next()
    return out


def _triggers(
    rule: Rule,
    start: dt.date,
    end: dt.date,
    triggers: Triggers | Iterable[dt.date],
    calendar: WorkCalendar,
) -> list[dt.date]:
    if isinstance(rule.body, Schedule):
        raise ScenarioError(
            f"{rule.to_text()!r} is a schedule, not a deadline: it has dates but no triggers; "
            "use rule.occurrences(start, end, calendar=...)"
        )
    if isinstance(rule.body, PeriodDeadline):
        return _period_triggers(rule.body, start, end)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    if triggers == "every day":
        return days
    if triggers == "working days":
        return [d for d in days if calendar.is_working_day(d)]
    if isinstance(triggers, str):  # type: ignore[unreachable]  # a typo such as "weekdays"
        raise InvalidInputError(
            f"triggers={triggers!r}; expected 'every day', 'working days' or an iterable of dates"
        )
    days = sorted(set(triggers))
    for d in days:
        if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
            raise InvalidTypeError(f"triggers contains {d!r}; expected datetime.date values")
    return [d for d in days if start <= d <= end]


def _holiday_name(calendar: WorkCalendar, d: dt.date) -> str | None:
    try:
        info = calendar.describe(d)
    except CalendarCoverageError:
        # Only the neighbour of a due date can lie past the published years (the due date itself
        # raised already); whether it is a holiday is not known yet, so it is not claimed.
        return None
    if info.kind in _HOLIDAY_KINDS:
        # "元旦假期（调休，与…上班对调）" → "元旦假期": the festival, not the swap's details.
        name = info.name_zh or info.name_en or info.kind.value
        name = name.split("（")[0].split(" (")[0]
        return name.removesuffix("假期") or name
    return None


def sweep(
    rule: Rule | str,
    start: dt.date,
    end: dt.date,
    *,
    calendar: WorkCalendar,
    triggers: Triggers | Iterable[dt.date] = "every day",
) -> RuleSweep:
    """All due dates of a deadline ``rule`` for the triggers from ``start`` to ``end``.

    ``triggers``: every calendar day (default), every working day, or the given dates. A period
    deadline (``at quarter-end plus 2 days``) has one trigger per period instead: the period's end
    for an end anchor, its start otherwise.
    """
    rule = as_rule(rule)
    start, end = _check_range(start, end)
    plain = _unrolled(rule)
    rows: list[SweepRow] = []
    for trigger in _triggers(rule, start, end, triggers, calendar):
        due = rule.due(trigger, calendar=calendar)
        nominal = due if plain is None else plain.due(trigger, calendar=calendar)
        on = _holiday_name(calendar, nominal) if nominal != due else None
        beside = _holiday_name(calendar, due - dt.timedelta(days=1)) or _holiday_name(
            calendar, due + dt.timedelta(days=1)
        )
        rows.append(
            SweepRow(
                trigger,
                due=due,
                nominal=nominal,
                calendar_days=(due - trigger).days,
                working_days=calendar.working_days_between(trigger, due),
                lands_on_holiday=on is not None,
                next_to_holiday=beside is not None,
                holiday=on or beside,
                provisional=calendar.is_provisional(due),
            )
        )
    return RuleSweep(rule, start=start, end=end, rows=tuple(rows))


def with_count_unit(rule: Rule | str, unit: Literal["day", "working_day"]) -> Rule:
    """The other reading of a rule's count: ``2 days`` ↔ ``2 working days``, the rest unchanged.

    >>> with_count_unit("会后两日内报送", "working_day").to_text()
    'report within 2 working days after the meeting'
    >>> with_count_unit("at quarter-end plus 2 working days", "day").to_text("zh")
    '季度末后2日'
    """
    rule = as_rule(rule)
    if unit not in ("day", "working_day"):
        raise InvalidInputError(f"unit={unit!r}; expected 'day' or 'working_day'")
    body = rule.body
    if isinstance(body, Relative):
        new_body: Any = attrs.evolve(body, count=Count(body.count.n, unit))
    elif (
        isinstance(body, PeriodDeadline)
        and isinstance(body.selector, Edge)
        and body.selector.offset is not None
    ):
        offset = Count(body.selector.offset.n, unit)
        new_body = attrs.evolve(body, selector=attrs.evolve(body.selector, offset=offset))
    else:
        raise ScenarioError(
            f"{rule.to_text()!r} counts no days, so it has no calendar-day or working-day reading"
        )
    # A working-day count never rolls, so an explicit roll cannot carry over to it.
    return Rule(new_body, action=rule.action, lang=rule.lang, action_word=rule.action_word)


@final
@attrs.frozen
class ReadingComparison:
    """Two readings of one deadline over the same triggers, and how far apart their dates fall.

    ``days_apart`` is ``due_b - due_a`` in calendar days (positive: ``b`` is later).
    """

    a: RuleSweep
    b: RuleSweep

    def table(self) -> Table:
        """One row per trigger: both due dates and the gap in calendar and working days."""
        rows = []
        for ra, rb in zip(self.a.rows, self.b.rows, strict=True):
            rows.append(
                (
                    ra.trigger,
                    ra.due,
                    rb.due,
                    (rb.due - ra.due).days,
                    rb.working_days - ra.working_days,
                    ra.lands_on_holiday,
                    rb.lands_on_holiday,
                )
            )
        return Table(
            "readings",
            (
                "trigger",
                "due_a",
                "due_b",
                "days_apart",
                "working_days_apart",
                "a_on_holiday",
                "b_on_holiday",
            ),
            rows,
        )

    @property
    def differing(self) -> int:
        """How many triggers get a different due date under the two readings."""
        return sum(ra.due != rb.due for ra, rb in zip(self.a.rows, self.b.rows, strict=True))

    def spread(self) -> tuple[int, int]:
        """The smallest and largest ``due_b - due_a`` in calendar days."""
        gaps = [(rb.due - ra.due).days for ra, rb in zip(self.a.rows, self.b.rows, strict=True)]
        if not gaps:
            raise ScenarioError("the readings have no triggers, so no spread")
        return min(gaps), max(gaps)

    def to_pandas(self) -> Any:
        """:meth:`table` as a pandas DataFrame (needs ``govops[notebook]``)."""
        return self.table().to_pandas()

    def summary(self) -> list[str]:
        """The comparison in a few lines."""
        lines = [*self.a.summary(), *self.b.summary()]
        if self.a.rows:
            lo, hi = self.spread()
            lines.append(
                f"{self.differing} of {len(self.a.rows)} due dates differ; "
                f"b is {lo} to {hi} calendar days after a"
            )
        return lines

    def _repr_html_(self) -> str:
        return "<div>" + "<br>".join(self.summary()) + "</div>" + self.table()._repr_html_()


def compare_readings(
    a: Rule | str,
    b: Rule | str,
    start: dt.date,
    end: dt.date,
    *,
    calendar: WorkCalendar,
    triggers: Triggers | Iterable[dt.date] = "every day",
) -> ReadingComparison:
    """Sweep two rules over the same triggers (e.g. ``2 days`` against ``2 working days``).

    >>> import datetime as dt, govops
    >>> c = compare_readings("within 2 days after the meeting",
    ...                      "within 2 working days after the meeting",
    ...                      dt.date(2024, 1, 1), dt.date(2026, 12, 20), calendar=govops.calendar("CN"))
    >>> c.differing, c.spread()
    (346, (0, 1))
    """
    ra, rb = as_rule(a), as_rule(b)
    if isinstance(ra.body, PeriodDeadline) != isinstance(rb.body, PeriodDeadline):
        raise ScenarioError(
            f"{ra.to_text()!r} and {rb.to_text()!r} are not two readings of one deadline: "
            "one is counted from a period, the other from an event"
        )
    days = triggers if isinstance(triggers, str) else tuple(triggers)
    sa = sweep(ra, start, end, calendar=calendar, triggers=days)
    sb = sweep(rb, start, end, calendar=calendar, triggers=days)
    if [r.trigger for r in sa.rows] != [r.trigger for r in sb.rows]:
        raise ScenarioError(
            f"{ra.to_text()!r} and {rb.to_text()!r} count from different periods; "
            "compare rules of the same period"
        )
    return ReadingComparison(sa, sb)
