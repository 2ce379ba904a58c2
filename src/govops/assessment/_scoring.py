"""Scoring rules as data, and the assessment of units over a period (考核).

Every point change is a :class:`PointChange` with its task, role, day and reason, so a score can be
traced back to the events that made it. The ready-made :data:`KEY_WORK_SCORING` follows
关于加强全市重点工作督查推进的意见 (lead and cooperating units earn bonus or deduction points from
supervision and public review; a supervision notice counts as a deduction);
:data:`KEY_PROJECT_SCORING` follows the key-project plan (重点项目推进工作方案), which scores key
indicators against plan. Figures the documents do not give are local choices, named in
``docs/explanation/assessment.md``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, final

import attrs

from .._checks import check_number, to_enum, to_finite, to_tuple
from .._document import Lang, check_lang
from ..exceptions import EscalationError, InvalidInputError, InvalidTypeError
from ..rules import parse_rule
from ..tasks import Category
from ._indicators import Indicator

__all__ = [
    "KEY_PROJECT_SCORING",
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
    PUBLIC_REVIEW = "public_review"
    """The published result of a public review (公开评议) of the unit: a :class:`PublicReview`."""

    @property
    def label_zh(self) -> str:
        """The Chinese name."""
        return _ZH[self]

    @property
    def label_en(self) -> str:
        """The English name."""
        return _EN[self]

    def label(self, lang: Lang) -> str:
        """The name in ``lang``."""
        return _ZH[self] if lang == "zh" else _EN[self]

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
    ScoreEvent.PUBLIC_REVIEW: "公开评议",
}
_EN = {
    ScoreEvent.ON_TIME_COMPLETION: "on-time completion",
    ScoreEvent.EARLY_COMPLETION: "early completion",
    ScoreEvent.LATE_COMPLETION: "late completion",
    ScoreEvent.OVERDUE: "overdue",
    ScoreEvent.REMINDER: "reminder",
    ScoreEvent.SUPERVISION: "supervision notice",
    ScoreEvent.INTERVIEW: "interview",
    ScoreEvent.ACCOUNTABILITY: "accountability",
    ScoreEvent.PUBLIC_REVIEW: "public review",
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
    """A grade (等次): a score of at least ``min_score`` earns it. ``name`` is its id and, unless
    ``label_en`` is given, its English label."""

    min_score: float = attrs.field(converter=_min_score)
    name: str
    label_zh: str
    label_en: str = attrs.field(default="", kw_only=True)

    def label(self, lang: Lang) -> str:
        """The grade's label in ``lang``."""
        return self.label_zh if lang == "zh" else self.label_en or self.name


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


def _indicators(value: Iterable[Indicator]) -> tuple[Indicator, ...]:
    items = to_tuple(value)
    for item in items:
        if not isinstance(item, Indicator):
            raise InvalidTypeError(f"indicators contains {item!r}; expected Indicator values")
    ids = [i.id for i in items]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InvalidInputError(f"indicator ids must be unique; repeated: {repeated!r}")
    return items


def _review_points(value: object) -> tuple[tuple[float, float], ...]:
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        value = dict(value)  # the stored form, which attrs.evolve passes back
    if not isinstance(value, Mapping):
        raise InvalidTypeError(
            f"review_points={value!r}; expected a mapping of lowest satisfaction (%) to points"
        )
    out = [
        (
            check_number(low, "review_points key", minimum=0.0, maximum=100.0),
            check_number(pts, f"review_points[{low!r}]"),
        )
        for low, pts in value.items()
    ]
    if out and min(low for low, _ in out) != 0:
        raise InvalidInputError(
            f"review_points={value!r} leaves satisfaction below {min(low for low, _ in out):g}% "
            "without points; give a band from 0"
        )
    return tuple(sorted(out, reverse=True))


def _rule_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidTypeError(
            f"{attribute.name}={value!r}; expected rule text such as 'within 2 days'"
        )
    parse_rule(value)  # a RuleSyntaxError now, not when a bulletin is made


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

    A task's completion gives ``points[event] * lead_weight`` to its lead unit and
    ``points[event] * cooperating_weight`` to each cooperating unit. A deduction falls on the lead
    unit, and on a cooperating unit only for a notice addressed to it: cooperating units answer
    for their part (配合部门在配合事项上负重要责任), not for the lead unit's own failures.
    ``review_points`` maps the lowest satisfaction of a band (满意率, %) to the points a public
    review in that band gives the unit reviewed. Bonuses are capped at ``max_bonus`` and
    deductions at ``max_deduction`` (``None``: no cap). ``indicators`` add
    ``weight × min(actual / planned, cap)`` each, outside the caps; a unit with nothing planned
    for an indicator is scored on the others, scaled to their full weight (按权重折算).
    ``reports_within`` (rule text, counted from the period's last day, e.g. ``"within 2 days"``)
    lets the reports of that window count for the period, as a quarterly report due two days after
    quarter-end does; without it, reports count in the period they were recorded in.
    ``description`` says where the rules come from and which figures are local choices.
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
    indicators: tuple[Indicator, ...] = attrs.field(default=(), kw_only=True, converter=_indicators)
    review_points: tuple[tuple[float, float], ...] = attrs.field(
        default=(), kw_only=True, converter=_review_points
    )
    reports_within: str | None = attrs.field(default=None, kw_only=True, validator=_rule_text)
    description: str = attrs.field(default="", kw_only=True)

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

    def review(self, satisfaction: float) -> float:
        """The points a public review with ``satisfaction`` (%) gives (0 without review points)."""
        for low, pts in self.review_points:  # highest band first
            if satisfaction >= low:
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


_ROLE = {
    "zh": {"lead": "牵头", "cooperating": "配合", "unit": "本单位"},
    "en": {"lead": "lead", "cooperating": "cooperating", "unit": "the unit"},
}


@final
@attrs.frozen
class PointChange:
    """One change of a unit's score, with the task, role, day and the facts behind it.

    ``role`` is ``"lead"``, ``"cooperating"`` or ``"unit"`` (a public review of the unit itself,
    which has no ``task_id``). The facts: ``due`` and ``done`` for completions and overdue work,
    ``early_by`` the working days of an early completion, ``notice`` the kind of a notice,
    ``satisfaction`` and ``source`` of a public review. ``reason`` keeps the words recorded with a
    notice, as written. :meth:`text` says it all in one language.
    """

    unit_id: str
    task_id: str | None = attrs.field(kw_only=True)
    event: ScoreEvent = attrs.field(kw_only=True)
    role: str = attrs.field(kw_only=True)
    on: dt.date = attrs.field(kw_only=True)
    points: float = attrs.field(kw_only=True)
    reason: str = attrs.field(default="", kw_only=True)
    due: dt.date | None = attrs.field(default=None, kw_only=True)
    done: dt.date | None = attrs.field(default=None, kw_only=True)
    early_by: int | None = attrs.field(default=None, kw_only=True)
    notice: str | None = attrs.field(default=None, kw_only=True)
    satisfaction: float | None = attrs.field(default=None, kw_only=True)
    source: str = attrs.field(default="", kw_only=True)

    def detail(self, lang: Lang = "zh") -> str:
        """Why the points changed, in ``lang``."""
        lang = check_lang(lang)
        e, zh = self.event, lang == "zh"
        due = self.due.isoformat() if self.due else ""
        done = self.done.isoformat() if self.done else ""
        if e is ScoreEvent.EARLY_COMPLETION:
            return (
                f"{done}完成，较完成时限{due}提前{self.early_by}个工作日"
                if zh
                else f"completed {done}, {self.early_by} working days before the due date {due}"
            )
        if e is ScoreEvent.ON_TIME_COMPLETION:
            return f"{done}完成，完成时限{due}" if zh else f"completed {done}, due {due}"
        if e is ScoreEvent.LATE_COMPLETION:
            return (
                f"{done}完成，超过完成时限{due}"
                if zh
                else f"completed {done}, after the due date {due}"
            )
        if e is ScoreEvent.OVERDUE:
            return f"完成时限{due}，逾期未完成" if zh else f"due {due}, not done by then"
        if e is ScoreEvent.PUBLIC_REVIEW:
            return (
                f"公开评议满意率{self.satisfaction:g}%（{self.source}）"
                if zh
                else f"{self.satisfaction:g}% satisfied in the public review ({self.source})"
            )
        notice = _notice_label(self.notice or e.value, lang)
        to = "" if self.role == "lead" else ("，发至本单位" if zh else ", addressed to the unit")
        return f"下发{notice}{to}" if zh else f"{notice} issued{to}"

    def text(self, lang: Lang = "zh") -> str:
        """The change as one line in ``lang``: day, task, event, role, points, why."""
        lang = check_lang(lang)
        task = f" {self.task_id}" if self.task_id else ""
        role = _ROLE[lang][self.role]
        if lang == "zh":
            return (
                f"{self.on.isoformat()}{task} {self.event.label_zh}（{role}）"
                f"{self.points:+g}：{self.detail('zh')}"
            )
        return (
            f"{self.on.isoformat()}{task} {self.event.label_en} ({role}) "
            f"{self.points:+g}: {self.detail('en')}"
        )

    def __str__(self) -> str:
        return self.text("zh")


_NOTICES = {
    "reminder": ("催办单", "reminder notice"),
    "supervision": ("督办单", "supervision notice"),
    "interview": ("约谈通知", "interview notice"),
    "accountability": ("问责建议", "accountability recommendation"),
}


def _notice_label(kind: str, lang: Lang) -> str:
    zh, en = _NOTICES.get(kind, (kind, kind))
    return zh if lang == "zh" else en


KEY_WORK_SCORING = ScoringRules(
    "key-work-scoring",
    version=2,
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
    review_points={90: 2, 80: 0, 60: -2, 0: -5},
    description=(
        "关于加强全市重点工作督查推进的意见: lead and cooperating units earn bonus or deduction "
        "points from supervision and public review; a supervision notice is a deduction. The "
        "document gives no figures: the points, weights, caps, the veto and the review bands "
        "(satisfaction ≥ 90 % +2, ≥ 80 % 0, ≥ 60 % −2, below −5) are local choices."
    ),
)
"""Version 2 of the key-work scoring rules (figures are local choices; see the docs)."""

KEY_PROJECT_SCORING = ScoringRules(
    "key-project-scoring",
    version=1,
    points={ScoreEvent.SUPERVISION: -2},
    base=0,
    reports_within="within 2 days",
    indicators=(
        Indicator(
            "starts",
            name_zh="开工情况",
            name_en="projects started",
            weight=30,
            measure="milestone",
            milestone="start",
            category=Category.KEY_PROJECT,
            source="重点项目推进工作方案 三(六): 重点考评…重点项目开工情况",
        ),
        Indicator(
            "investment",
            name_zh="实际完成投资",
            name_en="investment completed",
            weight=50,
            measure="quantity",
            quantity_unit="亿元",
            category=Category.KEY_PROJECT,
            source="重点项目推进工作方案 三(六): 重点考评…实际完成投资",
        ),
        Indicator(
            "enterprises",
            name_zh="新增规上企业",
            name_en="new enterprises above designated size",
            weight=20,
            measure="quantity",
            quantity_unit="家",
            source="重点项目推进工作方案 三(六): 重点考评…新增规上企业",
        ),
    ),
    description=(
        "重点项目推进工作方案 三(六): the key indicators are starts, completed investment and "
        "newly added enterprises above designated size; 二(3) sets the quarterly plan (e.g. "
        "14.4 %, 44.7 %, 78.7 % and 100 % of the year's investment). The document gives no "
        "weights: 30, 50 and 20 points of 100 are a local choice, as is −2 per supervision "
        "notice. A start is the milestone 'start' of a key project's plan; investment is "
        "reported in 亿元 and new enterprises in 家 (ProgressReported quantities); reports "
        "recorded within 2 days after the period's end count for it, as the quarterly report "
        "two days after quarter-end does (乡镇运行保障机制实施意见 §4, 季度末后两天)."
    ),
)
"""The key-project scoring rules: three indicators against plan (weights are local choices)."""
