"""The entries of one ledger of a PostgreSQL database as rows of ``govops_events``: written and
read a chunk at a time; and psycopg's errors worded as govops' own."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .._record import GENESIS_HASH
from ..exceptions import ConcurrencyError, GovopsError, StoreError
from ..serialization import converter
from ..tasks import Entry
from ._rows import Columns, _dumps, _forget_seen, _Reader

if TYPE_CHECKING:
    import psycopg

__all__ = ["CHUNK", "LedgerRows", "psycopg_module", "translated"]

CHUNK = 1024  # entries read or written at a time
_ALL = 2**62  # no entry is numbered beyond

# SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html)
_RETRY = {"40001": "a serialization failure", "40P01": "a deadlock", "55P03": "a lock timeout"}


def psycopg_module() -> Any:
    """The ``psycopg`` package, or the error that says which extra installs it."""
    try:
        import psycopg
    except ImportError:  # the optional extra is not installed
        raise StoreError(
            "the PostgreSQL store needs psycopg 3: pip install 'govops[postgres]'"
        ) from None
    return psycopg


def translated(exc: Exception, where: str, doing: str) -> GovopsError:
    """The govops error for a psycopg error while doing something to the store ``where``."""
    psycopg = psycopg_module()
    state = getattr(exc, "sqlstate", None) or ""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if state in _RETRY:
        return ConcurrencyError(
            f"cannot {doing} {where}: {_RETRY[state]} with another writer ({text}); nothing was "
            "written: reload and retry"
        )
    if state == "23505":  # unique_violation: another writer stored an entry at that version
        return ConcurrencyError(
            f"cannot {doing} {where}: another writer stored entries at those versions first; "
            "nothing was written: reload and retry"
        )
    if state.startswith("53"):  # insufficient resources: disk full, out of memory
        what = "the server's disk is full" if state == "53100" else "the server is out of resources"
        return StoreError(f"cannot {doing} {where}: {what} ({text}); nothing was written")
    if state in ("25006", "42501"):  # read-only transaction, insufficient privilege
        return StoreError(f"cannot {doing} {where}: it is read-only for this connection ({text})")
    if doing == "connect to" and isinstance(exc, psycopg.OperationalError):
        return StoreError(f"cannot connect to {where}: the server cannot be reached ({text})")
    if isinstance(exc, psycopg.OperationalError) or state.startswith(("08", "57")):
        return StoreError(
            f"cannot {doing} {where}: the connection to the server was lost ({text}). An append "
            "may or may not have been stored: repeat it with the same expected_version (a "
            "repeated append is acknowledged once)"
        )
    return StoreError(f"cannot {doing} {where}: {text}")


class LedgerRows:
    """The rows of the ledger ``ledger`` (named ``where`` in messages), read and written through
    the cursor of a transaction the store holds."""

    def __init__(self, ledger: str, where: str) -> None:
        self.ledger = ledger
        self.where = where

    def insert(self, cur: psycopg.Cursor[Any], entries: Sequence[Entry]) -> None:
        """Insert the rows of ``entries``, a chunk at a time so that a save of a whole ledger
        never holds all its rows."""
        for lo in range(0, len(entries), CHUNK):
            cur.executemany(
                "INSERT INTO govops_events (ledger, version, at, actor, reason, event, hash) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        self.ledger,
                        e.seq,
                        e.at.isoformat(),
                        e.actor,
                        e.reason,
                        _dumps(converter.unstructure(e.event)),
                        bytes.fromhex(e.hash),
                    )
                    for e in entries[lo : lo + CHUNK]
                ],
            )

    def holds(self, cur: psycopg.Cursor[Any], entries: Sequence[Entry], after: int) -> bool:
        """True when the ledger holds exactly ``entries`` right after entry ``after``."""
        if not entries or entries[0].seq != after + 1:
            return False
        for lo in range(0, len(entries), CHUNK):
            chunk = entries[lo : lo + CHUNK]
            cur.execute(
                "SELECT hash FROM govops_events WHERE ledger = %s AND version > %s "
                "AND version <= %s ORDER BY version",
                (self.ledger, after + lo, after + lo + len(chunk)),
            )
            if [bytes(r[0]).hex() for r in cur.fetchall()] != [e.hash for e in chunk]:
                return False
        return True

    def rows(
        self, cur: psycopg.Cursor[Any], since: int, top: int = _ALL
    ) -> Generator[list[tuple[Any, ...]], None, None]:
        """The stored rows after ``since`` up to ``top`` a chunk at a time, as the row reader
        takes them: ``(seq, at, actor, reason, event, prev_hash, hash)``, each ``prev_hash`` the
        hash of the row before (the link is what the hashes then check)."""
        prev = GENESIS_HASH
        if since:
            cur.execute(
                "SELECT hash FROM govops_events WHERE ledger = %s AND version = %s",
                (self.ledger, since),
            )
            row = cur.fetchone()
            prev = bytes(row[0]).hex() if row else GENESIS_HASH
        after = since
        while True:
            cur.execute(
                "SELECT version, at, actor, reason, event, hash FROM govops_events WHERE "
                "ledger = %s AND version > %s AND version <= %s ORDER BY version LIMIT %s",
                (self.ledger, after, top, CHUNK),
            )
            found = cur.fetchall()
            if not found:
                return
            rows = []
            for version, at, actor, reason, event, hash_ in found:
                digest_ = bytes(hash_).hex()
                rows.append((version, at, actor, reason, event, prev, digest_))
                prev, after = digest_, version
            yield rows

    def entries(self, cur: psycopg.Cursor[Any], since: int) -> Generator[Entry, None, None]:
        """The stored entries after ``since``, as they are stored: no link between them is
        checked."""
        reader = _Reader(self.where, {}, {})
        try:
            for rows in self.rows(cur, since):
                for seq, event, at, actor, reason, prev_hash, hash_ in reader.rows(rows):
                    yield Entry(
                        seq,
                        event,
                        at=at,
                        actor=actor,
                        reason=reason,
                        prev_hash=prev_hash,
                        hash=hash_,
                    )
        finally:
            _forget_seen()

    def chunks(
        self,
        cur: psycopg.Cursor[Any],
        *,
        since: int = 0,
        prev: str = GENESIS_HASH,
        top: int = _ALL,
    ) -> Iterator[Columns]:
        """The entries after number ``since`` (hashed ``prev``) up to number ``top``, as
        :data:`~govops.tasks.lowlevel.Columns` with their numbers and links checked."""
        reader = _Reader(self.where, {}, {})
        count = since
        try:
            for rows in self.rows(cur, since, top):
                yield reader.checked(rows, count, prev, len(rows))
                count, prev = rows[-1][0], rows[-1][6]
        finally:
            _forget_seen()
