"""Snapshots of a store: the projection at a version, kept beside the entries so that a load
need not replay the whole history (see ``docs/explanation/record.md``, "Snapshots").

A snapshot is one row of a table of snapshots, which a store makes when it writes the first one
(so databases without it open as they always did): the ledger it is of, the version it stands
for, the hash of the entry at that version, a small JSON header (the format, the policy the
ledger was made with and the calendar it was computed under) and the projection as a body of
bytes, columnar JSON in UTF-8 followed by its columns of numbers packed
(``govops/tasks/_snapshot.py``), with the policies :class:`~govops.tasks.PolicyChanged` entries
put in force up to its version; checked by the sha256 of header and body, and by an HMAC-SHA256
code with the store's key when it has one.

A load uses the latest snapshot of its ledger that matches: its code and checksum verify, its
format is one this version writes, the chain holds at its version exactly the entry it names,
and it was computed from the starting policy (as the store keeps it) and under the calendar the
load uses. Any other snapshot is ignored, and
the reason is reported (:class:`LoadReport`); the entries are then replayed from the one
before. A snapshot an earlier version wrote (``govops-snapshot/1``, whose body is text) is
ignored so, and the store keeps one in this format at its next snapshot: snapshots are only a
cache of the replay. Never pickle: the database may come from anywhere, and reading a snapshot
runs no code.

This module is the same for every store: what it reads and writes goes through a :class:`Table`,
one ledger's snapshots as a store's database keeps them (``_sqlite_snapshots.py``,
``_postgres_snapshots.py``), so that every check exists once.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
from collections.abc import Callable, Generator, Iterable
from typing import Any, Protocol, final

import attrs

from .._record import GENESIS_HASH, entry_hash
from .._time import calendar_tz
from ..exceptions import ConcurrencyError, GovopsError, IntegrityError, InvalidInputError
from ..serialization import converter
from ..tasks import Ledger, LedgerPolicy, WorkingCalendar
from ..tasks.lowlevel import (
    Columns,
    PolicyChanges,
    Projection,
    check_hash,
    policy_changes,
    span,
    tracks_of,
)
from ..tasks.lowlevel import decode_snapshot as decode
from ..tasks.lowlevel import encode_snapshot as encode
from ._rows import _dumps

__all__ = [
    "EARLIER",
    "FORMAT",
    "KEEP",
    "SNAPSHOT_EVERY",
    "LoadReport",
    "Row",
    "Snapshot",
    "Table",
    "Unreadable",
    "check_every",
    "checked_prefix",
    "encoded",
    "keep",
    "policy_digest",
    "prepared",
    "problem",
    "read",
    "same_calendar",
    "usable",
    "verify",
]

FORMAT = "govops-snapshot/2"
"""The format mark of the snapshots this version writes and reads."""

EARLIER = ("govops-snapshot/1",)
"""The formats of snapshots earlier versions wrote: ignored by a load, passed over by verify."""

KEEP = 2
"""How many snapshots a store keeps: the latest, and one to fall back on."""

SNAPSHOT_EVERY = 100_000
"""How many entries a store appends, by default, between two snapshots it keeps by itself."""

Row = tuple[Any, ...]
"""A stored snapshot as read: ``(version, hash, header, body, checksum)``, the body bytes (an
SQLite file may hold it as text, as earlier versions wrote it). Nothing in it is trusted until
:func:`problem` passed it."""


class Unreadable(Exception):
    """The snapshots of a database cannot be read (their table was altered, or the role may not
    read it): a load ignores them, :func:`verify` refuses them."""


class Table(Protocol):
    """One ledger's snapshots and the entries they name, as a store's database keeps them: read
    (and written) inside the transaction the store has open."""

    def latest(self) -> int:
        """The version of the latest snapshot stored (0 when there is none, or no table)."""

    def rows(self) -> list[Row]:
        """Every snapshot stored, the latest first (none when there is no table); raises
        :class:`Unreadable` when they cannot be read."""

    def hash_at(self, version: int) -> str | None:
        """The hash of the stored entry at ``version`` as 64 hexadecimal digits (``None`` beyond
        the last)."""

    def time_at(self, version: int) -> Any:
        """The time of the stored entry at ``version``, as the text stored."""

    def put(self, row: tuple[int, str, str, bytes, str], *, keep: int) -> None:
        """Store ``row``, replacing one at its version, and keep only the ``keep`` latest of the
        ledger (inside a write transaction; the first one makes the table)."""


@final
@attrs.frozen
class LoadReport:
    """What the last :meth:`EventStore.load` did: the ledger's ``version``, the version of the
    snapshot it started from (``snapshot``, ``None`` when it replayed every entry), how many
    entries it replayed after it, and why each snapshot it did not use was ignored (``ignored``:
    one sentence each, naming the snapshot's version)."""

    version: int
    snapshot: int | None = attrs.field(kw_only=True)
    replayed: int = attrs.field(kw_only=True)
    ignored: tuple[str, ...] = attrs.field(default=(), kw_only=True)


@final
@attrs.frozen
class Snapshot:
    """A snapshot read and checked: the tracks of the projection at ``version``, whose entry
    hashes ``hash`` (the caller checks that the chain holds it) and was recorded at
    ``last_at``, and where the policy changed up to it (``changes``: ``(seq, policy)``)."""

    version: int
    hash: str
    last_at: dt.datetime
    tracks: Projection  # read and checked; its tracks built when the ledger first needs them
    changes: PolicyChanges = ()


def policy_digest(policy: LedgerPolicy) -> str:
    return hashlib.sha256(_dumps(converter.unstructure(policy)).encode()).hexdigest()


def calendar_digest(calendar: WorkingCalendar, days: tuple[dt.date, dt.date] | None) -> str:
    """What ``calendar`` says about the days a projection depends on (``span``): the sha256 of
    its time zone and of each day, working or not (or not covered). Two calendars that agree on
    these days build the same projection from the same entries."""
    text = [str(calendar_tz(calendar))]
    if days is not None:
        day, last = days
        while day <= last:
            try:
                text.append("1" if calendar.is_working_day(day) else "0")
            except (GovopsError, ValueError, OverflowError):  # a day it does not cover
                text.append("?")
            day += dt.timedelta(days=1)
    return hashlib.sha256("".join(text).encode()).hexdigest()


_LONGEST = 366 * 200  # days: a projection that spans more is not one govops wrote


def _checksum(header: str, body: bytes, key: bytes | None) -> str:
    """The sha256 of a snapshot's header and body, followed by its HMAC-SHA256 code with the
    store's ``key`` when there is one."""
    digest = hashlib.sha256(header.encode() + b"\n" + body).hexdigest()
    if key is None:
        return digest
    return f"{digest} {_mac(key, digest)}"


def _mac(key: bytes, digest: str) -> str:
    return hmac.new(key, f"govops-snapshot\n{digest}".encode(), "sha256").hexdigest()


# -- writing ----------------------------------------------------------------------------------------


def check_every(snapshot_every: object) -> int | None:
    """``snapshot_every`` if it is an option of a store: a number of entries >= 1, or ``None``."""
    if snapshot_every is not None and (
        isinstance(snapshot_every, bool)
        or not isinstance(snapshot_every, int)
        or snapshot_every < 1
    ):
        raise InvalidInputError(
            f"snapshot_every={snapshot_every!r}; expected a number of entries >= 1, or None "
            "to keep snapshots only when snapshot() is called"
        )
    return snapshot_every


def encoded(ledger: Ledger, *, calendar: WorkingCalendar) -> tuple[str, bytes]:
    """The header and the body of a snapshot of ``ledger`` at its version. Raises
    :class:`ValueError` when the projection cannot be written."""
    listed = tracks_of(ledger)
    changes = [[seq, converter.unstructure(policy)] for seq, policy in policy_changes(ledger)]
    # The policies PolicyChanged entries put in force, which the tracks do not hold.
    more = {"policies": changes} if changes else {}
    body = encode(listed, converter.unstructure, **more)
    header = _dumps(
        {
            "format": FORMAT,
            "tasks": len(listed),
            "policy": policy_digest(ledger.policy_at(0)),
            "calendar": _calendar_header(calendar, span(listed)),
        }
    )
    return header, body


def prepared(ledger: Ledger) -> tuple[str, bytes]:
    """:func:`encoded` under the ledger's own calendar, for a store to keep (encoded before its
    write transaction, which then only writes it); :class:`InvalidInputError` when the
    projection holds a value a snapshot cannot write."""
    try:
        return encoded(ledger, calendar=ledger.calendar)
    except ValueError as exc:
        raise InvalidInputError(f"cannot keep a snapshot of this ledger: {exc}") from exc


def keep(
    table: Table,
    header: str,
    body: bytes,
    *,
    version: int,
    last_hash: str,
    key: bytes | None,
    where: str,
) -> None:
    """Write the snapshot ``header`` and ``body`` of the ledger at ``version``, its entry there
    hashed ``last_hash`` (inside a write transaction of the store ``where``), keeping the
    ``KEEP`` latest; :class:`ConcurrencyError` when the store no longer holds that entry."""
    if table.hash_at(version) != last_hash:
        raise ConcurrencyError(
            f"{where} no longer holds the ledger a snapshot was asked of at version {version}"
        )
    table.put((version, last_hash, header, body, _checksum(header, body, key)), keep=KEEP)


def _calendar_header(
    calendar: WorkingCalendar, days: tuple[dt.date, dt.date] | None
) -> dict[str, Any]:
    return {
        "days": None if days is None else [days[0].isoformat(), days[1].isoformat()],
        "digest": calendar_digest(calendar, days),
    }


# -- reading ----------------------------------------------------------------------------------------


def problem(
    row: Row,
    *,
    chain_hash: Callable[[int], str | None],
    key: bytes | None,
    policy: LedgerPolicy | None,
    calendar: WorkingCalendar | None,
) -> tuple[str | None, dict[str, Any] | None]:
    """Why the snapshot ``row`` cannot stand for the chain (``None`` when it can), and its
    header. ``chain_hash(version)`` is the hash of the stored entry at that version (``None``
    beyond the last); ``policy`` and ``calendar``, when given, are those of the load."""
    version, last_hash, header_text, body, checksum = row
    where = f"the snapshot at version {version!r}"
    if type(body) is str:  # as earlier versions wrote it in an SQLite file: the same UTF-8
        body = body.encode()
    if type(body) is not bytes or not all(
        type(v) is str for v in (last_hash, header_text, checksum)
    ):
        return f"{where} is damaged: its columns are not text and bytes", None
    if type(version) is not int or version < 1:
        return f"{where} is damaged: its version is not a positive integer", None
    digest, _, code = checksum.partition(" ")
    if digest != _checksum(header_text, body, None):
        return f"{where} is damaged or was altered: its checksum does not verify", None
    if key is not None and not hmac.compare_digest(code, _mac(key, digest)):
        return (
            f"{where} does not authenticate with the store's key: it was not written with it",
            None,
        )
    try:
        header = json.loads(header_text)
        fmt = header["format"]
    except (ValueError, TypeError, KeyError, RecursionError):
        return f"{where} is damaged: its header cannot be read", None
    if fmt != FORMAT:
        why = f"{where} is in format {fmt!r}; this version of govops reads {FORMAT!r}"
        return why, header
    stored = chain_hash(version)
    if stored is None:
        return f"{where} stands for more entries than the store holds", header
    if stored != last_hash:
        return (
            f"{where} names an entry the chain does not hold there: it is not this chain's",
            header,
        )
    if policy is not None and header.get("policy") != policy_digest(policy):
        return f"{where} was computed under another ledger policy", header
    if calendar is not None:
        same = same_calendar(header, calendar)
        if same is None:
            return f"{where} is damaged: its calendar cannot be read", header
        if not same:
            return f"{where} was computed under a calendar that differs on its days", header
    return None, header


def same_calendar(header: dict[str, Any], calendar: WorkingCalendar) -> bool | None:
    """Whether ``calendar`` says what the snapshot's calendar said about the days its
    projection depends on (``None`` when its header does not say it readably)."""
    try:
        found = header["calendar"]
        days = found["days"]
        digest = found["digest"]
        if days is None:
            return bool(digest == calendar_digest(calendar, None))
        first, last = map(dt.date.fromisoformat, days)
    except (TypeError, KeyError, ValueError):
        return None
    if not 0 <= (last - first).days <= _LONGEST:
        return None
    return bool(digest == calendar_digest(calendar, (first, last)))


def read(row: Row, at_text: Any) -> Snapshot:
    """The snapshot of a row that :func:`problem` passed, whose entry the chain holds recorded
    at ``at_text``; raises an error of the decoder (every such error means the snapshot or that
    entry is damaged) when it cannot be read."""
    version, last_hash, _header, body, _checksum = row
    last_at = dt.datetime.fromisoformat(at_text)
    if last_at.tzinfo is None:
        raise ValueError(f"its entry's time {at_text!r} has no UTC offset")
    if type(body) is not bytes:
        raise ValueError("its body is not bytes")
    projection, data = decode(body, converter.structure)
    changes = _changes(data.get("policies", []), version)
    return Snapshot(version, last_hash, last_at, projection, changes)


def _changes(data: Any, version: int) -> PolicyChanges:
    """The policy changes a snapshot body lists, ``[[seq, policy], ...]``: each at an entry up
    to the snapshot's ``version``, in order."""
    if type(data) is not list:
        raise ValueError("its policy changes are not a list")
    out: list[tuple[int, LedgerPolicy]] = []
    for item in data:
        if type(item) is not list or len(item) != 2 or type(item[0]) is not int:
            raise ValueError(f"a policy change {item!r} is not [seq, policy]")
        seq = item[0]
        if not (out[-1][0] if out else 0) < seq <= version:
            raise ValueError(f"a policy change at entry {seq} is out of order or beyond it")
        out.append((seq, converter.structure(item[1], LedgerPolicy)))
    return tuple(out)


def _read_with_time(table: Table, row: Row) -> Snapshot:
    return read(row, table.time_at(row[0]))


def usable(
    table: Table,
    *,
    key: bytes | None,
    policy: LedgerPolicy,
    calendar: WorkingCalendar,
) -> tuple[Snapshot | None, list[str]]:
    """The latest snapshot in ``table`` that stands for its ledger's chain started under
    ``policy`` and counted on ``calendar`` (inside a read transaction), and why each later one
    does not."""
    ignored: list[str] = []
    try:
        found = table.rows()
    except Unreadable as exc:  # the entries are all there
        return None, [f"the snapshots cannot be read: {exc}"]
    for row in found:
        why, _header = problem(
            row, chain_hash=table.hash_at, key=key, policy=policy, calendar=calendar
        )
        if why is None:
            try:
                return _read_with_time(table, row), ignored
            # Whatever the decoder raises means the snapshot is damaged; it is then ignored and
            # the entries replayed, which checks everything.
            except Exception as exc:
                why = f"the snapshot at version {row[0]} is damaged: {exc}"
        ignored.append(why)
    return None, ignored


def verify(
    table: Table,
    *,
    key: bytes | None,
    policy: LedgerPolicy,
    calendar: WorkingCalendar | None,
    replayed: Callable[[int], Ledger],
    where: str,
) -> None:
    """Check every snapshot in ``table`` against its ledger's chain (inside a read transaction
    of the store ``where``): its checksum (and code, with a key), the entry it names and its
    projection, readable; and, given the ``calendar`` the store counts on, that the projection
    and the policies in force are the ones ``replayed(version)``, the ledger of the entries up
    to it, builds. Raises :class:`IntegrityError` naming the first snapshot that is not what it
    should be (a snapshot in a format of an earlier version is passed over: a cache this
    version does not read)."""
    try:
        found = table.rows()
    except Unreadable as exc:
        raise IntegrityError(f"the snapshots of {where} are damaged: {exc}") from exc
    for row in found:
        why, header = problem(row, chain_hash=table.hash_at, key=key, policy=None, calendar=None)
        if why is not None and header is not None and header.get("format") in EARLIER:
            continue  # a cache this version does not read: nothing it could find wrong
        if why is not None:
            raise IntegrityError(f"{why} (in {where})")
        assert header is not None
        named = f"the snapshot at version {row[0]} in {where}"
        try:
            snapshot = _read_with_time(table, row)
        except Exception as exc:  # see usable()
            raise IntegrityError(f"{named} is damaged: {exc}") from exc
        if (
            calendar is None
            or header.get("policy") != policy_digest(policy)
            or not same_calendar(header, calendar)
        ):
            continue  # computed under another policy or calendar: nothing to compare with
        built = replayed(row[0])
        changes = policy_changes(built)
        tracks = snapshot.tracks.build().values()
        if snapshot.changes != changes or [t.freeze() for t in tracks] != list(built.states()):
            raise IntegrityError(f"{named} does not hold the projection its entries build")


def _digest(hashes: bytes | list[str], index: int) -> str:
    """The hash at ``index`` of a run's hashes (as text one at a time: a million at once
    would take 100 MB)."""
    if isinstance(hashes, bytes):
        return hashes[32 * index : 32 * index + 32].hex()
    return hashes[index]


def checked_prefix(
    chunks: Iterable[Columns], version: int, last_hash: str, *, verify: bool, where: str
) -> Generator[Columns, None, None]:
    """The runs of entries before a snapshot at ``version`` as read again from the store
    ``where`` (named as its messages name it), each checked before it is given: there are
    ``version`` of them, linked (the reader checked each link) up to the entry hashed
    ``last_hash`` the snapshot names, and, with ``verify``, each hashes as recorded. A run that
    goes past, or ends on another entry, raises :class:`IntegrityError` instead of being given;
    so does an end before ``version``."""
    count, prev = 0, GENESIS_HASH
    for chunk in chunks:
        events, ats, actors, reasons, hashes = chunk
        digest = functools.partial(_digest, hashes)
        if verify:
            for k, (event, at, actor, reason) in enumerate(
                zip(events, ats, actors, reasons, strict=True)
            ):
                recorded = digest(k)
                actual = entry_hash(
                    seq=count + k + 1,
                    event=event,
                    at=at,
                    actor=actor,
                    reason=reason,
                    prev_hash=prev,
                )
                check_hash(count + k + 1, actual, recorded)
                prev = recorded
        count += len(events)
        if count > version or (count == version and digest(len(events) - 1) != last_hash):
            break
        yield chunk
    else:
        if count == version:
            return
    raise IntegrityError(
        f"the entries of {where} before the snapshot this ledger was loaded from are "
        f"no longer there: entry seq={version} is not the one it named"
    )
