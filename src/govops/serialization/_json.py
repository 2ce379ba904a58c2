"""JSON for govops values and whole ledgers, via cattrs, with a schema version.

Every document is an object ``{"schema": "govops/1", "type": <class name>, "data": ...}``. The
types are found, not listed: every attrs class the public packages export (so a value added to a
package needs no edit here), registered event types, and any other govops attrs value for
writing. Dates are ISO 8601 (``"2026-03-31"``), datetimes ISO 8601 with their UTC offset, enums
their values, tuples and frozensets arrays (frozensets sorted), events carry their ``"type"``
(their ``kind``), a field holding one of several value types carries the class name in
``"type"``, a rule is its canonical text and language. A ledger is stored as its policy and its
entries; reading it back replays and verifies the hash chain against the calendar the caller
passes.

Reading is strict: a field that holds a str, an int, a float or a bool must hold exactly that in the
document (``"seq": 2.5``, ``"seq": true`` and ``"id": 5`` are refused, not coerced), numbers must be
finite (``NaN``, ``Infinity`` and ``1e999`` are refused) and integers must fit in 64 bits; text
must be UTF-8 with no lone surrogates (``"\\ud800"``); an object may hold only the fields of its
type. So a document is read only as deep as the values it holds nest (a ledger about a dozen
levels): deeper nesting is refused where it stops fitting, and nesting deeper than Python's
decoder goes (about a thousand levels) is refused as too deep. Every refusal is a
:class:`~govops.exceptions.GovopsError` saying where in the document it is
(``$.entries[3].seq``), the value and what was expected.

Event kinds are looked up in the registry of event kinds when a document is read, so
annotation types registered with :func:`govops.tasks.register_event_type` (the supervision events of
:mod:`govops.escalation`, whose kinds the registry always knows) round-trip like the task events.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import importlib
import json
import math
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import attrs
import cattrs
import cattrs.gen

from .._checks import MAX_INT, check_text, shown, to_enum
from .._record import EVENTS as EVENT_TYPES
from ..assessment import Grade
from ..calendars import WorkCalendar
from ..exceptions import GovopsError, InvalidInputError, InvalidTypeError
from ..rules import Rule, parse_rule
from ..tasks import Entry, Event, Ledger, LedgerPolicy, Light, WorkingCalendar

__all__ = [
    "SCHEMA",
    "converter",
    "from_json",
    "public_types",
    "structure",
    "to_json",
    "unstructure",
]

SCHEMA = "govops/1"
"""The schema version written into, and required of, every document."""


T = TypeVar("T")

# The packages whose public values a document may hold. Every attrs class a package lists in its
# ``__all__`` is one, so a value added to a package needs no edit here.
_PACKAGES = (
    "govops.calendars",
    "govops.rules",
    "govops.tasks",
    "govops.duties",
    "govops.meetings",
    "govops.escalation",
    "govops.assessment",
)
_BY_NAME: dict[str, type] = {}
# A calendar is its holiday data and overrides, rebuilt with govops.calendar(...), not a document.
_NOT_DOCUMENTS = (WorkCalendar,)
_NAMESPACE: dict[str, Any] = {}  # every public name of the packages, to resolve annotations


def resolve(cls: type) -> None:
    """Resolve the annotations of the attrs class ``cls`` for cattrs, once.

    Some classes name a type only under ``typing.TYPE_CHECKING`` (an Explanation holds a Rule,
    whose module imports the explanation's); the public names of the packages stand in for it.
    """
    if getattr(cls, "__attrs_types_resolved__", None) is cls:
        return
    public_types()
    # An annotation naming a private type stays unresolved: cattrs treats the field as Any.
    with contextlib.suppress(NameError):
        attrs.resolve_types(cls, localns=_NAMESPACE)


def public_types() -> dict[str, type]:
    """The value types a document may name, by their class name: every attrs class the public
    packages export, every registered event type and :class:`~govops.tasks.Ledger`.

    >>> types = public_types()
    >>> types["Decision"].__module__, types["Task"].__module__
    ('govops.escalation._engine', 'govops.tasks._model')
    """
    if not _BY_NAME:
        found: dict[str, type] = {"Ledger": Ledger}
        for package in _PACKAGES:
            module = importlib.import_module(package)
            for name in module.__all__:
                value = getattr(module, name)
                _NAMESPACE.setdefault(name, value)
                if isinstance(value, type) and attrs.has(value) and value not in _NOT_DOCUMENTS:
                    found.setdefault(value.__name__, value)
        _BY_NAME.update(found)
    # Event types registered later (govops.tasks.register_event_type) are read from the registry.
    return {**_BY_NAME, **{cls.__name__: cls for cls in list(EVENT_TYPES.values())}}


def _is_value(value: object) -> bool:
    """True for a value of a govops attrs class (public or computed) or a registered event."""
    cls = type(value)
    if not attrs.has(cls) or not (
        cls.__module__.startswith("govops.") or _is_registered_event(value)
    ):
        return False
    resolve(cls)
    return True


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
    return public_types().get(name)


def _strict_str(value: Any, cls: Any) -> str:
    if cls is not str and issubclass(cls, enum.Enum):  # a str enum: dispatched here as a str
        return cast(str, _strict_enum(value, cls))
    if type(value) is not str:
        raise InvalidTypeError(f"{shown(value)} is {_json_type(value)}; expected a string")
    return value if value.isascii() else check_text(value, "")


def _strict_int(value: Any, _: Any) -> int:
    if type(value) is not int:
        raise InvalidTypeError(f"{shown(value)} is {_json_type(value)}; expected an integer")
    if not -MAX_INT - 1 <= value <= MAX_INT:
        raise InvalidInputError(f"{shown(value)} is out of range; expected a 64-bit integer")
    return value


def _strict_float(value: Any, _: Any) -> float:
    if type(value) is float:
        result = value
    elif type(value) is int:
        if not -MAX_INT - 1 <= value <= MAX_INT:
            raise InvalidInputError(f"{shown(value)} is out of range; expected a 64-bit number")
        result = float(value)
    else:
        raise InvalidTypeError(f"{shown(value)} is {_json_type(value)}; expected a number")
    if not math.isfinite(result):
        raise InvalidInputError(f"{shown(value)} is not finite; expected a finite number")
    return result


def _strict_bool(value: Any, _: Any) -> bool:
    if type(value) is not bool:
        raise InvalidTypeError(f"{shown(value)} is {_json_type(value)}; expected true or false")
    return value


def _is_literal(t: Any) -> bool:
    return bool(typing.get_origin(t) == typing.Literal)


def _literal(value: Any, literal: Any) -> Any:
    allowed = typing.get_args(literal)
    # Compared with the type too: true is not 1, 1 is not 1.0.
    if not any(type(value) is type(a) and value == a for a in allowed):
        raise InvalidInputError(f"{shown(value)} is not one of {list(allowed)!r}")
    return value


def _strict_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    return to_enum(cls, value)


def _json_type(value: object) -> str:
    """What a decoded JSON value was in the document, with its article."""
    if isinstance(value, Mapping):
        return "an object"
    names = {
        bool: "a boolean", int: "an integer", float: "a number", str: "a string",
        list: "an array", type(None): "null",
    }  # fmt: skip
    return names.get(type(value), f"a {type(value).__name__}")


def _make_converter(*, detailed: bool = False) -> cattrs.Converter:
    # Without detailed validation cattrs generates leaner code (replay is dominated by it); a
    # document it refuses is read again with detailed validation to say where the problem is.
    c = cattrs.Converter(detailed_validation=detailed)
    # Nothing is coerced: cattrs would turn 2.5 and true into the int 2 and 1, and 5 into "5".
    c.register_structure_hook(str, _strict_str)
    c.register_structure_hook(int, _strict_int)
    c.register_structure_hook(float, _strict_float)
    c.register_structure_hook(bool, _strict_bool)
    c.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _strict_enum
    )
    c.register_structure_hook_func(_is_literal, _literal)

    def attrs_hook(cls: type) -> Callable[[Any, Any], Any]:
        # Only an object is read as a value (cattrs would read a list or a string as a value
        # of all its defaults), and only with the fields of its type.
        resolve(cls)
        inner: Callable[[Any, Any], Any]
        if hasattr(cls, "__attrs_init__"):
            # A class with an __init__ of its own (AllOf(*conditions)) is built through the
            # __init__ attrs generated under another name, from the same dict.
            shim = attrs.make_class(
                cls.__name__, {a.name: attrs.field(type=a.type) for a in attrs.fields(cls)}
            )
            read_fields: Callable[[Any, Any], Any] = cattrs.gen.make_dict_structure_fn(
                shim, c, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=detailed
            )

            def inner(value: Any, _: Any) -> Any:
                fields = read_fields(value, shim)
                made: Any = object.__new__(cls)
                made.__attrs_init__(**attrs.asdict(fields, recurse=False))
                return made

        else:
            inner = cattrs.gen.make_dict_structure_fn(
                cls, c, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=detailed
            )
        kind = cls.kind if issubclass(cls, Event) else None

        def structure_value(value: Any, _: Any) -> Any:
            if type(value) is not dict and not isinstance(value, Mapping):
                raise InvalidTypeError(
                    f"{shown(value)} is {_json_type(value)}; expected an object of {cls.__name__}"
                )
            if kind is not None and "type" in value:  # an event written with its kind
                if value["type"] != kind:
                    raise InvalidInputError(
                        f"type={shown(value['type'])} is not the kind of a {cls.__name__}; "
                        f"expected {kind!r}"
                    )
                value = {k: v for k, v in value.items() if k != "type"}
            return inner(value, cls)

        return structure_value

    c.register_structure_hook_factory(attrs.has, attrs_hook)

    # A field that holds one of several value types (a level's condition) writes which one in
    # "type", the class name, and is read back by it.
    def unstructure_union(value: Any) -> Any:
        if value is None:
            return None
        return {"type": type(value).__name__, **c.unstructure(value, type(value))}

    def union_hook(union: Any) -> Callable[[Any, Any], Any]:
        members = {m.__name__: m for m in _attrs_members(union)}
        optional = type(None) in typing.get_args(union)

        def structure_union(value: Any, _: Any) -> Any:
            if value is None and optional:
                return None
            name = value.get("type") if isinstance(value, Mapping) else None
            if name not in members:
                raise InvalidInputError(
                    f"{shown(value)} is not one of the value types here; expected an object "
                    f"whose 'type' is one of {sorted(members)!r}"
                )
            return c.structure({k: v for k, v in value.items() if k != "type"}, members[name])

        return structure_union

    c.register_unstructure_hook_func(lambda t: len(_attrs_members(t)) > 1, unstructure_union)
    c.register_structure_hook_factory(lambda t: len(_attrs_members(t)) > 1, union_hook)
    # The lowest grade starts at -inf, which JSON has no number for: it is written as null.
    c.register_unstructure_hook(
        Grade,
        cattrs.gen.make_dict_unstructure_fn(
            Grade,
            c,
            min_score=cattrs.gen.override(
                unstruct_hook=lambda v: None if v == float("-inf") else v
            ),
        ),
    )
    c.register_structure_hook(
        Grade,
        cattrs.gen.make_dict_structure_fn(
            Grade,
            c,
            _cattrs_forbid_extra_keys=True,
            min_score=cattrs.gen.override(
                struct_hook=lambda v, _: float("-inf") if v is None else _strict_float(v, float)
            ),
        ),
    )
    # A rule is its canonical text in its own language: parse_rule(rule.to_text(lang)) == rule.
    # (Registered by predicate: cattrs would resolve Rule's annotations, which are for mypy only.)
    c.register_unstructure_hook_func(
        lambda t: t is Rule, lambda r: {"text": r.to_text(r.lang), "lang": r.lang}
    )
    c.register_structure_hook_func(lambda t: t is Rule, lambda v, _: _parse_rule(v))
    # A float field holding an int (ScoringRules(max_bonus=10)) is written as the float it
    # means, so a value has one document whichever way it was built.
    c.register_unstructure_hook(float, float)
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
    # A policy without cover windows or list rules is written as before they existed.
    c.register_unstructure_hook(
        LedgerPolicy,
        cattrs.gen.make_dict_unstructure_fn(
            LedgerPolicy,
            c,
            cover=cattrs.gen.override(omit_if_default=True),
            list_changes=cattrs.gen.override(omit_if_default=True),
        ),
    )
    return c


def _attrs_members(t: Any) -> tuple[type, ...]:
    """The attrs classes of a union such as ``Assigned | Overdue | None`` (empty for others)."""
    if typing.get_origin(t) not in (typing.Union, types.UnionType):
        return ()
    members = tuple(m for m in typing.get_args(t) if m is not type(None))
    return members if all(isinstance(m, type) and attrs.has(m) for m in members) else ()


def _parse_rule(value: Any) -> Rule:
    if not isinstance(value, Mapping) or set(value) != {"text", "lang"}:
        raise InvalidTypeError(
            f"{shown(value)} is not a rule; expected an object with 'text' and 'lang'"
        )
    rule = parse_rule(_strict_str(value["text"], str))
    if value["lang"] != rule.lang:
        raise InvalidInputError(
            f"lang={shown(value['lang'])} but the text is {rule.lang!r}: {value['text']!r}"
        )
    return rule


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

_explaining = _make_converter(detailed=True)  # reads a refused document again to say where


def unstructure(value: Any) -> Any:
    """``value`` as JSON-ready primitives (a ledger as its policy and entries)."""
    if isinstance(value, Ledger):
        return {
            "policy": converter.unstructure(value.policy),
            "entries": [converter.unstructure(e) for e in value.entries],
        }
    if not _is_value(value):
        raise InvalidTypeError(
            f"cannot serialise {shown(value)}, a {type(value).__name__}; expected a govops "
            "value (a Task, a Decision, a Rule, …: see govops.serialization.public_types())"
        )
    try:
        return converter.unstructure(value)
    except (AttributeError, TypeError, ValueError) as exc:
        # A value built with validators off, or one of the computed values (which check nothing
        # when built by hand), holding what JSON cannot: a field of the wrong type.
        raise InvalidTypeError(
            f"cannot serialise {shown(value)}: a field holds a value of the wrong type ({exc})"
        ) from exc


def structure(data: Any, cls: type[T], *, calendar: WorkingCalendar | None = None) -> T:
    """The inverse of :func:`unstructure`; a ledger needs the ``calendar`` it counts on.

    Anything ``data`` does not hold as ``cls`` expects raises a
    :class:`~govops.exceptions.GovopsError` that says where:

    >>> from govops.tasks import Milestone
    >>> structure({"id": "m1", "due": "2026-06-30", "cumulative_percent": True}, Milestone)
    Traceback (most recent call last):
    ...
    govops.exceptions.InvalidTypeError: cannot read a Milestone: True is a boolean; expected a number @ $.cumulative_percent
    """
    if cls is not Ledger:
        # hasattr, not attrs.has(): that would narrow cls and lose T.
        if not (isinstance(cls, type) and hasattr(cls, "__attrs_attrs__")):
            raise InvalidTypeError(f"cls={shown(cls)}; expected a govops value type such as Task")
        return _structure(data, cls, "$")
    if calendar is None:
        raise InvalidInputError("reading a Ledger needs calendar=, the calendar it counts on")
    if not isinstance(data, Mapping) or not isinstance(data.get("entries"), list):
        raise InvalidInputError("a Ledger document needs 'entries' (an array) and 'policy'")
    policy = _structure(data.get("policy", {}), LedgerPolicy, "$.policy")
    entries = [_structure(e, Entry, f"$.entries[{i}]") for i, e in enumerate(data["entries"])]
    return cast(T, Ledger.from_entries(entries, calendar=calendar, policy=policy))


def _structure(data: Any, cls: type[T], path: str) -> T:
    try:
        return converter.structure(data, cls)
    except _REFUSALS as exc:
        # Read it again with detailed validation, which knows the path to each problem.
        try:
            _explaining.structure(data, cls)
        except cattrs.BaseValidationError as detailed:
            where = "; ".join(cattrs.transform_error(detailed, path, _format_error))
        except _REFUSALS as plain:
            where = f"{_format_error(plain, cls)} @ {path}"
        else:  # pragma: no cover - both converters decide alike
            where = f"{_format_error(exc, cls)} @ {path}"
        error = InvalidTypeError if isinstance(exc, TypeError) else InvalidInputError
        article = "an" if cls.__name__[0] in "AEIO" else "a"  # a Unit, an Issue
        raise error(f"cannot read {article} {cls.__name__}: {where}") from exc


# What reading a document can raise: ours, cattrs' and the builtins cattrs lets through.
_REFUSALS = (
    GovopsError,
    cattrs.BaseValidationError,
    cattrs.ForbiddenExtraKeysError,
    KeyError,
    TypeError,
    ValueError,
)


def _format_error(exc: BaseException, cls: Any) -> str:
    if isinstance(exc, GovopsError):
        return str(exc)
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        known = [a.name for a in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        return f"unknown field {sorted(exc.extra_fields)[0]!r}; expected one of {known!r}"
    if isinstance(exc, KeyError):
        return f"required field {exc} missing"
    if isinstance(exc, (TypeError, ValueError)) and not isinstance(exc, cattrs.BaseValidationError):
        return f"{exc}" if str(exc) else f"expected {getattr(cls, '__name__', cls)}"
    return cattrs.v.format_exception(exc, cls)


def _refuse_constant(name: str) -> Any:
    raise InvalidInputError(f"{name} is not a JSON number; expected a finite number")


def to_json(value: Any, *, indent: int | None = 2) -> str:
    """A JSON document for a govops value or ledger.

    >>> import datetime as dt
    >>> from govops.tasks import Deadline
    >>> print(to_json(Deadline.on(dt.date(2026, 6, 30)), indent=None))
    {"schema": "govops/1", "type": "Deadline", "data": {"date": "2026-06-30", "rule": null, "trigger": null, "clock_stops_when_suspended": false}}
    """
    document = {"schema": SCHEMA, "type": type(value).__name__, "data": unstructure(value)}
    try:
        return json.dumps(document, ensure_ascii=False, indent=indent, allow_nan=False)
    except (TypeError, ValueError) as exc:  # as in unstructure(): a field of the wrong type
        raise InvalidTypeError(
            f"cannot serialise {shown(value)}: a field holds what JSON cannot ({exc})"
        ) from exc


def from_json(
    text: str | bytes, cls: type[T] | None = None, *, calendar: WorkingCalendar | None = None
) -> T:
    """Read a document written by :func:`to_json`.

    ``cls``, when given, must match the document's type. A ledger needs ``calendar=``; its hash
    chain is verified, so a tampered file raises :class:`~govops.exceptions.IntegrityError`.
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInputError(
                f"not UTF-8 at byte {exc.start}: {exc.object[exc.start : exc.end]!r}; "
                "expected a JSON document in UTF-8"
            ) from exc
    elif not isinstance(text, str):
        raise InvalidTypeError(
            f"text={shown(text)} is a {type(text).__name__}; expected str or bytes"
        )
    text = text.removeprefix("\ufeff")  # a byte order mark some editors write
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"not JSON: {exc}") from exc
    except RecursionError:
        raise InvalidInputError(
            "JSON nested too deeply to read; a govops document nests about a dozen levels"
        ) from None
    except ValueError as exc:  # an integer of more digits than Python reads (4300)
        raise InvalidInputError(f"not a JSON number govops can read: {exc}") from exc
    if not isinstance(document, dict):
        raise InvalidInputError(f"expected a JSON object with 'schema'; got {_json_type(document)}")
    extra = sorted(set(document) - {"schema", "type", "data"})
    if extra:
        raise InvalidInputError(
            f"unknown field {extra[0]!r} in the document; expected 'schema', 'type' and 'data'"
        )
    schema = document.get("schema")
    if schema != SCHEMA:
        raise InvalidInputError(f"schema={schema!r}; this version of govops reads {SCHEMA!r}")
    name = document.get("type")
    target = _type_named(name) if isinstance(name, str) else None
    if target is None:
        raise InvalidInputError(
            f"type={name!r} is not a govops value; expected the name of one, such as 'Task' "
            "(govops.serialization.public_types() lists them)"
        )
    if cls is not None and cls is not target:
        raise InvalidTypeError(
            f"the document holds a {name}, not a {getattr(cls, '__name__', shown(cls))}"
        )
    return cast(T, structure(document.get("data"), target, calendar=calendar))
