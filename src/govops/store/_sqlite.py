"""The SQLite store: its public operations and their transactions. Opening and checking the
file, and rewriting one of an earlier version, are in ``_sqlite_file.py``; reading and writing
its rows in ``_sqlite_rows.py``; the statements of each file layout in ``_sql.py``; the row codec
in ``_rows.py``; the snapshots in ``_snapshots.py``."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import final

from .._record import GENESIS_HASH
from ..exceptions import (
    ConcurrencyError,
    IntegrityError,
    InvalidInputError,
    InvalidTypeError,
    StoreError,
)
from ..serialization import converter
from ..tasks import Entry, Ledger, LedgerPolicy, WorkingCalendar
from ..tasks.lowlevel import Columns, ledger_from_columns, new_entry
from ..tasks.lowlevel import ledger_from_snapshot as ledger_from
from . import _snapshots
from ._common import (
    DEFAULT_LEDGER,
    StoreBase,
    extend_stored,
    policy_text_for,
    verify_entries,
)
from ._head import StoreHead, check_head, digest, head_row, read_head
from ._rows import _dumps
from ._snapshots import SNAPSHOT_EVERY
from ._sql import SCHEMA_4, TABLES_4, Queries, queries
from ._sqlite_file import check_tables, connect, rewrite_earlier, schema_of, translated
from ._sqlite_rows import FileRows, top
from ._sqlite_snapshots import SQLiteSnapshots

__all__ = ["STORE_SCHEMA", "EventStore", "SQLiteStore"]

STORE_SCHEMA = SCHEMA_4
"""The mark of the store files this version writes (many ledgers a file, events stored
positionally, shared values stored once, hashes as their bytes, the head recorded with each
append; see ``docs/explanation/record.md``). Earlier versions of govops refuse to open such a
file, naming it. This version also reads the files earlier versions wrote (marked
``"govops-store/3"`` or ``"govops-store/2"``, or with the JSON schema ``"govops/1"`` by 0.1.0) as
holding one ledger, ``"default"``, and rewrites one in its own layout when it first appends to
it."""


@final
class SQLiteStore(StoreBase):
    """A ledger kept in an SQLite file: :meth:`create` makes one, ``EventStore(path)`` opens one
    (``EventStore`` is this class's other name: the store govops uses by default).

    It implements :class:`~govops.store.Store`. A file holds any number of ledgers, each named
    by an id (``ledger``, ``"default"`` when not named; :meth:`ledgers` lists them). A file has
    one writer at a time: appends are short transactions, and an append to one ledger waits (up
    to ``timeout``) for an append to another to commit. For writers on many machines, see
    :class:`~govops.store.PostgresStore`.

    Opening reads and writes nothing but what it checks: that the file is a govops store whose
    entries are all there (the head recorded with the last append names the last entry and its
    hash). ``mode="ro"`` opens it read-only, for loading and verifying a file on a read-only disk
    or one the process may not write. ``calendar`` is the calendar the ledger counts on: ``load``
    uses it by default and ``append`` checks each entry with it. ``timeout`` is how long, in
    seconds, a writer waits for another writer's transaction before giving up with
    :class:`~govops.exceptions.ConcurrencyError`; readers never wait. ``key`` is the host's key of
    a store made with one (:meth:`create`): with it, a head that does not authenticate is refused;
    without it, such a store is read but not appended to.

    ``snapshot_every`` is how many entries the store appends between two snapshots it keeps by
    itself (``None``: only when :meth:`snapshot` is called); ``last_load`` is the
    :class:`LoadReport` of the last :meth:`load`, and ``snapshot_error`` why the last snapshot
    the store tried to keep by itself could not be kept (``None`` when it was).

    The database runs in WAL mode with ``synchronous=NORMAL``: a committed append survives the
    process being killed; only a power cut may lose the last commits, and never leaves a partial
    one. A store may be used from several threads: its operations take turns.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
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
        self._open(
            path,
            ledger,
            calendar=calendar,
            mode=mode,
            key=key,
            timeout=timeout,
            snapshot_every=snapshot_every,
        )
        try:
            with self._errors("open"), self._reading() as db:
                check_tables(db, self._where)
                self._check_head(db, self._stored_head(db))
                self._snapshot_version = SQLiteSnapshots(db, self._q(db).ledger).latest()
        except BaseException:
            self.close()
            raise

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        ledger: str = DEFAULT_LEDGER,
        *,
        calendar: WorkingCalendar | None = None,
        policy: LedgerPolicy | None = None,
        key: bytes | None = None,
        timeout: float = 30.0,
        snapshot_every: int | None = SNAPSHOT_EVERY,
    ) -> SQLiteStore:
        """Make a new, empty ledger ``ledger`` (``"default"`` when not named) in the file at
        ``path``, making the file when it does not exist; the ledger must not exist yet.
        ``policy`` is the ledger policy it will keep (else the one of the first ledger saved).
        With a ``key`` (at least 16 bytes, kept by the host, never in the store), every head the
        ledger records carries an HMAC-SHA256 code, so a ledger rewritten without the key is
        refused."""
        if policy is not None and not isinstance(policy, LedgerPolicy):
            raise InvalidTypeError(f"policy={policy!r}; expected a LedgerPolicy")
        store = cls.__new__(cls)
        made = not Path(path).exists() if isinstance(path, (str, os.PathLike)) else False
        mode = "create" if made else "rw"
        store._open(
            path,
            ledger,
            calendar=calendar,
            mode=mode,
            key=key,
            timeout=timeout,
            snapshot_every=snapshot_every,
        )
        try:
            with store._errors("create"):
                if not made:
                    with store._reading() as db:
                        # A database with nothing in it, as a create killed before its tables
                        # were made leaves, has nothing to lose: it is made a store (opening it
                        # is refused as an empty or truncated store).
                        made = not db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                        if not made:
                            check_tables(db, store._where)
                if made:
                    store._connection().execute("PRAGMA journal_mode=WAL")
                with store._writing() as db:
                    if made:
                        for statement in TABLES_4:
                            db.execute(statement)
                        db.execute(
                            "INSERT INTO meta (key, value) VALUES ('schema', ?)", (STORE_SCHEMA,)
                        )
                    else:
                        rewrite_earlier(db, store._where)
                    text = None if policy is None else _dumps(converter.unstructure(policy))
                    db.execute(
                        "INSERT OR IGNORE INTO ledgers (name, policy, head) VALUES (?, ?, '')",
                        (store.ledger, text),
                    )
                    if db.execute("SELECT changes()").fetchone()[0] != 1:
                        raise StoreError(
                            f"the ledger {store.ledger!r} at {str(store.path)!r} already exists; "
                            f"open it with EventStore(path, {store.ledger!r}), or create one "
                            "with a new id or at a new path"
                        )
                    store._write_head(db, store._q(db), 0, GENESIS_HASH, text)
        except BaseException:
            store.close()
            if made:
                with contextlib.suppress(OSError):
                    store.path.unlink()  # it made the file; it leaves nothing half made
            raise
        return store

    def _open(
        self,
        path: str | os.PathLike[str],
        ledger: str,
        *,
        calendar: WorkingCalendar | None,
        mode: str,
        key: bytes | None,
        timeout: float,
        snapshot_every: int | None,
    ) -> None:
        self._db: sqlite3.Connection | None = None
        self._setup_snapshots(snapshot_every)
        try:
            self.path = Path(path)
        except TypeError:
            raise InvalidTypeError(f"path={path!r}; expected a str or os.PathLike") from None
        self._where = str(self.path)
        self._setup_common(
            ledger, key=key, calendar=calendar, mode="rw" if mode == "create" else mode
        )
        self._queries: dict[str, Queries] = {}  # by the schema they were made for
        self._file = FileRows(self.path)
        self._db = connect(self.path, mode, timeout)

    # -- lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection; the store cannot be used afterwards."""
        db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()

    def __repr__(self) -> str:
        return f"EventStore({str(self.path)!r}, mode={self.mode!r})"

    _with_key = "EventStore(path, key=...)"

    def _named(self) -> str:
        return f"the event store at {self._where!r}"

    def ledgers(self) -> list[str]:
        """The ids of every ledger of the file, sorted."""
        with self._errors("read"), self._reading() as db:
            if schema_of(db) != SCHEMA_4:
                return [DEFAULT_LEDGER]
            return [row[0] for row in db.execute("SELECT name FROM ledgers ORDER BY name")]

    # -- transactions and errors ------------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Translate SQLite's errors (and a string SQLite cannot store) into govops' own."""
        try:
            yield
        except sqlite3.Error as exc:
            raise translated(exc, self._where, doing) from exc
        except UnicodeDecodeError as exc:  # SQLite read text that is not UTF-8
            raise IntegrityError(
                f"the event store at {str(self.path)!r} is damaged: it holds text that is not "
                f"UTF-8 ({exc})"
            ) from exc
        except UnicodeError as exc:
            raise InvalidInputError(
                f"cannot {doing} the event store at {str(self.path)!r}: a text holds a "
                f"character that cannot be stored ({exc})"
            ) from exc

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError(f"the event store at {str(self.path)!r} is closed")
        return self._db

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """One read transaction (under the store's lock): what it reads is one state."""
        with self._lock:
            db = self._connection()
            db.execute("BEGIN")
            try:
                yield db
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")  # it only read

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (under the store's lock), committed if the block succeeds."""
        with self._lock:
            db = self._connection()
            if self.mode == "ro":
                raise StoreError(
                    f"the event store at {str(self.path)!r} was opened read-only (mode='ro')"
                )
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (a full disk does): roll back only what is
                # still open, so that the error raised is the one that happened.
                if db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        db.execute("ROLLBACK")
                raise

    # -- what a store must hold -------------------------------------------------------------------

    def _q(self, db: sqlite3.Connection) -> Queries:
        """The statements that read this store's ledger, for the layout of the file now (another
        process may have rewritten a file of an earlier version since the last transaction)."""
        schema = schema_of(db)
        q = self._queries.get(schema)
        if q is None:
            number: int | None = 0
            if schema == SCHEMA_4:
                row = db.execute("SELECT id FROM ledgers WHERE name = ?", (self.ledger,)).fetchone()
                if row is not None and type(row[0]) is not int:
                    raise IntegrityError(
                        f"the event store at {str(self.path)!r} holds ledger {self.ledger!r} "
                        f"under a damaged number {row[0]!r}"
                    )
                number = row[0] if row else None
                if row is None and db.execute("SELECT 1 FROM ledgers").fetchone() is None:
                    raise IntegrityError(
                        f"the event store at {str(self.path)!r} has lost the rows of its "
                        "ledgers (every file holds at least the one it was created with)"
                    )
            if number is None or (schema != SCHEMA_4 and self.ledger != DEFAULT_LEDGER):
                raise StoreError(
                    f"there is no ledger {self.ledger!r} in the event store at "
                    f"{str(self.path)!r}: EventStore.create(path, {self.ledger!r}) makes one"
                )
            q = self._queries[schema] = queries(schema, number)
        return q

    def _stored_head(self, db: sqlite3.Connection, q: Queries | None = None) -> StoreHead | None:
        """The head recorded with the last append (see ``_head.read_head``)."""
        q = q or self._q(db)
        head, carries_code = read_head(db, str(self.path), self._key, q)
        if head is None and q.ledger:
            raise IntegrityError(
                f"the ledger {self.ledger!r} of the event store at {str(self.path)!r} has lost "
                "its row in the table 'ledgers'"
            )
        if carries_code and self._key is None and self.mode == "rw":
            self._keyed = True  # appends need the key, or the head would lose its code
        return head

    def _check_head(
        self,
        db: sqlite3.Connection,
        head: StoreHead | None,
        q: Queries | None = None,
        *,
        every_row: bool = True,
        first: bool = False,
    ) -> tuple[int, str, str | None]:
        """See ``_head.check_head``."""
        where = str(self.path)
        return check_head(db, head, where, q or self._q(db), every_row=every_row, first=first)

    def _write_head(
        self, db: sqlite3.Connection, q: Queries, version: int, last_hash: str, policy: str | None
    ) -> None:
        """Record the head and the policy of the ledger (of a file in this version's layout)."""
        if self._keyed and self._key is None:
            raise InvalidInputError(
                f"the event store at {str(self.path)!r} is protected by a key: open it with "
                "EventStore(path, key=...) to append to it"
            )
        row = head_row(version, last_hash, policy, self._key)
        db.execute("UPDATE ledgers SET head = ?, policy = ? WHERE id = ?", (row, policy, q.ledger))

    def head(self) -> StoreHead:
        """The store's fingerprint now: keep it elsewhere to check the store against later."""
        with self._errors("read"), self._reading() as db:
            head = self._stored_head(db)
            if head is not None:
                return head
            # A file written before heads were recorded: its head is what it holds.
            count, last_hash, policy = self._check_head(db, None, every_row=False)
            return StoreHead(count, last_hash, digest(policy))

    # -- writing ----------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """The number of stored entries (the ``seq`` of the last one)."""
        with self._errors("read"), self._reading() as db:
            return top(db, self._q(db))

    def _append(
        self, entries: Sequence[Entry], *, expected_version: int, ledger: Ledger | None
    ) -> int:
        if isinstance(expected_version, bool) or not isinstance(expected_version, int):
            raise InvalidTypeError(f"expected_version={expected_version!r}; expected an int")
        with self._errors("append to"), self._writing() as db:
            q = self._q(db)
            head = self._stored_head(db, q)
            version, head_hash, stored_text = self._check_head(db, head, q, every_row=False)
            if version != expected_version:
                # A repeated append (its acknowledgement lost) that would change nothing.
                made_with = None if ledger is None else ledger.policy_at(0)
                same_policy = made_with is None or (
                    _dumps(converter.unstructure(made_with)) == stored_text
                )
                if same_policy and self._file.holds(db, q, entries, expected_version):
                    return expected_version + len(entries)
                raise ConcurrencyError(
                    f"expected_version={expected_version} but the event store is at version "
                    f"{version} (ledger {self.ledger!r}): another writer appended first; "
                    "reload and retry"
                )
            policy_text = stored_text
            if ledger is not None:
                policy_text = self._policy_text(ledger.policy_at(0), stored_text)
            checked = self._checked(db, q, entries, version, head_hash, ledger, policy_text)
            # A file of an earlier version: from now on it holds what only this one reads.
            rewrite_earlier(db, self._where)
            q = self._q(db)
            committed = self._file.insert(db, q, entries)
            self._write_head(db, q, checked.version, checked.head_hash, policy_text)
        self._ledger = checked
        committed()
        self._keep_by_itself(checked)
        return checked.version

    def _checked(
        self,
        db: sqlite3.Connection,
        q: Queries,
        entries: Sequence[Entry],
        version: int,
        head_hash: str,
        ledger: Ledger | None,
        policy_text: str | None,
    ) -> Ledger:
        """The stored ledger (``version`` entries, the last hashed ``head_hash``) followed by
        ``entries``, each checked (see ``append``)."""
        return extend_stored(
            entries,
            version=version,
            head_hash=head_hash,
            policy=self._policy(policy_text) or LedgerPolicy(),  # a ledger's default if none
            ledger=ledger,
            known=self._ledger,
            calendar=self._calendar,
            replay=lambda calendar, policy: self._replay(
                db, q, calendar=calendar, policy=policy, verify=True
            ),
            opened_with="EventStore(path, calendar=...)",
        )

    def _policy_text(self, policy: LedgerPolicy, stored_text: str | None) -> str:
        """The policy text to store for a ledger made with ``policy`` (see ``policy_text_for``)."""
        return policy_text_for(policy, stored_text, self._policy(stored_text))

    # -- reading ----------------------------------------------------------------------------------

    def entries(self, *, since: int = 0) -> Iterator[Entry]:
        """The stored entries after ``since``, in order, as one read of the store."""
        with self._errors("read"), self._reading() as db:
            found = [new_entry(*row) for row in self._file.rows(db, self._q(db), since)]
        return iter(found)

    def _replay(
        self,
        db: sqlite3.Connection,
        q: Queries,
        *,
        calendar: WorkingCalendar,
        policy: LedgerPolicy | None,
        verify: bool,
    ) -> Ledger:
        """The stored ledger, replayed inside the transaction open on ``db``."""
        # Columns rather than entries: the ledger keeps columns, not Entry objects. Closed at
        # once, so that a refused entry ends the read with the replay.
        with contextlib.closing(self._file.columns(db, q)) as chunks:
            return ledger_from_columns(
                chunks, calendar=calendar, policy=policy, verify=verify, size=top(db, q)
            )

    def load(
        self,
        *,
        calendar: WorkingCalendar | None = None,
        policy: LedgerPolicy | None = None,
        verify: bool = True,
        from_snapshot: bool = True,
    ) -> Ledger:
        """Replay the stored entries into a ledger.

        The entries are checked against the head recorded with the last append (numbered from
        1 up to the last one it names, that entry and the policy the ones it names, and none
        missing among those replayed), their links and the events' transitions always;
        ``verify=True`` (the default) also recomputes every hash, so a row altered in the file
        is refused with :class:`~govops.exceptions.IntegrityError`. ``verify=False`` trusts
        the stored hashes and replays three to four times as fast; every event is still decoded
        and validated as :mod:`govops.serialization` does. ``calendar`` defaults to the store's
        and ``policy`` to the stored one. The ledger keeps the entries in columns (see
        ``Ledger.entries``), not as the rows read.

        With ``from_snapshot=True`` (the default) the load starts from the latest snapshot
        (:meth:`snapshot`) that matches the chain, the policy and the calendar, and replays only
        the entries after it; the entries before it are read from the file when first needed
        (every entry, time travel, a branch), checked as a load checks them, and the tasks are
        built from the snapshot when first read. A snapshot that does not match is ignored,
        never trusted: :attr:`last_load` says which snapshot was used and why any other was
        ignored. ``from_snapshot=False`` replays every entry.
        """
        calendar = calendar if calendar is not None else self._calendar
        if calendar is None:
            raise InvalidInputError(
                "load() needs the calendar the ledger counts on: pass calendar=..., or open the "
                "store with EventStore(path, calendar=...)"
            )
        with self._errors("load"), self._reading() as db:
            q = self._q(db)
            # The ends of the chain only: the rows are read (and checked) as they are replayed.
            head = self._stored_head(db, q)
            *_, text = self._check_head(db, head, q, every_row=False, first=True)
            stored = self._policy(text)
            effective = policy if policy is not None else stored
            start: _snapshots.Snapshot | None = None
            ignored: list[str] = []
            if from_snapshot:
                start, ignored = _snapshots.usable(
                    SQLiteSnapshots(db, q.ledger),
                    key=self._key,
                    policy=effective or LedgerPolicy(),
                    calendar=calendar,
                )
            if start is None:
                ledger = self._replay(db, q, calendar=calendar, policy=effective, verify=verify)
            else:
                with contextlib.closing(
                    self._file.columns(db, q, after=start.version, prev=start.hash)
                ) as chunks:
                    ledger = ledger_from(
                        start.tracks,
                        version=start.version,
                        last_hash=start.hash,
                        last_at=start.last_at,
                        changes=start.changes,
                        prefix=self._prefix(start.version, start.hash, verify=verify),
                        calendar=calendar,
                        policy=effective,
                        chunks=chunks,
                        verify=verify,
                        size=top(db, q) - start.version,
                    )
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
        first needed: from the file, through a connection of its own (this store may be closed
        by then), a chunk at a time, checked by ``_snapshots.checked_prefix``."""
        path, name, key, where = self.path, self.ledger, self._key, self._named()

        def read() -> Generator[Columns, None, None]:
            with (
                SQLiteStore(path, name, mode="ro", key=key, snapshot_every=None) as store,
                store._errors("read"),
                store._reading() as db,
            ):
                chunks = store._file.columns(db, store._q(db), upto=version)
                yield from _snapshots.checked_prefix(
                    chunks, version, last_hash, verify=verify, where=where
                )

        return read

    def _stored_end(self) -> tuple[int, str]:
        with self._errors("read"), self._reading() as db:
            version, head_hash, _ = self._check_head(db, self._stored_head(db), every_row=False)
        return version, head_hash

    @contextlib.contextmanager
    def _snapshot_table(self) -> Iterator[SQLiteSnapshots]:
        with self._errors("keep a snapshot of"), self._writing() as db:
            rewrite_earlier(db, self._where)  # a file of an earlier version, as an append does
            yield SQLiteSnapshots(db, self._q(db).ledger)

    def verify(self, *, expected_head: StoreHead | None = None) -> int:
        """Recompute the stored hash chain; return the number of entries checked.

        Raises :class:`~govops.exceptions.IntegrityError` naming the first entry that does not
        verify (altered, removed or reordered rows), and when the entries, the last one or the
        stored policy are not the ones recorded with the last append. Given ``expected_head``, a
        head kept elsewhere earlier (:meth:`head`), it also checks that the store still holds
        that many entries and that the one at that version hashes as recorded: a store cut short,
        or whose history was rewritten and re-chained, is refused (see
        ``docs/explanation/record.md``).
        """
        if expected_head is not None and not isinstance(expected_head, StoreHead):
            raise InvalidTypeError(f"expected_head={expected_head!r}; expected a StoreHead")
        where = str(self.path)
        with self._errors("verify"), self._reading() as db:
            head = self._stored_head(db)
            *_, policy_text = self._check_head(db, head)
            count = verify_entries(
                (new_entry(*row) for row in self._file.rows(db, self._q(db), 0)),
                where,
                head,
                expected_head,
            )
            self._verify_snapshots(db, policy_text)
        return count

    def _verify_snapshots(self, db: sqlite3.Connection, policy_text: str | None) -> None:
        """See ``_snapshots.verify``: the replay it compares with is this store's, from the
        policy it keeps (``policy_text``)."""
        q = self._q(db)
        policy = self._policy(policy_text) or LedgerPolicy()
        calendar = self._calendar

        def replayed(version: int) -> Ledger:
            assert calendar is not None
            with contextlib.closing(self._file.columns(db, q, upto=version)) as chunks:
                return ledger_from_columns(
                    chunks, calendar=calendar, policy=policy, verify=False, size=version
                )

        _snapshots.verify(
            SQLiteSnapshots(db, q.ledger),
            key=self._key,
            policy=policy,
            calendar=calendar,
            replayed=replayed,
            where=self._named(),
        )


EventStore = SQLiteStore
"""The default store: an SQLite file (see :class:`SQLiteStore`)."""
