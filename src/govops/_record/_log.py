"""An append-only log of entries, checked as every record checks them.

:class:`EntryLog` keeps :class:`~._events.Entry` values in order and refuses, before anything
changes, an entry that does not follow the last one: its ``seq`` and ``prev_hash`` must continue
the chain, its time must not be before the entry before it (compared as instants: two times of
one zone compare by their wall clocks in Python, which a change of daylight saving breaks), and,
unless the caller vouches for it, its hash must be the one its content gives.

Values that extend one another share one log and each sees a prefix of it (its ``length``), so
recording costs O(1); a value that records after a prefix that is no longer the end of the log
first copies that prefix (a branch). The supervision journal is kept this way; the ledger keeps
its entries in columns (``govops.tasks._log``) but checks them with the same functions.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading

from .._checks import check_text
from .._time import EDGE_YEARS, is_before, require_aware
from ..exceptions import IntegrityError, InvalidInputError, InvalidTypeError
from ._events import Entry, Event
from ._hash import GENESIS_HASH, check_link, entry_hash, rehash

__all__ = ["EntryLog", "check_recording", "instant"]


def check_recording(actor: object, at: object, reason: object) -> None:
    """What every record requires of who recorded an entry, when and why, or the error that
    says what is wrong. Actor and reason are hashed and stored as UTF-8 text: a lone surrogate is
    named here rather than escaping from the hash as a ``UnicodeEncodeError``, and a NUL
    character, which PostgreSQL cannot store, is refused whichever store the ledger goes to.

    >>> import datetime as dt
    >>> check_recording("王\\udc80", dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc), "")
    Traceback (most recent call last):
    ...
    govops.exceptions.InvalidInputError: actor='王\\udc80' holds the lone surrogate '\\udc80' at index 1; expected text that UTF-8 can encode
    """
    if require_aware(at, name="at").year in EDGE_YEARS:
        raise InvalidInputError(
            f"at={at!r} is in the first or last year a datetime can hold; a record keeps times "
            "of years 2 to 9998, which every time zone can read"
        )
    if not isinstance(actor, str) or not actor.strip():
        raise InvalidInputError(f"actor={actor!r}; expected a non-empty str naming who recorded it")
    if not isinstance(reason, str):
        raise InvalidTypeError(f"reason={reason!r}; expected a str")
    check_text(actor, "actor")
    check_text(reason, "reason")
    if "\x00" in actor or "\x00" in reason:  # each a column of a store: PostgreSQL's hold no NUL
        name, text = ("actor", actor) if "\x00" in actor else ("reason", reason)
        raise InvalidInputError(
            f"{name}={text!r} holds the NUL character '\\x00'; expected text a database can store"
        )


_FIRST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
_LAST = dt.datetime.max.replace(tzinfo=dt.timezone.utc)


def instant(at: dt.datetime) -> dt.datetime:
    """``at`` as the UTC instant it names: how times are ordered and compared in a record. A
    time whose instant ``datetime`` cannot hold (0001-01-01T00:00+08:00, 9999-12-31T23:00-05:00:
    only a query can name one, see ``check_recording``) is taken as the first or last instant.

    >>> instant(dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5))))
    datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc)
    """
    try:
        return at.astimezone(dt.timezone.utc)
    except OverflowError:
        return _FIRST if at.year == dt.MINYEAR else _LAST


class EntryLog:
    """Entries in order, each checked to follow the one before it (see the module)."""

    __slots__ = ("entries", "instants", "lock")

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.instants: list[dt.datetime] = []  # each entry's `at` as a UTC instant
        self.lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.entries)

    def head_hash(self, length: int) -> str:
        """The hash of the entry ``length`` (the genesis hash for 0)."""
        return self.entries[length - 1].hash if length else GENESIS_HASH

    def length_at(self, at: dt.datetime, length: int) -> int:
        """How many of the first ``length`` entries were recorded at or before ``at``."""
        require_aware(at, name="at")
        return bisect.bisect_right(self.instants, instant(at), 0, length)

    def check(self, entry: Entry, *, verify: bool = True) -> None:
        """Raise :class:`~govops.exceptions.IntegrityError` unless ``entry`` may follow the
        last entry of the log: its place in the chain, its time and (``verify``) its hash."""
        n = len(self.entries)
        check_link(entry.seq, n + 1, entry.prev_hash, self.head_hash(n))
        if n and is_before(entry.at, self.entries[-1].at):
            raise IntegrityError(f"entry seq={entry.seq} is dated before the entry before it")
        if verify:
            actual = rehash(entry)
            if actual != entry.hash:
                raise IntegrityError(
                    f"entry seq={entry.seq} hashes to {actual!r}, not its recorded "
                    f"hash={entry.hash!r}: the entry was altered"
                )

    def add(self, entry: Entry) -> None:
        """Append ``entry``, checked by the caller (:meth:`check` or :meth:`make`)."""
        self.entries.append(entry)
        self.instants.append(instant(entry.at))

    def make(self, event: Event, *, actor: str, at: dt.datetime, reason: str) -> Entry:
        """The entry that records ``event`` after the last entry of the log, its hash computed;
        :class:`~govops.exceptions.InvalidInputError` when ``at`` is before the last entry."""
        n = len(self.entries)
        if n and is_before(at, self.entries[-1].at):
            raise InvalidInputError(
                f"at={at!r} is earlier than the last entry ({self.entries[-1].at!r}); a record "
                "is written in time order"
            )
        prev = self.head_hash(n)
        digest = entry_hash(
            seq=n + 1, event=event, at=at, actor=actor, reason=reason, prev_hash=prev
        )
        return Entry(n + 1, event, at=at, actor=actor, reason=reason, prev_hash=prev, hash=digest)
