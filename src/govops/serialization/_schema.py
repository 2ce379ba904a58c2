"""JSON Schema (draft 2020-12) for the documents :func:`~govops.serialization.to_json` writes.

The schema is derived from the same attrs fields and annotations the converter reads, so it
describes exactly what is written: an envelope ``{"schema", "type", "data"}``, each value an object
of its init fields (no others), dates as ``format: date``, aware datetimes as ``format:
date-time``, enums as their values, tuples and frozensets as arrays, a rule as its canonical text
and language, an event as an object with its ``"type"`` (its kind). For API docs (OpenAPI 3.1 uses
the same draft) and for validating what a client sends before reading it.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from .._record import EVENTS as EVENT_TYPES
from ..assessment import Grade
from ..exceptions import InvalidTypeError
from ..rules import Rule
from ..tasks import Entry, Event, Ledger, LedgerPolicy
from ._json import SCHEMA, _attrs_members, resolve

__all__ = ["json_schema"]

_DRAFT = "https://json-schema.org/draft/2020-12/schema"


class _Defs(dict[str, Any]):
    """The definitions of a schema being built, by class name, and which classes are members of
    a tagged union (written with their class name in ``"type"``)."""

    def __init__(self) -> None:
        super().__init__()
        self.tagged: set[str] = set()


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of a document holding a ``cls`` as :func:`to_json` writes it.

    >>> from govops.escalation import Decision
    >>> schema = json_schema(Decision)
    >>> schema["properties"]["type"], schema["properties"]["data"]
    ({'const': 'Decision'}, {'$ref': '#/$defs/Decision'})
    >>> sorted(schema["$defs"]["Notice"]["required"])[:4]
    ['issued_on', 'key', 'kind', 'level']

    ``cls`` must be a type :func:`~govops.serialization.public_types` lists, or any other govops
    attrs class (a computed value).
    """
    if not (isinstance(cls, type) and (cls is Ledger or _is_govops_attrs(cls))):
        raise InvalidTypeError(
            f"cls={cls!r}; expected a govops value type such as Task, Decision or Rule "
            "(govops.serialization.public_types() lists them)"
        )
    defs = _Defs()
    data = _ref(cls, defs)
    for name in defs.tagged:
        defs[name]["properties"]["type"] = {"const": name}
    return {
        "$schema": _DRAFT,
        "title": f"govops {cls.__name__} ({SCHEMA})",
        "type": "object",
        "properties": {
            "schema": {"const": SCHEMA},
            "type": {"const": cls.__name__},
            "data": data,
        },
        "required": ["schema", "type", "data"],
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }


def _is_govops_attrs(cls: type) -> bool:
    return attrs.has(cls) and (cls.__module__.startswith("govops.") or cls in EVENT_TYPES.values())


def _ref(cls: type, defs: _Defs) -> dict[str, Any]:
    """A reference to ``cls``'s definition, adding it (and what it holds) to ``defs``."""
    name = cls.__name__
    if name not in defs:
        defs[name] = {}  # reserved first: values nest (a Plan's sub-items hold milestones)
        defs[name] = _definition(cls, defs)
    return {"$ref": f"#/$defs/{name}"}


def _definition(cls: type, defs: _Defs) -> dict[str, Any]:
    if cls is Ledger:
        return {
            "description": "A ledger: its policy and its hash-chained entries, replayed on read.",
            "type": "object",
            "properties": {
                "policy": _ref(LedgerPolicy, defs),
                "entries": {"type": "array", "items": _ref(Entry, defs)},
            },
            "required": ["entries", "policy"],
            "additionalProperties": False,
        }
    if cls is Rule:
        return {
            "description": "A rule as its canonical text in its language (parse_rule reads it).",
            "type": "object",
            "properties": {"text": {"type": "string"}, "lang": {"enum": ["en", "zh"]}},
            "required": ["text", "lang"],
            "additionalProperties": False,
        }
    resolve(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for a in attrs.fields(cls):
        if not a.init:
            continue
        properties[a.alias or a.name] = _of(a.type, defs)
        if a.default is attrs.NOTHING:
            required.append(a.alias or a.name)
    if issubclass(cls, Event):
        properties = {"type": {"const": cls.kind}, **properties}
    if cls is Grade:  # the lowest grade's floor, -inf, is written as null
        properties["min_score"] = {"type": ["number", "null"]}
    out: dict[str, Any] = {"type": "object", "properties": properties}
    doc = inspect.getdoc(cls)
    if doc:
        out = {"description": doc.split("\n\n")[0].replace("\n", " "), **out}
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def _of(annotation: Any, defs: _Defs) -> dict[str, Any]:
    """The schema of a field annotated ``annotation``."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is Any or annotation is object:
        return {}
    tagged = _attrs_members(annotation)
    if len(tagged) > 1:
        # Written with the class name in "type" (see the converter), read back by it.
        options = [_ref(member, defs) for member in tagged]
        defs.tagged.update(m.__name__ for m in tagged)
        if type(None) in args:
            options.append({"type": "null"})
        return {"oneOf": options}
    if origin in (typing.Union, types.UnionType):
        options = [_of(a, defs) for a in args]
        return options[0] if len(options) == 1 else {"anyOf": options}
    if origin is typing.Literal:
        return {"enum": list(args)}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _of(args[0], defs)}
        if args:
            items = [_of(a, defs) for a in args]
            return {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}  # fmt: skip
        return {"type": "array"}
    if origin in (frozenset, set, list):
        return {"type": "array", "items": _of(args[0], defs) if args else {}}
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        value = _of(args[1], defs) if len(args) == 2 else {}
        return {"type": "object", "additionalProperties": value}
    if annotation is type(None):
        return {"type": "null"}
    if annotation is bool:
        return {"type": "boolean"}
    if annotation is int:
        return {"type": "integer"}
    if annotation is float:
        return {"type": "number"}
    if annotation is str:
        return {"type": "string"}
    if annotation is dt.datetime:
        return {"type": "string", "format": "date-time"}
    if annotation is dt.date:
        return {"type": "string", "format": "date"}
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {"enum": [m.value for m in annotation]}
    if annotation is Event:
        kinds = sorted(EVENT_TYPES.items())
        return {"oneOf": [_ref(cls, defs) for _, cls in kinds]}
    if annotation is Rule or (isinstance(annotation, type) and attrs.has(annotation)):
        return _ref(annotation, defs)
    return {}  # a protocol or a callable: written as cattrs writes it, not constrained here
