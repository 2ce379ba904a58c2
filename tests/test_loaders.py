from __future__ import annotations

import builtins
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

import govops
from govops.exceptions import ConfigError
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


# -- files that cannot be read --------------------------------------------------------------------


def test_a_file_that_is_not_utf8_names_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "2027.toml"
    path.write_bytes(GOOD.encode("gb18030"))  # the Chinese legacy encoding many offices still use
    with pytest.raises(ConfigError) as info:
        load_schedule(path)
    message = str(info.value)
    assert message.startswith(f"{path}:2:")  # the first Chinese character is on line 2
    assert "is not UTF-8" in message and "save the schedule file as UTF-8" in message
    assert info.value.line == 2
    assert info.value.column == len(b'source = "') + 1  # the column of the first bad byte


def test_a_byte_order_mark_and_windows_line_ends_are_read(tmp_path: Path) -> None:
    path = tmp_path / "2027.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    assert load_schedule(path) == parse_schedule(GOOD, path=str(path))


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p, "No such file or directory"),
        (lambda p: (p.mkdir(), p)[1], "Is a directory"),
        (lambda p: Path(str(p) + "\0"), "embedded null byte"),
    ],
)
def test_a_file_that_cannot_be_opened_is_a_config_error(
    tmp_path: Path, make: Any, reason: str
) -> None:
    path = make(tmp_path / "2027.toml")
    with pytest.raises(ConfigError, match=f"cannot read schedule file .*{reason}"):
        load_schedule(path)


def test_a_file_without_read_permission_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "2027.toml"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads every file: open() refuses it as it would for a user
        real_open = builtins.open

        def refusing(file: Any, *args: Any, **kwargs: Any) -> Any:
            if os.fspath(file) == str(path):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", refusing)
    with pytest.raises(ConfigError, match=r"cannot read schedule file .*Permission denied"):
        load_schedule(path)


def test_toml_syntax_errors_show_line_column_and_a_caret_under_wide_characters() -> None:
    text = GOOD.replace('name = "春节调休上班"', 'name = "春节调休上班" 周日')
    with pytest.raises(ConfigError) as info:
        parse_schedule(text, path="2027.toml")
    first, shown, caret = str(info.value).splitlines()
    assert first == (
        "2027.toml:17:17: not valid TOML: Expected newline or end of document after a statement"
    )
    assert shown == '    name = "春节调休上班" 周日'
    # '    name = "' is 12 columns, the six characters 12 more, then '" ' two: under 周
    assert caret == " " * 4 + " " * (8 + 12 + 2) + "^"
    assert (info.value.line, info.value.column) == (17, 17)
