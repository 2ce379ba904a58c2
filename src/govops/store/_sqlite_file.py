"""An SQLite store file: opening it (read-only disks included), checking that it holds a store,
wording SQLite's errors as govops' own, and rewriting a file of an earlier version in this
version's layout."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..exceptions import ConcurrencyError, GovopsError, IntegrityError, LedgerError, StoreError
from ..serialization import SCHEMA
from ._head import check_head, head_row
from ._sql import SCHEMA_4, migrate, queries

__all__ = ["READABLE", "check_tables", "connect", "rewrite_earlier", "schema_of", "translated"]

READABLE = (SCHEMA_4, "govops-store/3", "govops-store/2", SCHEMA)
"""The schema marks of the files this version reads (the last: the JSON schema of 0.1.0)."""


def translated(exc: sqlite3.Error, where: str, doing: str) -> GovopsError:
    """The govops error for an error of SQLite's while doing something to the store ``where``."""
    text = str(exc).lower()
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in text:
        return StoreError(f"the event store at {where!r} is closed")
    if "full" in text:
        return StoreError(
            f"cannot {doing} the event store at {where!r}: the disk is full (nothing was written)"
        )
    if "disk i/o error" in text:  # a write refused below SQLite: a file-size limit, a bad disk
        return StoreError(
            f"cannot {doing} the event store at {where!r}: the file could not be written or read "
            f"({exc}: a file-size limit, a failing or full disk); nothing was written"
        )
    if "locked" in text or "busy" in text:
        return ConcurrencyError(f"another writer holds the event store at {where!r}: {exc}")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"cannot {doing} the event store at {where!r}: it is read-only ({exc})")
    if isinstance(exc, sqlite3.DatabaseError) and (
        "not a database" in text
        or "malformed" in text
        or "no such" in text
        or "could not decode" in text  # text that is not UTF-8, as Python 3.11 reports it
    ):
        return IntegrityError(f"the event store at {where!r} is damaged: {exc}")
    return StoreError(f"cannot {doing} the event store at {where!r}: {exc}")


def connect(path: Path, mode: str, timeout: float) -> sqlite3.Connection:
    """A connection to the store file at ``path`` for ``mode``: ``"create"`` (making the file),
    ``"rw"`` or ``"ro"``. A file on a read-only disk is opened read-only as an unchanging file when
    no write is pending in its WAL file; every failure is a govops error saying what to do."""
    where = str(path)
    if mode != "create" and not path.is_file():
        missing = "is a directory" if path.is_dir() else "does not exist"
        raise StoreError(
            f"no event store at {where!r}: it {missing}. EventStore.create(path) makes a new store"
        )
    query = {"create": "mode=rwc", "rw": "mode=rw"}.get(mode, "mode=ro")
    try:
        return _connect(path, query, timeout)
    except UnicodeDecodeError as exc:  # its schema, read at the first statement, is damaged
        raise IntegrityError(
            f"the event store at {where!r} is damaged: it holds text that is not UTF-8"
        ) from exc
    except sqlite3.Error as exc:
        writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        wal = Path(f"{path}-wal")
        if mode == "ro" and not (wal.exists() and wal.stat().st_size):
            # A store on a read-only disk: SQLite cannot make the shared-memory file a WAL
            # database is read through. With no write pending in a WAL file, the database
            # file alone is the whole store and is read as an unchanging file.
            try:
                return _connect(path, "mode=ro&immutable=1", timeout)
            except sqlite3.Error:
                pass
        if mode == "ro" and wal.exists() and not writable:
            raise StoreError(
                f"cannot read the event store at {where!r}: it is on a read-only disk with "
                f"writes not yet folded into the file ({wal.name}); copy both files to a "
                "writable place and open the copy"
            ) from exc
        if mode != "ro" and not writable:
            raise StoreError(
                f"cannot open the event store at {where!r} for writing: the file or its "
                "folder is read-only; open it with mode='ro' to load or verify it"
            ) from exc
        raise translated(exc, where, "open") from exc


def _connect(path: Path, query: str, timeout: float) -> sqlite3.Connection:
    db = sqlite3.connect(
        f"{path.absolute().as_uri()}?{query}",
        uri=True,
        timeout=timeout,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        db.execute("PRAGMA synchronous=NORMAL")
        # What rewrites a file of an earlier version, whose hashes are hexadecimal text.
        db.create_function("unhex", 1, bytes.fromhex, deterministic=True)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the file now
    except BaseException:
        db.close()
        raise
    return db


def schema_of(db: sqlite3.Connection) -> str:
    """The schema mark of the file (checked by :func:`check_tables` when it was opened)."""
    return str(db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0])


def check_tables(db: sqlite3.Connection, where: str) -> None:
    """Check that the file holds an event store this version reads, with all of its tables."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        raise IntegrityError(
            f"{where!r} holds no event store: the file is empty or was truncated "
            "(EventStore.create makes a new store)"
        )
    row = None
    if "meta" in tables:
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    needed = ("entries", "meta", "ledgers", "shared") if row == (SCHEMA_4,) else ("entries", "meta")
    lost = [t for t in needed if t not in tables]
    if lost:
        raise IntegrityError(f"the event store at {where!r} has lost its table(s) {lost}")
    if row is None:
        raise IntegrityError(f"the event store at {where!r} has lost its schema mark")
    if row[0] not in READABLE:
        raise LedgerError(
            f"the event store at {where!r} has schema {row[0]!r}; this version of govops "
            f"reads {', '.join(map(repr, READABLE))}"
        )
    if row[0] != SCHEMA and "shared" not in tables:  # govops 0.1.0 wrote none
        raise IntegrityError(f"the event store at {where!r} has lost its table 'shared'")


def rewrite_earlier(db: sqlite3.Connection, where: str) -> None:
    """Rewrite a file of an earlier version in this version's layout (inside a write
    transaction, see ``_sql.migrate``), its head kept as it is; a file of this version is left
    as it is."""
    schema = schema_of(db)
    if schema == SCHEMA_4:
        return
    q = queries(schema, 0)
    row = db.execute(q.head, q.params()).fetchone()
    if row is None:  # a file written before heads: its head is what it holds
        version, last_hash, policy = check_head(db, None, where, q, every_row=False)
        row = (head_row(version, last_hash, policy, None),)
    migrate(db, row[0])
