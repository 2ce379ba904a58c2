"""The working-day calendar: precomputed tables, O(1) day arithmetic, explicit coverage.

:class:`WorkCalendar` answers questions about days from tables built once; its batch methods are
in ``_batches``, loading a year's arrangement in ``_arrange``, and :func:`govops.calendar`, which
builds one from a country's data, in ``_build``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from array import array
from collections.abc import Iterable, Mapping
from typing import Any, final
from zoneinfo import ZoneInfo

import attrs

from .._time import as_local_date
from ..exceptions import (
    CalendarCoverageError,
    InvalidInputError,
    InvalidTypeError,
    ScheduleError,
)
from ._arrange import arrange
from ._batches import BatchDays, is_pandas, pandas_days
from ._conventions import Roll, as_int, coerce_roll
from ._days import DayInfo, DayKind, Override
from ._month import CalendarMonth, month_days
from ._periods import Period, PeriodKind, period_of
from ._source import ANNOUNCED_YEARLY

__all__ = ["OFFICE_HOURS", "PROVISIONAL_YEARS", "WorkCalendar"]

# A provisional calendar reaches this many years past the last published one.
PROVISIONAL_YEARS = 10

_ONE_DAY = dt.timedelta(days=1)


# 9:00 to 17:30: the hours most government offices publish for their service windows; offices
# with summer and winter hours, or other hours, set their own (WorkCalendar.with_office_hours).
OFFICE_HOURS = (dt.time(9, 0), dt.time(17, 30))


def _office_hours(value: object) -> tuple[dt.time, dt.time]:
    hours = tuple(value) if isinstance(value, (tuple, list)) else ()
    if (
        len(hours) != 2
        or not all(type(t) is dt.time and t.tzinfo is None for t in hours)
        or not hours[0] < hours[1]
    ):
        raise InvalidInputError(
            f"office_hours={value!r} must be (opening, closing): two datetime.time values without "
            "a time zone, opening before closing, e.g. (datetime.time(9), datetime.time(17, 30))"
        )
    return hours


def _day_tuple(days: Iterable[DayInfo]) -> tuple[DayInfo, ...]:
    return tuple(sorted(days, key=lambda info: info.date))


@final
@attrs.frozen(cache_hash=True)
class WorkCalendar(BatchDays):
    """A working-day calendar frozen into lookup tables.

    Build one with :func:`govops.calendar`. Two calendars with the same data are equal and hash
    equal; calendars pickle. Every method that takes a date also takes an aware ``datetime``
    (converted to the calendar's local day) and raises :class:`~govops.CalendarCoverageError` for a
    day outside the years the calendar covers.

    With pandas installed, a method that takes a date also takes a ``Timestamp`` (a naive one is a
    local date), and ``is_working_day``, ``add_working_days``, ``roll`` and
    ``working_days_between`` take a ``Series`` or ``DatetimeIndex`` of dates and give the same
    kind of object back, ``NaT`` kept (see :mod:`govops.pandas`).

    >>> import datetime as dt, govops
    >>> cal = govops.calendar("CN")
    >>> cal.is_working_day(dt.date(2024, 9, 29))   # a Sunday, but a make-up workday
    True
    >>> cal.add_working_days(dt.date(2024, 9, 27), 20)
    datetime.date(2024, 10, 30)
    >>> cal.working_days_between(dt.date(2024, 9, 30), dt.date(2024, 10, 8))
    1
    """

    country: str
    subdiv: str | None = attrs.field(kw_only=True, default=None)
    first_year: int = attrs.field(kw_only=True)
    published_through: int = attrs.field(kw_only=True)
    """The last year whose official schedule is in the data."""
    last_year: int = attrs.field(kw_only=True)
    """The last year the calendar computes; beyond ``published_through`` only when provisional."""
    provisional: bool = attrs.field(kw_only=True, default=False)
    weekend: frozenset[int] = attrs.field(kw_only=True, default=frozenset({5, 6}))
    timezone: str | None = attrs.field(kw_only=True, default=None)
    days: tuple[DayInfo, ...] = attrs.field(kw_only=True, converter=_day_tuple, repr=False)
    """Every day that is not an ordinary weekday or weekend day, in date order."""
    data_source: str = attrs.field(kw_only=True, default="")
    office_hours: tuple[dt.time, dt.time] = attrs.field(
        kw_only=True, default=OFFICE_HOURS, converter=_office_hours
    )
    """Local opening and closing time of the offices on a working day; a rule due "by close of
    business" (下班前) is due at the closing time (``Rule.due_at``). Default :data:`OFFICE_HOURS`;
    an office with other hours builds its calendar with :meth:`with_office_hours`."""

    # Lookup tables, derived from the fields above in __attrs_post_init__.
    _base: int = attrs.field(init=False, eq=False, repr=False)
    _n: int = attrs.field(init=False, eq=False, repr=False)
    _flags: tuple[bool, ...] = attrs.field(init=False, eq=False, repr=False)
    _cum: array[int] = attrs.field(init=False, eq=False, repr=False)
    _work: tuple[dt.date, ...] = attrs.field(init=False, eq=False, repr=False)
    _work_ord: array[int] = attrs.field(init=False, eq=False, repr=False)
    _info: dict[dt.date, DayInfo] = attrs.field(init=False, eq=False, repr=False)
    # date -> table index: a dict lookup is the fastest path from a date to its row.
    _pos: dict[dt.date, int] = attrs.field(init=False, eq=False, repr=False)
    _tz: ZoneInfo | None = attrs.field(init=False, eq=False, repr=False)
    _np: Any = attrs.field(init=False, eq=False, repr=False)  # numpy tables, built on first use

    def __attrs_post_init__(self) -> None:
        if self.first_year > self.last_year:
            raise InvalidInputError(
                f"first_year={self.first_year} is after last_year={self.last_year}"
            )
        base = dt.date(self.first_year, 1, 1).toordinal()
        n = dt.date(self.last_year, 12, 31).toordinal() - base + 1
        # Weekdays of the first day onward, then the special days on top.
        wd0 = dt.date(self.first_year, 1, 1).weekday()
        week = bytes(0 if (wd0 + i) % 7 in self.weekend else 1 for i in range(7))
        flags = bytearray((week * (n // 7 + 1))[:n])
        info: dict[dt.date, DayInfo] = {}
        for day in self.days:
            i = day.date.toordinal() - base
            if 0 <= i < n:
                flags[i] = day.is_working
                info[day.date] = day
        cum = array("l", itertools.accumulate(flags))
        work_ord = array("l", itertools.compress(range(base, base + n), flags))
        setattr_ = object.__setattr__
        setattr_(self, "_base", base)
        setattr_(self, "_n", n)
        setattr_(self, "_flags", tuple(map(bool, flags)))
        setattr_(self, "_cum", cum)
        setattr_(self, "_work_ord", work_ord)
        setattr_(self, "_work", tuple(map(dt.date.fromordinal, work_ord)))
        setattr_(self, "_info", info)
        days = map(dt.date.fromordinal, range(base, base + n))
        setattr_(self, "_pos", dict(zip(days, range(n), strict=True)))
        setattr_(self, "_tz", _zone(self.timezone) if self.timezone else None)
        setattr_(self, "_np", None)

    # Pickle only the data; the tables are rebuilt (a few milliseconds) on load.
    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.init}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        # attrs keeps the cached hash in a slot of its own; start it empty.
        object.__setattr__(self, "_attrs_cached_hash", None)
        self.__attrs_post_init__()

    # -- coverage ---------------------------------------------------------------------------

    def _coverage_error(self, d: dt.date) -> CalendarCoverageError:
        if d.year < self.first_year:
            return CalendarCoverageError(
                f"{d.isoformat()} is before {self.first_year}, the first year of the "
                f"{self.country} calendar data; build the calendar with first_year={d.year} "
                "if the data goes back that far",
                year=d.year,
            )
        year = d.year
        if self.country not in ANNOUNCED_YEARLY:
            # Fixed holiday rules: any year can be computed, the calendar just stops here.
            return CalendarCoverageError(
                f"{d.isoformat()} is in {year}, after {self.last_year}, the last year this "
                f"{self.country} calendar was built for; build it with "
                f"govops.calendar({self.country!r}, last_year={year})",
                year=year,
            )
        nxt = self.published_through + 1
        if year == nxt:
            load = f"load the newly announced notice with govops.parse_notice(text).apply_to(cal) (or cal.with_schedule({year}, "
        else:  # schedules load in year order
            load = (
                f"load the announced notices of {nxt}–{year} in order with "
                f"govops.parse_notice(text).apply_to(cal) (or cal.with_schedule({nxt}, "
            )
        needs_last_year = self.provisional or year > self.published_through + PROVISIONAL_YEARS
        provisional = "provisional=True" + (f", last_year={year}" if needs_last_year else "")
        reason = (
            f"{d.isoformat()} is in {year}, but the official {self.country} holiday schedule is "
            f"loaded only through {self.published_through}"
            + (f" (provisional estimates through {self.last_year})" if self.provisional else "")
        )
        return CalendarCoverageError(
            f"{reason}. Either {load}holidays={{...}}, workdays={{...}}, "
            f"source='国办发明电〔{nxt - 1}〕N号'), or govops.loaders.load_schedule(path)), "
            f"or build the calendar with govops.calendar({self.country!r}, {provisional}) "
            "to compute with rule-based estimates, every one flagged as provisional",
            year=year,
            published_through=self.published_through,
            reason=reason,
        )

    def _local(self, d: object, name: str = "date") -> dt.date:
        """The local day of a date, an aware datetime or a pandas ``Timestamp``."""
        if is_pandas(d):
            return pandas_days().local_date(self, d, name=name)  # type: ignore[no-any-return]
        return as_local_date(d, self._tz, name=name)

    def _index(self, d: object, name: str = "date") -> int:
        day = d if type(d) is dt.date else self._local(d, name)
        i = day.toordinal() - self._base
        if 0 <= i < self._n:
            return i
        raise self._coverage_error(day)

    def _work_at(self, k: int) -> dt.date:
        """The k-th working day (0-based) of the table, or a coverage error."""
        if 0 <= k < len(self._work):
            return self._work[k]
        if k < 0:
            raise self._coverage_error(dt.date(self.first_year - 1, 12, 31))
        raise self._coverage_error(dt.date(self.last_year + 1, 1, 1))

    def covers(self, d: dt.date) -> bool:
        """Whether ``d`` lies in the years this calendar computes."""
        return self.first_year <= self._local(d).year <= self.last_year

    def is_provisional(self, d: dt.date) -> bool:
        """Whether ``d`` is computed from rule-based estimates rather than a published schedule."""
        return self._local(d).year > self.published_through

    # -- single days ------------------------------------------------------------------------

    def is_working_day(self, d: dt.date) -> bool:
        """Whether ``d`` is a working day (Mon–Fri not a holiday, or a make-up workday)."""
        # Only an exact date takes the fast path: a datetime must be converted (or refused).
        if type(d) is dt.date:
            i = self._pos.get(d)
            if i is not None:
                return self._flags[i]
        elif is_pandas(d):
            return pandas_days().is_working_day(self, d)  # type: ignore[no-any-return]
        return self._flags[self._index(d)]

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        """The ``n``-th working day strictly after ``d`` (``n > 0``) or before it (``n < 0``).

        ``n == 0`` returns ``d`` if it is a working day, else the next working day.
        """
        if type(n) is not int:
            n = as_int(n)
        if type(d) is dt.date:
            i = d.toordinal() - self._base
            if not 0 <= i < self._n:
                i = self._index(d)
        elif is_pandas(d):
            return pandas_days().add_working_days(self, d, n)  # type: ignore[no-any-return]
        else:
            i = self._index(d)
        # cum[i] counts the working days up to and including day i, so the working days
        # strictly before it number cum[i] - flags[i]; the table index follows directly.
        k = self._cum[i] + n - 1 if n > 0 else self._cum[i] - self._flags[i] + n
        if 0 <= k < len(self._work):
            return self._work[k]
        return self._work_at(k)

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after ``d``."""
        return self.add_working_days(d, 1)

    def previous_working_day(self, d: dt.date) -> dt.date:
        """The last working day strictly before ``d``."""
        return self.add_working_days(d, -1)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """The number of working days ``x`` with ``a < x <= b`` (negative when ``b < a``).

        So ``add_working_days(a, working_days_between(a, b)) == b`` for every working day ``b > a``.
        """
        if (type(a) is not dt.date or type(b) is not dt.date) and (is_pandas(a) or is_pandas(b)):
            return pandas_days().working_days_between(self, a, b)  # type: ignore[no-any-return]
        return self._cum[self._index(b, "b")] - self._cum[self._index(a, "a")]

    def roll(self, d: dt.date, convention: Roll | str = Roll.FOLLOWING) -> dt.date:
        """Move ``d`` off a rest day by ``convention``; a working day is returned unchanged.

        >>> import datetime as dt, govops
        >>> cal = govops.calendar("CN")
        >>> cal.roll(dt.date(2024, 10, 2))
        datetime.date(2024, 10, 8)
        >>> cal.roll(dt.date(2026, 5, 31), "modified_following")   # a Sunday, stays in May
        datetime.date(2026, 5, 29)
        """
        conv = convention if type(convention) is Roll else coerce_roll(convention)
        if type(d) is not dt.date and is_pandas(d):
            return pandas_days().roll(self, d, conv)  # type: ignore[no-any-return]
        i = self._index(d)
        day = dt.date.fromordinal(self._base + i)
        if conv is Roll.NONE or self._flags[i]:
            return day
        if conv is Roll.PRECEDING:
            return self.add_working_days(day, -1)
        following = self.add_working_days(day, 0)
        if conv is Roll.MODIFIED_FOLLOWING and following.month != day.month:
            return self.add_working_days(day, -1)
        return following

    def describe(self, d: dt.date) -> DayInfo:
        """What the calendar knows about ``d``: kind, names, source, whether provisional.

        >>> import datetime as dt, govops
        >>> info = govops.calendar("CN").describe(dt.date(2024, 9, 29))
        >>> info.kind, info.name_en
        (<DayKind.MAKEUP_WORKDAY: 'makeup_workday'>, 'Make-up workday for National Day (swapped with 2024-10-04)')
        """
        i = self._index(d)
        day = dt.date.fromordinal(self._base + i)
        info = self._info.get(day)
        if info is not None:
            return info
        weekend = day.weekday() in self.weekend
        provisional = day.year > self.published_through
        source = "weekly rest day" if weekend else ""
        if provisional:
            # An ordinary day of an unannounced year is as much a guess as its holidays.
            estimate = f"rule-based estimate: no official schedule for {day.year} yet"
            source = f"{source} ({estimate})" if source else estimate
        return DayInfo(
            day,
            is_working=not weekend,
            kind=DayKind.WEEKEND if weekend else DayKind.WORKDAY,
            source=source,
            provisional=provisional,
        )

    def month(self, year: int, month: int) -> CalendarMonth:
        """The days of ``month`` of ``year`` described, as a wall calendar (see
        :class:`~govops.calendars.CalendarMonth`); Jupyter shows it as a table."""
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise InvalidInputError(f"month={month!r}; expected an int from 1 to 12")
        return CalendarMonth(year, month, days=month_days(self.describe, year, month))

    def rest_days(self, start: dt.date, end: dt.date) -> list[DayInfo]:
        """Every rest day ``x`` with ``start < x <= end``, described: what a count passes over.

        >>> import datetime as dt, govops
        >>> [str(i.date) for i in govops.calendar("CN").rest_days(dt.date(2026, 9, 30), dt.date(2026, 10, 8))]
        ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']
        """
        lo, hi = self._index(start, "start"), self._index(end, "end")
        return [
            self.describe(dt.date.fromordinal(self._base + i))
            for i in range(lo + 1, hi + 1)
            if not self._flags[i]
        ]

    def special_days(self, start: dt.date, end: dt.date) -> list[DayInfo]:
        """Holidays, days off in lieu, make-up workdays and overrides with ``start <= date <= end``."""
        lo, hi = self._local(start, "start"), self._local(end, "end")
        dates = [info.date for info in self.days]
        return list(self.days[bisect.bisect_left(dates, lo) : bisect.bisect_right(dates, hi)])

    # -- periods ----------------------------------------------------------------------------

    def _period(self, period: Period | dt.date, kind: PeriodKind | str | None) -> Period:
        if isinstance(period, Period):
            return period
        if kind is None:
            raise InvalidInputError(f"pass a Period, or a date with kind=...; got {period!r}")
        return period_of(self._local(period), kind)

    def working_days_in(
        self, period: Period | dt.date, kind: PeriodKind | str | None = None
    ) -> list[dt.date]:
        """Every working day of a period, in order."""
        p = self._period(period, kind)
        lo, hi = self._index(p.start), self._index(p.end)
        k0 = self._cum[lo] - self._flags[lo]
        return list(self._work[k0 : self._cum[hi]])

    def nth_working_day(
        self, period: Period | dt.date, n: int, kind: PeriodKind | str | None = None
    ) -> dt.date:
        """The ``n``-th working day of a period (1-based); ``n < 0`` counts from the end.

        >>> import datetime as dt, govops
        >>> cal = govops.calendar("CN")
        >>> q = govops.period_of(dt.date(2026, 10, 15), "month")
        >>> cal.nth_working_day(q, 1), cal.nth_working_day(q, -1)
        (datetime.date(2026, 10, 8), datetime.date(2026, 10, 30))
        """
        n = as_int(n)
        p = self._period(period, kind)
        lo, hi = self._index(p.start), self._index(p.end)
        first, last = self._cum[lo] - self._flags[lo], self._cum[hi] - 1
        count = last - first + 1
        if n == 0 or abs(n) > count:
            raise InvalidInputError(
                f"n={n} is out of range: {p} has {count} working days, so n must be 1…{count} "
                f"or -{count}…-1"
            )
        return self._work[first + n - 1] if n > 0 else self._work[last + n + 1]

    def first_working_day(
        self, period: Period | dt.date, kind: PeriodKind | str | None = None
    ) -> dt.date:
        """The first working day of a period."""
        return self.nth_working_day(period, 1, kind)

    def last_working_day(
        self, period: Period | dt.date, kind: PeriodKind | str | None = None
    ) -> dt.date:
        """The last working day of a period."""
        return self.nth_working_day(period, -1, kind)

    # -- new calendars ----------------------------------------------------------------------

    def with_office_hours(self, opening: dt.time, closing: dt.time) -> WorkCalendar:
        """The same calendar with other office hours (local time).

        >>> import datetime as dt, govops
        >>> govops.calendar("CN").with_office_hours(dt.time(8, 30), dt.time(17)).office_hours
        (datetime.time(8, 30), datetime.time(17, 0))
        """
        return attrs.evolve(self, office_hours=(opening, closing))

    def with_overrides(
        self,
        *,
        closures: Mapping[dt.date, str | Override] | None = None,
        workdays: Mapping[dt.date, str | Override] | None = None,
        source: str | None = None,
        effective: dt.date | None = None,
    ) -> WorkCalendar:
        """A new calendar with local closures and extra working days.

        Each value is an :class:`Override` or a name; a bare name takes ``source`` and
        ``effective`` from the keywords, and ``source`` is then required. The make-up workdays of
        the base calendar are kept (unlike ``holidays``' ``+`` operator).

        >>> import datetime as dt, govops
        >>> cal = govops.calendar("CN").with_overrides(
        ...     closures={dt.date(2026, 7, 1): "防汛停工"}, source="某镇通知〔2026〕3号")
        >>> cal.is_working_day(dt.date(2026, 7, 1)), cal.describe(dt.date(2026, 7, 1)).kind
        (False, <DayKind.CLOSURE: 'closure'>)
        """
        # Keys may be aware datetimes: compare them as the local days they mean.
        local = self._local_keys
        closures_by_day, workdays_by_day = local(closures), local(workdays)
        both = sorted(set(closures_by_day) & set(workdays_by_day))
        if both:
            raise ScheduleError(
                f"{both[0].isoformat()} is given both as a closure and as an extra workday"
            )
        new: dict[dt.date, DayInfo] = {info.date: info for info in self.days}
        for mapping, working, kind in (
            (closures_by_day, False, DayKind.CLOSURE),
            (workdays_by_day, True, DayKind.EXTRA_WORKDAY),
        ):
            for day, value in mapping.items():
                self._index(day)
                ov = self._override(value, source, effective, day)
                new[day] = DayInfo(
                    day,
                    is_working=working,
                    kind=kind,
                    name_zh=ov.name,
                    name_en=ov.name_en,
                    source=ov.source,
                    provisional=day.year > self.published_through,
                    effective=ov.effective,
                )
        return attrs.evolve(self, days=tuple(new.values()))

    def _local_keys(
        self, mapping: Mapping[dt.date, str | Override] | None
    ) -> dict[dt.date, str | Override]:
        out: dict[dt.date, str | Override] = {}
        for d, value in (mapping or {}).items():
            day = as_local_date(d, self._tz, name="override date")
            if day in out:
                raise ScheduleError(f"{day.isoformat()} is given twice (as {d!r} and another key)")
            out[day] = value
        return out

    @staticmethod
    def _override(
        value: str | Override, source: str | None, effective: dt.date | None, day: dt.date
    ) -> Override:
        if isinstance(value, Override):
            return value
        if not isinstance(value, str) or not value:
            raise InvalidTypeError(
                f"override for {day.isoformat()} is {value!r}; expected a non-empty name or an "
                "Override(name, source=..., effective=...)"
            )
        if not source:
            raise InvalidInputError(
                f"override {value!r} on {day.isoformat()} has no source; pass source='…' "
                "(the document that ordered it) or an Override with its own source"
            )
        return Override(value, source=source, effective=effective)

    def with_schedule(
        self,
        year: int,
        *,
        holidays: Mapping[dt.date, str | tuple[str, str]],
        workdays: Mapping[dt.date, str | tuple[str, str]],
        source: str,
        provisional: bool = False,
    ) -> WorkCalendar:
        """A new calendar with the officially announced arrangement for ``year``.

        ``holidays`` maps every day off of the notice (weekends inside a holiday block may be
        included) to its festival's name, ``workdays`` maps each make-up workday (a Saturday or
        Sunday) to its name; a name is Chinese, or a ``(zh, en)`` pair. Days of the notice in the
        December before ``year`` (e.g. the 2019 notice made 2018-12-29 a workday) are allowed.
        Loading the year after ``published_through`` extends the calendar; loading an earlier year
        replaces its data (a correction, such as 2020's extended Spring Festival).
        ``provisional=True`` loads an estimate instead (see :func:`govops.calendars.estimate_schedule`)
        into an unpublished year of a provisional calendar: its days stay flagged and
        ``published_through`` does not move.

        >>> import datetime as dt, govops
        >>> cn = govops.calendar("CN", last_year=2026)   # the data as it was before the 2027 notice
        >>> cal = cn.with_schedule(2027,
        ...     holidays={dt.date(2027, 1, 1): ("元旦", "New Year's Day")},
        ...     workdays={}, source="国办发明电〔2026〕N号")
        >>> cal.published_through, cal.is_working_day(dt.date(2027, 1, 4))
        (2027, True)
        """
        days, published, last_year = arrange(
            self,
            self.days,
            as_int(year, "year"),
            holidays=holidays,
            workdays=workdays,
            source=source,
            provisional=provisional,
        )
        return attrs.evolve(self, days=days, published_through=published, last_year=last_year)

    @staticmethod
    def _schedule_date(d: object, lo: dt.date, hi: dt.date) -> dt.date:
        if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
            raise ScheduleError(f"schedule key {d!r} is not a datetime.date")
        if not lo <= d <= hi:
            raise ScheduleError(
                f"{d.isoformat()} is outside the schedule's span {lo.isoformat()}…{hi.isoformat()}"
            )
        return d

    def __repr__(self) -> str:
        flag = ", provisional=True" if self.provisional else ""
        sub = f", subdiv={self.subdiv!r}" if self.subdiv else ""
        return (
            f"WorkCalendar({self.country!r}{sub}, years={self.first_year}–{self.last_year}, "
            f"published_through={self.published_through}{flag})"
        )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise InvalidInputError(
            f"timezone={name!r} is not a known IANA time zone (e.g. 'Asia/Shanghai')"
        ) from exc
