"""Month grids of a working-day calendar, as lines of text (pure: the CLI prints them)."""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt

from .calendars import DayKind, WorkCalendar

__all__ = ["legend", "month_grid", "month_notes", "year_grid"]

_REST_MARK = "休"
_WORK_MARK = "班"
_WEEKDAYS_ZH = "一二三四五六日"
_CELL = 4  # display columns: two digits and one wide character
_MONTHS_EN = _stdcal.month_name


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _mark(cal: WorkCalendar, d: dt.date) -> str:
    info = cal.describe(d)
    if info.kind in (DayKind.MAKEUP_WORKDAY, DayKind.EXTRA_WORKDAY):
        return _WORK_MARK
    if info.kind in (DayKind.HOLIDAY, DayKind.DAY_OFF_IN_LIEU, DayKind.CLOSURE) or (
        info.kind is DayKind.WEEKEND and info.name_zh
    ):
        return _REST_MARK
    return "  "


def month_grid(cal: WorkCalendar, year: int, month: int) -> list[str]:
    """One month as a wall-calendar grid, Monday first; 休 marks holidays, 班 make-up workdays.

    >>> import govops
    >>> print("\\n".join(month_grid(govops.calendar("CN"), 2026, 10)))
            2026年10月 October
      一   二   三   四   五   六   日
                   1休  2休  3休  4休
     5休  6休  7休  8    9   10班 11
    12   13   14   15   16   17   18
    19   20   21   22   23   24   25
    26   27   28   29   30   31
    """
    title = f"{year}年{month}月 {_MONTHS_EN[month]}"
    width = 7 * _CELL + 6
    lines = [" " * max(0, (width - _width(title)) // 2) + title]
    lines.append(" ".join(_pad("  " + ch, _CELL) for ch in _WEEKDAYS_ZH).rstrip())
    for week in _stdcal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = [" " * _CELL if d.month != month else f"{d.day:>2}{_mark(cal, d)}" for d in week]
        lines.append(" ".join(_pad(c, _CELL) for c in cells).rstrip())
    return lines


def month_notes(cal: WorkCalendar, year: int, month: int) -> list[str]:
    """The named days of a month, one per line: date, mark, Chinese and English names."""
    start = dt.date(year, month, 1)
    end = dt.date(year, month, _stdcal.monthrange(year, month)[1])
    notes = []
    for info in cal.special_days(start, end):
        mark = _WORK_MARK if info.is_working else _REST_MARK
        flag = " (provisional)" if info.provisional else ""
        notes.append(f"  {info.date.isoformat()} {mark} {info.name_zh} / {info.name_en}{flag}")
    return notes


def year_grid(cal: WorkCalendar, year: int, *, columns: int = 3) -> list[str]:
    """Twelve month grids, ``columns`` side by side."""
    width = 7 * _CELL + 6
    out: list[str] = []
    for first in range(1, 13, columns):
        grids = [month_grid(cal, year, m) for m in range(first, min(first + columns, 13))]
        height = max(len(g) for g in grids)
        for row in range(height):
            parts = [_pad(g[row] if row < len(g) else "", width) for g in grids]
            out.append("   ".join(parts).rstrip())
        out.append("")
    return out


def legend(cal: WorkCalendar, year: int) -> list[str]:
    source = {info.source for info in cal.special_days(dt.date(year, 1, 1), dt.date(year, 12, 31))}
    lines = [
        f"{_REST_MARK} = rest day: statutory holiday, day off in lieu, or a weekend inside a holiday"
        f"   {_WORK_MARK} = make-up workday (调休上班)",
    ]
    lines += [f"Source: {s}" for s in sorted(source)]
    status = "provisional estimate" if cal.is_provisional(dt.date(year, 1, 1)) else "official"
    lines.append(
        f"{cal.country} schedule published through {cal.published_through}; {year} is {status}."
    )
    return lines
