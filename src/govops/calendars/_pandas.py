"""pandas values in and out of a calendar: ``Timestamp``, ``Series`` and ``DatetimeIndex``.

Imported only when a calendar method is given a pandas object, so the core never needs pandas.
A naive value is a local date (its time of day is dropped); an aware one is first converted to the
calendar's time zone (``Asia/Shanghai`` for China). The arithmetic is the calendar's numpy path
(``*_many`` on ``datetime64[D]`` arrays); this module converts in and out and keeps ``NaT``:

- a date result (``add_working_days``, ``roll``) is ``NaT`` where the input is;
- ``is_working_day`` is ``False`` at ``NaT``, as pandas' own ``.dt.is_month_end`` is;
- ``working_days_between`` gives nullable ``Int64`` counts, ``<NA>`` where either side is ``NaT``.

A ``Series`` comes back as a ``Series`` with the same index and name, a ``DatetimeIndex`` as an
``Index``, a ``Timestamp`` as a ``Timestamp`` (a ``bool`` or an ``int`` for the predicates and
counts). Dates come back naive: they are local days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..exceptions import InvalidInputError, InvalidTypeError
from ._batches import is_pandas

if TYPE_CHECKING:
    import numpy.typing as npt

    from ._calendar import WorkCalendar
    from ._conventions import Roll

__all__ = ["add_working_days", "is_working_day", "local_date", "roll", "working_days_between"]


def _local_days(cal: WorkCalendar, value: Any, name: str) -> npt.NDArray[Any]:
    """The local days of a pandas value as a ``datetime64[D]`` array, ``NaT`` kept."""
    if isinstance(value, pd.Timestamp) or value is pd.NaT:
        index = pd.DatetimeIndex([value])
    elif isinstance(value, pd.DatetimeIndex):
        index = value
    elif isinstance(value, pd.Series):
        index = _series_index(value, name)
    else:
        raise InvalidTypeError(
            f"{name} is a pandas {type(value).__name__}; expected a Timestamp, a Series of "
            "datetime64 values or a DatetimeIndex"
        )
    if index.tz is not None:
        if cal.timezone is None:
            raise InvalidTypeError(
                f"{name} holds time stamps with a time zone ({index.tz}), but this calendar has "
                "none: pass naive dates, or build the calendar with timezone=..."
            )
        index = index.tz_convert(cal.timezone).tz_localize(None)
    days: npt.NDArray[Any] = index.to_numpy().astype("datetime64[D]")
    return days


def _series_index(series: pd.Series, name: str) -> pd.DatetimeIndex:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return pd.DatetimeIndex(series)
    if series.dtype == object:
        # A column of datetime.date objects is what a DataFrame built from records often holds.
        present = series.dropna()
        if all(type(d) is dt.date for d in present):
            return pd.DatetimeIndex(pd.to_datetime(series))
        bad = next(d for d in present if type(d) is not dt.date)
        raise InvalidTypeError(
            f"{name} holds {bad!r} ({type(bad).__name__}) at index {_label_of(series, bad)!r}; "
            "expected datetime64 values or datetime.date objects: convert with pd.to_datetime(...)"
        )
    raise InvalidTypeError(
        f"{name} is a Series of dtype {series.dtype}; expected datetime64 values "
        "(convert with pd.to_datetime(...))"
    )


def _label_of(series: pd.Series, value: object) -> object:
    return next(label for label, v in series.items() if v is value)


def _map(
    fn: Callable[..., npt.NDArray[Any]], *days: npt.NDArray[Any]
) -> tuple[npt.NDArray[Any], npt.NDArray[Any] | None]:
    """``fn`` over the places where no input is ``NaT``, and the mask of those that are."""
    nat = np.isnat(days[0])
    for more in days[1:]:
        nat = nat | np.isnat(more)
    if not nat.any():
        return fn(*days), None
    keep = ~nat
    return fn(*(d[keep] for d in days)), nat


def _dates(result: npt.NDArray[Any], nat: npt.NDArray[Any] | None) -> npt.NDArray[Any]:
    out = result.astype("datetime64[ns]")
    if nat is None:
        return out
    full = np.full(nat.shape, np.datetime64("NaT", "ns"))
    full[~nat] = out
    return full


def _wrap(like: Any, result: Any) -> Any:
    """``result`` in the shape of the pandas value ``like``: Series, Index or scalar."""
    if isinstance(like, pd.Series):
        return pd.Series(result, index=like.index, name=like.name)
    if isinstance(like, pd.Index):
        return pd.Index(result, name=like.name)
    item = result[0]
    if isinstance(item, np.datetime64):
        return pd.Timestamp(item)
    if isinstance(item, np.bool_):
        return bool(item)
    return pd.NA if item is pd.NA else int(item)


def local_date(cal: WorkCalendar, value: Any, *, name: str = "date") -> dt.date:
    """The local day of a pandas ``Timestamp``, for the methods that take one day."""
    if not (isinstance(value, pd.Timestamp) or value is pd.NaT):
        raise InvalidTypeError(
            f"{name} is a pandas {type(value).__name__}; this method takes one day (a "
            "datetime.date, an aware datetime or a Timestamp). is_working_day, add_working_days, "
            "roll and working_days_between take a Series or DatetimeIndex too"
        )
    day = _local_days(cal, value, name)[0]
    if np.isnat(day):
        raise InvalidInputError(f"{name}=NaT: a missing date has no day to look up")
    result: dt.date = day.item()
    return result


def is_working_day(cal: WorkCalendar, value: Any) -> Any:
    """:meth:`WorkCalendar.is_working_day` of a pandas value (``False`` at ``NaT``)."""
    result, nat = _map(cal.is_working_day_many, _local_days(cal, value, "date"))
    if nat is not None:
        full = np.zeros(nat.shape, dtype=bool)
        full[~nat] = result
        result = full
    return _wrap(value, result)


def add_working_days(cal: WorkCalendar, value: Any, n: int) -> Any:
    """:meth:`WorkCalendar.add_working_days` of a pandas value (``NaT`` stays ``NaT``)."""
    days = _local_days(cal, value, "date")
    return _wrap(value, _dates(*_map(lambda d: cal.add_working_days_many(d, n), days)))


def roll(cal: WorkCalendar, value: Any, convention: Roll) -> Any:
    """:meth:`WorkCalendar.roll` of a pandas value (``NaT`` stays ``NaT``)."""
    days = _local_days(cal, value, "date")
    return _wrap(value, _dates(*_map(lambda d: cal.roll_many(d, convention), days)))


def working_days_between(cal: WorkCalendar, a: Any, b: Any) -> Any:
    """:meth:`WorkCalendar.working_days_between` where ``a``, ``b`` or both are pandas values.

    A single day on one side is compared with every day on the other; two Series must share
    their index (align them first, e.g. ``a, b = a.align(b)``), and two sequences their length.
    """
    if isinstance(a, pd.Series) and isinstance(b, pd.Series) and not a.index.equals(b.index):
        raise InvalidInputError(
            "a and b are Series with different indexes; align them first "
            "(a, b = a.align(b)) so that each row compares the dates of one record"
        )
    days_a, days_b = _side(cal, a, "a"), _side(cal, b, "b")
    if days_a.size != days_b.size and _is_sequence(a) and _is_sequence(b):
        raise InvalidInputError(
            f"a and b must be equally long; got {days_a.size} and {days_b.size} dates"
        )
    days_a, days_b = np.broadcast_arrays(days_a, days_b)  # one day against many
    counts, nat = _map(cal.working_days_between_many, days_a, days_b)
    values = np.zeros(days_a.shape, dtype=np.int64)
    mask = np.zeros(days_a.shape, dtype=bool) if nat is None else nat
    values[~mask] = counts
    # The result takes the shape of a Series on either side, else of an Index, else a scalar.
    like = min((a, b), key=_rank)
    return _wrap(like, pd.arrays.IntegerArray(values, mask))


def _rank(value: object) -> int:
    if isinstance(value, pd.Series):
        return 0
    if isinstance(value, pd.Index):
        return 1
    return 2 if is_pandas(value) else 3


def _is_sequence(value: object) -> bool:
    return isinstance(value, (pd.Series, pd.Index))


def _side(cal: WorkCalendar, value: Any, name: str) -> npt.NDArray[Any]:
    """One side of a count as a ``datetime64[D]`` array (one element for a single day)."""
    if is_pandas(value):
        return _local_days(cal, value, name)
    return np.array([cal._local(value, name)], dtype="datetime64[D]")
