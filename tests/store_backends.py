"""The two stores behind one face, for the suites that hold them to the same promises
(``tests/test_store_conformance.py``, ``tests/test_store_snapshots.py``): making and opening a
store of either kind, and changing its rows behind govops' back as someone with access to the
database could. The ``backend`` fixture (conftest.py) gives one of each to every test."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import attrs
import psycopg

from govops.store import DEFAULT_LEDGER, PostgresStore, SQLiteStore, Store
from govops.tasks import Ledger
from postgres_server import PostgresServer
from test_store import CAL, small_ledger


def fresh_schema(server: PostgresServer) -> str:
    """The connection string of a new schema on ``server``, a test's own: what it does to the
    tables reaches no other test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.conninfo, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    return f"{server.conninfo} options='-c search_path={schema}'"


@attrs.define
class Backend:
    """Makes and opens stores of one kind, and tampers with them behind govops' back."""

    name: str
    place: str  # a file's path, or a connection string (each test its own schema)
    ledger: str = DEFAULT_LEDGER

    @property
    def _kind(self) -> type[SQLiteStore] | type[PostgresStore]:
        return SQLiteStore if self.name == "sqlite" else PostgresStore

    def create(self, ledger: str | None = None, **kw: Any) -> Store:
        kw.setdefault("calendar", CAL)
        return self._kind.create(self.place, ledger or self.ledger, **kw)

    def open(self, ledger: str | None = None, **kw: Any) -> Store:
        kw.setdefault("calendar", CAL)
        return self._kind(self.place, ledger or self.ledger, **kw)

    def stored(self, ledger: Ledger | None = None, **kw: Any) -> Ledger:
        ledger = small_ledger() if ledger is None else ledger
        with self.create(**kw) as store:
            store.save(ledger, expected_version=0)
        return ledger

    def delete_last(self) -> None:
        """Remove the last entry as someone with access to the database could."""
        if self.name == "sqlite":
            self.sql("DELETE FROM entries WHERE seq = (SELECT max(seq) FROM entries)")
        else:
            self.sql(
                "DELETE FROM govops_events WHERE ledger = ? AND version = "
                "(SELECT max(version) FROM govops_events WHERE ledger = ?)",
                self.ledger,
                self.ledger,
            )

    def delete(self, seq: int) -> None:
        """Remove the entry ``seq`` as someone with access to the database could."""
        if self.name == "sqlite":
            self.sql("DELETE FROM entries WHERE seq = ?", seq)
        else:
            self.sql("DELETE FROM govops_events WHERE ledger = ? AND version = ?", self.ledger, seq)

    def change_policy(self) -> None:
        lax = '{"confirmation_requires_leader":false}'
        if self.name == "sqlite":
            self.sql("UPDATE ledgers SET policy = ?", lax)
        else:
            self.sql("UPDATE govops_ledgers SET policy = ? WHERE id = ?", lax, self.ledger)

    def set_actor(self, seq: int, actor: str) -> None:
        """Change the actor of an entry, its hashes left as they were."""
        if self.name == "sqlite":
            self.sql("UPDATE entries SET actor = ? WHERE seq = ?", actor, seq)
        else:
            self.sql(
                "UPDATE govops_events SET actor = ? WHERE ledger = ? AND version = ?",
                actor,
                self.ledger,
                seq,
            )

    # -- snapshots --------------------------------------------------------------------------------

    @property
    def snapshots_table(self) -> str:
        return "snapshots" if self.name == "sqlite" else "govops_snapshots"

    def ledger_key(self, ledger: str | None = None) -> Any:
        """What the snapshots table names ``ledger`` by: its number in a file, its id on a server."""
        ledger = ledger or self.ledger
        if self.name == "sqlite":
            ((number,),) = self.sql("SELECT id FROM ledgers WHERE name = ?", ledger)
            return number
        return ledger

    def snapshots(self, ledger: str | None = None) -> list[dict[str, Any]]:
        """The snapshots stored of ``ledger`` (this backend's by default), by version, each as
        its columns, the body as bytes (none when the database has no table of snapshots)."""
        exists = (
            "SELECT count(*) FROM sqlite_master WHERE name = 'snapshots'"
            if self.name == "sqlite"
            else "SELECT count(*) FROM pg_tables WHERE tablename = 'govops_snapshots' "
            "AND schemaname = current_schema()"
        )
        if self.sql(exists) == [(0,)]:
            return []
        found = self.sql(
            f"SELECT version, hash, header, body, checksum FROM {self.snapshots_table} "
            "WHERE ledger = ? ORDER BY version",
            self.ledger_key(ledger),
        )
        names = ("version", "hash", "header", "body", "checksum")
        return [dict(zip(names, row, strict=True)) for row in found]

    def set_snapshot(self, version: int, /, *, ledger: str | None = None, **columns: Any) -> None:
        """Write ``columns`` (its version among them, maybe) into the snapshot at ``version`` of
        ``ledger`` (this backend's by default)."""
        sets = ", ".join(f"{name} = ?" for name in columns)
        self.sql(
            f"UPDATE {self.snapshots_table} SET {sets} WHERE ledger = ? AND version = ?",
            *columns.values(),
            self.ledger_key(ledger),
            version,
        )

    def move_snapshots(self, source: str, target: str) -> None:
        """Make the snapshots of ledger ``source`` ledger ``target``'s."""
        self.sql(
            f"UPDATE {self.snapshots_table} SET ledger = ? WHERE ledger = ?",
            self.ledger_key(target),
            self.ledger_key(source),
        )

    # -- raw SQL ----------------------------------------------------------------------------------

    def sql(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Run ``sql`` (``?`` placeholders) on the database, outside govops; its rows."""
        if self.name == "sqlite":
            db = sqlite3.connect(self.place, isolation_level=None)
            try:
                return db.execute(sql, args).fetchall()
            finally:
                db.close()
        with psycopg.connect(self.place, autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s"), args)
            return cur.fetchall() if cur.description else []
