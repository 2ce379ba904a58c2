"""The State Council notice parser, on notices for every year 2008–2026 in their official forms.

``tests/notices/<year>.txt`` holds each year's notice as it was published, written out from the
official texts: the long 2008/2009 form with "其中……调至" sentences, 2010–2013's "放假公休" and
lists like "2月20日（星期六）、21日（星期日）", 2014–2019's "与周末连休" and "补休", the weekday-and-lunar
brackets of 2025–2026, 2016 in traditional characters and 2022 as pasted with half-width
punctuation. Each is parsed and compared day by day with the ``holidays`` data govops ships and
with ``chinese_calendar`` (an independent source). Where the notice and the data differ the year
had a second notice, listed in ``LATER_NOTICES`` with what it changed; any other difference fails.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import random

import chinese_calendar
import pytest

import govops
from govops.calendars import DayKind, HolidaySchedule, parse_notice
from govops.exceptions import NoticeError, ScheduleError
from govops.loaders import format_schedule, parse_schedule

D = dt.date
NOTICES = pathlib.Path(__file__).parent / "notices"
YEARS = range(2008, 2027)
CN = govops.calendar("CN")

# Days the yearly notice arranged one way and a later notice of the same year changed: for each,
# whether it is a working day after the later notice.
LATER_NOTICES: dict[int, tuple[str, dict[dt.date, bool]]] = {
    2015: (
        "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知",
        {D(2015, 9, 3): False, D(2015, 9, 4): False, D(2015, 9, 6): True},
    ),
    2019: (
        "国务院办公厅关于调整2019年劳动节假期安排的通知",
        {D(2019, 4, 28): True, D(2019, 5, 2): False, D(2019, 5, 3): False, D(2019, 5, 5): True},
    ),
    2020: (
        "国务院办公厅关于延长2020年春节假期的通知",
        {D(2020, 1, 31): False, D(2020, 2, 1): False, D(2020, 2, 2): False},
    ),
}


def notice(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


def span(year: int) -> list[dt.date]:
    first = D(year - 1, 12, 1)
    return [first + dt.timedelta(days=i) for i in range((D(year, 12, 31) - first).days + 1)]


def is_working(schedule: HolidaySchedule, d: dt.date) -> bool:
    """What the schedule alone says: a make-up workday, a day off, else the weekday."""
    if d in schedule.makeup_workdays():
        return True
    return d not in schedule.days_off() and d.weekday() < 5


@pytest.mark.parametrize("year", YEARS)
def test_notice_matches_the_data_of_its_year(year: int) -> None:
    schedule = parse_notice(notice(year))
    assert schedule.year == year
    later = LATER_NOTICES.get(year, ("", {}))[1]
    # Every day of the year, against holidays (through govops' calendar) and chinese_calendar.
    ours = {d for d, _, _ in schedule.holidays} | schedule.makeup_workdays()
    for d in span(year):
        if (d.year < year and d not in ours) or d in later:
            continue
        if f"{year + 1}年部分" in CN.describe(d).source:
            continue  # the last days of December, arranged by the next year's notice
        assert is_working(schedule, d) == CN.is_working_day(d), d
        assert is_working(schedule, d) == chinese_calendar.is_workday(d), d
    # The lists themselves: every holiday of the data is a day off of the notice, the make-up
    # workdays are the same, and the notice's other days off are weekend days inside its blocks.
    source = f"{year}年部分节假日安排"
    data_off = {
        i.date
        for i in CN.days
        if source in i.source and i.kind in (DayKind.HOLIDAY, DayKind.DAY_OFF_IN_LIEU)
    }
    data_on = {i.date for i in CN.days if source in i.source and i.kind is DayKind.MAKEUP_WORKDAY}
    changed = set(later)
    assert data_on - changed == schedule.makeup_workdays() - changed
    assert data_off - changed <= schedule.days_off()
    assert all(d.weekday() >= 5 for d in schedule.days_off() - data_off - changed)


@pytest.mark.parametrize("year", sorted(LATER_NOTICES))
def test_years_with_a_later_notice_differ_exactly_there(year: int) -> None:
    schedule = parse_notice(notice(year))
    _, changed = LATER_NOTICES[year]
    differ = {
        d for d in span(year) if d.year == year and is_working(schedule, d) != CN.is_working_day(d)
    }
    assert differ == {d for d, working in changed.items() if is_working(schedule, d) != working}
    assert all(CN.is_working_day(d) == working for d, working in changed.items())


@pytest.mark.parametrize("year", YEARS)
def test_loading_a_notice_over_its_year_keeps_every_day(year: int) -> None:
    """The workflow itself: the parsed notice, loaded as a correction of its own year."""
    schedule = parse_notice(notice(year))
    cal = schedule.apply_to(CN)
    later = LATER_NOTICES.get(year, ("", {}))[1]
    for d in span(year):
        if d.year == year and d not in later:
            assert cal.is_working_day(d) == CN.is_working_day(d), d
    source = cal.describe(schedule.holidays[0][0]).source
    assert source == schedule.source


def test_document_number_date_and_names() -> None:
    s = parse_notice(notice(2026))
    assert (s.source, s.issued) == ("国办发明电〔2025〕7号", D(2025, 11, 4))
    assert s.holidays[0] == (D(2026, 1, 1), "元旦", "New Year's Day")
    assert (D(2026, 2, 28), "春节调休上班", "Make-up workday for Spring Festival") in s.workdays
    assert [d for d, _, _ in s.holidays if d.month == 2] == [D(2026, 2, x) for x in range(15, 24)]
    oct_ = {d: (zh, en) for d, zh, en in parse_notice(notice(2025)).holidays}
    assert oct_[D(2025, 10, 6)] == ("国庆节、中秋节", "National Day and Mid-Autumn Festival")
    # Older printings without a number are named by their title; a caller may name the source.
    assert parse_notice(notice(2010)).source == "国务院办公厅关于2010年部分节假日安排的通知"
    assert parse_notice(notice(2010)).issued is None
    assert (
        parse_notice(notice(2010), source="国办发明电〔2009〕19号").source
        == "国办发明电〔2009〕19号"
    )


def test_forms_of_the_same_arrangement_parse_alike() -> None:
    """Traditional characters and half-width punctuation are the 2026 notice, unchanged."""
    simplified = parse_notice(notice(2026))
    traditional = (
        notice(2026)
        .replace("国务院办公厅关于", "國務院辦公廳關於")
        .replace("节", "節")
        .replace("调休", "調休")
        .replace("劳动", "勞動")
        .replace("国庆", "國慶")
        .replace("农历", "農曆")
        .replace("腊月", "臘月")
        .replace("国办发明电", "國辦發明電")
        .replace("周", "週")
    )
    half = notice(2026).translate(str.maketrans("（）：，。", "():,."))
    full_digits = notice(2026).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for text in (traditional, half, full_digits):
        assert parse_notice(text) == simplified


def test_line_breaks_inside_a_clause() -> None:
    """Text copied from a PDF breaks lines inside clauses; the signature date is no clause's."""
    text = notice(2026)
    wrapped = text.replace("、", "、\n").replace("，", "，\n").replace("至", "\n至")
    assert parse_notice(wrapped) == parse_notice(text)
    # No blank line before the closing remarks and the signature: still not part of clause 七.
    tight = text.replace("\n\n国务院办公厅", "\n国务院办公厅")
    assert parse_notice(tight) == parse_notice(text)


def test_older_form_without_weekdays_and_with_explanations() -> None:
    s = parse_notice(notice(2008))
    # "12月29日（星期六）公休日调至12月31日（星期一）" arranges nothing by itself: the range does.
    assert D(2007, 12, 31) in s.days_off() and D(2007, 12, 29) in s.makeup_workdays()
    assert s.days_off() >= {D(2008, 9, 29), D(2008, 9, 30), D(2008, 10, 5)}
    # "与周末连休" brings the weekend into the block; "补休" adds its day.
    s = parse_notice(notice(2014))
    assert {D(2014, 5, 31), D(2014, 6, 1), D(2014, 6, 2)} <= s.days_off()
    assert D(2014, 4, 7) in s.days_off()
    # The 2024 encouragement to rest on New Year's Eve (2月9日) arranges nothing.
    assert D(2024, 2, 9) not in parse_notice(notice(2024)).days_off()


def _first_clause_error(text: str) -> NoticeError:
    with pytest.raises(NoticeError) as info:
        parse_notice(text)
    return info.value


HEAD = "国务院办公厅关于2026年部分节假日安排的通知\n"


@pytest.mark.parametrize(
    ("body", "clause", "column", "says"),
    [
        ("一、元旦：1月1日（周三）放假1天。", "一、元旦", 11, "标注（周三），但2026-01-01是星期四"),
        (
            "一、元旦：1月1日至3日放假调休，共4天。",
            "一、元旦",
            18,
            "写明共4天，但所列放假日期共3天",
        ),
        (
            "一、元旦：1月1日至3日放假调休，共3天。1月5日（周一）上班。",
            "一、元旦",
            22,
            "调休上班日应为周六或周日",
        ),
        (
            "一、国庆节：10月1日至7日放假，共7天。10月8日（星期四）、2027年1月2日上班。",
            "一、国庆节",
            33,
            "不在2026年的安排之内",
        ),
        ("一、端午节：6月17日放假，与周末连休。", "一、端午节", 7, "不与周末相连"),
        ("一、春节：2月30日放假。", "一、春节", 6, "2026年2月30日不是一个日期"),
        (
            "一、中秋节：9月25日至27日放假，共3天。\n二、国庆节：9月27日至10月7日放假，共11天。",
            "二、国庆节",
            7,
            "已在“一、中秋节”中放假",
        ),
        ("一、元旦：上班。", "一、元旦", 6, "没有写放假的日期"),
        (
            "二、春节：2月16日（农历除夕、周一）至23日（农历正月初六、周一）放假调休，共8天。",
            "二、春节",
            25,
            "2026年的正月初六是2026-02-22",
        ),
        ("二、春节：2月17日（除夕）放假。", "二、春节", 12, "2026年的除夕是2026-02-16"),
    ],
)
def test_contradictions_name_the_clause(body: str, clause: str, column: int, says: str) -> None:
    error = _first_clause_error(HEAD + body)
    assert error.clause == clause
    assert error.column == column
    assert says in str(error)
    assert isinstance(error, ScheduleError) and isinstance(error, ValueError)
    # The message shows the line and a caret under the fault.
    shown, caret = str(error).splitlines()[1:3]
    assert shown.strip() == (HEAD + body).splitlines()[error.line - 1].strip()
    assert caret.strip() == "^"


def test_a_notice_without_year_or_clauses() -> None:
    error = _first_clause_error("一、元旦：1月1日放假。")
    assert "年份" in str(error)
    assert parse_notice("一、元旦：1月1日放假。", year=2027).year == 2027
    assert "节日条款" in str(_first_clause_error(HEAD + "节假日期间，各地区要妥善安排好值班。"))
    with pytest.raises(NoticeError, match="year=2027"):
        parse_notice(HEAD, year=2027)


# What mangling draws from: the characters the notices are made of, and some they are not.
_PALETTE = (
    "0123456789０１２３日月年至、，。：（）()周星期一二三四五六日天共放假调休上班补与末连农历除夕"
    + "\n x-"
)


def _mangled(count: int, seed: int) -> list[str]:
    """Each notice with random characters replaced, inserted or deleted (seeded: reproducible)."""
    rng = random.Random(seed)
    texts = [notice(y) for y in YEARS]
    out = []
    for _ in range(count):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(text))
            op = rng.randrange(3)
            piece = "" if op == 2 else rng.choice(_PALETTE)
            text = text[:i] + piece + text[i + (op != 1) :]
        out.append(text)
    return out


def _refused(text: str) -> bool:
    try:
        parse_notice(text)
    except NoticeError:  # anything else escaping fails the test
        return True
    return False


def _only_notice_errors(texts: list[str]) -> int:
    """How many of ``texts`` were refused (with a NoticeError: nothing else may escape)."""
    return sum(map(_refused, texts))


def test_only_our_errors_escape_on_mangled_notices() -> None:
    """Prefixes, deletions and random edits of real notices: a schedule or a NoticeError."""
    text = notice(2025)
    cut = [text[:i] for i in range(0, len(text), 3)] + [
        text[:i] + text[i + 1 :] for i in range(0, len(text), 2)
    ]
    assert 0 < _only_notice_errors(cut) < len(cut)
    assert 0 < _only_notice_errors(_mangled(2_000, seed=1)) < 2_000


@pytest.mark.slow
def test_only_our_errors_escape_on_many_mangled_notices() -> None:
    assert _only_notice_errors(_mangled(100_000, seed=2)) > 0


@pytest.mark.parametrize("year", YEARS)
def test_every_notice_round_trips_through_toml(year: int) -> None:
    schedule = parse_notice(notice(year))
    assert parse_schedule(format_schedule(schedule)) == schedule
