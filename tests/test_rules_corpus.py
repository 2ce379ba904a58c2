"""The rule language on phrases as laws, regulations and supervision documents write them.

``tests/corpus/rules_corpus.tsv`` holds each phrase with its source, the meaning worked by hand in
the notation of ``rules_reference.py``, a trigger and the due date. Each due date is checked three
ways: the reference computes it again from ``chinesecalendar`` (an independent calendar, day by
day), govops must give the same date, and ``explain`` must end on it.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

import rules_reference
from govops.calendars import WorkCalendar, calendar
from govops.exceptions import RuleError, RuleSyntaxError
from govops.rules import ADMINISTRATIVE_LICENSING, Rule, parse_rule

CORPUS = Path(__file__).parent / "corpus" / "rules_corpus.tsv"


def _rows() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


ROWS = _rows()


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return calendar("CN")


def _parse(row: dict[str, str]) -> Rule:
    if row["context"] == "licensing":
        return parse_rule(row["phrase"], days=ADMINISTRATIVE_LICENSING)
    return parse_rule(row["phrase"])


def _is_zh(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _family(meaning: str) -> str:
    kind, *words = meaning.split()
    return f"every {words[0]}" if kind == "every" else kind


def test_the_corpus_is_large_and_in_both_languages() -> None:
    phrases = {row["phrase"]: row["meaning"] for row in ROWS}
    assert len(phrases) >= 300
    assert sum(map(_is_zh, phrases)) >= 140
    assert sum(not _is_zh(p) for p in phrases) >= 140
    assert all(row["source"] for row in ROWS)
    # Every phrase family is written in both languages.
    for family in {_family(m) for m in phrases.values()}:
        written = [p for p, m in phrases.items() if _family(m) == family]
        assert any(map(_is_zh, written)) and not all(map(_is_zh, written)), family


def test_the_corpus_has_dates_around_the_hard_spots() -> None:
    triggers = {dt.date.fromisoformat(row["trigger"]) for row in ROWS}
    dues = {dt.date.fromisoformat(row["due"]) for row in ROWS}
    assert dt.date(2024, 2, 29) in triggers | dues  # a leap day
    assert {dt.date(2024, 12, 31), dt.date(2025, 12, 31)} <= triggers  # year boundaries
    assert (
        dt.date(2024, 9, 29) in dues or dt.date(2024, 10, 12) in dues
    )  # National Day make-up days
    assert (
        dt.date(2025, 1, 26) in dues or dt.date(2025, 2, 8) in dues
    )  # Spring Festival make-up days
    assert dt.date(2026, 2, 28) in dues  # a make-up Saturday as a due date


# Worked by hand, day by day, from the 2024 to 2026 holiday notices of the State Council General
# Office; each is also checked against the reference (chinesecalendar) and govops.
BY_HAND = [
    # Sep 29 (a make-up Sunday) and Sep 30 count, Oct 1-7 rest, Oct 12 (make-up Saturday) counts:
    # Sep 29, 30, Oct 8-12, 14-18, 21-25, 28-30 is the 20th working day.
    ("自收到申请之日起20个工作日内予以答复", "calendar", "2024-09-27", "2024-10-30"),
    # Licensing: 日 are working days. Jan 26 (make-up Sunday), 27, Feb 5-8 (Feb 8 a make-up
    # Saturday), 10-14, 17-21, 24-27: the 20th.
    ("应当自其受理行政许可申请之日起二十日内审查完毕", "licensing", "2025-01-24", "2025-02-27"),
    # The month ends on the leap day; ten days later is Sunday, Mar 10, rolled to Monday; fifteen
    # days later is Friday, Mar 15.
    ("月度终了后十日内", "calendar", "2024-02-29", "2024-03-11"),
    ("within 15 days after the end of the month", "calendar", "2024-02-29", "2024-03-15"),
    # Sep 30 ends the quarter; Oct 10 is a Thursday after the National Day week.
    ("季后10日内报送", "calendar", "2024-09-27", "2024-10-10"),
    # Across the year boundary: thirty days after Dec 31 is Friday, Jan 30.
    ("应当自受理申请之日起三十日内作出行政复议决定", "calendar", "2025-12-31", "2026-01-30"),
    # Fifteen days after Feb 13, 2026 is Saturday Feb 28, a make-up workday: no roll.
    ("对方当事人在收到之日起十五日内提出答辩状", "calendar", "2026-02-13", "2026-02-28"),
    # One month after Jan 31 is the last day of February: the leap day, a Thursday.
    ("一个月内", "calendar", "2024-01-31", "2024-02-29"),
    # One year after the leap day is Feb 28, 2025, a Friday.
    ("应当自胁迫行为终止之日起一年内提出", "calendar", "2024-02-29", "2025-02-28"),
    # The Mid-Autumn block (Sep 15-17) gives Sep 20, before the trigger; National Day (Oct 1-7)
    # gives Oct 8, 9, 10.
    ("节后第三个工作日", "calendar", "2024-09-27", "2024-10-10"),
    # Quarter-end plus two days is Oct 2, inside National Day (Oct 1-8, 2025): Thursday Oct 9.
    ("每季度末后两天提报", "calendar", "2025-09-26", "2025-10-09"),
    # Jan 1 rests; Jan 2, 3, 6, 7, 8 are the five working days after the quarter.
    ("within 5 working days after the end of the quarter", "calendar", "2024-12-31", "2025-01-08"),
    # Jan 31, 2025 falls in the Spring Festival (Jan 28 - Feb 4): Wednesday Feb 5.
    ("每年1月31日前报送", "calendar", "2024-02-29", "2025-02-05"),
    # Three months after the leap day is Wednesday, May 29 (an ordinal in the event's name).
    (
        "人民法院审理对判决的上诉案件，应当在第二审立案之日起三个月内审结",
        "calendar",
        "2024-02-29",
        "2024-05-29",
    ),
    # The extension counts from the last day of the twenty: Feb 28, Mar 3-7, 10-13 is the 10th
    # working day (licensing: 日 are working days).
    (
        "二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日",
        "licensing",
        "2025-02-27",
        "2025-03-13",
    ),
    # Twenty working days after Oct 30, 2024: Oct 31, Nov 1, 4-8, 11-15, 18-22, 25-27.
    (
        "需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日",
        "calendar",
        "2024-10-30",
        "2024-11-27",
    ),
    # The Friday of the National Day week (Oct 3, 2025) moves to Tuesday Sep 30, in its week.
    ("每周五召开，遇节假日本周内提前", "calendar", "2025-09-26", "2025-09-30"),
    # The Monday of Feb 12, 2024 opens the Spring Festival (Feb 10-17): the week's only working
    # day is the make-up Sunday Feb 18.
    ("每周一召开（遇节假日本周内提前）", "calendar", "2024-02-09", "2024-02-18"),
]


@pytest.mark.parametrize(("phrase", "context", "trigger", "due"), BY_HAND)
def test_dates_worked_by_hand(
    phrase: str, context: str, trigger: str, due: str, cal: WorkCalendar
) -> None:
    row = next(r for r in ROWS if r["phrase"] == phrase and r["context"] == context)
    t, expected = dt.date.fromisoformat(trigger), dt.date.fromisoformat(due)
    assert rules_reference.due(row["meaning"], t) == expected
    assert _parse(row).due(t, calendar=cal) == expected


# Real phrasings that name two deadlines or none: the parser refuses them, in the language of the
# text, and says what to write instead.
AMBIGUOUS = [
    # 个人所得税法第十二条: a month or a quarter, whichever the taxpayer files by.
    ("在月度或者季度终了后十五日内报送", RuleSyntaxError, "两条规则", None),
    (
        "within 15 days after the end of the month or quarter",
        RuleSyntaxError,
        "one for each",
        "within 15 days after the end of the month",
    ),
    # 民事诉讼法第一百八十七条: from filing, or from the end of the notice period.
    (
        "应当在立案之日起三十日内或者公告期满后三十日内审结",
        RuleSyntaxError,
        "两条规则",
        "应当在立案之日起三十日内",
    ),
    # 江高镇政府办公会议制度 (../shared/policies/002): every two months, but from which month?
    ("每两个月召开一次", RuleError, "自1月起", None),
    # 民事诉讼法第一百零三条: hours are not a unit of the language.
    ("必须在四十八小时内作出裁定", RuleSyntaxError, "工作日", None),
]


@pytest.mark.parametrize(("phrase", "error", "says", "suggestion"), AMBIGUOUS)
def test_ambiguous_phrasings_are_refused_with_advice(
    phrase: str, error: type[RuleError], says: str, suggestion: str | None
) -> None:
    with pytest.raises(error) as info:
        parse_rule(phrase)
    assert says in str(info.value)
    assert type(info.value) is error
    if isinstance(info.value, RuleSyntaxError):
        assert info.value.suggestion == suggestion
        if suggestion is not None:
            parse_rule(suggestion)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['phrase']}@{r['trigger']}" for r in ROWS])
def test_due_dates_match_the_independent_calendar(row: dict[str, str], cal: WorkCalendar) -> None:
    trigger = dt.date.fromisoformat(row["trigger"])
    expected = dt.date.fromisoformat(row["due"])
    # The expected date still follows from the meaning on chinesecalendar...
    assert rules_reference.due(row["meaning"], trigger) == expected
    # ...and govops reads the phrase to that date, and explains its way there.
    rule = _parse(row)
    assert rule.due(trigger, calendar=cal) == expected
    explanation = rule.explain(trigger, calendar=cal)
    assert explanation.steps[-1].date == expected


@pytest.mark.parametrize("phrase", sorted({r["phrase"] for r in ROWS}))
def test_every_corpus_phrase_round_trips_in_both_languages(phrase: str) -> None:
    row = next(r for r in ROWS if r["phrase"] == phrase)
    rule = _parse(row)
    for lang in ("en", "zh"):
        assert parse_rule(rule.to_text(lang)) == rule


# A phrase and its English equivalent give one and the same rule.
PAIRS = [
    ("每月20日前报送", "report by the 20th of each month"),
    ("每年11月15日前", "by 15 November each year"),
    ("每季度第一个月15日前", "by the 15th of Jan, Apr, Jul and Oct"),
    ("3月底前", "by the end of March"),
    ("2027年3月31日前", "no later than March 31, 2027"),
    ("2027年3月31日前", "on or before 31 March 2027"),
    ("年度结束后4个月内", "within 4 months after the end of the year"),
    ("每月结束后5个工作日内", "within 5 working days after the end of each month"),
    ("每季度结束后10日内", "within 10 days after the end of each quarter"),
    ("每月倒数第三个工作日", "every month on the last but two working day"),
    ("每月第二个星期三", "the second Wednesday of each month"),
    ("每周三、周五", "every Wednesday and Friday"),
    ("每月8日、18日和28日", "every month on the 8th, 18th and 28th"),
    ("隔周周三(自2026年1月7日起)", "every other week on Wednesday starting 2026-01-05"),
    ("双周周一（自2026年1月5日所在周起）", "fortnightly on Monday starting the week of 2026-01-07"),
    ("每周五下班前报送", "report every Friday before close of business"),
    ("每月底前报送", "report by the end of each month"),
    ("每月底召开", "hold at the end of each month"),
    ("15日内（遇节假日顺延）", "within 15 days (if it falls on a holiday, the next working day)"),
    ("15日内，遇法定节假日顺延至节后第一个工作日", "within fifteen days, roll forward"),
    ("一百二十日内", "within one hundred and twenty days"),
    ("自收到之日起20个工作日内答复", "reply within 20 working days after receipt"),
    ("自受理之日起60日内办结", "complete within 60 days from the date of acceptance"),
    ("判决书送达之日起十五日内", "within 15 days after 判决书送达"),
    (
        "每周五，遇节假日本周内提前",
        "every Friday, if it falls on a holiday, earlier in the same week",
    ),
    ("每周一召开（遇节假日本周内提前）", "hold every Monday, earlier in the same week"),
    (
        "二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日",
        "if a decision cannot be made within 20 days, it may be extended by 10 days",
    ),
    ("延长期限最多不得超过三十日", "it may be extended by no more than 30 days"),
    (
        "对符合条件的，应当自受理之日起20个工作日内答复",
        "reply within 20 working days of acceptance",
    ),
    ("自受理之日起十五日内", "within 15 days of the date of acceptance"),
    ("季度终了后十五日内", "within 15 days of the end of the quarter"),
    ("自第二审立案之日起三个月内", "within 3 months after 第二审立案"),
    (
        "自受理之日起二十日内（依行政许可法第八十二条，期限以工作日计算）",
        "within 20 days after acceptance (counted in working days under Administrative "
        "Licensing Law Art. 82)",
    ),
]


@pytest.mark.parametrize(("zh", "en"), PAIRS)
def test_chinese_and_english_give_the_same_rule(zh: str, en: str) -> None:
    assert parse_rule(zh) == parse_rule(en)
