"""The ledger (台账): an append-only, hash-chained record of task events, and what follows from it.

A :class:`Ledger` is an immutable value. ``record()`` returns a new ledger one entry longer and
leaves the old one as it was. Internally, ledgers that extend one another share a single
append-only log and each sees its own prefix, so appending costs O(1) rather than a copy of the whole
record; appending to an older ledger (a branch) copies the prefix it sees first. Nothing ever
changes an entry once it is in a log. See ``docs/explanation/progress.md``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import final

from .._html import table
from .._record import (
    GENESIS_HASH,
    check_link,
    check_recording,
    entry_hash,
    instant,
    rehash,
)
from .._time import as_local_date, calendar_tz, is_before, require_aware
from ..exceptions import IntegrityError, InvalidInputError, InvalidTypeError, UnknownTaskError
from ._events import Entry, Event, TaskAssigned
from ._ledger_policy import LedgerPolicy
from ._log import _Log
from ._model import WorkingCalendar
from ._queries import LedgerQueries
from ._replay import Columns, check_hash, replay
from ._state import TaskState, TaskView, _Track
from ._transitions import Context, apply, new_track

__all__ = ["Ledger"]


def _check_record(event: object, actor: object, at: object, reason: object) -> None:
    """What ``Ledger.record`` requires of its arguments, or the error that says what is wrong."""
    if not isinstance(event, Event) or type(event) is Event:
        raise InvalidTypeError(f"event={event!r}; expected a ledger event such as TaskAssigned")
    check_recording(actor, at, reason)


_CHUNK = 1024  # entries taken apart at a time by from_entries
_HTML_ROWS = 50  # tasks a notebook shows of a ledger; the rest are counted


def _entry_columns(entries: Iterable[Entry]) -> Iterator[Columns]:
    """``entries`` as :data:`~govops.tasks._replay.Columns` for the replay, a chunk at a time,
    each checked to be an :class:`Entry` that links to the one before it."""
    prev, expected = GENESIS_HASH, 1
    rest = iter(entries)
    while chunk := list(itertools.islice(rest, _CHUNK)):
        for entry in chunk:
            if type(entry) is not Entry:
                raise InvalidTypeError(f"entries contains {entry!r}; expected Entry values")
            if entry.seq != expected or entry.prev_hash != prev:
                check_link(entry.seq, expected, entry.prev_hash, prev)  # which says what is wrong
            prev, expected = entry.hash, expected + 1
        yield (
            [e.event for e in chunk],
            [e.at for e in chunk],
            [e.actor for e in chunk],
            [e.reason for e in chunk],
            [e.hash for e in chunk],
        )


@final
class Ledger(LedgerQueries):
    """An append-only, hash-chained record of task events and its projections.

    >>> import datetime as dt, govops.calendars as gc
    >>> from govops.tasks import Ledger, Task, TaskAssigned, Deadline, Responsibility, Unit
    >>> cst = dt.timezone(dt.timedelta(hours=8))
    >>> task = Task("T1", "Repair the bridge", category="key_works",
    ...             responsibility=Responsibility(Unit("roads", "Roads office")),
    ...             deadline=Deadline.on(dt.date(2026, 6, 30)))
    >>> ledger = Ledger(calendar=gc.calendar("CN"))
    >>> ledger = ledger.record(TaskAssigned(task), actor="office", at=dt.datetime(2026, 3, 2, 9, tzinfo=cst))
    >>> ledger.state("T1").status
    <Status.ASSIGNED: 'assigned'>
    >>> ledger.version
    1
    """

    __slots__ = ("__weakref__", "_length", "_log", "_private")

    def __init__(self, *, calendar: WorkingCalendar, policy: LedgerPolicy | None = None) -> None:
        """An empty ledger counting on ``calendar`` and enforcing ``policy`` (by default
        ``LedgerPolicy()``) until a :class:`~govops.tasks.PolicyChanged` entry changes it."""
        for method in ("is_working_day", "add_working_days", "working_days_between"):
            if not callable(getattr(calendar, method, None)):
                raise InvalidTypeError(
                    f"calendar={calendar!r} has no {method}(); expected a WorkCalendar"
                )
        if policy is None:
            policy = LedgerPolicy()
        elif not isinstance(policy, LedgerPolicy):
            raise InvalidTypeError(f"policy={policy!r}; expected a LedgerPolicy")
        self._log = _Log(Context(calendar, policy, calendar_tz(calendar)))
        self._length = 0
        self._private: _Log | None = None

    @classmethod
    def _view(cls, log: _Log, length: int) -> Ledger:
        ledger = cls.__new__(cls)
        ledger._log = log
        ledger._length = length
        ledger._private = None
        return ledger

    @classmethod
    def from_entries(
        cls,
        entries: Iterable[Entry],
        *,
        calendar: WorkingCalendar,
        policy: LedgerPolicy | None = None,
        verify: bool = True,
    ) -> Ledger:
        """Rebuild a ledger from recorded entries (e.g. read from a store or a JSON file).

        The sequence numbers and the links between hashes are always checked, and every event is
        checked against the state machine; ``verify=True`` (the default) also recomputes every hash.
        Raises :class:`~govops.exceptions.IntegrityError` on a broken chain and
        :class:`~govops.exceptions.InvalidInputError` for an entry whose time is not aware.
        """
        ledger = cls(calendar=calendar, policy=policy)
        ledger._log.hashes_checked = verify
        replay(ledger._log, _entry_columns(entries), verify=verify)
        ledger._length = len(ledger._log)
        return ledger

    @classmethod
    def _from_columns(
        cls,
        chunks: Iterable[Columns],
        *,
        calendar: WorkingCalendar,
        policy: LedgerPolicy | None = None,
        verify: bool = True,
        size: int = 0,
    ) -> Ledger:
        """:meth:`from_entries` for a store's replay, which reads entries a chunk at a time as
        :data:`~govops.tasks._replay.Columns` that continue one another: their sequence numbers
        and hash links were checked by the reader, all the rest is checked as ``from_entries``
        does. No :class:`Entry` is made. ``size``, the number of entries expected, sizes the
        columns once."""
        ledger = cls(calendar=calendar, policy=policy)
        ledger._log.hashes_checked = verify
        replay(ledger._log, chunks, verify=verify, size=size)
        ledger._length = len(ledger._log)
        return ledger

    # -- the record -------------------------------------------------------------------------------

    @property
    def calendar(self) -> WorkingCalendar:
        """The calendar deadlines and working days are counted on."""
        return self._log.ctx.calendar

    @property
    def policy(self) -> LedgerPolicy:
        """The procedural rules in force after the last entry: the policy the ledger was made
        with, or the one its last :class:`~govops.tasks.PolicyChanged` entry put in force."""
        return self._log.ctx.policy_at(self._length)

    def policy_at(self, version: int) -> LedgerPolicy:
        """The policy in force after the first ``version`` entries; ``policy_at(0)`` is the one
        the ledger was made with (what a store keeps beside the chain, see
        ``docs/explanation/record.md``)."""
        self._check_version(version)
        return self._log.ctx.policy_at(version)

    @property
    def version(self) -> int:
        """The number of entries, i.e. the ``seq`` of the last one (0 when empty)."""
        return self._length

    @property
    def head_hash(self) -> str:
        """The hash of the last entry; it fingerprints the whole record."""
        return self._log.head_hash(self._length)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry, in order.

        A ledger keeps its record compactly and builds the entries when they are read: equal
        entries every time, but not the same objects, so hold on to the tuple rather than reading
        it again in a loop.
        """
        return tuple(self._log.slice(0, self._length))

    def entries_since(self, version: int) -> tuple[Entry, ...]:
        """The entries after ``version`` (what a store that holds ``version`` entries lacks)."""
        self._check_version(version)
        return tuple(self._log.slice(version, self._length))

    def timed_events(self, since: int = 0) -> Iterator[tuple[Event, dt.datetime]]:
        """``(event, at)`` of each entry after version ``since``, in order.

        What a projection of one's own needs, without building an :class:`Entry` (with its
        hashes) per event as ``entries_since`` does.
        """
        self._check_version(since)
        log = self._log
        if log.lazy is not None and since < log.lazy.version:
            log.fill()
        return zip(log.events[since : self._length], log.ats[since : self._length], strict=True)

    def hash_at(self, version: int) -> str:
        """The hash of the entry whose ``seq`` is ``version`` (the genesis hash for 0): the
        fingerprint of the record up to that entry."""
        self._check_version(version)
        return self._log.head_hash(version)

    def _check_version(self, version: object) -> None:
        if isinstance(version, bool) or not isinstance(version, int):
            raise InvalidTypeError(f"version={version!r}; expected an int")
        if not 0 <= version <= self._length:
            raise InvalidInputError(f"version={version!r}; expected 0 to {self._length}")

    def open_task_views(self, *, now: dt.datetime) -> Sequence[TaskView]:
        """The tasks still to be done at ``now``, as :meth:`open_tasks` lists them, but as
        :class:`~govops.tasks.TaskView` values read straight from the projection rather than
        a frozen :class:`TaskState` each: for code that reads a few fields of many tasks and
        freezes only the ones it keeps. Read them before recording anything more on this ledger.

        >>> import datetime as dt, govops
        >>> from govops.tasks import Ledger
        >>> Ledger(calendar=govops.calendar("CN")).open_task_views(
        ...     now=dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc))
        []
        """
        return [t for t in self._at(now).tracks.values() if t.open]

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ledger):
            return NotImplemented
        n = self._length
        if (
            n != other._length
            or self.head_hash != other.head_hash
            or self.policy_at(0) != other.policy_at(0)
        ):
            return False
        # Entry by entry, as the entries would compare, without building them: the seq is the
        # position and each prev_hash the hash before.
        mine, theirs = self._log, other._log
        return mine.same_entries(theirs, n)

    def __hash__(self) -> int:
        return hash((self._length, self.head_hash))

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Pickle as the entries and replay on load: the shared log holds a lock and caches.
        return (_unpickle, (self.entries, self.calendar, self.policy_at(0)))

    def __repr__(self) -> str:
        return f"<Ledger version={self._length} tasks={len(self._current().tracks)} head={self.head_hash[:12]}>"

    def _repr_html_(self) -> str:
        """The ledger in Jupyter: its tasks as they stand after the last entry (the first 50)."""
        states = self.states()
        rows = [
            (
                s.id,
                s.task.title,
                s.task.responsibility.lead_unit.name,
                s.status.value,
                s.due.isoformat(),
                f"{s.percent:g}%",
            )
            for s in states[:_HTML_ROWS]
        ]
        more = (
            f"<p>… and {len(states) - _HTML_ROWS} more tasks</p>"
            if len(states) > _HTML_ROWS
            else ""
        )
        caption = f"Ledger: {len(self)} entries, {len(states)} tasks, head {self.head_hash[:12]}"
        head = ("task", "title", "lead unit", "status", "due", "progress")
        return table(caption, head, rows) + more

    def record(self, event: Event, *, actor: str, at: dt.datetime, reason: str = "") -> Ledger:
        """A new ledger with ``event`` recorded by ``actor`` at ``at``; this one is unchanged.

        Raises a :class:`~govops.exceptions.LedgerError` (and records nothing) when the event is not
        allowed in the task's current state, and :class:`~govops.exceptions.InvalidInputError` when
        ``at`` is earlier than the last entry: a ledger is written in time order.
        """
        _check_record(event, actor, at, reason)
        return self._recorded(event, actor, at, reason, None)

    def _recorded(
        self, event: Event, actor: str, at: dt.datetime, reason: str, digest: str | None
    ) -> Ledger:
        """``record``, its arguments checked; ``digest`` is the entry's hash when the caller
        has computed it already."""
        log = self._log
        with log.lock:
            if self._length != len(log):
                log = self._fork()
            last_at = log.last_at()
            if last_at is not None and is_before(at, last_at):
                raise InvalidInputError(
                    f"at={at!r} is earlier than the last entry ({last_at!r}); "
                    "a ledger is written in time order"
                )
            seq = self._length + 1
            if digest is None:
                prev = log.head_hash(self._length)
                digest = entry_hash(
                    seq=seq, event=event, at=at, actor=actor, reason=reason, prev_hash=prev
                )
            # The one replay loop, for one entry; a refused event changes nothing in the log.
            replay(log, [([event], [at], [actor], [reason], [digest])], verify=False)
            return Ledger._view(log, seq)

    def record_many(self, items: Iterable[tuple[Event, str, dt.datetime, str]]) -> Ledger:
        """Record ``(event, actor, at, reason)`` items in order; all or nothing.

        If any item is refused, the error is raised and no ledger with a partial batch is returned.
        """
        ledger = self
        for event, actor, at, reason in items:
            ledger = ledger.record(event, actor=actor, at=at, reason=reason)
        return ledger

    def _extend(self, entries: Iterable[Entry]) -> Ledger:
        """This ledger followed by ``entries``, each checked as a replay with ``verify=True``
        checks it: its place in the chain, its hash, its time and its transition. Raises the
        error of the first entry refused; this ledger is unchanged either way.

        An entry that this ledger's log already holds right after it, recorded through a newer
        view of the same log with the same hash, is taken as it is: it was checked when recorded.
        """
        ledger = self
        for entry in entries:
            if type(entry) is not Entry:
                raise InvalidTypeError(f"entries contains {entry!r}; expected Entry values")
            n, log = ledger._length, ledger._log
            check_link(entry.seq, n + 1, entry.prev_hash, ledger.head_hash)
            _check_record(entry.event, entry.actor, entry.at, entry.reason)
            last_at = log.last_at() if n == len(log) else log.entry(n - 1).at if n else None
            if last_at is not None and is_before(entry.at, last_at):
                raise IntegrityError(f"entry seq={entry.seq} is dated before the entry before it")
            if len(log) > n and log.hashes_checked and log.hash_of(n) == entry.hash:
                ledger = Ledger._view(log, n + 1)
                continue
            check_hash(entry.seq, rehash(entry), entry.hash)
            ledger = ledger._recorded(entry.event, entry.actor, entry.at, entry.reason, entry.hash)
        return ledger

    def _fork(self) -> _Log:
        """A private log holding this ledger's prefix (used to branch from an older version)."""
        source, n = self._log, self._length
        source.fill()
        log = _Log(source.ctx.started())
        log.hashes_checked = source.hashes_checked
        reasons = [source.reasons.get(i, "") for i in range(n)]
        prefix = (source.events[:n], source.ats[:n], source.actors(0, n), reasons)
        replay(log, [(*prefix, bytes(source.digests[: 32 * n]))], verify=False, size=n)
        log.odd = {i: h for i, h in source.odd.items() if i < n}  # hashes kept as recorded
        return log

    def _current(self) -> _Log:
        """A log whose projection is exactly this ledger's (shared when this is the newest)."""
        if self._length == len(self._log):
            return self._log
        if self._private is None:
            self._private = self._fork()
        return self._private

    def verify(self) -> None:
        """Recompute the hash chain; raise :class:`~govops.exceptions.IntegrityError` if broken."""
        prev = GENESIS_HASH
        for entry in self._log.slice(0, self._length):
            if entry.prev_hash != prev:
                raise IntegrityError(
                    f"entry seq={entry.seq} does not link to the entry before it: the record was altered"
                )
            actual = rehash(entry)
            if actual != entry.hash:
                raise IntegrityError(
                    f"entry seq={entry.seq} hashes to {actual!r}, not its recorded hash "
                    f"{entry.hash!r}: the entry was altered"
                )
            prev = entry.hash

    # -- projections ------------------------------------------------------------------------------

    def _day(self, now: object, name: str = "now") -> dt.date:
        require_aware(now, name=name)
        return as_local_date(now, self._log.ctx.tz, name=name)

    def as_of(self, at: dt.datetime) -> Ledger:
        """The ledger as it stood at ``at``: the entries recorded at or before it."""
        require_aware(at, name="at")
        if self._length and not is_before(at, self._log.ats[self._length - 1]):
            return self
        self._log.fill()
        # Compared as instants: two times of one zone compare by their wall clocks in Python.
        n = bisect.bisect_right(self._log.ats, instant(at), 0, self._length, key=instant)
        return self if n == self._length else Ledger._view(self._log, n)

    def _at(self, now: dt.datetime) -> _Log:
        require_aware(now, name="now")
        if self._length and is_before(now, self._log.ats[self._length - 1]):
            return self.as_of(now)._current()
        return self._current()

    @property
    def task_ids(self) -> tuple[str, ...]:
        """Every task id, in order of assignment."""
        return tuple(self._current().tracks)

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._current().tracks

    def state(self, task_id: str, *, at: dt.datetime | None = None) -> TaskState:
        """The state of a task now (after every entry) or as it stood at ``at`` (time travel)."""
        if at is None:
            track = self._current().tracks.get(task_id)
            if track is None:
                raise UnknownTaskError(f"task_id={task_id!r} is not in the ledger")
            return track.freeze()
        require_aware(at, name="at")
        if task_id not in self._current().tracks:
            raise UnknownTaskError(f"task_id={task_id!r} is not in the ledger")
        positions = self._log.positions[task_id]
        end = bisect.bisect_left(positions, self._length)
        tracks: dict[str, _Track] = {}
        log = self._log
        ctx = log.ctx.started()  # its policy follows the ledger's at each entry
        entries = log.entries
        for i in positions[:end]:
            entry = entries[i]
            if is_before(at, entry.at):
                break
            if not tracks:  # the parent check needs the parent; this replay is for one task only
                tracks[task_id] = _replay_first(entry, ctx)
                continue
            ctx.policy = log.ctx.policy_at(i)
            apply(tracks, entry.event, seq=entry.seq, at=entry.at, actor=entry.actor, ctx=ctx)
        if not tracks:
            raise UnknownTaskError(
                f"task {task_id!r} was not yet in the ledger at {at.isoformat()}"
            )
        return tracks[task_id].freeze()

    def history(self, task_id: str) -> tuple[Entry, ...]:
        """Every entry about one task, in order."""
        if task_id not in self._current().tracks:
            raise UnknownTaskError(f"task_id={task_id!r} is not in the ledger")
        entries = self._log.entries
        return tuple(entries[i] for i in self._log.positions[task_id] if i < self._length)

    def states(self, *, now: dt.datetime | None = None) -> tuple[TaskState, ...]:
        """Every task's state (as of ``now`` when given), in order of assignment."""
        log = self._current() if now is None else self._at(now)
        return tuple(t.freeze() for t in log.tracks.values())

    def children(self, task_id: str) -> tuple[TaskState, ...]:
        """The tasks whose parent is ``task_id``."""
        if task_id not in self:
            raise UnknownTaskError(f"task_id={task_id!r} is not in the ledger")
        return tuple(
            t.freeze() for t in self._current().tracks.values() if t.task.parent == task_id
        )


def _unpickle(
    entries: tuple[Entry, ...], calendar: WorkingCalendar, policy: LedgerPolicy
) -> Ledger:
    return Ledger.from_entries(entries, calendar=calendar, policy=policy, verify=False)


def _replay_first(entry: Entry, ctx: Context) -> _Track:
    event = entry.event
    assert isinstance(event, TaskAssigned)
    return new_track(event, entry.at, entry.seq, ctx)
