"""Fixtures shared by the test modules: a throwaway PostgreSQL server for the store tests, and
each backend of the store suites."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from postgres_server import PostgresServer, running
from store_backends import Backend, fresh_schema


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the session's own, stopped and removed at the end. Where none is
    installed the tests that need it fail, saying so: they are never skipped in silence."""
    try:
        with running() as server:
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """A store of each kind: an SQLite file, and a ledger on the session's PostgreSQL server in
    a schema of the test's own (what one test does to the tables reaches no other)."""
    if request.param == "sqlite":
        return Backend("sqlite", str(tmp_path / "ledger.db"))
    server: PostgresServer = request.getfixturevalue("postgres")
    return Backend("postgres", fresh_schema(server), f"office-{uuid.uuid4().hex[:12]}")
