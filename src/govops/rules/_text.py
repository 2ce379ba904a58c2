"""Canonical text: one spelling per meaning, in English and in Chinese.

Numbers are written in digits, every non-default setting is spelled out and nothing else is, so
``parse_rule(rule.to_text(lang)) == rule`` for every rule and both languages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._nodes import (
    ByDate,
    Count,
    Edge,
    MonthDay,
    NextMonthDay,
    NthWorkingDay,
    PeriodDeadline,
    Relative,
    Selector,
    Weekday,
    WorkingDays,
    YearDate,
)

if TYPE_CHECKING:
    from ._rule import Rule

__all__ = ["ordinal", "to_en", "to_zh"]

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_ZH = "一二三四五六日"

_UNIT_EN = {
    "day": ("day", "days"),
    "working_day": ("working day", "working days"),
    "week": ("week", "weeks"),
    "month": ("month", "months"),
    "year": ("year", "years"),
}
_UNIT_ZH = {"day": "日", "working_day": "个工作日", "week": "周", "month": "个月", "year": "年"}
_EVENT_EN = {
    "meeting": "the meeting",
    "formation": "formation",
    "receipt": "receipt",
    "assignment": "assignment",
    "decision": "the decision",
}
_EVENT_ZH = {
    "formation": "形成",
    "receipt": "收到",
    "assignment": "交办",
    "decision": "作出行政决定",
    "meeting": "会议召开",
}
_PERIOD_EN = {
    "week": "week",
    "xun": "xun",
    "month": "month",
    "quarter": "quarter",
    "half_year": "half-year",
    "year": "year",
}
_PERIOD_ZH = {
    "week": "周",
    "xun": "旬",
    "month": "月",
    "quarter": "季度",
    "half_year": "半年",
    "year": "年",
}
_END_ZH = {
    "xun": "旬末",
    "month": "月底",
    "quarter": "季度末",
    "half_year": "半年末",
    "year": "年底",
}
_ROLL_EN = {
    "following": "roll forward",
    "preceding": "roll back",
    "modified_following": "roll forward",  # only reachable where it is the default (folded away)
    "none": "no roll",
    "skip": "skip holidays",
}
_ROLL_ZH = {
    "following": "遇节假日顺延",
    "preceding": "遇节假日提前",
    "modified_following": "遇节假日顺延",
    "none": "遇节假日不顺延",
    "skip": "遇节假日取消",
}
ACTION_ZH = {
    "report": "报送",
    "submit": "提交",
    "hold": "召开",
    "publish": "公开",
    "complete": "完成",
    "reply": "答复",
}


_START = Edge("start")
# A month or year schedule that starts its period falls on a day one can name, so the canonical
# text names it: an office that wrote 每月1日 reads 每月1日 back, not 每月 (and "every month", the
# same rule, prints the same way). A quarter or half-year start has no shorter name than its own.
_FIRST_DAY = {"month": ("on the 1st", "1日"), "year": ("on Jan 1", "1月1日")}


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``.

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '31st']
    """
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def count_en(count: Count) -> str:
    one, many = _UNIT_EN[count.unit]
    return f"{count.n} {one if count.n == 1 else many}"


def count_zh(count: Count) -> str:
    return f"{count.n}{_UNIT_ZH[count.unit]}"


def _months_en(months: frozenset[int]) -> str:
    names = [MONTHS_EN[m - 1] for m in sorted(months)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _months_zh(months: frozenset[int]) -> str:
    names = [f"{m}月" for m in sorted(months)]
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + "和" + names[-1]


def _edge_en(period: str, edge: Edge, prep: str) -> str:
    noun = _PERIOD_EN[period]
    text = f"{noun}-end" if edge.edge == "end" else f"the start of the {noun}"
    if edge.offset is not None:
        return f"at {text} {'minus' if edge.before else 'plus'} {count_en(edge.offset)}"
    return f"{prep} {text}"


def _nth_en(n: int) -> str:
    if n == -1:
        return "the last working day"
    return "the first working day" if n == 1 else f"the {ordinal(n)} working day"


def _nth_zh(n: int) -> str:
    return "最后一个工作日" if n == -1 else f"第{n}个工作日"


def _tail_zh(edge: Edge) -> str:
    if edge.offset is None:
        return ""
    return f"{'前' if edge.before else '后'}{count_zh(edge.offset)}"


def _edge_zh(period: str, edge: Edge) -> str:
    word = _END_ZH[period] if edge.edge == "end" else f"{_PERIOD_ZH[period]}初"
    return word + _tail_zh(edge)


def _selector_en(frequency: str, selector: Selector) -> str:
    if isinstance(selector, Edge):
        return _edge_en(frequency, selector, "at")
    if isinstance(selector, NthWorkingDay):
        return f"on {_nth_en(selector.n)}"
    if isinstance(selector, MonthDay):
        return f"on the {ordinal(selector.day)}"
    if isinstance(selector, YearDate):
        return f"on {MONTHS_EN[selector.month - 1]} {selector.day}"
    raise AssertionError(selector)  # pragma: no cover - Weekday/WorkingDays handled by callers


def _body_en(rule: Rule) -> str:
    body = rule.body
    if isinstance(body, Relative):
        if body.before:
            if body.event is None:
                return f"{count_en(body.count)} in advance"
            return f"{count_en(body.count)} before {_EVENT_EN[body.event]}"
        text = f"within {count_en(body.count)}"
        return text if body.event is None else f"{text} after {_EVENT_EN[body.event]}"
    if isinstance(body, ByDate):
        return f"by {body.date.isoformat()}"
    if isinstance(body, NextMonthDay):
        return f"by the {ordinal(body.day)} of next month"
    if isinstance(body, PeriodDeadline):
        sel = body.selector
        if isinstance(sel, Edge):
            return _edge_en(body.period, sel, "by" if sel.edge == "end" else "at")
        return f"by {_nth_en(sel.n)} of the {_PERIOD_EN[body.period]}"
    ssel = body.selector
    if isinstance(ssel, Weekday):
        return f"every {WEEKDAYS_EN[ssel.weekday]}"
    if isinstance(ssel, WorkingDays):
        return "every working day"
    if body.months:
        months = _months_en(body.months)
        if ssel == _START:  # the day is printed when there is one to print (see _FIRST_DAY)
            return f"in {months} on the 1st"
        if isinstance(ssel, Edge):
            return f"in {months} {_edge_en('month', ssel, 'at')}"
        return f"in {months} {_selector_en('month', ssel)}"
    noun = _PERIOD_EN[body.frequency]
    if ssel == _START:
        first = _FIRST_DAY.get(body.frequency)
        return f"every {noun}" if first is None else f"every {noun} {first[0]}"
    return f"every {noun} {_selector_en(body.frequency, ssel)}"


def _body_zh(rule: Rule) -> str:
    body = rule.body
    if isinstance(body, Relative):
        count = count_zh(body.count)
        if body.before:
            if body.event is None:
                return f"提前{count}"
            if body.event == "meeting":
                return f"会前{count}"
            return f"{_EVENT_ZH[body.event]}之日前{count}"
        if body.event is None:
            return f"{count}内"
        if body.event == "meeting":
            return f"会后{count}内"
        return f"自{_EVENT_ZH[body.event]}之日起{count}内"
    if isinstance(body, ByDate):
        d = body.date
        return f"{d.year}年{d.month}月{d.day}日前"
    if isinstance(body, NextMonthDay):
        return f"次月{body.day}日前"
    if isinstance(body, PeriodDeadline):
        sel = body.selector
        if isinstance(sel, Edge):
            text = _edge_zh(body.period, sel)
            return text + "前" if sel.edge == "end" and sel.offset is None else text
        return f"当{_PERIOD_ZH[body.period]}{_nth_zh(sel.n)}前"
    ssel = body.selector
    if isinstance(ssel, Weekday):
        return f"每周{WEEKDAYS_ZH[ssel.weekday]}"
    if isinstance(ssel, WorkingDays):
        return "每个工作日"
    if body.months:
        months = _months_zh(body.months)
        if ssel == _START:
            return f"{months}的1日"
        if isinstance(ssel, Edge):
            return months + ("底" if ssel.edge == "end" else "初") + _tail_zh(ssel)
        if isinstance(ssel, NthWorkingDay):
            return f"{months}的{_nth_zh(ssel.n)}"
        if isinstance(ssel, MonthDay):
            return f"{months}的{ssel.day}日"
    period = _PERIOD_ZH[body.frequency]
    if isinstance(ssel, Edge):
        if ssel == _START:
            first = _FIRST_DAY.get(body.frequency)
            return f"每{period}" if first is None else f"每{period}{first[1]}"
        return "每" + _edge_zh(body.frequency, ssel)
    if isinstance(ssel, NthWorkingDay):
        return f"每{period}{_nth_zh(ssel.n)}"
    if isinstance(ssel, MonthDay):
        return f"每{period}{ssel.day}日"
    if isinstance(ssel, YearDate):
        return f"每{period}{ssel.month}月{ssel.day}日"
    raise AssertionError(ssel)  # pragma: no cover


def to_en(rule: Rule) -> str:
    """The canonical English text of ``rule``."""
    text = _body_en(rule)
    if rule.action is not None:
        text = f"{rule.action} {text}"
    if rule.roll is not None:
        text = f"{text}, {_ROLL_EN[rule.roll]}"
    return text


def to_zh(rule: Rule) -> str:
    """The canonical Chinese text of ``rule``."""
    text = _body_zh(rule)
    if rule.action is not None:
        text += ACTION_ZH[rule.action]
    if rule.roll is not None:
        text = f"{text}，{_ROLL_ZH[rule.roll]}"
    return text
