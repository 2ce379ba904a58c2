"""The record's promises on SQLite files where the store suites leave a gap: a read-only file or
folder (permissions, not a mount) loads and verifies, opening writes nothing, a file-size limit on
the writing process loses nothing, text that is not UTF-8 is damage, and a create killed at any
moment leaves a file that opening or creating accepts."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from govops.exceptions import IntegrityError
from govops.store import SQLiteStore
from test_store import CAL, small_ledger

TESTS = Path(__file__).parent


def _stored_file(folder: Path) -> Path:
    folder.mkdir()
    path = folder / "l.db"
    with SQLiteStore.create(path, calendar=CAL) as store:
        store.save(small_ledger(), expected_version=0)
    return path


_TRY_EVERYTHING = """
    import json, sys
    from govops.exceptions import GovopsError
    from govops.store import SQLiteStore
    from govops.tasks import IssueRaised
    from test_store import CAL, START, small_ledger

    path, out = sys.argv[1], {}
    for mode in ("ro", "rw"):
        try:
            with SQLiteStore(path, calendar=CAL, mode=mode) as store:
                ledger = store.load()
                out[mode] = [ledger == small_ledger(), store.verify()]
                more = ledger.record(IssueRaised("T0", "i"), actor="econ", at=START)
                store.save(more, expected_version=ledger.version)
                out[mode].append("appended")
        except GovopsError as exc:
            out.setdefault(mode, []).append(f"{type(exc).__name__}: {exc}")
    print(json.dumps(out))
"""


def _unprivileged(script: str, *args: str) -> dict[str, Any]:
    """Run ``script`` in a process that file permissions bind: as root, without its
    capabilities (``setpriv``); the script prints one JSON object, returned."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root needs setpriv to drop the privileges permissions bind")
        prefix = ["setpriv", "--inh-caps=-all", "--bounding-set=-all"]
    done = subprocess.run(
        [*prefix, sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(TESTS)},
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("read_only", ["file", "folder", "both"])
def test_a_read_only_file_or_folder_loads_and_verifies_and_refuses_appends(
    tmp_path: Path, read_only: str
) -> None:
    path = _stored_file(tmp_path / "store")
    before = path.read_bytes()
    if read_only in ("file", "both"):
        path.chmod(0o444)
    if read_only in ("folder", "both"):
        path.parent.chmod(0o555)
    try:
        result = _unprivileged(_TRY_EVERYTHING, str(path))
    finally:
        path.parent.chmod(0o755)
        path.chmod(0o644)
    assert result["ro"][:2] == [True, 9]
    assert "StoreError" in result["ro"][2] and "mode='ro'" in result["ro"][2]
    if read_only == "file":  # SQLite opens it, reads it, and refuses to write
        assert result["rw"][:2] == [True, 9]
        assert result["rw"][2].startswith("StoreError") and "read-only" in result["rw"][2]
    else:  # the write-ahead log cannot be made: opening for writing says to use mode='ro'
        (message,) = result["rw"]
        assert message.startswith("StoreError") and "open it with mode='ro'" in message
    assert path.read_bytes() == before


def test_opening_loading_and_verifying_write_nothing(tmp_path: Path) -> None:
    path = _stored_file(tmp_path / "store")
    before = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    for mode in ("rw", "ro"):
        with SQLiteStore(path, calendar=CAL, mode=mode) as store:
            store.load()
            store.verify()
            store.head()
            store.ledgers()
            list(store.entries())
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before
    # A read-only connection cannot remove the write-ahead log SQLite opens beside the file: it
    # stays, empty.
    wal = path.with_name("l.db-wal")
    assert not wal.exists() or wal.stat().st_size == 0


_SIZE_LIMIT = """
    import json, resource, signal, sys
    from govops.exceptions import GovopsError
    from govops.store import SQLiteStore
    from govops.tasks import IssueRaised
    from test_store import CAL, START, small_ledger

    path = sys.argv[1]
    acknowledged, messages = small_ledger(1), []
    with SQLiteStore.create(path, calendar=CAL) as store:
        store.save(acknowledged, expected_version=0)
        # Writing past the limit fails with EFBIG (SIGXFSZ, which would kill, is ignored).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, resource.RLIM_INFINITY))
        for n in range(10_000):
            nxt = acknowledged
            for i in range(20):
                nxt = nxt.record(IssueRaised("T0", f"{n}-{i}-" + "x" * 300), actor="x", at=START)
            try:
                store.save(nxt, expected_version=acknowledged.version)
            except GovopsError as exc:
                messages.append(f"{type(exc).__name__}: {exc}")
                if len(messages) == 2:  # the same append once more: refused the same way
                    break
                continue
            acknowledged = nxt
        after = store.version
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    with SQLiteStore(path, calendar=CAL) as store:
        loaded = store.load()
        print(json.dumps({
            "messages": messages, "after": after, "acknowledged": acknowledged.version,
            "same": loaded == acknowledged, "verified": store.verify(),
        }))
"""


def test_a_file_size_limit_is_a_store_error_and_loses_nothing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_SIZE_LIMIT), str(tmp_path / "l.db")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(TESTS)},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(result["messages"]) == 2
    for message in result["messages"]:
        assert message.startswith("StoreError: cannot append to the event store")
        assert "could not be written" in message and "nothing was written" in message
    assert result["acknowledged"] > 3  # some appends went in before the limit
    assert result["after"] == result["verified"] == result["acknowledged"]
    assert result["same"]


@pytest.mark.parametrize("column", ["event", "at", "actor", "reason"])
def test_a_row_holding_text_that_is_not_utf8_is_damage(tmp_path: Path, column: str) -> None:
    path = _stored_file(tmp_path / "store")
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(f"UPDATE entries SET {column} = CAST(X'C3FF' AS TEXT) WHERE seq = 5")
    finally:
        db.close()
    with SQLiteStore(path, calendar=CAL) as store:
        for read in (store.load, store.verify, lambda: list(store.entries())):
            with pytest.raises(IntegrityError, match=r"is damaged.*UTF-8"):
                read()


def _create_forever(folder: str, acks: str) -> None:
    """Create stores ``0.db``, ``1.db``, … each with one saved ledger, writing the number of each
    once its save returned."""
    ledger = small_ledger(1)
    with open(acks, "a", encoding="utf-8") as out:
        for n in range(1_000_000):
            with SQLiteStore.create(Path(folder) / f"{n}.db", calendar=CAL) as store:
                store.save(ledger, expected_version=0)
            out.write(f"{n}\n")
            out.flush()


def _create_crash_trial(folder: Path, delay: float) -> None:
    acks = folder / "acks"
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=_create_forever, args=(str(folder), str(acks)))
    child.start()
    try:
        deadline = time.monotonic() + 120
        while not (acks.exists() and acks.read_text(encoding="utf-8")):
            assert time.monotonic() < deadline, "the creator never got going"
            time.sleep(0.01)
        time.sleep(delay)
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.join(30)
    acknowledged = [int(n) for n in acks.read_text(encoding="utf-8").split()]
    for n in acknowledged:
        with SQLiteStore(folder / f"{n}.db", calendar=CAL, mode="ro") as store:
            assert store.load() == small_ledger(1)
    # The store being made when the process died: it opens (whole or empty), or it was killed
    # before its first write and a create makes it; never a file that neither call accepts.
    last = folder / f"{acknowledged[-1] + 1}.db"
    if last.exists():
        try:
            with SQLiteStore(last, calendar=CAL) as store:
                assert store.load().version in (0, 3)
        except IntegrityError:
            with pytest.raises(IntegrityError, match="empty or was truncated"):
                SQLiteStore(last, calendar=CAL)
            with SQLiteStore.create(last, calendar=CAL) as store:
                assert store.version == 0


@pytest.mark.parametrize("trial", range(3))
def test_a_create_killed_at_a_random_moment_leaves_a_file_that_opens_or_is_created(
    tmp_path: Path, trial: int
) -> None:
    _create_crash_trial(tmp_path, random.Random(trial).uniform(0, 0.2))


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(200))
def test_a_create_killed_at_a_random_moment_leaves_a_file_that_opens_or_is_created_many(
    tmp_path: Path, trial: int
) -> None:
    _create_crash_trial(tmp_path, random.Random(2000 + trial).uniform(0, 0.3))
