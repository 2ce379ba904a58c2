"""The record kernel, private and shared by the packages that keep records (like trio's ``_core``).

It owns, once each: the event base class, the entry and the registry of event kinds
(:mod:`._events`), the canonical encoding and the hash chain (:mod:`._hash`), the append-only log
of entries and its checks (:mod:`._log`), and the code govops generates to build values slot by
slot (:mod:`._builders`, :mod:`._generated`). See
``docs/explanation/record.md``.
"""

from ._builders import init_lines as init_lines
from ._builders import positional_builder as positional_builder
from ._events import EVENTS as EVENTS
from ._events import INLINE as INLINE
from ._events import Entry as Entry
from ._events import Event as Event
from ._events import EventRegistry as EventRegistry
from ._events import RecordEvent as RecordEvent
from ._events import inline as inline
from ._generated import generated_function as generated_function
from ._hash import GENESIS_HASH as GENESIS_HASH
from ._hash import canonical as canonical
from ._hash import check_link as check_link
from ._hash import entry_hash as entry_hash
from ._hash import rehash as rehash
from ._log import EntryLog as EntryLog
from ._log import check_recording as check_recording
from ._log import instant as instant
from ._upcast import VERSION_KEY as VERSION_KEY
from ._upcast import recorded as recorded
from ._upcast import remember as remember

__all__ = [
    "EVENTS",
    "GENESIS_HASH",
    "INLINE",
    "VERSION_KEY",
    "Entry",
    "EntryLog",
    "Event",
    "EventRegistry",
    "RecordEvent",
    "canonical",
    "check_link",
    "check_recording",
    "entry_hash",
    "generated_function",
    "init_lines",
    "inline",
    "instant",
    "positional_builder",
    "recorded",
    "rehash",
    "remember",
]
