from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

import govops
from govops import __version__
from govops.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"govops {__version__}"


def test_month_grid_marks_holidays_and_makeup_days(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "2026", "--month", "2"]) == 0
    out = capsys.readouterr().out
    assert "2026年2月 February" in out
    assert "14班" in out and "28班" in out  # make-up Saturdays
    assert "17休" in out and "23休" in out  # Spring Festival and its last day off in lieu
    assert "24休" not in out
    assert "Source: 国务院办公厅关于2026年部分节假日安排的通知" in out
    assert "2026-02-20 休 春节假期（调休，与2026-02-14上班对调）" in out


def test_whole_year_has_twelve_months(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "2026"]) == 0
    out = capsys.readouterr().out
    assert all(f"2026年{m}月" in out for m in range(1, 13))
    assert " 4班" in out and "10班" in out


def test_unpublished_year_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    year = str(govops.calendar("CN").published_through + 1)
    assert main(["calendar", year]) == 2
    err = capsys.readouterr().err
    assert year in err and "--schedule NOTICE.txt" in err and "--provisional" in err
    assert "with_schedule" not in err and "provisional=True" not in err  # flags, not Python


def test_provisional_year(capsys: pytest.CaptureFixture[str]) -> None:
    year = str(govops.calendar("CN").published_through + 1)
    assert main(["calendar", year, "--month", "10", "--provisional"]) == 0
    out = capsys.readouterr().out
    assert "(provisional)" in out and f"{year} is provisional estimate" in out


def test_other_country(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "2025", "--month", "12", "--country", "HK"]) == 0
    assert "25休" in capsys.readouterr().out


def test_demo_runs_as_a_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "govops", "demo"], capture_output=True, text=True, check=True
    )
    assert "2026-09-25 + 20 working days = 2026-10-29" in done.stdout
    assert "2026-10-02 rolled following = 2026-10-08" in done.stdout


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line a failed command writes on stderr (and nothing on stdout)."""
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["calendar", "10000"], "10000 is outside 2001–"),
        (["calendar", "0"], "no CN calendar data before 2001"),
        (["calendar", "-5", "--provisional"], "-5 is outside"),
        (["calendar", "2099", "--provisional"], "estimates CN holidays only through"),
        (["due", "within 2 days", "--from", "1999-12-31"], "no CN calendar data before 2001"),
        (["due", "within 2 days", "--from", "9999-12-31", "--provisional"], "only through"),
        (["occurrences", "每周一", "--from", "2026-12-01", "--to", "2026-01-01"],
         "--to 2026-01-01 is before --from 2026-12-01"),
        (["scenario", "run", "examples/scenarios/quarterly_report.toml", "--out", "/proc/nope"],
         "/proc/nope: No such file or directory"),
        (["scenario", "run", "/nonexistent.toml"], "cannot read scenario file"),
    ],
)  # fmt: skip
def test_every_error_is_one_line_with_status_2(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    line = _error_line(capsys)
    assert line.startswith("govops: error: ") and expected in line
    assert "=" not in line.split(":", 2)[2]  # no keyword arguments of Python calls


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["calendar"], "govops calendar: error: the following arguments are required: year"),
        (["calendar", "x"], "invalid int value: 'x'"),
        (["calendar", "2026", "--month", "13"], "month 13 is not 1–12"),
        (["bogus"], "invalid choice: 'bogus'"),
        ([], "govops: error: the following arguments are required: COMMAND"),
        (["due", "within 2 days", "--from", "2026-02-30"], "'2026-02-30' is not a date"),
    ],
)
def test_argument_errors_are_one_line_too(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    line = _error_line(capsys)
    assert expected in line and "--help" in line


def test_a_real_run_reports_a_bad_argument_without_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "govops", "calendar", "10000"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("govops: error: 10000")


def test_calendar_ics_writes_the_rest_and_make_up_days_as_a_feed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import icalendar

    assert main(["calendar", "2026", "--month", "10", "--ics"]) == 0
    feed = icalendar.Calendar.from_ical(capsys.readouterr().out)
    days = {e.decoded("dtstart"): str(e["SUMMARY"]) for e in feed.walk("VEVENT")}
    assert days[dt.date(2026, 10, 1)] == "休 国庆节"
    assert days[dt.date(2026, 10, 10)].startswith("班 ")
    assert all(d.month == 10 for d in days)


def test_the_demo_takes_the_calendar_options(capsys: pytest.CaptureFixture[str]) -> None:
    notice = str(Path(__file__).parent / "notices" / "2027-illustrative.txt")
    argv = ["demo", "--published-through", "2026", "--schedule", notice]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "govops demo: the 2026 working-day calendar" in out
    assert main(["demo", "--provisional"]) == 0


def test_the_demos_what_if_agrees_with_scenario_run(capsys: pytest.CaptureFixture[str]) -> None:
    import re

    from govops._demo.scenarios import demo_scenario_lines, quarterly_report_scenarios
    from govops.scenarios.loaders import load_scenario

    examples = Path(__file__).resolve().parents[1] / "examples" / "scenarios"
    files = [examples / "quarterly_report.toml", examples / "quarterly_report_working_days.toml"]
    cal = govops.calendar("CN")
    # The demo simulates the very scenarios of the two files...
    assert list(quarterly_report_scenarios(cal)) == [load_scenario(f).scenario for f in files]
    # ...so the on-time rates `govops scenario run` prints are the ones the demo says moved.
    rates = []
    for f in files:
        assert main(["scenario", "run", str(f)]) == 0
        rates.append(re.search(r"on time (\d+\.\d%)", capsys.readouterr().out).group(1))  # type: ignore[union-attr]
    lines = demo_scenario_lines(cal)
    moved = lines[lines.index("What moved:") + 1 :]
    assert any(re.fullmatch(rf"\s+on-time rate\s+{rates[0]} → {rates[1]}", line) for line in moved)
    # Only figures that moved are listed as moved; the others are named once, unchanged.
    for line in moved:
        if line.startswith("  "):
            _, before, after = re.fullmatch(r"\s+(.+?)\s{2,}(\S+) → (\S+)", line).groups()  # type: ignore[union-attr]
            assert before != after
    assert lines[-1].startswith("Unchanged: tasks 36, completed 36")
