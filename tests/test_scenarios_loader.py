"""Scenario files (govops.scenarios.loaders) and the ``govops scenario`` commands."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest

from govops._cli_scenario import add_parsers
from govops.exceptions import ConfigError
from govops.rules import ADMINISTRATIVE_LICENSING, parse_rule
from govops.scenarios import simulate
from govops.scenarios.loaders import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "scenarios").glob("*.toml"))

GOOD = """\
name = "demo"
start = 2026-01-01
end = 2026-06-30
reporting = "every Friday"

[rules]
monthly = "at month-end plus 2 days"

[progress]
seed = 3
unit_spread = 0.2

[[units]]
id = "U1"
name = "第一科"

[[duties]]
id = "MR"
title = "月报"
deadline = "rule:monthly"
every = "every month on the last working day"

[[tasks]]
id = "T1"
title = "道路改造"
unit = "U1"
due = 2026-06-30
start = 2026-01-05
milestones = [{ id = "m1", due = 2026-03-31, percent = 40 }]
"""


def test_a_good_file_reads_and_runs() -> None:
    f = parse_scenario(GOOD)
    assert (f.start, f.end, f.step) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30), "working day")
    sc = f.scenario
    assert sc.rule_text("monthly") == "at month-end plus 2 days"
    assert sc.tasks[0].plan is not None and sc.tasks[0].plan.milestones[0].cumulative_percent == 40
    assert sc.progress.seed == 3
    r = simulate(sc, start=f.start, end=f.end)
    assert len(r.tasks) == 1 + 6


@pytest.mark.parametrize(
    ("replace", "by", "key", "line"),
    [
        ("end = 2026-06-30", 'end = "June"', "end", 3),
        ("end = 2026-06-30", "end = 2025-06-30", "end", 3),
        ("seed = 3", 'seed = "three"', "progress.seed", 10),
        ("unit_spread = 0.2", "unit_spread = 0.2\nspeed = 2", "progress.speed", 12),
        (
            'monthly = "at month-end plus 2 days"',
            'monthly = "at month-end plus two fortnights"',
            "rules.monthly",
            7,
        ),
        ('deadline = "rule:monthly"', 'deadline = "within 2 dais"', "duties[0].deadline", 20),
        (
            'every = "every month on the last working day"',
            'every = "within 3 days"',
            "duties[0].every",
            21,
        ),
        ('unit = "U1"', 'unit = "U9"', "tasks[0].unit", 26),
        (
            "due = 2026-06-30\nstart",
            'due = 2026-06-30\nrule = "within 2 days"\nstart',
            "tasks[0].rule",
            28,
        ),
        ("percent = 40", "percent = 140", "tasks[0].milestones", 29),
        ('reporting = "every Friday"', 'reporting = "within 2 days"', "reporting", 4),
        (
            '[[units]]\nid = "U1"\nname = "第一科"',
            '[[units]]\nid = "U1"\nname = "第一科"\ncolour = "red"',
            "units[0].colour",
            16,
        ),
    ],
)
def test_errors_name_the_key_and_the_line(replace: str, by: str, key: str, line: int) -> None:
    assert replace in GOOD
    with pytest.raises(ConfigError) as info:
        parse_scenario(GOOD.replace(replace, by), path="bad.toml")
    err = info.value
    assert f"bad.toml:{line}: {key}:" in str(err), str(err)


def test_invalid_toml_and_missing_files() -> None:
    with pytest.raises(ConfigError, match=r"not valid TOML"):
        parse_scenario("name = ")
    with pytest.raises(ConfigError, match="cannot read scenario file"):
        load_scenario("/nonexistent/scenario.toml")
    with pytest.raises(ConfigError, match="at least one"):
        parse_scenario('name = "x"\nstart = 2026-01-01\nend = 2026-02-01\n')


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_files_load(path: Path) -> None:
    f = load_scenario(path)
    assert f.scenario.units


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="govops")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_cli_run_writes_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ROOT / "examples" / "scenarios" / "quarterly_report.toml"
    assert _main(["scenario", "run", str(base), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "36 tasks" in out and "tables written" in out
    tasks = (tmp_path / "tasks.csv").read_text(encoding="utf-8").splitlines()
    assert tasks[0].startswith("task_id,unit_id,duty")
    assert len(tasks) == 37


def test_cli_compare(capsys: pytest.CaptureFixture[str]) -> None:
    base = ROOT / "examples" / "scenarios" / "quarterly_report.toml"
    reform = ROOT / "examples" / "scenarios" / "quarterly_report_working_days.toml"
    assert _main(["scenario", "compare", str(base), str(reform)]) == 0
    out = capsys.readouterr().out
    assert "on-time rate" in out
    assert "due 2026-10-08 → 2026-10-09" in out


def test_a_scenario_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes('name = "季度报告"\n'.encode("gbk"))
    with pytest.raises(ConfigError, match=r"s\.toml:1:9: byte .* is not UTF-8"):
        load_scenario(path)


def test_a_scenario_path_that_is_a_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read scenario file .*Is a directory"):
        load_scenario(tmp_path)


def test_scenario_toml_syntax_errors_have_line_column_and_caret() -> None:
    with pytest.raises(ConfigError) as info:
        parse_scenario('name = "x"\nstart = 2026-13-01\n', path="s.toml")
    assert str(info.value).splitlines()[0].startswith("s.toml:2:")
    assert str(info.value).splitlines()[1] == "    start = 2026-13-01"
    assert info.value.line == 2


LICENSING = """\
name = "许可"
start = 2026-02-01
end = 2026-04-30
counting = "administrative_licensing"

[rules]
decide = "二十日内作出决定"

[[units]]
id = "U1"
name = "审批科"

[[duties]]
id = "D"
title = "许可决定"
deadline = "decide"
every = "every month on the first working day"

[[tasks]]
id = "T1"
title = "许可申请"
unit = "U1"
rule = "自受理之日起二十日内作出行政许可决定"
trigger = 2026-02-13
"""


def test_a_file_names_its_counting_once() -> None:
    f = parse_scenario(LICENSING)
    sc = f.scenario
    assert sc.counting is ADMINISTRATIVE_LICENSING
    # The task keeps its rule written out; 20 working days from Feb 13 run past the Spring
    # Festival (Feb 15-23) and count the make-up Saturdays Feb 14 and Feb 28.
    deadline = sc.tasks[0].deadline
    assert (
        deadline.rule
        == "自受理之日起20个工作日内作出行政许可决定（依行政许可法第八十二条，期限以工作日计算）"
    )
    assert deadline.resolve(sc.calendar) == dt.date(2026, 3, 19)
    # The duties' deadlines are read in the same context.
    result = simulate(sc, start=f.start, end=f.end)
    duty_rows = [r for r in result.tasks.records() if r["duty"] == "D"]
    assert duty_rows
    for row in duty_rows:
        assert row["rule"] == "20个工作日内作出决定（依行政许可法第八十二条，期限以工作日计算）"
        expected = parse_rule("二十日内作出决定", days="working").due(
            row["trigger"], calendar=sc.calendar
        )
        assert row["due"] == expected


def test_a_file_without_counting_reads_calendar_days() -> None:
    sc = parse_scenario(LICENSING.replace('counting = "administrative_licensing"\n', "")).scenario
    assert sc.counting is None
    assert sc.tasks[0].deadline.rule == "自受理之日起二十日内作出行政许可决定"
    assert sc.tasks[0].deadline.resolve(sc.calendar) == dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("replace", "by", "key", "line"),
    [
        ('counting = "administrative_licensing"', 'counting = "lunar"', "counting", 4),
        ('counting = "administrative_licensing"', 'counting = ["working_days"]', "counting", 4),
        (
            'rule = "自受理之日起二十日内作出行政许可决定"',
            'rule = "自受理之日起二十日内或者三十日内作出决定"',
            "tasks[0].rule",
            23,
        ),
    ],
)
def test_counting_errors_name_the_key(replace: str, by: str, key: str, line: int) -> None:
    with pytest.raises(ConfigError) as info:
        parse_scenario(LICENSING.replace(replace, by), path="bad.toml")
    assert f"bad.toml:{line}: {key}:" in str(info.value), str(info.value)


# -- a rule's name and rule text are told apart: a typo never becomes another rule ------------


QUARTERLY = (
    'name = "季报"\nstart = 2026-01-01\nend = 2026-12-31\n\n'
    '[rules]\nquarterly_report = "at quarter-end plus 2 days"\n\n'
    '[[units]]\nid = "U1"\nname = "第一科"\n\n'
    '[[duties]]\nid = "QR"\ntitle = "季度报告"\ndeadline = "{deadline}"\n'
    'every = "every quarter on the last working day"\n'
)


@pytest.mark.parametrize(
    ("deadline", "fragment"),
    [
        # "quarterly" reads as rule text (every quarter) but is one letter-run from the name.
        ("quarterly", "is not a rule name (it reads as 'every quarter"),
        ("quarterly", "did you mean 'rule:quarterly_report'? Write 'text:quarterly'"),
        ("quarterly_reprot", "is not a rule name (it is no rule text); did you mean 'rule:quarterly_report'"),
        ("rule:quarterly", "names no rule of the scenario; did you mean 'rule:quarterly_report'?"),
        ("rule:monthly", "names no rule of the scenario; rules: ['quarterly_report']"),
        # What reads as a schedule is not a deadline, however it was named.
        ("text:quarterly", "is a schedule ('every quarter"),
    ],
)  # fmt: skip
def test_a_mistyped_rule_name_is_an_error_with_a_suggestion(deadline: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_scenario(QUARTERLY.replace("{deadline}", deadline), path="qr.toml")
    message = str(info.value)
    assert message.startswith("qr.toml:15: duties[0].deadline:"), message
    assert fragment in message, message


@pytest.mark.parametrize(
    "deadline", ["rule:quarterly_report", "quarterly_report", "text:at quarter-end plus 2 days"]
)
def test_names_old_and_new_and_text_read_the_same_rule(deadline: str) -> None:
    scenario = parse_scenario(QUARTERLY.replace("{deadline}", deadline), path="qr.toml").scenario
    (duty,) = scenario.duties
    assert scenario.rule_text(duty.deadline) == "at quarter-end plus 2 days"


def test_a_word_that_is_a_name_and_rule_text_asks_which_is_meant() -> None:
    text = QUARTERLY.replace("quarterly_report =", "monthly =").replace("{deadline}", "monthly")
    with pytest.raises(
        ConfigError, match=r"both the name of a rule and rule text .* write 'rule:monthly'"
    ):
        parse_scenario(text, path="qr.toml")


def test_the_same_holds_for_a_scenario_built_in_python() -> None:
    from govops.calendars import calendar
    from govops.exceptions import ScenarioError
    from govops.scenarios import Duty, Scenario
    from govops.tasks import Unit

    def scenario(deadline: str) -> Scenario:
        return Scenario(
            "季报",
            calendar=calendar("CN"),
            rules={"quarterly_report": "at quarter-end plus 2 days"},
            units=[Unit("U1", "第一科")],
            duties=[
                Duty(
                    "QR",
                    "季度报告",
                    deadline=deadline,
                    every="every quarter on the last working day",
                )
            ],
        )

    with pytest.raises(ScenarioError, match="did you mean 'rule:quarterly_report'"):
        scenario("quarterly")
    assert scenario("rule:quarterly_report").duties[0].deadline == "rule:quarterly_report"
