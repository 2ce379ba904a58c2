"""The rule AST: frozen values that say what a rule means, whatever language it was written in.

Every node validates itself on construction and raises :class:`~govops.RuleError` naming the bad
value and what to write instead, so a node that exists is a node that can be evaluated. A few
spellings that mean the same thing are folded into one form here (``every week`` is ``every Monday``,
``every month on the 1st`` is ``every month``, ``every year on Jan 1`` is ``every year``), so that
equal meaning gives equal nodes.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
import re
import unicodedata
from typing import Literal, final

import attrs

from ..exceptions import RuleError

__all__ = [
    "AroundHoliday",
    "BilingualRuleError",
    "Body",
    "ByDate",
    "Count",
    "Edge",
    "MonthDay",
    "NextMonthDay",
    "NextYearDate",
    "NthWeekday",
    "NthWorkingDay",
    "PeriodDeadline",
    "Relative",
    "Schedule",
    "Selector",
    "Several",
    "TimeOfDay",
    "Weekday",
    "WorkingDays",
    "YearDate",
    "message_in",
    "rule_error",
]

Unit = Literal["day", "working_day", "week", "month", "year"]
Event = Literal[
    "meeting", "formation", "receipt", "assignment", "decision", "acceptance", "service", "expiry"
]
PeriodName = Literal["xun", "month", "quarter", "half_year", "year"]
Frequency = Literal["day", "week", "xun", "month", "quarter", "half_year", "year", "holiday"]
RollName = Literal[
    "following", "preceding", "modified_following", "none", "skip", "preceding_in_week"
]
Action = Literal["report", "submit", "hold", "publish", "complete", "reply"]

UNITS: tuple[Unit, ...] = ("day", "working_day", "week", "month", "year")
EVENTS: tuple[Event, ...] = (
    "meeting",
    "formation",
    "receipt",
    "assignment",
    "decision",
    "acceptance",
    "service",
    # The end of the period an extension extends (可以延长十日, "may be extended by 10 days").
    "expiry",
)
# 旬 (xun): the ten-day thirds of a month, 1–10 (上旬), 11–20 (中旬) and 21 to the month's end (下旬).
PERIODS: tuple[PeriodName, ...] = ("xun", "month", "quarter", "half_year", "year")
FREQUENCIES: tuple[Frequency, ...] = (
    "day",
    "week",
    "xun",
    "month",
    "quarter",
    "half_year",
    "year",
    "holiday",
)
# ``preceding_in_week`` keeps a weekly sitting in its own week (遇节假日本周内提前): the previous
# working day of the same week, else the next one of the same week, else no sitting that week.
ROLLS: tuple[RollName, ...] = (
    "following",
    "preceding",
    "modified_following",
    "none",
    "skip",
    "preceding_in_week",
)
ACTIONS: tuple[Action, ...] = ("report", "submit", "hold", "publish", "complete", "reply")

# Months per month-based period; a period starts in a month m with (m - 1) % size == 0. Weeks and
# xun are not month-based and are handled on their own.
MONTHS_PER: dict[str, int] = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
MAX_COUNT = 9999
MAX_EVENT = 60
MAX_EVERY = 52
_FREQ_ZH = {
    "holiday": "节假日",
    "day": "日",
    "week": "周",
    "xun": "旬",
    "month": "月",
    "quarter": "季度",
    "half_year": "半年",
    "year": "年",
}


class BilingualRuleError(RuleError):
    """A :class:`~govops.RuleError` that also carries its message in Chinese, so that an error
    about Chinese rule text can be reported in Chinese (the parser picks the language)."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh


def rule_error(en: str, zh: str) -> RuleError:
    """A rule error with its message in both languages (see :class:`BilingualRuleError`)."""
    return BilingualRuleError(en, zh)


def message_in(error: RuleError, lang: str) -> str:
    """The message of ``error`` in ``lang`` where it has one, else in English."""
    if lang == "zh" and isinstance(error, BilingualRuleError):
        return error.zh
    return str(error)


# What an event's name cannot be, whatever its spelling: a day the rule language reads itself (the
# edge of a period, "the end of June", 季度末; a position, 第5个工作日; a schedule, 每月; a
# holiday, 节后), which as a name would pass for that day without being counted as one.
_NOT_AN_EVENT = re.compile(
    r"^(the\s+)?(end|start|beginning)\s+of\b|^[a-z]+[- ](end|start)\b"
    r"|(年度|季度|月度|半年|年|季|月|旬)(终了|结束|届满|期满|末|底|初)"
    r"|^[每当本之〇零一二两三四五六七八九十百千廿0-9]"
    r"|^第[〇零一二两三四五六七八九十百千廿0-9]+个?(工作日|星期|礼拜|周|月|季|年|旬|日|天)"
    r"|^(上|下|首|末|次)?个?(年度|季度|月度|半年|年|季|月|旬|周)(后|以后|之后)"
    r"|^(节假日|节日|节|假期|假日|休息日|放假)(前|后|以后|之后|结束)",
    re.IGNORECASE,
)


def _check_event(event: object) -> None:
    # Any short name of letters, digits and spaces (a list of events joined by 、 too): the
    # canonical text writes a name that would not read back bare in quotes (see _text.py).
    if event in EVENTS:
        return
    if (
        type(event) is not str
        or not event.strip()
        or event != " ".join(event.split())
        or len(event) > MAX_EVENT
        or not all(c.isalnum() or c in " 、" for c in event)
        or event.startswith("、")
        or event.endswith("、")
        or not unicodedata.is_normalized("NFKC", event)
        or _NOT_AN_EVENT.search(event)
    ):
        raise rule_error(
            f"event={event!r} is not an event name: write one of {', '.join(EVENTS)} or a short "
            f"name of letters, digits and spaces (at most {MAX_EVENT} characters)",
            f"事件名{event!r}无效：应为由文字、数字组成的简短名称（至多{MAX_EVENT}个字符）",
        )


def _one_of(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise RuleError(f"{name}={value!r} is not one of {', '.join(map(repr, allowed))}")


def _int_in(name: str, value: object, lo: int, hi: int, hint: str = "") -> None:
    if type(value) is not int or not lo <= value <= hi:
        raise rule_error(
            f"{name}={value!r} must be a whole number from {lo} to {hi}{hint}",
            f"{value!r}超出范围：应为{lo}至{hi}的整数",
        )


@final
@attrs.frozen
class Count:
    """``n`` units: 2 days (两日), 20 working days (20个工作日), 1 month (一个月)."""

    n: int
    unit: Unit
    # Derived, not part of equality: the length of a day or week count as a timedelta, made once
    # so that evaluation adds it without building one per call (None for the other units).
    _delta: dt.timedelta | None = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _one_of("unit", self.unit, UNITS)
        if type(self.n) is int and self.n < 1:
            raise rule_error(
                f"a period of {self.n!r} {self.unit.replace('_', ' ')}s means nothing; "
                "write at least 1 (e.g. 'within 1 day'), or 'by YYYY-MM-DD' for a fixed date",
                f"期限为{self.n!r}没有意义；至少写1（如“1日内”），固定日期写“2027年3月31日前”",
            )
        _int_in("n", self.n, 1, MAX_COUNT)
        days = 1 if self.unit == "day" else 7 if self.unit == "week" else 0
        object.__setattr__(self, "_delta", dt.timedelta(days=self.n * days) if days else None)

    @property
    def is_working(self) -> bool:
        """Whether the count is in working days (so the result needs no roll)."""
        return self.unit == "working_day"


@final
@attrs.frozen
class Relative:
    """A deadline counted from the trigger: ``within 2 days`` / ``3 working days before``.

    ``before=False`` counts forward (the trigger day itself is not counted, 民法典 §201);
    ``before=True`` counts backwards from the trigger (会前三个工作日). ``event`` names the
    trigger's event: one of :data:`EVENTS` where the language knows it in both languages
    (``"receipt"`` is 收到), else its name as the document writes it (``"批复下达"``,
    ``"service of the notice"``). The name never changes a date: the trigger is that event's day.
    """

    count: Count
    before: bool = attrs.field(default=False, kw_only=True)
    event: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.event is not None:
            _check_event(self.event)


@final
@attrs.frozen
class ByDate:
    """A fixed deadline: ``by 2026-06-30`` (2026年6月30日前)."""

    date: dt.date

    def __attrs_post_init__(self) -> None:
        if type(self.date) is not dt.date:
            raise RuleError(f"date={self.date!r} must be a datetime.date")


@final
@attrs.frozen
class NextMonthDay:
    """``by the 5th of next month`` (次月5日前); day 29–31 clamps to a short month's last day."""

    day: int

    def __attrs_post_init__(self) -> None:
        _int_in("day", self.day, 1, 31, " (a day of the month)")


@final
@attrs.frozen
class NextYearDate:
    """``by March 31 of the following year`` (次年3月31日前): a date of the year after the
    trigger's, as tax law sets annual filings; Feb 29 is Feb 28 in a year without one."""

    month: int
    day: int

    def __attrs_post_init__(self) -> None:
        YearDate(self.month, self.day)  # the same check: a day the month can have


@final
@attrs.frozen
class Edge:
    """The start or end of a period, optionally moved by a count (``quarter-end plus 2 days``)."""

    edge: Literal["start", "end"]
    offset: Count | None = attrs.field(default=None, kw_only=True)
    before: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        _one_of("edge", self.edge, ("start", "end"))
        if self.offset is None and self.before:
            raise RuleError("before=True needs an offset (e.g. '3 working days before month-end')")


@final
@attrs.frozen
class NthWorkingDay:
    """The n-th working day of a period (1-based); ``-1`` is the last one, ``-3`` the last but two
    (倒数第三个工作日)."""

    n: int

    def __attrs_post_init__(self) -> None:
        if type(self.n) is not int or self.n == 0 or not -250 <= self.n <= 250:
            raise rule_error(
                f"n={self.n!r} must be a whole number from 1 to 250, or from -1 (the last working "
                "day) to -250",
                f"第{self.n!r}个工作日不存在；应为第1至第250个，或倒数第1至第250个",
            )


@final
@attrs.frozen
class Weekday:
    """A weekday of a week schedule: 0 is Monday (周一), 6 is Sunday (周日)."""

    weekday: int

    def __attrs_post_init__(self) -> None:
        _int_in("weekday", self.weekday, 0, 6, " (0 is Monday)")


@final
@attrs.frozen
class MonthDay:
    """A day of the month; 29–31 become the last day of a shorter month (民法典 §202)."""

    day: int

    def __attrs_post_init__(self) -> None:
        _int_in("day", self.day, 1, 31, " (a day of the month)")


@final
@attrs.frozen
class YearDate:
    """A date of the year: ``every year on Mar 31`` (每年3月31日); Feb 29 is Feb 28 in other years."""

    month: int
    day: int

    def __attrs_post_init__(self) -> None:
        _int_in("month", self.month, 1, 12)
        last = _stdcal.monthrange(2024, self.month)[1] if type(self.month) is int else 31
        if type(self.day) is not int or not 1 <= self.day <= last:
            raise rule_error(
                f"month {self.month}, day {self.day!r} does not exist; "
                f"month {self.month} has at most {last} days",
                f"{self.month}月{self.day}日不存在；{self.month}月至多{last}日",
            )


@final
@attrs.frozen
class NthWeekday:
    """The n-th given weekday of a month: ``the second Wednesday`` (第二个星期三) is
    ``NthWeekday(2, 2)``; ``n=-1`` is the last one. A month without a fifth one has no date."""

    n: int
    weekday: int

    def __attrs_post_init__(self) -> None:
        if type(self.n) is not int or self.n == 0 or not -5 <= self.n <= 5:
            raise rule_error(
                f"n={self.n!r} must be 1 to 5, or -1 to -5 counted from the month's end",
                f"第{self.n!r}个星期几不存在；应为第1至第5个，或倒数第1至第5个",
            )
        _int_in("weekday", self.weekday, 0, 6, " (0 is Monday)")


def _option_key(option: Weekday | MonthDay | YearDate) -> tuple[int, int]:
    if isinstance(option, Weekday):
        return (0, option.weekday)
    if isinstance(option, MonthDay):
        return (0, option.day)
    return (option.month, option.day)


def _sorted_options(options: object) -> tuple[Weekday | MonthDay | YearDate, ...]:
    if not isinstance(options, (tuple, list)):
        raise RuleError(f"options={options!r} must be a tuple of days")
    values: tuple[Weekday | MonthDay | YearDate, ...] = tuple(options)
    kinds = {type(v) for v in values}
    if len(kinds) != 1 or not kinds <= {Weekday, MonthDay, YearDate}:
        raise RuleError(
            f"options={values!r} must be weekdays, days of the month or dates of the year, "
            "all of one kind"
        )
    return tuple(sorted(set(values), key=_option_key))


@final
@attrs.frozen
class Several:
    """Several days of each period: ``every Wednesday and Friday`` (每周三、周五),
    ``every month on the 8th, 18th and 28th`` (每月8日、18日和28日). Each is its own occurrence."""

    options: tuple[Weekday | MonthDay | YearDate, ...] = attrs.field(converter=_sorted_options)

    def __attrs_post_init__(self) -> None:
        if len(self.options) < 2:
            raise rule_error(
                f"options={self.options!r}: a list needs at least two different days",
                "列举的日子至少要有两个不同的日子",
            )


@final
@attrs.frozen
class TimeOfDay:
    """The time of day a date is due by: ``17:30前`` is ``TimeOfDay(dt.time(17, 30))``; the default,
    ``clock=None``, is the close of business (下班前, ``by close of business``), whose time the
    calendar's office hours give (:meth:`Rule.due_at`)."""

    clock: dt.time | None = None

    def __attrs_post_init__(self) -> None:
        if self.clock is not None and (
            type(self.clock) is not dt.time or self.clock.tzinfo is not None
        ):
            raise RuleError(f"clock={self.clock!r} must be a datetime.time without a time zone")


@final
@attrs.frozen
class AroundHoliday:
    """A working day next to each holiday block, in ``Schedule("holiday", ...)``: the n-th working
    day after it (节后第二个工作日, ``the second working day after each holiday``) or, with
    ``before=True``, the n-th working day before it (节前最后一个工作日 is ``n=1``).

    A holiday block is a run of rest days holding at least one statutory holiday (the Spring
    Festival week with its weekends and days off in lieu), as the calendar gives it.
    """

    n: int
    before: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        _int_in("n", self.n, 1, 30, " (working days from the holiday)")
        if type(self.before) is not bool:
            raise RuleError(f"before={self.before!r} must be True or False")


@final
@attrs.frozen
class WorkingDays:
    """Every working day (每个工作日)."""


Selector = (
    Edge
    | NthWorkingDay
    | NthWeekday
    | Weekday
    | MonthDay
    | YearDate
    | WorkingDays
    | Several
    | AroundHoliday
)


@final
@attrs.frozen
class PeriodDeadline:
    """A deadline in the trigger's own period: ``by month-end``, ``at quarter-end plus 2 days``."""

    period: PeriodName
    selector: Edge | NthWorkingDay

    def __attrs_post_init__(self) -> None:
        _one_of("period", self.period, PERIODS)
        if not isinstance(self.selector, (Edge, NthWorkingDay)):
            raise RuleError(
                f"selector={self.selector!r}: a period deadline is an edge or an n-th working day"
            )


def _normalize_months(months: object) -> frozenset[int]:
    result = frozenset(months)  # type: ignore[call-overload]
    for m in result:
        _int_in("month", m, 1, 12)
    return frozenset() if len(result) == 12 else result


def _schedule_selector(frequency: str, selector: Selector) -> Selector:
    # Fold spellings with one meaning into one node (see the module docstring).
    if frequency == "week" and isinstance(selector, Edge) and selector.offset is None:
        return Weekday(0 if selector.edge == "start" else 6)
    if frequency == "month" and selector == MonthDay(1):
        return Edge("start")
    return selector


_ALLOWED: dict[str, tuple[type, ...]] = {
    "day": (WorkingDays,),
    "holiday": (AroundHoliday,),
    "week": (Weekday, NthWorkingDay, Several),
    "xun": (Edge, NthWorkingDay),
    "month": (Edge, NthWorkingDay, MonthDay, NthWeekday, Several),
    "quarter": (Edge, NthWorkingDay),
    "half_year": (Edge, NthWorkingDay),
    "year": (Edge, NthWorkingDay, YearDate, Several),
}
# Which kind of day a list may hold in each kind of schedule.
_SEVERAL_OF: dict[str, type] = {"week": Weekday, "month": MonthDay, "year": YearDate}


@final
@attrs.frozen
class Schedule:
    """A recurrence: one date per period (``every Monday``, ``每月最后一个工作日``).

    ``months`` limits a month schedule to some months (``at the end of Feb, May, Aug and Nov``);
    empty means every month.

    ``deadline`` says the dates are deadlines (``by the 20th of each month``, 每月20日前报送)
    rather than events (``every month on the 20th``, 每月20日召开): a deadline on a rest day rolls
    forward to the next working day, as every deadline does (民法典 §203); an event rolls modified
    following, staying in its month (``docs/explanation/counting.md``). Where no roll can apply
    (a working day of the period, an offset in working days, an offset before the edge, which
    rolls back either way) the flag is folded to ``False``.

    ``every`` and ``phase`` make a week schedule skip weeks: ``every=2`` with a ``phase`` is
    every other week (隔周), counted from the week of ``phase`` (normalised to its Monday).
    """

    frequency: Frequency
    selector: Selector
    months: frozenset[int] = attrs.field(
        default=frozenset(), kw_only=True, converter=_normalize_months
    )
    deadline: bool = attrs.field(default=False, kw_only=True)
    every: int = attrs.field(default=1, kw_only=True)
    phase: dt.date | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        _one_of("frequency", self.frequency, FREQUENCIES)
        self._check_interval()
        selector = _schedule_selector(self.frequency, self.selector)
        if (
            self.frequency == "month"
            and len(self.months) == 1
            and (isinstance(selector, MonthDay) or selector == Edge("start"))
        ):
            # "in June on the 30th" is "every year on June 30" (and "in June on the 1st", which
            # folded to the start of the month above, "every year on June 1").
            (month,) = self.months
            first = 1 if isinstance(selector, Edge) else selector.day
            day = min(first, _stdcal.monthrange(2024, month)[1])
            object.__setattr__(self, "frequency", "year")
            object.__setattr__(self, "months", frozenset())
            selector = YearDate(month, day)
        if self.frequency == "year" and selector == YearDate(1, 1):
            selector = Edge("start")  # "every year on Jan 1" is "every year"
        object.__setattr__(self, "selector", selector)
        allowed = _ALLOWED[self.frequency]
        if not isinstance(selector, allowed):
            what_en = {
                Edge: "a period start or end",
                NthWorkingDay: "an n-th working day",
                Weekday: "a weekday",
                MonthDay: "a day of the month",
                YearDate: "a date of the year",
                WorkingDays: "every working day",
                NthWeekday: "an n-th weekday",
                AroundHoliday: "a working day next to a holiday",
                Several: "a list of days",
            }
            what_zh = {
                Edge: "期初或期末",
                NthWorkingDay: "第N个工作日",
                Weekday: "星期几",
                MonthDay: "每月某日",
                YearDate: "每年某月某日",
                WorkingDays: "每个工作日",
                NthWeekday: "第N个星期几",
                AroundHoliday: "节前节后的工作日",
                Several: "列举的几天",
            }
            raise rule_error(
                f"a {self.frequency.replace('_', '-')} schedule cannot fall on "
                f"{what_en[type(selector)]}; it takes "
                + " or ".join(what_en[t] for t in allowed)
                + " (e.g. 'every month on the 5th', 'every Monday', 'every year on Mar 31')",
                f"按{_FREQ_ZH[self.frequency]}的安排不能落在{what_zh[type(selector)]}；可取"
                + "或".join(what_zh[t] for t in allowed)
                + "（如“每月5日”“每周一”“每年3月31日”）",
            )
        if self.frequency == "week" and isinstance(selector, NthWorkingDay) and abs(selector.n) > 7:
            raise rule_error(
                f"a week has at most 7 working days; NthWorkingDay({selector.n}) never occurs",
                f"一周至多7个工作日，第{abs(selector.n)}个工作日不存在",
            )
        if isinstance(selector, Several) and type(selector.options[0]) is not _SEVERAL_OF.get(
            self.frequency
        ):
            raise rule_error(
                f"a {self.frequency.replace('_', '-')} schedule cannot list "
                f"{type(selector.options[0]).__name__} days",
                f"按{_FREQ_ZH[self.frequency]}的安排不能列举这类日子",
            )
        if self.months and self.frequency != "month":
            raise rule_error(
                f"months={sorted(self.months)} only applies to a month schedule "
                "(e.g. 'at the end of Feb, May, Aug and Nov')",
                "只有按月的安排才能列出月份（如“2月、5月、8月和11月底”）",
            )
        if type(self.deadline) is not bool:
            raise RuleError(f"deadline={self.deadline!r} must be True or False")
        if self.deadline and not _rolls(selector):
            object.__setattr__(self, "deadline", False)
        if self.deadline and self.every > 1:
            raise rule_error(
                "a schedule of deadlines every few weeks is not supported; write the weeks' "
                "day as an event ('every 2 weeks on Friday starting 2026-01-09')",
                "隔周的截止期限暂不支持；请写成定期安排，如“每2周周五(自2026年1月9日起)”",
            )

    def _check_interval(self) -> None:
        _int_in("every", self.every, 1, MAX_EVERY)
        if self.every == 1:
            if self.phase is not None:
                raise RuleError(f"phase={self.phase!r} only applies with every > 1")
            return
        if self.frequency != "week":
            raise rule_error(
                f"every={self.every} applies to week schedules; list the months instead "
                "(e.g. 'every 2 months starting January')",
                "间隔只适用于按周的安排；按月请列出月份（如“每2个月一次(自1月起)”）",
            )
        if self.phase is None:
            raise rule_error(
                f"every {self.every} weeks needs a phase — the week it starts in; write e.g. "
                f"'every {self.every} weeks on Monday starting 2026-01-05'",
                f"每{self.every}周须写明从哪一周开始，如“每{self.every}周周一(自2026年1月5日起)”",
            )
        if type(self.phase) is not dt.date:
            raise RuleError(f"phase={self.phase!r} must be a datetime.date")
        monday = self.phase - dt.timedelta(days=self.phase.weekday())
        object.__setattr__(self, "phase", monday)


def _rolls(selector: Selector) -> bool:
    """Whether a date of ``selector`` can fall on a rest day and roll forward (or not)."""
    if isinstance(selector, (NthWorkingDay, WorkingDays, AroundHoliday)):
        return False
    if isinstance(selector, Edge) and selector.offset is not None:
        return not (selector.offset.is_working or selector.before)
    return True


Body = Relative | ByDate | NextMonthDay | NextYearDate | PeriodDeadline | Schedule


def counts_working_days(body: Body) -> bool:
    """Whether a rule counts working days (so that how its text reads "日" mattered to it)."""
    if isinstance(body, Relative):
        return body.count.unit == "working_day"
    selector = getattr(body, "selector", None)
    return (
        isinstance(selector, Edge)
        and selector.offset is not None
        and selector.offset.unit == "working_day"
    )


def default_roll(body: Body) -> RollName | None:
    """The convention applied when the text names none; ``None`` when the date is always a
    working day already (so no roll applies and none may be asked for)."""
    if isinstance(body, Relative):
        if body.count.is_working:
            return None
        return "preceding" if body.before else "following"
    if isinstance(body, (ByDate, NextMonthDay, NextYearDate)):
        return "following"
    selector = body.selector
    if isinstance(selector, (NthWorkingDay, WorkingDays, AroundHoliday)):
        return None
    if isinstance(selector, Edge) and selector.offset is not None:
        if selector.offset.is_working:
            return None
        if selector.before:
            return "preceding"
    if isinstance(body, PeriodDeadline) or body.deadline:
        return "following"
    return "modified_following"
