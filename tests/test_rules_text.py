"""Canonical text and RRULEs: parse(to_text(rule)) == rule for every rule, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings

from govops.calendars import calendar
from govops.exceptions import RuleError
from govops.rules import Rule, Schedule, parse_rule
from strategies_rules import rules


@settings(max_examples=600, deadline=None)
@given(rules())
def test_english_round_trip(rule: Rule) -> None:
    assert parse_rule(rule.to_text("en")) == rule


@settings(max_examples=600, deadline=None)
@given(rules())
def test_chinese_round_trip(rule: Rule) -> None:
    assert parse_rule(rule.to_text("zh")) == rule


@settings(max_examples=200, deadline=None)
@given(rules())
def test_text_is_a_fixed_point_and_keeps_the_language(rule: Rule) -> None:
    for lang in ("en", "zh"):
        text = rule.to_text(lang)
        again = parse_rule(text)
        assert again.to_text(lang) == text
        assert again.lang == lang


def test_unknown_language() -> None:
    with pytest.raises(RuleError, match="lang="):
        parse_rule("within 2 days").to_text("fr")  # type: ignore[arg-type]


RRULES = {
    "每周三、周五": "FREQ=WEEKLY;BYDAY=WE,FR",
    "every month on the 8th, 18th and 28th": "FREQ=MONTHLY;BYMONTHDAY=8,18,28",
    "每月第二个星期三": "FREQ=MONTHLY;BYDAY=2WE",
    "every month on the last Friday": "FREQ=MONTHLY;BYDAY=-1FR",
    "every Monday": "FREQ=WEEKLY;BYDAY=MO",
    "每周五": "FREQ=WEEKLY;BYDAY=FR",
    "every month on the 5th": "FREQ=MONTHLY;BYMONTHDAY=5",
    "every month on the 31st": "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",
    "every month at month-end": "FREQ=MONTHLY;BYMONTHDAY=-1",
    "every month": "FREQ=MONTHLY;BYMONTHDAY=1",
    "每月底后两天": "FREQ=MONTHLY;BYMONTHDAY=2",
    "每月底前3日": "FREQ=MONTHLY;BYMONTHDAY=-4",
    "每季度末后两天": "FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=2",
    "every quarter at quarter-end": "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
    "every half-year": "FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1",
    "every year at year-end": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1",
    "每年3月31日": "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31",
    "2月、5月、8月和11月底": "FREQ=YEARLY;BYMONTH=2,5,8,11;BYMONTHDAY=-1",
    "每两个月一次(自1月起)": "FREQ=YEARLY;BYMONTH=1,3,5,7,9,11;BYMONTHDAY=1",
    "2月和8月的30日": "FREQ=MONTHLY;BYMONTH=2,8;BYMONTHDAY=28,29,30;BYSETPOS=-1",
    "every quarter at the start of the quarter minus 1 day": "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
    "by month-end": "FREQ=MONTHLY;BYMONTHDAY=-1",
    "每旬末": "FREQ=MONTHLY;BYMONTHDAY=10,20,-1",
    "every xun": "FREQ=MONTHLY;BYMONTHDAY=1,11,21",
}
NO_RRULE = [
    "every working day",
    "每月最后一个工作日",
    "every month at month-end plus 2 working days",
    "every month at month-end plus 1 month",
    "within 2 days",
    "by 2026-06-30",
    "次月5日前",
    "every year on Feb 29",
]


@pytest.mark.parametrize("text", sorted(RRULES))
def test_rrule_text(text: str) -> None:
    assert parse_rule(text).to_rrule() == RRULES[text]


@pytest.mark.parametrize("text", NO_RRULE)
def test_no_rrule_where_the_calendar_decides(text: str) -> None:
    assert parse_rule(text).to_rrule() is None


@pytest.mark.parametrize("text", sorted(RRULES))
def test_rrule_dates_match_occurrences_without_roll(text: str) -> None:
    cal = calendar("CN")
    rule = parse_rule(
        text
        + (
            "，遇节假日不顺延"
            if "\u4e00" <= text[0] <= "\u9fff" or text[0].isdigit()
            else ", no roll"
        )
    )
    start, end = dt.date(2024, 1, 1), dt.date(2026, 12, 31)
    rrule = rule.to_rrule()
    assert rrule is not None
    expected = [
        d.date()
        for d in rrulestr(rrule, dtstart=dt.datetime(2023, 1, 1)).between(
            dt.datetime(2024, 1, 1), dt.datetime(2026, 12, 31), inc=True
        )
    ]
    assert rule.occurrences(start, end, calendar=cal) == expected


@pytest.mark.parametrize(
    "text",
    [
        "every Monday",
        "每月5日",
        "2月、5月、8月和11月底",
        "every quarter",
        "每周三、周五",
        "每月第二个星期三",
    ],
)
def test_rrule_dates_rolled_are_the_occurrences(text: str) -> None:
    # With the default roll, each occurrence is an RRULE date moved by modified following.
    cal = calendar("CN")
    rule = parse_rule(text)
    rrule = rule.to_rrule()
    assert rrule is not None
    nominal = rrulestr(rrule, dtstart=dt.datetime(2023, 12, 1)).between(
        dt.datetime(2023, 12, 1), dt.datetime(2026, 12, 31), inc=True
    )
    rolled = sorted({cal.roll(d.date(), "modified_following") for d in nominal})
    start, end = dt.date(2024, 1, 1), dt.date(2026, 12, 31)
    assert rule.occurrences(start, end, calendar=cal) == [d for d in rolled if start <= d <= end]


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [
        ("旬末后三日内", "at xun-end plus 3 days", "旬末后3日"),
        ("within 3 days after the end of the xun", "at xun-end plus 3 days", "旬末后3日"),
        ("每旬末", "every xun at xun-end", "每旬末"),
        ("每旬", "every xun", "每旬"),
        ("当旬最后一个工作日前", "by the last working day of the xun", "当旬最后一个工作日前"),
        ("每月1日", "every month on the 1st", "每月1日"),
        ("every month", "every month on the 1st", "每月1日"),
        ("每年", "every year on Jan 1", "每年1月1日"),
    ],
)
def test_canonical_text_round_trips(text: str, en: str, zh: str) -> None:
    rule = parse_rule(text)
    assert (rule.to_text("en"), rule.to_text("zh")) == (en, zh)
    assert parse_rule(en) == parse_rule(zh) == rule


def test_xun_rrules() -> None:
    assert parse_rule("每旬末").to_rrule() == "FREQ=MONTHLY;BYMONTHDAY=10,20,-1"
    assert parse_rule("every xun").to_rrule() == "FREQ=MONTHLY;BYMONTHDAY=1,11,21"
    assert parse_rule("每旬末后两天").to_rrule() is None


def test_fortnightly_rrule_counts_from_its_phase() -> None:
    # The RRULE of every other week needs DTSTART in the phase week, which the rule keeps.
    cal = calendar("CN")
    rule = parse_rule("every other week on Wednesday starting 2025-01-06, no roll")
    assert rule.to_rrule() == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"
    body = rule.body
    assert isinstance(body, Schedule) and body.phase == dt.date(2025, 1, 6)
    start = dt.datetime.combine(body.phase, dt.time())
    expected = [
        d.date()
        for d in rrulestr(rule.to_rrule() or "", dtstart=start).between(
            dt.datetime(2025, 1, 1), dt.datetime(2026, 12, 31), inc=True
        )
    ]
    assert rule.occurrences(dt.date(2025, 1, 1), dt.date(2026, 12, 31), calendar=cal) == expected
