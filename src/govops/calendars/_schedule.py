"""One year's official holiday arrangement as a value: what a notice, a TOML file or an estimate says."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, final

import attrs

if TYPE_CHECKING:
    from ._calendar import WorkCalendar

__all__ = ["HolidaySchedule"]


@final
@attrs.frozen
class HolidaySchedule:
    """One year's official holiday arrangement, ready for :meth:`WorkCalendar.with_schedule`.

    ``holidays`` lists every day off (``(date, zh, en)``; weekend days inside a holiday block may be
    listed), ``workdays`` every make-up workday. ``source`` is the document the arrangement comes
    from (its number, e.g. ``国办发明电〔2025〕7号``); ``issued`` the date it was signed, when known.
    ``provisional`` marks an estimate made by rule (:func:`govops.calendars.estimate_schedule`)
    rather than a published notice: a calendar it is applied to stays provisional for that year.
    """

    year: int
    source: str
    holidays: tuple[tuple[dt.date, str, str], ...]
    workdays: tuple[tuple[dt.date, str, str], ...]
    issued: dt.date | None = attrs.field(default=None, kw_only=True)
    provisional: bool = attrs.field(default=False, kw_only=True)

    def apply_to(self, calendar: WorkCalendar) -> WorkCalendar:
        """The calendar with this schedule loaded."""
        return calendar.with_schedule(
            self.year,
            holidays={d: (zh, en) for d, zh, en in self.holidays},
            workdays={d: (zh, en) for d, zh, en in self.workdays},
            source=self.source,
            provisional=self.provisional,
        )

    def days_off(self) -> frozenset[dt.date]:
        """Every day off the arrangement lists."""
        return frozenset(d for d, _, _ in self.holidays)

    def makeup_workdays(self) -> frozenset[dt.date]:
        """Every make-up workday the arrangement lists."""
        return frozenset(d for d, _, _ in self.workdays)
