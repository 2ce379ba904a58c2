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


def test_the_corpus_is_large_and_in_both_languages() -> None:
    phrases = {row["phrase"] for row in ROWS}
    assert len(ROWS) >= 300
    assert sum(map(_is_zh, phrases)) >= 50
    assert sum(not _is_zh(p) for p in phrases) >= 40
    assert all(row["source"] for row in ROWS)


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
]


@pytest.mark.parametrize(("zh", "en"), PAIRS)
def test_chinese_and_english_give_the_same_rule(zh: str, en: str) -> None:
    assert parse_rule(zh) == parse_rule(en)
