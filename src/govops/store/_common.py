"""What every store does the same way, whatever keeps its rows: the protocol the stores implement,
the ledger ids, the policy a ledger keeps, checking appends, verifying the chain and keeping
snapshots (what a snapshot holds and how it is checked: ``_snapshots.py``)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Protocol, TypeVar, runtime_checkable

from .._record import GENESIS_HASH, rehash
from ..exceptions import GovopsError, IntegrityError, InvalidInputError, InvalidTypeError
from ..serialization import converter
from ..tasks import Entry, Ledger, LedgerPolicy, WorkingCalendar
from ..tasks.lowlevel import entries_after, extended, hashes_checked
from ._head import StoreHead, check_expected
from ._rows import UNREADABLE, _dumps
from ._snapshots import LoadReport, Snapshot, Table, check_every, keep, prepared

__all__ = [
    "DEFAULT_LEDGER",
    "Store",
    "StoreBase",
    "check_ledger_id",
    "decode_policy",
    "extend_stored",
    "policy_text_for",
    "verify_entries",
]

DEFAULT_LEDGER = "default"
"""The id of the ledger a store opens when none is named (and of the one ledger of a file written
before stores held several)."""


@runtime_checkable
class Store(Protocol):
    """What a ledger's store does, whichever database keeps it: :class:`SQLiteStore` (one file)
    or :class:`PostgresStore` (a PostgreSQL database shared by many writers and offices).

    A store holds one ledger of a database that may hold several, named by :attr:`ledger`; each
    is a hash chain of entries numbered from 1, with a head recorded at every append. Every
    implementation keeps the same promises (see ``docs/explanation/record.md``): nothing
    acknowledged that cannot be loaded, optimistic concurrency, safe retries, the chain checked
    against its head, and only :class:`~govops.exceptions.GovopsError` escaping. Each keeps
    snapshots of its ledger's projection the same way: a load starts from the latest one that
    matches the chain, the policy and the calendar, and replays only the entries after it.
    """

    snapshot_every: int | None
    """How many entries the store appends between two snapshots it keeps by itself (``None``:
    only when :meth:`snapshot` is called)."""

    last_load: LoadReport | None
    """What the last :meth:`load` did: the snapshot it started from, how many entries it
    replayed, why it ignored any other."""

    snapshot_error: str | None
    """Why the last snapshot the store tried to keep by itself could not be kept (``None`` when
    it was)."""

    @property
    def ledger(self) -> str:
        """The id of the ledger this store reads and writes."""

    @property
    def version(self) -> int:
        """The number of entries stored (the ``seq`` of the last one)."""

    def ledgers(self) -> list[str]:
        """The ids of every ledger of the database, sorted."""

    def load(
        self,
        *,
        calendar: WorkingCalendar | None = None,
        policy: LedgerPolicy | None = None,
        verify: bool = True,
        from_snapshot: bool = True,
    ) -> Ledger:
        """Replay the stored entries into a ledger (from the latest usable snapshot, unless
        ``from_snapshot=False``)."""

    def snapshot(self) -> int:
        """Keep a snapshot of the stored ledger's projection now; return its version."""

    def append(self, entries: Sequence[Entry], *, expected_version: int) -> int:
        """Append ``entries`` after ``expected_version``, checked as ``load`` checks them."""

    def save(self, ledger: Ledger, *, expected_version: int) -> int:
        """Append the entries ``ledger`` has beyond ``expected_version``."""

    def entries(self, *, since: int = 0) -> Iterator[Entry]:
        """The stored entries after ``since``, in order."""

    def head(self) -> StoreHead:
        """The ledger's fingerprint now, to keep elsewhere."""

    def verify(self, *, expected_head: StoreHead | None = None) -> int:
        """Recompute the hash chain; return the number of entries checked."""

    def close(self) -> None:
        """Release the connection; the store cannot be used afterwards."""

    def __enter__(self) -> Store: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


_S = TypeVar("_S", bound="StoreBase")


class StoreBase:
    """What both stores keep and do the same way, whatever their database: the ledger's id, the
    host's key, the calendar, the stored ledger as last checked, the stored policy decoded once,
    closing as a context manager, and keeping snapshots. ``_where`` names the ledger in
    messages."""

    _where: str
    _with_key: str  # how a store protected by a key is opened, as messages say it

    def _setup_common(
        self, ledger: str, *, key: bytes | None, calendar: WorkingCalendar | None, mode: str
    ) -> None:
        self._ledger_id = check_ledger_id(ledger)
        if key is not None and (not isinstance(key, bytes) or len(key) < 16):
            raise InvalidInputError(
                "key= must be bytes of at least 16 (e.g. secrets.token_bytes(32)), kept by the "
                "host and never stored with the ledger"
            )
        self._key = key
        self._keyed = False  # the stored head carries a code: appends need the key
        self._calendar = calendar
        self.mode = mode
        self._lock = threading.RLock()  # a store's operations take turns
        self._ledger: Ledger | None = None  # the stored ledger as last checked (see extend_stored)
        self._read_policy: tuple[str | None, LedgerPolicy | None] = (None, None)

    @property
    def ledger(self) -> str:
        """The id of the ledger this store reads and writes."""
        return self._ledger_id

    def _policy(self, text: str | None) -> LedgerPolicy | None:
        """The stored policy ``text`` decoded (every append reads it: decoded once)."""
        if text is None:
            return None
        if self._read_policy[0] != text:
            self._read_policy = (text, decode_policy(text, self._where))
        return self._read_policy[1]

    # -- writing ----------------------------------------------------------------------------------

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
        entries = list(entries)
        for entry in entries:
            if not isinstance(entry, Entry):
                raise InvalidTypeError(f"entries contains {entry!r}; expected Entry values")
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
            entries_after(ledger, expected_version),
            expected_version=expected_version,
            ledger=ledger,
        )

    def _append(
        self, entries: Sequence[Entry], *, expected_version: int, ledger: Ledger | None
    ) -> int:
        """Append ``entries`` (Entry values; ``ledger`` the ledger saved, if any) in one write
        transaction, checked as :meth:`append` says."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the connection; the store cannot be used afterwards."""
        raise NotImplementedError

    def load(
        self,
        *,
        calendar: WorkingCalendar | None = None,
        policy: LedgerPolicy | None = None,
        verify: bool = True,
        from_snapshot: bool = True,
    ) -> Ledger:
        """Replay the stored entries into a ledger."""
        raise NotImplementedError

    # -- snapshots --------------------------------------------------------------------------------

    def _setup_snapshots(self, snapshot_every: object) -> None:
        self.snapshot_every = check_every(snapshot_every)
        self._snapshot_version = 0  # the version of the latest snapshot known stored
        self.last_load: LoadReport | None = None
        self.snapshot_error: str | None = None

    def _named(self) -> str:
        """The store as its messages name it."""
        return self._where

    def _stored_end(self) -> tuple[int, str]:
        """The number of entries stored and the hash of the last, as the head names them."""
        raise NotImplementedError

    def _snapshot_table(self) -> AbstractContextManager[Table]:
        """The ledger's snapshots, in a write transaction of their own, committed if the block
        succeeds."""
        raise NotImplementedError

    def snapshot(self) -> int:
        """Keep a snapshot of the stored ledger's projection as it stands now; return its version.

        A later :meth:`load` starts from it and replays only the entries after it. It needs the
        ledger as stored, which the store keeps once it has loaded, saved or appended (else it
        loads it, with the store's calendar). The store keeps the two latest snapshots of its
        ledger. An SQLite file of an earlier version is first rewritten in this version's layout,
        as by the first append; the first snapshot kept in a PostgreSQL database makes its table
        ``govops_snapshots``, and a snapshot there waits for no writer of another ledger and no
        reader. Raises :class:`~govops.exceptions.InvalidInputError` when the projection holds a
        value a snapshot cannot write (an annotation's note that is not plain text, numbers or
        tuples).
        """
        with self._lock:
            version, head_hash = self._stored_end()
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
                f"{self._named()} is protected by a key: open it with {self._with_key} to keep a "
                "snapshot in it"
            )
        header, body = prepared(ledger)  # outside the write transaction, which then only writes
        with self._snapshot_table() as table:
            keep(
                table,
                header,
                body,
                version=version,
                last_hash=ledger.head_hash,
                key=self._key,
                where=self._named(),
            )
        self._snapshot_version = max(self._snapshot_version, version)
        return version

    def _loaded(
        self,
        ledger: Ledger,
        start: Snapshot | None,
        ignored: list[str],
        *,
        verify: bool,
        from_snapshot: bool,
        policy: LedgerPolicy | None,
        stored: LedgerPolicy | None,
        calendar: WorkingCalendar,
    ) -> Ledger:
        """Record what a load that built ``ledger`` (from the snapshot ``start``, if any) did:
        :attr:`last_load`; the stored ledger, when the load checked it under the stored policy,
        for appends to build on; and, for a load as the store's own would be, the snapshot it
        could use, so that snapshots it ignored (an earlier version's, say) count for nothing
        and the store keeps a new one once ``snapshot_every`` entries are past it."""
        self.last_load = LoadReport(
            ledger.version,
            snapshot=None if start is None else start.version,
            replayed=ledger.version - (0 if start is None else start.version),
            ignored=tuple(ignored),
        )
        if verify and (policy is None or policy == stored):
            self._ledger = ledger  # the stored ledger, checked: appends build on it
        if from_snapshot and calendar is self._calendar and policy in (None, stored):
            self._snapshot_version = 0 if start is None else start.version
        return ledger

    def _keep_by_itself(self, appended: Ledger) -> None:
        """After an append that took the stored ledger to ``appended``: keep a snapshot when it
        is ``snapshot_every`` entries past the latest. After the commit, in a transaction of its
        own: the entries are stored whatever becomes of the snapshot, which only saves a later
        load time. Why one could not be kept is said in ``snapshot_error``, and the next append
        tries again."""
        every = self.snapshot_every
        if every is not None and appended.version - self._snapshot_version >= every:
            try:
                self._keep_snapshot(appended)
                self.snapshot_error = None
            except GovopsError as exc:
                self.snapshot_error = str(exc)

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def check_ledger_id(ledger: object) -> str:
    """``ledger`` if it can name a ledger: a non-empty text of at most 200 characters, printable,
    with no surrogate (it is stored as UTF-8 text and shown in messages)."""
    if not isinstance(ledger, str):
        raise InvalidTypeError(f"ledger={ledger!r}; expected a str, the id of a ledger")
    if not 0 < len(ledger) <= 200 or not ledger.isprintable():
        raise InvalidInputError(
            f"ledger={ledger!r}; expected an id of 1 to 200 printable characters, "
            "e.g. 'roads-office'"
        )
    try:
        ledger.encode()
    except UnicodeEncodeError:
        raise InvalidInputError(f"ledger={ledger!r} holds a lone surrogate") from None
    return ledger


def decode_policy(text: str | None, where: str) -> LedgerPolicy | None:
    """The ledger policy stored as ``text`` (``None`` when none is stored)."""
    if text is None:
        return None
    try:
        policy: LedgerPolicy = converter.structure(json.loads(text), LedgerPolicy)
    except UNREADABLE as exc:
        raise IntegrityError(f"the policy stored in {where!r} cannot be read: {exc}") from exc
    return policy


def policy_text_for(
    policy: LedgerPolicy, stored_text: str | None, stored: LedgerPolicy | None
) -> str:
    """The policy text to store for a ledger made with ``policy``: its own when none is stored
    yet; else it must be the stored one (a ledger's policy changes only by an entry in its chain,
    :class:`~govops.tasks.PolicyChanged`)."""
    text = _dumps(converter.unstructure(policy))
    if stored_text is None or stored_text == text or stored == policy:
        return stored_text or text
    raise InvalidInputError(
        f"the ledger was made with policy {policy!r} but this store keeps the ledger made "
        f"with {stored_text}; a ledger's policy changes only by recording PolicyChanged, "
        "which keeps the change in the hash chain: load the stored ledger and record one"
    )


def extend_stored(
    entries: Sequence[Entry],
    *,
    version: int,
    head_hash: str,
    policy: LedgerPolicy,
    ledger: Ledger | None,
    known: Ledger | None,
    calendar: WorkingCalendar | None,
    replay: Callable[[WorkingCalendar, LedgerPolicy], Ledger],
    opened_with: str,
) -> Ledger:
    """The stored ledger (``version`` entries, the last hashed ``head_hash``, under ``policy``)
    followed by ``entries``, each checked as a replay checks it.

    ``ledger`` is the ledger being saved (if any), ``known`` the stored ledger as the store last
    checked it, ``calendar`` the store's; ``replay`` replays the stored ledger when neither is
    current (it needs a calendar, else ``opened_with`` tells how to pass one)."""
    if ledger is not None and hashes_checked(ledger) and ledger.hash_at(version) == head_hash:
        # The ledger recorded (or replayed and verified) these entries on the stored ones,
        # under the policy just checked against the stored one: they were checked then.
        return ledger
    base = known
    if base is None or (base.version, base.head_hash, base.policy_at(0)) != (
        version,
        head_hash,
        policy,
    ):
        calendar = calendar if ledger is None else ledger.calendar
        if calendar is None:
            raise InvalidInputError(
                "appending checks each entry against the ledger as stored, which needs its "
                f"calendar: open the store with {opened_with}"
            )
        base = replay(calendar, policy)
    return extended(base, entries)


def verify_entries(
    entries: Iterable[Entry], where: str, head: StoreHead | None, expected: StoreHead | None
) -> int:
    """Recompute the chain of ``entries`` (all of a ledger's, in order); check the entry at
    ``expected.version`` against a head kept elsewhere; return how many there are."""
    prev = GENESIS_HASH
    count = 0
    for entry in entries:
        count += 1
        if entry.seq != count:
            raise IntegrityError(f"entry seq={count} is missing from {where!r}")
        if entry.prev_hash != prev or rehash(entry) != entry.hash:
            raise IntegrityError(
                f"entry seq={entry.seq} in {where!r} does not verify: it was altered"
            )
        prev = entry.hash
        if expected is not None and count == expected.version:
            check_expected(entry.hash, expected, head, where)
    if expected is not None:
        if count < expected.version:
            raise IntegrityError(
                f"the event store at {where!r} holds {count} entries, fewer than the "
                f"{expected.version} of the head kept elsewhere: it was cut short"
            )
        if expected.version == 0:
            check_expected(GENESIS_HASH, expected, head, where)
    return count
