"""Snapshots of a store: the projection at a version, kept beside the entries so that a load
need not replay the whole history (see ``docs/explanation/record.md``, "Snapshots").

A snapshot is one row of the ``snapshots`` table (made when the first one is written, so files
without it open as they always did): the version it stands for, the hash of the entry at that
version, a small JSON header (the format, the policy and the calendar it was computed under)
and the projection as columnar JSON (``govops/tasks/_snapshot.py``), checked by the sha256 of
header and body, and by an HMAC-SHA256 code with the store's key when it has one.

A load uses the latest snapshot that matches: its code and checksum verify, its format is one
this version writes, the chain holds at its version exactly the entry it names, and it was
computed under the policy and the calendar the load uses. Any other snapshot is ignored, and
the reason is reported (:class:`LoadReport`); the entries are then replayed from the one
before. Never pickle: the file may come from anywhere, and reading a snapshot runs no code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Any, final

import attrs

from .._time import calendar_tz
from ..serialization import converter
from ..tasks import LedgerPolicy, WorkingCalendar
from ..tasks._replay import Columns
from ..tasks._snapshot import decode, encode, span
from ..tasks._state import _Track
from ._rows import _dumps

__all__ = [
    "FORMAT",
    "KEEP",
    "LoadReport",
    "Snapshot",
    "encoded",
    "joined",
    "latest_version",
    "policy_digest",
    "problem",
    "read",
    "rows",
    "same_calendar",
    "write",
]

FORMAT = "govops-snapshot/1"
"""The format mark of the snapshots this version writes and reads."""

KEEP = 2
"""How many snapshots a store keeps: the latest, and one to fall back on."""

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS snapshots (
    version  INTEGER PRIMARY KEY,
    hash     TEXT NOT NULL,
    header   TEXT NOT NULL,
    body     TEXT NOT NULL,
    checksum TEXT NOT NULL
)
"""


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
    ``last_at``."""

    version: int
    hash: str
    last_at: dt.datetime
    tracks: dict[str, _Track]


def has_table(db: sqlite3.Connection) -> bool:
    found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshots'")
    return found.fetchone() is not None


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
            except Exception:  # a day the calendar does not cover: said as such
                text.append("?")
            day += dt.timedelta(days=1)
    return hashlib.sha256("".join(text).encode()).hexdigest()


def _checksum(header: str, body: str, key: bytes | None) -> str:
    """The sha256 of a snapshot's header and body, followed by its HMAC-SHA256 code with the
    store's ``key`` when there is one."""
    digest = hashlib.sha256(f"{header}\n{body}".encode()).hexdigest()
    if key is None:
        return digest
    return f"{digest} {_mac(key, digest)}"


def _mac(key: bytes, digest: str) -> str:
    return hmac.new(key, f"govops-snapshot\n{digest}".encode(), "sha256").hexdigest()


# -- writing ----------------------------------------------------------------------------------------


def encoded(
    tracks: Iterable[_Track], *, policy: LedgerPolicy, calendar: WorkingCalendar
) -> tuple[str, str]:
    """The header and the body of a snapshot of ``tracks``. Raises :class:`ValueError` when the
    projection cannot be written."""
    listed = list(tracks)
    body = _dumps(encode(listed, converter.unstructure))
    header = _dumps(
        {
            "format": FORMAT,
            "tasks": len(listed),
            "policy": policy_digest(policy),
            "calendar": _calendar_header(calendar, span(listed)),
        }
    )
    return header, body


def write(
    db: sqlite3.Connection,
    header: str,
    body: str,
    *,
    version: int,
    last_hash: str,
    key: bytes | None,
) -> None:
    """Write a snapshot at ``version`` (inside a write transaction), keeping the ``KEEP``
    latest."""
    db.execute(SCHEMA_SQL)
    db.execute(
        "INSERT OR REPLACE INTO snapshots (version, hash, header, body, checksum) "
        "VALUES (?, ?, ?, ?, ?)",
        (version, last_hash, header, body, _checksum(header, body, key)),
    )
    db.execute(
        "DELETE FROM snapshots WHERE version NOT IN "
        "(SELECT version FROM snapshots ORDER BY version DESC LIMIT ?)",
        (KEEP,),
    )


def _calendar_header(
    calendar: WorkingCalendar, days: tuple[dt.date, dt.date] | None
) -> dict[str, Any]:
    return {
        "days": None if days is None else [days[0].isoformat(), days[1].isoformat()],
        "digest": calendar_digest(calendar, days),
    }


def latest_version(db: sqlite3.Connection) -> int:
    """The version of the latest snapshot stored (0 when none)."""
    if not has_table(db):
        return 0
    return int(db.execute("SELECT COALESCE(MAX(version), 0) FROM snapshots").fetchone()[0])


# -- reading ----------------------------------------------------------------------------------------


def rows(db: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Every stored snapshot as ``(version, hash, header, body, checksum)``, the latest first."""
    if not has_table(db):
        return []
    return db.execute(
        "SELECT version, hash, header, body, checksum FROM snapshots ORDER BY version DESC"
    ).fetchall()


def problem(
    row: tuple[Any, ...],
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
    if not all(type(v) is str for v in (last_hash, header_text, body, checksum)):
        return f"{where} is damaged: its columns are not text", None
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
        return f"{where} is in format {fmt!r}; this version of govops reads {FORMAT!r}", None
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
    if first > last:
        return None
    return bool(digest == calendar_digest(calendar, (first, last)))


def read(row: tuple[Any, ...], at_text: Any) -> Snapshot:
    """The snapshot of a row that :func:`problem` passed, whose entry the chain holds recorded
    at ``at_text``; raises an error of the decoder (every such error means the snapshot or that
    entry is damaged) when it cannot be read."""
    version, last_hash, _header, body, _checksum = row
    last_at = dt.datetime.fromisoformat(at_text)
    if last_at.tzinfo is None:
        raise ValueError(f"its entry's time {at_text!r} has no UTC offset")
    return Snapshot(version, last_hash, last_at, decode(json.loads(body), converter.structure))


def joined(chunks: Iterator[Columns]) -> Columns:
    """Runs of entries as one run."""
    events: list[Any] = []
    ats: list[dt.datetime] = []
    actors: list[str] = []
    reasons: list[str] = []
    raw: list[bytes] = []
    texts: list[str] | None = None
    for chunk_events, chunk_ats, chunk_actors, chunk_reasons, hashes in chunks:
        events += chunk_events
        ats += chunk_ats
        actors += chunk_actors
        reasons += chunk_reasons
        if texts is None and isinstance(hashes, bytes):
            raw.append(hashes)
            continue
        if texts is None:
            texts = [b[k : k + 32].hex() for b in raw for k in range(0, len(b), 32)]
        texts += (
            [hashes[k : k + 32].hex() for k in range(0, len(hashes), 32)]
            if isinstance(hashes, bytes)
            else hashes
        )
    return events, ats, actors, reasons, b"".join(raw) if texts is None else texts
