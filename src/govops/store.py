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
import gc
import itertools
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, final

import attrs
import cattrs

from .exceptions import (
    ConcurrencyError,
    IntegrityError,
    InvalidInputError,
    InvalidTypeError,
    LedgerError,
)
from .serialization import SCHEMA, converter
from .tasks import (
    Category,
    Deadline,
    Entry,
    Event,
    Ledger,
    LedgerPolicy,
    Light,
    Plan,
    Responsibility,
    Source,
    Task,
    WorkingCalendar,
)
from .tasks._canonical import GENESIS_HASH, rehash
from .tasks._events import EVENT_TYPES

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


# -- reading events back fast -----------------------------------------------------------------------
#
# Replaying a store is mostly decoding. Three shortcuts make it faster without trusting the file
# any more than before: every value is still built by its class's __init__, so every converter and
# validator still runs, and anything unusual takes the converter's own path (tests/test_store.py
# holds the two together on golden files, malformed documents and generated ledgers).
#
# * Events whose fields are all plain (str, number, str tuple, enum) go straight to their __init__,
#   as govops.serialization does, without cattrs' dispatch in between.
# * A task's responsibility, deadline, source and plan are usually the same as another task's (the
#   same office, the same leader, the same year-end deadline). They are decoded once per distinct
#   JSON value and the frozen value is shared: equal input gives an equal value, so sharing is
#   exact, and it saves the memory of a copy per task. The memo is bounded (_SHARED_LIMIT).
# * A task whose JSON has exactly the expected keys and value types is built by one call to
#   Task(...) rather than through cattrs' generic optional and union handling.

_PLAIN_FIELD_TYPES: tuple[Any, ...] = (str, float | None, tuple[str, ...], Light)
_SHARED_TYPES: tuple[type, ...] = (Responsibility, Deadline, Source, Plan)
_SHARED_LIMIT = 4096  # distinct values remembered per type before the memo starts afresh


def _is_plain(cls: type[Event]) -> bool:
    """True when every field of ``cls`` is set by its __init__ from a plain JSON value."""
    try:
        # cattrs resolves the string annotations in place when it first meets a class; resolve
        # them here too, so the answer does not depend on what was decoded before.
        attrs.resolve_types(cls)
    except Exception:  # an annotation that cannot be resolved: take the general path
        return False
    return all(a.init and a.type in _PLAIN_FIELD_TYPES for a in attrs.fields(cls))


def _make_replay_converter() -> cattrs.Converter:
    """A copy of the govops converter that decodes each distinct shared value once."""
    c = converter.copy()
    shared: dict[type, Callable[[Any, Any], Any]] = {}
    for cls in _SHARED_TYPES:
        shared[cls] = _shared_hook(converter.get_structure_hook(cls))
        c.register_structure_hook(cls, shared[cls])
    task_hook = _direct_hook(Task, shared, converter.get_structure_hook(Task))
    if task_hook is not None:
        c.register_structure_hook(Task, task_hook)
    return c


def _shared_hook(hook: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    memo: dict[str, Any] = {}

    def structure(data: Any, cls: Any) -> Any:
        # repr() of parsed JSON is exact (quotes escaped, 1, 1.0 and True apart) and cheaper
        # than dumping it again; dicts whose keys come in another order merely miss the memo.
        key = repr(data)
        value = memo.get(key)
        if value is None:
            value = hook(data, cls)
            if len(memo) >= _SHARED_LIMIT:
                memo.clear()
            memo[key] = value
        return value

    return structure


# How a field of a directly structured class is read from JSON: passed as it is (to the class's own
# converter and validator) when its JSON type is one of these, else the class goes through cattrs.
_AS_IS: dict[Any, tuple[type, ...]] = {
    str: (str,),
    str | None: (str, type(None)),
    float | None: (float, int, type(None)),
    Category: (str,),
}


def _direct_hook(
    cls: type, shared: dict[type, Callable[[Any, Any], Any]], fallback: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Any] | None:
    """A structure hook for ``cls`` that calls its __init__ with the JSON values as they are, the
    shared values from ``shared`` and dates parsed; ``None`` when a field is of another type.

    The JSON of a task has exactly these fields when govops wrote it; anything else (a missing or
    extra key, a value of an unexpected JSON type) is left to ``fallback``, cattrs' hook, so what
    is read and what is refused stay the same.
    """
    attrs.resolve_types(cls)
    plan: list[tuple[str, int, Any]] = []  # (name, how, arg): 0 as is, 1 shared, 2 date
    for a in attrs.fields(cls):
        if not a.init:
            return None
        kind = a.type
        optional = False
        if kind in _AS_IS:
            plan.append((a.name, 0, _AS_IS[kind]))
            continue
        for candidate in (*shared, dt.date):
            if kind == candidate or kind == candidate | None:
                optional = kind != candidate
                break
        else:
            return None
        if candidate is dt.date:
            plan.append((a.name, 2, optional))
        else:
            plan.append((a.name, 1, (shared[candidate], candidate, optional)))
    names = frozenset(name for name, _, _ in plan)
    fromiso = dt.date.fromisoformat

    def structure(data: Any, _: Any) -> Any:
        if type(data) is not dict or data.keys() != names:
            return fallback(data, cls)
        kwargs = {}
        for name, how, arg in plan:
            value = data[name]
            if how == 0:
                if type(value) not in arg:
                    return fallback(data, cls)
            elif value is None:
                if not (arg if how == 2 else arg[2]):
                    return fallback(data, cls)
            elif how == 1:
                value = arg[0](value, arg[1])
            elif type(value) is str and len(value) == 10:
                try:
                    value = fromiso(value)
                except ValueError:
                    return fallback(data, cls)  # which explains what is wrong with the date
            else:
                return fallback(data, cls)
            kwargs[name] = value
        return cls(**kwargs)

    return structure


def _entry_slots() -> tuple[Callable[[Entry, Any], None], ...] | None:
    """The slot setters of :class:`Entry`, in field order, when building an entry slot by slot is
    exactly what its ``__init__`` does (no default, converter, validator or post-init hook would be
    skipped); ``None`` otherwise, and entries are built by ``Entry(...)``.

    A replay builds a million entries, and attrs' frozen ``__init__`` goes through
    ``object.__setattr__`` for each field: setting the slots directly takes half the time. Nothing
    is trusted that was not trusted before: ``Entry.__init__`` checks nothing.
    """
    names = ("seq", "event", "at", "actor", "reason", "prev_hash", "hash")
    fields = attrs.fields(Entry)
    if (
        tuple(a.name for a in fields) != names
        or any(a.converter is not None or a.validator is not None for a in fields)
        or hasattr(Entry, "__attrs_post_init__")
        or hasattr(Entry, "__attrs_pre_init__")
    ):
        return None
    try:
        return tuple(Entry.__dict__[name].__set__ for name in names)
    except (KeyError, AttributeError):  # not slotted after all
        return None


_ENTRY_SLOTS = _entry_slots()


class _EventReader:
    """Decodes stored event JSON into events, equal to what ``converter`` gives (see above)."""

    __slots__ = ("_classes", "_converter", "plain")

    def __init__(self) -> None:
        self._converter: cattrs.Converter | None = None
        self.plain: dict[str, type[Event]] = {}  # kind -> class, for plain-field events
        self._classes: dict[str, type[Event]] = {}  # kind -> class, for the others

    def __call__(self, data: Any) -> Event:
        kind = data.get("type") if type(data) is dict else None
        if not isinstance(kind, str):
            return _structure_event(data)
        cls = self.plain.get(kind)
        if cls is not None:
            del data["type"]
            try:
                return cls(**data)
            except TypeError as exc:  # a missing or unexpected field, named as serialization does
                raise InvalidInputError(f"cannot read a {cls.__name__}: {exc}") from exc
        cls = self._classes.get(kind)
        if cls is None:
            found = EVENT_TYPES.get(kind)
            if found is None:
                return _structure_event(data)  # an unknown kind: the converter explains
            (self.plain if _is_plain(found) else self._classes)[kind] = found
            return self(data)
        if self._converter is None:
            self._converter = _replay_converter()
        fields = {k: v for k, v in data.items() if k != "type"}
        event: Event = self._converter.structure(fields, cls)
        return event


def _structure_event(data: Any) -> Event:
    """``data`` read by the govops converter, which explains what is wrong with it."""
    event: Event = converter.get_structure_hook(Event)(data, Event)
    return event


_REPLAY_CONVERTER: list[cattrs.Converter] = []


def _replay_converter() -> cattrs.Converter:
    if not _REPLAY_CONVERTER:
        _REPLAY_CONVERTER.append(_make_replay_converter())
    return _REPLAY_CONVERTER[0]


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
        read = _EventReader()
        plain = read.plain
        cursor = self._db.execute(
            "SELECT seq, at, actor, reason, event, prev_hash, hash FROM entries "
            "WHERE seq > ? ORDER BY seq",
            (since,),
        )
        fromiso = dt.datetime.fromisoformat
        slots = _ENTRY_SLOTS
        new = object.__new__
        if slots is not None:
            set_seq, set_event, set_at, set_actor, set_reason, set_prev, set_hash = slots
        # Entries written together share their time, actor and reason, and each prev_hash is the
        # hash before it: reusing the objects already read rather than holding a copy per entry
        # saves parsing and about a fifth of a loaded ledger's memory. Values are unchanged.
        actors: dict[str, str] = {}
        last_reason = ""
        last_at_text = ""
        last_at: dt.datetime | None = None
        last_hash = ""
        seq = since
        try:
            while rows := cursor.fetchmany(4096):
                # One json.loads per chunk rather than per row: replay is dominated by parsing.
                events = json.loads("[" + ",".join(row[4] for row in rows) + "]")
                for (seq, at_text, actor, reason, _, prev_hash, digest), data in zip(
                    rows, events, strict=True
                ):
                    if at_text != last_at_text or last_at is None:
                        last_at, last_at_text = fromiso(at_text), at_text
                    if prev_hash == last_hash:
                        prev_hash = last_hash
                    if reason == last_reason:
                        reason = last_reason
                    last_reason = reason
                    # The reader's common case inlined: a plain event of a kind already seen.
                    kind = data.get("type") if type(data) is dict else None
                    cls = plain.get(kind) if type(kind) is str else None
                    if cls is not None:
                        del data["type"]
                        try:
                            event = cls(**data)
                        except TypeError as exc:
                            raise InvalidInputError(f"cannot read a {cls.__name__}: {exc}") from exc
                    else:
                        event = read(data)
                    if slots is None:
                        yield Entry(
                            seq,
                            event,
                            at=last_at,
                            actor=actors.setdefault(actor, actor),
                            reason=reason,
                            prev_hash=prev_hash,
                            hash=digest,
                        )
                    else:  # what Entry(...) does, slot by slot (see _entry_slots)
                        entry = new(Entry)
                        set_seq(entry, seq)
                        set_event(entry, event)
                        set_at(entry, last_at)
                        set_actor(entry, actors.setdefault(actor, actor))
                        set_reason(entry, reason)
                        set_prev(entry, prev_hash)
                        set_hash(entry, digest)
                        yield entry
                    last_hash = digest
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
        replays two to three times as fast; every event is still decoded and validated as
        :mod:`govops.serialization` does. ``policy`` defaults to the stored one. The garbage
        collector is paused during the replay and resumed as it was found.
        """
        if policy is None:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'policy'").fetchone()
            policy = converter.structure(json.loads(row[0]), LedgerPolicy) if row else None
        # A replay makes millions of objects that all stay alive, and the cyclic garbage collector
        # would walk them over and over while they are made (a third of the time of a large load)
        # to find nothing. It is paused for the load and resumed as it was found.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return Ledger.from_entries(
                self.entries(), calendar=calendar, policy=policy, verify=verify
            )
        finally:
            if collecting:
                gc.enable()

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
