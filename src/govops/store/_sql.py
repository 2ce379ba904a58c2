"""The tables of an SQLite store file and the statements that read one ledger of it.

A file of this version (``govops-store/4``) holds any number of ledgers::

    meta     (key TEXT PRIMARY KEY, value TEXT)          -- the schema mark, each kind's layout
    ledgers  (id INTEGER PRIMARY KEY, name TEXT UNIQUE,  -- one row per ledger: its policy and
              policy TEXT, head TEXT)                    --   the head recorded with each append
    entries  (ledger INTEGER, seq INTEGER,               -- one row per entry, clustered by
              at TEXT, actor TEXT, reason TEXT,          --   (ledger, seq): a ledger's entries
              event TEXT, hash BLOB,                     --   are read in one sweep
              PRIMARY KEY (ledger, seq)) WITHOUT ROWID
    shared   (id INTEGER PRIMARY KEY, value TEXT UNIQUE) -- values tasks share, stored once

An entry's hash is kept as its 32 bytes and its ``prev_hash`` not at all: it is the hash of the
entry before, which every read takes from there (and a verifying read recomputes). Files of
earlier versions (one ledger, named ``"default"``: the policy and head in ``meta``, the hashes as
text, ``prev_hash`` stored) are read as they are, and rewritten in this layout by the first
append (see :func:`migrate`).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import attrs

__all__ = ["SCHEMA_4", "TABLES_4", "Queries", "migrate", "queries"]

SCHEMA_4 = "govops-store/4"

TABLES_4 = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ledgers (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
    "policy TEXT, head TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries (ledger INTEGER NOT NULL, seq INTEGER NOT NULL, "
    "at TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL, event TEXT NOT NULL, "
    "hash BLOB NOT NULL, PRIMARY KEY (ledger, seq)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS shared (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE)",
)


@attrs.frozen
class Queries:
    """The statements that read one ledger of a file, for the layout of its version. Each takes
    the named parameters ``ledger`` (the ledger's number) and those it names."""

    ledger: int
    top: str
    low: str
    count: str
    gap: str  # the first number missing from the entries
    hash_at: str  # :seq -> the hash as 64 lowercase hexadecimal digits
    policy: str
    head: str
    rows: str  # :after, :upto, :prev -> (seq, at, actor, reason, event, prev_hash, hash)
    chunk: str  # :lo, :hi -> the aggregates of _Reader.columns
    hashes: str  # :lo, :hi

    def params(self, **values: Any) -> dict[str, Any]:
        return {"ledger": self.ledger, **values}


def _gap(of: str) -> str:
    """The first number missing from the entries of ledger ``of`` (a column or parameter)."""
    return (
        "SELECT CASE WHEN min(seq) > 1 THEN 1 ELSE (SELECT e.seq + 1 FROM entries e "
        f"WHERE e.ledger = {of} AND NOT EXISTS (SELECT 1 FROM entries n "
        f"WHERE n.ledger = {of} AND n.seq = e.seq + 1) "
        f"ORDER BY e.seq LIMIT 1) END FROM entries WHERE ledger = {of}"
    )


_AGGREGATES = (
    "SELECT count(*), group_concat(at, ','), json_group_array(actor), json_group_array(reason), "
    "'[' || group_concat(event, ',') || ']', "
)

_LEGACY = Queries(
    ledger=0,
    top="SELECT max(seq) FROM entries",
    low="SELECT min(seq) FROM entries",
    count="SELECT count(*) FROM entries",
    gap="SELECT CASE WHEN min(seq) > 1 THEN 1 ELSE (SELECT e.seq + 1 FROM entries e "
    "WHERE NOT EXISTS (SELECT 1 FROM entries n WHERE n.seq = e.seq + 1) ORDER BY e.seq LIMIT 1) "
    "END FROM entries",
    hash_at="SELECT hash FROM entries WHERE seq = :seq",
    policy="SELECT value FROM meta WHERE key = 'policy'",
    head="SELECT value FROM meta WHERE key = 'head'",
    rows="SELECT seq, at, actor, reason, event, prev_hash, hash FROM entries "
    "WHERE seq > :after AND seq <= :upto ORDER BY seq",
    chunk=_AGGREGATES + "group_concat(prev_hash, ' '), group_concat(hash, ' ') "
    "FROM entries WHERE seq > :lo AND seq <= :hi",
    hashes="SELECT hash FROM entries WHERE seq > :lo AND seq <= :hi ORDER BY seq",
)

_HEX = "lower(hex(hash))"


def queries(schema: str, ledger: int) -> Queries:
    """The statements for ledger number ``ledger`` of a file marked ``schema``."""
    if schema != SCHEMA_4:
        return _LEGACY
    mine = "ledger = :ledger"
    return Queries(
        ledger=ledger,
        top=f"SELECT max(seq) FROM entries WHERE {mine}",
        low=f"SELECT min(seq) FROM entries WHERE {mine}",
        count=f"SELECT count(*) FROM entries WHERE {mine}",
        gap=_gap(":ledger"),
        hash_at=f"SELECT {_HEX} FROM entries WHERE {mine} AND seq = :seq",
        policy="SELECT policy FROM ledgers WHERE id = :ledger",
        head="SELECT head FROM ledgers WHERE id = :ledger",
        # Each prev_hash is the hash of the row before (of the entry at :after for the first).
        rows=f"SELECT seq, at, actor, reason, event, lag({_HEX}, 1, :prev) OVER (ORDER BY seq), "
        f"{_HEX} FROM entries WHERE {mine} AND seq > :after AND seq <= :upto ORDER BY seq",
        chunk=_AGGREGATES + f"NULL, group_concat({_HEX}, ' ') "
        f"FROM entries WHERE {mine} AND seq > :lo AND seq <= :hi",
        hashes=f"SELECT {_HEX} FROM entries WHERE {mine} AND seq > :lo AND seq <= :hi ORDER BY seq",
    )


def migrate(db: sqlite3.Connection, head: str) -> None:
    """Rewrite a file of an earlier version, inside a write transaction, as a file of this one
    holding its ledger as ledger 1, ``"default"``, with ``head`` as its head row."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS shared (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE)"
    )
    db.execute("ALTER TABLE entries RENAME TO entries_3")
    for statement in TABLES_4:
        db.execute(statement)
    db.execute(
        "INSERT INTO ledgers (id, name, policy, head) VALUES "
        "(1, 'default', (SELECT value FROM meta WHERE key = 'policy'), ?)",
        (head,),
    )
    db.execute(
        "INSERT INTO entries (ledger, seq, at, actor, reason, event, hash) "
        "SELECT 1, seq, at, actor, reason, event, unhex(hash) FROM entries_3 ORDER BY seq"
    )
    db.execute("DROP TABLE entries_3")
    # Snapshots of a file of an earlier layout name no ledger: they are only a shortcut of the
    # replay, which keeps its first load after the rewrite whole.
    db.execute("DROP TABLE IF EXISTS snapshots")
    db.execute("DELETE FROM meta WHERE key IN ('policy', 'head')")
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_4,))
