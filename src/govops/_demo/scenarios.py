"""The scenario part of ``govops demo``: a first what-if, as lines (pure; the CLI prints them).

The simulated what-if is the scenario of ``examples/scenarios/quarterly_report.toml`` and its
reform ``quarterly_report_working_days.toml``, built here in code (the demo reads no file), so
``govops scenario run`` on either file prints the same figures; ``tests/test_cli.py`` holds the
two to each other.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ..assessment import KEY_WORK_SCORING
from ..calendars import WorkCalendar
from ..escalation import CITY_KEY_WORK_POLICY
from ..scenarios import Duty, ProgressModel, Scenario, compare, compare_readings, simulate
from ..tasks import Unit

__all__ = ["WHAT_IF_RANGE", "demo_scenario_lines", "quarterly_report_scenarios"]

WHAT_IF_RANGE = (dt.date(2026, 1, 1), dt.date(2026, 10, 31))
_OFFICES = (
    ("office", "党政办"),
    ("economy", "经济发展办"),
    ("planning", "规划建设办"),
    ("agriculture", "农业农村办"),
    ("social", "社会事务办"),
    ("safety", "应急管理办"),
    ("environment", "生态环境办"),
    ("finance", "财政所"),
    ("justice", "司法所"),
    ("service", "便民服务中心"),
    ("culture", "文化站"),
    ("stats", "统计站"),
)


def quarterly_report_scenarios(calendar: WorkCalendar) -> tuple[Scenario, Scenario]:
    """The baseline and reform of ``examples/scenarios/quarterly_report*.toml``."""
    start = WHAT_IF_RANGE[0]
    policy = CITY_KEY_WORK_POLICY
    if policy.effective_from > start:  # a named policy is in force from the run's start
        policy = attrs.evolve(policy, effective_from=start)
    base = Scenario(
        "季度报告：季度末后两天（日历日）",
        calendar=calendar,
        description="Twelve offices, one quarterly report each; reminders and notices by the "
        "city ladder.",
        units=[Unit(uid, name) for uid, name in _OFFICES],
        rules={"quarterly_report": "at quarter-end plus 2 days"},
        duties=[
            Duty(
                "QR",
                "季度工作报告",
                deadline="rule:quarterly_report",
                every="每季度最后一个工作日",
                effort=2,
            )
        ],
        progress=ProgressModel(seed=7, unit_spread=0.4, task_spread=0.3, catch_up=0.3),
        escalation=policy,
        scoring=KEY_WORK_SCORING,
        assessment="quarter",
        supervision="every working day",
    )
    reform = base.with_rule("quarterly_report", "at quarter-end plus 2 working days").evolve(
        name="季度报告：季度末后两个工作日"
    )
    return base, reform


def demo_scenario_lines(calendar: WorkCalendar) -> list[str]:
    """What if the quarterly report were due two *working* days after quarter-end?

    >>> import govops
    >>> lines = demo_scenario_lines(govops.calendar("CN"))
    >>> lines[0]
    'What if the quarterly report were due 2 working days after quarter-end instead of 2 days?'
    """
    lines = [
        "What if the quarterly report were due 2 working days after quarter-end instead of 2 days?",
        "-" * 88,
    ]
    readings = compare_readings(
        "季度末后两天",
        "季度末后两个工作日内",
        dt.date(2024, 1, 1),
        dt.date(2026, 9, 30),
        calendar=calendar,
    )
    a = readings.a
    lines.append(
        f"2024-Q1 to 2026-Q3, {len(a)} quarters: the calendar-day reading lands {a.on_holiday} "
        f"times on a holiday ({', '.join(f'{k} {v}' for k, v in a.holidays.items())}) "
        f"and is moved {a.rolled} times;"
    )
    lo, hi = readings.spread()
    lines.append(
        f"the working-day reading never is; {readings.differing} due dates differ, "
        f"by {lo} to {hi} calendar days."
    )
    base, reform = quarterly_report_scenarios(calendar)
    start, end = WHAT_IF_RANGE
    comparison = compare(
        simulate(base, start=start, end=end), simulate(reform, start=start, end=end)
    )
    metrics = comparison.metrics()
    moved = [(m, x, y) for m, x, y in metrics if x != y]
    kept = [f"{m} {x}" for m, x, y in metrics if x == y]
    width = max((len(m) for m, _, _ in moved), default=0)
    lines += [
        "",
        f"Twelve offices simulated through {end} (seed 7), as `govops scenario run "
        "examples/scenarios/quarterly_report.toml` (and its _working_days reform) prints them.",
        "What moved:" if moved else "Nothing moved.",
        *(f"  {m:<{width}}  {x!s:>8} → {y!s}" for m, x, y in moved),
    ]
    if kept:
        lines.append("Unchanged: " + ", ".join(kept) + ".")
    return lines
