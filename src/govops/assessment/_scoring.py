"""Scoring rules as data, and the assessment of units over a period (考核).

Every point change is a :class:`PointChange` with its task, role, day and reason, so a score can be
traced back to the events that made it. The ready-made :data:`KEY_WORK_SCORING` follows
关于加强全市重点工作督查推进的意见 (lead and cooperating units earn bonus or deduction points from
supervision; a supervision notice counts as a deduction); the figures are local choices, named in
``docs/explanation/escalation.md``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, final

import attrs

from .._checks import check_number, to_enum, to_finite, to_tuple
from ..exceptions import EscalationError, InvalidInputError, InvalidTypeError

__all__ = [
    "KEY_WORK_SCORING",
    "Grade",
    "PointChange",
    "ScoreEvent",
    "ScoringRules",
    "Veto",
]


class ScoreEvent(str, enum.Enum):
    """What earns or costs points."""

    ON_TIME_COMPLETION = "on_time_completion"
    """Completed by the due date in force (按期完成)."""
    EARLY_COMPLETION = "early_completion"
    """Completed at least ``early_by_working_days`` working days early (提前完成), instead of on time."""
    LATE_COMPLETION = "late_completion"
    """Completed after the due date (逾期完成)."""
    OVERDUE = "overdue"
    """The due date passed with the work not done (逾期), counted on the day after the due date."""
    REMINDER = "reminder"
    """A reminder notice (催办单) was issued."""
    SUPERVISION = "supervision"
    """A supervision notice (督办单) was issued; it counts as a deduction (扣分依据)."""
    INTERVIEW = "interview"
    """The principal was called to an interview (约谈)."""
    ACCOUNTABILITY = "accountability"
    """Accountability was recommended (问责)."""

    @property
    def label_zh(self) -> str:
        """The Chinese name."""
        return _ZH[self]

    def __str__(self) -> str:
        return self.value


_ZH = {
    ScoreEvent.ON_TIME_COMPLETION: "按期完成",
    ScoreEvent.EARLY_COMPLETION: "提前完成",
    ScoreEvent.LATE_COMPLETION: "逾期完成",
    ScoreEvent.OVERDUE: "逾期未完成",
    ScoreEvent.REMINDER: "催办",
    ScoreEvent.SUPERVISION: "督办",
    ScoreEvent.INTERVIEW: "约谈",
    ScoreEvent.ACCOUNTABILITY: "问责",
}


def _number(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise InvalidInputError(f"{attribute.name}={value!r}; expected a number")


def _non_negative(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    _number(_instance, attribute, value)
    assert isinstance(value, (int, float))
    if value < 0:
        raise InvalidInputError(f"{attribute.name}={value!r}; expected a number >= 0")


def _points(value: object) -> tuple[tuple[ScoreEvent, float], ...]:
    if isinstance(value, tuple) and all(
        isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], ScoreEvent) for p in value
    ):
        value = dict(value)  # the stored form, which attrs.evolve passes back
    if not isinstance(value, Mapping):
        raise InvalidTypeError(f"points={value!r}; expected a mapping of ScoreEvent to points")
    out = []
    for event, pts in value.items():
        number = check_number(pts, f"points[{event!r}]")
        try:
            out.append((ScoreEvent(event), number))
        except ValueError:
            allowed = ", ".join(e.value for e in ScoreEvent)
            raise InvalidInputError(f"points has {event!r}; expected one of {allowed}") from None
    return tuple(sorted(out, key=lambda item: item[0].value))


def _min_score(value: object) -> float:
    # -inf is the floor of the lowest grade, so only NaN and what is not a number are refused.
    if value == float("-inf") and type(value) is float:
        return value
    return to_finite(value)


@final
@attrs.frozen
class Grade:
    """A grade (等次): a score of at least ``min_score`` earns it."""

    min_score: float = attrs.field(converter=_min_score)
    name: str
    label_zh: str


def _score_event(value: object) -> ScoreEvent:
    return to_enum(ScoreEvent, value)


@final
@attrs.frozen
class Veto:
    """``at_least`` events of ``event`` in the period bar a unit from grade ``bars`` and above
    (一票否决, e.g. two overdue items bar a unit from excellence)."""

    event: ScoreEvent = attrs.field(converter=_score_event)
    at_least: int = attrs.field(kw_only=True)
    bars: str = attrs.field(kw_only=True)

    def __attrs_post_init__(self) -> None:
        if (
            isinstance(self.at_least, bool)
            or not isinstance(self.at_least, int)
            or self.at_least < 1
        ):
            raise InvalidInputError(f"at_least={self.at_least!r}; expected an int >= 1")


def _grades(value: Iterable[Grade]) -> tuple[Grade, ...]:
    items = to_tuple(value)
    if not items or not all(isinstance(g, Grade) for g in items):
        raise InvalidInputError(f"grades={value!r}; expected at least one Grade")
    return tuple(sorted(items, key=lambda g: -g.min_score))


def _vetoes(value: Iterable[Veto]) -> tuple[Veto, ...]:
    items = to_tuple(value)
    for v in items:
        if not isinstance(v, Veto):
            raise InvalidTypeError(f"vetoes contains {v!r}; expected Veto values")
    return items


@final
@attrs.frozen
class ScoringRules:
    """Points per event, role weights, a base score, caps, grades and vetoes; versioned.

    A task's event gives ``points[event] * lead_weight`` to its lead unit and
    ``points[event] * cooperating_weight`` to each cooperating unit. Bonuses are capped at
    ``max_bonus`` and deductions at ``max_deduction`` (``None``: no cap).
    """

    id: str
    version: int = attrs.field(kw_only=True)
    points: tuple[tuple[ScoreEvent, float], ...] = attrs.field(kw_only=True, converter=_points)
    base: float = attrs.field(default=100.0, kw_only=True, converter=to_finite)
    lead_weight: float = attrs.field(
        default=1.0, kw_only=True, converter=to_finite, validator=_non_negative
    )
    cooperating_weight: float = attrs.field(
        default=0.5, kw_only=True, converter=to_finite, validator=_non_negative
    )
    early_by_working_days: int = attrs.field(default=5, kw_only=True)
    max_bonus: float | None = attrs.field(default=None, kw_only=True, validator=_non_negative)
    max_deduction: float | None = attrs.field(default=None, kw_only=True, validator=_non_negative)
    grades: tuple[Grade, ...] = attrs.field(
        factory=lambda: (
            Grade(90, "excellent", "优秀"),
            Grade(80, "good", "良好"),
            Grade(60, "pass", "合格"),
            Grade(float("-inf"), "poor", "较差"),
        ),
        kw_only=True,
        converter=_grades,
    )
    vetoes: tuple[Veto, ...] = attrs.field(default=(), kw_only=True, converter=_vetoes)

    def __attrs_post_init__(self) -> None:
        names = {g.name for g in self.grades}
        for v in self.vetoes:
            if v.bars not in names:
                raise EscalationError(
                    f"veto bars grade {v.bars!r}, which rules {self.id!r} do not define; "
                    f"grades: {sorted(names)!r}"
                )

    @property
    def label(self) -> str:
        """``id@version``."""
        return f"{self.id}@{self.version}"

    def points_for(self, event: ScoreEvent) -> float:
        """The points one ``event`` is worth (0 when the rules do not list it)."""
        for e, pts in self.points:
            if e is event:
                return pts
        return 0.0

    def grade(self, score: float, *, barred: frozenset[str] = frozenset()) -> Grade:
        """The best grade ``score`` earns below every barred grade."""
        ceiling = min((g.min_score for g in self.grades if g.name in barred), default=None)
        for g in self.grades:  # best first
            if ceiling is not None and g.min_score >= ceiling:
                continue
            if score >= g.min_score:
                return g
        return self.grades[-1]


@final
@attrs.frozen
class PointChange:
    """One change of a unit's score, with the task, role, day and reason behind it."""

    unit_id: str
    task_id: str = attrs.field(kw_only=True)
    event: ScoreEvent = attrs.field(kw_only=True)
    role: str = attrs.field(kw_only=True)
    on: dt.date = attrs.field(kw_only=True)
    points: float = attrs.field(kw_only=True)
    reason: str = attrs.field(kw_only=True)

    def __str__(self) -> str:
        role = "牵头" if self.role == "lead" else "配合"
        return (
            f"{self.on.isoformat()} {self.task_id} {self.event.label_zh}（{role}）"
            f"{self.points:+g}：{self.reason}"
        )


KEY_WORK_SCORING = ScoringRules(
    "key-work-scoring",
    version=1,
    points={
        ScoreEvent.EARLY_COMPLETION: 2,
        ScoreEvent.ON_TIME_COMPLETION: 1,
        ScoreEvent.LATE_COMPLETION: -1,
        ScoreEvent.OVERDUE: -3,
        ScoreEvent.REMINDER: -0.5,
        ScoreEvent.SUPERVISION: -2,
        ScoreEvent.INTERVIEW: -3,
        ScoreEvent.ACCOUNTABILITY: -5,
    },
    base=100,
    lead_weight=1.0,
    cooperating_weight=0.5,
    max_bonus=10,
    max_deduction=40,
    vetoes=(Veto(ScoreEvent.OVERDUE, at_least=2, bars="excellent"),),
)
"""Version 1 of the key-work scoring rules (figures are local choices; see the docs)."""
