"""The PostgreSQL store: many ledgers in one database, many writers on many machines.

Three tables, named ``govops_*`` so that they sit beside a host's own:

``govops_meta``
    the schema mark (``key = 'schema'``).
``govops_ledgers``
    one row per ledger: its ``id``, its policy (JSON, ``NULL`` until one is stored) and its
    ``head``, recorded with every append (see ``_head.py``).
``govops_events``
    one row per entry: ``(ledger, version)`` is the primary key, so two writers can never both
    store an entry at one place; the time, actor and reason as text, the event as the JSON the
    govops converter writes, the hash as its 32 bytes. The ``prev_hash`` of an entry is the hash
    of the one before it, and is not stored.
``govops_snapshots``
    the snapshots of each ledger's projection, made by the first one written (see
    ``_postgres_snapshots.py``).

An append locks its ledger's row (``SELECT … FOR UPDATE``) for its short transaction: writers of
one ledger take turns, writers of different ledgers never wait for each other, and readers,
which read a snapshot (``REPEATABLE READ``), never wait for anyone.

This module keeps the public operations and their transactions; reading and writing a ledger's
rows, and wording psycopg's errors, are in ``_postgres_rows.py``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Any, final

from .._record import GENESIS_HASH
from ..exceptions import (
    ConcurrencyError,
    IntegrityError,
    InvalidInputError,
    InvalidTypeError,
    LedgerError,
    StoreError,
)
from ..serialization import converter
from ..tasks import Entry, Ledger, LedgerPolicy, WorkingCalendar
from ..tasks.lowlevel import ledger_from_columns
from ..tasks.lowlevel import ledger_from_snapshot as ledger_from
from . import _snapshots
from ._common import (
    DEFAULT_LEDGER,
    StoreBase,
    decode_policy,
    extend_stored,
    policy_text_for,
    verify_entries,
)
from ._head import StoreHead, digest, head_row, parse_head
from ._postgres_rows import LedgerRows, psycopg_module, translated
from ._postgres_snapshots import LOCK_TABLES, PostgresSnapshots
from ._rows import Columns, _dumps
from ._snapshots import SNAPSHOT_EVERY

if TYPE_CHECKING:
    import psycopg

__all__ = ["POSTGRES_SCHEMA", "PostgresStore"]

POSTGRES_SCHEMA = "govops-postgres/1"
"""The mark of the govops tables in a PostgreSQL database (see :class:`PostgresStore`)."""

_SCHEMA_SQL = (
    "CREATE TABLE IF NOT EXISTS govops_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS govops_ledgers ("
    " id TEXT PRIMARY KEY, policy TEXT, head TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS govops_events ("
    " ledger TEXT NOT NULL REFERENCES govops_ledgers (id),"
    " version BIGINT NOT NULL CHECK (version > 0),"
    " at TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL, event TEXT NOT NULL,"
    " hash BYTEA NOT NULL,"
    " PRIMARY KEY (ledger, version))",
)


@final
class PostgresStore(StoreBase):
    """One ledger of a PostgreSQL database, which may hold many: :meth:`create` makes one,
    ``PostgresStore(conninfo, ledger)`` opens one. It implements :class:`~govops.store.Store`.

    ``conninfo`` is a libpq connection string or URI (``"host=db.example port=5432
    dbname=supervision user=govops"``; a password is best kept in ``~/.pgpass`` or
    ``PGPASSWORD``). ``ledger`` is the id of the ledger (an office, a programme), ``"default"``
    when none is named. ``calendar``, ``key`` and ``mode`` are as for
    :class:`~govops.store.SQLiteStore`; ``timeout`` is how long, in seconds, to wait for the server
    to connect and for another writer of the same ledger before giving up with
    :class:`~govops.exceptions.ConcurrencyError`. Writers of different ledgers never wait for
    each other; readers never wait. ``snapshot_every``, ``last_load`` and ``snapshot_error`` are
    as for :class:`~govops.store.SQLiteStore`: the store keeps snapshots of the ledger's
    projection (:meth:`snapshot`), and a load starts from the latest one that matches.

    A store holds one connection. When the server restarts or the connection drops, the
    operation under way raises :class:`~govops.exceptions.StoreError` and the next one connects
    again: an append whose acknowledgement was lost may be repeated as it was.

    >>> import govops
    >>> dsn = "host=db.internal dbname=supervision user=govops"
    >>> with PostgresStore.create(dsn, "roads-office", calendar=govops.calendar("CN")) as store:
    ...     store.save(ledger, expected_version=0)  # doctest: +SKIP

    (Skipped here: it needs a server. ``tests/test_store_conformance.py`` runs every promise
    against a real one.)
    """

    def __init__(
        self,
        conninfo: str,
        ledger: str = DEFAULT_LEDGER,
        *,
        calendar: WorkingCalendar | None = None,
        mode: str = "rw",
        key: bytes | None = None,
        timeout: float = 30.0,
        snapshot_every: int | None = SNAPSHOT_EVERY,
    ) -> None:
        if mode not in ("rw", "ro"):
            raise InvalidInputError(f"mode={mode!r}; expected 'rw' (read and write) or 'ro'")
        self._setup_snapshots(snapshot_every)
        self._setup(conninfo, ledger, calendar=calendar, mode=mode, key=key, timeout=timeout)
        try:
            with self._errors("open"), self._reading() as cur:
                self._check_tables(cur)
                text, head = self._stored(cur)
                self._check_policy(text, head)
                self._check_head(cur, head)
                self._snapshot_version = PostgresSnapshots(cur, self.ledger).latest()
        except BaseException:
            self.close()
            raise

    @classmethod
    def create(
        cls,
        conninfo: str,
        ledger: str = DEFAULT_LEDGER,
        *,
        calendar: WorkingCalendar | None = None,
        policy: LedgerPolicy | None = None,
        key: bytes | None = None,
        timeout: float = 30.0,
        snapshot_every: int | None = SNAPSHOT_EVERY,
    ) -> PostgresStore:
        """Make a new, empty ledger ``ledger`` in the database (and govops' tables, the first
        time); the ledger must not exist yet. ``policy`` and ``key`` are as for
        :meth:`SQLiteStore.create <govops.store.SQLiteStore.create>`."""
        if policy is not None and not isinstance(policy, LedgerPolicy):
            raise InvalidTypeError(f"policy={policy!r}; expected a LedgerPolicy")
        store = cls.__new__(cls)
        store._setup_snapshots(snapshot_every)
        store._setup(conninfo, ledger, calendar=calendar, mode="rw", key=key, timeout=timeout)
        try:
            with store._errors("create"), store._writing() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_TABLES,))
                for statement in _SCHEMA_SQL:
                    cur.execute(statement)
                cur.execute(
                    "INSERT INTO govops_meta (key, value) VALUES ('schema', %s) "
                    "ON CONFLICT (key) DO NOTHING",
                    (POSTGRES_SCHEMA,),
                )
                store._check_tables(cur)
                text = None if policy is None else _dumps(converter.unstructure(policy))
                cur.execute(
                    "INSERT INTO govops_ledgers (id, policy, head) VALUES (%s, %s, %s) "
                    "ON CONFLICT (id) DO NOTHING",
                    (store.ledger, text, store._head_row(0, GENESIS_HASH, text)),
                )
                if cur.rowcount != 1:
                    raise StoreError(
                        f"{store._where} already exists; open it with PostgresStore(conninfo, "
                        f"{store.ledger!r}), or create a ledger with a new id"
                    )
        except BaseException:
            store.close()
            raise
        return store

    def _setup(
        self,
        conninfo: str,
        ledger: str,
        *,
        calendar: WorkingCalendar | None,
        mode: str,
        key: bytes | None,
        timeout: float,
    ) -> None:
        self._conn: psycopg.Connection[Any] | None = None
        self._closed = True
        if not isinstance(conninfo, str):
            raise InvalidTypeError(f"conninfo={conninfo!r}; expected a libpq connection string")
        self._setup_common(ledger, key=key, calendar=calendar, mode=mode)
        self._timeout = timeout
        self._conninfo = conninfo
        self._psycopg = psycopg_module()
        try:
            info = self._psycopg.conninfo.conninfo_to_dict(conninfo)
        except self._psycopg.Error as exc:
            raise InvalidInputError(f"conninfo={conninfo!r} cannot be read: {exc}") from None
        place = f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
        self._options = info.get("options", "")  # the host's own (a search_path, say), kept
        self._where = f"the ledger {ledger!r} at postgresql://{place}"
        self._rows = LedgerRows(self.ledger, self._where)
        self._closed = False
        with self._errors("connect to"):
            self._connection()

    # -- lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._lock:
            self._closed = True
            conn, self._conn = self._conn, None
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()

    def __repr__(self) -> str:
        return f"PostgresStore(ledger={self.ledger!r}, mode={self.mode!r})"

    def _connection(self) -> psycopg.Connection[Any]:
        """The open connection, made anew when the last one was lost."""
        if self._closed:
            raise StoreError(f"{self._where} is closed")
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            self._conn = None
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
            options = f"{self._options} -c lock_timeout={int(self._timeout * 1000)}".strip()
            if self.mode == "ro":
                options += " -c default_transaction_read_only=on"
            conn = self._psycopg.connect(
                self._conninfo,
                autocommit=True,
                connect_timeout=max(1, round(self._timeout)),
                options=options,
                application_name="govops",
            )
            self._conn = conn
        return conn

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Translate psycopg's errors into govops' own."""
        try:
            yield
        except self._psycopg.Error as exc:
            raise translated(exc, self._where, doing) from exc
        except UnicodeError as exc:
            raise InvalidInputError(
                f"cannot {doing} {self._where}: a text holds a character that cannot be stored "
                f"({exc})"
            ) from exc

    @contextlib.contextmanager
    def _reading(self) -> Iterator[psycopg.Cursor[Any]]:
        """One read-only transaction on a snapshot: what it reads is one state, and it waits
        for no writer."""
        with self._lock:
            conn = self._connection()
            with conn.transaction(), conn.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield cur

    @contextlib.contextmanager
    def _writing(self) -> Iterator[psycopg.Cursor[Any]]:
        """One write transaction, committed if the block succeeds."""
        with self._lock:
            if self.mode == "ro":
                raise StoreError(f"{self._where} was opened read-only (mode='ro')")
            conn = self._connection()
            with conn.transaction(), conn.cursor() as cur:
                yield cur

    # -- what a store must hold -------------------------------------------------------------------

    def _check_tables(self, cur: psycopg.Cursor[Any]) -> None:
        cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_name IN ('govops_meta', 'govops_ledgers', 'govops_events')"
        )
        missing = sorted({"govops_meta", "govops_ledgers", "govops_events"} - {r[0] for r in cur})
        if len(missing) == 3:
            raise StoreError(
                f"no govops store in the database of {self._where} (its tables are missing): "
                "PostgresStore.create(conninfo, ledger) makes one"
            )
        if missing:  # some of them: a store that was damaged, not one never made
            raise IntegrityError(
                f"the govops store in the database of {self._where} lost its table(s) "
                f"{', '.join(missing)}: it was damaged behind govops' back"
            )
        cur.execute("SELECT value FROM govops_meta WHERE key = 'schema'")
        row = cur.fetchone()
        if row is None or row[0] != POSTGRES_SCHEMA:
            raise LedgerError(
                f"the govops tables of the database of {self._where} have schema "
                f"{row and row[0]!r}; this version of govops reads {POSTGRES_SCHEMA!r}"
            )

    def _stored(
        self, cur: psycopg.Cursor[Any], *, lock: bool = False
    ) -> tuple[str | None, StoreHead]:
        """The stored policy text and head of the ledger (its row locked with ``lock``)."""
        cur.execute(
            "SELECT policy, head FROM govops_ledgers WHERE id = %s"
            + (" FOR UPDATE" if lock else ""),
            (self.ledger,),
        )
        row = cur.fetchone()
        if row is None:
            raise StoreError(
                f"there is no {self._where[4:]}: PostgresStore.create(conninfo, "
                f"{self.ledger!r}) makes it"
            )
        head, carries_code = parse_head(row[1], self._where, self._key)
        if carries_code and self._key is None and self.mode == "rw":
            self._keyed = True
        return row[0], head

    def _check_head(
        self,
        cur: psycopg.Cursor[Any],
        head: StoreHead,
        *,
        every_row: bool = True,
        first: bool = False,
    ) -> str:
        """Check that the ledger's entries are exactly those its head names; return the hash of
        the last. ``every_row=False`` checks the end only (an append stays quick); with
        ``first``, also that the entries start at 1 (both ends found in the primary key's
        index: a load checks every row it reads, so it need not count them first)."""
        cur.execute(
            "SELECT version, hash FROM govops_events WHERE ledger = %s "
            "ORDER BY version DESC LIMIT 1",
            (self.ledger,),
        )
        row = cur.fetchone()
        top, last = (row[0], bytes(row[1]).hex()) if row else (0, GENESIS_HASH)
        count = top
        if first and not every_row and top:
            cur.execute(
                "SELECT version FROM govops_events WHERE ledger = %s ORDER BY version LIMIT 1",
                (self.ledger,),
            )
            low = (cur.fetchone() or (None,))[0]
            if low != 1:
                raise IntegrityError(
                    f"{self._where} holds entries numbered from {low}: rows were removed or "
                    "renumbered"
                )
        if every_row:
            cur.execute(
                "SELECT count(*), min(version) FROM govops_events WHERE ledger = %s",
                (self.ledger,),
            )
            count, low = cur.fetchone() or (0, None)
            if count and (low != 1 or count != top):
                raise IntegrityError(
                    f"{self._where} holds {count} entries numbered {low} to {top}: rows were "
                    "removed or renumbered"
                )
        if head.version != count:
            raise IntegrityError(
                f"{self._where} holds {count} entries but its head, recorded with the last "
                f"append, names {head.version}: entries were removed or added behind govops' back"
            )
        if last != head.hash:
            raise IntegrityError(
                f"the last entry of {self._where} is not the one its head names: it was replaced"
            )
        return last

    def _check_policy(self, text: str | None, head: StoreHead) -> LedgerPolicy | None:
        if digest(text) != head.policy:
            raise IntegrityError(
                f"the ledger policy stored with {self._where} is not the one its head names: it "
                "was changed behind govops' back"
            )
        return self._policy(text)

    def _head_row(self, version: int, last_hash: str, policy: str | None) -> str:
        if self._keyed and self._key is None:
            raise InvalidInputError(
                f"{self._where} is protected by a key: open it with PostgresStore(conninfo, "
                "ledger, key=...) to append to it"
            )
        return head_row(version, last_hash, policy, self._key)

    # -- the protocol -----------------------------------------------------------------------------

    def ledgers(self) -> list[str]:
        """The ids of every ledger of the database, sorted."""
        with self._errors("read"), self._reading() as cur:
            cur.execute("SELECT id FROM govops_ledgers ORDER BY id")
            return [row[0] for row in cur.fetchall()]

    def head(self) -> StoreHead:
        """The ledger's fingerprint now: keep it elsewhere to check the ledger against later."""
        with self._errors("read"), self._reading() as cur:
            return self._stored(cur)[1]

    @property
    def version(self) -> int:
        """The number of stored entries (the ``seq`` of the last one)."""
        return self.head().version

    def _append(
        self, entries: Sequence[Entry], *, expected_version: int, ledger: Ledger | None
    ) -> int:
        if isinstance(expected_version, bool) or not isinstance(expected_version, int):
            raise InvalidTypeError(f"expected_version={expected_version!r}; expected an int")
        with self._errors("append to"), self._writing() as cur:
            stored_text, head = self._stored(cur, lock=True)
            stored = self._check_policy(stored_text, head)
            head_hash = self._check_head(cur, head, every_row=False)
            if head.version != expected_version:
                same_policy = ledger is None or (
                    _dumps(converter.unstructure(ledger.policy_at(0))) == stored_text
                )
                if same_policy and self._rows.holds(cur, entries, expected_version):
                    return expected_version + len(entries)
                raise ConcurrencyError(
                    f"expected_version={expected_version} but {self._where} is at version "
                    f"{head.version}: another writer appended first; reload and retry"
                )
            policy_text = stored_text
            if ledger is not None:
                policy_text = policy_text_for(ledger.policy_at(0), stored_text, stored)
            policy = stored if policy_text == stored_text else decode_policy(policy_text, "")
            checked = extend_stored(
                entries,
                version=head.version,
                head_hash=head_hash,
                policy=policy or LedgerPolicy(),
                ledger=ledger,
                known=self._ledger,
                calendar=self._calendar,
                replay=lambda calendar, policy: self._replay(cur, calendar, policy, verify=True),
                opened_with="PostgresStore(conninfo, ledger, calendar=...)",
            )
            self._rows.insert(cur, entries)
            cur.execute(
                "UPDATE govops_ledgers SET policy = %s, head = %s WHERE id = %s",
                (
                    policy_text,
                    self._head_row(checked.version, checked.head_hash, policy_text),
                    self.ledger,
                ),
            )
        self._ledger = checked
        self._keep_by_itself(checked)
        return checked.version

    # -- reading ----------------------------------------------------------------------------------

    def _replay(
        self,
        cur: psycopg.Cursor[Any],
        calendar: WorkingCalendar,
        policy: LedgerPolicy | None,
        *,
        verify: bool,
    ) -> Ledger:
        return ledger_from_columns(
            self._rows.chunks(cur), calendar=calendar, policy=policy, verify=verify
        )

    def entries(self, *, since: int = 0) -> Iterator[Entry]:
        """The stored entries after ``since``, in order, as one read of the ledger."""
        with self._errors("read"), self._reading() as cur:
            found = list(self._rows.entries(cur, since))
        return iter(found)

    def load(
        self,
        *,
        calendar: WorkingCalendar | None = None,
        policy: LedgerPolicy | None = None,
        verify: bool = True,
        from_snapshot: bool = True,
    ) -> Ledger:
        """Replay the ledger's entries into a ledger, checked as
        :meth:`SQLiteStore.load <govops.store.SQLiteStore.load>` checks them, from the latest
        snapshot that matches the chain, the policy and the calendar (unless
        ``from_snapshot=False``); :attr:`last_load` says what it did."""
        calendar = calendar if calendar is not None else self._calendar
        if calendar is None:
            raise InvalidInputError(
                "load() needs the calendar the ledger counts on: pass calendar=..., or open the "
                "store with PostgresStore(conninfo, ledger, calendar=...)"
            )
        with self._errors("load"), self._reading() as cur:
            text, head = self._stored(cur)
            stored = self._check_policy(text, head)
            # The ends of the chain only: the rows are read (and checked) as they are replayed.
            self._check_head(cur, head, every_row=False, first=True)
            effective = policy if policy is not None else stored
            start: _snapshots.Snapshot | None = None
            ignored: list[str] = []
            if from_snapshot:
                start, ignored = _snapshots.usable(
                    PostgresSnapshots(cur, self.ledger),
                    key=self._key,
                    policy=effective or LedgerPolicy(),
                    calendar=calendar,
                )
            if start is None:
                ledger = self._replay(cur, calendar, effective, verify=verify)
            else:
                ledger = ledger_from(
                    start.tracks,
                    version=start.version,
                    last_hash=start.hash,
                    last_at=start.last_at,
                    changes=start.changes,
                    prefix=self._prefix(start.version, start.hash, verify=verify),
                    calendar=calendar,
                    policy=effective,
                    chunks=self._rows.chunks(cur, since=start.version, prev=start.hash),
                    verify=verify,
                    size=head.version - start.version,
                )
        if ledger.version != head.version or ledger.head_hash != head.hash:
            raise IntegrityError(f"{self._where} does not hold the entries its head names")
        return self._loaded(
            ledger,
            start,
            ignored,
            verify=verify,
            from_snapshot=from_snapshot,
            policy=policy,
            stored=stored,
            calendar=calendar,
        )

    def _prefix(
        self, version: int, last_hash: str, *, verify: bool
    ) -> Callable[[], Generator[Columns, None, None]]:
        """How a ledger loaded from the snapshot at ``version`` reads the entries before it when
        first needed: through a connection of its own (this store may be closed by then), a
        chunk at a time, checked by ``_snapshots.checked_prefix``."""
        conninfo, name, key, timeout, where = (
            self._conninfo,
            self.ledger,
            self._key,
            self._timeout,
            self._where,
        )

        def read() -> Generator[Columns, None, None]:
            with (
                PostgresStore(
                    conninfo, name, mode="ro", key=key, timeout=timeout, snapshot_every=None
                ) as store,
                store._errors("read"),
                store._reading() as cur,
            ):
                chunks = store._rows.chunks(cur, top=version)
                yield from _snapshots.checked_prefix(
                    chunks, version, last_hash, verify=verify, where=where
                )

        return read

    _with_key = "PostgresStore(conninfo, ledger, key=...)"

    def _stored_end(self) -> tuple[int, str]:
        with self._errors("read"), self._reading() as cur:
            text, head = self._stored(cur)
            self._check_policy(text, head)
            return head.version, self._check_head(cur, head, every_row=False)

    @contextlib.contextmanager
    def _snapshot_table(self) -> Iterator[PostgresSnapshots]:
        with self._errors("keep a snapshot of"), self._writing() as cur:
            self._stored(cur, lock=True)  # the ledger's writers take turns, as appends do
            yield PostgresSnapshots(cur, self.ledger)

    def verify(self, *, expected_head: StoreHead | None = None) -> int:
        """Recompute the ledger's hash chain; return the number of entries checked. As
        :meth:`SQLiteStore.verify <govops.store.SQLiteStore.verify>`."""
        if expected_head is not None and not isinstance(expected_head, StoreHead):
            raise InvalidTypeError(f"expected_head={expected_head!r}; expected a StoreHead")
        with self._errors("verify"), self._reading() as cur:
            text, head = self._stored(cur)
            policy = self._check_policy(text, head) or LedgerPolicy()
            self._check_head(cur, head)
            with contextlib.closing(self._rows.entries(cur, 0)) as entries:
                count = verify_entries(entries, self._where, head, expected_head)
            calendar = self._calendar

            def replayed(version: int) -> Ledger:
                assert calendar is not None
                return ledger_from_columns(
                    self._rows.chunks(cur, top=version),
                    calendar=calendar,
                    policy=policy,
                    verify=False,
                    size=version,
                )

            _snapshots.verify(
                PostgresSnapshots(cur, self.ledger),
                key=self._key,
                policy=policy,
                calendar=calendar,
                replayed=replayed,
                where=self._where,
            )
        return count
