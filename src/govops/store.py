"""An SQLite event store for ledgers (an edge module: it touches files).

One database file holds one ledger: a table of entries (one row per event, the event as JSON, the
hash chain in two columns) and a small table of metadata (schema version, ledger policy). Writers use
optimistic concurrency: ``append`` says which version it extends, and if another writer got there
first it raises :class:`~govops.exceptions.ConcurrencyError` and writes nothing; the caller reloads
and tries again. Each append is one transaction, so a crash or a killed process never leaves half a
batch behind.

>>> import datetime as dt, tempfile, pathlib, govops.calendars as gc
>>> from govops.tasks import Ledger, Task, TaskAssigned, Deadline, Responsibility, Unit
>>> cst = dt.timezone(dt.timedelta(hours=8))
>>> task = Task("T1", "Repair the bridge", category="key_works",
...             responsibility=Responsibility(Unit("roads", "Roads office")),
...             deadline=Deadline.on(dt.date(2026, 6, 30)))
>>> cal = gc.calendar("CN")
>>> ledger = Ledger(calendar=cal).record(TaskAssigned(task), actor="office",
...                                      at=dt.datetime(2026, 3, 2, 9, tzinfo=cst))
>>> with tempfile.TemporaryDirectory() as tmp:
...     with EventStore(pathlib.Path(tmp) / "ledger.db") as store:
...         store.save(ledger, expected_version=0)
...         store.load(calendar=cal) == ledger
1
True
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, final

import cattrs

from .exceptions import (
    ConcurrencyError,
    IntegrityError,
    InvalidInputError,
    InvalidTypeError,
    LedgerError,
)
from .serialization import SCHEMA, converter
from .tasks import Entry, Event, Ledger, LedgerPolicy, WorkingCalendar
from .tasks._canonical import GENESIS_HASH, rehash

__all__ = ["EventStore"]

_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    seq       INTEGER PRIMARY KEY,
    task_id   TEXT NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    reason    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    event     TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS entries_task ON entries (task_id, seq);
"""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@final
class EventStore:
    """A ledger kept in an SQLite file at ``path`` (created if missing).

    ``timeout`` is how long, in seconds, a writer waits for another writer's transaction to finish
    before giving up with :class:`~govops.exceptions.ConcurrencyError`. The database runs in WAL mode
    with ``synchronous=NORMAL``: a committed append survives the process being killed; only a power
    cut may lose the last commits, and never leaves a partial one.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA_SQL)
            self._db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA,)
            )
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open the event store at {str(self.path)!r}: {exc}") from exc
        if row[0] != SCHEMA:
            self._db.close()
            raise LedgerError(
                f"the event store at {str(self.path)!r} has schema {row[0]!r}; "
                f"this version of govops reads {SCHEMA!r}"
            )

    # -- lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EventStore({str(self.path)!r})"

    # -- writing ----------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """The number of stored entries (the ``seq`` of the last one)."""
        row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM entries").fetchone()
        return int(row[0])

    def append(self, entries: Sequence[Entry], *, expected_version: int) -> int:
        """Append ``entries`` after ``expected_version``; return the new version.

        Raises :class:`~govops.exceptions.ConcurrencyError` (writing nothing) when the store is no
        longer at ``expected_version``, and :class:`~govops.exceptions.IntegrityError` when the
        entries do not continue the stored hash chain.
        """
        if isinstance(expected_version, bool) or not isinstance(expected_version, int):
            raise InvalidTypeError(f"expected_version={expected_version!r}; expected an int")
        rows = [self._row(e) for e in entries]
        for before, after in itertools.pairwise(entries):
            if after.seq != before.seq + 1 or after.prev_hash != before.hash:
                raise IntegrityError(
                    f"entry seq={after.seq} does not follow entry seq={before.seq} in the batch"
                )
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise ConcurrencyError(
                f"another writer holds the event store at {str(self.path)!r}: {exc}"
            ) from exc
        try:
            head = db.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
            version, head_hash = (int(head[0]), str(head[1])) if head else (0, GENESIS_HASH)
            if version != expected_version:
                raise ConcurrencyError(
                    f"expected_version={expected_version} but the event store is at version "
                    f"{version}: another writer appended first; reload and retry"
                )
            if entries:
                first = entries[0]
                if first.seq != version + 1 or first.prev_hash != head_hash:
                    raise IntegrityError(
                        f"entry seq={first.seq} does not continue the stored chain at version "
                        f"{version}"
                    )
            db.executemany(
                "INSERT INTO entries (seq, task_id, at, actor, reason, kind, event, prev_hash, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return version + len(rows)

    def save(self, ledger: Ledger, *, expected_version: int) -> int:
        """Append the entries ``ledger`` has beyond ``expected_version``; return the new version.

        The policy of the ledger is stored with the first save and must not change afterwards.
        """
        self._save_policy(ledger.policy)
        return self.append(
            ledger.entries_since(expected_version), expected_version=expected_version
        )

    def _save_policy(self, policy: LedgerPolicy) -> None:
        text = _dumps(converter.unstructure(policy))
        self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('policy', ?)", (text,))
        stored = self._db.execute("SELECT value FROM meta WHERE key = 'policy'").fetchone()[0]
        if stored != text:
            raise InvalidInputError(
                f"the ledger's policy {policy!r} differs from the one stored with this ledger "
                f"({stored}); a ledger keeps one policy"
            )

    @staticmethod
    def _row(entry: Entry) -> tuple[Any, ...]:
        if not isinstance(entry, Entry):
            raise InvalidTypeError(f"entries contains {entry!r}; expected Entry values")
        return (
            entry.seq,
            entry.event.task_id,
            entry.at.isoformat(),
            entry.actor,
            entry.reason,
            entry.event.kind,
            _dumps(converter.unstructure(entry.event)),
            entry.prev_hash,
            entry.hash,
        )

    # -- reading ----------------------------------------------------------------------------------

    def entries(self, *, since: int = 0) -> Iterator[Entry]:
        """The stored entries after ``since``, in order."""
        structure = converter.get_structure_hook(Event)  # skips cattrs' dispatch per row
        cursor = self._db.execute(
            "SELECT seq, at, actor, reason, event, prev_hash, hash FROM entries "
            "WHERE seq > ? ORDER BY seq",
            (since,),
        )
        fromiso = dt.datetime.fromisoformat
        seq = since
        try:
            while rows := cursor.fetchmany(4096):
                # One json.loads per chunk rather than per row: replay is dominated by parsing.
                events = json.loads("[" + ",".join(row[4] for row in rows) + "]")
                for (seq, at, actor, reason, _, prev_hash, digest), event in zip(
                    rows, events, strict=True
                ):
                    yield Entry(
                        seq,
                        structure(event, Event),
                        at=fromiso(at),
                        actor=actor,
                        reason=reason,
                        prev_hash=prev_hash,
                        hash=digest,
                    )
        except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as exc:
            if isinstance(exc, LedgerError):
                raise
            raise IntegrityError(
                f"entry seq={seq} in {str(self.path)!r} cannot be read: {exc}"
            ) from exc

    def load(
        self,
        *,
        calendar: WorkingCalendar,
        policy: LedgerPolicy | None = None,
        verify: bool = True,
    ) -> Ledger:
        """Replay the stored entries into a ledger.

        The chain's links and the events' transitions are always checked; ``verify=True`` (the
        default) also recomputes every hash, so a row altered in the file is refused with
        :class:`~govops.exceptions.IntegrityError`. ``verify=False`` trusts the stored hashes and
        replays about twice as fast. ``policy`` defaults to the stored one.
        """
        if policy is None:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'policy'").fetchone()
            policy = converter.structure(json.loads(row[0]), LedgerPolicy) if row else None
        return Ledger.from_entries(self.entries(), calendar=calendar, policy=policy, verify=verify)

    def verify(self) -> int:
        """Recompute the stored hash chain; return the number of entries checked.

        Raises :class:`~govops.exceptions.IntegrityError` naming the first entry that does not
        verify (altered, removed or reordered rows).
        """
        prev = GENESIS_HASH
        count = 0
        for entry in self.entries():
            count += 1
            if entry.seq != count:
                raise IntegrityError(f"entry seq={count} is missing from {str(self.path)!r}")
            if entry.prev_hash != prev or rehash(entry) != entry.hash:
                raise IntegrityError(
                    f"entry seq={entry.seq} in {str(self.path)!r} does not verify: it was altered"
                )
            prev = entry.hash
        return count
