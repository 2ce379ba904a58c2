"""The ledger's record in columns (``_Log``): the append-only storage that ledgers extending one
another share, its entries built when read (``_Entries``), and the two things a log may defer
until first needed: its tasks built from a snapshot (``_Unbuilt``) and the entries before the
snapshot it started from (``Prefix``). See ``docs/explanation/record.md``.
"""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import operator
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import overload

from .._record import (
    GENESIS_HASH,
    positional_builder,
)
from ..exceptions import IntegrityError
from ._events import Entry, Event
from ._replay import Columns
from ._state import _Track
from ._transitions import Context

__all__ = ["Prefix", "new_entry"]


new_entry = positional_builder(Entry)
"""``Entry(seq, event, at, actor, reason, prev_hash, hash)`` with every field positional, slot by
slot (see :func:`govops._record.positional_builder`): for reading a whole record, where
attrs' ``__init__`` would be most of the cost of each entry."""


class _Log:
    """The shared append-only storage behind ledgers that extend one another.

    A log that ledgers record into, or that a store loads, keeps its record in columns rather than
    as :class:`Entry` objects: per entry, its event and time in two lists (the objects themselves,
    shared with whatever else holds them), its actor as a position in a list of the distinct
    actors (a ledger has few), its reason, if it gives one, in a dict by position (most entries
    give none), and its hash as 32 raw bytes in one ``bytearray``. The ``seq`` is the position
    and the ``prev_hash`` the hash before, which every way into the log checks (``record``
    computes it, a replay refuses an entry that does not link). An entry is built from the
    columns when it is read (``entries``), equal to the one recorded. A hash that is not 64
    lowercase hexadecimal digits (possible only in a store loaded with ``verify=False``) is kept
    as it is in ``odd``. This takes about a quarter of the memory of an ``Entry`` per event with
    its hash string.

    ``positions`` (where each task's entries are) serves time travel and ``history()`` only, so it
    is built on first use rather than by every replay; once built, ``replay`` keeps it up to date.

    ``hashes_checked`` is false once an entry came in whose hash was taken as recorded rather than
    computed or recomputed (a replay with ``verify=False``).

    A log started from a snapshot (``govops/tasks/_snapshot.py``) holds the projection at the
    snapshot's version without its entries: ``lazy`` then reads them (from the store) the first
    time something needs them, and until then their places in the columns hold placeholders,
    the last one excepted (its time and hash, which the snapshot names). Every read of an entry
    before the snapshot calls :meth:`fill` first. Its tracks too may be built when first read
    (``tracks``, see :meth:`later`): a snapshot's 100,000 tasks take most of the time of
    starting from it, which a host that only appends, or reads a few tasks, need not wait for.
    """

    __slots__ = (
        "_actor_ids",
        "_positions",
        "_tracks",
        "_unbuilt",
        "actor_ids",
        "actor_names",
        "ats",
        "ctx",
        "digests",
        "events",
        "hashes_checked",
        "lazy",
        "lock",
        "odd",
        "reasons",
    )

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.events: list[Event] = []
        self.ats: list[dt.datetime] = []
        self.actor_ids = array.array("I")  # per entry, where its actor is in actor_names
        self.actor_names: list[str] = []  # each actor once, in the order first seen
        self._actor_ids: dict[str, int] = {}  # actor -> position in actor_names
        self.reasons: dict[int, str] = {}  # index -> reason, for the entries that give one
        self.digests = bytearray()
        self.odd: dict[int, str] = {}
        self._tracks: dict[str, _Track] = {}
        self._unbuilt: _Unbuilt | None = None
        self._positions: dict[str, list[int]] | None = None
        self.hashes_checked = True
        self.lazy: Prefix | None = None
        self.lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.events)

    @property
    def tracks(self) -> dict[str, _Track]:
        """Each task's track, by task id, in order of assignment."""
        if self._unbuilt is not None:
            self._build()
        return self._tracks

    def later(self, build: Callable[[], dict[str, _Track]]) -> None:
        """Let ``build()`` make the tracks when they are first read (once, even when two
        threads read them at once)."""
        self._unbuilt = _Unbuilt(build)

    def _build(self) -> None:
        unbuilt = self._unbuilt
        if unbuilt is None:
            return
        with unbuilt.lock:
            if self._unbuilt is not None:  # else another thread built them meanwhile
                self._tracks = unbuilt.build()
                self._unbuilt = None

    @property
    def entries(self) -> _Entries:
        """The entries, built from the columns as they are read."""
        return _Entries(self)

    def fill(self) -> None:
        """Read the entries a snapshot stood for into the columns, if they are not there yet: a
        chunk at a time, each written in place, so that reading a million entries never holds
        them twice."""
        prefix = self.lazy
        if prefix is None:
            return
        with prefix.lock:
            if self.lazy is None:  # another thread filled it meanwhile
                return
            # Until every chunk is in, the entries before the snapshot are read through fill()
            # only, which reads them again: what a failed read left in the columns is not seen.
            n, done = prefix.version, 0
            with contextlib.closing(prefix.read()) as chunks:
                for events, ats, actors, reasons, hashes in chunks:
                    stop = done + len(events)
                    if stop > n:
                        raise IntegrityError(f"more than the {n} entries before the snapshot came")
                    self.events[done:stop] = events
                    self.ats[done:stop] = ats
                    for actor in set(actors).difference(self._actor_ids):
                        self.actor_id(actor)
                    self.actor_ids[done:stop] = array.array(
                        "I", map(self._actor_ids.__getitem__, actors)
                    )
                    self.store_hashes(hashes, done)
                    self.reasons.update((done + i, r) for i, r in enumerate(reasons) if r)
                    done = stop
            if done != n:
                raise IntegrityError(f"{done} of the {n} entries before the snapshot came")
            self._positions = None
            self.lazy = None

    def same_entries(self, other: _Log, length: int) -> bool:
        """True when the first ``length`` entries of the two logs are equal."""
        self.fill()
        other.fill()
        n = length
        return (
            self.digests[: 32 * n] == other.digests[: 32 * n]
            and {i: h for i, h in self.odd.items() if i < n}
            == {i: h for i, h in other.odd.items() if i < n}
            and self.events[:n] == other.events[:n]
            and self.ats[:n] == other.ats[:n]
            and self.actors(0, n) == other.actors(0, n)
            and {i: r for i, r in self.reasons.items() if i < n}
            == {i: r for i, r in other.reasons.items() if i < n}
        )

    def actor_id(self, actor: str) -> int:
        """Where ``actor`` is in ``actor_names`` (added if new)."""
        k = self._actor_ids.get(actor)
        if k is None:
            k = self._actor_ids[actor] = len(self.actor_names)
            self.actor_names.append(actor)
        return k

    def actor(self, index: int) -> str:
        """The actor of the entry at ``index`` (0-based)."""
        self.fill()
        return self.actor_names[self.actor_ids[index]]

    def actors(self, start: int, stop: int) -> list[str]:
        """The actors of the entries from ``start`` to ``stop`` (0-based, ``stop`` excluded)."""
        self.fill()
        return list(map(self.actor_names.__getitem__, self.actor_ids[start:stop]))

    def hash_of(self, index: int) -> str:
        """The hash of the entry at ``index`` (0-based)."""
        if self.lazy is not None and index < self.lazy.version - 1:
            self.fill()
        if self.odd and index in self.odd:
            return self.odd[index]
        return self.digests[32 * index : 32 * index + 32].hex()

    def head_hash(self, length: int) -> str:
        return self.hash_of(length - 1) if length else GENESIS_HASH

    def last_at(self) -> dt.datetime | None:
        return self.ats[-1] if self.ats else None

    def entry(self, index: int) -> Entry:
        """The entry at ``index`` (0-based), built from the columns."""
        self.fill()
        return Entry(
            index + 1,
            self.events[index],
            at=self.ats[index],
            actor=self.actor(index),
            reason=self.reasons.get(index, ""),
            prev_hash=self.head_hash(index),
            hash=self.hash_of(index),
        )

    def slice(self, start: int, stop: int) -> list[Entry]:
        """The entries from ``start`` to ``stop`` (0-based, ``stop`` excluded), built from the
        columns; each ``prev_hash`` is the same string as the ``hash`` before it."""
        if stop <= start:
            return []
        self.fill()
        hexes = self.digests[32 * start : 32 * stop].hex()
        odd = self.odd
        events, ats, reasons = self.events, self.ats, self.reasons
        actors = self.actors(start, stop)
        prev = self.head_hash(start)
        out = []
        for i in range(start, stop):
            k = 64 * (i - start)
            digest = odd[i] if odd and i in odd else hexes[k : k + 64]
            out.append(
                new_entry(
                    i + 1, events[i], ats[i], actors[i - start], reasons.get(i, ""), prev, digest
                )
            )
            prev = digest
        return out

    def store_hashes(self, hashes: bytes | list[str], index: int) -> None:
        """Store the hashes of the entries from ``index`` (0-based) on in ``digests`` (or
        ``odd``): their raw bytes, 32 each, or a list of them as recorded."""
        digests = self.digests  # written in place where it was sized ahead, else appended
        if isinstance(hashes, bytes):
            digests[32 * index : 32 * index + len(hashes)] = hashes
            return
        joined = "".join(hashes)
        try:
            raw = bytes.fromhex(joined)
        except ValueError:
            raw = b""
        # fromhex also reads upper case and skips spaces, and two hashes of 63 and 65 digits
        # join into 128: only 64 digits each and an exact round trip are kept raw.
        if set(map(len, hashes)) <= {64} and len(raw) == 32 * len(hashes) and raw.hex() == joined:
            digests[32 * index : 32 * (index + len(hashes))] = raw
            return
        for i, digest in enumerate(hashes, start=index):
            raw = b""
            if len(digest) == 64:
                with contextlib.suppress(ValueError):
                    raw = bytes.fromhex(digest)
            if len(raw) != 32 or raw.hex() != digest:
                self.odd[i] = digest
                raw = bytes(32)
            digests[32 * i : 32 * i + 32] = raw

    @property
    def positions(self) -> dict[str, list[int]]:
        """The indexes of each task's entries, in order."""
        positions = self._positions
        if positions is None:
            self.fill()
            with self.lock:
                positions = self._positions
                if positions is None:
                    positions = {}
                    events = self.events
                    for i, event in enumerate(events):
                        where = positions.get(event.task_id)
                        if where is None:
                            positions[event.task_id] = [i]
                        else:
                            where.append(i)
                    self._positions = positions
        return positions


class _Unbuilt:
    """How the tracks of a log are built when first read, once, under ``lock``."""

    __slots__ = ("build", "lock")

    def __init__(self, build: Callable[[], dict[str, _Track]]) -> None:
        self.build = build
        self.lock = threading.Lock()


class Prefix:
    """The entries before a snapshot a log started from: how many, and how to read them (as
    runs of :data:`~govops.tasks._replay.Columns` that continue one another, checked), once,
    under ``lock``."""

    __slots__ = ("lock", "read", "version")

    def __init__(self, version: int, read: Callable[[], Generator[Columns, None, None]]) -> None:
        self.version = version
        self.read = read
        self.lock = threading.Lock()


class _Entries(Sequence[Entry]):
    """A log's entries from ``start`` (0-based) to ``stop`` (excluded; the log's end when not
    given) as a read-only sequence; each is built from the columns when read, a slice at a time
    when iterated."""

    __slots__ = ("_log", "_start", "_stop")

    def __init__(self, log: _Log, start: int = 0, stop: int | None = None) -> None:
        self._log = log
        self._start = start
        self._stop = stop

    def __len__(self) -> int:
        return (len(self._log) if self._stop is None else self._stop) - self._start

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        base = self._start
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step == 1:
                return self._log.slice(base + start, base + stop)
            return [self._log.entry(base + i) for i in range(start, stop, step)]
        n = len(self)
        i = operator.index(index)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("entry index out of range")
        return self._log.entry(base + i)

    def __iter__(self) -> Iterator[Entry]:
        for lo in range(0, len(self), 1024):
            yield from self[lo : lo + 1024]
