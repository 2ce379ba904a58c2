"""The head of a store: what it holds, recorded with each append and checked when it is read.

The head names the number of entries, the hash of the last one and the sha256 of the stored
policy, and, when the store has a key, carries an HMAC-SHA256 code of the three. It is what lets
a store find that rows, tables or bytes went missing, or that its policy was changed behind
govops' back (see ``docs/explanation/record.md``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from typing import Any, final

import attrs

from .._record import GENESIS_HASH
from ..exceptions import IntegrityError
from ._rows import _dumps
from ._sql import Queries

__all__ = [
    "StoreHead",
    "check_expected",
    "check_head",
    "digest",
    "head_row",
    "parse_head",
    "read_head",
]


@final
@attrs.frozen
class StoreHead:
    """A store's fingerprint: how many entries it holds, the hash of the last one (which
    fingerprints every entry before it, the ledger's policy changes included) and the sha256 of
    the policy the stored ledger was made with (``None`` before one is stored).

    A host that keeps the latest head somewhere else (another database, a log, a signed receipt)
    can later pass it to :meth:`EventStore.verify` to detect a store cut short or whose history
    was rewritten: see ``docs/explanation/record.md`` for what each check detects.
    """

    version: int
    hash: str
    policy: str | None


def digest(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def mac(key: bytes, head: StoreHead) -> str:
    """The HMAC-SHA256 code of ``head`` with the host's ``key``."""
    message = f"govops-store-head\n{head.version}\n{head.hash}\n{head.policy}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def read_head(
    db: sqlite3.Connection, where: str, key: bytes | None, q: Queries
) -> tuple[StoreHead | None, bool]:
    """The head recorded with the last append (``None`` in a file written before heads), checked
    against ``key`` when one is given; and whether it carries a code (appends then need the key)."""
    row = db.execute(q.head, q.params()).fetchone()
    if row is None:
        return None, False
    return parse_head(row[0], where, key)


def parse_head(text: str, where: str, key: bytes | None) -> tuple[StoreHead, bool]:
    """The head recorded as ``text``, checked against ``key`` when one is given; and whether it
    carries a code."""
    try:
        data = json.loads(text)
        head = StoreHead(data["version"], data["hash"], data["policy"])
        code = data.get("mac")
        if (
            type(head.version) is not int
            or type(head.hash) is not str
            or not (head.policy is None or type(head.policy) is str)
        ):
            raise TypeError(head)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise IntegrityError(f"the head recorded in {where!r} cannot be read") from exc
    if key is not None:
        if code is None:
            raise IntegrityError(
                f"the head of {where!r} carries no authentication code: the store was made "
                "without a key, or its code was removed"
            )
        # Compared as bytes: compare_digest refuses str that is not ASCII, as a damaged code is.
        given = str(code).encode("utf-8", "surrogatepass")
        if not hmac.compare_digest(given, mac(key, head).encode()):
            raise IntegrityError(
                f"the head of {where!r} does not authenticate with the key: the store was "
                "rewritten without it, or the key is not this store's"
            )
    return head, code is not None


def head_row(version: int, last_hash: str, policy: str | None, key: bytes | None) -> str:
    """The meta row of the head of ``version`` entries, the last hashed ``last_hash``, with the
    stored ``policy``; with a code when there is a ``key``."""
    head = StoreHead(version, last_hash, digest(policy))
    data: dict[str, Any] = {"version": version, "hash": last_hash, "policy": head.policy}
    if key is not None:
        data["mac"] = mac(key, head)
    return _dumps(data)


def check_head(
    db: sqlite3.Connection,
    head: StoreHead | None,
    where: str,
    q: Queries,
    *,
    every_row: bool = True,
    first: bool = False,
) -> tuple[int, str, str | None]:
    """Check that the entries and the policy are exactly the ones the head names; return
    the number of entries, the hash of the last one and the stored policy's text.

    ``every_row=False`` checks the ends only: counting the rows reads them all, which opening a
    store does, while an append must stay quick however long the record is, and a load reads
    the rows it replays anyway (a row missing among them stops it, see ``_Reader.checked``) and
    the rows before its snapshot only when they are needed, each checked then. ``first`` also
    checks that the entries are numbered from 1 (a second look in the index)."""
    # One aggregate a query: SQLite finds a lone min() or max() in the index, but computes
    # several together by reading every row.
    params = q.params()
    (top,) = db.execute(q.top, params).fetchone()
    low, count = 1, top or 0  # as if none went missing, unless every row is read
    if every_row or first:
        (low,) = db.execute(q.low, params).fetchone()
    if every_row:
        (count,) = db.execute(q.count, params).fetchone()
    if any(v is not None and type(v) is not int for v in (low, top, count)):
        raise IntegrityError(
            f"the event store at {where!r} is damaged: its entries are not numbered by "
            f"integers (found {low!r} to {top!r})"
        )
    if count and low < 1:
        raise IntegrityError(
            f"{where!r} holds an entry numbered seq={low}: entries are numbered from 1, so "
            "rows were added or renumbered"
        )
    if count and (top != count or low != 1):
        (gap,) = db.execute(q.gap, params).fetchone()
        raise IntegrityError(
            f"entry seq={gap} is missing from {where!r} ({count} entries numbered up to "
            f"{top}): rows were removed or renumbered"
        )
    last = db.execute(q.hash_at, q.params(seq=count)).fetchone()
    last_hash = last[0] if last else GENESIS_HASH
    row = db.execute(q.policy, params).fetchone()
    policy = row[0] if row else None
    if head is None:
        return int(count), last_hash, policy
    if head.version != count:
        raise IntegrityError(
            f"the event store at {where!r} holds {count} entries but its head, recorded with "
            f"the last append, names {head.version}: entries were removed"
        )
    if last_hash != head.hash:
        raise IntegrityError(
            f"the last entry of {where!r} is not the one its head names: it was replaced"
        )
    if digest(policy) != head.policy:
        raise IntegrityError(
            f"the ledger policy stored in {where!r} is not the one its head names: it was "
            "changed behind govops' back"
        )
    return int(count), last_hash, policy


def check_expected(last_hash: str, expected: StoreHead, head: StoreHead | None, where: str) -> None:
    """Check the entry at ``expected.version`` (hashed ``last_hash``) against a head kept elsewhere."""
    if last_hash != expected.hash:
        raise IntegrityError(
            f"entry seq={expected.version} in {where!r} is not the one the head kept "
            "elsewhere names: the history was rewritten"
        )
    if head is not None and head.version == expected.version and head.policy != expected.policy:
        raise IntegrityError(
            f"the ledger policy stored in {where!r} is not the one the head kept elsewhere "
            "names: it was changed"
        )
