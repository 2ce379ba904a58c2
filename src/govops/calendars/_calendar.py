"""The working-day calendar: precomputed tables, O(1) day arithmetic, explicit coverage."""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
import operator
from array import array
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, final
from zoneinfo import ZoneInfo

import attrs

from .._time import as_local_date
from ..exceptions import (
    CalendarCoverageError,
    InvalidInputError,
    InvalidTypeError,
    ScheduleError,
)
from ._days import DayInfo, DayKind, Override
from ._estimate import FIRST_ESTIMATED_YEAR, estimate_schedule
from ._month import CalendarMonth, month_days
from ._periods import Period, PeriodKind, period_of
from ._source import ANNOUNCED_YEARLY, announced_through, load_source, source_version

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["Roll", "WorkCalendar", "calendar"]

# Where each calendar's days are counted; an aware datetime is converted to this zone first.
_TIMEZONES = {
    "CN": "Asia/Shanghai",
    "HK": "Asia/Hong_Kong",
    "MO": "Asia/Macau",
    "TW": "Asia/Taipei",
    "SG": "Asia/Singapore",
    "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul",
}

# The CN data is checked against the State Council notices from 2001 on (holidays' China docstring).
_FIRST_YEAR = {"CN": 2001}
_DEFAULT_FIRST_YEAR = 2001
# Calendars of countries with fixed holiday rules are built this far by default.
_DEFAULT_RULE_BASED_THROUGH = 2035
# A provisional calendar reaches this many years past the last published one.
PROVISIONAL_YEARS = 10

_ONE_DAY = dt.timedelta(days=1)


class Roll(str, enum.Enum):
    """How a date that falls on a rest day is moved (DESIGN §3)."""

    FOLLOWING = "following"
    """To the next working day (顺延)."""
    PRECEDING = "preceding"
    """To the previous working day (提前)."""
    MODIFIED_FOLLOWING = "modified_following"
    """To the next working day unless that leaves the month, then to the previous one."""
    NONE = "none"
    """Not moved."""

    def __str__(self) -> str:
        return self.value


def _coerce_roll(convention: Roll | str) -> Roll:
    try:
        return Roll(convention)
    except ValueError:
        allowed = ", ".join(repr(r.value) for r in Roll)
        raise InvalidInputError(f"roll convention {convention!r} is not one of {allowed}") from None


def _as_int(n: object, name: str = "n") -> int:
    # Any exact integer (numpy's int64 too, via __index__), but not a bool and not 1.0.
    if not isinstance(n, bool) and hasattr(type(n), "__index__"):
        try:
            return operator.index(n)  # type: ignore[arg-type]
        except TypeError:
            pass
    raise InvalidTypeError(f"{name}={n!r} is a {type(n).__name__}; expected an int")


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
class WorkCalendar:
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
        if _is_pandas(d):
            return _pandas_days().local_date(self, d, name=name)  # type: ignore[no-any-return]
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
        elif _is_pandas(d):
            return _pandas_days().is_working_day(self, d)  # type: ignore[no-any-return]
        return self._flags[self._index(d)]

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        """The ``n``-th working day strictly after ``d`` (``n > 0``) or before it (``n < 0``).

        ``n == 0`` returns ``d`` if it is a working day, else the next working day.
        """
        if type(n) is not int:
            n = _as_int(n)
        if type(d) is dt.date:
            i = d.toordinal() - self._base
            if not 0 <= i < self._n:
                i = self._index(d)
        elif _is_pandas(d):
            return _pandas_days().add_working_days(self, d, n)  # type: ignore[no-any-return]
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
        if (type(a) is not dt.date or type(b) is not dt.date) and (_is_pandas(a) or _is_pandas(b)):
            return _pandas_days().working_days_between(self, a, b)  # type: ignore[no-any-return]
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
        conv = convention if type(convention) is Roll else _coerce_roll(convention)
        if type(d) is not dt.date and _is_pandas(d):
            return _pandas_days().roll(self, d, conv)  # type: ignore[no-any-return]
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
        n = _as_int(n)
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

    # -- batches ----------------------------------------------------------------------------

    def add_working_days_many(self, dates: Any, n: int) -> Any:
        """``add_working_days`` over a sequence of dates.

        A numpy ``datetime64[D]`` array is computed vectorised and returns an array; any other
        iterable of dates returns a list. Both give the same answers as the scalar method.
        """
        n = _as_int(n)
        if _is_numpy_dates(dates):
            return self._add_many_numpy(dates, n)
        return self._add_many(dates, n)

    def is_working_day_many(self, dates: Any) -> Any:
        """``is_working_day`` over a sequence of dates.

        A numpy ``datetime64[D]`` array gives a ``bool`` array (vectorised), any other iterable a
        list.

        >>> import numpy as np, govops
        >>> govops.calendar("CN").is_working_day_many(np.array(["2024-09-29", "2024-10-01"], "datetime64[D]"))
        array([ True, False])
        """
        if _is_numpy_dates(dates):
            flags = self._np_tables()[1]
            return flags[self._numpy_index(dates, "dates")].astype(bool)
        return [self.is_working_day(d) for d in dates]

    def roll_many(self, dates: Any, convention: Roll | str = Roll.FOLLOWING) -> Any:
        """``roll`` over a sequence of dates.

        A numpy ``datetime64[D]`` array is rolled vectorised and gives an array, any other
        iterable a list; both give the answers of the scalar method.

        >>> import numpy as np, govops
        >>> days = np.array(["2024-10-02", "2026-05-31"], "datetime64[D]")
        >>> govops.calendar("CN").roll_many(days, "modified_following")
        array(['2024-10-08', '2026-05-29'], dtype='datetime64[D]')
        """
        conv = _coerce_roll(convention)
        if not _is_numpy_dates(dates):
            return [self.roll(d, conv) for d in dates]
        import numpy as np

        idx = self._numpy_index(dates, "dates")  # checked: datetime64[D] inside the data
        days = np.array(dates)
        if conv is Roll.NONE:
            return days
        cum, flags, work = self._np_tables()
        # cum[i] - flags[i] indexes the first working day on or after day i, cum[i] - 1 the last
        # one on or before it; on a working day both are the day itself.
        following, preceding = cum[idx] - flags[idx], cum[idx] - 1
        if conv is Roll.PRECEDING:
            return self._work_many(preceding, work)
        result = self._work_many(following, work)
        if conv is Roll.MODIFIED_FOLLOWING:
            left = result.astype("datetime64[M]") != days.astype("datetime64[M]")
            if left.any():
                result = np.where(
                    left, self._work_many(np.where(left, preceding, following), work), result
                )
        return result

    def _work_many(self, k: npt.NDArray[Any], work: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """The working days at table positions ``k``, or the coverage error of the first outside."""
        import numpy as np

        if k.size and (k.min() < 0 or k.max() >= work.size):
            bad = int(np.argmax((k < 0) | (k >= work.size)))
            self._work_at(int(k.flat[bad]))
        result: npt.NDArray[Any] = work[k]
        return result

    def _add_many(self, dates: Iterable[dt.date], n: int) -> list[dt.date]:
        base, size, cum, flags, work = self._base, self._n, self._cum, self._flags, self._work
        out: list[dt.date] = []
        append = out.append
        top = len(work)
        for d in dates:
            if type(d) is not dt.date:
                d = as_local_date(d, self._tz)
            i = d.toordinal() - base
            if not 0 <= i < size:
                raise self._coverage_error(d)
            k = cum[i] + n - 1 if n > 0 else cum[i] - flags[i] + n
            if not 0 <= k < top:
                self._work_at(k)
            append(work[k])
        return out

    def _add_many_numpy(self, dates: npt.NDArray[Any], n: int) -> npt.NDArray[Any]:
        idx = self._numpy_index(dates, "dates")
        cum, flags, work = self._np_tables()
        k = cum[idx] + (n - 1) if n > 0 else cum[idx] - flags[idx] + n
        return self._work_many(k, work)

    def working_days_between_many(self, a: Any, b: Any) -> Any:
        """``working_days_between`` element-wise over two equally long sequences of dates."""
        if _is_numpy_dates(a) and _is_numpy_dates(b):
            ia, ib = self._numpy_index(a, "a"), self._numpy_index(b, "b")
            if ia.shape != ib.shape:
                raise InvalidInputError(
                    f"a and b must have the same shape; got {ia.shape} and {ib.shape}"
                )
            cum = self._np_tables()[0]
            return cum[ib] - cum[ia]
        seq_a, seq_b = list(a), list(b)
        if len(seq_a) != len(seq_b):
            raise InvalidInputError(
                f"a and b must be equally long; got {len(seq_a)} and {len(seq_b)} dates"
            )
        table, idx = self._cum, self._index
        return [table[idx(y, "b")] - table[idx(x, "a")] for x, y in zip(seq_a, seq_b, strict=True)]

    def _numpy_index(self, dates: Any, name: str) -> npt.NDArray[Any]:
        """Table indexes of a ``datetime64[D]`` array, checked like the scalar path checks a date."""
        import numpy as np

        dates = np.asarray(dates)
        unit = np.datetime_data(dates.dtype)[0]
        if unit != "D":
            # Finer units are time stamps without a time zone, like a naive datetime: which local
            # day they mean is the caller's call (DESIGN §3, local time).
            raise InvalidInputError(
                f"{name} has dtype {dates.dtype}; expected datetime64[D] (local calendar days): "
                "convert time stamps to the calendar's local time first, then .astype('datetime64[D]')"
            )
        idx: npt.NDArray[Any] = dates.astype(np.int64) - (self._base - _EPOCH_ORDINAL)
        if idx.size and (idx.min() < 0 or idx.max() >= self._n):
            # NaT is the smallest int64, so it lands here too.
            nat = np.isnat(dates)
            if nat.any():
                raise InvalidInputError(
                    f"{name} holds NaT at flat index {int(np.argmax(nat))}; expected dates"
                )
            bad = int(np.argmax((idx < 0) | (idx >= self._n)))
            # Clamp to what datetime.date can hold: numpy reaches far beyond year 9999.
            ordinal = int(idx.flat[bad]) + self._base
            ordinal = min(max(ordinal, 1), dt.date.max.toordinal())
            raise self._coverage_error(dt.date.fromordinal(ordinal))
        return idx

    def _np_tables(self) -> tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]]:
        if self._np is None:
            import numpy as np

            work = np.array(self._work_ord, dtype=np.int64) - _EPOCH_ORDINAL
            object.__setattr__(
                self,
                "_np",
                (
                    np.array(self._cum, dtype=np.int64),
                    np.array(self._flags, dtype=np.int64),
                    work.astype("datetime64[D]"),
                ),
            )
        return self._np  # type: ignore[no-any-return]

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
        days, published, last_year = _arrange(
            self,
            self.days,
            _as_int(year, "year"),
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


def _arrange(
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
    off = {WorkCalendar._schedule_date(d, lo, hi): _names(v, d) for d, v in holidays.items()}
    on = {WorkCalendar._schedule_date(d, lo, hi): _names(v, d) for d, v in workdays.items()}
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


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise InvalidInputError(
            f"timezone={name!r} is not a known IANA time zone (e.g. 'Asia/Shanghai')"
        ) from exc


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _is_pandas(value: object) -> bool:
    # By module name, so that the core never imports pandas to ask.
    return type(value).__module__.partition(".")[0] == "pandas"


def _pandas_days() -> Any:
    """The pandas bridge (:mod:`govops.calendars._pandas`), imported on first use.

    Its functions give pandas values (typed ``Any``: pandas ships no type information), which the
    scalar methods pass through for a ``Timestamp``, ``Series`` or ``DatetimeIndex`` argument.
    """
    from . import _pandas

    return _pandas


def _is_numpy_dates(value: object) -> bool:
    module = type(value).__module__
    return module == "numpy" and getattr(getattr(value, "dtype", None), "kind", "") == "M"


def calendar(
    country: str = "CN",
    subdiv: str | None = None,
    *,
    provisional: bool = False,
    first_year: int | None = None,
    last_year: int | None = None,
    published_through: int | None = None,
    timezone: str | None = None,
    weekend: Iterable[int] | None = None,
) -> WorkCalendar:
    """Build the working-day calendar of ``country`` (and ``subdiv``) from the ``holidays`` data.

    For China (and other countries that announce their arrangement each year) the calendar ends
    with the last published year; ``provisional=True`` extends it by rule-based estimates, every
    one flagged in ``describe()``. China's estimates are whole arrangements, with blocks and make-up
    workdays as the published principles give them (:func:`govops.calendars.estimate_schedule`). For countries with fixed holiday rules pass ``last_year``.
    ``published_through`` takes the official data only through that year, as it stood before the
    later notices, whatever the installed ``holidays`` release carries: the years after it are
    unpublished (a coverage error, or estimates with ``provisional=True``). It keeps results that
    were computed before a newer release reproducible.
    ``weekend`` replaces the country's weekly rest days (0 = Monday … 6 = Sunday): ``holidays``
    gives Hong Kong a Sunday-only weekend, while its government offices keep a five-day week, so
    an office there passes ``weekend={5, 6}``.

    >>> import govops
    >>> govops.calendar("CN", last_year=2024)   # the data as it stood before the 2025 notice
    WorkCalendar('CN', years=2001–2024, published_through=2024)
    >>> govops.calendar("CN", provisional=True, published_through=2025)   # and 2026 estimated
    WorkCalendar('CN', years=2001–2035, published_through=2025, provisional=True)
    """
    if not isinstance(country, str):
        raise InvalidTypeError(f"country={country!r} is a {type(country).__name__}; expected a str")
    code = country.upper()
    first = first_year if first_year is not None else _FIRST_YEAR.get(code, _DEFAULT_FIRST_YEAR)
    cap = None if published_through is None else _as_int(published_through, "published_through")
    if code in ANNOUNCED_YEARLY:
        published = announced_through(code, subdiv, first)
        if cap is not None:
            if cap > published:
                raise CalendarCoverageError(
                    f"published_through={cap}: the official {code} schedule is published only "
                    f"through {published}",
                    year=published + 1,
                )
            if cap < first:
                raise InvalidInputError(
                    f"published_through={cap} is before first_year={first}, the first year of "
                    f"the {code} calendar data"
                )
            published = cap
        last = last_year if last_year is not None else published
        if provisional and last_year is None:
            last = published + PROVISIONAL_YEARS
        if last > published and not provisional:
            raise CalendarCoverageError(
                f"last_year={last}: the official {code} schedule is published only through "
                f"{published}; pass provisional=True for rule-based estimates beyond it",
                year=published + 1,
            )
    else:
        if cap is not None:
            raise InvalidInputError(
                f"published_through={cap}: {code}'s holidays follow fixed rules, with no yearly "
                "schedule to publish; pass last_year to end the calendar"
            )
        last = last_year if last_year is not None else _DEFAULT_RULE_BASED_THROUGH
        published = last
    data = load_source(code, subdiv, first, last, cap)
    rest = data.weekend if weekend is None else _weekdays(weekend)
    cal = WorkCalendar(
        code,
        subdiv=subdiv,
        first_year=first,
        published_through=min(published, last),
        last_year=last,
        provisional=provisional,
        weekend=rest,
        timezone=timezone if timezone is not None else _TIMEZONES.get(code),
        days=data.days,
        data_source=source_version(),
    )
    if code == "CN" and subdiv is None and last > cal.published_through:
        # Unpublished years: the arrangement the published principles give, not bare festivals;
        # all of them arranged first, then frozen into tables once.
        days = cal.days
        for year in range(max(cal.published_through + 1, FIRST_ESTIMATED_YEAR), last + 1):
            estimate = estimate_schedule(year)
            days = _arrange(
                cal,
                days,
                year,
                holidays={d: (zh, en) for d, zh, en in estimate.holidays},
                workdays={d: (zh, en) for d, zh, en in estimate.workdays},
                source=estimate.source,
                provisional=True,
            )[0]
        cal = attrs.evolve(cal, days=days)
    return cal


def _weekdays(values: Iterable[int]) -> frozenset[int]:
    try:
        days = frozenset(values)
    except TypeError:
        raise InvalidTypeError(
            f"weekend={values!r}; expected a set of weekday numbers (0 = Monday … 6 = Sunday)"
        ) from None
    if (
        not days
        or len(days) > 6
        or any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days)
    ):
        raise InvalidInputError(
            f"weekend={values!r}; expected one to six weekday numbers from 0 (Monday) to 6 (Sunday)"
        )
    return days
