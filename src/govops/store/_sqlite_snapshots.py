"""Where an SQLite file keeps its snapshots: the table ``snapshots``, made by the first snapshot
written, in a file of this version's layout only (its ledgers are numbered). What a snapshot
holds and how it is checked is ``_snapshots.py``'s, the same for every store.

::

    snapshots (ledger INTEGER, version INTEGER,   -- one row per snapshot kept, the two latest
               hash TEXT, header TEXT,            --   of each ledger
               body BLOB, checksum TEXT,          -- the body as UTF-8 bytes (earlier versions
               PRIMARY KEY (ledger, version))     --   wrote text, which reads the same)
"""

from __future__ import annotations

import sqlite3
from typing import Any, final

from ._snapshots import Row, Unreadable

__all__ = ["SQLiteSnapshots"]

_TABLE = """
CREATE TABLE IF NOT EXISTS snapshots (
    ledger   INTEGER NOT NULL,
    version  INTEGER NOT NULL,
    hash     TEXT NOT NULL,
    header   TEXT NOT NULL,
    body     BLOB NOT NULL,
    checksum TEXT NOT NULL,
    PRIMARY KEY (ledger, version)
)
"""


@final
class SQLiteSnapshots:
    """The snapshots of ledger number ``ledger`` in the file open on ``db`` (a
    :class:`~govops.store._snapshots.Table`); ledger 0 is the one ledger of a file of an earlier
    layout, which holds none."""

    __slots__ = ("_db", "_ledger")

    def __init__(self, db: sqlite3.Connection, ledger: int) -> None:
        self._db = db
        self._ledger = ledger

    def _has_table(self) -> bool:
        found = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshots'"
        )
        return bool(self._ledger) and found.fetchone() is not None

    def latest(self) -> int:
        if not self._has_table():
            return 0
        try:
            found = self._db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM snapshots WHERE ledger = ?", (self._ledger,)
            ).fetchone()[0]
        except sqlite3.Error:  # the table was altered: a load says so
            return 0
        return found if type(found) is int else 0

    def rows(self) -> list[Row]:
        if not self._has_table():
            return []
        try:
            return self._db.execute(
                "SELECT version, hash, header, body, checksum FROM snapshots WHERE ledger = ? "
                "ORDER BY version DESC",
                (self._ledger,),
            ).fetchall()
        except sqlite3.Error as exc:
            raise Unreadable(f"the table was altered ({exc})") from exc

    def hash_at(self, version: int) -> str | None:
        found = self._db.execute(
            "SELECT lower(hex(hash)) FROM entries WHERE ledger = ? AND seq = ?",
            (self._ledger, version),
        ).fetchone()
        return None if found is None else str(found[0])

    def time_at(self, version: int) -> Any:
        (at,) = self._db.execute(
            "SELECT at FROM entries WHERE ledger = ? AND seq = ?", (self._ledger, version)
        ).fetchone()
        return at

    def put(self, row: tuple[int, str, str, bytes, str], *, keep: int) -> None:
        self._db.execute(_TABLE)
        self._db.execute(
            "INSERT OR REPLACE INTO snapshots (ledger, version, hash, header, body, checksum) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (self._ledger, *row),
        )
        self._db.execute(
            "DELETE FROM snapshots WHERE ledger = ?1 AND version NOT IN "
            "(SELECT version FROM snapshots WHERE ledger = ?1 ORDER BY version DESC LIMIT ?2)",
            (self._ledger, keep),
        )
