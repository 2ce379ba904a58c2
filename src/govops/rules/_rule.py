"""The :class:`Rule` value: a parsed rule and everything one can ask of it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal, final

import attrs

from .._html import fields
from ..exceptions import RuleError
from . import _eval, _rrule, _schedule, _text
from ._nodes import (
    ACTIONS,
    ROLLS,
    Action,
    Body,
    ByDate,
    NextMonthDay,
    NextYearDate,
    PeriodDeadline,
    Relative,
    RollName,
    Schedule,
    TimeOfDay,
    default_roll,
    rule_error,
)

if TYPE_CHECKING:
    from ..calendars import WorkCalendar
    from ._counting import Counting
    from ._explain import Explanation

__all__ = ["Rule"]

Lang = Literal["en", "zh"]

_ROLL_WORDS = {
    "following": "roll forward (遇节假日顺延)",
    "preceding": "roll back (遇节假日提前)",
    "modified_following": "modified following",
    "none": "no roll (不顺延)",
    "skip": "skip holidays (遇节假日取消)",
    "preceding_in_week": "earlier in the same week (遇节假日本周内提前)",
}


@final
@attrs.frozen(repr=False)  # repr: the canonical text (__repr__ below)
class Rule:
    """A deadline or schedule rule, read from English or Chinese text by :func:`parse_rule`.

    Two rules are equal when they mean the same thing: ``body``, ``roll``, ``action`` and ``time``
    take part in equality; the action text as written (``action_word``, e.g. ``"提报"`` or
    ``"办理完毕"``), a condition written in front (``condition``: ``"对符合条件的"``, ``"where an
    extension is needed"``), the language it was written in (``lang``) and the counting context
    (``counting``) do not, so ``parse_rule("会后两日内报送") ==
    parse_rule("report within 2 days after the meeting")``.

    ``roll`` is ``None`` when the rule uses the default convention for its kind (see
    ``docs/explanation/counting.md``); an explicit modifier equal to the default is folded to
    ``None``.

    >>> import datetime as dt, govops
    >>> from govops.rules import parse_rule
    >>> cal = govops.calendars.calendar("CN")
    >>> rule = parse_rule("会后两日内报送")
    >>> rule.due(dt.date(2024, 9, 27), calendar=cal)
    datetime.date(2024, 9, 29)
    >>> rule.to_text("en")
    'report within 2 days after the meeting'
    """

    body: Body
    roll: RollName | None = attrs.field(default=None, kw_only=True)
    action: Action | None = attrs.field(default=None, kw_only=True)
    action_word: str | None = attrs.field(default=None, kw_only=True, eq=False)
    time: TimeOfDay | None = attrs.field(default=None, kw_only=True)
    lang: Lang = attrs.field(default="en", kw_only=True, eq=False)
    counting: Counting | None = attrs.field(default=None, kw_only=True, eq=False)
    condition: str | None = attrs.field(default=None, kw_only=True, eq=False)
    _effective_roll: RollName | None = attrs.field(init=False, eq=False, repr=False)
    _search_plan: _schedule.SearchPlan | None = attrs.field(init=False, eq=False, repr=False)
    _parts: tuple[Rule, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._check()
        # Computed once: due() reads them on every call.
        effective = self.roll if self.roll is not None else default_roll(self.body)
        object.__setattr__(self, "_effective_roll", effective)
        plan = (
            _schedule.search_plan(self.body, effective) if isinstance(self.body, Schedule) else None
        )
        object.__setattr__(self, "_search_plan", plan)
        parts = _schedule.parts(self.body) if isinstance(self.body, Schedule) else ()
        object.__setattr__(
            self,
            "_parts",
            tuple(Rule(part, roll=self.roll, time=self.time, lang=self.lang) for part in parts),
        )

    def _check(self) -> None:
        if not isinstance(
            self.body, (Relative, ByDate, NextMonthDay, NextYearDate, PeriodDeadline, Schedule)
        ):
            raise RuleError(f"body={self.body!r} is not a rule body")
        if self.action is not None and self.action not in ACTIONS:
            raise RuleError(f"action={self.action!r} is not one of {', '.join(ACTIONS)}")
        if self.time is not None and not isinstance(self.time, TimeOfDay):
            raise RuleError(f"time={self.time!r} is not a TimeOfDay")
        if self.action_word is not None and (
            type(self.action_word) is not str or not self.action_word.strip()
        ):
            raise RuleError(f"action_word={self.action_word!r} must be a non-empty str")
        if self.condition is not None and (
            type(self.condition) is not str or not self.condition.strip()
        ):
            raise RuleError(f"condition={self.condition!r} must be a non-empty str")
        if self.lang not in ("en", "zh"):
            raise RuleError(f"lang={self.lang!r} is not 'en' or 'zh'")
        if self.roll is None:
            return
        if self.roll not in ROLLS:
            raise RuleError(f"roll={self.roll!r} is not one of {', '.join(map(repr, ROLLS))}")
        default = default_roll(self.body)
        if default is None:
            raise rule_error(
                f"{_ROLL_WORDS[self.roll]!r} does not apply: this rule always lands on a working "
                "day, so remove the modifier",
                "本规则的日期总是工作日，节假日处理方式不适用；请删去该修饰语",
            )
        if self.roll == "skip" and not isinstance(self.body, Schedule):
            raise rule_error(
                "'skip holidays' applies to schedules only; a deadline cannot be "
                "skipped — write 'roll forward' or 'roll back' instead",
                "“遇节假日取消”只适用于定期安排；期限不能取消，请写“遇节假日顺延”或“遇节假日提前”",
            )
        if self.roll == "preceding_in_week" and not isinstance(self.body, Schedule):
            # A week without a working day has no date: only a schedule can go without one.
            raise rule_error(
                "'earlier in the same week' applies to schedules only; for a deadline write "
                "'roll back' instead",
                "“遇节假日本周内提前”只适用于定期安排；期限请写“遇节假日提前”",
            )
        if self.roll == default:
            object.__setattr__(self, "roll", None)
        elif self.roll == "modified_following":
            raise RuleError(
                "roll='modified_following' is only the default of schedules; for this rule write "
                "'roll forward' (following) or 'roll back' (preceding)"
            )

    # -- what kind of rule ----------------------------------------------------------------

    @property
    def is_schedule(self) -> bool:
        """Whether the rule is a recurrence (``every Monday``) rather than a deadline."""
        return isinstance(self.body, Schedule)

    @property
    def effective_roll(self) -> RollName | None:
        """The roll convention in force: the explicit one, else the default for the rule's kind."""
        return self._effective_roll

    # -- dates ------------------------------------------------------------------------------

    def due(self, trigger: dt.date | dt.datetime, *, calendar: WorkCalendar) -> dt.date:
        """The due date (inclusive: the last day allowed) for an event on ``trigger``.

        For a period deadline (``at quarter-end plus 2 days``) it is the date for the trigger's own
        period; for a schedule, the first occurrence strictly after the trigger.
        """
        return _eval.due(self, trigger, calendar)

    def due_at(
        self,
        trigger: dt.date | dt.datetime,
        *,
        calendar: WorkCalendar,
    ) -> dt.datetime:
        """The instant the rule is due by: :meth:`due`'s date at the rule's time of day, in the
        calendar's time zone.

        A rule without a time of day is due by 24:00 of its date (民法典 §203), returned as 00:00
        of the next day. ``下班前`` / ``by close of business`` is the close of the calendar's office
        hours (``WorkCalendar.office_hours``: 17:30 unless the calendar is built with other hours).
        The instant is timezone-aware.

        >>> import datetime as dt, govops
        >>> from govops.rules import parse_rule
        >>> cal = govops.calendars.calendar("CN")
        >>> parse_rule("每周五下班前报送").due_at(dt.date(2024, 9, 23), calendar=cal)
        datetime.datetime(2024, 9, 27, 17, 30, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
        >>> parse_rule("两日内").due_at(dt.date(2024, 9, 23), calendar=cal)
        datetime.datetime(2024, 9, 26, 0, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
        """
        return _eval.due_at(self, trigger, calendar)

    def occurrences(
        self,
        start: dt.date | dt.datetime,
        end: dt.date | dt.datetime,
        *,
        calendar: WorkCalendar,
    ) -> list[dt.date]:
        """Every date of a schedule or period deadline with ``start <= date <= end``, sorted."""
        return _eval.occurrences(self, start, end, calendar)

    def explain(
        self,
        trigger: dt.date | dt.datetime,
        *,
        calendar: WorkCalendar,
        lang: Lang | None = None,
    ) -> Explanation:
        """How :meth:`due` reaches its date, step by step, in ``lang`` (default: the rule's)."""
        return _eval.explain(self, trigger, calendar, lang or self.lang)

    # -- text -------------------------------------------------------------------------------

    def to_text(self, lang: Lang = "en") -> str:
        """The canonical text in ``lang``; ``parse_rule(rule.to_text(lang)) == rule``."""
        if lang == "en":
            return _text.to_en(self)
        if lang == "zh":
            return _text.to_zh(self)
        raise RuleError(f"lang={lang!r} is not 'en' or 'zh'")

    def __str__(self) -> str:
        return self.to_text(self.lang)

    def __repr__(self) -> str:
        """The canonical text, as the call that reads it back: ``parse_rule('会后2日内报送')``."""
        return f"parse_rule({self.to_text(self.lang)!r})"

    def _repr_html_(self) -> str:
        """The rule in Jupyter: its text in both languages, its kind, roll and RRULE."""
        rows: list[tuple[str, object]] = [
            ("English", self.to_text("en")),
            ("中文", self.to_text("zh")),
            ("kind", "schedule" if self.is_schedule else "deadline"),
            ("roll", self.effective_roll or "none needed (always a working day)"),
        ]
        rrule = self.to_rrule()
        if rrule:
            rows.append(("RRULE", rrule))
        return fields("govops rule", rows)

    def to_rrule(self) -> str | None:
        """The RFC 5545 RRULE of the nominal dates (before any roll), or ``None`` when the dates
        depend on the working-day calendar (``last working day``) or the rule is not periodic."""
        return _rrule.to_rrule(self)
