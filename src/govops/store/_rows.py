"""The row codec of the SQLite store: the stored form of events, and reading them back fast.

An event is stored as a JSON array of its kind's code and its values, in the order of its kind's
layout (see "the stored form of events" below); a task's shared values are stored once and
referred to by id. Reading them back is most of a replay, and the shortcuts here make it fast
without trusting the file any more than the govops converter does. Reading and writing a
file's rows a chunk at a time is in ``_sqlite_rows.py``, the transactions in ``_sqlite.py``, the
statements of each file layout in ``_sql.py``; the PostgreSQL store reads its rows (events as
JSON objects) through the same reader.
"""

from __future__ import annotations

import datetime as dt
import json
import marshal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import cattrs

from .._record import EVENTS, VERSION_KEY, check_link, generated_function, init_lines
from ..exceptions import (
    IntegrityError,
    InvalidInputError,
    LedgerError,
)
from ..serialization import converter
from ..tasks import (
    Category,
    Deadline,
    Event,
    Light,
    Plan,
    Responsibility,
    Source,
    Task,
    TaskAssigned,
)
from ..tasks.lowlevel import Columns as Columns

# What decoding a stored value may raise when the file was altered (RecursionError: JSON nested
# too deep to read, never one govops wrote): each store catches it and names what is damaged.
UNREADABLE = (
    cattrs.BaseValidationError,
    cattrs.ForbiddenExtraKeysError,
    ValueError,
    TypeError,
    KeyError,
    RecursionError,
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# -- reading events back fast -----------------------------------------------------------------------
#
# Replaying a store is mostly decoding. These shortcuts make it faster without trusting the file
# any more than before: every converter, validator and post-init hook of every value still runs,
# in the order its attrs __init__ runs them, and anything unusual takes the converter's own path
# (tests/test_store.py holds the two together on golden files, malformed documents, generated
# ledgers and generated field values, accepted or refused).
#
# * Events whose fields are all plain (str, number, str tuple, enum) are built from their JSON
#   values without cattrs' dispatch in between, slot by slot by code generated from the class's
#   attrs fields (init_lines, _slot_builder): attrs' frozen __init__ sets every field through
#   object.__setattr__, a detour that costs as much as the checks. A document whose keys are not
#   exactly the ones govops writes, in its order, goes to the class's __init__ instead.
# * A task's responsibility, deadline, source and plan are usually the same as another task's (the
#   same office, the same leader, the same year-end deadline). They are decoded once per distinct
#   JSON value and the frozen value is shared: equal input gives an equal value, so sharing is
#   exact, and it saves the memory of a copy per task. The memo is bounded (_SHARED_LIMIT).
# * A task whose JSON has exactly the expected keys and value types is built by straight-line code
#   (and slot by slot, as above) rather than through cattrs' generic optional and union handling.
# * Once checked, the events of one task share one task id string, equal non-zero floats one
#   float, and the times of one offset one timezone: equal values, one object.

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


_SEEN: list[dict[int, tuple[Any, Any]]] = []  # the identity memos of the shared hooks


def _forget_seen() -> None:
    """Empty the shared hooks' identity memos (at the end of a read: see ``_shared_hook``)."""
    for seen in _SEEN:
        seen.clear()


def _shared_hook(hook: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    memo: dict[bytes, Any] = {}
    # The value of a JSON object met before, as that very object (a value stored once in a store
    # is parsed once per read, and every task referring to it holds the same object). The object
    # is kept with it, so that its id cannot name another object while remembered; each read
    # forgets them all when it ends (_forget_seen).
    seen: dict[int, tuple[Any, Any]] = {}
    _SEEN.append(seen)

    def structure(data: Any, cls: Any) -> Any:
        hit = seen.get(id(data))
        if hit is not None and hit[0] is data:
            return hit[1]
        value = _structure(data, cls)
        if len(seen) >= _SHARED_LIMIT:
            seen.clear()
        seen[id(data)] = (data, value)
        return value

    def _structure(data: Any, cls: Any) -> Any:
        # marshal (format 0: no references, no interning marks) of parsed JSON is exact (1, 1.0
        # and True apart, each float in 17 digits) and twice as fast as repr(), which keyed this
        # memo before; dicts whose keys come in another order merely miss the memo. A value it
        # cannot write (only possible for data that is not parsed JSON) is not remembered.
        try:
            key = marshal.dumps(data, 0)
        except ValueError:
            return hook(data, cls)
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


def _date_reader() -> Callable[[str], dt.date]:
    """``date.fromisoformat``, giving one object per distinct text (the memo is bounded)."""
    memo: dict[str, dt.date] = {}

    def read(text: str) -> dt.date:
        day = memo.get(text)
        if day is None:
            day = dt.date.fromisoformat(text)
            if len(memo) >= _SHARED_LIMIT:
                memo.clear()
            memo[text] = day
        return day

    return read


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
    # Straight-line code rather than a loop over the plan: a task has fifteen fields, and this
    # runs once per assignment of a replay. Same checks, same order, same fallbacks; the task is
    # then built slot by slot when init_lines can (else by its __init__).
    namespace: dict[str, Any] = {
        "names": frozenset(name for name, _, _ in plan),
        "fallback": fallback,
        "fromiso": _date_reader(),
    }
    namespace["disabled"] = attrs.validators.get_disabled
    lines = [
        "def structure(data, _):",
        "    if type(data) is not dict or data.keys() != names or disabled():",
        "        return fallback(data, target)",
    ]
    for i, (name, how, arg) in enumerate(plan):
        v = f"v_{name}"
        lines.append(f"    {v} = data[{name!r}]")
        if how == 0:
            namespace[f"json_types{i}"] = arg
            lines += [
                f"    if type({v}) not in json_types{i}:",
                "        return fallback(data, target)",
            ]
            continue
        optional = arg if how == 2 else arg[2]
        lines += [
            f"    if {v} is None:",
            "        pass" if optional else "        return fallback(data, target)",
        ]
        if how == 1:
            namespace[f"hook{i}"], namespace[f"cls{i}"] = arg[0], arg[1]
            lines += ["    else:", f"        {v} = hook{i}({v}, cls{i})"]
        else:  # a date; fallback() explains what is wrong with one that does not parse
            lines += [
                f"    elif type({v}) is str and len({v}) == 10:",
                "        try:",
                f"            {v} = fromiso({v})",
                "        except ValueError:",
                "            return fallback(data, target)",
                "    else:",
                "        return fallback(data, target)",
            ]
    init = init_lines(cls, namespace)
    namespace["target"] = cls
    if init is None:
        arguments = ", ".join(f"{name}=v_{name}" for name, _, _ in plan)
        lines.append(f"    return target({arguments})")
    else:
        lines += [*init, "    return self"]
    structure: Callable[[Any, Any], Any] = generated_function(
        lines, "structure", namespace, what=f"reader of {cls.__qualname__}"
    )
    return structure


def _slot_builder(cls: type) -> tuple[tuple[str, ...], Callable[..., Any]] | None:
    """A function that builds the event class ``cls`` from the values of its JSON object, as
    :func:`init_lines` does; with the keys that object must have, in order. ``None`` when
    :func:`init_lines` cannot build ``cls``: then ``cls(**fields)`` does.

    ``build(values, share)`` takes the values of a dict whose keys are ``("type", *fields)`` in
    that order, and ``share``, a ``dict.setdefault`` that maps a string or a non-zero float to
    an equal one already seen (so that, for one, the events of a task share one id string).
    """
    namespace: dict[str, Any] = {}
    init = init_lines(cls, namespace)
    fields = attrs.fields(cls)
    names = tuple(a.name for a in fields)
    if init is None or "type" in names:
        return None
    values = ", ".join(f"v_{name}" for name in names)
    body = ["def build(values, share):", f"    _, {values} = values"]
    # Equal strings (the events of one task share its id; issue ids, notes, …) and equal non-zero
    # floats share one object (-0.0 and 0.0 are equal but not the same value, and NaN is equal
    # to nothing, so zeros and NaN are left alone). Only a str or a float exactly is shared,
    # before the checks: they then see an equal value of the same type, and accept or refuse it
    # as they would the one read.
    for a in fields:
        v = f"v_{a.name}"
        if a.type in (float, float | None):
            body += [
                f"    if type({v}) is float and ({v} > 0.0 or {v} < 0.0):",
                f"        {v} = share({v}, {v})",
            ]
        elif a.type in (str, str | None):
            body += [f"    if type({v}) is str:", f"        {v} = share({v}, {v})"]
    body += init
    body.append("    return self")
    build = generated_function(body, "build", namespace, what=f"row reader of {cls.__qualname__}")
    return ("type", *names), build


def _shared_values() -> Callable[[Any, Any], Any]:
    values: dict[Any, Any] = {}  # strings and non-zero floats, never equal to each other
    return values.setdefault


class _EventReader:
    """Decodes stored event JSON into events, equal to what ``converter`` gives (see above).

    ``builders`` holds, per kind of plain event, the keys its JSON has when govops wrote it and
    the function that builds it from their values (see :func:`_slot_builder`); a document with
    other keys, or of another kind, takes the general path. ``layouts`` and ``shared`` are what a
    store keeps beside its rows: the layout of each kind stored positionally, and the values tasks
    refer to by id (see "the stored form of events" below).
    """

    __slots__ = (
        "_classes",
        "_converter",
        "_hooks",
        "_shared",
        "assigned_directly",
        "builders",
        "layouts",
        "plain",
        "positional",
        "share",
    )

    def __init__(
        self,
        layouts: dict[str, tuple[str, ...]] | None = None,
        shared: dict[int, Any] | None = None,
    ) -> None:
        self._converter: cattrs.Converter | None = None
        self.layouts = layouts or {}  # the stored layouts of positional documents, by kind
        # The stored shared values by id: their JSON, parsed when first referred to.
        self._shared: dict[int, Any] = dict(shared or {})
        self.builders: dict[str, tuple[tuple[str, ...], Callable[..., Event]]] = {}
        # kind -> (length, build) for plain events whose stored layout is their class's fields
        self.positional: dict[str, tuple[int, Callable[..., Event]]] = {}
        self.plain: dict[str, type[Event]] = {}  # kind -> class, for plain-field events
        self._classes: dict[str, type[Event]] = {}  # kind -> class, for the others
        self._hooks: dict[type, Callable[[Any, Any], Any]] = {}  # class -> its structure hook
        self.share: Callable[[Any, Any], Any] = _shared_values()  # one object per value
        # Whether TaskAssigned is stored as ["task_assigned", task], in its class's own layout
        # (see assigned()).
        self.assigned_directly = (
            self.layouts.get(TaskAssigned.kind) == ("task",)
            and EVENTS.get(TaskAssigned.kind) is TaskAssigned
            and tuple(a.name for a in attrs.fields(TaskAssigned) if a.init) == ("task",)
            and TaskAssigned.kind not in EVENTS.upcasters
        )

    def __call__(self, data: Any) -> Event:
        if type(data) is list:
            data = self._object(data)
        kind = data.get("type") if type(data) is dict else None
        if not isinstance(kind, str) or VERSION_KEY in data or kind in EVENTS.upcasters:
            # Unknown, or of a kind whose shape changed: the converter reads it as the current
            # shape, and the event remembers the document it was recorded as.
            return _structure_event(data)
        found = self.builders.get(kind)
        if found is not None and tuple(data) == found[0]:
            return found[1](data.values(), self.share)
        cls = self.plain.get(kind)
        if cls is not None:
            del data["type"]
            try:
                return cls(**data)
            except TypeError as exc:  # a missing or unexpected field, named as serialization does
                raise InvalidInputError(f"cannot read a {cls.__name__}: {exc}") from exc
        cls = self._classes.get(kind)
        if cls is None:
            found_cls = EVENTS.get(kind)
            if found_cls is None:
                return _structure_event(data)  # an unknown kind: the converter explains
            if _is_plain(found_cls):
                self.plain[kind] = found_cls
                builder = _slot_builder(found_cls)
                if builder is not None and not attrs.validators.get_disabled():
                    self.builders[kind] = builder
                    if self.layouts.get(kind) == builder[0][1:]:
                        self.positional[kind] = (len(builder[0]), builder[1])
            else:
                self._classes[kind] = found_cls
            return self(data)
        if cls is TaskAssigned and type(data.get("task")) is dict:
            self._resolve(data["task"])
        if self._converter is None:
            self._converter = _replay_converter()
        hook = self._hooks.get(cls)
        if hook is None:  # what converter.structure() would look up for every event
            hook = self._hooks[cls] = self._converter.get_structure_hook(cls)
        fields = {k: v for k, v in data.items() if k != "type"}
        event: Event = hook(fields, cls)
        return event

    def assigned(self, task: dict[str, Any]) -> Event | None:
        """The TaskAssigned of the unstructured ``task`` stored as ``["task_assigned", task]``,
        built as the general path builds it (the shared values put back, the task by the replay
        converter's hook, the event by its class) without that path's detours: a dict of named
        values, the dispatch on its kind, cattrs' hook for the event. ``None`` when any of it
        fails; the general path then decodes the document again and says what is wrong."""
        if self._converter is None:
            self._converter = _replay_converter()
        try:
            self._resolve(task)
            return TaskAssigned(self._converter.get_structure_hook(Task)(task, Task))
        except Exception:  # decoded again by the general path, which says what is wrong
            return None

    def _resolve(self, task: dict[str, Any]) -> None:
        """Put back into an unstructured task the shared values it refers to by id: the same
        parsed JSON object for every task that refers to one, which the decoder then decodes
        once (see ``_shared_hook``)."""
        for name in _TASK_SHARED:
            ref = task.get(name)
            if type(ref) is not int:
                continue
            value = self._shared.get(ref)
            if value is None:
                raise InvalidInputError(
                    f"the task refers to shared value {ref}, which is not stored"
                )
            if type(value) is str:  # not parsed yet
                value = self._shared[ref] = json.loads(value)
            task[name] = value

    def _object(self, data: list[Any]) -> dict[str, Any]:
        """The JSON object a positional document stands for, named by its kind's layout."""
        kind = data[0] if data else None
        layout = self.layouts.get(kind) if type(kind) is str else None
        if layout is None:
            raise InvalidInputError(
                f"cannot read the event {data!r}: it is stored positionally, and its first "
                "value should be a kind of event with a layout stored"
            )
        if len(data) != len(layout) + 1:
            raise InvalidInputError(
                f"cannot read the {kind} event {data!r}: it has {len(data) - 1} values where "
                f"its stored layout {list(layout)!r} names {len(layout)}"
            )
        return {"type": kind, **dict(zip(layout, data[1:], strict=True))}


_Row = tuple[int, Event, dt.datetime, str, str, str, str]
"""An entry as ``(seq, event, at, actor, reason, prev_hash, hash)``."""


class _Reader:
    """Decodes the stored entries of one read, sharing equal values between them.

    Entries written together share their time, actor and reason, and each ``prev_hash`` is the
    hash before it: one object for equal values, rather than a copy per entry, saves parsing and
    memory. Values are unchanged.
    """

    __slots__ = ("_actors", "_ats", "_events", "_kinds", "_path", "_zones")

    def __init__(
        self,
        path: Path | str,
        layouts: dict[str, tuple[str, ...]],
        shared: dict[int, str],
        kinds: dict[int, str] | None = None,
    ) -> None:
        self._path = path
        self._events = _EventReader(layouts, shared)
        self._kinds = kinds or {}  # the kind of each code a positional event may begin with
        self._actors: dict[str, str] = {}  # actors and reasons, shared
        self._ats: dict[str, dt.datetime] = {}  # ISO text -> the time, shared
        self._zones: dict[dt.tzinfo, dt.tzinfo] = {}

    def _times(self, texts: list[str]) -> list[dt.datetime]:
        """The times written as ``texts``: each distinct one parsed once."""
        known = self._ats
        new = set(texts).difference(known)
        if new and len(known) + len(new) > _SHARED_LIMIT:
            known.clear()
            new = set(texts)
        parse, make, zones = dt.datetime.fromisoformat, dt.datetime, self._zones
        last: Any = None  # the zone of the time before, shared
        for text in new:
            at = parse(text)
            zone = at.tzinfo  # None or a fixed-offset timezone, as fromisoformat makes them
            if zone is None:  # govops records only aware times
                raise ValueError(f"the time {text!r} has no UTC offset")
            # Each parse makes its own timezone: share one per offset (all made the same way, so
            # equal in every respect, repr included). Made anew rather than by replace(), which
            # takes about three times as long; fromisoformat never sets fold.
            if zone is not last:
                if zone != last:
                    last = zones.setdefault(zone, zone)
                if zone is not last:
                    at = make(
                        at.year,
                        at.month,
                        at.day,
                        at.hour,
                        at.minute,
                        at.second,
                        at.microsecond,
                        last,
                    )
            known[text] = at
        return list(map(known.__getitem__, texts))

    def _decode(self, documents: list[Any]) -> list[Event]:
        """The events of parsed JSON ``documents``."""
        read = self._events
        builders, positional, share = read.builders, read.positional, read.share
        direct, assigned_kind = read.assigned_directly, TaskAssigned.kind
        kinds = self._kinds
        events: list[Event] = []
        add = events.append
        for data in documents:
            # The reader's common cases inlined: a plain event of a kind already seen, stored
            # positionally in its class's own layout or as an object with the keys govops writes.
            if type(data) is list:
                kind = data[0] if data else None
                if type(kind) is int:  # a kind's code (an unknown one stays, and is refused)
                    kind = data[0] = kinds.get(kind, kind)
                fits = positional.get(kind) if type(kind) is str else None
                if fits is not None and len(data) == fits[0]:
                    add(fits[1](data, share))
                    continue
                if kind == assigned_kind and direct and len(data) == 2 and type(data[1]) is dict:
                    event = read.assigned(data[1])
                    if event is not None:
                        share(event.task_id, event.task_id)  # as below
                        add(event)
                        continue
            else:
                kind = data.get("type") if type(data) is dict else None
                found = builders.get(kind) if type(kind) is str else None
                if found is not None and tuple(data) == found[0]:
                    add(found[1](data.values(), share))
                    continue
            event = read(data)
            if type(event) is TaskAssigned:
                # The task's later events then share the very string its track is keyed by:
                # the ledger's look-up matches it without comparing.
                share(event.task_id, event.task_id)
            add(event)
        return events

    def columns(self, row: tuple[Any, ...], count: int, prev: str) -> Columns | None:
        """The ``count`` entries after the one hashed ``prev`` from one row of ``_CHUNK_SQL``,
        or ``None`` when the row does not check out (see ``FileRows.columns`` in ``_sqlite_rows.py``)."""
        n, at_text, actors_json, reasons_json, events_text, prevs, hashes = row
        if n != count or " " in prev:
            return None
        # Every hash 64 lowercase hexadecimal digits, one space between (fromhex skips spaces,
        # so the exact round trip is the check), and every prev_hash the hash before it.
        # A file of this version stores no prev_hash (``prevs`` is None): each is the hash before.
        digests = bytes.fromhex(hashes)
        if digests.hex(" ", 32) != hashes or (
            prevs is not None and prevs != (prev + " " + hashes)[:-65]
        ):
            return None
        at_texts = at_text.split(",")
        documents = json.loads(events_text)  # a JSON array: SQLite added the brackets
        actors = json.loads(actors_json)
        reasons = json.loads(reasons_json)
        if not len(at_texts) == len(documents) == len(actors) == len(reasons) == n:
            return None
        share = self._actors.setdefault  # actors and reasons: strings, as JSON arrays of TEXT
        ats = self._times(at_texts)
        actors = list(map(share, actors, actors))
        reasons = list(map(share, reasons, reasons))
        return self._decode(documents), ats, actors, reasons, digests

    def rows(self, rows: list[tuple[Any, ...]]) -> list[_Row]:
        """Rows of ``_ROWS_SQL`` decoded."""
        seq = None
        share = self._actors.setdefault
        last = ""
        try:
            out = []
            for seq, at_text, actor, reason, text, prev_hash, digest in rows:
                if not all(type(v) is str for v in (actor, reason, prev_hash, digest)):
                    raise TypeError("its actor, reason and hashes must be text")
                (at,) = self._times([at_text])
                (event,) = self._decode([json.loads(text)])
                if prev_hash == last:
                    prev_hash = last
                out.append(
                    (seq, event, at, share(actor, actor), share(reason, reason), prev_hash, digest)
                )
                last = digest
            return out
        except UNREADABLE as exc:
            if isinstance(exc, LedgerError):
                raise
            raise IntegrityError(
                f"entry seq={seq} in {str(self._path)!r} cannot be read: {exc}"
            ) from exc

    def checked(self, rows: list[tuple[Any, ...]], after: int, prev: str, count: int) -> Columns:
        """Rows of ``_ROWS_SQL`` that should be the ``count`` entries after number ``after``,
        hashed ``prev``, as columns, each link checked."""
        events, ats, actors, reasons, hashes = [], [], [], [], []
        for seq, event, at, actor, reason, prev_hash, digest in self.rows(rows):
            after += 1
            check_link(seq, after, prev_hash, prev)
            events.append(event)
            ats.append(at)
            actors.append(actor)
            reasons.append(reason)
            hashes.append(digest)
            prev = digest
        if len(hashes) < count:  # rows removed while being read
            raise IntegrityError(f"entry seq={after + 1} is missing from {str(self._path)!r}")
        return events, ats, actors, reasons, hashes


# -- the stored form of events ----------------------------------------------------------------------
#
# An event is stored positionally, as ``[code, value, …]``: its kind's code, a small number kept in
# the meta table under ``kind:<kind>`` (files of govops-store/3 and before wrote the kind's name,
# which is read too), then its values in the order of the fields its kind had when the store first
# met it, its *layout*, kept in the meta table under ``layout:<kind>`` (a JSON array of field
# names). Parsing an array of values is about twice as
# fast as parsing an object of named ones (see docs/performance.md), the file is
# smaller, and the layout keeps every row readable whatever fields a later version gives the
# class. An event whose keys are not its kind's stored layout is stored as the JSON object the
# govops converter makes of it, as every row was before layouts existed; both forms are read.


def _layout_of(data: dict[str, Any]) -> tuple[str, ...] | None:
    """The layout of an unstructured event: its keys after ``type`` (``None`` if not first)."""
    keys = tuple(data)
    return keys[1:] if keys and keys[0] == "type" else None


def _layout(kind: str, text: str) -> tuple[str, ...]:
    """The layout stored for ``kind`` as ``text``, checked."""
    try:
        layout = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        layout = None
    if type(layout) is not list or not all(type(name) is str for name in layout):
        raise IntegrityError(f"the stored layout of {kind!r} events is not a list of names: {text}")
    return tuple(layout)


def _document(
    data: dict[str, Any], layouts: dict[str, tuple[str, ...]], codes: dict[str, int]
) -> str:
    """The stored JSON of an event the converter unstructured as ``data``: positional, its kind
    by its code, when its keys are its kind's stored layout; else the object itself."""
    layout = _layout_of(data)
    kind = data["type"] if layout is not None else None
    if kind in codes and layouts.get(kind) == layout:
        values = list(data.values())
        values[0] = codes[kind]
        return _dumps(values)
    return _dumps(data)


# A task's responsibility, deadline, source and plan are mostly the same as other tasks' (the same
# office and leader, the same year-end deadline): each distinct one is stored once, as JSON in the
# ``shared`` table, and a task assigned refers to it by its ``id``, a number where the JSON of the
# value would be (a number those fields never hold). That makes an assignment a third as long to
# parse, and the reader decodes each distinct value once.
_TASK_SHARED = ("responsibility", "deadline", "source", "plan")


def _structure_event(data: Any) -> Event:
    """``data`` read by the govops converter, which explains what is wrong with it."""
    event: Event = converter.get_structure_hook(Event)(data, Event)
    return event


_REPLAY_CONVERTER: list[cattrs.Converter] = []


def _replay_converter() -> cattrs.Converter:
    if not _REPLAY_CONVERTER:
        _REPLAY_CONVERTER.append(_make_replay_converter())
    return _REPLAY_CONVERTER[0]
