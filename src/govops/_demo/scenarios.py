"""The scenario part of ``govops demo``: a first what-if, as lines (pure; the CLI prints them)."""

from __future__ import annotations

import datetime as dt

from ..calendars import WorkCalendar
from ..escalation import CITY_KEY_WORK_POLICY
from ..scenarios import Duty, ProgressModel, Scenario, compare, compare_readings, simulate
from ..tasks import Unit

__all__ = ["demo_scenario_lines"]


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
    base = Scenario(
        "quarterly report, 2 days",
        calendar=calendar,
        units=[Unit(f"U{i:02d}", f"第{i}科") for i in range(1, 13)],
        rules={"report": "季度末后两天"},
        duties=[
            Duty("QR", "季度报告", deadline="rule:report", every="每季度最后一个工作日", effort=2)
        ],
        progress=ProgressModel(seed=7, unit_spread=0.4, task_spread=0.3, catch_up=0.3),
        escalation=CITY_KEY_WORK_POLICY,
    )
    reform = base.with_rule("report", "季度末后两个工作日内").evolve(
        name="quarterly report, 2 working days"
    )
    start, end = dt.date(2026, 1, 1), dt.date(2026, 10, 31)
    comparison = compare(
        simulate(base, start=start, end=end), simulate(reform, start=start, end=end)
    )
    lines += ["", "Twelve offices simulated through 2026-10-31 (seed 7):"]
    lines += comparison.summary()[1:6]
    return lines
