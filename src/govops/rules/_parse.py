"""Reading rule text: normalisation, the LALR parser, the AST builder and error reports.

The grammar (``grammar.lark``, shipped as package data) is compiled once, on first use, with the
:class:`_Builder` transformer attached to the LALR parser itself, so AST nodes are built while
parsing and an exception raised by the builder reaches us unwrapped. No lark object leaves this
module: lark's exceptions become :class:`~govops.RuleSyntaxError`, with line, column, a caret
under the problem, what was expected in words and a did-you-mean.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from typing import Any, NamedTuple

import lark
from lark import Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

from ..exceptions import GovopsError, InvalidTypeError, RuleError, RuleSyntaxError
from ._nodes import (
    Body,
    ByDate,
    Count,
    Edge,
    MonthDay,
    NextMonthDay,
    NthWorkingDay,
    PeriodDeadline,
    Relative,
    Schedule,
    Selector,
    Weekday,
    WorkingDays,
    YearDate,
    message_in,
    rule_error,
)
from ._rule import Rule

__all__ = ["parse_rule", "zh_number"]

MAX_LENGTH = 2000

# -- numbers ---------------------------------------------------------------------------------

_EN_NUMBERS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_EN_TENS = {
    w: 10 * i
    for i, w in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2
    )
}
_ORD_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
        ],
        1,
    )
}
_ZH_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_ZH_DIGITS.update({"七": 7, "八": 8, "九": 9})
_ZH_POSITIONAL = re.compile("[〇零一二三四五六七八九]+")
_ZH_STRUCTURED = re.compile(
    "(?:(?P<k>[一二两三四五六七八九])千)?零?"
    "(?:(?P<h>[一二两三四五六七八九])百)?零?"
    "(?:(?P<t>[一二两三四五六七八九]?)(?P<ten>十)|(?P<nian>廿))?"
    "(?P<u>[一二两三四五六七八九])?"
)


def zh_number(text: str) -> int:
    """The value of a Chinese numeral: ``两`` → 2, ``二十`` → 20, ``廿五`` → 25, ``二〇二六`` → 2026.

    >>> [zh_number(s) for s in ("两", "七", "十", "十二", "二十", "廿五", "一百零五", "二〇二六")]
    [2, 7, 10, 12, 20, 25, 105, 2026]
    >>> [zh_number(s) for s in ("一百二十", "一千", "两千零五")]
    [120, 1000, 2005]
    """
    if _ZH_POSITIONAL.fullmatch(text) and (len(text) > 1 or text in "〇零"):
        return int("".join(str(_ZH_DIGITS[c]) for c in text))
    m = _ZH_STRUCTURED.fullmatch(text)
    if not text or m is None or not any(m.groupdict().values()):
        raise rule_error(
            f"{text!r} is not a Chinese number this parser reads; write e.g. 两, 二十, 廿五 or 20",
            f"无法识别数字{text!r}；可写两、二十、廿五、一百二十或20",
        )
    total = 0
    if m["k"]:
        total += 1000 * _ZH_DIGITS[m["k"]]
    if m["h"]:
        total += 100 * _ZH_DIGITS[m["h"]]
    if m["ten"]:
        total += 10 * (_ZH_DIGITS[m["t"]] if m["t"] else 1)
    if m["nian"]:
        total += 20
    if m["u"]:
        total += _ZH_DIGITS[m["u"]]
    return total


def _en_number(text: str) -> int:
    words = re.split(r"[- ]+", text.lower())
    if len(words) == 1 and words[0] in _EN_NUMBERS:
        return _EN_NUMBERS[words[0]]
    return _EN_TENS[words[0]] + (_EN_NUMBERS[words[1]] if len(words) > 1 else 0)


# -- the builder -----------------------------------------------------------------------------


class _Action(NamedTuple):
    key: str
    word: str
    lang: str


class _Roll(NamedTuple):
    roll: str
    word: str


class _Sel(NamedTuple):
    selector: Selector
    period: str | None  # the period an edge word names ("month" in month-end), to check


class _Tagged(NamedTuple):
    body: Body
    lang: str


class _NoEvent:
    pass


_NO_EVENT = _NoEvent()

_ACTIONS = {
    "report": "report",
    "submit": "submit",
    "file": "submit",
    "hold": "hold",
    "publish": "publish",
    "disclose": "publish",
    "complete": "complete",
    "reply": "reply",
    "报送": "report",
    "提报": "report",
    "上报": "report",
    "报告": "report",
    "提交": "submit",
    "召开": "hold",
    "举行": "hold",
    "公开": "publish",
    "予以公开": "publish",
    "上网公开": "publish",
    "完成": "complete",
    "办结": "complete",
    "答复": "reply",
}
_EVENTS = {
    "meeting": "meeting",
    "formation": "formation",
    "receipt": "receipt",
    "assignment": "assignment",
    "decision": "decision",
    "形成": "formation",
    "收到": "receipt",
    "交办": "assignment",
    "作出行政决定": "decision",
    "作出决定": "decision",
    "会议召开": "meeting",
}
_WEEKDAYS_EN = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
_WEEKDAYS_ZH = {c: i for i, c in enumerate("一二三四五六日")}
_WEEKDAYS_ZH.update({"天": 6, "七": 6})
_MONTHS_EN = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}
_ADVERBS = {
    "weekly": "week",
    "monthly": "month",
    "quarterly": "quarter",
    "half-yearly": "half_year",
    "yearly": "year",
    "annually": "year",
}
_PERIOD_ZH = {
    "旬": "xun",
    "月": "month",
    "季度": "quarter",
    "季": "quarter",
    "半年": "half_year",
    "年": "year",
}
_EDGE_ZH = {"底": "end", "末": "end", "初": "start"}
_PERIOD_NAME_ZH = {
    "day": "日",
    "week": "周",
    "xun": "旬",
    "month": "月",
    "quarter": "季度",
    "half_year": "半年",
    "year": "年",
}


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
        if isinstance(c, tuple) and len(c) == 2 and isinstance(c[1], Count):
            return c
    return None


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise rule_error(
            f"{year:04d}-{month:02d}-{day:02d} is not a date; check the month and day",
            f"{year}年{month}月{day}日不存在；请检查月份和日期",
        ) from None


def _schedule(frequency: str, sel: _Sel | None, months: frozenset[int] = frozenset()) -> Schedule:
    if sel is None:
        return Schedule(frequency, Edge("start"), months=months)  # type: ignore[arg-type]
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
    return Schedule(frequency, sel.selector, months=months)  # type: ignore[arg-type]


def _interval(n: int, noun: str, phase: int | None, sel: _Sel | None) -> Schedule:
    if n < 1:
        raise rule_error(
            f"'every {n} {noun.replace('_', '-')}s' never repeats; write a number from 1 up "
            "(e.g. 'every 2 months starting January')",
            f"“每{n}个{_PERIOD_NAME_ZH[noun]}”无法重复；次数至少为1（如“每2个月一次(自1月起)”）",
        )
    if n == 1:
        return _schedule(noun, sel)
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
    if words and words[0] and not _CJK.match(words[0]):
        return " ".join(words)
    return "".join(words) + zh_word


class _Builder(Transformer[Token, Any]):
    """Builds AST nodes bottom-up; one method per grammar rule or alias."""

    # ---- leaves
    def num(self, c: list[Any]) -> int:
        (tok,) = c
        return int(tok) if tok.type == "INT" else _en_number(tok)

    def zh_num(self, c: list[Any]) -> int:
        (tok,) = c
        return int(tok) if tok.type == "INT" else zh_number(str(tok))

    def unit(self, c: list[Any]) -> str:
        return _unit(c[0])

    def zh_unit(self, c: list[Any]) -> str:
        return c[0] if isinstance(c[0], str) and not isinstance(c[0], Token) else _unit(c[0])

    zh_unit_ge = zh_unit

    def zh_week(self, c: list[Any]) -> str:
        return "week"

    def count(self, c: list[Any]) -> Count:
        n = _ints(c)[0]
        unit = next(x for x in c if isinstance(x, str) and not isinstance(x, Token))
        return Count(n, unit)  # type: ignore[arg-type]

    def nth(self, c: list[Any]) -> int:
        (tok,) = c
        if tok.type == "LAST":
            return -1
        if tok.type == "ORD_WORD":
            return _ORD_WORDS[tok.lower()]
        return int(tok[:-2])

    def day_no(self, c: list[Any]) -> int:
        (tok,) = c
        return int(tok) if tok.type == "INT" else int(tok[:-2])

    def en_prep(self, c: list[Any]) -> None:
        return None

    def en_event(self, c: list[Any]) -> str:
        return _EVENTS[_tokens(c, "EVENT_EN")[0].lower()]

    def zh_event_after(self, c: list[Any]) -> str:
        return _EVENTS[str(_tokens(c, "EVENT_ZH")[0])]

    zh_event_before = zh_event_after

    def ev_meeting(self, c: list[Any]) -> str:
        return "meeting"

    def ev_none(self, c: list[Any]) -> _NoEvent:
        return _NO_EVENT

    def offset(self, c: list[Any]) -> tuple[int, Count]:
        return (-1 if c[0].type == "MINUS" else 1, c[1])

    def tail_after(self, c: list[Any]) -> tuple[int, Count]:
        return (1, _first(c, Count))

    def tail_before(self, c: list[Any]) -> tuple[int, Count]:
        return (-1, _first(c, Count))

    def en_edge(self, c: list[Any]) -> tuple[str, str]:
        if c[0].type == "PERIOD_EDGE":
            word = c[0].lower().replace(" ", "-")
            period, edge = word.rsplit("-", 1)
            return _period_noun(period), edge
        return _period_noun(c[-1]), "end" if c[0].type == "END" else "start"

    def zh_period(self, c: list[Any]) -> str:
        return _PERIOD_ZH[str(c[0])]

    def zh_edge(self, c: list[Any]) -> tuple[str, str]:
        return c[0], _EDGE_ZH[str(c[1])]

    def zh_last(self, c: list[Any]) -> int:
        return -1

    def zh_nth_n(self, c: list[Any]) -> int:
        return _ints(c)[0]

    def en_months(self, c: list[Any]) -> frozenset[int]:
        return frozenset(_MONTHS_EN[t.lower().rstrip(".")] for t in c)

    def zh_month(self, c: list[Any]) -> int:
        m = _ints(c)[0]
        if not 1 <= m <= 12:
            raise rule_error(
                f"month {m} does not exist; months are 1 to 12", f"{m}月不存在；月份为1月至12月"
            )
        return m

    def zh_months(self, c: list[Any]) -> frozenset[int]:
        return frozenset(_ints(c))

    def zh_phase(self, c: list[Any]) -> int:
        return self.zh_month(c)

    # ---- selectors
    def sel_day(self, c: list[Any]) -> _Sel:
        toks = _tokens(c, "ORDINAL")
        day = int(toks[0][:-2]) if toks else _ints(c)[0]
        if not 1 <= day <= 31:
            raise rule_error(
                f"day {day} of the month does not exist; use 1 to 31",
                f"每月没有{day}日；日期为1日至31日",
            )
        return _Sel(MonthDay(day), None)

    def sel_nth(self, c: list[Any]) -> _Sel:
        return _Sel(NthWorkingDay(_ints(c)[0]), None)

    zsel_nth = sel_nth

    def sel_weekday(self, c: list[Any]) -> _Sel:
        return _Sel(Weekday(_WEEKDAYS_EN[c[0].lower()]), "week")

    def sel_date(self, c: list[Any]) -> _Sel:
        months = _tokens(c, "MONTH_EN")
        ints = _ints(c)
        month = _MONTHS_EN[months[0].lower().rstrip(".")] if months else ints.pop(0)
        day = ints[-1]
        return _Sel(YearDate(month, day), "year")

    def sel_edge(self, c: list[Any]) -> _Sel:
        period, edge = c[0]
        return _Sel(_edge(edge, _offset(c)), period)

    def zsel_edge(self, c: list[Any]) -> _Sel:
        edge = _EDGE_ZH[str(_tokens(c, "EDGE_ZH")[0])]
        return _Sel(_edge(edge, _offset(c)), None)

    def zsel_edge_p(self, c: list[Any]) -> _Sel:
        edge = _EDGE_ZH[str(_tokens(c, "EDGE_ZH")[0])]
        return _Sel(_edge(edge, _offset(c)), c[0])

    # ---- English bodies
    def within(self, c: list[Any]) -> _Tagged:
        event = next((x for x in c if isinstance(x, str) and not isinstance(x, Token)), None)
        return _Tagged(Relative(_first(c, Count), event=event), "en")  # type: ignore[arg-type]

    def before(self, c: list[Any]) -> _Tagged:
        event = next((x for x in c if isinstance(x, str) and not isinstance(x, Token)), None)
        return _Tagged(Relative(_first(c, Count), before=True, event=event), "en")  # type: ignore[arg-type]

    def fixed_date(self, c: list[Any]) -> _Tagged:
        y, m, d = (int(x) for x in re.split("-", str(_tokens(c, "ISO_DATE")[0])))
        return _Tagged(ByDate(_date(y, m, d)), "en")

    def next_month_day(self, c: list[Any]) -> _Tagged:
        n = _ints(c)[0]
        return _Tagged(NextMonthDay(31 if n == -1 else n), "en")

    def within_after_edge(self, c: list[Any]) -> _Tagged:
        # "within 3 days after the end of the xun" is "at xun-end plus 3 days" (旬末后三日内).
        period, edge = next(x for x in c if isinstance(x, tuple) and isinstance(x[0], str))
        if period == "week":
            raise RuleError(
                "a deadline after the end of the week is not supported; write 'every Sunday'"
            )
        return _Tagged(PeriodDeadline(period, _edge(edge, (1, _first(c, Count)))), "en")

    def period_edge(self, c: list[Any]) -> _Tagged:
        period, edge = next(x for x in c if isinstance(x, tuple) and isinstance(x[0], str))
        if period == "week":
            raise RuleError(
                "a deadline at the end of the week is not supported; write 'every Sunday'"
            )
        return _Tagged(PeriodDeadline(period, _edge(edge, _offset(c))), "en")

    def period_nth(self, c: list[Any]) -> _Tagged:
        period = _period_noun(_tokens(c, "PERIOD_NOUN")[0])
        if period == "week":
            raise RuleError(
                "'the n-th working day of the week' is not supported as a deadline; "
                "write it as a schedule ('every week on the last working day')"
            )
        return _Tagged(PeriodDeadline(period, NthWorkingDay(_ints(c)[0])), "en")  # type: ignore[arg-type]

    def every_weekday(self, c: list[Any]) -> _Tagged:
        return _Tagged(Schedule("week", Weekday(_WEEKDAYS_EN[c[0].lower()])), "en")

    def every_working_day(self, c: list[Any]) -> _Tagged:
        return _Tagged(Schedule("day", WorkingDays()), "en")

    def every_period(self, c: list[Any]) -> _Tagged:
        adverb = _tokens(c, "PERIOD_ADVERB")
        if adverb:
            word = adverb[0].lower().replace(" ", "-")
            noun = _ADVERBS[word]
        else:
            noun = _period_noun(_tokens(c, "PERIOD_NOUN")[0])
        return _Tagged(_schedule(noun, _first(c, _Sel)), "en")

    def every_interval(self, c: list[Any]) -> _Tagged:
        noun = _period_noun(_tokens(c, "PERIOD_NOUN")[0])
        months = _tokens(c, "MONTH_EN")
        phase = _MONTHS_EN[months[0].lower().rstrip(".")] if months else None
        return _Tagged(_interval(_ints(c)[0], noun, phase, _first(c, _Sel)), "en")

    def months_end(self, c: list[Any]) -> _Tagged:
        months = _first(c, frozenset)
        return _Tagged(_schedule("month", _Sel(_edge("end", _offset(c)), None), months), "en")

    def months_start(self, c: list[Any]) -> _Tagged:
        months = _first(c, frozenset)
        return _Tagged(_schedule("month", _Sel(_edge("start", _offset(c)), None), months), "en")

    def months_sel(self, c: list[Any]) -> _Tagged:
        sel = _first(c, _Sel)
        if sel.period not in (None, "month"):
            raise RuleError(
                "a list of months takes a day of the month, an n-th working day or "
                "a month edge (e.g. 'in Apr and Oct on the last working day')"
            )
        return _Tagged(_schedule("month", _Sel(sel.selector, None), _first(c, frozenset)), "en")

    # ---- Chinese bodies
    def _zh(self, tagged: _Tagged) -> _Tagged:
        return _Tagged(tagged.body, "zh")

    def z_within(self, c: list[Any]) -> _Tagged:
        return self._zh(self.within(c))

    def z_before(self, c: list[Any]) -> _Tagged:
        event = None if c[0] is _NO_EVENT else c[0]
        return _Tagged(Relative(_first(c, Count), before=True, event=event), "zh")

    def z_fixed_date(self, c: list[Any]) -> _Tagged:
        y, m, d = _ints(c)
        return _Tagged(ByDate(_date(y, m, d)), "zh")

    def z_fixed_iso(self, c: list[Any]) -> _Tagged:
        return self._zh(self.fixed_date(c))

    def z_next_month_day(self, c: list[Any]) -> _Tagged:
        n = _ints(c)[0]
        if not 1 <= n <= 31:
            raise rule_error(
                f"day {n} of the next month does not exist; use 1 to 31",
                f"次月{n}日不存在；日期为1日至31日",
            )
        return _Tagged(NextMonthDay(n), "zh")

    def z_period_edge(self, c: list[Any]) -> _Tagged:
        return self._zh(self.period_edge(c))

    def z_period_nth(self, c: list[Any]) -> _Tagged:
        period = next(x for x in c if isinstance(x, str) and not isinstance(x, Token))
        return _Tagged(PeriodDeadline(period, NthWorkingDay(_ints(c)[0])), "zh")  # type: ignore[arg-type]

    def z_every_week(self, c: list[Any]) -> _Tagged:
        return _Tagged(Schedule("week", Weekday(0)), "zh")

    def z_every_week_nth(self, c: list[Any]) -> _Tagged:
        return _Tagged(Schedule("week", NthWorkingDay(_ints(c)[0])), "zh")

    def z_every_weekday(self, c: list[Any]) -> _Tagged:
        tok = _tokens(c, "WEEKDAY_ZH")[0]
        return _Tagged(Schedule("week", Weekday(_WEEKDAYS_ZH[tok[-1]])), "zh")

    def z_every_working_day(self, c: list[Any]) -> _Tagged:
        return _Tagged(Schedule("day", WorkingDays()), "zh")

    def z_every_period(self, c: list[Any]) -> _Tagged:
        return _Tagged(_schedule(c[0], _first(c, _Sel)), "zh")

    def z_every_interval(self, c: list[Any]) -> _Tagged:
        period = next(x for x in c if isinstance(x, str) and not isinstance(x, Token))
        ints = _ints(c)
        phase = ints[1] if len(ints) > 1 else None
        return _Tagged(_interval(ints[0], period, phase, None), "zh")

    def z_months(self, c: list[Any]) -> _Tagged:
        sel = _first(c, _Sel)
        return _Tagged(_schedule("month", sel, _first(c, frozenset)), "zh")

    # ---- the rule
    def action(self, c: list[Any]) -> _Action:
        (tok,) = c
        word = str(tok)
        return _Action(_ACTIONS[word.lower()], word, "zh" if tok.type == "ACTION_ZH" else "en")

    def mod_following(self, c: list[Any]) -> _Roll:
        return _Roll("following", _mod_word(c, "顺延"))

    def mod_preceding(self, c: list[Any]) -> _Roll:
        return _Roll("preceding", _mod_word(c, "提前"))

    def mod_none(self, c: list[Any]) -> _Roll:
        return _Roll("none", _mod_word(c, "不顺延"))

    def mod_skip(self, c: list[Any]) -> _Roll:
        return _Roll("skip", _mod_word(c, "取消"))

    def start(self, c: list[Any]) -> Rule:
        tagged: _Tagged = _first(c, _Tagged)
        actions = [x for x in c if isinstance(x, _Action)]
        rolls = {x.roll for x in c if isinstance(x, _Roll)}
        if len(actions) > 1:
            raise rule_error(
                f"two action words ({actions[0].word!r} and {actions[1].word!r}); keep one",
                f"有两个行为词（{actions[0].word!r}和{actions[1].word!r}）；请保留一个",
            )
        if len(rolls) > 1:
            # Name one word per convention: the two (or more) that contradict each other.
            words = list({x.roll: x.word for x in c if isinstance(x, _Roll)}.values())
            raise rule_error(
                f"contradictory modifiers {' and '.join(map(repr, words))}; keep one",
                f"节假日处理方式{'与'.join(map(repr, words))}互相矛盾；请保留一个",
            )
        action = actions[0] if actions else None
        return Rule(
            tagged.body,
            roll=rolls.pop() if rolls else None,  # type: ignore[arg-type]
            action=action.key if action else None,  # type: ignore[arg-type]
            action_word=action.word if action else None,
            lang=tagged.lang,  # type: ignore[arg-type]
        )


@functools.lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    return lark.Lark.open_from_package(
        "govops.rules",
        "grammar.lark",
        ("",),
        parser="lalr",
        lexer="contextual",
        transformer=_Builder(),
        maybe_placeholders=False,
    )


# -- errors ----------------------------------------------------------------------------------

_LABELS = {
    "INT": "a number",
    "EN_NUM": "a number",
    "ZH_NUM": "a number",
    "ISO_DATE": "a date (YYYY-MM-DD)",
    "ORDINAL": "a day such as '5th'",
    "ORD_WORD": "'first'",
    "LAST": "'last'",
    "DAYS": "'days'",
    "WORKING_DAYS": "'working days'",
    "CALENDAR_DAYS": "'calendar days'",
    "PERIOD_NOUN": "'month', 'quarter', 'half-year', 'year', 'week' or 'xun'",
    "PERIOD_EDGE": "'month-end', 'quarter-end', 'year-end', 'xun-end'",
    "PERIOD_ADVERB": "'weekly', 'monthly', 'quarterly'",
    "END": "'end'",
    "START": "'start'",
    "PLUS": "'plus'",
    "MINUS": "'minus'",
    "WEEKDAY_EN": "a weekday ('Monday')",
    "MONTH_EN": "a month ('Jan')",
    "EVENT_EN": "an event ('the meeting', 'formation', 'receipt')",
    "ACTION_EN": "an action ('report')",
    "ROLL_FWD": "'roll forward'",
    "ROLL_BACK": "'roll back'",
    "NO_ROLL": "'no roll'",
    "SKIP_HOL": "'skip holidays'",
    "_WITHIN": "'within'",
    "_AFTER": "'after'",
    "_BEFORE": "'before'",
    "_IN_ADVANCE": "'in advance'",
    "_BY": "'by'",
    "_AT": "'at'",
    "_ON": "'on'",
    "_IN": "'in'",
    "_OF": "'of'",
    "_THE": "'the'",
    "_AND": "'and'",
    "_EVERY": "'every'",
    "_NEXT_MONTH": "'next month'",
    "_STARTING": "'starting'",
    "$END": "the end of the rule",
    "DAY_ZH": "'日'/'天'",
    "WORKING_DAY_ZH": "'工作日'",
    "NATURAL_DAY_ZH": "'自然日'",
    "WEEK_ZH": "'周'",
    "MONTH_ZH": "'月'",
    "QUARTER_ZH": "'季度'",
    "HALF_YEAR_ZH": "'半年'",
    "XUN_ZH": "'旬'",
    "YEAR_ZH": "'年'",
    "EDGE_ZH": "'底'/'末'/'初'",
    "WEEKDAY_ZH": "a weekday ('周一')",
    "EVENT_ZH": "an event ('形成', '收到')",
    "ACTION_ZH": "an action ('报送')",
    "YU": "'遇节假日'",
    "ONCE": "'一次'",
}

_KEYWORDS_EN = (
    "every within after before by at on in of the and plus minus starting last first day days "
    "week weeks month months year years quarter half-year working business calendar month-end "
    "quarter-end year-end half-year-end month-start quarter-start year-start end start beginning "
    "xun xun-end xun-start "
    "next advance meeting formation receipt assignment decision report submit hold publish "
    "disclose complete reply roll forward back no skip holidays workday workdays"
)
_VOCAB_EN = sorted(
    set(_KEYWORDS_EN.split())
    | set(_WEEKDAYS_EN)
    | set(_MONTHS_EN)
    | set(_EN_NUMBERS)
    | set(_EN_TENS)
    | set(_ORD_WORDS)
)
_VOCAB_ZH = [
    "季度末",
    "季末",
    "季度初",
    "月底",
    "月末",
    "月初",
    "年底",
    "年末",
    "年初",
    "半年末",
    "旬末",
    "每旬",
    "工作日",
    "自然日",
    "每周",
    "每月",
    "每季度",
    "每年",
    "每个工作日",
    "会后",
    "会前",
    "提前",
    "顺延",
    "不顺延",
    "遇节假日",
    "取消",
    "之日起",
    "之日前",
    "次月",
    "最后一个",
    "第",
    "个月",
    "以内",
    "报送",
    "提报",
    "上报",
    "公开",
    "召开",
    "形成",
    "收到",
    "交办",
    "一次",
    "星期",
    "礼拜",
]
_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _normalize(text: str) -> tuple[str, list[int]]:
    """NFKC per character (full-width digits → ASCII), with a map back to original offsets."""
    parts: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
        parts.append(n)
        offsets.extend([i] * len(n))
    offsets.append(len(text))
    return "".join(parts), offsets


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _label(name: str) -> str:
    if name in _LABELS:
        return _LABELS[name]
    try:
        pattern = _parser().get_terminal(name).pattern
    except KeyError:  # pragma: no cover - every terminal is in the grammar
        return name
    return f"'{pattern.value}'"


def _state_terminals(e: UnexpectedToken) -> set[str]:
    """Every terminal the parser state accepted; lark's own list leaves out terminals named by a
    Chinese literal (their names are not upper case)."""
    state = e.state
    if state is None:  # pragma: no cover - lark always attaches the state
        return set()
    names = {t.name for t in _parser().terminals} | {"$END"}
    return {k for k in state.parse_conf.parse_table.states[state.position] if k in names}


# Words of opposite meaning: one is never offered for the other, however close the spelling.
_OPPOSITES = frozenset(
    frozenset(pair)
    for pair in (
        ("之日起", "之日前"),
        ("会后", "会前"),
        ("顺延", "提前"),
        ("顺延", "不顺延"),
        ("月初", "月末"),
        ("年初", "年末"),
        ("after", "before"),
        ("start", "end"),
        ("forward", "back"),
        ("first", "last"),
    )
)


def _suggest(norm: str, pos: int) -> tuple[str, str] | None:
    """A did-you-mean for the word at ``pos``: ``(word, corrected text)``, or ``None``."""
    m = _WORD.match(norm, pos)
    if m is None and pos > 0 and norm[pos - 1 : pos].isalpha() and norm[pos - 1].isascii():
        start = pos
        while start > 0 and norm[start - 1].isascii() and norm[start - 1].isalpha():
            start -= 1
        m = _WORD.match(norm, start)
    if m is not None:
        word = m.group().lower().rstrip("-")
        if word in _VOCAB_EN:
            return None
        close = [
            w
            for w in difflib.get_close_matches(word, _VOCAB_EN, n=3, cutoff=0.75)
            if frozenset((w, word)) not in _OPPOSITES
        ]
        if not close:
            return None
        return close[0], norm[: m.start()] + close[0] + norm[m.start() + len(word) :]
    best: tuple[float, str, int, str] | None = None
    for back in (0, 1, 2):
        start = pos - back
        if start < 0:
            continue
        for word in _VOCAB_ZH:
            cand = norm[start : start + len(word)]
            if len(word) < 2 or len(cand) < len(word) or cand == word or not _CJK.match(cand):
                continue
            if frozenset((cand, word)) in _OPPOSITES:
                continue
            ratio = difflib.SequenceMatcher(None, cand, word).ratio()
            if ratio >= 0.6 and (best is None or ratio > best[0]):
                best = (ratio, word, start, cand)
    if best is None:
        return None
    _, word, start, cand = best
    return word, norm[:start] + word + norm[start + len(cand) :]


def _parses(text: str) -> bool:
    """Whether ``text`` reads as a rule (a suggestion is offered only if it does)."""
    try:
        _parser().parse(text)
    except (UnexpectedInput, GovopsError):
        return False
    return True


_LANGUAGE_NEUTRAL = frozenset({"INT", "ZH_NUM", "EN_NUM", "ISO_DATE", "$END"})


_LABELS_ZH = {
    "INT": "数字",
    "ZH_NUM": "数字",
    "EN_NUM": "数字",
    "ISO_DATE": "日期（YYYY-MM-DD）",
    "$END": "规则结尾",
    "WEEKDAY_ZH": "星期几（如“周一”）",
    "EVENT_ZH": "事件（如“收到”）",
    "ACTION_ZH": "行为（如“报送”）",
    "YU": "“遇节假日”",
}


def _labels(names: set[str], *, is_zh: bool) -> list[str]:
    """Words for the expected terminals, in the language of the text (numbers in both)."""
    labels = set()
    for name in names:
        if name.startswith("__IGNORE"):
            continue
        if is_zh and name in _LABELS_ZH:
            labels.add(_LABELS_ZH[name])
            continue
        label = _label(name)
        if name in _LANGUAGE_NEUTRAL or bool(_CJK.search(label)) == is_zh:
            labels.add(label)
    return sorted(labels)


def _syntax_error(text: str, norm: str, offsets: list[int], e: UnexpectedInput) -> RuleSyntaxError:
    if isinstance(e, UnexpectedToken):
        token = e.token
        at_end = token.type == "$END"
        pos = len(norm.rstrip()) if at_end else (token.start_pos or 0)
        expected = set(e.expected) | _state_terminals(e)
        what = "" if at_end else repr(str(token))
    else:
        assert isinstance(e, UnexpectedCharacters)
        pos = e.pos_in_stream or 0
        expected = set(e.allowed or ())
        m = _WORD.match(norm, pos)
        what = repr(m.group() if m else norm[pos])
    labels = _labels(expected, is_zh=bool(_CJK.search(norm)))  # in the language of the text
    orig = offsets[min(pos, len(offsets) - 1)]
    line = text.count("\n", 0, orig) + 1
    line_start = text.rfind("\n", 0, orig) + 1
    line_end = text.find("\n", orig)
    line_text = text[line_start : line_end if line_end >= 0 else len(text)]
    column = orig - line_start + 1
    is_zh = bool(_CJK.search(norm))
    suggestion = None
    months = re.search(r"([0-9]+|[〇零一二两三四五六七八九十百千廿]+)月(以|之)?内", norm)
    if months:  # "3月内" reads as "within March" or "within 3 months": ask for the unambiguous form
        fixed = f"{months.group(1)}个月内"
        found: tuple[str, str] | None = (
            fixed,
            norm[: months.start()] + fixed + norm[months.end() :],
        )
    else:
        found = _suggest(norm, pos)
    if found is not None and _parses(found[1]):
        suggestion = found[0]
    if is_zh:
        where = f"第{line}行第{column}列"
        if what:
            message = f"无法识别规则{text!r}：{where}的{what}无法识别"
        else:
            message = f"无法识别规则{text!r}：规则不完整（{where}）"
        if labels:
            message += "；此处应为" + "、".join(labels)
        if suggestion:
            message += f"；是否要写{suggestion!r}？"
    else:
        if what:
            message = (
                f"cannot read rule {text!r}: unexpected {what} at line {line}, column {column}"
            )
        else:
            message = f"cannot read rule {text!r}: it ends too soon (line {line}, column {column})"
        if labels:
            message += "; expected " + (
                ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]
            )
        if suggestion:
            message += f"; did you mean {suggestion!r}?"
    caret = " " * _width(line_text[: column - 1]) + "^"
    message += f"\n    {line_text}\n    {caret}"
    return RuleSyntaxError(
        message,
        text=text,
        line=line,
        column=column,
        expected=tuple(labels),
        suggestion=suggestion,
    )


# -- entry point -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Rule:
    if not text.strip():
        raise RuleSyntaxError(
            f"cannot read rule {text!r}: it is empty; write e.g. 'within 2 days' (两日内)",
            text=text,
            line=1,
            column=1,
            expected=("a rule",),
        )
    if len(text) > MAX_LENGTH:
        raise RuleError(f"rule text of {len(text)} characters is too long (at most {MAX_LENGTH})")
    # Most rules are already NFKC (ASCII, or plain Chinese): then the per-character pass, which
    # also maps offsets back for error reports, is only needed when there is an error to report.
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        norm = text
    else:
        norm = _normalize(text)[0]
    try:
        rule: Rule = _parser().parse(norm)  # type: ignore[assignment]
    except UnexpectedInput as e:
        norm, offsets = _normalize(text)
        raise _syntax_error(text, norm, offsets, e) from None
    except VisitError as e:  # pragma: no cover - the builder runs inside the parser
        if isinstance(e.orig_exc, GovopsError):
            raise e.orig_exc from None
        raise
    except RuleSyntaxError:
        raise
    except RuleError as e:
        if _CJK.search(norm):
            raise RuleError(f"规则{text!r}：{message_in(e, 'zh')}") from None
        raise RuleError(f"rule {text!r}: {e}") from None
    return rule


def parse_rule(text: str) -> Rule:
    """Read a rule written in English or Chinese.

    Results are cached: parsing a text seen before costs a dictionary lookup.

    >>> from govops.rules import parse_rule
    >>> parse_rule("会后两日内报送") == parse_rule("report within two days after the meeting")
    True
    >>> parse_rule("每季度末后两天提报").to_text()
    'report every quarter at quarter-end plus 2 days'
    >>> parse_rule("at quater-end plus two days")
    Traceback (most recent call last):
    ...
    govops.exceptions.RuleSyntaxError: cannot read rule 'at quater-end plus two days': unexpected 'quater-end' at line 1, column 4; ... did you mean 'quarter-end'?
        at quater-end plus two days
           ^
    """
    if type(text) is not str:
        raise InvalidTypeError(f"text={text!r} is a {type(text).__name__}; expected a str")
    return _parse_cached(text)
