"""The SQLite store: its file and its transactions (the statements of each file layout are in
``_sql.py``, the row codec in ``_rows.py``)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, final, overload

import cattrs

from .._record import GENESIS_HASH
from ..exceptions import (
    ConcurrencyError,
    GovopsError,
    IntegrityError,
    InvalidInputError,
    InvalidTypeError,
    LedgerError,
    StoreError,
)
from ..serialization import SCHEMA, converter
from ..tasks import (
    Entry,
    Ledger,
    LedgerPolicy,
    TaskAssigned,
    WorkingCalendar,
)
from ..tasks.lowlevel import Columns, ledger_from_columns, new_entry
from ..tasks.lowlevel import ledger_from_snapshot as ledger_from
from . import _snapshots
from ._common import (
    DEFAULT_LEDGER,
    check_ledger_id,
    decode_policy,
    extend_stored,
    policy_text_for,
    verify_entries,
)
from ._head import (
    StoreHead,
    check_head,
    digest,
    head_row,
    read_head,
)
from ._rows import (
    _TASK_SHARED,
    _document,
    _dumps,
    _forget_seen,
    _layout,
    _layout_of,
    _Reader,
    _Row,
)
from ._snapshots import LoadReport
from ._sql import SCHEMA_4, TABLES_4, Queries, migrate, queries

__all__ = ["SNAPSHOT_EVERY", "STORE_SCHEMA", "EventStore", "SQLiteStore"]

STORE_SCHEMA = SCHEMA_4
"""The mark of the store files this version writes (many ledgers a file, events stored
positionally, shared values stored once, hashes as their bytes, the head recorded with each
append; see ``docs/explanation/record.md``). Earlier versions of govops refuse to open such a
file, naming it. This version also reads the files earlier versions wrote (marked
``"govops-store/3"`` or ``"govops-store/2"``, or with the JSON schema ``"govops/1"`` by 0.1.0) as
holding one ledger, ``"default"``, and rewrites one in its own layout when it first appends to
it."""

_CHUNK = 1024  # entries read at a time: small enough that a chunk's objects stay in the CPU cache
_ALL = 2**62  # no entry is numbered beyond


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


def _top(db: sqlite3.Connection, q: Queries) -> int:
    """The number of the last entry of the ledger (0 when none)."""
    return int(db.execute(q.top, q.params()).fetchone()[0] or 0)


def _translated(exc: sqlite3.Error, where: str, doing: str) -> GovopsError:
    """The govops error for an error of SQLite's while doing something to the store ``where``."""
    text = str(exc).lower()
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in text:
        return StoreError(f"the event store at {where!r} is closed")
    if "full" in text:
        return StoreError(
            f"cannot {doing} the event store at {where!r}: the disk is full (nothing was written)"
        )
    if "locked" in text or "busy" in text:
        return ConcurrencyError(f"another writer holds the event store at {where!r}: {exc}")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"cannot {doing} the event store at {where!r}: it is read-only ({exc})")
    if isinstance(exc, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "no such" in text
    ):
        return IntegrityError(f"the event store at {where!r} is damaged: {exc}")
    return StoreError(f"cannot {doing} the event store at {where!r}: {exc}")


_READABLE = (STORE_SCHEMA, "govops-store/3", "govops-store/2", SCHEMA)

SNAPSHOT_EVERY = 100_000
"""How many entries a store appends, by default, between two snapshots it keeps by itself."""


class _EntriesOf(Sequence[Entry]):
    """The entries of ``ledger`` after version ``start``, built when read: a save reads them a
    chunk at a time, so that it never holds a million :class:`Entry` values at once."""

    __slots__ = ("_ledger", "_start")

    def __init__(self, ledger: Ledger, start: int) -> None:
        self._ledger = ledger
        self._start = start

    def __len__(self) -> int:
        return self._ledger.version - self._start

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            lo, hi, step = index.indices(len(self))
            if step != 1:
                raise IndexError("entries are read in order")
            return self._ledger._log.slice(self._start + lo, self._start + hi)
        i = index + len(self) if index < 0 else index
        if not 0 <= i < len(self):
            raise IndexError("entry index out of range")
        return self._ledger._log.entry(self._start + i)

    def __iter__(self) -> Iterator[Entry]:
        for lo in range(0, len(self), _CHUNK):
            yield from self[lo : lo + _CHUNK]


@final
class SQLiteStore:
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
                self._check_tables(db)
                self._check_head(db, self._stored_head(db))
                self._snapshot_version = _snapshots.latest_version(db, self._q(db).ledger)
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
                if made:
                    store._connection().execute("PRAGMA journal_mode=WAL")
                else:
                    with store._reading() as db:
                        store._check_tables(db)
                with store._writing() as db:
                    if made:
                        for statement in TABLES_4:
                            db.execute(statement)
                        db.execute(
                            "INSERT INTO meta (key, value) VALUES ('schema', ?)", (STORE_SCHEMA,)
                        )
                    else:
                        store._migrate(db)
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
        if snapshot_every is not None and (
            isinstance(snapshot_every, bool)
            or not isinstance(snapshot_every, int)
            or snapshot_every < 1
        ):
            raise InvalidInputError(
                f"snapshot_every={snapshot_every!r}; expected a number of entries >= 1, or None "
                "to keep snapshots only when snapshot() is called"
            )
        self.snapshot_every = snapshot_every
        self._snapshot_version = 0  # the version of the latest snapshot known stored
        self.last_load: LoadReport | None = None
        self.snapshot_error: str | None = None
        if key is not None and (not isinstance(key, bytes) or len(key) < 16):
            raise InvalidInputError(
                "key= must be bytes of at least 16 (e.g. secrets.token_bytes(32)), kept by the "
                "host and never stored with the ledger"
            )
        self._key = key
        self._keyed = False  # the stored head carries a code: appends need the key
        try:
            self.path = Path(path)
        except TypeError:
            raise InvalidTypeError(f"path={path!r}; expected a str or os.PathLike") from None
        self.mode = "rw" if mode == "create" else mode
        self._calendar = calendar
        self._lock = threading.RLock()
        self._ledger: Ledger | None = None  # the stored ledger as last checked, see _checked
        self._read_policy: tuple[str | None, LedgerPolicy | None] = (None, None)
        self._name = check_ledger_id(ledger)
        self._queries: dict[str, Queries] = {}  # by the schema they were made for
        self._layouts: dict[str, tuple[str, ...]] = {}  # those known stored, by kind
        self._codes: dict[str, int] = {}  # the codes of kinds known stored
        self._shared: dict[str, int] = {}  # the ids of shared values known stored, by their JSON
        where = str(self.path)
        if mode != "create" and not self.path.is_file():
            missing = "is a directory" if self.path.is_dir() else "does not exist"
            raise StoreError(
                f"no event store at {where!r}: it {missing}. EventStore.create(path) makes a "
                "new store"
            )
        query = {"create": "mode=rwc", "rw": "mode=rw"}.get(mode, "mode=ro")
        try:
            self._db = self._connect(query, timeout)
        except UnicodeDecodeError as exc:  # its schema, read at the first statement, is damaged
            raise IntegrityError(
                f"the event store at {where!r} is damaged: it holds text that is not UTF-8"
            ) from exc
        except sqlite3.Error as exc:
            writable = os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
            wal = Path(f"{self.path}-wal")
            if mode == "ro" and not (wal.exists() and wal.stat().st_size):
                # A store on a read-only disk: SQLite cannot make the shared-memory file a WAL
                # database is read through. With no write pending in a WAL file, the database
                # file alone is the whole store and is read as an unchanging file.
                try:
                    self._db = self._connect("mode=ro&immutable=1", timeout)
                    return
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
            raise _translated(exc, where, "open") from exc

    def _connect(self, query: str, timeout: float) -> sqlite3.Connection:
        db = sqlite3.connect(
            f"{self.path.absolute().as_uri()}?{query}",
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

    # -- lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection; the store cannot be used afterwards."""
        db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EventStore({str(self.path)!r}, mode={self.mode!r})"

    @property
    def ledger(self) -> str:
        """The id of the ledger this store reads and writes."""
        return self._name

    def ledgers(self) -> list[str]:
        """The ids of every ledger of the file, sorted."""
        with self._errors("read"), self._reading() as db:
            if self._schema(db) != SCHEMA_4:
                return [DEFAULT_LEDGER]
            return [row[0] for row in db.execute("SELECT name FROM ledgers ORDER BY name")]

    # -- transactions and errors ------------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Translate SQLite's errors (and a string SQLite cannot store) into govops' own."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _translated(exc, str(self.path), doing) from exc
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

    def _check_tables(self, db: sqlite3.Connection) -> None:
        where = str(self.path)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            raise IntegrityError(
                f"{where!r} holds no event store: the file is empty or was truncated "
                "(EventStore.create makes a new store)"
            )
        row = None
        if "meta" in tables:
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        needed = (
            ("entries", "meta", "ledgers", "shared") if row == (SCHEMA_4,) else ("entries", "meta")
        )
        lost = [t for t in needed if t not in tables]
        if lost:
            raise IntegrityError(f"the event store at {where!r} has lost its table(s) {lost}")
        if row is None:
            raise IntegrityError(f"the event store at {where!r} has lost its schema mark")
        if row[0] not in _READABLE:
            raise LedgerError(
                f"the event store at {where!r} has schema {row[0]!r}; this version of govops "
                f"reads {', '.join(map(repr, _READABLE))}"
            )
        if row[0] != SCHEMA and "shared" not in tables:  # govops 0.1.0 wrote none
            raise IntegrityError(f"the event store at {where!r} has lost its table 'shared'")

    def _q(self, db: sqlite3.Connection) -> Queries:
        """The statements that read this store's ledger, for the layout of the file now (another
        process may have rewritten a file of an earlier version since the last transaction)."""
        schema = self._schema(db)
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

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Rewrite a file of an earlier version in this version's layout (inside a write
        transaction, see ``_sql.migrate``), its head kept as it is."""
        schema = self._schema(db)
        if schema == SCHEMA_4:
            return
        q = queries(schema, 0)
        row = db.execute(q.head, q.params()).fetchone()
        if row is None:  # a file written before heads: its head is what it holds
            version, last_hash, policy = check_head(db, None, str(self.path), q, every_row=False)
            row = (head_row(version, last_hash, policy, None),)
        migrate(db, row[0])

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
            return _top(db, self._q(db))

    def append(self, entries: Sequence[Entry], *, expected_version: int) -> int:
        """Append ``entries`` after ``expected_version``; return the new version.

        Each entry is checked as :meth:`load` checks it, under the stored policy: its place in
        the chain, its hash, its time (not before the entry before it) and whether the task's
        state allows it. The first entry refused raises its error (an
        :class:`~govops.exceptions.IntegrityError` for the chain, a
        :class:`~govops.exceptions.LedgerError` for the state) and nothing is written: a store
        never acknowledges what it could not load. Checking the state needs the ledger as stored,
        which the store keeps once it has loaded, saved or appended; the first append of a store
        opened without a calendar that has not done so raises
        :class:`~govops.exceptions.InvalidInputError`.

        Raises :class:`~govops.exceptions.ConcurrencyError` (writing nothing) when the store is no
        longer at ``expected_version``, unless it already holds exactly these entries there: an
        append whose acknowledgement was lost may be repeated, and returns the same version.
        """
        return self._append(entries, expected_version=expected_version, ledger=None)

    def save(self, ledger: Ledger, *, expected_version: int) -> int:
        """Append the entries ``ledger`` has beyond ``expected_version``; return the new version.

        The policy the ledger was made with (``ledger.policy_at(0)``) is stored with the first
        save, unless the store was created with one, and never changes: later saves must bring a
        ledger made with the same one, else :class:`~govops.exceptions.InvalidInputError` is
        raised and nothing is written. A policy changes by recording a
        :class:`~govops.tasks.PolicyChanged` entry (a cover window added for a leader's absence
        planned later, say), which the store keeps in the hash chain like every other entry.
        The policy and the entries are written in one transaction. The entries are checked as
        :meth:`append` checks them; a ledger that recorded them itself on the stored entries has
        checked them.
        """
        if not isinstance(ledger, Ledger):
            raise InvalidTypeError(f"ledger={ledger!r}; expected a Ledger")
        ledger.hash_at(expected_version)  # a version the ledger has, or the error that says so
        return self._append(
            _EntriesOf(ledger, expected_version), expected_version=expected_version, ledger=ledger
        )

    def _append(
        self, entries: Sequence[Entry], *, expected_version: int, ledger: Ledger | None
    ) -> int:
        if isinstance(expected_version, bool) or not isinstance(expected_version, int):
            raise InvalidTypeError(f"expected_version={expected_version!r}; expected an int")
        if not isinstance(entries, _EntriesOf):
            entries = list(entries)
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
                if same_policy and self._holds(db, q, entries, expected_version):
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
            self._migrate(db)
            q = self._q(db)
            layouts, codes = dict(self._layouts), dict(self._codes)
            shared: dict[str, int] = {}  # the values first stored in this transaction
            # A chunk at a time, so that a save of a whole ledger never holds all its rows.
            for lo in range(0, len(entries), _CHUNK):
                rows = [self._row(e) for e in entries[lo : lo + _CHUNK]]
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
            self._write_head(db, q, checked.version, checked.head_hash, policy_text)
        self._ledger = checked
        self._layouts.update(layouts)  # stored for good, now that they are committed
        self._codes.update(codes)
        self._shared.update(shared)
        every = self.snapshot_every
        if every is not None and checked.version - self._snapshot_version >= every:
            # After the commit, in a transaction of its own: the entries are stored whatever
            # becomes of the snapshot, which only saves a later load time. Why one could not be
            # kept is said in snapshot_error, and the next append tries again.
            try:
                self._keep_snapshot(checked)
                self.snapshot_error = None
            except GovopsError as exc:
                self.snapshot_error = str(exc)
        return checked.version

    @staticmethod
    def _schema(db: sqlite3.Connection) -> str:
        return str(db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0])

    @staticmethod
    def _holds(db: sqlite3.Connection, q: Queries, entries: Sequence[Entry], after: int) -> bool:
        """True when the ledger holds exactly ``entries`` right after entry ``after``."""
        if not entries or entries[0].seq != after + 1:
            return False
        for lo in range(0, len(entries), _CHUNK):
            chunk = entries[lo : lo + _CHUNK]
            stored = db.execute(
                q.hashes, q.params(lo=after + lo, hi=after + lo + len(chunk))
            ).fetchall()
            if [r[0] for r in stored] != [e.hash for e in chunk]:
                return False
        return True

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

    def _policy(self, text: str | None) -> LedgerPolicy | None:
        if text is None:
            return None
        if self._read_policy[0] == text:  # every append reads it: decoded once
            return self._read_policy[1]
        policy = decode_policy(text, str(self.path))
        self._read_policy = (text, policy)
        return policy

    def _policy_text(self, policy: LedgerPolicy, stored_text: str | None) -> str:
        """The policy text to store for a ledger made with ``policy`` (see ``policy_text_for``)."""
        return policy_text_for(policy, stored_text, self._policy(stored_text))

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
    def _row(entry: Entry) -> list[Any]:
        """The row of ``entry``, its event as the govops converter unstructures it (the stored
        document is made from it inside the write transaction, see :func:`_document`)."""
        if not isinstance(entry, Entry):
            raise InvalidTypeError(f"entries contains {entry!r}; expected Entry values")
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

    # -- reading ----------------------------------------------------------------------------------

    def entries(self, *, since: int = 0) -> Iterator[Entry]:
        """The stored entries after ``since``, in order, as one read of the store."""
        with self._errors("read"), self._reading() as db:
            found = [new_entry(*row) for row in self._rows(db, self._q(db), since)]
        return iter(found)

    def _rows(self, db: sqlite3.Connection, q: Queries, since: int) -> Iterator[_Row]:
        """The stored entries after ``since`` as ``(seq, event, at, actor, reason, prev_hash,
        hash)``, as they are stored: no link between them is checked."""
        row = db.execute(q.hash_at, q.params(seq=since)).fetchone() if since else None
        prev = row[0] if row else GENESIS_HASH
        cursor = db.execute(q.rows, q.params(after=since, upto=_ALL, prev=prev))
        # The layouts and shared values are read once the rows' read has begun: they are only
        # ever added, so this finds every one those rows need.
        reader = _Reader(self.path, _stored_layouts(db), _stored_shared(db), _stored_kinds(db))
        try:
            while rows := cursor.fetchmany(_CHUNK):
                yield from reader.rows(rows)
        finally:
            _forget_seen()

    def _columns(
        self,
        db: sqlite3.Connection,
        q: Queries,
        *,
        after: int = 0,
        prev: str = GENESIS_HASH,
        top: int | None = None,
    ) -> Generator[Columns, None, None]:
        """The stored entries after number ``after`` (hashed ``prev``) up to number ``top``
        (else the last), in order, as :data:`~govops.tasks.lowlevel.Columns` of up to
        ``_CHUNK`` entries, with their sequence numbers and hash links checked (inside a
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
            top = _top(db, q) if top is None else top
            for lo in range(after, top, _CHUNK):
                hi = min(lo + _CHUNK, top)
                try:
                    row = db.execute(q.chunk, q.params(lo=lo, hi=hi)).fetchone()
                    found = reader.columns(row, hi - lo, prev)
                except (
                    sqlite3.Error,
                    ValueError,
                    TypeError,
                    KeyError,
                    RecursionError,
                    cattrs.BaseValidationError,
                    cattrs.ForbiddenExtraKeysError,
                ):
                    found = None  # read again below, which names what is wrong
                if found is None:
                    rows = db.execute(q.rows, q.params(after=lo, upto=hi, prev=prev)).fetchall()
                    found = reader.checked(rows, lo, prev, hi - lo)
                hashes = found[4]
                prev = hashes[-32:].hex() if isinstance(hashes, bytes) else hashes[-1]
                yield found
        finally:
            _forget_seen()

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
        with contextlib.closing(self._columns(db, q)) as chunks:
            return ledger_from_columns(
                chunks, calendar=calendar, policy=policy, verify=verify, size=_top(db, q)
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
                    db,
                    q.ledger,
                    key=self._key,
                    policy=effective or LedgerPolicy(),
                    calendar=calendar,
                )
            if start is None:
                ledger = self._replay(db, q, calendar=calendar, policy=effective, verify=verify)
            else:
                with contextlib.closing(
                    self._columns(db, q, after=start.version, prev=start.hash)
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
                        size=_top(db, q) - start.version,
                    )
        self.last_load = LoadReport(
            ledger.version,
            snapshot=None if start is None else start.version,
            replayed=ledger.version - (0 if start is None else start.version),
            ignored=tuple(ignored),
        )
        if verify and (policy is None or policy == stored):
            self._ledger = ledger  # the stored ledger, checked: appends build on it
        if from_snapshot and calendar is self._calendar and policy in (None, stored):
            # Snapshots this load ignored (an earlier version's, say) count for nothing: the
            # store keeps a new one once snapshot_every entries are past the one it could use.
            self._snapshot_version = 0 if start is None else start.version
        return ledger

    def _prefix(
        self, version: int, last_hash: str, *, verify: bool
    ) -> Callable[[], Generator[Columns, None, None]]:
        """How a ledger loaded from the snapshot at ``version`` reads the entries before it when
        first needed: from the file, through a connection of its own (this store may be closed
        by then), a chunk at a time, checked by ``_snapshots.checked_prefix``."""
        path, name, key = self.path, self.ledger, self._key

        def read() -> Generator[Columns, None, None]:
            with (
                SQLiteStore(path, name, mode="ro", key=key, snapshot_every=None) as store,
                store._errors("read"),
                store._reading() as db,
            ):
                chunks = store._columns(db, store._q(db), top=version)
                yield from _snapshots.checked_prefix(
                    chunks, version, last_hash, verify=verify, where=path
                )

        return read

    def snapshot(self) -> int:
        """Keep a snapshot of the stored ledger's projection as it stands now; return its version.

        A later :meth:`load` starts from it and replays only the entries after it. It needs the
        ledger as stored, which the store keeps once it has loaded, saved or appended (else it
        loads it, with the store's calendar). The store keeps the two latest snapshots of its
        ledger; a file of an earlier version is first rewritten in this version's layout, as by
        the first append. Raises :class:`~govops.exceptions.InvalidInputError` when the
        projection holds a value a snapshot cannot write (an annotation's note that is not plain
        text, numbers or tuples).
        """
        with self._lock:
            with self._errors("read"), self._reading() as db:
                version, head_hash, _ = self._check_head(db, self._stored_head(db), every_row=False)
            ledger = self._ledger
            if ledger is None or (ledger.version, ledger.head_hash) != (version, head_hash):
                ledger = self.load()
            return self._keep_snapshot(ledger)

    def _keep_snapshot(self, ledger: Ledger) -> int:
        version = ledger.version
        if not version:
            return 0
        if self._keyed and self._key is None:
            raise InvalidInputError(
                f"the event store at {str(self.path)!r} is protected by a key: open it with "
                "EventStore(path, key=...) to keep a snapshot in it"
            )
        try:  # outside the write transaction, which then only writes it
            header, body = _snapshots.encoded(ledger, calendar=ledger.calendar)
        except ValueError as exc:
            raise InvalidInputError(f"cannot keep a snapshot of this ledger: {exc}") from exc
        with self._errors("keep a snapshot of"), self._writing() as db:
            self._migrate(db)  # a file of an earlier version is rewritten, as an append does
            q = self._q(db)
            if _snapshots.hash_at(db, q.ledger, version) != ledger.head_hash:
                raise ConcurrencyError(
                    f"the event store at {str(self.path)!r} no longer holds the ledger a "
                    f"snapshot was asked of at version {version}"
                )
            _snapshots.write(
                db,
                q.ledger,
                header,
                body,
                version=version,
                last_hash=ledger.head_hash,
                key=self._key,
            )
        self._snapshot_version = max(self._snapshot_version, version)
        return version

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
                (new_entry(*row) for row in self._rows(db, self._q(db), 0)),
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
            with contextlib.closing(self._columns(db, q, top=version)) as chunks:
                return ledger_from_columns(
                    chunks, calendar=calendar, policy=policy, verify=False, size=version
                )

        _snapshots.verify(
            db,
            q.ledger,
            key=self._key,
            policy=policy,
            calendar=calendar,
            replayed=replayed,
            where=self.path,
        )


EventStore = SQLiteStore
"""The default store: an SQLite file (see :class:`SQLiteStore`)."""
