"""Canonical text: one spelling per meaning, in English and in Chinese.

Numbers are written in digits, every non-default setting is spelled out and nothing else is, so
``parse_rule(rule.to_text(lang)) == rule`` for every rule and both languages.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from ..exceptions import GovopsError
from ._counting import ADMINISTRATIVE_LICENSING
from ._nodes import (
    EVENTS,
    AroundHoliday,
    ByDate,
    Count,
    Edge,
    MonthDay,
    NextMonthDay,
    NextYearDate,
    NthWeekday,
    NthWorkingDay,
    PeriodDeadline,
    Relative,
    Schedule,
    Selector,
    Several,
    Weekday,
    WorkingDays,
    YearDate,
    counts_working_days,
)

if TYPE_CHECKING:
    from ._rule import Rule

__all__ = ["EVENT_EN", "EVENT_ZH", "ordinal", "to_en", "to_zh"]

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
EVENT_EN = {
    "meeting": "the meeting",
    "formation": "formation",
    "receipt": "receipt",
    "assignment": "assignment",
    "decision": "the decision",
    "acceptance": "acceptance",
    "service": "service",
    "expiry": "expiry of the original period",
}
EVENT_ZH = {
    "formation": "形成",
    "receipt": "收到",
    "assignment": "交办",
    "decision": "作出行政决定",
    "meeting": "会议召开",
    "acceptance": "受理",
    "service": "送达",
    "expiry": "原期限届满",
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
    "preceding_in_week": "earlier in the same week",
}
_ROLL_ZH = {
    "following": "遇节假日顺延",
    "preceding": "遇节假日提前",
    "modified_following": "遇节假日顺延",
    "none": "遇节假日不顺延",
    "skip": "遇节假日取消",
    "preceding_in_week": "遇节假日本周内提前",
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
    if n < 0:
        return f"the {ordinal(-n)}-to-last working day"
    return "the first working day" if n == 1 else f"the {ordinal(n)} working day"


def _nth_zh(n: int) -> str:
    if n == -1:
        return "最后一个工作日"
    return f"倒数第{-n}个工作日" if n < 0 else f"第{n}个工作日"


def _nth_weekday_en(sel: NthWeekday) -> str:
    day = WEEKDAYS_EN[sel.weekday]
    if sel.n == -1:
        return f"the last {day}"
    if sel.n < 0:
        return f"the {ordinal(-sel.n)}-to-last {day}"
    return f"the {ordinal(sel.n)} {day}"


def _nth_weekday_zh(sel: NthWeekday) -> str:
    day = f"星期{WEEKDAYS_ZH[sel.weekday]}"
    if sel.n == -1:
        return f"最后一个{day}"
    return f"倒数第{-sel.n}个{day}" if sel.n < 0 else f"第{sel.n}个{day}"


def _tail_zh(edge: Edge) -> str:
    if edge.offset is None:
        return ""
    return f"{'前' if edge.before else '后'}{count_zh(edge.offset)}"


def _edge_zh(period: str, edge: Edge) -> str:
    word = _END_ZH[period] if edge.edge == "end" else f"{_PERIOD_ZH[period]}初"
    return word + _tail_zh(edge)


def _and_en(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _and_zh(words: list[str]) -> str:
    return words[0] if len(words) == 1 else "、".join(words[:-1]) + "和" + words[-1]


def _days_en(sel: Several) -> str:
    """The days of a list: ``Wednesday and Friday``, ``the 8th, 18th and 28th``."""
    options = sel.options
    if isinstance(options[0], Weekday):
        return _and_en([WEEKDAYS_EN[o.weekday] for o in options if isinstance(o, Weekday)])
    if isinstance(options[0], MonthDay):
        return "the " + _and_en([ordinal(o.day) for o in options if isinstance(o, MonthDay)])
    return _and_en(
        [f"{MONTHS_EN[o.month - 1]} {o.day}" for o in options if isinstance(o, YearDate)]
    )


def _days_zh(sel: Several) -> str:
    """The days of a list: ``周三、周五``, ``8日、18日和28日``."""
    options = sel.options
    if isinstance(options[0], Weekday):
        return "、".join(f"周{WEEKDAYS_ZH[o.weekday]}" for o in options if isinstance(o, Weekday))
    if isinstance(options[0], MonthDay):
        return _and_zh([f"{o.day}日" for o in options if isinstance(o, MonthDay)])
    return _and_zh([f"{o.month}月{o.day}日" for o in options if isinstance(o, YearDate)])


def _selector_en(frequency: str, selector: Selector) -> str:
    if isinstance(selector, Edge):
        return _edge_en(frequency, selector, "at")
    if isinstance(selector, NthWorkingDay):
        return f"on {_nth_en(selector.n)}"
    if isinstance(selector, NthWeekday):
        return f"on {_nth_weekday_en(selector)}"
    if isinstance(selector, MonthDay):
        return f"on the {ordinal(selector.day)}"
    if isinstance(selector, YearDate):
        return f"on {MONTHS_EN[selector.month - 1]} {selector.day}"
    if isinstance(selector, Several):
        return f"on {_days_en(selector)}"
    raise AssertionError(selector)  # pragma: no cover - Weekday/WorkingDays handled by callers


def _event_en(event: str) -> str:
    return EVENT_EN.get(event, event)


def _event_zh(event: str) -> str:
    return EVENT_ZH.get(event, event)


@functools.lru_cache(maxsize=1024)
def _reads_back(text: str, body: Relative) -> bool:
    """Whether ``text`` (a rule naming ``body``'s event bare) reads back as ``body``."""
    from ._parse import parse_rule  # the parser builds rules, which write text with this module

    try:
        return parse_rule(text).body == body
    except GovopsError:
        return False


def _named(body: Relative, template: str, name: str) -> str:
    """``template`` with the event's ``name`` bare where it reads back, else in quotes (a name
    holding a count, 第2次会议 or 收到b日起半年, would be read as part of the rule)."""
    bare = template.format(name)
    if body.event in EVENTS or _reads_back(bare, body):
        return bare
    return template.format(f"“{name}”")


def _relative_en(body: Relative) -> str:
    if body.before:
        if body.event is None:
            return f"{count_en(body.count)} in advance"
        return _named(body, f"{count_en(body.count)} before {{}}", _event_en(body.event))
    if body.event == "expiry":
        return f"extended by {count_en(body.count)}"
    text = f"within {count_en(body.count)}"
    if body.event is None:
        return text
    return _named(body, f"{text} after {{}}", _event_en(body.event))


def _deadline_en(body: Schedule) -> str:
    """A schedule of deadlines: ``by the 20th of each month``, ``by Nov 15 each year``."""
    sel, noun = body.selector, _PERIOD_EN[body.frequency]
    each = f"of {_months_en(body.months)}" if body.months else f"of each {noun}"
    if isinstance(sel, Weekday):
        return f"by {WEEKDAYS_EN[sel.weekday]} each week"
    if isinstance(sel, YearDate):
        return f"by {MONTHS_EN[sel.month - 1]} {sel.day} each year"
    if isinstance(sel, MonthDay):
        return f"by the {ordinal(sel.day)} {each}"
    if isinstance(sel, NthWeekday):
        return f"by {_nth_weekday_en(sel)} {each}"
    if isinstance(sel, Several):
        if isinstance(sel.options[0], Weekday):
            return f"by {_days_en(sel)} each week"
        if isinstance(sel.options[0], YearDate):
            return f"by {_days_en(sel)} each year"
        return f"by {_days_en(sel)} {each}"
    assert isinstance(sel, Edge)
    if sel == _START and body.frequency in ("month", "year"):
        return f"by the 1st {each}" if body.frequency == "month" else "by Jan 1 each year"
    if sel.offset is not None:  # after the edge: a deadline counted from it
        return f"within {count_en(sel.offset)} after the {sel.edge} {each}"
    if body.months:
        return f"by the {sel.edge} {each}"
    return f"by the {sel.edge} {each}"


def _holiday_en(sel: AroundHoliday) -> str:
    if not sel.before:
        first = "first" if sel.n == 1 else ordinal(sel.n)
        return f"the {first} working day after each holiday"
    which = "last" if sel.n == 1 else f"{ordinal(sel.n)}-to-last"
    return f"the {which} working day before each holiday"


def _holiday_zh(sel: AroundHoliday) -> str:
    if not sel.before:
        return f"节后第{sel.n}个工作日"
    return "节前最后一个工作日" if sel.n == 1 else f"节前倒数第{sel.n}个工作日"


def _schedule_en(body: Schedule) -> str:
    ssel = body.selector
    if isinstance(ssel, AroundHoliday):
        return _holiday_en(ssel)
    if body.deadline:
        return _deadline_en(body)
    if isinstance(ssel, Weekday):
        if body.every > 1:
            assert body.phase is not None
            return (
                f"every {body.every} weeks on {WEEKDAYS_EN[ssel.weekday]} "
                f"starting {body.phase.isoformat()}"
            )
        return f"every {WEEKDAYS_EN[ssel.weekday]}"
    if isinstance(ssel, WorkingDays):
        return "every working day"
    if body.every > 1:
        assert body.phase is not None
        return (
            f"every {body.every} weeks {_selector_en('week', ssel)} "
            f"starting {body.phase.isoformat()}"
        )
    if isinstance(ssel, Several) and isinstance(ssel.options[0], Weekday):
        return f"every {_days_en(ssel)}"
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


def _body_en(rule: Rule) -> str:
    body = rule.body
    if isinstance(body, Relative):
        return _relative_en(body)
    if isinstance(body, ByDate):
        return f"by {body.date.isoformat()}"
    if isinstance(body, NextMonthDay):
        return f"by the {ordinal(body.day)} of next month"
    if isinstance(body, NextYearDate):
        return f"by {MONTHS_EN[body.month - 1]} {body.day} of next year"
    if isinstance(body, PeriodDeadline):
        sel = body.selector
        if isinstance(sel, Edge):
            return _edge_en(body.period, sel, "by" if sel.edge == "end" else "at")
        return f"by {_nth_en(sel.n)} of the {_PERIOD_EN[body.period]}"
    return _schedule_en(body)


def _relative_zh(body: Relative) -> str:
    count = count_zh(body.count)
    if body.before:
        if body.event is None:
            return f"提前{count}"
        if body.event == "meeting":
            return f"会前{count}"
        return _named(body, f"{{}}之日前{count}", _event_zh(body.event))
    if body.event is None:
        return f"{count}内"
    if body.event == "meeting":
        return f"会后{count}内"
    if body.event == "expiry":
        return f"延长{count}"
    return _named(body, f"自{{}}之日起{count}内", _event_zh(body.event))


def _selector_zh(frequency: str, sel: Selector) -> str:
    """The day of a period: ``20日``, ``最后一个工作日``, ``周三、周五``, ``末后2日``."""
    if isinstance(sel, Edge):
        edge = ("末" if frequency != "month" else "底") if sel.edge == "end" else "初"
        return edge + _tail_zh(sel)
    if isinstance(sel, NthWorkingDay):
        return _nth_zh(sel.n)
    if isinstance(sel, NthWeekday):
        return _nth_weekday_zh(sel)
    if isinstance(sel, MonthDay):
        return f"{sel.day}日"
    if isinstance(sel, YearDate):
        return f"{sel.month}月{sel.day}日"
    if isinstance(sel, Several):
        return _days_zh(sel)
    if isinstance(sel, Weekday):
        return f"周{WEEKDAYS_ZH[sel.weekday]}"
    raise AssertionError(sel)  # pragma: no cover - WorkingDays handled by callers


def _schedule_zh(body: Schedule) -> str:
    ssel = body.selector
    if isinstance(ssel, AroundHoliday):
        return _holiday_zh(ssel)
    by = "前" if body.deadline else ""
    if isinstance(ssel, Edge) and ssel.offset is not None and body.deadline:
        by = "内"  # 每季度末后10日内: a deadline counted from the edge
    if isinstance(ssel, WorkingDays):
        return "每个工作日"
    if body.every > 1:
        assert body.phase is not None
        p = body.phase
        return f"每{body.every}周{_selector_zh('week', ssel)}(自{p.year}年{p.month}月{p.day}日起)"
    if isinstance(ssel, Weekday) or (
        isinstance(ssel, Several) and isinstance(ssel.options[0], Weekday)
    ):
        return f"每{_selector_zh('week', ssel)}{by}"
    if body.months:
        months = _months_zh(body.months)
        if ssel == _START:
            return f"{months}的1日{by}"
        if isinstance(ssel, Edge):
            return months + ("底" if ssel.edge == "end" else "初") + _tail_zh(ssel) + by
        return f"{months}的{_selector_zh('month', ssel)}{by}"
    period = _PERIOD_ZH[body.frequency]
    if isinstance(ssel, Edge):
        if ssel == _START:
            first = _FIRST_DAY.get(body.frequency)
            return (f"每{period}" if first is None else f"每{period}{first[1]}") + by
        return "每" + _edge_zh(body.frequency, ssel) + by
    return f"每{period}{_selector_zh(body.frequency, ssel)}{by}"


def _body_zh(rule: Rule) -> str:
    body = rule.body
    if isinstance(body, Relative):
        return _relative_zh(body)
    if isinstance(body, ByDate):
        d = body.date
        return f"{d.year}年{d.month}月{d.day}日前"
    if isinstance(body, NextMonthDay):
        return f"次月{body.day}日前"
    if isinstance(body, NextYearDate):
        return f"次年{body.month}月{body.day}日前"
    if isinstance(body, PeriodDeadline):
        sel = body.selector
        if isinstance(sel, Edge):
            text = _edge_zh(body.period, sel)
            return text + "前" if sel.edge == "end" and sel.offset is None else text
        return f"当{_PERIOD_ZH[body.period]}{_nth_zh(sel.n)}前"
    return _schedule_zh(body)


# Free English action text reads back only before these words ("make a decision within 20 days");
# elsewhere the canonical text leaves it out (it never changes a date).
_FREE_ACTION_BEFORE = ("within ", "by ", "every ")


def _is_zh(word: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in word)


def _time_en(rule: Rule) -> str:
    if rule.time is None:
        return ""
    clock = rule.time.clock
    return " by close of business" if clock is None else f" by {clock.strftime('%H:%M')}"


def _time_zh(rule: Rule) -> str:
    if rule.time is None:
        return ""
    clock = rule.time.clock
    return "下班前" if clock is None else f"{clock.strftime('%H:%M')}前"


def _counting_clause(rule: Rule) -> tuple[str, str]:
    """The counting context as the text writes it (English, Chinese), or empty strings where it
    makes no difference (calendar days, or a rule that counts no working days)."""
    counting = rule.counting
    if counting is None or counting.days != "working" or not counts_working_days(rule.body):
        return "", ""
    if counting == ADMINISTRATIVE_LICENSING:
        return (
            " (counted in working days under Administrative Licensing Law Art. 82)",
            "（依行政许可法第八十二条，期限以工作日计算）",
        )
    return " (counted in working days)", "（期限以工作日计算）"


def to_en(rule: Rule) -> str:
    """The canonical English text of ``rule``.

    An action the language knows is translated (报送 is ``report``); any other action text is
    kept as written, in the language it was written in only, and so is a condition in front
    (``where an extension is needed``). A rule read in a working-day counting context says so
    at its end (``(counted in working days under Administrative Licensing Law Art. 82)``), so the
    text read alone means the same and :meth:`Rule.explain` still cites the source.
    """
    text = _body_en(rule) + _time_en(rule)
    if rule.action is not None:
        text = f"{rule.action} {text}"
    elif (
        rule.action_word is not None
        and not _is_zh(rule.action_word)
        and text.startswith(_FREE_ACTION_BEFORE)
    ):
        text = f"{rule.action_word} {text}"
    if rule.roll is not None:
        text = f"{text}, {_ROLL_EN[rule.roll]}"
    if rule.condition is not None and not _is_zh(rule.condition):
        text = f"{rule.condition}, {text}"
    return text + _counting_clause(rule)[0]


def to_zh(rule: Rule) -> str:
    """The canonical Chinese text of ``rule`` (actions as in :func:`to_en`)."""
    text = _body_zh(rule) + _time_zh(rule)
    if rule.action is not None:
        text += ACTION_ZH[rule.action]
    elif rule.action_word is not None and _is_zh(rule.action_word):
        text += rule.action_word
    if rule.roll is not None:
        text = f"{text}，{_ROLL_ZH[rule.roll]}"
    if rule.condition is not None and _is_zh(rule.condition):
        # A topic that is not a 的 clause reads as a condition only before a modal.
        modal = "" if rule.condition.endswith(("的", "的外")) else "应当"
        text = f"{rule.condition}，{modal}{text}"
    return text + _counting_clause(rule)[1]
