"""Loading one year's holiday arrangement into a calendar's days.

A State Council notice (or an estimate of one, for a year not yet published) says which days are
holidays and which weekend days are worked instead (调休). :func:`arrange` gives the days of a
calendar with that arrangement in place of the year's old one, keeping what local overrides
decided; :meth:`WorkCalendar.with_schedule <govops.calendars.WorkCalendar.with_schedule>` and
:func:`govops.calendar` (for the provisional years) build calendars from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from ..exceptions import ScheduleError
from ._days import DayInfo, DayKind

if TYPE_CHECKING:
    from ._calendar import WorkCalendar

__all__ = ["arrange"]


def arrange(
    cal: WorkCalendar,
    base: tuple[DayInfo, ...],
    year: int,
    *,
    holidays: Mapping[dt.date, str | tuple[str, str]],
    workdays: Mapping[dt.date, str | tuple[str, str]],
    source: str,
    provisional: bool,
) -> tuple[tuple[DayInfo, ...], int, int]:
    """The days of ``base`` with ``year``'s arrangement loaded, and the new published and last years.

    ``cal`` gives the years and the weekend; ``base`` may already hold earlier arrangements not yet
    frozen into a calendar (a provisional calendar loads all its estimates in one go).
    """
    if provisional and not (cal.published_through < year <= cal.last_year):
        raise ScheduleError(
            f"year={year}: an estimate is loaded into a year this calendar computes but has no "
            f"official schedule for ({cal.published_through + 1}–{cal.last_year}); build it "
            "with provisional=True"
        )
    if not provisional and year > cal.published_through + 1:
        raise ScheduleError(
            f"year={year}: this calendar is published through {cal.published_through}, so "
            f"the next schedule to load is {cal.published_through + 1}; load the years in order"
        )
    if year < cal.first_year:
        raise ScheduleError(f"year={year} is before the calendar's first year {cal.first_year}")
    if not isinstance(source, str) or not source.strip():
        raise ScheduleError(
            "with_schedule needs source='…': the notice's document number, e.g. '国办发明电〔2026〕N号'"
        )
    # A notice may arrange the December before its year, but an estimate never reaches into
    # an officially published year.
    lo = dt.date(year - 1, 12, 1)
    if provisional and year - 1 <= cal.published_through:
        lo = dt.date(year, 1, 1)
    hi = dt.date(year, 12, 31)
    if provisional:
        holidays = {d: v for d, v in holidays.items() if not _before(d, lo)}
        workdays = {d: v for d, v in workdays.items() if not _before(d, lo)}
    off = {cal._schedule_date(d, lo, hi): _names(v, d) for d, v in holidays.items()}
    on = {cal._schedule_date(d, lo, hi): _names(v, d) for d, v in workdays.items()}
    clash = sorted(set(off) & set(on))
    if clash:
        raise ScheduleError(f"{clash[0].isoformat()} is both a holiday and a make-up workday")
    for d in on:
        if d.weekday() not in cal.weekend:
            raise ScheduleError(
                f"make-up workday {d.isoformat()} is a {d.strftime('%A')}; a make-up workday "
                "is a day of the weekly rest (Saturday or Sunday)"
            )
    last_year = max(cal.last_year, year)
    # What the new arrangement replaces: the days of the old one for `year` (estimates, or
    # the data being corrected). Kept: local overrides, which stay on top of any national
    # schedule, and late-December days that the next year's notice arranged (a correction
    # of 2018 must not drop the 2019 notice's 2018-12-29 and 2018-12-31).
    overridden = {info.date for info in base if info.kind in _OVERRIDE_KINDS}
    own_sources = {
        info.source
        for info in base
        if info.date.year == year and info.date.month < 12 and info.date not in overridden
    }

    def replaced(info: DayInfo) -> bool:
        if info.date in overridden:
            return False
        if info.date in off or info.date in on:
            return True
        if info.date.year != year:
            return False
        return info.date.month < 12 or info.source in own_sources

    kept = [info for info in base if not replaced(info)]
    off = {d: names for d, names in off.items() if d not in overridden}
    on = {d: names for d, names in on.items() if d not in overridden}
    published = cal.published_through if provisional else max(cal.published_through, year)
    new = [
        DayInfo(
            d,
            is_working=False,
            kind=DayKind.HOLIDAY,
            name_zh=zh,
            name_en=en,
            source=source,
            provisional=provisional,
        )
        for d, (zh, en) in off.items()
    ] + [
        DayInfo(
            d,
            is_working=True,
            kind=DayKind.MAKEUP_WORKDAY,
            name_zh=zh,
            name_en=en,
            source=source,
            provisional=provisional,
        )
        for d, (zh, en) in on.items()
    ]
    # Days of later, still provisional years stay provisional; earlier ones are now published.
    # A December day of the year just published that is still here belongs to the next year's
    # arrangement (2030's estimate works 2029-12-29): it stays as provisional as that year.
    kept = [
        attrs.evolve(
            info,
            provisional=info.date.year > published
            or (info.date.year == published and info.date.month == 12),
        )
        if info.provisional
        else info
        for info in kept
    ]
    return tuple(kept + new), published, last_year


def _before(d: object, lo: dt.date) -> bool:
    return isinstance(d, dt.date) and not isinstance(d, dt.datetime) and d < lo


# Days a local override decided; a newly loaded national schedule does not undo them.
_OVERRIDE_KINDS = frozenset({DayKind.CLOSURE, DayKind.EXTRA_WORKDAY})


def _names(value: object, d: object) -> tuple[str, str]:
    if isinstance(value, str) and value:
        return value, value
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(v, str) and v for v in value)
    ):
        return value[0], value[1]
    raise ScheduleError(f"name for {d!r} is {value!r}; expected a name or a (zh, en) pair of names")
