"""A calendar's questions asked of many dates at once: lists, numpy arrays and pandas values.

:class:`BatchDays` holds the ``*_many`` methods of :class:`~govops.calendars.WorkCalendar`,
which inherits them: a numpy ``datetime64[D]`` array is answered vectorised from numpy copies of
the calendar's tables, any other iterable date by date; both give the answers of the scalar
methods. The helpers below tell numpy and pandas values apart without importing either.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .._time import as_local_date
from ..exceptions import CalendarCoverageError, InvalidInputError
from ._conventions import Roll, as_int, coerce_roll

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["BatchDays", "is_numpy_dates", "is_pandas", "pandas_days"]

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def is_pandas(value: object) -> bool:
    # By module name, so that the core never imports pandas to ask.
    return type(value).__module__.partition(".")[0] == "pandas"


def pandas_days() -> Any:
    """The pandas bridge (:mod:`govops.calendars._pandas`), imported on first use.

    Its functions give pandas values (typed ``Any``: pandas ships no type information), which the
    scalar methods pass through for a ``Timestamp``, ``Series`` or ``DatetimeIndex`` argument.
    """
    from . import _pandas

    return _pandas


def is_numpy_dates(value: object) -> bool:
    module = type(value).__module__
    return module == "numpy" and getattr(getattr(value, "dtype", None), "kind", "") == "M"


class BatchDays:
    """The batch methods of a :class:`~govops.calendars.WorkCalendar` (which inherits them)."""

    __slots__ = ()

    if TYPE_CHECKING:  # what the calendar provides
        _base: int
        _n: int
        _flags: tuple[bool, ...]
        _cum: array[int]
        _work: tuple[dt.date, ...]
        _work_ord: array[int]
        _tz: ZoneInfo | None
        _np: Any

        def _index(self, d: object, name: str = "date") -> int: ...

        def _work_at(self, k: int) -> dt.date: ...

        def _coverage_error(self, d: dt.date) -> CalendarCoverageError: ...

        def is_working_day(self, d: dt.date) -> bool: ...

        def roll(self, d: dt.date, convention: Roll | str = Roll.FOLLOWING) -> dt.date: ...

    def add_working_days_many(self, dates: Any, n: int) -> Any:
        """``add_working_days`` over a sequence of dates.

        A numpy ``datetime64[D]`` array is computed vectorised and returns an array; any other
        iterable of dates returns a list. Both give the same answers as the scalar method.
        """
        n = as_int(n)
        if is_numpy_dates(dates):
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
        if is_numpy_dates(dates):
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
        conv = coerce_roll(convention)
        if not is_numpy_dates(dates):
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
        if is_numpy_dates(a) and is_numpy_dates(b):
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
            # day they mean is the caller's call (docs/explanation/counting.md: local time).
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
