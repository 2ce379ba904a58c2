"""The AST builder: a lark Transformer, run inside the LALR parser, that turns parse-tree nodes
into rule nodes (:mod:`._nodes`) as they are reduced.

It also reads what the grammar leaves as text: numbers in words (二十五, ``forty-five``), the
names of events (批复下达, ``receipt of the application``) and free action text (办理完毕).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs
from lark import Token, Transformer

from ..exceptions import RuleError
from ._counting import ADMINISTRATIVE_LICENSING, WORKING_DAYS, Counting
from ._nodes import (
    ByDate,
    Count,
    Edge,
    NextMonthDay,
    NextYearDate,
    NthWeekday,
    NthWorkingDay,
    PeriodDeadline,
    Relative,
    Schedule,
    TimeOfDay,
    Weekday,
    WorkingDays,
    rule_error,
)
from ._pieces import (
    _BY,
    _NO_EVENT,
    _Action,
    _around_holiday,
    _Condition,
    _date,
    _day_of_month,
    _Days,
    _edge,
    _first,
    _has_by,
    _in_period_month,
    _int,
    _interval,
    _ints,
    _is_within,
    _iso,
    _Marker,
    _mod_word,
    _month_no,
    _NoEvent,
    _Off,
    _offset,
    _period_noun,
    _Phase,
    _Roll,
    _schedule,
    _Sel,
    _several,
    _Tagged,
    _tokens,
    _unit,
    _week_day,
    _weeks,
)
from ._rule import Rule
from ._words import (
    _ACTIONS,
    _ADVERBS,
    _EDGE_ZH,
    _EN_NUMBERS,
    _MONTHS_EN,
    _ORD_WORDS,
    _PERIOD_ZH,
    _WEEKDAYS_EN,
    _WEEKDAYS_ZH,
    _action_text,
    _en_number,
    _event_name,
    time_of_day,
    zh_number,
)

__all__ = ["Builder"]


class Builder(Transformer[Token, Any]):
    """Builds AST nodes bottom-up; one method per grammar rule or alias.

    ``working_days=True`` reads a bare 日 / ``days`` as working days (a statute such as the
    Administrative Licensing Law, Art. 82, says so); 自然日 / ``calendar days`` stay calendar days.
    """

    def __init__(self, *, working_days: bool = False) -> None:
        super().__init__()
        self._working_days = working_days

    # ---- leaves
    def num(self, c: list[Any]) -> int:
        (tok,) = c
        return _int(tok) if tok.type == "INT" else _en_number(tok)

    def zh_num(self, c: list[Any]) -> int:
        (tok,) = c
        return _int(tok) if tok.type == "INT" else zh_number(str(tok))

    def unit(self, c: list[Any]) -> str:
        if self._working_days and c[0].type == "DAYS":
            return "working_day"
        return _unit(c[0])

    def zh_unit(self, c: list[Any]) -> str:
        if not isinstance(c[0], Token):
            return str(c[0])
        return self.unit(c) if c[0].type != "DAY_ZH" or not self._working_days else "working_day"

    zh_unit_ge = zh_unit

    def zh_week(self, c: list[Any]) -> str:
        return "week"

    def count(self, c: list[Any]) -> Count:
        n = _ints(c)[0]
        unit = next(x for x in c if isinstance(x, str) and not isinstance(x, Token))
        return Count(n, unit)  # type: ignore[arg-type]

    def half_year(self, c: list[Any]) -> Count:
        # 半年内 / 自…之日起半年内: six months, as the Civil Code counts a half-year period.
        return Count(6, "month")

    def day_no(self, c: list[Any]) -> int:
        (tok,) = c
        return _int(tok) if tok.type == "INT" else int(tok[:-2])

    def ev_meeting(self, c: list[Any]) -> str:
        return "meeting"

    def ev_none(self, c: list[Any]) -> _NoEvent:
        return _NO_EVENT

    def offset(self, c: list[Any]) -> _Off:
        return _Off(-1 if c[0].type == "MINUS" else 1, c[1])

    def tail_after(self, c: list[Any]) -> _Off:
        return _Off(1, _first(c, Count), bool(_tokens(c, "ZH_NEI")))

    def tail_before(self, c: list[Any]) -> _Off:
        return _Off(-1, _first(c, Count))

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
    def sel_nth(self, c: list[Any]) -> _Sel:
        return _Sel(NthWorkingDay(_ints(c)[0]), None)

    zsel_nth = sel_nth

    def sel_date(self, c: list[Any]) -> _Sel:
        days: _Days | None = _first(c, _Days)
        if days is None:  # Chinese: 3月31日和9月30日, month and day in turn
            ints = _ints(c)
            days = _Days("date", tuple(zip(ints[::2], ints[1::2], strict=True)))
        return _Sel(_several(days), "year")

    def sel_edge(self, c: list[Any]) -> _Sel:
        period, edge = c[0]
        return _Sel(_edge(edge, _offset(c)), period)

    def zsel_edge(self, c: list[Any]) -> _Sel:
        edge = _EDGE_ZH[str(_tokens(c, "EDGE_ZH")[0])]
        return _Sel(_edge(edge, _offset(c)), None, deadline=_is_within(c) or _has_by(c))

    def zsel_edge_p(self, c: list[Any]) -> _Sel:
        edge = _EDGE_ZH[str(_tokens(c, "EDGE_ZH")[0])]
        return _Sel(_edge(edge, _offset(c)), c[0], deadline=_is_within(c) or _has_by(c))

    # ---- English bodies
    def within(self, c: list[Any]) -> _Tagged:
        event = next((x for x in c if isinstance(x, str) and not isinstance(x, Token)), None)
        return _Tagged(Relative(_first(c, Count), event=event), "en")

    def before(self, c: list[Any]) -> _Tagged:
        event = next((x for x in c if isinstance(x, str) and not isinstance(x, Token)), None)
        return _Tagged(Relative(_first(c, Count), before=True, event=event), "en")

    def next_month_day(self, c: list[Any]) -> _Tagged:
        n = _ints(c)[0]
        return _Tagged(NextMonthDay(31 if n == -1 else n), "en")

    def next_year_date(self, c: list[Any]) -> _Tagged:
        month, day = _first(c, tuple)
        return _Tagged(NextYearDate(month, day), "en")

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
        sel = _Sel(_edge("end", _offset(c)), None)
        return _Tagged(_schedule("month", sel, months, deadline=_has_by(c)), "en")

    def months_start(self, c: list[Any]) -> _Tagged:
        months = _first(c, frozenset)
        sel = _Sel(_edge("start", _offset(c)), None)
        return _Tagged(_schedule("month", sel, months, deadline=_has_by(c)), "en")

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

    def z_next_year_date(self, c: list[Any]) -> _Tagged:
        # 次年3月31日前 (个人所得税法第十二条): a date of the year after the trigger's.
        month, day = _ints(c)[:2]
        return _Tagged(NextYearDate(_month_no(month), day), "zh")

    def z_edge_since(self, c: list[Any]) -> _Tagged:
        # 自季度终了之日起十五日内: the edge of the trigger's period is the day counted from.
        period, edge = next(x for x in c if isinstance(x, tuple) and isinstance(x[0], str))
        return _Tagged(PeriodDeadline(period, _edge(edge, (1, _first(c, Count)))), "zh")

    def z_period_after(self, c: list[Any]) -> _Tagged:
        # 季后15日内 / 月后8日内: after the end of the trigger's period.
        period = next(x for x in c if isinstance(x, str) and not isinstance(x, Token))
        return _Tagged(PeriodDeadline(period, _edge("end", (1, _first(c, Count)))), "zh")  # type: ignore[arg-type]

    def z_period_after_nth(self, c: list[Any]) -> _Tagged:
        # 季后第5个工作日(前): the 5th working day after the period ends, which is 5 working days
        # after its end (a working day needs no roll, so 前 changes nothing).
        period = next(x for x in c if isinstance(x, str) and not isinstance(x, Token))
        count = Count(_ints(c)[0], "working_day")
        return _Tagged(PeriodDeadline(period, _edge("end", (1, count))), "zh")  # type: ignore[arg-type]

    def z_period_edge(self, c: list[Any]) -> _Tagged:
        return self._zh(self.period_edge(c))

    def z_period_nth(self, c: list[Any]) -> _Tagged:
        period = next(x for x in c if isinstance(x, str) and not isinstance(x, Token))
        return _Tagged(PeriodDeadline(period, NthWorkingDay(_ints(c)[0])), "zh")  # type: ignore[arg-type]

    def z_every_week(self, c: list[Any]) -> _Tagged:
        return _Tagged(Schedule("week", Weekday(0)), "zh")

    def z_every_working_day(self, c: list[Any]) -> _Tagged:
        return _Tagged(Schedule("day", WorkingDays()), "zh")

    def z_every_interval(self, c: list[Any]) -> _Tagged:
        period = next(x for x in c if isinstance(x, str) and not isinstance(x, Token))
        ints = _ints(c)
        phase = ints[1] if len(ints) > 1 else None
        return _Tagged(_interval(ints[0], period, phase, None), "zh")

    # ---- the rule
    def mod_following(self, c: list[Any]) -> _Roll:
        return _Roll("following", _mod_word(c, "顺延"))

    def mod_preceding(self, c: list[Any]) -> _Roll:
        return _Roll("preceding", _mod_word(c, "提前"))

    def mod_none(self, c: list[Any]) -> _Roll:
        return _Roll("none", _mod_word(c, "不顺延"))

    def mod_skip(self, c: list[Any]) -> _Roll:
        return _Roll("skip", _mod_word(c, "取消"))

    def mod_in_week(self, c: list[Any]) -> _Roll:
        return _Roll("preceding_in_week", _mod_word(c, "本周内提前"))

    # ---- leaves added for the readings of real documents
    def nth(self, c: list[Any]) -> int:
        (tok,) = c
        if tok.type == "LAST":
            return -1
        if tok.type == "ORD_WORD":
            return _ORD_WORDS[tok.lower()]
        if tok.type == "NTH_LAST":  # "third-to-last", "last but two": counted from the end
            word = tok.lower()
            if "but" in word:
                last = re.split(r"[- ]", word)[-1]
                return -1 - (int(last) if last.isdigit() else _EN_NUMBERS[last])
            first = re.split(r"[- ]", word)[0]
            return -(int(first[:-2]) if first[0].isdigit() else _ORD_WORDS[first])
        return int(tok[:-2])

    def en_prep(self, c: list[Any]) -> _Marker | None:
        return _BY if _tokens(c, "BY") else None

    def zh_by(self, c: list[Any]) -> _Marker:
        return _BY

    def en_event(self, c: list[Any]) -> str:
        return _event_name(str(c[0]), zh=False)

    def zh_event_after(self, c: list[Any]) -> str:
        return _event_name(str(_tokens(c, "EVENT_NAME_ZH", "EVENT_QUOTED")[0]), zh=True)

    def zh_event_before(self, c: list[Any]) -> str:
        return _event_name(str(_tokens(c, "EVENT_NAME_B_ZH", "EVENT_QUOTED")[0]), zh=True)

    def zh_last(self, c: list[Any]) -> int:
        return -1

    def zh_nth_n(self, c: list[Any]) -> int:
        return _ints(c)[0]

    def zh_nth_back(self, c: list[Any]) -> int:
        return -_ints(c)[0]

    def zh_nwd(self, c: list[Any]) -> NthWeekday:
        return NthWeekday(_ints(c)[0], _WEEKDAYS_ZH[_tokens(c, "WEEKDAY_ZH")[0][-1]])

    def zh_nwd_last(self, c: list[Any]) -> NthWeekday:
        return NthWeekday(-1, _WEEKDAYS_ZH[_tokens(c, "WEEKDAY_ZH")[0][-1]])

    def zh_nwd_back(self, c: list[Any]) -> NthWeekday:
        return NthWeekday(-_ints(c)[0], _WEEKDAYS_ZH[_tokens(c, "WEEKDAY_ZH")[0][-1]])

    def en_weekdays(self, c: list[Any]) -> _Days:
        return _Days("weekday", tuple(_WEEKDAYS_EN[t.lower().rstrip("s")] for t in c))

    def zh_weekdays(self, c: list[Any]) -> _Days:
        return _Days("weekday", tuple(_WEEKDAYS_ZH[t[-1]] for t in _tokens(c, "WEEKDAY_ZH")))

    def en_ordinals(self, c: list[Any]) -> _Days:
        return _Days("day", tuple(_day_of_month(int(t[:-2])) for t in _tokens(c, "ORDINAL")))

    def zh_days(self, c: list[Any]) -> _Days:
        return _Days("day", tuple(_day_of_month(n) for n in _ints(c)))

    def en_month_day(self, c: list[Any]) -> tuple[int, int]:
        month = _MONTHS_EN[_tokens(c, "MONTH_EN")[0].lower().rstrip(".")]
        return month, _ints(c)[0]

    def en_month_days(self, c: list[Any]) -> _Days:
        return _Days("date", tuple(c))

    def en_date(self, c: list[Any]) -> dt.date:
        month = _MONTHS_EN[_tokens(c, "MONTH_EN")[0].lower().rstrip(".")]
        year = _int(_tokens(c, "INT")[-1])
        return _date(year, month, _ints(c)[0])

    def zh_date(self, c: list[Any]) -> dt.date:
        y, m, d = _ints(c)
        return _date(y, m, d)

    def en_phase(self, c: list[Any]) -> _Phase:
        return _Phase(_first(c, dt.date) or _iso(_tokens(c, "ISO_DATE")[0]))

    zh_wphase = en_phase

    def pmonth_n(self, c: list[Any]) -> int:
        return _ints(c)[0]

    def pmonth_edge(self, c: list[Any]) -> int:
        return 1 if str(c[0]) == "首月" else -1

    def tail_by(self, c: list[Any]) -> _Marker:
        return _BY

    def z_times(self, c: list[Any]) -> _Tagged:
        # 每周两次 says how often, not when: never guess the days.
        n = _ints(c)[0]
        raise rule_error(
            f"{n} times a period does not say on which days; list them, e.g. "
            "'every Tuesday and Thursday' or 'every month on the 10th and 25th'",
            f"每期{n}次未写明哪几天；请列出日子，如“每周二、周四”或“每月10日和25日”",
        )

    def en_times(self, c: list[Any]) -> _Tagged:
        raise rule_error(
            f"{str(c[0])!r} does not say on which days; list them, e.g. "
            "'every Tuesday and Thursday' or 'every month on the 10th and 25th'",
            f"{str(c[0])!r}未写明哪几天；请列出日子，如“每周二、周四”",
        )

    def z_after_holiday(self, c: list[Any]) -> _Tagged:
        return _Tagged(_around_holiday(_ints(c)[0], before=False), "zh")

    def z_before_holiday(self, c: list[Any]) -> _Tagged:
        # 节前最后一个工作日 / 节前倒数第二个 / 节前第二个工作日: counted back from the holiday.
        return _Tagged(_around_holiday(abs(_ints(c)[-1]), before=True), "zh")

    def holiday_after(self, c: list[Any]) -> _Tagged:
        return _Tagged(_around_holiday(_ints(c)[0], before=False), "en")

    def holiday_before(self, c: list[Any]) -> _Tagged:
        return _Tagged(_around_holiday(abs(_ints(c)[0]), before=True), "en")

    def months_nth_weekday(self, c: list[Any]) -> _Tagged:
        weekday = _WEEKDAYS_EN[_tokens(c, "WEEKDAY_EN")[0].lower().rstrip("s")]
        sel = _Sel(NthWeekday(_ints(c)[0], weekday), None)
        return _Tagged(_schedule("month", sel, _first(c, frozenset), deadline=_has_by(c)), "en")

    def within_after_months(self, c: list[Any]) -> _Tagged:
        edge = "end" if _tokens(c, "END") else "start"
        sel = _Sel(_edge(edge, (1, _first(c, Count))), None)
        return _Tagged(_schedule("month", sel, _first(c, frozenset), deadline=True), "en")

    def months_days(self, c: list[Any]) -> _Tagged:
        # "by the 15th of Jan, Apr, Jul and Oct": days of some months.
        ordinals = _tokens(c, "ORDINAL")
        days = [int(t[:-2]) for t in ordinals] if len(ordinals) > 1 else _ints(c)
        if days == [-1]:
            sel = _Sel(Edge("end"), None)
        else:
            sel = _Sel(_several(_Days("day", tuple(_day_of_month(d) for d in days))), None)
        months = _first(c, frozenset)
        return _Tagged(_schedule("month", sel, months, deadline=_has_by(c)), "en")

    # ---- selectors
    def sel_day(self, c: list[Any]) -> _Sel:
        return _Sel(_several(_first(c, _Days)), None)

    def sel_weekday(self, c: list[Any]) -> _Sel:
        return _Sel(_several(_first(c, _Days)), "week")

    def sel_nth_weekday(self, c: list[Any]) -> _Sel:
        weekday = _WEEKDAYS_EN[_tokens(c, "WEEKDAY_EN")[0].lower().rstrip("s")]
        return _Sel(NthWeekday(_ints(c)[0], weekday), "month")

    def zsel_nth_weekday(self, c: list[Any]) -> _Sel:
        return _Sel(_first(c, NthWeekday), "month")

    def zsel_month_edge(self, c: list[Any]) -> _Sel:
        # 每年3月底: the end of March each year, a month schedule limited to March.
        month = _month_no(_ints(c)[0])
        edge = _EDGE_ZH[str(_tokens(c, "EDGE_ZH")[0])]
        return _Sel(_edge(edge, _offset(c)), "year", frozenset({month}))

    def zsel_pmonth(self, c: list[Any]) -> _Sel:
        # 每季度第一个月15日 / 首月 / 末月: a day of some month of each quarter or half-year; the
        # period is known only to the caller, which spreads the month (see _in_period_month).
        which = _ints(c)[0]
        sel: _Sel = _first(c, _Sel)
        return _Sel(sel.selector, "pmonth", frozenset({which}))

    # ---- English bodies
    def fixed_date(self, c: list[Any]) -> _Tagged:
        return _Tagged(ByDate(_iso(_tokens(c, "ISO_DATE")[0])), "en")

    def fixed_en_date(self, c: list[Any]) -> _Tagged:
        return _Tagged(ByDate(_first(c, dt.date)), "en")

    def within_after_each(self, c: list[Any]) -> _Tagged:
        noun = _period_noun(_tokens(c, "PERIOD_NOUN")[0])
        edge = "end" if _tokens(c, "END") else "start"
        sel = _Sel(_edge(edge, (1, _first(c, Count))), None)
        return _Tagged(_schedule(noun, sel, deadline=True), "en")

    def each_edge(self, c: list[Any]) -> _Tagged:
        noun = _period_noun(_tokens(c, "PERIOD_NOUN")[0])
        edge = "end" if _tokens(c, "END") else "start"
        sel = _Sel(_edge(edge, _offset(c)), None)
        return _Tagged(_schedule(noun, sel, deadline=_has_by(c)), "en")

    def each_nth(self, c: list[Any]) -> _Tagged:
        noun = _period_noun(_tokens(c, "PERIOD_NOUN")[0])
        return _Tagged(_schedule(noun, _Sel(NthWorkingDay(_ints(c)[0]), None)), "en")

    def each_days(self, c: list[Any]) -> _Tagged:
        # "by the 20th of each month"; "the last of each month" is its end.
        noun = _period_noun(_tokens(c, "PERIOD_NOUN")[0])
        ordinals = _tokens(c, "ORDINAL")
        days = [int(t[:-2]) for t in ordinals] if len(ordinals) > 1 else _ints(c)
        if days == [-1]:
            sel = _Sel(Edge("end"), None)
        else:
            sel = _Sel(_several(_Days("day", tuple(_day_of_month(d) for d in days))), "month")
        return _Tagged(_schedule(noun, sel, deadline=_has_by(c)), "en")

    def each_nth_weekday(self, c: list[Any]) -> _Tagged:
        noun = _period_noun(_tokens(c, "PERIOD_NOUN")[0])
        weekday = _WEEKDAYS_EN[_tokens(c, "WEEKDAY_EN")[0].lower().rstrip("s")]
        sel = _Sel(NthWeekday(_ints(c)[0], weekday), "month")
        return _Tagged(_schedule(noun, sel, deadline=_has_by(c)), "en")

    def each_dates(self, c: list[Any]) -> _Tagged:
        noun = _period_noun(_tokens(c, "PERIOD_NOUN")[0])
        sel = _Sel(_several(_first(c, _Days)), "year")
        return _Tagged(_schedule(noun, sel, deadline=_has_by(c)), "en")

    def each_weekdays(self, c: list[Any]) -> _Tagged:
        noun = _period_noun(_tokens(c, "PERIOD_NOUN")[0])
        sel = _Sel(_several(_first(c, _Days)), "week")
        return _Tagged(_schedule(noun, sel, deadline=_has_by(c)), "en")

    def every_weekday(self, c: list[Any]) -> _Tagged:
        return _Tagged(Schedule("week", _several(_first(c, _Days))), "en")

    def every_n_weeks(self, c: list[Any]) -> _Tagged:
        noun = _period_noun(_tokens(c, "PERIOD_NOUN")[0])
        sel: _Sel = _first(c, _Sel)
        return _Tagged(_weeks(_ints(c)[0], noun, sel.selector, _first(c, _Phase)), "en")

    def every_other_week(self, c: list[Any]) -> _Tagged:
        return _Tagged(_weeks(2, "week", _several(_first(c, _Days)), _first(c, _Phase)), "en")

    # ---- Chinese bodies
    def z_before(self, c: list[Any]) -> _Tagged:
        event = None if c[0] is _NO_EVENT else c[0]
        return _Tagged(Relative(_first(c, Count), before=True, event=event), "zh")

    def z_event_before(self, c: list[Any]) -> _Tagged:
        # 开庭三日前 / 举行听证的七日前: a count before the event, as 开庭之日前3日 reads.
        event = _event_name(str(_tokens(c, "EVENT_NAME_C_ZH")[0]), zh=True)
        return _Tagged(Relative(_first(c, Count), before=True, event=event), "zh")

    def z_every_week_nth(self, c: list[Any]) -> _Tagged:
        return _Tagged(Schedule("week", NthWorkingDay(_ints(c)[0]), deadline=_has_by(c)), "zh")

    def z_every_weekday(self, c: list[Any]) -> _Tagged:
        return _Tagged(Schedule("week", _several(_first(c, _Days)), deadline=_has_by(c)), "zh")

    def z_every_period(self, c: list[Any]) -> _Tagged:
        period = next(x for x in c if isinstance(x, str) and not isinstance(x, Token))
        sel: _Sel | None = _first(c, _Sel)
        deadline = _has_by(c) or _is_within(c)
        if sel is not None and sel.months:
            return _Tagged(_in_period_month(period, sel, deadline), "zh")
        return _Tagged(_schedule(period, sel, deadline=deadline), "zh")

    def z_every_n_weeks(self, c: list[Any]) -> _Tagged:
        n, *nth = _ints(c)
        return _Tagged(_weeks(n, "week", _week_day(c, nth), _first(c, _Phase)), "zh")

    def z_biweekly(self, c: list[Any]) -> _Tagged:
        return _Tagged(_weeks(2, "week", _week_day(c, _ints(c)), _first(c, _Phase)), "zh")

    def z_months(self, c: list[Any]) -> _Tagged:
        sel = _first(c, _Sel)
        deadline = _has_by(c) or _is_within(c)
        return _Tagged(_schedule("month", sel, _first(c, frozenset), deadline=deadline), "zh")

    def z_half(self, c: list[Any]) -> _Tagged:
        # 上半年结束前: the end of June each year (下半年: of December); 上半年初: January 1.
        first = str(_tokens(c, "HALF_ZH")[0]) == "上半年"
        edge = _EDGE_ZH[str(_tokens(c, "EDGE_ZH")[0])]
        month = (6 if first else 12) if edge == "end" else (1 if first else 7)
        sel = _Sel(_edge(edge, _offset(c)), None)
        deadline = _has_by(c) or _is_within(c)
        return _Tagged(_schedule("month", sel, frozenset({month}), deadline=deadline), "zh")

    def extend(self, c: list[Any]) -> _Tagged:
        # 可以延长十日 / "may be extended by 10 days": counted from the end of the original period.
        lang = "zh" if _tokens(c, "EXTEND_ZH") else "en"
        return _Tagged(Relative(_first(c, Count), event="expiry"), lang)

    def condition(self, c: list[Any]) -> _Condition:
        text = " ".join(str(c[0]).split())
        if text in ("的", "的外"):  # 的，应当…: nothing names the condition
            raise rule_error(
                f"the condition {text!r} in front of the rule names nothing; write it out "
                "(e.g. 'where an extension is needed,') or leave it off",
                f"规则前的条件“{text}”没有内容；请写明条件（如“对符合条件的，”），或删去",
            )
        return _Condition(text)

    def counting_clause(self, c: list[Any]) -> Counting:
        if not self._working_days:  # pragma: no cover - the parser reads such text in working days
            raise RuleError("a counting clause needs the working-day reading")
        text = str(c[0])
        return ADMINISTRATIVE_LICENSING if "82" in text or "八十二" in text else WORKING_DAYS

    # ---- the rule
    def action(self, c: list[Any]) -> _Action:
        (tok,) = c
        word = str(tok) if tok.type != "ACTION_PHRASE_EN" else _action_text(str(tok))
        lang = "zh" if tok.type in ("ACTION_ZH", "ACTION_PHRASE_ZH") else "en"
        return _Action(_ACTIONS.get(word.lower()), word, lang)

    pre_action = post_action = action

    def time_of_day(self, c: list[Any]) -> TimeOfDay:
        return time_of_day(str(c[0]))

    def start(self, c: list[Any]) -> Rule:
        tagged: _Tagged = _first(c, _Tagged)
        actions = [x for x in c if isinstance(x, _Action)]
        rolls = {x.roll for x in c if isinstance(x, _Roll)}
        times = [x for x in c if isinstance(x, TimeOfDay)]
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
        if len(set(times)) > 1:
            raise rule_error("two times of day; keep one", "有两个时间；请保留一个")
        body = tagged.body
        if isinstance(body, Schedule) and any(
            isinstance(x, Token) and x.type == "BY_PREFIX" for x in c
        ):
            body = attrs.evolve(body, deadline=True)  # 不晚于每月20日 is 每月20日前
        action = actions[0] if actions else None
        condition: _Condition | None = _first(c, _Condition)
        return Rule(
            body,
            roll=rolls.pop() if rolls else None,  # type: ignore[arg-type]
            action=action.key if action else None,  # type: ignore[arg-type]
            action_word=action.word if action else None,
            time=times[0] if times else None,
            lang=tagged.lang,  # type: ignore[arg-type]
            counting=_first(c, Counting),
            condition=condition.text if condition else None,
        )
