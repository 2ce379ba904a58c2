"""Upcasting: events stored in an older shape read as their kind's current one.

An event kind's shape is versioned by the upcasters registered for it: with none, every
document of the kind is version 1 (every file written before upcasters existed); registering the
upcaster from version ``n`` makes ``n + 1`` the kind's current version. A document of a version
after 1 carries it (``"@version": 2``, a key no field can have); a document without one is
version 1. Reading a document of an older version applies the upcasters from its version on, in
order, each taking the fields of one version and returning those of the next, then builds the
event of the current shape.

The record is never rewritten: an entry's hash was computed over the event as it was recorded,
so an upcast event remembers the document it was read from. The hash is computed over that
(:func:`govops._record.canonical`), and writing the event (to JSON, to a store) writes that
document again, to be upcast again when read. See ``docs/explanation/record.md``, "Upcasting".
"""

from __future__ import annotations

import copy
import threading
import weakref
from collections.abc import Callable
from typing import Any

from ..exceptions import InvalidInputError, InvalidTypeError

__all__ = ["VERSION_KEY", "Upcaster", "Upcasters", "recorded", "remember"]

VERSION_KEY = "@version"
"""The key of a document's version, when it is not 1."""

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class Upcasters:
    """The upcasters of each event kind, by the version they read."""

    __slots__ = ("_by_kind", "_lock")

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[int, Upcaster]] = {}
        self._lock = threading.Lock()

    def register(self, kind: str, version: int, upcaster: Upcaster) -> None:
        """Read documents of ``kind`` at ``version`` with ``upcaster`` into version
        ``version + 1``; versions are registered in order, from 1."""
        if not isinstance(kind, str) or not kind.strip():
            raise InvalidInputError(f"kind={kind!r}; expected the kind of an event")
        if isinstance(version, bool) or not isinstance(version, int):
            raise InvalidTypeError(f"version={version!r}; expected an int")
        if not callable(upcaster):
            raise InvalidTypeError(f"upcaster={upcaster!r}; expected a function of a dict")
        with self._lock:
            found = self._by_kind.get(kind, {})
            if found.get(version) is upcaster:
                return
            expected = len(found) + 1
            if version != expected:
                raise InvalidInputError(
                    f"an upcaster of {kind!r} from version {version}: the next one must read "
                    f"version {expected}, the kind's current version"
                )
            self._by_kind[kind] = {**found, version: upcaster}

    def version(self, kind: str) -> int:
        """The current version of ``kind`` (1 when it has no upcaster)."""
        return len(self._by_kind.get(kind, ())) + 1

    def __contains__(self, kind: object) -> bool:
        return kind in self._by_kind

    def __bool__(self) -> bool:
        return bool(self._by_kind)

    def upcast(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The document ``data`` (with its ``"type"``) in its kind's current shape, without
        a version key; and, when it was upcast, the document as read (else ``None``)."""
        kind = data.get("type")
        version = data.get(VERSION_KEY, 1)
        found = self._by_kind.get(kind, {}) if isinstance(kind, str) else {}
        current = len(found) + 1
        if type(version) is not int or not 1 <= version <= current:
            raise InvalidInputError(
                f"the {kind!r} event is of version {version!r}; this program reads versions "
                f"1 to {current} of it (a later version of its kind needs a later program)"
            )
        if version == current:
            if VERSION_KEY in data:
                data = {k: v for k, v in data.items() if k != VERSION_KEY}
            return data, None
        original = copy.deepcopy(data)
        fields = {k: v for k, v in data.items() if k not in ("type", VERSION_KEY)}
        for step in range(version, current):
            try:
                fields = found[step](fields)
            except Exception as exc:  # the user's function: said with the event it failed on
                raise InvalidInputError(
                    f"the upcaster of {kind!r} from version {step} failed on {fields!r}: {exc}"
                ) from exc
            if type(fields) is not dict:
                raise InvalidTypeError(
                    f"the upcaster of {kind!r} from version {step} returned {fields!r}; "
                    "expected a dict of the next version's fields"
                )
        return {"type": kind, **fields}, original


# The documents upcast events were read from, by the event's id, dropped with the event.
_RECORDED: dict[int, tuple[weakref.ref[Any], dict[str, Any]]] = {}


def remember(event: object, document: dict[str, Any]) -> None:
    """Keep ``document`` as the form ``event`` (upcast from it) was recorded in."""
    key = id(event)
    _RECORDED[key] = (weakref.ref(event, lambda _ref: _RECORDED.pop(key, None)), document)


def recorded(event: object) -> dict[str, Any] | None:
    """The document an upcast ``event`` was read from (``None`` for any other event)."""
    if not _RECORDED:
        return None
    found = _RECORDED.get(id(event))
    return found[1] if found is not None and found[0]() is event else None
