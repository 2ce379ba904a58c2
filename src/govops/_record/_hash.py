"""The canonical form the hash chain is computed over.

Kept apart from :mod:`govops.serialization` on purpose: the JSON file format may gain fields or change
layout between schema versions, but the hash of an entry recorded today must verify forever, so it is
computed over this small, fixed encoding: attrs values as objects of their fields (events tagged with
their ``kind``), dates and datetimes in ISO 8601, enums as their values, tuples as arrays, frozensets
as sorted arrays, keys sorted, no whitespace, UTF-8.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from typing import Any

import attrs

from ..exceptions import IntegrityError
from ._events import Entry, Event
from ._upcast import VERSION_KEY, recorded

__all__ = ["GENESIS_HASH", "canonical", "check_link", "entry_hash"]

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first entry of every ledger."""

_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(a.name for a in attrs.fields(cls))
        _FIELDS[cls] = names
    return names


def canonical(value: Any) -> Any:
    """``value`` as JSON-ready primitives, the same for equal values."""
    if value is None or (
        isinstance(value, (bool, int, float)) and not isinstance(value, enum.Enum)
    ):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [canonical(v) for v in value]
    if isinstance(value, frozenset):
        items = [canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    if attrs.has(type(value)):
        document = recorded(value)
        if document is not None:  # an event upcast when read: hashed as it was recorded
            return {k: v for k, v in document.items() if k != VERSION_KEY}
        out = {name: canonical(getattr(value, name)) for name in _fields(type(value))}
        if isinstance(value, Event):
            out["type"] = value.kind
        return out
    raise TypeError(f"cannot encode {value!r} canonically")  # pragma: no cover - internal


def entry_hash(
    *, seq: int, event: Event, at: dt.datetime, actor: str, reason: str, prev_hash: str
) -> str:
    """The sha256 (hex) that chains an entry to ``prev_hash``."""
    body = json.dumps(
        {
            "seq": seq,
            "at": at.isoformat(),
            "actor": actor,
            "reason": reason,
            "event": canonical(event),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def rehash(entry: Entry) -> str:
    """The hash ``entry`` should have, recomputed from its content."""
    return entry_hash(
        seq=entry.seq,
        event=entry.event,
        at=entry.at,
        actor=entry.actor,
        reason=entry.reason,
        prev_hash=entry.prev_hash,
    )


def check_link(seq: object, expected: int, prev_hash: object, prev: str) -> None:
    """Raise :class:`~govops.exceptions.IntegrityError` unless an entry numbered ``seq``, with
    ``prev_hash``, may follow the entry before it: number ``expected`` and that entry's hash
    ``prev`` (the genesis hash for the first entry)."""
    if seq != expected:
        raise IntegrityError(
            f"entry seq={seq!r} where seq={expected} was expected: an entry is "
            "missing or out of order"
        )
    if prev_hash != prev:
        raise IntegrityError(
            f"entry seq={seq} has prev_hash={prev_hash!r} but the entry before "
            f"hashes to {prev!r}: the record was altered"
        )
