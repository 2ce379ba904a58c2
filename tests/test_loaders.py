from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import govops
from govops.loaders import load_schedule, parse_schedule

GOOD = """\
year = 2027
source = "国办发明电〔2026〕N号"

[[holidays]]
name = "元旦"
name_en = "New Year's Day"
from = 2027-01-01
to = 2027-01-03

[[holidays]]
name = "春节"
from = 2027-02-05
to = 2027-02-11

[[workdays]]
date = 2027-02-14
name = "春节调休上班"
"""


def test_load_and_apply(tmp_path: Path) -> None:
    path = tmp_path / "2027.toml"
    path.write_text(GOOD, encoding="utf-8")
    schedule = load_schedule(path)
    assert schedule.year == 2027
    assert len(schedule.holidays) == 3 + 7
    cal = schedule.apply_to(govops.calendar("CN"))
    assert cal.published_through == 2027
    assert not cal.is_working_day(dt.date(2027, 2, 8))  # a Monday inside the block
    assert cal.is_working_day(dt.date(2027, 2, 14))  # a Sunday, make-up workday
    info = cal.describe(dt.date(2027, 1, 2))
    assert (info.name_zh, info.name_en, info.source) == (
        "元旦",
        "New Year's Day",
        "国办发明电〔2026〕N号",
    )
    assert not info.provisional
    with pytest.raises(govops.CalendarCoverageError):
        cal.is_working_day(dt.date(2028, 1, 3))


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        (GOOD.replace("year = 2027", 'year = "2027"'), "year", 1),
        (GOOD.replace('source = "国办发明电〔2026〕N号"', 'source = ""'), "source", 2),
        (GOOD.replace("from = 2027-02-05", 'from = "Feb 5"'), "holidays[1].from", None),
        (GOOD.replace('name = "春节调休上班"', "name = 3"), "workdays[0].name", None),
        (GOOD.replace("year = 2027", "year = 2027\nextra = 1"), "extra", 2),
        (GOOD + "color = 'red'\n", "workdays[0].color", GOOD.count("\n") + 1),
        (GOOD.replace("to = 2027-02-11", "to = 2027-02-01"), "holidays[1].to", None),
    ],
)
def test_bad_files_name_the_key_and_line(text: str, key: str, line: int | None) -> None:
    with pytest.raises(govops.ConfigError) as info:
        parse_schedule(text, path="2027.toml")
    assert info.value.key == key
    assert key in str(info.value) and "2027.toml" in str(info.value)
    if line is not None:
        assert info.value.line == line


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(govops.ConfigError, match="not valid TOML"):
        parse_schedule("year = = 3")
    with pytest.raises(govops.ConfigError, match="cannot read schedule file"):
        load_schedule(tmp_path / "missing.toml")
