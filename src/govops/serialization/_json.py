"""JSON for govops values and whole ledgers, via cattrs, with a schema version.

Every document is an object ``{"schema": "govops/1", "type": <class name>, "data": ...}``. Dates are
ISO 8601 (``"2026-03-31"``), datetimes ISO 8601 with their UTC offset, enums their values, tuples and
frozensets arrays (frozensets sorted), events carry their ``"type"`` (their ``kind``). A ledger is
stored as its policy and its entries; reading it back replays and verifies the hash chain against
the calendar the caller passes.

Event kinds are looked up in the registry of event kinds when a document is read, so
annotation types registered with :func:`govops.tasks.register_event_type` (the supervision events of
:mod:`govops.escalation`, whose kinds the registry always knows) round-trip like the task events.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import attrs
import cattrs
import cattrs.gen

from .._record import EVENTS as EVENT_TYPES
from ..exceptions import GovopsError, InvalidInputError, InvalidTypeError
from ..tasks import (
    CooperatingUnit,
    CoverWindow,
    Deadline,
    Entry,
    Event,
    FiveOnesReport,
    Issue,
    Ledger,
    LedgerPolicy,
    LedgerStatistics,
    Light,
    Milestone,
    Person,
    Plan,
    ProgressCheck,
    ProgressPolicy,
    Responsibility,
    Source,
    SubItem,
    Task,
    TaskState,
    Unit,
    WarningLight,
    WarningPolicy,
    WorkingCalendar,
)

__all__ = ["SCHEMA", "converter", "from_json", "structure", "to_json", "unstructure"]

SCHEMA = "govops/1"
"""The schema version written into, and required of, every document."""

T = TypeVar("T")

_VALUE_TYPES: tuple[type, ...] = (
    Unit,
    Person,
    CooperatingUnit,
    Responsibility,
    Source,
    Deadline,
    Milestone,
    SubItem,
    Plan,
    Task,
    Entry,
    Issue,
    TaskState,
    LedgerPolicy,
    ProgressPolicy,
    WarningPolicy,
    ProgressCheck,
    WarningLight,
    FiveOnesReport,
    LedgerStatistics,
    CoverWindow,
    *EVENT_TYPES.values(),
)
_BY_NAME: dict[str, type] = {cls.__name__: cls for cls in (*_VALUE_TYPES, Ledger)}


_FLAT_FIELD_TYPES: tuple[object, ...] = (str, float | None, tuple[str, ...], Light)


def _is_flat(cls: type[Event]) -> bool:
    """True when every init field of an event is a str, a number, a str tuple or an enum."""
    try:
        # cattrs resolves string annotations in place when it first meets a class; resolve them
        # here too, so the answer does not depend on what was decoded before.
        attrs.resolve_types(cls)
    except Exception:  # an annotation that cannot be resolved: take the general path
        return False
    return all(a.type in _FLAT_FIELD_TYPES for a in attrs.fields(cls) if a.init)


# Whether each event class is flat, decided the first time one is read (the registry can grow).
_FLAT: dict[type[Event], bool] = {}


def _is_registered_event(value: object) -> bool:
    return isinstance(value, Event) and EVENT_TYPES.get(value.kind) is type(value)


def _type_named(name: str) -> type | None:
    found = _BY_NAME.get(name)
    if found is None:
        for cls in list(EVENT_TYPES.values()):
            if cls.__name__ == name:
                return cls
    return found


def _make_converter() -> cattrs.Converter:
    # Without detailed validation cattrs generates leaner code (replay is dominated by it); the
    # errors it raises then are plain ones, which structure() translates all the same.
    c = cattrs.Converter(detailed_validation=False)
    c.register_unstructure_hook(dt.datetime, lambda v: v.isoformat())
    c.register_structure_hook(dt.datetime, lambda v, _: _parse_datetime(v))
    c.register_unstructure_hook(dt.date, lambda v: v.isoformat())
    c.register_structure_hook(dt.date, lambda v, _: _parse_date(v))

    def unstructure_frozenset(value: frozenset[Any]) -> list[Any]:
        return sorted(c.unstructure(v) for v in value)

    c.register_unstructure_hook_func(
        lambda t: t is frozenset or getattr(t, "__origin__", None) is frozenset,
        unstructure_frozenset,
    )

    event_unstructurers: dict[type, Callable[[Any], dict[str, Any]]] = {}

    def unstructure_event(event: Event) -> dict[str, Any]:
        cls = type(event)
        fn = event_unstructurers.get(cls)
        if fn is None:
            fn = cattrs.gen.make_dict_unstructure_fn(cls, c)
            event_unstructurers[cls] = fn
        return {"type": event.kind, **fn(event)}

    def structure_event(data: Any, _: Any) -> Event:
        if not isinstance(data, Mapping) or data.get("type") not in EVENT_TYPES:
            kind = data.get("type") if isinstance(data, Mapping) else data
            raise InvalidInputError(
                f"event type {kind!r} is not known; expected one of {sorted(EVENT_TYPES)!r}"
            )
        cls = EVENT_TYPES[data["type"]]
        fields = {k: v for k, v in data.items() if k != "type"}
        flat = _FLAT.get(cls)
        if flat is None:
            flat = _FLAT[cls] = _is_flat(cls)
        if flat:
            # Events of plain fields go straight to their attrs __init__, whose converters and
            # validators check them; this is what makes replay fast.
            try:
                return cls(**fields)
            except TypeError as exc:
                raise InvalidInputError(f"cannot read a {cls.__name__}: {exc}") from exc
        return c.structure(fields, cls)

    c.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Event), unstructure_event
    )
    c.register_structure_hook_func(lambda t: t is Event, structure_event)
    # A policy without cover windows is written as before cover windows existed.
    c.register_unstructure_hook(
        LedgerPolicy,
        cattrs.gen.make_dict_unstructure_fn(
            LedgerPolicy, c, cover=cattrs.gen.override(omit_if_default=True)
        ),
    )
    return c


def _parse_date(value: Any) -> dt.date:
    if not isinstance(value, str):
        raise InvalidTypeError(f"date {value!r} is a {type(value).__name__}; expected 'YYYY-MM-DD'")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInputError(f"date {value!r} is not ISO 8601 'YYYY-MM-DD'") from exc


def _parse_datetime(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise InvalidTypeError(f"datetime {value!r} is a {type(value).__name__}; expected ISO 8601")
    try:
        result = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInputError(f"datetime {value!r} is not ISO 8601") from exc
    if result.tzinfo is None:
        raise InvalidInputError(f"datetime {value!r} has no UTC offset; govops writes aware times")
    return result


converter = _make_converter()
"""The cattrs converter govops uses; register it with your own to embed govops values."""


def unstructure(value: Any) -> Any:
    """``value`` as JSON-ready primitives (a ledger as its policy and entries)."""
    if isinstance(value, Ledger):
        return {
            "policy": converter.unstructure(value.policy),
            "entries": [converter.unstructure(e) for e in value.entries],
        }
    if not isinstance(value, _VALUE_TYPES) and not _is_registered_event(value):
        raise InvalidTypeError(
            f"cannot serialise {value!r}, a {type(value).__name__}; expected one of "
            f"{sorted(_BY_NAME)!r}"
        )
    return converter.unstructure(value)


def structure(data: Any, cls: type[T], *, calendar: WorkingCalendar | None = None) -> T:
    """The inverse of :func:`unstructure`; a ledger needs the ``calendar`` it counts on."""
    try:
        if cls is Ledger:
            if calendar is None:
                raise InvalidInputError(
                    "reading a Ledger needs calendar=, the calendar it counts on"
                )
            if not isinstance(data, Mapping) or "entries" not in data:
                raise InvalidInputError("a Ledger document needs 'entries' and 'policy'")
            policy = converter.structure(data.get("policy", {}), LedgerPolicy)
            entries = [converter.structure(e, Entry) for e in data["entries"]]
            return cast(T, Ledger.from_entries(entries, calendar=calendar, policy=policy))
        return converter.structure(data, cls)
    except GovopsError:
        raise
    except (cattrs.BaseValidationError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidInputError(f"cannot read a {cls.__name__}: {_first_cause(exc)}") from exc


def _first_cause(exc: BaseException) -> str:
    while isinstance(exc, cattrs.BaseValidationError) and exc.exceptions:
        exc = exc.exceptions[0]
    return f"{type(exc).__name__}: {exc}"


def to_json(value: Any, *, indent: int | None = 2) -> str:
    """A JSON document for a govops value or ledger.

    >>> import datetime as dt
    >>> from govops.tasks import Deadline
    >>> print(to_json(Deadline.on(dt.date(2026, 6, 30)), indent=None))
    {"schema": "govops/1", "type": "Deadline", "data": {"date": "2026-06-30", "rule": null, "trigger": null, "clock_stops_when_suspended": false}}
    """
    document = {"schema": SCHEMA, "type": type(value).__name__, "data": unstructure(value)}
    return json.dumps(document, ensure_ascii=False, indent=indent, allow_nan=False)


def from_json(
    text: str | bytes, cls: type[T] | None = None, *, calendar: WorkingCalendar | None = None
) -> T:
    """Read a document written by :func:`to_json`.

    ``cls``, when given, must match the document's type. A ledger needs ``calendar=``; its hash
    chain is verified, so a tampered file raises :class:`~govops.exceptions.IntegrityError`.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise InvalidInputError(
            f"expected a JSON object with 'schema'; got {type(document).__name__}"
        )
    schema = document.get("schema")
    if schema != SCHEMA:
        raise InvalidInputError(f"schema={schema!r}; this version of govops reads {SCHEMA!r}")
    name = document.get("type")
    target = _type_named(name) if isinstance(name, str) else None
    if target is None:
        raise InvalidInputError(
            f"type={name!r} is not a govops value; expected one of {sorted(_BY_NAME)!r}"
        )
    if cls is not None and cls is not target:
        raise InvalidTypeError(f"the document holds a {name}, not a {cls.__name__}")
    return cast(T, structure(document.get("data"), target, calendar=calendar))
