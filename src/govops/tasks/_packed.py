"""The columns of a snapshot (``_snapshot.py``): tables of the values written once, and
columns of numbers packed as the bytes of arrays, written and read back checked.

A packed column is written in the JSON as ``[typecode, start, count]``: ``count`` numbers of
the :mod:`array` type ``typecode``, little-endian, at ``start`` in the bytes after the JSON.
Places and counts are unsigned, so that a place is never read as counted from the end of its
table. Every reader here raises :class:`ValueError` for anything :class:`Packer` and the
tables do not write.
"""

from __future__ import annotations

import array
import datetime as dt
import sys
from collections.abc import Iterable
from typing import Any

__all__ = [
    "WHOLE",
    "Packer",
    "Table",
    "TimeTable",
    "Times",
    "check_texts",
    "column_list",
    "day_table",
    "enum_table",
    "parts",
    "places",
    "unpack",
]


class Table:
    """Distinct values written once: each gets the place it was first added at."""

    def __init__(self) -> None:
        self.places: dict[Any, int] = {}

    def add(self, value: Any) -> int:
        place = self.places.get(value)
        if place is None:
            place = self.places[value] = len(self.places)
        return place

    def optional(self, value: Any) -> int:
        """The place of ``value`` counted from 1, 0 standing for ``None``."""
        return 0 if value is None else self.add(value) + 1


class Times(Table):
    """Times written once each, by their text: two readings of one instant at different
    offsets are equal, but each is kept as it was recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[dt.datetime] = []

    def add(self, value: Any) -> int:
        place = super().add(value.isoformat())
        if place == len(self.times):
            self.times.append(value)
        return place

    def pack(self, packer: Packer) -> dict[str, Any]:
        """The table packed: each time's wall clock and the place of its offset (see below)."""
        zones = Table()
        walls = ((at.replace(tzinfo=_UTC) - _EPOCH) // _MICROSECOND for at in self.times)
        return {
            "wall": packer.pack(walls, "q"),
            "zone": packer.whole([zones.add(_offset(at)) for at in self.times]),
            "offsets": list(zones.places),
        }


# A time is written as its wall clock (microseconds from 1970-01-01, as if in UTC) and its UTC
# offset (a place in a table of offsets, in microseconds), read back as fromisoformat() reads
# the time's ISO text: a fixed offset, timezone.utc for +00:00.
_UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_DAY = 86_400_000_000  # microseconds: a UTC offset is less than a day either way
_WALLS = (
    (dt.datetime.min.replace(tzinfo=_UTC) - _EPOCH) // _MICROSECOND,
    (dt.datetime.max.replace(tzinfo=_UTC) - _EPOCH) // _MICROSECOND,
)

WHOLE = ("B", "H", "I")  # the typecodes of places and counts
_LITTLE = sys.byteorder == "little"


class Packer:
    """The bytes of the packed columns of a snapshot, each column's place in them recorded."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def pack(self, values: Iterable[float], code: str) -> list[Any]:
        packed = array.array(code, values)
        if not _LITTLE:
            packed.byteswap()
        raw = packed.tobytes()
        item = [code, self.size, len(packed)]
        self.parts.append(raw)
        self.size += len(raw)
        return item

    def whole(self, values: list[int]) -> list[Any]:
        """Whole numbers from 0, packed in the fewest bytes each that hold the largest. Raises
        :class:`ValueError` for one of 2**32 or more."""
        top = max(values, default=0)
        code = "B" if top < 2**8 else "H" if top < 2**16 else "I"
        try:
            return self.pack(values, code)
        except OverflowError as exc:
            raise ValueError(f"a count of {top} is too large for a snapshot") from exc


def _offset(at: dt.datetime) -> int:
    """The UTC offset of the aware time ``at``, in microseconds."""
    offset = at.utcoffset()
    assert offset is not None  # every time of a ledger is aware
    return offset // _MICROSECOND


def column_list(doc: dict[str, Any], name: str, n: int) -> list[Any]:
    column = doc.get(name)
    if type(column) is not list or len(column) != n:
        raise ValueError(f"column {name!r} is missing or not {n} values long")
    return column


def unpack(
    blob: memoryview, doc: dict[str, Any], name: str, n: int | None, codes: tuple[str, ...]
) -> array.array[Any]:
    """The packed column ``name`` of ``n`` numbers (any number when ``None``), of one of the
    types ``codes``, from the bytes ``blob`` after the JSON."""
    item = doc.get(name)
    if (
        type(item) is not list
        or len(item) != 3
        or item[0] not in codes
        or type(item[1]) is not int
        or type(item[2]) is not int
    ):
        raise ValueError(f"column {name!r} is missing or not packed numbers")
    code, start, count = item
    if n is not None and count != n:
        raise ValueError(f"column {name!r} is not {n} values long")
    column = array.array(code)
    stop = start + count * column.itemsize
    if not 0 <= start <= stop <= len(blob):
        raise ValueError(f"column {name!r} lies outside the snapshot's bytes")
    column.frombytes(blob[start:stop])
    if not _LITTLE:
        column.byteswap()
    return column


def places(blob: memoryview, doc: dict[str, Any], name: str, n: int, size: int) -> array.array[int]:
    """The packed column ``name`` of ``n`` places in a table of ``size`` values."""
    column = unpack(blob, doc, name, n, WHOLE)
    if n and max(column) >= size:
        raise ValueError(f"column {name!r} names a place not in its table")
    return column


def parts(
    blob: memoryview,
    doc: dict[str, Any],
    name: str,
    n: int,
    values: list[Any],
    cls: type,
    *,
    optional: bool,
) -> array.array[int]:
    """The packed column ``name`` of ``n`` places of values of class ``cls`` in ``values``
    (counted from 1 when ``optional``, 0 standing for ``None``)."""
    column = unpack(blob, doc, name, n, WHOLE)
    shift = 1 if optional else 0
    for place in set(column).difference((0,) if optional else ()):
        if place - shift >= len(values) or type(values[place - shift]) is not cls:
            raise ValueError(f"column {name!r} names a place that is not a {cls.__name__}")
    return column


def check_texts(column: list[Any], name: str, *, empty: bool, optional: bool) -> None:
    """Check at once what the task's text validators check of each value (see check_text)."""
    if not set(map(type, column)).issubset((str, type(None)) if optional else (str,)):
        raise ValueError(f"the {name} column holds a value that is not text")
    if not empty and not all(map(str.strip, column)):
        raise ValueError(f"the {name} column holds an empty text")
    "".join(filter(None, column)).encode()  # UnicodeEncodeError (a ValueError): a lone surrogate


class TimeTable:
    """The table of times of a snapshot, checked, made into times when first needed."""

    def __init__(self, blob: memoryview, data: Any) -> None:
        if type(data) is not dict or type(data.get("offsets")) is not list:
            raise ValueError("the table of times is missing")
        offsets = data["offsets"]
        if not set(map(type, offsets)).issubset((int,)) or not all(
            -_DAY < o < _DAY for o in offsets
        ):
            raise ValueError("the table of times' offsets is not a list of UTC offsets")
        self.zones = [dt.timezone(o * _MICROSECOND) for o in offsets]
        self.walls = unpack(blob, data, "wall", None, ("q",))
        n = len(self.walls)
        if n and not _WALLS[0] <= min(self.walls) <= max(self.walls) <= _WALLS[1]:
            raise ValueError("a time of the table of times is out of range")
        self.places = places(blob, data, "zone", n, len(self.zones))

    def __len__(self) -> int:
        return len(self.walls)

    def at(self, place: Any) -> dt.datetime:
        if type(place) is not int or not 0 <= place < len(self):
            raise ValueError(f"{place!r} is not the place of a time in the table of times")
        zone = self.zones[self.places[place]]
        at: dt.datetime = (_EPOCH + self.walls[place] * _MICROSECOND).replace(tzinfo=zone)
        return at

    def all(self) -> list[dt.datetime]:
        zones, epoch, microsecond = self.zones, _EPOCH, _MICROSECOND
        return [
            (epoch + wall * microsecond).replace(tzinfo=zones[place])
            for wall, place in zip(self.walls, self.places, strict=True)
        ]


def day_table(texts: Any) -> list[dt.date]:
    if type(texts) is not list or not all(type(t) is str and len(t) == 10 for t in texts):
        raise ValueError("the table of days is not a list of dates")
    return [dt.date.fromisoformat(text) for text in texts]


def enum_table(data: Any, members: dict[str, Any], name: str) -> list[Any]:
    if type(data) is not list or not all(type(v) is str and v in members for v in data):
        raise ValueError(f"the table of {name} is not a list of their names")
    return [members[v] for v in data]
