"""The one replay loop: entries applied to a ledger's log, checked, and appended to its columns.

``Ledger.record`` (one entry), ``Ledger.from_entries``, a branch of an older ledger and every
store's ``load`` go through :func:`replay`. It checks what every way into a ledger checks: each
entry's time (not before the entry before it, compared as instants), its hash when asked to
(``verify``) and its transition (the task's state allows it, under the ledger's policy), then
keeps it in the log's columns (see ``_Log``).

The loop is the hot path of a load, which applies a million entries: what it does per entry is
inlined rather than called, and the usual progress report (a percentage on a task in progress with
nothing latched: seven entries in ten) is applied here directly. That fast path exists only here;
``tests/test_ledger.py`` holds it equal to ``_progress``, the plain path every other report takes.
"""

from __future__ import annotations

import array
import datetime as dt
import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._record import entry_hash
from .._time import EDGE_YEARS, is_before
from ..exceptions import IntegrityError, InvalidInputError
from ._events import Event, ProgressReported
from ._state import OPEN_STATUSES, Status
from ._transitions import HANDLERS, apply

if TYPE_CHECKING:
    from ._log import _Log

__all__ = ["Columns", "check_hash", "replay"]

Columns = tuple[list[Event], list[dt.datetime], list[str], list[str], bytes | list[str]]
"""A run of entries: their events, times, actors and reasons, and their hashes, either as their 32
raw bytes each, joined, when every one is 64 lowercase hexadecimal digits, or as a list of the
hashes as recorded (see ``_Log.store_hashes``)."""

_BEFORE_ANY = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def check_hash(seq: int, actual: str, recorded: str) -> None:
    """Raise :class:`~govops.exceptions.IntegrityError` unless entry ``seq`` hashes as recorded."""
    if actual != recorded:
        raise IntegrityError(
            f"entry seq={seq} hashes to {actual!r}, not its recorded hash={recorded!r}: "
            "the entry was altered"
        )


def replay(log: _Log, chunks: Iterable[Columns], *, verify: bool, size: int = 0) -> None:
    """Apply the entries of ``chunks`` after those ``log`` holds, and append them to it.

    The chunks continue one another and the log: their sequence numbers and hash links were
    checked by whoever made them. ``verify`` recomputes every hash. ``size``, the number of
    entries expected, sizes the columns once rather than growing them with room to spare. The
    first entry refused raises its error; the log is then no longer usable (a ledger made by a
    replay that fails is never returned, and ``record`` replays into a log it owns).
    """
    ctx = log.ctx
    handlers = HANDLERS
    report, in_progress, open_statuses = ProgressReported, Status.IN_PROGRESS, OPEN_STATUSES
    edge_years = EDGE_YEARS
    start = seq = len(log)
    last_at = log.last_at() or _BEFORE_ANY
    columns: tuple[list[Any], ...] = (log.events, log.ats)
    for column in columns:
        column.extend(itertools.repeat(None, size))
    actor_ids = log.actor_ids
    actor_ids.extend(array.array("I", [0]) * size)
    log.digests.extend(bytes(32 * size))
    known_actors = log._actor_ids
    for chunk in chunks:
        tracks = log.tracks  # read here: a log started from a snapshot builds them when read
        events, ats, actors, reasons, hashes = chunk
        first = seq
        if verify:  # each entry's hash is recomputed, in the order a reader would check it
            recorded = (
                [hashes[k : k + 32].hex() for k in range(0, len(hashes), 32)]
                if isinstance(hashes, bytes)
                else hashes
            )
            prev = log.head_hash(seq)
        for event, at, actor in zip(events, ats, actors, strict=True):
            seq += 1
            earlier = False
            if at is not last_at:  # the same time as the entry before (one object): checked
                try:
                    earlier = is_before(at, last_at)
                except (TypeError, AttributeError):  # naive, or not a time
                    raise InvalidInputError(
                        f"entry seq={seq} has at={at!r}; expected an aware datetime"
                    ) from None
                if at.year in edge_years:  # its instant or its day may not exist: EDGE_YEARS
                    raise InvalidInputError(
                        f"entry seq={seq} has at={at.isoformat()}; a record keeps times of years "
                        "2 to 9998"
                    )
            if verify:
                digest = recorded[seq - first - 1]
                reason = reasons[seq - first - 1]
                actual = entry_hash(
                    seq=seq, event=event, at=at, actor=actor, reason=reason, prev_hash=prev
                )
                check_hash(seq, actual, digest)
                prev = digest
            if earlier:
                raise IntegrityError(f"entry seq={seq} is dated before the entry before it")
            last_at = at
            track = tracks.get(event.task_id)
            if (
                type(event) is report
                and track is not None
                and track.status is in_progress
                and event.quantity is None
                and event.percent is not None
                and track.rare is None
            ):
                # What _progress does with such a report: the status stays, so does `open`.
                track.percent = event.percent
                track.reports += 1
                track.last_report_at = at
            else:
                handler = handlers.get(type(event))
                if track is None or handler is None:
                    apply(tracks, event, seq=seq, at=at, actor=actor, ctx=ctx)
                    continue
                handler(track, event, at, actor, ctx)
                track.open = track.status in open_statuses
            track.version = seq
            track.updated_at = at
            track.snapshot = None
        log.store_hashes(hashes, first)
        log.events[first:seq] = events  # in place while within size, else appended
        log.ats[first:seq] = ats
        for actor in set(actors).difference(known_actors):
            log.actor_id(actor)
        actor_ids[first:seq] = array.array("I", map(known_actors.__getitem__, actors))
        if any(reasons):
            log.reasons.update((first + i, r) for i, r in enumerate(reasons) if r)
    for column in columns:
        del column[seq:]  # nothing, unless fewer entries came than expected
    del actor_ids[seq:]
    del log.digests[32 * seq :]
    positions = log._positions
    if positions is not None:  # built already: kept up to date
        for index in range(start, seq):
            positions.setdefault(log.events[index].task_id, []).append(index)
