"""The record's values: the event base class, the entry that records one, and the registry of
event kinds.

An event says *what* happened; the :class:`Entry` that wraps it in a record says *who*
(``actor``), *when* (``at``, an aware datetime), *why* (``reason``), its place in the record
(``seq``) and the hash that chains it to the entry before. Every event class has a ``kind``, its
name in JSON and in the hash; :data:`EVENTS` knows every kind, registered by the package that
defines it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar, final

import attrs

from .._checks import check_text
from ..exceptions import InvalidInputError, InvalidTypeError
from ._upcast import Upcaster, Upcasters

__all__ = ["EVENTS", "INLINE", "Entry", "Event", "EventRegistry", "RecordEvent", "inline"]


INLINE = "__govops_inline__"
"""The attribute :func:`inline` sets on a converter or validator."""


def inline(function: Callable[..., Any], when: str, value: str = "{v}") -> None:
    """Say when a converter or validator is trivial: whenever the Python expression ``when``
    holds of the value (written ``{v}``), the converter returns ``value`` (an expression too) and
    the validator passes. ``when`` must be a sufficient condition, no more.

    A replay builds a million events, and calling these small functions is a fifth of the cost
    of building one; the generated builders (:mod:`govops._record._builders`) test ``when``
    inline instead, and call the function for every other value. The function stays the
    definition; tests hold the two together.
    """
    setattr(function, INLINE, (when, value))


def _task_id(_instance: object, _attribute: object, value: str) -> None:
    check_text(value, "task_id", empty=False)


# Text that is all ASCII holds no lone surrogate.
inline(_task_id, "type({v}) is str and {v}.isascii() and {v}.strip()")


@attrs.frozen
class Event:
    """Base of every event a record keeps; ``task_id`` names the task it is about, and is empty
    for an event about the record as a whole (a :class:`RecordEvent`)."""

    kind: ClassVar[str] = "event"
    task_id: str = attrs.field(validator=_task_id)


@attrs.frozen
class RecordEvent(Event):
    """Base of events about the record as a whole rather than one task: a change of the rules
    the record is kept under, or one decision that concerns many tasks at once.

    They are kept, hashed and replayed like every other event, in the same chain, so that what
    changes the meaning of later entries is itself part of the record. Their ``task_id`` is
    always ``""``, which no task can have: code that groups entries by task sees them apart.

    >>> from govops.tasks import LedgerPolicy, PolicyChanged
    >>> PolicyChanged(LedgerPolicy()).task_id
    ''
    """

    kind: ClassVar[str] = "record_event"
    task_id: str = attrs.field(init=False, default="", repr=False)

    def concerns(self) -> tuple[str, ...]:
        """The tasks this event is about, each of which the record must hold (none by default)."""
        return ()


@final
@attrs.frozen
class Entry:
    """One event as recorded.

    ``seq`` counts from 1; ``prev_hash`` is the ``hash`` of the entry before (64 zeros for the
    first); ``hash`` is the sha256 of the previous hash and the canonical JSON of this entry, so
    changing, removing or reordering anything breaks every later hash.
    """

    seq: int
    event: Event
    at: dt.datetime = attrs.field(kw_only=True)
    actor: str = attrs.field(kw_only=True)
    reason: str = attrs.field(default="", kw_only=True)
    prev_hash: str = attrs.field(kw_only=True)
    hash: str = attrs.field(kw_only=True)

    @property
    def task_id(self) -> str:
        """The task the event is about (``""`` for a :class:`RecordEvent`)."""
        return self.event.task_id


@final
class EventRegistry(Mapping[str, type[Event]]):
    """Every event class by its ``kind``: a read-only mapping that the packages defining events
    add to with :meth:`register`.

    A look-up or a listing first imports the packages known to define events (``providers``), so
    that reading a record never depends on which package happened to be imported first.
    """

    __slots__ = ("_classes", "_loaded", "_lock", "_providers", "upcasters")

    def __init__(self, providers: tuple[str, ...] = ()) -> None:
        self._classes: dict[str, type[Event]] = {}
        self.upcasters = Upcasters()  # how documents of older shapes are read
        self._providers = providers
        self._loaded = not providers
        self._lock = threading.RLock()

    def register(self, cls: type[Event]) -> None:
        """Make ``cls`` known by its own ``kind``; the same class again does nothing, another
        class of a taken kind raises :class:`~govops.exceptions.InvalidInputError`."""
        if not isinstance(cls, type) or not issubclass(cls, Event) or cls in (Event, RecordEvent):
            raise InvalidTypeError(f"cls={cls!r}; expected a subclass of Event")
        kind = cls.__dict__.get("kind")
        if not isinstance(kind, str) or not kind.strip():
            raise InvalidInputError(
                f"{cls.__qualname__} has no kind of its own (kind={kind!r}); give it "
                "kind: ClassVar[str] = '<name>'"
            )
        with self._lock:
            taken = self._classes.get(kind)
            if taken is not None and taken is not cls:
                raise InvalidInputError(
                    f"event kind {kind!r} of {cls.__module__}.{cls.__qualname__} is already "
                    f"taken by {taken.__module__}.{taken.__qualname__}; choose another kind"
                )
            self._classes[kind] = cls

    def register_upcaster(self, kind: str, version: int, upcaster: Upcaster) -> None:
        """Read stored events of ``kind`` at ``version`` (1 for every event stored before its
        kind had an upcaster) with ``upcaster``, a function from the fields of that version
        (a dict of JSON values, without ``"type"``) to those of version ``version + 1``, which
        becomes the kind's current version (see :mod:`govops._record._upcast`)."""
        cls = self.get(kind)
        if cls is not None and not all(a.init for a in attrs.fields(cls)):
            # Its stored document lacks the fields __init__ does not set, which its hash covers.
            raise InvalidInputError(
                f"event kind {kind!r} has fields not set by its __init__; it cannot be upcast"
            )
        self.upcasters.register(kind, version, upcaster)

    def _load(self) -> dict[str, type[Event]]:
        if not self._loaded:
            with self._lock:
                if not self._loaded:
                    self._loaded = True
                    for name in self._providers:
                        importlib.import_module(name)
        return self._classes

    def __getitem__(self, kind: str) -> type[Event]:
        found = self._classes.get(kind)
        return found if found is not None else self._load()[kind]

    def get(self, kind: object, default: Any = None) -> Any:
        found = self._classes.get(kind) if isinstance(kind, str) else None
        if found is None and isinstance(kind, str):
            found = self._load().get(kind)
        return default if found is None else found

    def __contains__(self, kind: object) -> bool:
        return self.get(kind) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._load()))

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        return f"<EventRegistry of {len(self)} kinds>"


EVENTS = EventRegistry(providers=("govops.tasks", "govops.escalation"))
"""The event kinds of govops: the task events, the supervision events and every annotation type
registered with :func:`govops.tasks.register_event_type`."""
