"""The vocabulary of the rule language: numbers written any way, the names of weekdays, months,
periods and edges, the events and actions the language knows in both languages, and times of day.
"""

from __future__ import annotations

import datetime as dt
import re

from ._nodes import TimeOfDay, rule_error

__all__ = ["time_of_day", "zh_number"]

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
    """``forty-five`` → 45, ``one hundred and twenty`` → 120."""
    words = [w for w in re.split(r"[- ]+", text.lower()) if w and w != "and"]
    total = 0
    if len(words) > 1 and words[1] == "hundred":
        total, words = 100 * _EN_NUMBERS[words[0]], words[2:]
    for word in words:
        total += _EN_TENS.get(word) or _EN_NUMBERS[word]
    return total


# -- words

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
    "the meeting": "meeting",
    "formation": "formation",
    "receipt": "receipt",
    "assignment": "assignment",
    "decision": "decision",
    "the decision": "decision",
    "acceptance": "acceptance",
    "service": "service",
    "会": "meeting",
    "会议": "meeting",
    "开会": "meeting",
    "会议召开": "meeting",
    "形成": "formation",
    "收到": "receipt",
    "接到": "receipt",
    "收悉": "receipt",
    "交办": "assignment",
    "作出行政决定": "decision",
    "作出决定": "decision",
    "受理": "acceptance",
    "送达": "service",
    "expiry": "expiry",
    "expiry of the original period": "expiry",
    "原期限届满": "expiry",
    "期限届满": "expiry",
}
# What surrounds an event's name without being part of it: a modal verb and 自/从/于/在 in front
# (应当自收到申请之日起), "the date of" in English ("from the date of the decision").
_ZH_EVENT_FRONT = re.compile(
    "^(?:.{0,16}?(?:应当|应该|必须|须|应|可以|有权)(?:自|从|于|在)|(?:自|从|于|在))?"
)
_EN_EVENT_FRONT = re.compile(r"^(?:the\s+)?(?:date|day)\s+(?:of|on\s+which|when)\s+", re.I)
_EN_MODAL = re.compile(r"^(?:shall|must|should|will)\s+", re.I)


_QUOTES = ('"', "“", "”", "「", "」")


def _event_name(text: str, *, zh: bool) -> str:
    """The key of a known event, else the name as written (without its 自 / "the date of"); a
    quoted name is taken exactly as written inside its quotes."""
    text = text.strip()
    if len(text) > 2 and text.startswith(_QUOTES) and text.endswith(_QUOTES):
        return " ".join(text[1:-1].split())
    # Once: 自自然灾害发生 is the event 自然灾害发生.
    name = _ZH_EVENT_FRONT.sub("", text, count=1) if zh else _EN_EVENT_FRONT.sub("", text, count=1)
    name = " ".join(name.split())
    if not name:
        raise rule_error(
            f"{text!r} names no event; write e.g. 'within 15 days after receipt'",
            f"{text!r}没有写明事件；可写“自收到之日起15日内”",
        )
    return _EVENTS.get(name.lower() if not zh else name, name)


def _action_text(text: str) -> str:
    return " ".join(_EN_MODAL.sub("", text.strip()).split())


_CLOSE_WORDS = re.compile(
    r"下班|下午|close of business|cob|end of business|working day|afternoon", re.I
)
_NOON_WORDS = re.compile(r"上午|中午|午前|morning|noon|midday", re.I)
_CLOCK_ZH = re.compile(
    "(?P<half>上午|下午|中午)?(?P<h>[0-9〇零一二两三四五六七八九十]{1,3})(?:时|点|:(?P<m2>[0-9]{2}))"
    "(?:(?P<m>[0-9〇零一二三四五六七八九十]{1,2})分|(?P<ban>半))?"
)
_CLOCK_EN = re.compile(
    r"(?P<h>[0-9]{1,2})(?::(?P<m>[0-9]{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?", re.I
)


def time_of_day(text: str) -> TimeOfDay:
    """The time a phrase names: ``17:30前`` → 17:30, ``下午3点`` → 15:00, ``by 5 pm`` → 17:00,
    ``上午`` / ``morning`` → 12:00 (the morning ends at noon), ``下班前`` / ``close of business``
    → the close of business (the calendar's office hours say when).

    >>> [time_of_day(t).clock for t in ("17:30前", "下午3点", "by 5 pm", "上午")]
    [datetime.time(17, 30), datetime.time(15, 0), datetime.time(17, 0), datetime.time(12, 0)]
    >>> time_of_day("下班前").clock is None
    True
    """
    zh = _CLOCK_ZH.search(text)
    if zh is not None:
        hour = int(zh["h"]) if zh["h"].isdigit() else zh_number(zh["h"])
        if zh["half"] in ("下午",) and hour < 12:
            hour += 12
        minute = 30 if zh["ban"] else int(zh["m2"] or 0)
        if zh["m"]:
            minute = int(zh["m"]) if zh["m"].isdigit() else zh_number(zh["m"])
        return TimeOfDay(_clock(hour, minute, text))
    en = _CLOCK_EN.search(text)
    if en is not None and (en["ampm"] or en["m"]):
        hour, minute = int(en["h"]), int(en["m"] or 0)
        ampm = (en["ampm"] or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        return TimeOfDay(_clock(hour, minute, text))
    if _NOON_WORDS.search(text):
        return TimeOfDay(dt.time(12, 0))
    assert _CLOSE_WORDS.search(text), text
    return TimeOfDay()


def _clock(hour: int, minute: int, text: str) -> dt.time:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise rule_error(
            f"{text!r} is not a time of day; write e.g. '17:30' or '5 pm'",
            f"{text!r}不是有效的时间；可写“17:30前”或“下午5点前”",
        )
    return dt.time(hour, minute)


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
    "年度": "year",
    "月度": "month",
}
_EDGE_ZH = {
    "底": "end",
    "末": "end",
    "初": "start",
    "终了": "end",
    "结束": "end",
    "届满": "end",
    "期满": "end",
}
_PERIOD_NAME_ZH = {
    "day": "日",
    "week": "周",
    "xun": "旬",
    "month": "月",
    "quarter": "季度",
    "half_year": "半年",
    "year": "年",
}
