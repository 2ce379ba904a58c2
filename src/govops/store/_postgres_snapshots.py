"""Where a PostgreSQL database keeps its snapshots: the table ``govops_snapshots``. What a
snapshot holds and how it is checked is ``_snapshots.py``'s, the same for every store.

``govops_snapshots``
    one row per snapshot kept (the two latest of each ledger): ``(ledger, version)`` is the
    primary key, ``ledger`` refers to the ledger's row; the hash of the entry it stands for, the
    header as text, the body as ``bytea`` (the projection as UTF-8 JSON), the checksum.

A database whose tables an earlier version made has no such table: a reader takes that as no
snapshots (a reader writes nothing), and the first snapshot written makes it, in its write
transaction. Two writers making it at once would collide in the catalog (``CREATE TABLE IF NOT
EXISTS`` does not wait for a concurrent one: the second fails with a unique violation), so the
table is made under the advisory lock that :meth:`PostgresStore.create` makes the other tables
under: the second writer waits for the first to commit, then finds it made. A snapshot is
written with its ledger's row locked, as an append is: writers of one ledger take turns, writers
of other ledgers and readers never wait for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, final

from ._snapshots import Row, Unreadable

if TYPE_CHECKING:
    import psycopg

__all__ = ["LOCK_TABLES", "PostgresSnapshots"]

LOCK_TABLES = 7_040_431
"""The ``pg_advisory_xact_lock`` key of whoever makes govops' tables: one at a time."""

_TABLE = (
    "CREATE TABLE IF NOT EXISTS govops_snapshots ("
    " ledger TEXT NOT NULL REFERENCES govops_ledgers (id),"
    " version BIGINT NOT NULL CHECK (version > 0),"
    " hash TEXT NOT NULL, header TEXT NOT NULL, body BYTEA NOT NULL, checksum TEXT NOT NULL,"
    " PRIMARY KEY (ledger, version))"
)


@final
class PostgresSnapshots:
    """The snapshots of the ledger ``ledger`` in the database ``cur`` reads, inside the
    transaction open on it (a :class:`~govops.store._snapshots.Table`)."""

    __slots__ = ("_cur", "_ledger")

    def __init__(self, cur: psycopg.Cursor[Any], ledger: str) -> None:
        self._cur = cur
        self._ledger = ledger

    def _has_table(self) -> bool:
        # Resolved as the statements below resolve the name: through the search path.
        self._cur.execute("SELECT to_regclass('govops_snapshots') IS NOT NULL")
        found = self._cur.fetchone()
        return bool(found and found[0])

    def _select(self, sql: str) -> list[Row]:
        """The rows ``sql`` selects of the ledger's snapshots, in a savepoint: a table altered,
        or one this role may not read, leaves the transaction usable for the entries."""
        import psycopg

        try:
            with self._cur.connection.transaction():
                self._cur.execute(sql, (self._ledger,))
                return self._cur.fetchall()
        except (psycopg.ProgrammingError, psycopg.DataError) as exc:
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if isinstance(exc, psycopg.errors.InsufficientPrivilege):
                raise Unreadable(f"this role may not read them ({text})") from exc
            raise Unreadable(f"the table was altered ({text})") from exc

    def latest(self) -> int:
        if not self._has_table():
            return 0
        try:
            found = self._select(
                "SELECT COALESCE(MAX(version), 0) FROM govops_snapshots WHERE ledger = %s"
            )
        except Unreadable:  # a load says so
            return 0
        return int(found[0][0])

    def rows(self) -> list[Row]:
        if not self._has_table():
            return []
        return self._select(
            "SELECT version, hash, header, body, checksum FROM govops_snapshots "
            "WHERE ledger = %s ORDER BY version DESC"
        )

    def hash_at(self, version: int) -> str | None:
        self._cur.execute(
            "SELECT hash FROM govops_events WHERE ledger = %s AND version = %s",
            (self._ledger, version),
        )
        found = self._cur.fetchone()
        return None if found is None else bytes(found[0]).hex()

    def time_at(self, version: int) -> Any:
        self._cur.execute(
            "SELECT at FROM govops_events WHERE ledger = %s AND version = %s",
            (self._ledger, version),
        )
        found = self._cur.fetchone()
        return None if found is None else found[0]

    def put(self, row: tuple[int, str, str, bytes, str], *, keep: int) -> None:
        cur = self._cur
        if not self._has_table():
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_TABLES,))
            cur.execute(_TABLE)
        cur.execute(
            "INSERT INTO govops_snapshots (ledger, version, hash, header, body, checksum) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (ledger, version) DO UPDATE SET "
            "hash = EXCLUDED.hash, header = EXCLUDED.header, body = EXCLUDED.body, "
            "checksum = EXCLUDED.checksum",
            (self._ledger, *row),
        )
        cur.execute(
            "DELETE FROM govops_snapshots WHERE ledger = %s AND version NOT IN (SELECT version "
            "FROM govops_snapshots WHERE ledger = %s ORDER BY version DESC LIMIT %s)",
            (self._ledger, self._ledger, keep),
        )
