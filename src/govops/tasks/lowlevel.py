"""The ledger's interface for store implementers (like ``trio.lowlevel``): how a store hands
stored entries to the ledger's one replay loop, and keeps snapshots of its projection.

Applications never need it; :mod:`govops.store`'s SQLite and PostgreSQL stores are written on
it, and a store of another database can be too. A store reads its rows a chunk at a time as
:data:`Columns` (events, times, actors, reasons, 32-byte hashes) that continue one another; it
checks their numbers and links as it reads (:func:`check_hash` words a mismatch) and gives them
to :func:`ledger_from_columns`, which checks the rest as a ledger built from entries does.
A store checks an append on the ledger as stored with :func:`extended`, and saves a ledger's
entries from :func:`entries_after`. Snapshots of the projection are written with
:func:`encode_snapshot` (of :func:`tracks_of` and :func:`policy_changes`) and read back with
:func:`decode_snapshot` (a :class:`Projection`, its tasks built when first needed) and
:func:`ledger_from_snapshot`. ``docs/explanation/record.md`` says
what each part guarantees.

What a store does with an append (check it on the ledger as stored) and with a save (the
entries after the stored version, built a slice at a time):

>>> import datetime as dt, govops.calendars as gc
>>> from govops.tasks import Deadline, IssueRaised, Responsibility, Task, TaskAssigned, Unit
>>> cst = dt.timezone(dt.timedelta(hours=8))
>>> task = Task("T1", "Repair the bridge", category="key_works",
...             responsibility=Responsibility(Unit("roads", "Roads office")),
...             deadline=Deadline.on(dt.date(2026, 6, 30)))
>>> stored = Ledger(calendar=gc.calendar("CN")).record(
...     TaskAssigned(task), actor="office", at=dt.datetime(2026, 3, 2, 9, tzinfo=cst))
>>> newer = stored.record(IssueRaised("T1", "materials late"), actor="roads",
...                       at=dt.datetime(2026, 3, 3, 9, tzinfo=cst))
>>> batch = entries_after(newer, stored.version)
>>> [entry.seq for entry in batch]
[2]
>>> extended(stored, batch) == newer, hashes_checked(newer)
(True, True)
>>> extended(stored, [newer.entries[0]])
Traceback (most recent call last):
...
govops.exceptions.IntegrityError: ...
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ._events import Entry
from ._ledger import Ledger
from ._ledger_policy import LedgerPolicy
from ._log import _Entries, new_entry
from ._model import WorkingCalendar
from ._replay import Columns, check_hash
from ._snapshot import PolicyChanges, Projection, span
from ._snapshot import decode as decode_snapshot
from ._snapshot import encode as encode_snapshot
from ._snapshot import ledger_from as ledger_from_snapshot
from ._state import _Track as Track

__all__ = [
    "Columns",
    "PolicyChanges",
    "Projection",
    "Track",
    "check_hash",
    "decode_snapshot",
    "encode_snapshot",
    "entries_after",
    "extended",
    "hashes_checked",
    "ledger_from_columns",
    "ledger_from_snapshot",
    "new_entry",
    "policy_changes",
    "span",
    "tracks_of",
]


def ledger_from_columns(
    chunks: Iterable[Columns],
    *,
    calendar: WorkingCalendar,
    policy: LedgerPolicy | None = None,
    verify: bool = True,
    size: int = 0,
) -> Ledger:
    """A ledger replayed from a store's ``chunks`` of :data:`Columns`, as
    :meth:`Ledger.from_entries <govops.tasks.Ledger.from_entries>` replays entries, without
    making an :class:`~govops.tasks.Entry` of each. ``verify`` recomputes every hash; ``size``,
    the number of entries expected, sizes the columns once."""
    return Ledger._from_columns(chunks, calendar=calendar, policy=policy, verify=verify, size=size)


def extended(ledger: Ledger, entries: Sequence[Entry]) -> Ledger:
    """``ledger`` followed by ``entries`` (stored entries, hashed and linked already), each
    checked as a replay checks it: what a store appending them would hold. Raises what
    :meth:`Ledger.from_entries <govops.tasks.Ledger.from_entries>` raises for the first entry
    that does not follow; ``ledger`` itself is unchanged."""
    return ledger._extend(entries)


def hashes_checked(ledger: Ledger) -> bool:
    """True when every hash of ``ledger`` was computed or recomputed as its entries came in
    (false once a replay with ``verify=False`` took stored hashes as they were)."""
    return ledger._log.hashes_checked


def tracks_of(ledger: Ledger) -> list[Track]:
    """The per-task state of ``ledger`` at its version (what a snapshot keeps), in the order the
    tasks were assigned."""
    return list(ledger._current().tracks.values())


def policy_changes(ledger: Ledger) -> PolicyChanges:
    """``(version, policy)`` of each :class:`~govops.tasks.PolicyChanged` entry of ``ledger`` up
    to its version, in order (a snapshot keeps them: the tracks do not hold them)."""
    return tuple((seq, p) for seq, p in ledger._current().ctx.changes[1:] if seq <= ledger.version)


def entries_after(ledger: Ledger, version: int) -> Sequence[Entry]:
    """The entries of ``ledger`` after ``version``, built as they are read (a slice at a time),
    so that a store saving a large ledger never holds every :class:`~govops.tasks.Entry` at
    once."""
    return _Entries(ledger._log, version, ledger.version)
