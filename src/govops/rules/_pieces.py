"""The pieces the rule builder passes between grammar rules, and the checks that assemble them.

Offsets, selectors, lists of days and marker words travel up the parse tree as the small values
defined here; the functions turn them into rule nodes (:mod:`._nodes`), refusing what names no
day (a 13th month, every 0 weeks, a quarter as a unit to count in) in both languages.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from lark import Token

from ._nodes import (
    AroundHoliday,
    Body,
    Count,
    Edge,
    MonthDay,
    NthWorkingDay,
    Schedule,
    Selector,
    Several,
    Weekday,
    YearDate,
    rule_error,
)
from ._words import _PERIOD_NAME_ZH

__all__: list[str] = []  # every name here is the builder's (:mod:`._build`)


class _Action(NamedTuple):
    key: str | None  # the action the language knows (report, 报送), if it is one
    word: str
    lang: str


class _Condition(NamedTuple):
    text: str  # as written, without its comma: 对符合条件的, "where an extension is needed"


class _Roll(NamedTuple):
    roll: str
    word: str


class _Sel(NamedTuple):
    selector: Selector
    period: str | None  # the period an edge word names ("month" in month-end), to check
    months: frozenset[int] = frozenset()  # 3月底 in 每年3月底; 第一个月 in 每季度第一个月15日
    deadline: bool = False  # 后5日内: a deadline counted from the edge


class _Off(NamedTuple):
    sign: int
    length: Count
    within: bool = False


class _Tagged(NamedTuple):
    body: Body
    lang: str


class _NoEvent:
    pass


_NO_EVENT = _NoEvent()


class _Marker:
    """A word that changes the reading of its rule: ``by`` / 前 (a deadline). Not a tuple, so
    that the builder's searches for tuples and strings among children never meet it."""

    __slots__ = ()


_BY = _Marker()


def _has_by(children: list[Any]) -> bool:
    return any(c is _BY for c in children)


class _Days(NamedTuple):
    """A list of days: weekdays (0 is Monday), days of the month or (month, day) pairs."""

    kind: str
    values: tuple[Any, ...]


class _Phase(NamedTuple):
    date: dt.date


def _several(days: _Days) -> Selector:
    """One day, or a list of them (每周三、周五)."""
    if days.kind == "weekday":
        options: list[Any] = [Weekday(v) for v in days.values]
    elif days.kind == "day":
        options = [MonthDay(v) for v in days.values]
    else:
        options = [YearDate(m, d) for m, d in days.values]
    if len(set(options)) == 1:
        return options[0]  # type: ignore[no-any-return]
    return Several(tuple(options))


def _period_noun(token: str) -> str:
    word = re.sub(r"[- ]", "_", token.lower())
    return word[:-1] if word.endswith("s") else word


def _tokens(children: list[Any], *types: str) -> list[Token]:
    return [c for c in children if isinstance(c, Token) and c.type in types]


def _ints(children: list[Any]) -> list[int]:
    return [c for c in children if type(c) is int]


def _first(children: list[Any], kind: type) -> Any:
    for c in children:
        if isinstance(c, kind):
            return c
    return None


def _edge(edge: str, offset: tuple[int, Count] | None) -> Edge:
    if offset is None:
        return Edge(edge)  # type: ignore[arg-type]
    sign, count = offset
    return Edge(edge, offset=count, before=sign < 0)  # type: ignore[arg-type]


def _offset(children: list[Any]) -> tuple[int, Count] | None:
    for c in children:
        if isinstance(c, _Off):
            return c.sign, c.length
    return None


def _is_within(children: list[Any]) -> bool:
    """Whether an offset in ``children`` (or in their selector) ends in 内: a deadline."""
    return any(
        (isinstance(c, _Off) and c.within) or (isinstance(c, _Sel) and c.deadline) for c in children
    )


def _int(token: str) -> int:
    return int(str(token).replace(",", ""))  # 1,000


def _iso(token: str) -> dt.date:
    y, m, d = (int(x) for x in str(token).split("-"))
    return _date(y, m, d)


def _day_of_month(day: int) -> int:
    if not 1 <= day <= 31:
        raise rule_error(
            f"day {day} of the month does not exist; use 1 to 31",
            f"每月没有{day}日；日期为1日至31日",
        )
    return day


def _month_no(month: int) -> int:
    if not 1 <= month <= 12:
        raise rule_error(
            f"month {month} does not exist; months are 1 to 12",
            f"{month}月不存在；月份为1月至12月",
        )
    return month


def _in_period_month(period: str, sel: _Sel, deadline: bool) -> Schedule:
    """每年3月底 (a month of each year), 每季度第一个月15日 / 末月最后一个工作日 (a month of each
    quarter or half-year): a month schedule limited to those months."""
    if sel.period == "year":
        if period != "year":
            raise rule_error(
                f"a month of the year needs a yearly schedule, not every {period}",
                "某月的日子应按年安排，如“每年3月底”",
            )
        return _schedule("month", _Sel(sel.selector, None), sel.months, deadline=deadline)
    size = {"quarter": 3, "half_year": 6, "year": 12}.get(period)
    (which,) = sel.months
    if size is None or not (which == -1 or 1 <= which <= size):
        raise rule_error(
            f"month {which} of each {period.replace('_', '-')} does not exist",
            f"每{_PERIOD_NAME_ZH[period]}没有第{which}个月",
        )
    offset = size - 1 if which == -1 else which - 1
    months = frozenset(start + offset for start in range(1, 13, size))
    return _schedule("month", _Sel(sel.selector, None), months, deadline=deadline)


def _around_holiday(n: int, *, before: bool) -> Schedule:
    if n < 1:  # "the last working day after the holiday" names no day
        raise rule_error(
            "after a holiday, count working days forward: write e.g. 'the first working day "
            "after each holiday'",
            "节后请写第几个工作日，如“节后第一个工作日”",
        )
    return Schedule("holiday", AroundHoliday(n, before=before))


def _week_day(children: list[Any], nth: list[int]) -> Selector:
    """The day of a week schedule: weekdays (周三、周五) or an n-th working day."""
    days: _Days | None = _first(children, _Days)
    return _several(days) if days is not None else NthWorkingDay(nth[0])


def _weeks(n: int, noun: str, selector: Selector, phase: Any) -> Schedule:
    """Every n-th week (隔周, every other week), counted from the week of ``phase``."""
    if noun != "week":
        raise rule_error(
            f"a starting date applies to weeks only; for every {n} {noun.replace('_', '-')}s "
            "write the starting month (e.g. 'every 2 months starting January')",
            "起始日期只适用于按周的安排；按月请写起始月份（如“每2个月一次(自1月起)”）",
        )
    if n < 1:
        raise rule_error(
            f"'every {n} weeks' never repeats; write a number from 1 up",
            f"“每{n}周”无法重复；次数至少为1",
        )
    if n == 1:
        return Schedule("week", selector)
    return Schedule("week", selector, every=n, phase=phase.date if phase is not None else None)


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise rule_error(
            f"{year:04d}-{month:02d}-{day:02d} is not a date; check the month and day",
            f"{year}年{month}月{day}日不存在；请检查月份和日期",
        ) from None


def _schedule(
    frequency: str,
    sel: _Sel | None,
    months: frozenset[int] = frozenset(),
    *,
    deadline: bool = False,
) -> Schedule:
    if sel is None:
        return Schedule(frequency, Edge("start"), months=months, deadline=deadline)  # type: ignore[arg-type]
    if sel.period is not None and sel.period != frequency:
        # Suggest only texts that parse: a week has no edge to name (its days are weekdays).
        en_freq, en_sel = frequency.replace("_", "-"), sel.period.replace("_", "-")
        zh_freq, zh_sel = _PERIOD_NAME_ZH[frequency], _PERIOD_NAME_ZH[sel.period]
        fixes_en = [f"'every {en_sel} at {en_sel}-end'"] if sel.period != "week" else []
        fixes_zh = [f"“每{zh_sel}末”"] if sel.period != "week" else []
        if frequency != "week":
            fixes_en.append(f"'every {en_freq} at {en_freq}-end'")
            fixes_zh.append(f"“每{zh_freq}末”")
        else:
            fixes_en.append("'every Sunday'")
            fixes_zh.append("“每周日”")
        raise rule_error(
            f"a {en_freq} schedule cannot use the {en_sel} edge; write e.g. "
            + " or ".join(fixes_en),
            f"按{zh_freq}的安排不能取{zh_sel}的首末；可写" + "或".join(fixes_zh),
        )
    return Schedule(frequency, sel.selector, months=months, deadline=deadline)  # type: ignore[arg-type]


def _interval(n: int, noun: str, phase: int | None, sel: _Sel | None) -> Schedule:
    if n < 1:
        raise rule_error(
            f"'every {n} {noun.replace('_', '-')}s' never repeats; write a number from 1 up "
            "(e.g. 'every 2 months starting January')",
            f"“每{n}个{_PERIOD_NAME_ZH[noun]}”无法重复；次数至少为1（如“每2个月一次(自1月起)”）",
        )
    if n == 1:
        return _schedule(noun, sel)
    if noun == "week":
        raise rule_error(
            f"'every {n} weeks' needs a phase — the week it starts in; write e.g. "
            f"'every {n} weeks on Monday starting 2026-01-05'",
            f"“每{n}周”须写明从哪一周开始，如“每{n}周周一(自2026年1月5日起)”",
        )
    if noun != "month":
        raise rule_error(
            f"'every {n} {noun.replace('_', '-')}s' is not supported; schedules repeat every "
            "week, month, quarter, half-year or year, or every N months with a starting month "
            "(e.g. 'every 2 months starting January')",
            f"不支持“每{n}个{_PERIOD_NAME_ZH[noun]}”；可按周、月、季度、半年、年安排，或写明起始月份的"
            "“每N个月一次(自1月起)”",
        )
    if 12 % n:
        raise rule_error(
            f"'every {n} months' does not fit the year evenly; use 2, 3, 4 or 6 months, or list "
            "the months ('in Feb, May, Aug and Nov on the 5th')",
            f"“每{n}个月”不能整除一年；请用2、3、4或6个月，或列出月份（如“2月、5月、8月和11月的5日”）",
        )
    if phase is None:
        raise rule_error(
            f"'every {n} months' needs a phase — which month it starts in; write "
            f"'every {n} months starting January'",
            f"“每{n}个月”须写明从哪个月开始，如“每{n}个月一次(自1月起)”",
        )
    months = frozenset((phase - 1 + k * n) % 12 + 1 for k in range(12 // n))
    if sel is not None and sel.period not in (None, "month"):
        raise rule_error(
            "'every N months' takes a month selector such as 'at month-end'",
            "“每N个月”只能取月内的日子，如“月末”",
        )
    return _schedule("month", sel, months)


def _unit(token: Token) -> str:
    t = token.type
    if t in ("DAYS", "CALENDAR_DAYS", "DAY_ZH", "NATURAL_DAY_ZH"):
        return "day"
    if t in ("WORKING_DAYS", "WORKING_DAY_ZH"):
        return "working_day"
    if t == "MONTH_ZH":
        return "month"
    if t == "YEAR_ZH":
        return "year"
    if t == "WEEK_ZH":
        return "week"
    noun = "quarter" if t == "QUARTER_ZH" else _period_noun(token)
    if noun in ("quarter", "half_year"):
        raise rule_error(
            f"{str(token)!r} is not a unit to count in; write months instead "
            "(a quarter is '3 months', a half-year '6 months')",
            f"{str(token)!r}不能作为计数单位；请写月数（一个季度写“3个月”，半年写“6个月”）",
        )
    if noun == "xun":
        raise rule_error(
            f"{str(token)!r} is not a unit to count in (a xun is 8 to 11 days); write days, or an "
            "edge such as 'at xun-end plus 3 days'",
            f"{str(token)!r}不能作为计数单位（一旬为8至11日）；请写日数，或写“旬末后3日”",
        )
    return noun


def _mod_word(children: list[Any], zh_word: str) -> str:
    """The modifier as written: an English keyword, or 遇节假日 with its Chinese verb (the verb
    is an anonymous literal that the tree drops)."""
    words = [str(c) for c in children if isinstance(c, Token)]
    if words and words[0].isascii():
        return " ".join(words)
    yu = "".join(str(c) for c in children if isinstance(c, Token) and c.type == "YU")
    return yu + zh_word
