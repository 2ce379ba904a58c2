"""What a scenario is made of: a calendar, named rules, units, tasks, duties and policies.

A :class:`Scenario` is a value. A reform is a new scenario that differs in one rule or policy
(:meth:`Scenario.with_rule`, :meth:`Scenario.evolve`); simulating both with the same seed gives
the same draws to the same units and tasks (common random numbers), so every difference between
the two results comes from the reform and none from chance.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from typing import Any, Literal, final

import attrs

from .._checks import check_number, to_float
from ..assessment import ScoringRules
from ..calendars import WorkCalendar
from ..duties import Duty as LedgerDuty
from ..escalation import Directory, EscalationPolicy
from ..exceptions import InvalidInputError, InvalidTypeError, ScenarioError
from ..meetings import MeetingType
from ..rules import Counting, Rule, parse_rule
from ..tasks import Category, Task, Unit, WarningPolicy

__all__ = ["Duty", "ProgressModel", "Scenario"]


def _text(name: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            raise InvalidInputError(f"{name}={value!r}; expected a non-empty str")

    return check


def _finite(lo: float, hi: float) -> Any:
    def check(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
        check_number(value, attribute.name)
        if not lo <= value <= hi:
            raise InvalidInputError(
                f"{attribute.name}={value!r}; expected a number from {lo} to {hi}"
            )

    return check


def _to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@final
@attrs.frozen
class ProgressModel:
    """How the simulated units work: planned curves, or seeded random variation around them.

    Each task needs some working days of work: its planned duration (start to due) times a pace
    factor, or for a :class:`Duty` its ``effort``. The factor is ``pace`` times a draw per unit
    (``unit_spread``, the sigma of a log-normal: some units are slower than others) times a draw per
    task (``task_spread``). Reports carry ``report_noise`` points of noise (never going backwards).
    ``catch_up``: the share of the remaining work a unit makes up when it receives a notice
    (催办 works, a little). With every spread 0 the units follow their plans exactly.

    Draws are made from ``random.Random`` seeded with the seed and the unit or task id, so they do
    not depend on the order or number of other tasks, and a reform sees the same draws.
    """

    seed: int = attrs.field(default=0, kw_only=True)
    pace: float = attrs.field(
        default=1.0, kw_only=True, converter=to_float, validator=_finite(0.05, 20)
    )
    unit_spread: float = attrs.field(
        default=0.0, kw_only=True, converter=to_float, validator=_finite(0, 3)
    )
    task_spread: float = attrs.field(
        default=0.0, kw_only=True, converter=to_float, validator=_finite(0, 3)
    )
    report_noise: float = attrs.field(
        default=0.0, kw_only=True, converter=to_float, validator=_finite(0, 50)
    )
    catch_up: float = attrs.field(
        default=0.0, kw_only=True, converter=to_float, validator=_finite(0, 1)
    )

    def __attrs_post_init__(self) -> None:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise InvalidTypeError(f"seed={self.seed!r}; expected an int")

    @classmethod
    def planned(cls) -> ProgressModel:
        """Every unit works exactly to plan."""
        return cls()


RULE_MARK = "rule:"
"""How a duty's ``deadline`` names a rule of the scenario: ``"rule:quarterly_report"``."""
TEXT_MARK = "text:"
"""How a duty's ``deadline`` says it is rule text: ``"text:within 5 days"``."""


def _unknown_rule(value: str, name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean '{RULE_MARK}{close[0]}'?" if close else f"; rules: {names!r}"
    return f"{value!r} names no rule of the scenario{hint}"


@final
@attrs.frozen
class Duty:
    """A recurring obligation of units, e.g. the quarterly report (季度报告).

    On every date of the schedule ``every`` (rule text such as ``"every quarter on the last working
    day"``, or ``"meeting:<key>"`` for each sitting of a meeting of the scenario), each unit in
    ``units`` (all units of the scenario when empty) gets a task due by ``deadline``: rule text
    (``"at quarter-end plus 2 days"``, or ``"text:<rule text>"`` to say so) or, written
    ``"rule:<name>"``, a rule of the scenario's ``rules``. ``effort`` is the working days of work
    it usually takes; the progress model varies it by unit and by task.

    A bare name (``deadline="quarterly_report"``, as older scenarios write it) still names the rule
    when it cannot be read as rule text; a word that could be either, or that is close to a rule's
    name, is refused with the explicit spellings, so that a typo never becomes a different rule.
    """

    id: str = attrs.field(validator=_text("id"))
    title: str = attrs.field(validator=_text("title"))
    deadline: str = attrs.field(kw_only=True, validator=_text("deadline"))
    every: str = attrs.field(kw_only=True, validator=_text("every"))
    units: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_to_tuple)
    effort: float = attrs.field(
        default=1.0, kw_only=True, converter=to_float, validator=_finite(0.0, 10_000)
    )
    category: Category = attrs.field(default=Category.ANNUAL_PLAN, kw_only=True, converter=Category)

    @classmethod
    def from_duty(cls, duty: LedgerDuty, *, effort: float = 1.0) -> Duty:
        """The scenario form of a periodic :class:`govops.duties.Duty` bound to its units.

        Each unit's task is assigned on the last working day of the period when the duty falls due
        after it (a report on the period), else on the first, and is due by the duty's rule.

        >>> from govops.duties import QUARTERLY_PROGRESS_REPORT
        >>> from govops.tasks import Unit
        >>> d = Duty.from_duty(QUARTERLY_PROGRESS_REPORT.owed_by_units(Unit("economy", "经发办")))
        >>> d.every, d.deadline, d.units
        ('every quarter on the last working day', '季度末后2日报送', ('economy',))
        """
        if not isinstance(duty, LedgerDuty):
            raise InvalidTypeError(f"duty={duty!r}; expected a govops.duties.Duty")
        if duty.period is None:
            raise ScenarioError(
                f"duty {duty.id!r} is owed on each {duty.trigger!r}; a scenario simulates "
                "periodic duties (or meeting-triggered ones, every='meeting:<key>')"
            )
        rule = duty.read_rule()
        first = not duty.due_after_period
        return cls(
            duty.id,
            duty.title,
            deadline=rule.to_text(rule.lang),
            every=f"every {duty.period.value.replace('_', '-')} on the "
            f"{'first' if first else 'last'} working day",
            units=tuple(o.lead_unit.id for o in duty.owers),
            effort=effort,
            category=duty.category,
        )

    @property
    def meeting_key(self) -> str | None:
        """The meeting whose sittings trigger the duty, if ``every`` names one."""
        return self.every.removeprefix("meeting:") if self.every.startswith("meeting:") else None


def _rules(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    out = []
    for name, text in items:
        if not isinstance(name, str) or not isinstance(text, str):
            raise InvalidTypeError(f"rules has {name!r}: {text!r}; expected names and rule texts")
        out.append((name, text))
    return tuple(sorted(out))


def _tuple_of(kind: type, name: str) -> Any:
    def check(_instance: object, _attribute: object, value: tuple[object, ...]) -> None:
        for item in value:
            if not isinstance(item, kind):
                raise InvalidTypeError(
                    f"{name} contains {item!r}, a {type(item).__name__}; expected {kind.__name__}"
                )

    return check


@final
@attrs.frozen
class Scenario:
    """Everything a simulation needs, as one value.

    ``rules`` names the rule texts duties refer to (the knobs of a what-if); ``reporting`` is the
    schedule of progress reports (``None``: units report only when they finish); ``supervision`` the
    schedule on which the escalation policy is run; ``assessment`` the period of the bulletins.
    ``approve_notices``: leaders grant the notices that need approval (督办单) the day they are
    proposed, so they go out at the next supervision. ``counting`` is the counting context of the
    documents the scenario models (:class:`govops.rules.Counting`): every rule text of the
    scenario, its duties' deadlines and schedules, is read in it (``None``: a bare 日 counts
    calendar days).
    """

    name: str = attrs.field(validator=_text("name"))
    calendar: WorkCalendar = attrs.field(kw_only=True)
    units: tuple[Unit, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_tuple, validator=_tuple_of(Unit, "units")
    )
    tasks: tuple[Task, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_tuple, validator=_tuple_of(Task, "tasks")
    )
    duties: tuple[Duty, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_tuple, validator=_tuple_of(Duty, "duties")
    )
    rules: tuple[tuple[str, str], ...] = attrs.field(default=(), kw_only=True, converter=_rules)
    meetings: tuple[MeetingType, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_tuple, validator=_tuple_of(MeetingType, "meetings")
    )
    progress: ProgressModel = attrs.field(factory=ProgressModel, kw_only=True)
    warnings: WarningPolicy = attrs.field(factory=WarningPolicy, kw_only=True)
    escalation: EscalationPolicy | None = attrs.field(default=None, kw_only=True)
    directory: Directory = attrs.field(factory=Directory, kw_only=True)
    scoring: ScoringRules | None = attrs.field(default=None, kw_only=True)
    assessment: Literal["month", "quarter", "half_year", "year"] = attrs.field(
        default="quarter", kw_only=True
    )
    reporting: str | None = attrs.field(default=None, kw_only=True)
    supervision: str = attrs.field(default="every working day", kw_only=True)
    approve_notices: bool = attrs.field(default=True, kw_only=True)
    description: str = attrs.field(default="", kw_only=True)
    counting: Counting | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.calendar, WorkCalendar):
            raise InvalidTypeError(f"calendar={self.calendar!r}; expected a WorkCalendar")
        if self.counting is not None and not isinstance(self.counting, Counting):
            raise InvalidTypeError(
                f"counting={self.counting!r}; expected a govops.rules.Counting or None"
            )
        if self.assessment not in ("month", "quarter", "half_year", "year"):
            raise InvalidInputError(
                f"assessment={self.assessment!r}; expected 'month', 'quarter', 'half_year' or 'year'"
            )
        ids = [u.id for u in self.units]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ScenarioError(f"unit ids must be unique; repeated: {repeated!r}")
        task_ids = [t.id for t in self.tasks]
        repeated = sorted({i for i in task_ids if task_ids.count(i) > 1})
        if repeated:
            raise ScenarioError(f"task ids must be unique; repeated: {repeated!r}")
        duty_ids = [d.id for d in self.duties]
        repeated = sorted({i for i in duty_ids if duty_ids.count(i) > 1})
        if repeated:
            raise ScenarioError(f"duty ids must be unique; repeated: {repeated!r}")
        known = set(ids)
        meeting_keys = {m.key for m in self.meetings}
        for duty in self.duties:
            missing = sorted(set(duty.units) - known)
            if missing:
                raise ScenarioError(
                    f"duty {duty.id!r} names units {missing!r} that are not in the scenario"
                )
            key = duty.meeting_key
            if key is not None and key not in meeting_keys:
                raise ScenarioError(
                    f"duty {duty.id!r} is triggered by meeting {key!r}, which is not in the "
                    f"scenario; meetings: {sorted(meeting_keys)!r}"
                )
        # Every rule text must read now, not halfway through a simulation.
        for name, text in self.rules:
            self._check(text, f"rules[{name!r}]")
        for duty in self.duties:
            self._deadline(duty)
            if (
                duty.meeting_key is None
                and not self._check(duty.every, f"duty {duty.id!r} every").is_schedule
            ):
                raise ScenarioError(
                    f"duty {duty.id!r}: every={duty.every!r} is a deadline, not a schedule; "
                    "write e.g. 'every quarter on the last working day'"
                )
        for name, schedule in (("reporting", self.reporting), ("supervision", self.supervision)):
            if schedule is not None and not self._check(schedule, name).is_schedule:
                raise ScenarioError(f"{name}={schedule!r} is not a schedule (e.g. 'every Monday')")

    # -- reading ---------------------------------------------------------------------------------

    def rule_text(self, name_or_text: str) -> str:
        """The rule text a duty's ``deadline`` stands for: the text of ``"rule:<name>"`` (or of a
        bare rule name), the text after ``"text:"``, else ``name_or_text`` itself.

        >>> from govops.calendars import calendar
        >>> s = Scenario("季报", calendar=calendar("CN"), rules={"qr": "at quarter-end plus 2 days"})
        >>> s.rule_text("rule:qr"), s.rule_text("text:within 5 days"), s.rule_text("qr")
        ('at quarter-end plus 2 days', 'within 5 days', 'at quarter-end plus 2 days')
        """
        rules = dict(self.rules)
        if name_or_text.startswith(RULE_MARK):
            name = name_or_text.removeprefix(RULE_MARK).strip()
            if name not in rules:
                raise ScenarioError(_unknown_rule(name_or_text, name, sorted(rules)))
            return rules[name]
        if name_or_text.startswith(TEXT_MARK):
            return name_or_text.removeprefix(TEXT_MARK).strip()
        return rules.get(name_or_text, name_or_text)

    def _deadline(self, duty: Duty) -> Rule:
        """The deadline rule of ``duty``, refusing a word that could name a rule or be mistyped
        for one, and a schedule."""
        value = duty.deadline
        where = f"duty {duty.id!r} deadline={value!r}"
        names = sorted(name for name, _ in self.rules)
        if not value.startswith((RULE_MARK, TEXT_MARK)):
            reads_as: Rule | None
            try:
                reads_as = self.read_rule(value)
            except ValueError:
                reads_as = None
            if value in names and reads_as is not None:
                raise ScenarioError(
                    f"{where} is both the name of a rule and rule text ({reads_as.to_text()!r}); "
                    f"write '{RULE_MARK}{value}' for the named rule or '{TEXT_MARK}{value}' for "
                    "the text"
                )
            close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
            if value not in names and close:
                read = f"it reads as {reads_as.to_text()!r}" if reads_as else "it is no rule text"
                raise ScenarioError(
                    f"{where} is not a rule name ({read}); did you mean "
                    f"'{RULE_MARK}{close[0]}'? Write '{TEXT_MARK}{value}' if the text is meant"
                )
        try:
            text = self.rule_text(value)
        except ScenarioError as exc:
            raise ScenarioError(f"duty {duty.id!r} deadline: {exc}") from None
        rule = self._check(text, f"duty {duty.id!r} deadline")
        if rule.is_schedule:
            raise ScenarioError(
                f"{where} is a schedule ({rule.to_text()!r}), not a deadline; a duty's task is "
                "due once, e.g. 'at quarter-end plus 2 days'"
            )
        return rule

    def read_rule(self, text: str) -> Rule:
        """``text`` read as a rule in the scenario's ``counting`` context.

        >>> from govops.calendars import calendar
        >>> from govops.rules import ADMINISTRATIVE_LICENSING
        >>> s = Scenario("许可", calendar=calendar("CN"), counting=ADMINISTRATIVE_LICENSING)
        >>> s.read_rule("二十日内作出决定").to_text("zh")
        '20个工作日内作出决定（依行政许可法第八十二条，期限以工作日计算）'
        """
        return parse_rule(text, days=self.counting or "calendar")

    def _check(self, text: str, where: str) -> Rule:
        try:
            return self.read_rule(text)
        except ValueError as exc:
            raise ScenarioError(f"{where}: {exc}") from exc

    def all_units(self) -> tuple[Unit, ...]:
        """The scenario's units, then every lead or cooperating unit its tasks add, in order."""
        seen = {u.id: u for u in self.units}
        for task in self.tasks:
            r = task.responsibility
            for unit in (r.lead_unit, *(c.unit for c in r.cooperating)):
                seen.setdefault(unit.id, unit)
        return tuple(seen.values())

    # -- reforms ---------------------------------------------------------------------------------

    def with_rule(self, name: str, text: str) -> Scenario:
        """The same scenario with the named rule read differently (a reform of one rule)."""
        rules = dict(self.rules)
        if name not in rules:
            raise ScenarioError(
                f"scenario {self.name!r} has no rule {name!r}; rules: {sorted(rules)!r}"
            )
        rules[name] = text
        return attrs.evolve(self, rules=rules)

    def evolve(self, **changes: Any) -> Scenario:
        """The same scenario with ``changes`` (any field: ``escalation=``, ``progress=``, …)."""
        return attrs.evolve(self, **changes)


def local_time(calendar: WorkCalendar, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime at ``hour:minute`` local time of the calendar on ``day``."""
    from zoneinfo import ZoneInfo

    return dt.datetime(
        day.year,
        day.month,
        day.day,
        hour,
        minute,
        tzinfo=ZoneInfo(calendar.timezone or "Asia/Shanghai"),
    )
