"""Calendar periods: week, ten-day period (旬), month, quarter, half-year, year.

Start and end are calendar days, whatever their weekday: the Q3 quarter-end is September 30 even
when it is a Sunday. Which working days a period holds is the calendar's business
(``WorkCalendar.first_working_day`` and friends).
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
import enum
from typing import final

import attrs

from ..exceptions import InvalidInputError, InvalidTypeError

__all__ = ["Period", "PeriodKind", "period_of"]


class PeriodKind(str, enum.Enum):
    """The period lengths offices plan and report in."""

    WEEK = "week"
    """Monday to Sunday (周)."""
    XUN = "xun"
    """Ten-day period (旬): days 1–10, 11–20 and 21 to the end of the month."""
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"

    def __str__(self) -> str:
        return self.value


_ZH = {
    PeriodKind.WEEK: "周",
    PeriodKind.XUN: "旬",
    PeriodKind.MONTH: "月",
    PeriodKind.QUARTER: "季度",
    PeriodKind.HALF_YEAR: "半年",
    PeriodKind.YEAR: "年",
}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _stdcal.monthrange(year, month)[1])


def _span(kind: PeriodKind, d: dt.date) -> tuple[dt.date, dt.date]:
    if kind is PeriodKind.WEEK:
        start = d - dt.timedelta(days=d.weekday())
        return start, start + dt.timedelta(days=6)
    if kind is PeriodKind.XUN:
        if d.day <= 10:
            return d.replace(day=1), d.replace(day=10)
        if d.day <= 20:
            return d.replace(day=11), d.replace(day=20)
        return d.replace(day=21), _month_end(d.year, d.month)
    months = {
        PeriodKind.MONTH: 1,
        PeriodKind.QUARTER: 3,
        PeriodKind.HALF_YEAR: 6,
        PeriodKind.YEAR: 12,
    }
    n = months[kind]
    first = (d.month - 1) // n * n + 1
    return dt.date(d.year, first, 1), _month_end(d.year, first + n - 1)


def _as_day(d: object, name: str = "d") -> dt.date:
    if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
        raise InvalidTypeError(
            f"{name}={d!r} is a {type(d).__name__}; expected a datetime.date (for a datetime, "
            "take its local day first, e.g. with the calendar's time zone)"
        )
    return d


def _coerce_kind(kind: PeriodKind | str) -> PeriodKind:
    try:
        return PeriodKind(kind)
    except ValueError:
        allowed = ", ".join(repr(k.value) for k in PeriodKind)
        raise InvalidInputError(f"period kind {kind!r} is not one of {allowed}") from None


@final
@attrs.frozen(order=True)
class Period:
    """A calendar period such as 2026-Q3 or the second 旬 of May 2026.

    >>> p = period_of(dt.date(2024, 9, 27), "quarter")
    >>> p
    Period(kind=<PeriodKind.QUARTER: 'quarter'>, start=datetime.date(2024, 7, 1), end=datetime.date(2024, 9, 30))
    >>> str(p), p.label_zh
    ('2024-Q3', '2024年第3季度')
    >>> str(p.next()), str(period_of(dt.date(2024, 2, 29), "xun"))
    ('2024-Q4', '2024-02 xun 3')
    """

    kind: PeriodKind
    start: dt.date
    end: dt.date

    def contains(self, d: dt.date) -> bool:
        """Whether the calendar day ``d`` lies in the period (a ``datetime`` is refused)."""
        return self.start <= _as_day(d) <= self.end

    def __contains__(self, d: object) -> bool:
        if isinstance(d, dt.datetime):
            _as_day(d)  # raises: which local day a datetime means depends on a time zone
        return isinstance(d, dt.date) and self.start <= d <= self.end

    def next(self) -> Period:
        """The period of the same kind that follows this one."""
        return period_of(self.end + dt.timedelta(days=1), self.kind)

    def previous(self) -> Period:
        """The period of the same kind that precedes this one."""
        return period_of(self.start - dt.timedelta(days=1), self.kind)

    @property
    def days(self) -> int:
        """Number of calendar days in the period."""
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        s, k = self.start, self.kind
        if k is PeriodKind.WEEK:
            iso = s.isocalendar()
            return f"{iso[0]}-W{iso[1]:02d}"
        if k is PeriodKind.XUN:
            return f"{s.year}-{s.month:02d} xun {(s.day - 1) // 10 + 1}"
        if k is PeriodKind.MONTH:
            return f"{s.year}-{s.month:02d}"
        if k is PeriodKind.QUARTER:
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        if k is PeriodKind.HALF_YEAR:
            return f"{s.year}-H{(s.month - 1) // 6 + 1}"
        return str(s.year)

    @property
    def label_en(self) -> str:
        return str(self)

    @property
    def label_zh(self) -> str:
        s, k = self.start, self.kind
        if k is PeriodKind.WEEK:
            return f"{s.isoformat()}起一周"
        if k is PeriodKind.XUN:
            return f"{s.year}年{s.month}月{'上中下'[(s.day - 1) // 10]}旬"
        if k is PeriodKind.MONTH:
            return f"{s.year}年{s.month}月"
        if k is PeriodKind.QUARTER:
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        if k is PeriodKind.HALF_YEAR:
            return f"{s.year}年{'上下'[(s.month - 1) // 6]}半年"
        return f"{s.year}年"


def period_of(d: dt.date, kind: PeriodKind | str) -> Period:
    """The period of ``kind`` that contains the calendar day ``d``."""
    d = _as_day(d)
    k = _coerce_kind(kind)
    start, end = _span(k, d)
    return Period(k, start, end)


# Chinese labels for period kinds, shared with the rule language.
PERIOD_ZH = _ZH
