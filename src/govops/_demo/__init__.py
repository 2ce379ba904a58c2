"""The text of ``make demo`` / ``govops demo``: the library's main job on built-in data.

Pure: it builds lines of text; the CLI prints them.
"""

from __future__ import annotations

import datetime as dt

from .._cli_rules import demo_rules_lines
from .._grid import legend, year_grid
from ..calendars import WorkCalendar, calendar
from .duties import demo_duty_lines
from .escalation import demo_supervision_lines
from .meetings import demo_meeting_lines
from .scenarios import demo_scenario_lines
from .tasks import demo_ledger_lines

__all__ = ["demo_lines"]


def _rest_reason(cal: WorkCalendar, a: dt.date, b: dt.date) -> str:
    rest = cal.rest_days(a, b)
    if not rest:
        return "no rest day in between"
    named = [i for i in rest if i.name_zh]
    plain = len(rest) - len(named)
    parts = [f"{i.date:%m-%d} {i.name_zh}" for i in named]
    if plain:
        parts.append(f"{plain} ordinary weekend day{'s' if plain > 1 else ''}")
    return "passes " + "; ".join(parts)


def _calendar_deadlines(cal: WorkCalendar) -> list[str]:
    d = dt.date
    lines = ["Working-day arithmetic on the 2026 calendar", "-" * 44]
    for start, n, what in (
        (d(2026, 9, 25), 20, "disclose within 20 working days (政府信息公开条例 §33)"),
        (d(2026, 2, 13), 7, "publish a permit within 7 working days"),
        (d(2026, 9, 30), 2, "quarterly report two working days after quarter-end"),
    ):
        due = cal.add_working_days(start, n)
        lines.append(f"{start} + {n} working days = {due}  · {what}")
        lines.append(f"    {_rest_reason(cal, start, due)}")
    for day, conv in ((d(2026, 10, 2), "following"), (d(2026, 5, 31), "modified_following")):
        rolled = cal.roll(day, conv)
        info = cal.describe(day)
        name = info.name_zh or {5: "Saturday", 6: "Sunday"}.get(day.weekday(), "")
        lines.append(f"{day} rolled {conv} = {rolled}  · {day} is {info.kind.value} ({name})")
    sunday = d(2026, 2, 28)
    lines.append(
        f"{sunday} is a Saturday: working? {cal.is_working_day(sunday)} · {cal.describe(sunday).name_zh}"
    )
    return lines


def demo_lines(cal: WorkCalendar | None = None) -> list[str]:
    """Everything ``govops demo`` shows, as lines, on ``cal`` (China's calendar by default: the
    demo's year is 2026, so schedules loaded for later years change only its legend)."""
    cal = cal if cal is not None else calendar("CN")
    lines = [
        "govops demo: the 2026 working-day calendar of China (休 rest, 班 make-up workday)",
        "",
    ]
    lines += year_grid(cal, 2026)
    lines += legend(cal, 2026)
    lines += ["", *_calendar_deadlines(cal)]
    lines += ["", *demo_rules_lines()]
    lines += ["", *demo_ledger_lines(cal)]
    lines += ["", *demo_meeting_lines(cal)]
    lines += ["", *demo_supervision_lines(cal)]
    lines += ["", *demo_duty_lines(cal)]
    lines += ["", *demo_scenario_lines(cal)]
    return lines
