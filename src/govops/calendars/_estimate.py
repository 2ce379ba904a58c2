"""A year's holiday arrangement estimated by rule, for the months before the notice is published.

The statutory days come from 全国年节及纪念日放假办法 as amended in 2024 (in force from 2025; the
``holidays`` package computes the lunar dates): 元旦 1 day, 春节 4 (农历除夕 to 正月初三), 清明节 1,
劳动节 2, 端午节 1, 中秋节 1, 国庆节 3. The amendment's explanation states how the State Council
arranges 调休 around them, and :func:`estimate_schedule` follows it:

* 春节 is a block of 8 days from 农历除夕 (when 除夕 is a Monday, the Sunday before joins it, as in
  2026); 国庆节 a block of 7 days from 1 October, 8 when 中秋节 falls inside or next to it; 劳动节
  a block of 5 days around 1–2 May (starting on 1 May where that costs no more make-up days, else on
  the Saturday before).
* 元旦, 清明节, 端午节 and 中秋节 join the weekend: a Monday or Friday festival gives three days; a
  Saturday or Sunday one is made up on the Monday (补休); a Tuesday or Thursday one is bridged by
  giving the Monday or Friday off and working the Saturday before or the Sunday after; a Wednesday
  one is a single day.
* Each weekday of a block that is neither statutory nor a 补休 is swapped with a Saturday or Sunday
  outside every block: one that keeps runs of consecutive working days to six at most (the stated
  practice), on the nearest weekend on either side where one does, the one there that leaves the
  shorter run, then the nearer, then the one before the holiday.

Every estimated schedule is marked ``provisional``, and a calendar built with ``provisional=True``
uses it for China's unpublished years: every day it decides is flagged. How well it matches the
notices is measured in ``docs/explanation/calendar-data.md``.
"""

from __future__ import annotations

import datetime as dt
import functools

from ..exceptions import InvalidInputError
from ._notice import FESTIVAL_NAMES_EN
from ._schedule import HolidaySchedule
from ._source import statutory_days

__all__ = ["FIRST_ESTIMATED_YEAR", "estimate_schedule"]

FIRST_ESTIMATED_YEAR = 2025
"""The first year of the amended 全国年节及纪念日放假办法, whose rules the estimator follows."""

_ONE = dt.timedelta(days=1)
_SEARCH_WEEKS = 4  # how far from a block a make-up workday is looked for
_MAX_RUN = 6  # 法定节假日假期前后连续工作一般不超过6天


def _is_weekend(d: dt.date) -> bool:
    return d.weekday() >= 5


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


class _Block:
    """A run of days off for one or two festivals, and how many weekdays in it must be made up."""

    def __init__(
        self,
        names: tuple[str, ...],
        days: list[dt.date],
        statutory: list[dt.date],
        *,
        swaps: int | None = None,
    ) -> None:
        self.names = names
        self.days = days
        # Statutory weekdays cost nothing, and each statutory weekend day brings a 补休 weekday:
        # every other weekday of the block is swapped (a bridge has its swap already).
        weekdays = sum(not _is_weekend(d) for d in days)
        self.swaps = max(0, weekdays - len(statutory)) if swaps is None else swaps


def _long_block(
    names: tuple[str, ...], start: dt.date, length: int, statutory: list[dt.date]
) -> _Block:
    return _Block(names, _days(start, start + dt.timedelta(days=length - 1)), statutory)


def _labour_day(statutory: list[dt.date]) -> _Block:
    """Five days around 1–2 May: the fewest swaps; then starting on 1 May; then on a Saturday."""
    first, last = min(statutory), max(statutory)
    options = []
    for offset in range(-4 + (last - first).days, 1):
        start = first + dt.timedelta(days=offset)
        block = _long_block(("劳动节",), start, 5, statutory)
        if block.days[-1] < last:
            continue
        preference = 0 if start == first else 1 if start.weekday() == 5 else 2
        options.append((block.swaps, preference, start, block))
    return min(options, key=lambda o: o[:3])[3]


def _short_block(name: str, day: dt.date) -> tuple[_Block, list[dt.date]]:
    """A one-day festival joined to its weekend, and the make-up workday a bridge needs."""
    wd = day.weekday()
    if wd == 0:  # Monday: Saturday to Monday
        return _Block((name,), _days(day - 2 * _ONE, day), [day]), []
    if wd == 4:  # Friday: Friday to Sunday
        return _Block((name,), _days(day, day + 2 * _ONE), [day]), []
    if wd == 5:  # Saturday: made up on Monday
        return _Block((name,), _days(day, day + 2 * _ONE), [day]), []
    if wd == 6:  # Sunday: made up on Monday
        return _Block((name,), _days(day - _ONE, day + _ONE), [day]), []
    if wd == 1:  # Tuesday: Monday off, the Saturday before worked
        block = _Block((name,), _days(day - 2 * _ONE, day), [day], swaps=0)
        return block, [day - 3 * _ONE]
    if wd == 3:  # Thursday: Friday off, the Sunday after worked
        block = _Block((name,), _days(day, day + 2 * _ONE), [day], swaps=0)
        return block, [day + 3 * _ONE]
    return _Block((name,), [day], [day]), []  # Wednesday: the day alone


def _run_length(d: dt.date, off: set[dt.date], work: set[dt.date]) -> int:
    """The consecutive working days through ``d`` if ``d`` were worked."""

    def working(x: dt.date) -> bool:
        return x == d or x in work or (not _is_weekend(x) and x not in off)

    n = 1
    for step in (-_ONE, _ONE):
        x = d + step
        while working(x):
            n += 1
            x += step
    return n


def _make_up(block: _Block, off: set[dt.date], work: set[dt.date]) -> list[dt.date]:
    chosen: list[dt.date] = []
    first, last = block.days[0], block.days[-1]
    reach = dt.timedelta(weeks=_SEARCH_WEEKS)
    candidates = [
        d
        for d in _days(first - reach, last + reach)
        if _is_weekend(d) and d not in off and d not in work
    ]
    for _ in range(block.swaps):

        def cost(d: dt.date) -> tuple[bool, int, int, int, bool, dt.date]:
            distance = (first - d).days if d < first else (d - last).days
            run = _run_length(d, off, work)
            # The nearest weekend on each side first (ring 0), the shortest run within a ring.
            return (run > _MAX_RUN, (distance - 1) // 7, run, distance, d > last, d)

        free = [d for d in candidates if d not in work]
        if not free:
            break
        best = min(free, key=cost)
        work.add(best)
        chosen.append(best)
    return chosen


@functools.lru_cache(maxsize=64)  # a pure function of its arguments, and its value is frozen
def estimate_schedule(year: int, *, country: str = "CN") -> HolidaySchedule:
    """China's holiday arrangement for ``year`` as the published principles give it (provisional).

    >>> from govops.calendars import estimate_schedule
    >>> s = estimate_schedule(2025)
    >>> s.provisional, [str(d) for d, _, _ in s.workdays]
    (True, ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'])
    """
    if country.upper() != "CN":
        raise InvalidInputError(
            f"country={country!r}: the estimator follows China's 全国年节及纪念日放假办法; "
            "other countries' calendars use their fixed rules"
        )
    if isinstance(year, bool) or not isinstance(year, int) or year < FIRST_ESTIMATED_YEAR:
        raise InvalidInputError(
            f"year={year!r}: the estimator follows the 2024 amendment of 全国年节及纪念日放假办法, "
            f"in force from {FIRST_ESTIMATED_YEAR}; expected a year from {FIRST_ESTIMATED_YEAR} on"
        )
    law = {
        n: list(days) for n, days in statutory_days("CN", year).items() if n in FESTIVAL_NAMES_EN
    }
    blocks: list[_Block] = []
    # 春节: eight days from 农历除夕, with the Sunday before when 除夕 is a Monday.
    eve = min(law["春节"])
    start = eve - _ONE if eve.weekday() == 0 else eve
    blocks.append(_long_block(("春节",), start, 8 + (eve - start).days, law["春节"]))
    blocks.append(_labour_day(law["劳动节"]))
    # 国庆节 takes 中秋节 in when it falls within a day of the seven.
    national = min(law["国庆节"])
    mid_autumn = law["中秋节"][0]
    joined = national - _ONE <= mid_autumn <= national + 7 * _ONE
    if joined:
        start = min(national, mid_autumn)
        # A 中秋节 on a National Day date still counts: 2020's eight days had two swaps.
        blocks.append(_long_block(("国庆节", "中秋节"), start, 8, [*law["国庆节"], mid_autumn]))
    else:
        blocks.append(_long_block(("国庆节",), national, 7, law["国庆节"]))
    makeups: dict[dt.date, tuple[str, ...]] = {}
    for name in ("元旦", "清明节", "端午节") + (() if joined else ("中秋节",)):
        block, bridge = _short_block(name, law[name][0])
        blocks.append(block)
        makeups.update(dict.fromkeys(bridge, block.names))
    blocks.sort(key=lambda b: b.days[0])
    off = {d for b in blocks for d in b.days}
    work = set(makeups)
    for b in blocks:
        for d in _make_up(b, off, work):
            makeups[d] = b.names
    holidays: list[tuple[dt.date, str, str]] = []
    for b in blocks:
        zh = "、".join(b.names)
        en = " and ".join(FESTIVAL_NAMES_EN[n] for n in b.names)
        holidays += [(d, zh, en) for d in b.days]
    workdays = []
    for d, names in sorted(makeups.items()):
        en = " and ".join(FESTIVAL_NAMES_EN[n] for n in names)
        workdays.append((d, f"{'、'.join(names)}调休上班", f"Make-up workday for {en}"))
    return HolidaySchedule(
        year,
        f"rule-based estimate of the {year} arrangement (全国年节及纪念日放假办法, 2024 amendment, "
        f"and the State Council's practice for 调休): no official schedule for {year} yet",
        tuple(sorted(holidays)),
        tuple(workdays),
        provisional=True,
    )
