"""One month of a working-day calendar, laid out as a wall calendar: what an analyst looks at to
check a holiday schedule (the days off, 休, and the make-up workdays, 班)."""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from collections.abc import Callable
from typing import final

import attrs

from .._html import esc
from ._days import DayInfo, DayKind

__all__ = ["CalendarMonth"]

_WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_REST = {DayKind.HOLIDAY, DayKind.DAY_OFF_IN_LIEU, DayKind.CLOSURE}
_WORKED = {DayKind.MAKEUP_WORKDAY, DayKind.EXTRA_WORKDAY}


@final
@attrs.frozen
class CalendarMonth:
    """The days of one month with what the calendar knows of each (``WorkCalendar.month``).

    ``str()`` is a wall calendar marking days off (休) and make-up workdays (班); Jupyter shows it
    as a table with the holidays' names.

    >>> import govops
    >>> print(govops.calendar("CN").month(2024, 10))
    2024-10
      Mo  Tu  We  Th  Fr  Sa  Su
         1休 2休 3休 4休 5   6
     7休 8   9  10  11  12班13
    14  15  16  17  18  19  20
    21  22  23  24  25  26  27
    28  29  30  31
    """

    year: int
    month: int
    days: tuple[DayInfo, ...] = attrs.field(kw_only=True)

    @property
    def working_days(self) -> int:
        """How many working days the month has."""
        return sum(d.is_working for d in self.days)

    def __str__(self) -> str:
        # Four columns a day: a Chinese mark is as wide as two Latin characters.
        lines = [f"{self.year:04d}-{self.month:02d}", "".join(f"{n:>4}" for n in _WEEKDAYS)]
        for week in self._weeks():
            cells = ["    " if d is None else f"{d.date.day:>2}{_mark(d) or '  '}" for d in week]
            lines.append("".join(cells).rstrip())
        return "\n".join(lines)

    def _weeks(self) -> list[list[DayInfo | None]]:
        by_day = {d.date.day: d for d in self.days}
        grid = _stdlib_calendar.Calendar().monthdayscalendar(self.year, self.month)
        return [[by_day.get(n) if n else None for n in week] for week in grid]

    def _repr_html_(self) -> str:
        """The month as a table: days off shaded, make-up workdays marked, names in a title."""
        head = "".join(f"<th>{d}</th>" for d in ("一", "二", "三", "四", "五", "六", "日"))
        rows = []
        for week in self._weeks():
            cells = []
            for d in week:
                if d is None:
                    cells.append("<td></td>")
                    continue
                shade = "" if d.is_working else " style='background:#eee'"
                name = d.name_zh or d.name_en
                title = f" title='{esc(name)}'" if name else ""
                mark = f"<sup>{_mark(d)}</sup>" if _mark(d) else ""
                cells.append(f"<td{shade}{title}>{d.date.day}{mark}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        provisional = "（临时）" if any(d.provisional for d in self.days) else ""
        caption = f"{self.year}年{self.month}月：{self.working_days}个工作日{provisional}"
        return f"<table><caption>{esc(caption)}</caption><tr>{head}</tr>{''.join(rows)}</table>"


def _mark(day: DayInfo) -> str:
    if day.kind in _REST:
        return "休"
    if day.kind in _WORKED:
        return "班"
    return ""


def month_days(
    describe: Callable[[dt.date], DayInfo], year: int, month: int
) -> tuple[DayInfo, ...]:
    """Every day of the month, described by ``describe`` (a calendar's ``describe``)."""
    last = _stdlib_calendar.monthrange(year, month)[1]
    return tuple(describe(dt.date(year, month, n)) for n in range(1, last + 1))
