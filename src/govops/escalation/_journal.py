"""The supervision journal: supervision kept apart from the task ledger, for hosts that need that.

The task ledger is the primary record of supervision: :class:`govops.tasks.Ledger` records the
supervision events (:class:`NoticeIssued`, :class:`NoticeAnswered`, approvals, approval steps) as
annotations, and ``Decision.record(ledger, ...)`` puts a decision's notices there. Some hosts cannot
write to the ledger they supervise — it belongs to the units' own system, or to another office, and
the supervision office (督查室) keeps its own record — and for them a :class:`SupervisionJournal` has
the same shape: ``record(event, actor=, at=, reason=)`` returns a new journal whose entries are
:class:`govops.tasks.Entry` values kept in the record kernel's log, with the event base, registry,
encoding, hash chain and checks of a ledger (see ``docs/explanation/record.md``): nothing is ever
changed, and each event is checked by the same rules as in a ledger.
:func:`~govops.escalation.supervise` and :func:`~govops.assessment.assess` read supervision events
from the ledger *and* the journal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Iterator
from typing import final

from .._record import GENESIS_HASH, EntryLog, check_recording
from ..exceptions import InvalidInputError, InvalidTypeError
from ..tasks import Entry, Event
from ._events import NoticeIssued, SupervisionEvent

__all__ = ["GENESIS_HASH", "SupervisionJournal"]


class _Log(EntryLog):
    """The record kernel's log of entries, with what supervision looks up in it: where each
    notice was issued, and the notes each task's events left (as a ledger keeps them)."""

    __slots__ = ("issued", "notes")

    def __init__(self) -> None:
        super().__init__()
        self.issued: dict[str, int] = {}  # notice key -> position of its NoticeIssued
        self.notes: dict[str, frozenset[Hashable]] = {}

    def add(self, entry: Entry) -> None:
        """Check ``entry``'s event against the record and append it (raising, changing
        nothing); its place, time and hash were checked by the kernel."""
        event = entry.event
        if not isinstance(event, SupervisionEvent):
            raise InvalidTypeError(f"entries contains {entry!r}; expected supervision entries")
        # The same rules as in a ledger: each event checks itself against its task's notes.
        self.notes[event.task_id] = event.noted(self.notes.get(event.task_id, frozenset()))
        if isinstance(event, NoticeIssued):
            self.issued[event.key] = len(self.entries)
        super().add(entry)


@final
class SupervisionJournal:
    """An append-only, hash-chained record of supervision events; an immutable value.

    >>> import datetime as dt
    >>> from govops.escalation import SupervisionJournal, NoticeIssued
    >>> cst = dt.timezone(dt.timedelta(hours=8))
    >>> j = SupervisionJournal().record(
    ...     NoticeIssued("T1", "key-work@1:T1:c0:reminder:0", level="reminder",
    ...                  notice_kind="reminder"),
    ...     actor="supervision-office", at=dt.datetime(2026, 3, 9, 9, tzinfo=cst))
    >>> j.version, j.is_issued("key-work@1:T1:c0:reminder:0")
    (1, True)
    """

    __slots__ = ("_length", "_log")

    def __init__(self) -> None:
        """An empty journal."""
        self._log = _Log()
        self._length = 0

    @classmethod
    def _view(cls, log: _Log, length: int) -> SupervisionJournal:
        journal = cls.__new__(cls)
        journal._log = log
        journal._length = length
        return journal

    @classmethod
    def from_entries(cls, entries: Iterable[Entry]) -> SupervisionJournal:
        """Rebuild a journal from recorded entries, checking each as the record kernel checks
        every entry (its place in the chain, its time, its hash) and its event as
        :meth:`record` does."""
        journal = cls()
        log = journal._log
        for entry in entries:
            if type(entry) is not Entry:
                raise InvalidTypeError(f"entries contains {entry!r}; expected supervision entries")
            log.check(entry)
            log.add(entry)
        journal._length = len(log)
        return journal

    @property
    def version(self) -> int:
        """The number of entries."""
        return self._length

    @property
    def head_hash(self) -> str:
        """The hash of the last entry (64 zeros when empty)."""
        return self._log.head_hash(self._length)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry, in order."""
        return tuple(self._log.entries[: self._length])

    def entries_since(self, version: int) -> tuple[Entry, ...]:
        """The entries after ``version`` (what a store holding ``version`` entries lacks)."""
        if isinstance(version, bool) or not isinstance(version, int):
            raise InvalidTypeError(f"version={version!r}; expected an int")
        if not 0 <= version <= self._length:
            raise InvalidInputError(f"version={version!r}; expected 0 to {self._length}")
        return tuple(self._log.entries[version : self._length])

    def timed_events(self, since: int = 0) -> Iterator[tuple[Event, dt.datetime]]:
        """``(event, at)`` of each entry after version ``since``, as in a ledger."""
        return ((e.event, e.at) for e in self.entries_since(since))

    def hash_at(self, version: int) -> str:
        """The hash of the entry whose ``seq`` is ``version`` (the genesis hash for 0)."""
        if version == 0:
            return GENESIS_HASH
        return self.entries_since(version - 1)[0].hash

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SupervisionJournal):
            return NotImplemented
        return self._length == other._length and self.head_hash == other.head_hash

    def __hash__(self) -> int:
        return hash((self._length, self.head_hash))

    def __repr__(self) -> str:
        return f"<SupervisionJournal version={self._length} head={self.head_hash[:12]}>"

    def as_of(self, at: dt.datetime) -> SupervisionJournal:
        """The journal as it stood at ``at``: the entries recorded at or before it."""
        n = self._log.length_at(at, self._length)
        return self if n == self._length else SupervisionJournal._view(self._log, n)

    def is_issued(self, key: str) -> bool:
        """True when a notice with this key is recorded."""
        position = self._log.issued.get(key)
        return position is not None and position < self._length

    def record(
        self, event: SupervisionEvent, *, actor: str, at: dt.datetime, reason: str = ""
    ) -> SupervisionJournal:
        """A new journal with ``event`` recorded; this one is unchanged.

        Refuses (raising :class:`~govops.exceptions.EscalationError`, recording nothing) a second
        notice with the same key, an answer or approval for an unknown key, and entries out of time
        order (:class:`~govops.exceptions.InvalidInputError`).
        """
        if not isinstance(event, SupervisionEvent) or type(event) is SupervisionEvent:
            raise InvalidTypeError(
                f"event={event!r}; expected a supervision event such as NoticeIssued"
            )
        check_recording(actor, at, reason)
        with self._log.lock:
            log = self._log if self._length == len(self._log) else self._fork()
            log.add(log.make(event, actor=actor, at=at, reason=reason))
            return SupervisionJournal._view(log, len(log))

    def _fork(self) -> _Log:
        """A log of its own holding this journal's prefix (to branch from an older version)."""
        log = _Log()
        for entry in self._log.entries[: self._length]:
            log.add(entry)  # checked when first recorded
        return log

    def verify(self) -> None:
        """Recompute the chain; raise :class:`~govops.exceptions.IntegrityError` if broken."""
        SupervisionJournal.from_entries(self.entries)
