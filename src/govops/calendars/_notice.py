"""Reading the State Council's holiday notice (国务院办公厅关于××××年部分节假日安排的通知) as published.

Every year's notice has the same shape: a title naming the year, one numbered clause per festival
("一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。"), closing remarks, the
issuing office and the date, and in most printings the document number (国办发明电〔2025〕7号). The
wording has drifted over the years, and :func:`parse_notice` reads every form used since 2008:

* ranges ("2月15日至23日"), single days ("6月19日放假"), lists of make-up workdays joined by "、";
* "与周末连休" (the day joins the adjacent weekend) and "补休" (a day off for a festival on a weekend);
* brackets after a date with its weekday ("（星期一）", "（周一）") and lunar annotations
  ("（农历除夕、周二）", "（农历正月初七、周二）"), or no brackets at all (older notices);
* "其中，……为法定节假日" sentences and "鼓励……" sentences, which arrange nothing;
* simplified or traditional characters, full- or half-width punctuation and digits.

What the text states is checked against itself, and a contradiction is a :class:`~govops.NoticeError`
naming the clause, with the line, column and a caret under the fault: a weekday that does not match
its date, a lunar day of the New Year (除夕, 春节, 正月初N) that is another day that year, "共N天"
that does not match the days listed, a make-up workday that is not a Saturday or Sunday, a date
outside the notice's year (December of the year before is allowed: the notices of 2008, 2012 and
2019 arranged the last days of December), "与周末连休" for a day no weekend touches, two clauses
giving the same day.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from typing import final

import attrs

from ..exceptions import InvalidTypeError, NoticeError
from ._schedule import HolidaySchedule
from ._source import lunar_new_year

__all__ = ["FESTIVAL_NAMES_EN", "parse_notice"]

FESTIVAL_NAMES_EN = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Tomb-Sweeping Day",
    "劳动节": "Labor Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-Autumn Festival",
    "国庆节": "National Day",
}
"""The English names of the festivals of 全国年节及纪念日放假办法, as the ``holidays`` data names them."""

# Traditional characters that occur in the notices, mapped one to one so that columns stay put.
_TRADITIONAL = str.maketrans(
    dict(
        zip(
            "國務辦廳關於節勞動慶調補與週連農曆臘發電號為現將經單體",
            "国务办厅关于节劳动庆调补与周连农历腊发电号为现将经单体",
            strict=True,
        )
    )
)

_WEEKDAYS = "一二三四五六日"
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九十", start=0)}

_CLAUSE = re.compile(
    r"(?m)(?:^|(?<=[。:]))[ \t\u3000]*([一二三四五六七八九十]+)、\s*([^:]{1,40}?)\s*:"
)
# Line breaks may fall anywhere inside a clause (text copied from a PDF): whitespace is allowed
# between the parts of a date, inside brackets and around the words that join dates.
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日(?:\s*\(([^()]*)\))?")
_RANGE_JOIN = re.compile(r"\s*(?:至|到|-|—|–|~|〜)\s*")
_LIST_JOIN = re.compile(r"\s*(?:、|和|及)\s*")
_TOTAL = re.compile(r"(?:共|放假)([0-9一二三四五六七八九十]+)天")
# Lunar days of the New Year a bracket may name; 腊月 days are not checked (腊月 has 29 or 30 days).
_LUNAR = re.compile(r"(?:农历)?(除夕|春节|(?:正月)?初([一二三四五六七八九十]))")  # one bracket part
_WEEKDAY = re.compile(r"(?:星期|周|礼拜)([一二三四五六日天])")
_YEAR = (
    re.compile(r"关于(\d{4})年"),
    re.compile(r"(\d{4})年(?:部分)?节假日"),
    re.compile(r"现将(\d{4})年"),
)
_DOCUMENT = re.compile(r"国办发(?:明电)?\s*[〔\[［(【]\s*(\d{4})\s*[〕\]］)】]\s*(\d+)\s*号")
_SIGNED = re.compile(r"(?m)^[ \t\u3000]*(\d{4})年(\d{1,2})月(\d{1,2})日[ \t\u3000]*$")
_SENTENCE_END = re.compile(r"。|;|\.(?!\d)")
# A clause ends at the next clause, a blank line, or the closing remarks and signature.
_CLAUSE_END = re.compile(
    r"\n[ \t\u3000]*(?:\n|(?=节假日期间|国务院办公厅|\d{4}年\d{1,2}月\d{1,2}日[ \t\u3000]*$))", re.M
)


def _normalize(text: str) -> str:
    """Simplified characters and half-width punctuation and digits, one character for one."""
    out = []
    for ch in text.translate(_TRADITIONAL):
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out).replace("：", ":")


@final
@attrs.frozen
class _Mention:
    """A date as the text writes it: where, what it says, and the weekday it claims."""

    start: int
    end: int
    year: int | None
    month: int | None
    day: int
    bracket: str | None
    bracket_at: int


@final
@attrs.frozen
class _Clause:
    number: str
    names: tuple[str, ...]
    start: int
    body_start: int
    end: int

    @property
    def title(self) -> str:
        return f"{self.number}、{'、'.join(self.names)}"


class _Reader:
    """The parse of one notice: the normalized text, for positions and messages."""

    def __init__(self, original: str, year: int | None) -> None:
        self.original = original
        self.text = _normalize(original)
        self.year = self._year(year)

    # -- errors ---------------------------------------------------------------------------------

    def fail(self, at: int, message: str, clause: _Clause | None = None) -> NoticeError:
        line = self.text.count("\n", 0, at) + 1
        line_start = self.text.rfind("\n", 0, at) + 1
        column = at - line_start + 1
        line_end = self.text.find("\n", at)
        shown = self.original[line_start : line_end if line_end >= 0 else len(self.original)]
        # Wide characters take two columns in a terminal: the caret lines up under them.
        pad = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in shown[: column - 1])
        where = f"第{line}行第{column}列"
        head = f"{where}（{clause.title}）：" if clause else f"{where}："
        return NoticeError(
            f"{head}{message}\n  {shown}\n  {' ' * pad}^",
            text=self.original,
            line=line,
            column=column,
            clause=clause.title if clause else None,
        )

    # -- the year, the document number and the date ---------------------------------------------

    def _year(self, given: int | None) -> int:
        for pattern in _YEAR:
            m = pattern.search(self.text)
            if m:
                found = int(m[1])
                if given is not None and given != found:
                    raise self.fail(m.start(1), f"通知写的是{found}年，但调用时给出year={given}")
                return found
        if given is not None:
            return given
        raise self.fail(
            0,
            "找不到通知所安排的年份：标题应为“国务院办公厅关于××××年部分节假日安排的通知”，"
            "正文应有“现将××××年……”；或调用时给出year=",
        )

    def document(self) -> str | None:
        m = _DOCUMENT.search(self.text)
        if m is None:
            return None
        kind = "国办发明电" if "明电" in m[0] else "国办发"
        return f"{kind}〔{m[1]}〕{m[2]}号"

    def issued(self) -> dt.date | None:
        found = None
        for m in _SIGNED.finditer(self.text):
            found = self.calendar_date(m.start(), int(m[1]), int(m[2]), int(m[3]), None)
        return found

    def title(self) -> str:
        return f"国务院办公厅关于{self.year}年部分节假日安排的通知"

    # -- clauses --------------------------------------------------------------------------------

    def clauses(self) -> list[_Clause]:
        heads = [
            m
            for m in _CLAUSE.finditer(self.text)
            if any(name in m[2] for name in FESTIVAL_NAMES_EN) or "纪念日" in m[2]
        ]
        if not heads:
            raise self.fail(
                0,
                "找不到任何节日条款；每个节日应单列一条，如“一、元旦：1月1日放假，共1天。”",
            )
        out = []
        for i, m in enumerate(heads):
            stop = heads[i + 1].start() if i + 1 < len(heads) else len(self.text)
            # The closing remarks after the last clause are not part of it.
            closing = _CLAUSE_END.search(self.text, m.end(), stop)
            end = closing.start() if closing else stop
            names = tuple("".join(n.split()) for n in re.split(r"[、,]", m[2]) if n.strip())
            out.append(_Clause(m[1], names, m.start(), m.end(), end))
        return out

    def sentences(self, clause: _Clause) -> Iterator[tuple[int, int]]:
        start = clause.body_start
        for m in _SENTENCE_END.finditer(self.text, clause.body_start, clause.end):
            if m.start() > start:
                yield start, m.start()
            start = m.end()
        if start < clause.end:
            yield start, clause.end

    # -- dates ----------------------------------------------------------------------------------

    def calendar_date(
        self, at: int, year: int, month: int, day: int, clause: _Clause | None
    ) -> dt.date:
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise self.fail(at, f"{year}年{month}月{day}日不是一个日期", clause) from None

    def mentions(self, start: int, end: int) -> list[_Mention]:
        """The dates written in text[start:end] outside brackets (a date in brackets annotates)."""
        out = []
        depth_at = _bracket_depths(self.text, start, end)
        for m in _DATE.finditer(self.text, start, end):
            if depth_at[m.start() - start]:
                continue
            out.append(
                _Mention(
                    m.start(),
                    m.end(),
                    int(m[1]) if m[1] else None,
                    int(m[2]) if m[2] else None,
                    int(m[3]),
                    m[4],
                    m.start(4) if m[4] is not None else m.end(),
                )
            )
        return out


def _bracket_depths(text: str, start: int, end: int) -> list[int]:
    depths, depth = [], 0
    for ch in text[start:end]:
        if ch == "(":
            depth += 1
        depths.append(depth)
        if ch == ")" and depth:
            depth -= 1
    return depths


def _count(text: str) -> int | None:
    """The number in "共N天": digits, or Chinese numerals up to 九十九; ``None`` if neither."""
    if text.isdigit():
        return int(text)
    tens, ten, ones = text.partition("十")
    if not ten:
        return _CN_DIGITS.get(text) if len(text) == 1 else None
    if len(tens) > 1 or len(ones) > 1:
        return None
    high = _CN_DIGITS.get(tens, -100) if tens else 1
    low = _CN_DIGITS.get(ones, -100) if ones else 0
    value = 10 * high + low
    return value if value > 0 else None


def _weekday_zh(d: dt.date) -> str:
    return f"星期{_WEEKDAYS[d.weekday()]}"


def _span(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def parse_notice(
    text: str, *, source: str | None = None, year: int | None = None
) -> HolidaySchedule:
    """The holiday arrangement of a State Council notice, from its text as published.

    ``source`` names the document in the calendar (default: the notice's document number when the
    text has one, else its title); ``year`` is needed only when the text names none. Each day off
    is named after its festival; each make-up workday "<festival>调休上班". A statement the notice
    contradicts (see the module docstring) is a :class:`~govops.NoticeError` naming the clause.

    >>> from govops.calendars import parse_notice
    >>> s = parse_notice('''国务院办公厅关于2026年部分节假日安排的通知
    ... 国办发明电〔2025〕7号
    ... 一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    ... ''')
    >>> s.year, s.source, [str(d) for d, _, _ in s.holidays], [str(d) for d, _, _ in s.workdays]
    (2026, '国办发明电〔2025〕7号', ['2026-01-01', '2026-01-02', '2026-01-03'], ['2026-01-04'])
    >>> parse_notice('2026年节假日安排：一、元旦：1月1日（周三）放假，共1天。')
    Traceback (most recent call last):
    ...
    govops.exceptions.NoticeError: 第1行第22列（一、元旦）：1月1日标注（周三），但2026-01-01是星期四
      2026年节假日安排：一、元旦：1月1日（周三）放假，共1天。
                                          ^
    """
    if not isinstance(text, str):
        raise InvalidTypeError(
            f"text={text!r} is a {type(text).__name__}; expected the notice as a str"
        )
    reader = _Reader(text, year)
    year_ = reader.year
    off: dict[dt.date, tuple[str, str, _Clause]] = {}
    on: dict[dt.date, tuple[str, str, _Clause]] = {}
    for clause in reader.clauses():
        zh = "、".join(clause.names)
        en = " and ".join(FESTIVAL_NAMES_EN.get(n, n) for n in clause.names)
        days_off, workdays = _read_clause(reader, clause, year_)
        if not days_off:
            raise reader.fail(
                clause.body_start,
                "这一条没有写放假的日期；应写如“1月1日放假”或“2月15日至23日放假调休，共9天”",
                clause,
            )
        for d, at in days_off:
            if d in off and off[d][2] is not clause:
                raise reader.fail(at, f"{d.isoformat()}已在“{off[d][2].title}”中放假", clause)
            off[d] = (zh, en, clause)
        for d, at in workdays:
            if d in on and on[d][2] is not clause:
                raise reader.fail(at, f"{d.isoformat()}已在“{on[d][2].title}”中安排上班", clause)
            on[d] = (f"{zh}调休上班", f"Make-up workday for {en}", clause)
    for d in sorted(set(off) & set(on)):
        raise reader.fail(on[d][2].body_start, f"{d.isoformat()}既放假又上班", on[d][2])
    document = reader.document()
    return HolidaySchedule(
        year_,
        source or document or reader.title(),
        tuple((d, zh, en) for d, (zh, en, _) in sorted(off.items())),
        tuple((d, zh, en) for d, (zh, en, _) in sorted(on.items())),
        issued=reader.issued(),
    )


def _read_clause(
    reader: _Reader, clause: _Clause, year: int
) -> tuple[list[tuple[dt.date, int]], list[tuple[dt.date, int]]]:
    """The days off and make-up workdays of one clause, each with where the text gives it."""
    text = reader.text
    days_off: list[tuple[dt.date, int]] = []
    workdays: list[tuple[dt.date, int]] = []
    month: list[int | None] = [None]  # the month in force: "2月20日、21日" carries it on
    for start, end in reader.sentences(clause):
        if text[start:end].lstrip(" ,").startswith("鼓励"):
            continue  # an encouragement (e.g. to rest on New Year's Eve), not an arrangement
        groups = _groups(text, reader.mentions(start, end))
        counted = 0
        for gi, group in enumerate(groups):
            # What the group's dates are: the words after it, up to the next group.
            tail_end = groups[gi + 1][0][0].start if gi + 1 < len(groups) else end
            tail = text[group[-1][-1].end : tail_end]
            ends = [(m, _resolve(reader, clause, m, year, month)) for part in group for m in part]
            verb = _verb(tail)
            if verb is None:
                continue  # "其中……为法定节假日", "……公休日调至……": arranged elsewhere
            for m, d in ends:
                _check_in_year(reader, clause, m, d, year)
            dates = _expand(reader, clause, group, dict(ends))
            if verb == "work":
                for d, at in dates:
                    if d.weekday() < 5:
                        raise reader.fail(
                            at,
                            f"调休上班日应为周六或周日，但{d.isoformat()}是{_weekday_zh(d)}",
                            clause,
                        )
                workdays += dates
                continue
            days_off += dates
            counted += len(dates)
            if "连休" in tail:
                days_off += _joined_weekend(reader, clause, dates, group[0][0].start)
            total = _TOTAL.search(tail)
            if total:
                stated = _count(total[1])
                if stated != counted:
                    said = f"共{stated}天" if stated is not None else f"“{total[0]}”"
                    raise reader.fail(
                        group[-1][-1].end + total.start(),
                        f"写明{said}，但所列放假日期共{counted}天",
                        clause,
                    )
    return days_off, workdays


def _resolve(
    reader: _Reader, clause: _Clause, m: _Mention, year: int, month: list[int | None]
) -> dt.date:
    """The date a mention means, its bracketed weekday checked; ``month`` carries the month on."""
    if m.month is not None:
        month[0] = m.month
    if month[0] is None:
        raise reader.fail(m.start, f"{m.day}日没有写月份", clause)
    y = m.year
    if y is None:
        # A New Year clause's December is the year before (2019: 12月30日至1月1日).
        y = year - 1 if month[0] == 12 and any("元旦" in n for n in clause.names) else year
    d = reader.calendar_date(m.start, y, month[0], m.day, clause)
    _check_bracket(reader, clause, m, d)
    return d


def _expand(
    reader: _Reader,
    clause: _Clause,
    group: list[list[_Mention]],
    dates: dict[_Mention, dt.date],
) -> list[tuple[dt.date, int]]:
    """Every day of a group: each single day, and every day of each range."""
    out: list[tuple[dt.date, int]] = []
    for part in group:
        first, last = dates[part[0]], dates[part[-1]]
        if last < first:
            raise reader.fail(part[-1].start, f"范围的终点{last}早于起点{first}", clause)
        out += [(d, part[0].start) for d in _span(first, last)]
    return out


def _groups(text: str, mentions: list[_Mention]) -> list[list[list[_Mention]]]:
    """Mentions joined into groups (listed with 、) of parts (a day, or a range with 至)."""
    groups: list[list[list[_Mention]]] = []
    for m in mentions:
        if groups:
            prev = groups[-1][-1][-1]
            between = text[prev.end : m.start]
            if _RANGE_JOIN.fullmatch(between) and len(groups[-1][-1]) == 1:
                groups[-1][-1].append(m)
                continue
            if _LIST_JOIN.fullmatch(between):
                groups[-1].append([m])
                continue
        groups.append([[m]])
    return groups


def _verb(tail: str) -> str | None:
    """What the words after a group of dates do with them: days off, make-up workdays or nothing."""
    head = tail.lstrip(" ,")
    # "为法定节假日" / "公休日调至…" describe days arranged elsewhere in the clause.
    if head.startswith(("为", "是", "公休日", "调至")):
        return None
    first = {word: tail.find(word) for word in ("放假", "补休", "上班", "休息") if word in tail}
    if not first:
        return None
    word = min(first, key=first.__getitem__)
    return "work" if word == "上班" else "off"


def _check_bracket(reader: _Reader, clause: _Clause, m: _Mention, d: dt.date) -> None:
    """The weekday in brackets is the date's, and so is a lunar day of the New Year (除夕, 初N)."""
    if m.bracket is None:
        return
    written = reader.text[m.start : m.bracket_at - 1].strip()
    found = _WEEKDAY.search(m.bracket)
    if found is not None:
        stated = "日" if found[1] == "天" else found[1]
        if _WEEKDAYS.index(stated) != d.weekday():
            raise reader.fail(
                m.bracket_at + found.start(),
                f"{written}标注（{found[0]}），但{d.isoformat()}是{_weekday_zh(d)}",
                clause,
            )
    new_year = lunar_new_year(d.year)
    if "至" in m.bracket or new_year is None:
        return  # a range's annotation ("农历除夕至正月初六") names two days
    at = m.bracket_at
    for part in re.split(r"[、,]", m.bracket):
        lunar = _LUNAR.fullmatch(part.strip())
        if lunar is not None:
            # Days from 正月初一: 除夕 is the day before, 春节 the day itself, 初N the N-th day.
            offset = {"除夕": -1, "春节": 0}.get(lunar[1], (_count(lunar[2] or "") or 1) - 1)
            expected = new_year + dt.timedelta(days=offset)
            if expected != d:
                raise reader.fail(
                    at,
                    f"{written}标注（{part.strip()}），但{d.year}年的{lunar[1]}是{expected.isoformat()}",
                    clause,
                )
        at += len(part) + 1


def _check_in_year(reader: _Reader, clause: _Clause, m: _Mention, d: dt.date, year: int) -> None:
    if dt.date(year - 1, 12, 1) <= d <= dt.date(year, 12, 31):
        return
    raise reader.fail(
        m.start,
        f"{d.isoformat()}不在{year}年的安排之内（只有上一年12月的日子可以出现在{year}年的通知里）",
        clause,
    )


def _joined_weekend(
    reader: _Reader, clause: _Clause, dates: list[tuple[dt.date, int]], at: int
) -> list[tuple[dt.date, int]]:
    """The weekend a "与周末连休" day joins; a day no weekend touches is an error."""
    first, last = min(d for d, _ in dates), max(d for d, _ in dates)
    joined = []
    day = first - dt.timedelta(days=1)
    while day.weekday() >= 5:
        joined.append((day, at))
        day -= dt.timedelta(days=1)
    day = last + dt.timedelta(days=1)
    while day.weekday() >= 5:
        joined.append((day, at))
        day += dt.timedelta(days=1)
    if not joined and not all(d.weekday() >= 5 for d, _ in dates):
        raise reader.fail(
            at,
            f"写明与周末连休，但{first.isoformat()}（{_weekday_zh(first)}）不与周末相连",
            clause,
        )
    return joined
