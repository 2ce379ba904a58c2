"""The ledger's interface for store implementers (like ``trio.lowlevel``): how a store hands
stored entries to the ledger's one replay loop, and keeps snapshots of its projection.

Applications never need it; :mod:`govops.store`'s SQLite and PostgreSQL stores are written on
it, and a store of another database can be too. A store reads its rows a chunk at a time as
:data:`Columns` (events, times, actors, reasons, 32-byte hashes) that continue one another; it
checks their numbers and links as it reads (:func:`check_hash` words a mismatch) and gives them
to :func:`ledger_from_columns`, which checks the rest as a ledger built from entries does.
Snapshots of the projection are written with :func:`encode_snapshot` and read back with
:func:`decode_snapshot` (a :class:`Projection`, its tasks built when first needed) and
:func:`ledger_from_snapshot`. ``docs/explanation/record.md`` says
what each part guarantees.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._ledger import Ledger, new_entry
from ._ledger_policy import LedgerPolicy
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
    "ledger_from_columns",
    "ledger_from_snapshot",
    "new_entry",
    "span",
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
