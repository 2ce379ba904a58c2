"""Indicators measured against plan, and the results of public reviews, as inputs to a score.

An :class:`Indicator` reads a figure from the ledger (the quantities the progress reports carry,
or a milestone such as a project's start) and sets it against what the plans say should stand by
the end of the period: the key-project plan (重点项目推进工作方案) scores starts, completed
investment and newly added enterprises above designated size this way (重点考评…开工情况、实际完成
投资、新增规上企业等关键指标). A :class:`PublicReview` is the result of a quarter-end public review
(每季度末…组织公开评议…评议结果对外发布), kept with the notice that published it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any, final

import attrs

from .._checks import check_number, check_text, instance_of, text, to_enum
from .._time import calendar_tz
from ..calendars import Period
from ..exceptions import InvalidInputError, InvalidTypeError
from ..rules import parse_rule
from ..tasks import Category, Ledger, Status, TaskState

__all__ = [
    "Indicator",
    "IndicatorResult",
    "Measure",
    "PublicReview",
    "measure",
    "reviews_in",
    "score_indicators",
]


class Measure(str, enum.Enum):
    """What an indicator counts."""

    QUANTITY = "quantity"
    """The cumulative quantity reported (``ProgressReported(quantity=…)``, e.g. 亿元 invested)
    against the target quantity times the expected progress (序时进度) at the period's end."""
    MILESTONE = "milestone"
    """The tasks that reached a milestone of their plan (e.g. ``"start"``, 开工) against the tasks
    whose plan puts that milestone on or before the period's end."""

    def __str__(self) -> str:
        return self.value


def _measure(value: object) -> Measure:
    return to_enum(Measure, value)


def _category(value: object) -> Category | None:
    return None if value is None else to_enum(Category, value)


_UNITS_EN = {
    "亿元": "100 million yuan",
    "万元": "10,000 yuan",
    "元": "yuan",
    "家": "enterprises",
    "个": "items",
    "项": "items",
}


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if check_number(value, attribute.name) <= 0:
        raise InvalidInputError(f"{attribute.name}={value!r}; expected a number > 0")


@final
@attrs.frozen
class Indicator:
    """A key indicator (关键指标) scored against plan: ``weight`` points at 100 % of plan.

    The tasks measured are those a unit leads, of ``category`` (any when ``None``) and, for a
    quantity, reported in ``quantity_unit`` (so 亿元 and 家 never add up). A unit earns
    ``weight × min(actual / planned, cap)``; ``cap`` above 1 rewards doing more than planned.
    ``source`` names the clause the indicator comes from.

    >>> Indicator("investment", name_zh="实际完成投资", name_en="completed investment", weight=50,
    ...           measure="quantity", quantity_unit="亿元").label("en")
    'completed investment (100 million yuan)'
    """

    id: str = attrs.field(validator=text(empty=False))
    name_zh: str = attrs.field(kw_only=True, validator=text(empty=False))
    name_en: str = attrs.field(kw_only=True, validator=text(empty=False))
    weight: float = attrs.field(kw_only=True, validator=_positive)
    measure: Measure = attrs.field(kw_only=True, converter=_measure)
    category: Category | None = attrs.field(default=None, kw_only=True, converter=_category)
    quantity_unit: str | None = attrs.field(
        default=None, kw_only=True, validator=text(empty=False, optional=True)
    )
    milestone: str | None = attrs.field(
        default=None, kw_only=True, validator=text(empty=False, optional=True)
    )
    cap: float = attrs.field(default=1.0, kw_only=True, validator=_positive)
    source: str = attrs.field(default="", kw_only=True, validator=text())

    def __attrs_post_init__(self) -> None:
        if self.measure is Measure.QUANTITY and self.quantity_unit is None:
            raise InvalidInputError(
                f"indicator {self.id!r} measures a quantity; give quantity_unit= (e.g. '亿元') "
                "so that quantities in other units are not added to it"
            )
        if self.measure is Measure.MILESTONE and self.milestone is None:
            raise InvalidInputError(
                f"indicator {self.id!r} counts a milestone; give milestone= (the id in the plans, "
                "e.g. 'start')"
            )

    def name(self, lang: str) -> str:
        """The indicator's name in ``lang``."""
        return self.name_zh if lang == "zh" else self.name_en

    def label(self, lang: str) -> str:
        """The name with the unit of a quantity (in English words for the units of Chinese
        statistics, so that an English bulletin reads in English)."""
        if self.measure is not Measure.QUANTITY:
            return self.name(lang)
        if lang == "zh":
            return f"{self.name_zh}（{self.quantity_unit}）"
        unit = _UNITS_EN.get(self.quantity_unit or "", self.quantity_unit)
        return f"{self.name_en} ({unit})"

    def selects(self, state: TaskState) -> bool:
        """Whether the indicator measures ``state``'s task."""
        task = state.task
        if state.status is Status.CANCELLED:
            return False
        if self.category is not None and task.category is not self.category:
            return False
        if self.measure is Measure.QUANTITY:
            return task.target_quantity is not None and task.quantity_unit == self.quantity_unit
        return task.plan is not None and task.plan.milestone(self.milestone or "") is not None


@final
@attrs.frozen
class IndicatorResult:
    """One indicator of one unit: ``planned`` and ``actual`` by the end of the period (tasks for a
    milestone, the quantity otherwise), ``rate`` = actual / planned (``None`` when nothing was
    planned yet: the indicator does not apply) and the ``points`` it earns."""

    indicator: str
    planned: float = attrs.field(kw_only=True)
    actual: float = attrs.field(kw_only=True)
    rate: float | None = attrs.field(kw_only=True)
    points: float = attrs.field(kw_only=True)


def measure(
    indicator: Indicator,
    ledger: Ledger,
    states: tuple[TaskState, ...],
    *,
    plan_at: dt.datetime,
    day: dt.date,
) -> tuple[float, float]:
    """``(planned, actual)`` of ``indicator`` over ``states`` (one unit's led tasks, as reported
    up to the end of ``ledger``), against the plan at ``plan_at`` (whose local day is ``day``).

    A task assigned after ``plan_at`` was not in the plan. A task reported complete without a
    quantity counts its whole target: completion says the work is done, and no later report will
    say more.
    """
    planned = actual = 0.0
    for state in states:
        if state.assigned_at > plan_at or not indicator.selects(state):
            continue
        task = state.task
        if indicator.measure is Measure.QUANTITY:
            target = task.target_quantity
            assert target is not None  # selects() checked it
            planned += target * ledger.progress(state.id, now=plan_at).expected / 100.0
            done = state.status in (Status.COMPLETED, Status.CONFIRMED)
            actual += target if state.quantity is None and done else state.quantity or 0.0
        else:
            assert task.plan is not None and indicator.milestone is not None
            milestone = task.plan.milestone(indicator.milestone)
            assert milestone is not None  # selects() checked it
            planned += milestone.due <= day
            actual += indicator.milestone in state.milestones_reached
    return planned, actual


def _satisfaction(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_number(value, attribute.name, minimum=0.0, maximum=100.0)


def _source(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_text(value, attribute.name, empty=False)


@final
@attrs.frozen
class PublicReview:
    """The result of a public review (公开评议) of one unit's key work over ``period``.

    The supervision office holds it at quarter-end with the assessment offices; lead and
    cooperating units report their work to people's deputies, CPPCC members and invited
    supervisors (``reviewers``), answer questions and are rated; the result is published
    (评议结果对外发布). ``satisfaction`` is the published share of reviewers satisfied (满意率, in
    percent); ``source`` is where it was published (a notice number, a web page) and is required:
    a score must be traceable to it. ``held_on`` is the day of the review.

    >>> import datetime as dt
    >>> from govops.calendars import period_of
    >>> PublicReview("roads", period=period_of(dt.date(2026, 9, 1), "quarter"), satisfaction=92.5,
    ...              held_on=dt.date(2026, 9, 29), source="督查室〔2026〕12号").satisfaction
    92.5
    """

    unit_id: str = attrs.field(validator=text(empty=False))
    period: Period = attrs.field(kw_only=True, validator=instance_of(Period))
    satisfaction: float = attrs.field(kw_only=True, validator=_satisfaction)
    held_on: dt.date = attrs.field(kw_only=True, validator=instance_of(dt.date))
    source: str = attrs.field(kw_only=True, validator=_source)
    reviewers: str = attrs.field(default="", kw_only=True, validator=text())


def reviews_in(
    reviews: Iterable[PublicReview], period: Period, today: dt.date, *, units: frozenset[str]
) -> list[PublicReview]:
    """The reviews of periods inside ``period`` held by ``today``; one per unit and period."""
    seen: set[tuple[str, Period]] = set()
    found = []
    for review in reviews:
        if not isinstance(review, PublicReview):
            raise InvalidTypeError(f"reviews contains {review!r}; expected PublicReview values")
        if review.unit_id not in units:
            raise InvalidInputError(
                f"public review of unit {review.unit_id!r}, which leads or cooperates on no task "
                f"in the ledger; units: {sorted(units)!r}"
            )
        key = (review.unit_id, review.period)
        if key in seen:
            raise InvalidInputError(
                f"two public reviews of {review.unit_id!r} for {review.period}; give one"
            )
        seen.add(key)
        if (
            period.start <= review.period.start
            and review.period.end <= period.end
            and review.held_on <= today
        ):
            found.append(review)
    return found


def score_indicators(
    ledger: Ledger,
    indicators: tuple[Indicator, ...],
    period: Period,
    *,
    now: dt.datetime,
    calendar: Any,
    reports_within: str | None,
) -> dict[str, tuple[tuple[IndicatorResult, ...], float | None]]:
    """Per lead unit: its indicator results at the end of ``period`` (or ``now``) and their
    points, scaled to the full weight when some indicator does not apply (按权重折算).

    The plan is read at the period's end; the reports up to then, or up to the day
    ``reports_within`` (a rule, counted from the period's last day) gives the units to report
    the period, e.g. "within 2 days" for a quarterly report due two days after quarter-end.
    """
    if not indicators:
        return {}
    tz = calendar_tz(calendar)
    plan_at = min(now, dt.datetime.combine(period.end, dt.time.max, tzinfo=tz))
    closes = period.end
    if reports_within is not None:
        closes = parse_rule(reports_within).due(period.end, calendar=calendar)
    cutoff = min(now, dt.datetime.combine(closes, dt.time.max, tzinfo=tz))
    day = plan_at.astimezone(tz).date()
    view = ledger.as_of(cutoff)
    led: dict[str, list[TaskState]] = {}
    for state in view.states():
        led.setdefault(state.task.responsibility.lead_unit.id, []).append(state)
    total = sum(i.weight for i in indicators)
    out = {}
    for unit_id, tasks in led.items():
        results = []
        for indicator in indicators:
            planned, actual = measure(indicator, view, tuple(tasks), plan_at=plan_at, day=day)
            rate = actual / planned if planned > 0 else None
            points = 0.0 if rate is None else round(indicator.weight * min(rate, indicator.cap), 4)
            results.append(
                IndicatorResult(
                    indicator.id, planned=planned, actual=actual, rate=rate, points=points
                )
            )
        applied = sum(
            i.weight for i, r in zip(indicators, results, strict=True) if r.rate is not None
        )
        earned = sum(r.points for r in results)
        points_total = round(earned * total / applied, 4) if applied else None
        out[unit_id] = (tuple(results), points_total)
    return out
