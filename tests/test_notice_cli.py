"""The day the notice arrives, on the command line and in scenario files.

The 2027 notice used here is illustrative (``tests/notices/2027-illustrative.txt``): the form of a
real notice, with an arrangement worked out by the rules of 全国年节及纪念日放假办法.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from govops.calendars import calendar
from govops.cli import main
from govops.exceptions import ConfigError, NoticeError
from govops.loaders import load_schedule, parse_schedule
from govops.scenarios.loaders import load_scenario, parse_scenario

NOTICE_2027 = Path(__file__).parent / "notices" / "2027-illustrative.txt"
# The notice is loaded into the data as it stood before it, whatever the installed release carries.
BEFORE_2027 = ("--published-through", "2026")
LAST = calendar("CN").published_through


@pytest.fixture
def notice(tmp_path: Path) -> Path:
    target = tmp_path / "2027通知.txt"
    shutil.copy(NOTICE_2027, target)
    return target


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_shows_the_year_and_writes_toml(
    capsys: pytest.CaptureFixture[str], notice: Path, tmp_path: Path
) -> None:
    out_file = tmp_path / "2027.toml"
    code, out, _ = run(
        capsys, "schedule", "import", str(notice), *BEFORE_2027, "--out", str(out_file)
    )
    assert code == 0
    assert "2027 holiday schedule" in out and "official arrangement" in out
    assert "2027年2月 February" in out and "20班" in out  # the grid, for review
    assert "29 days off, 5 make-up workdays" in out
    assert "2027 is official" in out
    # What the notice changes against the estimate used until now (tests/test_estimate.py).
    assert "4 days differ from the provisional estimate of 2027" in out
    assert "2027-02-13 Sat: now a rest day (春节)" in out
    assert "2027-02-20 Sat: now a working day (春节调休上班)" in out
    assert "2027-05-08 Sat: now a rest day (周末)" in out
    written = parse_schedule(out_file.read_text(encoding="utf-8"))
    assert written == load_schedule(notice)
    # Not overwritten by accident.
    code, _, err = run(
        capsys, "schedule", "import", str(notice), *BEFORE_2027, "--out", str(out_file)
    )
    assert code == 2 and "--force" in err
    again = ("schedule", "import", str(notice), *BEFORE_2027, "--out", str(out_file), "--force")
    assert run(capsys, *again)[0] == 0


def test_import_without_out_only_shows(capsys: pytest.CaptureFixture[str], notice: Path) -> None:
    code, out, _ = run(capsys, "schedule", "import", str(notice), *BEFORE_2027)
    assert code == 0 and "--out FILE.toml" in out


def test_a_faulty_notice_names_file_clause_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(
        NOTICE_2027.read_text(encoding="utf-8").replace("6月9日（周三）", "6月9日（周四）"),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "schedule", "import", str(bad))
    assert code == 2
    assert str(bad) in err and "五、端午节" in err and "第10行" in err and "^" in err
    with pytest.raises(NoticeError) as info:
        load_schedule(bad)
    assert info.value.line == 10 and info.value.clause == "五、端午节"


def test_every_calendar_command_takes_schedule_and_provisional(
    capsys: pytest.CaptureFixture[str], notice: Path
) -> None:
    rule, trigger = "20个工作日内", "2026-12-20"
    code, _, err = run(capsys, "due", rule, "--from", trigger, *BEFORE_2027)
    assert code == 2
    assert "--schedule NOTICE.txt" in err and "--provisional" in err and "2027" in err
    # With the notice: 2027-01-01..03 off, so the 20th working day is 01-18, not provisional.
    code, out, _ = run(
        capsys, "due", rule, "--from", trigger, "--schedule", str(notice), *BEFORE_2027
    )
    assert (code, out.strip()) == (0, "2027-01-18（周一）")
    # Sunday 01-31 is a make-up workday of the notice: the third working day after 01-28.
    code, out, _ = run(
        capsys, "due", "3个工作日内", "--from", "2027-01-28", "--schedule", str(notice),
        *BEFORE_2027,
    )  # fmt: skip
    assert (code, out.strip()) == (0, "2027-02-01（周一）")
    code, out, _ = run(capsys, "due", rule, "--from", trigger, "--provisional", *BEFORE_2027)
    assert code == 0 and "临时" in out
    code, out, _ = run(
        capsys, "explain", rule, "--from", trigger, "--schedule", str(notice), *BEFORE_2027
    )
    assert code == 0 and "2027-01-18" in out and "临时" not in out
    code, out, _ = run(
        capsys, "occurrences", "every Monday", "--from", "2027-02-01", "--to", "2027-02-28",
        "--schedule", str(notice), *BEFORE_2027,
    )  # fmt: skip
    # Monday 02-08 is Spring Festival: it moves to 02-15 and merges with that Monday.
    assert (code, out.split()) == (
        0,
        ["2027-02-01", "(Mon)", "2027-02-15", "(Mon)", "2027-02-22", "(Mon)"],
    )
    code, out, _ = run(
        capsys, "calendar", "2027", "--month", "10", "--schedule", str(notice), *BEFORE_2027
    )
    assert code == 0 and "9班" in out and "2027 is official" in out


def test_published_through_takes_the_data_as_it_stood_before_a_notice(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Capped at the year before the last published one, that year is unpublished again.
    cap, trigger = str(LAST - 1), f"{LAST - 1}-12-20"
    assert run(capsys, "due", "20个工作日内", "--from", trigger)[0] == 0
    code, _, err = run(capsys, "due", "20个工作日内", "--from", trigger, "--published-through", cap)
    assert code == 2 and f"only through {cap}" in err and "--provisional" in err
    code, out, _ = run(
        capsys,
        "due",
        "20个工作日内",
        "--from",
        trigger,
        "--published-through",
        cap,
        "--provisional",
    )
    assert code == 0 and "临时" in out
    code, _, err = run(capsys, "calendar", str(LAST), "--month", "1", "--published-through", cap)
    assert code == 2 and f"{LAST}-01-01 is in {LAST}" in err
    code, _, err = run(capsys, "calendar", str(LAST), "--published-through", str(LAST + 1))
    assert code == 2 and f"published_through={LAST + 1}" in err and f"only through {LAST}" in err
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        f'name = "跨年"\nstart = {LAST - 1}-12-01\nend = {LAST}-01-29\n'
        '[[units]]\nid = "U1"\nname = "第一科"\n'
        f'[[tasks]]\nid = "T1"\ntitle = "年终总结"\nunit = "U1"\nrule = "20个工作日内"\n'
        f"trigger = {trigger}\n",
        encoding="utf-8",
    )
    assert run(capsys, "scenario", "run", str(scenario))[0] == 0
    code, _, err = run(capsys, "scenario", "run", str(scenario), "--published-through", cap)
    assert code == 2 and "--schedule" in err
    code, out, _ = run(
        capsys, "scenario", "run", str(scenario), "--published-through", cap, "--provisional"
    )
    assert code == 0 and f"PROVISIONAL: {LAST}" in out


def test_schedules_load_in_year_order_whatever_the_order_given(
    capsys: pytest.CaptureFixture[str], notice: Path, tmp_path: Path
) -> None:
    toml_2028 = tmp_path / "2028.toml"
    toml_2028.write_text(
        'year = 2028\nsource = "illustrative"\n[[holidays]]\nname = "元旦"\nfrom = 2028-01-01\n',
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, "calendar", "2028", "--month", "1", "--schedule", str(toml_2028),
        "--schedule", str(notice), *BEFORE_2027,
    )  # fmt: skip
    assert code == 0 and " 1休" in out and "2028 is official" in out


def test_scenario_files_take_schedules(tmp_path: Path, notice: Path) -> None:
    text = """
name = "跨年"
start = 2026-12-01
end = 2027-02-26
schedules = ["2027通知.txt"]
[[units]]
id = "U1"
name = "第一科"
[[tasks]]
id = "T1"
title = "年终总结"
unit = "U1"
rule = "20个工作日内"
trigger = 2026-12-20
"""
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    f = load_scenario(path)
    assert f.scenario.calendar.published_through == 2027
    assert [s.year for s in f.schedules] == [2027]
    assert f.scenario.calendar.describe(dt.date(2027, 2, 20)).kind.value == "makeup_workday"
    # Without the schedule the same scenario cannot run into 2027 (the loader builds the calendar).
    with pytest.raises(ConfigError, match="schedules"):
        parse_scenario(text.replace('"2027通知.txt"', '"missing.txt"'), path=str(path))
    with pytest.raises(ConfigError, match="schedules"):
        parse_scenario(text.replace('["2027通知.txt"]', '"2027.toml"'), path=str(path))


def test_scenario_commands_take_schedule_and_provisional(
    capsys: pytest.CaptureFixture[str], notice: Path, tmp_path: Path
) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        """
name = "跨年"
start = 2026-12-01
end = 2027-01-29
[[units]]
id = "U1"
name = "第一科"
[[tasks]]
id = "T1"
title = "年终总结"
unit = "U1"
rule = "20个工作日内"
trigger = 2026-12-20
""",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "scenario", "run", str(scenario), *BEFORE_2027)
    assert code == 2 and "--schedule" in err
    code, out, _ = run(
        capsys, "scenario", "run", str(scenario), "--schedule", str(notice), *BEFORE_2027
    )
    assert code == 0 and "provisional" not in out
    code, out, _ = run(capsys, "scenario", "run", str(scenario), "--provisional", *BEFORE_2027)
    assert code == 0 and "PROVISIONAL: 2027" in out
