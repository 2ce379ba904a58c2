"""What a duty is: who owes what to whom, by which rule, on whose authority.

A :class:`Duty` is a standing obligation written in a policy document: "each quarter, two days
after quarter-end, each responsible unit reports the quarter's progress to the party secretary"
(乡镇运行保障机制实施意见, 季汇报). It is *periodic* when its rule is a period deadline (``at
quarter-end plus 2 days``, 每月底前报送, 每年1月31日前报送) and *event-triggered* when it names the
event that makes it owed (``trigger="省级会议"``) and its rule counts from that event's day (``会后两日内``,
``及时``). A duty is a value; :func:`govops.duties.record_duties` turns it into ledger tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal, cast, final

import attrs

from .._checks import check_text, instance_of, text, to_enum, to_tuple
from ..calendars import Period, PeriodKind, WorkCalendar, period_of
from ..exceptions import DutyError, InvalidTypeError
from ..rules import (
    Edge,
    Explanation,
    NthWorkingDay,
    PeriodDeadline,
    Rule,
    Schedule,
    Step,
    parse_rule,
)
from ..tasks import Category, Responsibility, Unit

__all__ = ["Citation", "Duty", "Term"]

Lang = Literal["en", "zh"]
_PeriodName = Literal["xun", "month", "quarter", "half_year", "year"]


def _in_chinese(text: str) -> bool:
    """Whether ``text`` is written in Chinese: a message about it is then written in Chinese."""
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _name(field: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        check_text(value, field, empty=False)

    return check


@final
@attrs.frozen
class Citation:
    """Where a duty is written: the document's title, the clause, and the words that oblige.

    >>> str(Citation("乡镇运行保障机制实施意见", "一、3 季汇报"))
    '乡镇运行保障机制实施意见 一、3 季汇报'
    """

    document: str = attrs.field(validator=_name("document"))
    clause: str = attrs.field(validator=_name("clause"))
    quote: str = attrs.field(default="", kw_only=True, validator=text())

    def __str__(self) -> str:
        return f"{self.document} {self.clause}"


@final
@attrs.frozen
class Term:
    """A word of the document that stands for a period the policy sets, such as 及时 (promptly).

    The document says only "及时"; the policy that adopts it decides what that means in days, and
    says so in ``note``; ``gloss`` is the word in English. :meth:`Duty.explain` names the term and
    its reading before counting.

    >>> Term("及时", "5个工作日内", gloss="promptly", note="a choice of this policy").rule
    '5个工作日内'
    """

    word: str = attrs.field(validator=_name("word"))
    rule: str = attrs.field(validator=_name("rule"))
    gloss: str = attrs.field(default="", kw_only=True, validator=text())
    note: str = attrs.field(default="", kw_only=True, validator=text())


def _owners(value: Iterable[object]) -> tuple[Responsibility, ...]:
    out = []
    for item in to_tuple(value):
        if isinstance(item, Unit):
            item = Responsibility(item)
        if not isinstance(item, Responsibility):
            raise InvalidTypeError(
                f"owers contains {item!r}, a {type(item).__name__}; expected Unit or "
                "Responsibility values"
            )
        out.append(item)
    ids = [r.lead_unit.id for r in out]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise DutyError(f"owers names units {repeated!r} twice; each unit owes a duty once")
    return tuple(out)


def _terms(value: Iterable[object]) -> tuple[Term, ...]:
    out = to_tuple(value)
    for item in out:
        if not isinstance(item, Term):
            raise InvalidTypeError(f"terms contains {item!r}; expected Term values")
    return out


def _category(value: object) -> Category:
    return to_enum(Category, value)


@final
@attrs.frozen
class Duty:
    """A standing obligation: ``owed_by`` owes ``title`` to ``owed_to`` by ``rule`` (``source``).

    ``rule`` is rule-language text in English or Chinese, or the word of one of ``terms`` (such
    as ``"及时"``). With ``trigger=None`` the duty is periodic and its rule must be a period
    deadline (``at quarter-end plus 2 days``, ``每月底前报送``, ``每年1月31日前报送``); with a
    ``trigger`` (the name of the event, e.g. ``"省级会议"``) it is owed once per event and its rule
    counts from the event's day. ``owers`` are the units (with their leaders) that owe a periodic
    duty, bound by the host with :meth:`owed_by_units`; an event brings its own owner.
    ``note`` states what the policy chose where the document gives no figure.

    >>> import datetime as dt, govops
    >>> from govops.duties import Citation, Duty
    >>> duty = Duty(
    ...     "quarterly-report", "季度工作完成情况",
    ...     owed_by="各责任部门", owed_to="镇党委主要领导",
    ...     rule="每季度末后两天提报",
    ...     source=Citation("乡镇运行保障机制实施意见", "一、3 季汇报"),
    ... )
    >>> duty.period, duty.due(dt.date(2025, 8, 15), calendar=govops.calendar("CN"))
    (<PeriodKind.QUARTER: 'quarter'>, datetime.date(2025, 10, 9))
    """

    id: str = attrs.field(validator=_name("id"))
    title: str = attrs.field(validator=_name("title"))
    owed_by: str = attrs.field(kw_only=True, validator=_name("owed_by"))
    owed_to: str = attrs.field(kw_only=True, validator=_name("owed_to"))
    rule: str = attrs.field(kw_only=True, validator=_name("rule"))
    source: Citation = attrs.field(kw_only=True, validator=instance_of(Citation))
    trigger: str | None = attrs.field(
        default=None, kw_only=True, validator=text(empty=False, optional=True)
    )
    terms: tuple[Term, ...] = attrs.field(default=(), kw_only=True, converter=_terms)
    owers: tuple[Responsibility, ...] = attrs.field(default=(), kw_only=True, converter=_owners)
    category: Category = attrs.field(default=Category.OTHER, kw_only=True, converter=_category)
    note: str = attrs.field(default="", kw_only=True, validator=text())
    _parsed: Rule = attrs.field(init=False, eq=False, repr=False)
    _period: PeriodKind | None = attrs.field(init=False, eq=False, repr=False)
    _per_schedule: bool = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if "/" in self.id:
            raise DutyError(f"duty id {self.id!r} contains '/', which separates task id parts")
        words = [t.word for t in self.terms]
        repeated = sorted({w for w in words if words.count(w) > 1})
        if repeated:
            raise DutyError(f"duty {self.id!r} defines the terms {repeated!r} twice")
        try:
            rule = parse_rule(self.rule_text)
        except ValueError as exc:
            hint = (
                f"\n若“{self.rule}”是由政策设定期限的用语，请用 terms=[Term(...)] 给出其期限"
                if _in_chinese(self.rule)
                else f"\nif {self.rule!r} is a word whose period the policy sets, define it with "
                "terms=[Term(...)]"
            )
            raise DutyError(f"duty {self.id!r}: {exc}{hint}") from exc
        period: PeriodKind | None = None
        before = False
        if self.trigger is None:
            rule, period, before = _periodic(self.id, self.rule, rule)
            if rule.roll == "skip":
                raise DutyError(
                    f"义务{self.id!r}：期限不能遇节假日取消（{self.rule!r}）；请写“遇节假日顺延”或“遇节假日提前”"
                    if _in_chinese(self.rule)
                    else f"duty {self.id!r}: a duty cannot be skipped on a holiday "
                    f"({self.rule!r}); write 'roll forward' or 'roll back'"
                )
        elif rule.is_schedule:
            raise DutyError(
                f"义务{self.id!r}在每次“{self.trigger}”后产生，期限应从该日起算；{self.rule!r}"
                "是定期安排：请写如“会后两日内”"
                if _in_chinese(self.rule)
                else f"duty {self.id!r} is owed on each {self.trigger!r}, so its rule counts from "
                f"that day; {self.rule!r} is a schedule: write e.g. 'within 5 working days'"
            )
        object.__setattr__(self, "_parsed", rule)
        object.__setattr__(self, "_period", period)
        object.__setattr__(self, "_per_schedule", before)

    # -- reading ------------------------------------------------------------------------------

    @property
    def term(self) -> Term | None:
        """The named term ``rule`` is written as, if it is one (e.g. 及时)."""
        for t in self.terms:
            if t.word == self.rule.strip():
                return t
        return None

    @property
    def rule_text(self) -> str:
        """The rule as counted: ``rule`` itself, or the reading of the term it names."""
        term = self.term
        return term.rule if term is not None else self.rule

    def read_rule(self) -> Rule:
        """The rule the due dates are counted by (for a periodic duty, as a period deadline)."""
        return self._parsed

    @property
    def is_periodic(self) -> bool:
        """Whether the duty falls due once per period (rather than once per event)."""
        return self.trigger is None

    @property
    def period(self) -> PeriodKind | None:
        """The period a periodic duty is owed for (``None`` for an event-triggered duty)."""
        return self._period

    def owed_by_units(self, *owners: Unit | Responsibility) -> Duty:
        """The same duty owed by ``owners`` (units, or responsibilities naming their leaders)."""
        return attrs.evolve(self, owers=owners)

    # -- dates --------------------------------------------------------------------------------

    def trigger_day(self, day: dt.date, *, calendar: WorkCalendar) -> dt.date:
        """The day the due date counts from: the event's day; for a periodic duty the first day
        of ``day``'s period, or for a schedule such as 每年1月31日前 the day before the period's
        own date (so that the previous period's date, rolled past the period's start, is not
        taken for this one's).

        A schedule with no date in the period (``every week on the last working day`` in a week
        of holidays) owes nothing for it: :class:`~govops.exceptions.DutyError`.
        """
        if self._period is None:
            return day
        period = period_of(day, self._period)
        trigger = self.period_trigger(period, calendar=calendar)
        if trigger is None:
            raise DutyError(
                f"duty {self.id!r} ({self.rule!r}) has no date in {period}, so nothing is owed "
                "for it"
            )
        return trigger

    def period_trigger(self, period: Period, *, calendar: WorkCalendar) -> dt.date | None:
        """:meth:`trigger_day` for ``period`` of a periodic duty; ``None`` when nothing is owed
        for it (a schedule with no date in the period)."""
        if not self._per_schedule:
            return period.start
        rule = self._parsed
        if rule.effective_roll is None:  # a working day of the period: never rolled out of it
            dates = rule.occurrences(period.start, period.end, calendar=calendar)
        else:
            nominal = attrs.evolve(rule, roll="none")
            dates = nominal.occurrences(period.start, period.end, calendar=calendar)
        return dates[0] - dt.timedelta(days=1) if dates else None

    @property
    def due_after_period(self) -> bool:
        """Whether the duty falls due after the period it is owed for (a report on the period,
        counted from its end) rather than within it."""
        body = self._parsed.body
        if not isinstance(body, PeriodDeadline) or not isinstance(body.selector, Edge):
            return False
        return body.selector.edge == "end" and not body.selector.before

    def period_of(self, day: dt.date) -> Period:
        """The period of a periodic duty that contains ``day``."""
        if self._period is None:
            raise DutyError(f"duty {self.id!r} is owed per {self.trigger!r}, not per period")
        return period_of(day, self._period)

    def due(self, day: dt.date, *, calendar: WorkCalendar) -> dt.date:
        """The last day to discharge the duty: for the period containing ``day``, or for an event
        on ``day``."""
        return self._parsed.due(self.trigger_day(day, calendar=calendar), calendar=calendar)

    def explain(
        self, day: dt.date, *, calendar: WorkCalendar, lang: Lang | None = None
    ) -> Explanation:
        """How :meth:`due` is reached; a named term is shown with the reading the policy set.

        >>> import datetime as dt, govops
        >>> from govops.duties import TRIP_SUMMARY
        >>> print(TRIP_SUMMARY.explain(dt.date(2026, 9, 30), calendar=govops.calendar("CN"), lang="en"))
        Rule: within 5 working days
          1. "及时" (promptly) is a named term: this policy reads it as "within 5 working days" ...
          2. trigger: 2026-09-30 (Wed); the trigger day itself is not counted (Civil Code §201)
        ...
          12. due: 2026-10-13 (Tue), by 24:00 local time (Civil Code §203)
        """
        trigger = self.trigger_day(day, calendar=calendar)
        exp = self._parsed.explain(trigger, calendar=calendar, lang=lang)
        term = self.term
        if term is None:
            return exp
        read = self._parsed.to_text("en"), self._parsed.to_text("zh")
        gloss = f" ({term.gloss})" if term.gloss else ""
        why_en = f" ({term.note})" if term.note else ""
        step = Step(
            "convention",
            None,
            en=f'"{term.word}"{gloss} is a named term: this policy reads it as "{read[0]}"'
            f"{why_en}; source: {self.source}",
            zh=f"“{term.word}”是政策设定期限的用语：本政策将其定为“{read[1]}”；出处：{self.source}",
        )
        return attrs.evolve(exp, steps=(step, *exp.steps))

    def __str__(self) -> str:
        when = f"per {self._period.value}" if self._period else f"on each {self.trigger}"
        return f"{self.id}: {self.owed_by} → {self.owed_to}: {self.title} ({self.rule}, {when}; {self.source})"


def _periodic(duty_id: str, text: str, rule: Rule) -> tuple[Rule, PeriodKind, bool]:
    """The rule of a periodic duty as a period deadline, its period, and whether it is a schedule
    counted per period from its date in the period (rather than a deadline of the period).

    A schedule anchored on a period edge (每季度末后两天, 每月底前) is one deadline per period; a
    duty's dates are deadlines, so it rolls as a deadline does (forward), whatever the schedule's
    own default would be.
    """
    body = rule.body
    if isinstance(body, PeriodDeadline):
        return rule, PeriodKind(body.period), False
    if isinstance(body, Schedule) and body.every == 1 and body.frequency not in ("day", "holiday"):
        selector = body.selector
        if (
            isinstance(selector, (Edge, NthWorkingDay))
            and not body.months
            and body.frequency != "week"
        ):
            roll = rule.roll if rule.roll in ("following", "preceding", "none") else None
            try:
                as_deadline = Rule(
                    PeriodDeadline(cast("_PeriodName", body.frequency), selector),
                    roll=roll,
                    action=rule.action,
                    action_word=rule.action_word,
                    time=rule.time,
                    lang=rule.lang,
                )
            except ValueError as exc:  # pragma: no cover - every edge schedule has a deadline
                raise DutyError(f"duty {duty_id!r}: {exc}") from exc
            return as_deadline, PeriodKind(body.frequency), False
        if not body.months:
            return rule, PeriodKind(body.frequency), True
        if (body.frequency == "month" and len(body.months) == 1) or body.frequency == "year":
            return rule, PeriodKind.YEAR, True
    if _in_chinese(text):
        raise DutyError(
            f"定期义务每期须有一个期限；{text!r}不是（义务{duty_id!r}）：请写如“季度末后两天”、"
            "“每月底前报送”或“每年1月31日前报送”；由事件引起的义务请给出 trigger="
        )
    raise DutyError(
        f"a periodic duty needs one deadline per period; {text!r} is not one (duty "
        f"{duty_id!r}): write e.g. 'at quarter-end plus 2 days' or 'by the end of each month', "
        "or give trigger= for a duty owed on an event"
    )
