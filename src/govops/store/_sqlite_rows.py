"""The entries of an SQLite store file as rows: read a chunk at a time (as columns for a replay,
as rows where each must be named), and written with each kind's layout, code and the values
tasks share stored once (the row codec itself is in ``_rows.py``, the statements in ``_sql.py``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

from .._record import GENESIS_HASH
from ..exceptions import IntegrityError
from ..serialization import converter
from ..tasks import Entry, TaskAssigned
from ..tasks.lowlevel import Columns
from ._rows import (
    _TASK_SHARED,
    UNREADABLE,
    _document,
    _dumps,
    _forget_seen,
    _layout,
    _layout_of,
    _Reader,
    _Row,
)
from ._sql import Queries

__all__ = ["CHUNK", "FileRows", "top"]

CHUNK = 1024  # entries read at a time: small enough that a chunk's objects stay in the CPU cache
_ALL = 2**62  # no entry is numbered beyond


def top(db: sqlite3.Connection, q: Queries) -> int:
    """The number of the last entry of the ledger (0 when none)."""
    return int(db.execute(q.top, q.params()).fetchone()[0] or 0)


def _stored_shared(db: sqlite3.Connection) -> dict[int, str]:
    """The JSON of every shared value stored in the database, by id (none in a file of 0.1.0)."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'shared'").fetchone() is None:
        return {}
    return dict(db.execute("SELECT id, value FROM shared"))


def _stored_kinds(db: sqlite3.Connection) -> dict[int, str]:
    """The kind of each code of a positional event, as stored in the database."""
    rows = db.execute("SELECT substr(key, 6), value FROM meta WHERE substr(key, 1, 5) = 'kind:'")
    kinds = {}
    for kind, code in rows:
        if type(code) is not str or not code.isdigit() or int(code) in kinds:
            raise IntegrityError(f"the stored code of {kind!r} events is damaged: {code!r}")
        kinds[int(code)] = kind
    return kinds


def _stored_layouts(db: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Every layout stored in the database, by kind."""
    rows = db.execute("SELECT substr(key, 8), value FROM meta WHERE substr(key, 1, 7) = 'layout:'")
    return {kind: _layout(kind, text) for kind, text in rows}


def _row(entry: Entry) -> list[Any]:
    """The row of ``entry``, its event as the govops converter unstructures it (the stored
    document is made from it inside the write transaction, see :func:`_document`)."""
    return [
        entry.seq,
        entry.event.task_id,
        entry.at.isoformat(),
        entry.actor,
        entry.reason,
        entry.event.kind,
        converter.unstructure(entry.event),
        entry.prev_hash,
        entry.hash,
    ]


class FileRows:
    """The rows of the store file at ``path``, and what this process knows is stored in it: the
    layout and code of each kind of event and the ids of shared values (they are only ever
    added, so what is known stays true)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._layouts: dict[str, tuple[str, ...]] = {}  # those known stored, by kind
        self._codes: dict[str, int] = {}  # the codes of kinds known stored
        self._shared: dict[str, int] = {}  # the ids of shared values known stored, by their JSON

    # -- writing ----------------------------------------------------------------------------------

    def insert(
        self, db: sqlite3.Connection, q: Queries, entries: Sequence[Entry]
    ) -> Callable[[], None]:
        """Insert the rows of ``entries`` (inside a write transaction), a chunk at a time so
        that a save of a whole ledger never holds all its rows; return what to call once the
        transaction has committed (what it stored is then known stored for good)."""
        layouts, codes = dict(self._layouts), dict(self._codes)
        shared: dict[str, int] = {}  # the values first stored in this transaction
        for lo in range(0, len(entries), CHUNK):
            rows = [_row(e) for e in entries[lo : lo + CHUNK]]
            layouts, codes = self._layouts_for(db, rows)  # read or stored in this transaction
            for row in rows:
                if row[5] == TaskAssigned.kind:
                    self._refer(db, row[6]["task"], shared)
                row[6] = _document(row[6], layouts, codes)
            db.executemany(
                "INSERT INTO entries (ledger, seq, at, actor, reason, event, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(q.ledger, r[0], r[2], r[3], r[4], r[6], bytes.fromhex(r[8])) for r in rows],
            )

        def committed() -> None:
            self._layouts.update(layouts)
            self._codes.update(codes)
            self._shared.update(shared)

        return committed

    def _refer(self, db: sqlite3.Connection, task: dict[str, Any], shared: dict[str, int]) -> None:
        """Replace the values of an unstructured task that are stored once (``_TASK_SHARED``)
        by their ids, storing those not stored yet (inside a write transaction)."""
        for name in _TASK_SHARED:
            value = task.get(name)
            if type(value) is not dict:
                continue
            text = _dumps(value)
            ref = self._shared.get(text) or shared.get(text)
            if ref is None:
                db.execute("INSERT OR IGNORE INTO shared (value) VALUES (?)", (text,))
                ref = shared[text] = db.execute(
                    "SELECT id FROM shared WHERE value = ?", (text,)
                ).fetchone()[0]
            task[name] = ref

    def _layouts_for(
        self, db: sqlite3.Connection, rows: list[list[Any]]
    ) -> tuple[dict[str, tuple[str, ...]], dict[str, int]]:
        """The stored layout and code of every kind of event in ``rows`` (inside a write
        transaction): the ones already stored, else the event's own layout and the next code,
        stored now."""
        layouts = self._layouts
        found: dict[str, tuple[str, ...]] = {}
        codes: dict[str, int] = {}
        for row in rows:
            layout = _layout_of(row[6])
            kind = row[6].get("type")
            if layout is None or type(kind) is not str or kind in layouts or kind in found:
                continue
            key = "layout:" + kind
            stored = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            if stored is None:
                db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, _dumps(layout)))
                found[kind] = layout
            else:
                found[kind] = _layout(kind, stored[0])
        missing = [kind for kind in {**layouts, **found} if kind not in self._codes]
        if missing:
            stored_codes = {kind: code for code, kind in _stored_kinds(db).items()}
            for kind in missing:
                if kind not in stored_codes:
                    code = stored_codes[kind] = max(stored_codes.values(), default=-1) + 1
                    db.execute(
                        "INSERT INTO meta (key, value) VALUES (?, ?)", (f"kind:{kind}", str(code))
                    )
                codes[kind] = stored_codes[kind]
        return {**layouts, **found}, {**self._codes, **codes}

    @staticmethod
    def holds(db: sqlite3.Connection, q: Queries, entries: Sequence[Entry], after: int) -> bool:
        """True when the ledger holds exactly ``entries`` right after entry ``after``."""
        if not entries or entries[0].seq != after + 1:
            return False
        for lo in range(0, len(entries), CHUNK):
            chunk = entries[lo : lo + CHUNK]
            stored = db.execute(
                q.hashes, q.params(lo=after + lo, hi=after + lo + len(chunk))
            ).fetchall()
            if [r[0] for r in stored] != [e.hash for e in chunk]:
                return False
        return True

    # -- reading ----------------------------------------------------------------------------------

    def rows(self, db: sqlite3.Connection, q: Queries, since: int) -> Iterator[_Row]:
        """The stored entries after ``since`` as ``(seq, event, at, actor, reason, prev_hash,
        hash)``, as they are stored: no link between them is checked."""
        row = db.execute(q.hash_at, q.params(seq=since)).fetchone() if since else None
        prev = row[0] if row else GENESIS_HASH
        cursor = db.execute(q.rows, q.params(after=since, upto=_ALL, prev=prev))
        # The layouts and shared values are read once the rows' read has begun: they are only
        # ever added, so this finds every one those rows need.
        reader = _Reader(self.path, _stored_layouts(db), _stored_shared(db), _stored_kinds(db))
        try:
            while rows := cursor.fetchmany(CHUNK):
                yield from reader.rows(rows)
        finally:
            _forget_seen()

    def columns(
        self,
        db: sqlite3.Connection,
        q: Queries,
        *,
        after: int = 0,
        prev: str = GENESIS_HASH,
        upto: int | None = None,
    ) -> Generator[Columns, None, None]:
        """The stored entries after number ``after`` (hashed ``prev``) up to number ``upto``
        (else the last), in order, as :data:`~govops.tasks.lowlevel.Columns` of up to
        ``CHUNK`` entries, with their sequence numbers and hash links checked (inside a
        transaction: every chunk and layout from one state).

        Each chunk is read by one query whose aggregates SQLite computes (the times joined, actors
        and reasons as JSON arrays, the events joined into one JSON array, the hashes joined):
        a handful of values per chunk rather than seven per row. That shape is only trusted when
        it checks out: as many rows as sequence numbers in the range, every hash 64 lowercase
        hexadecimal digits (32 bytes), in a file of an earlier version each ``prev_hash`` the
        hash before it, and as many times and events as rows. A chunk that
        does not (a gap, an altered row, an odd hash), or whose events do not decode, is read
        again row by row, which raises the error that names the entry or keeps the odd hash as
        it is.
        """
        try:
            reader = _Reader(self.path, _stored_layouts(db), _stored_shared(db), _stored_kinds(db))
            upto = top(db, q) if upto is None else upto
            for lo in range(after, upto, CHUNK):
                hi = min(lo + CHUNK, upto)
                try:
                    row = db.execute(q.chunk, q.params(lo=lo, hi=hi)).fetchone()
                    found = reader.columns(row, hi - lo, prev)
                except (sqlite3.Error, *UNREADABLE):
                    found = None  # read again below, which names what is wrong
                if found is None:
                    rows = db.execute(q.rows, q.params(after=lo, upto=hi, prev=prev)).fetchall()
                    found = reader.checked(rows, lo, prev, hi - lo)
                hashes = found[4]
                prev = hashes[-32:].hex() if isinstance(hashes, bytes) else hashes[-1]
                yield found
        finally:
            _forget_seen()
