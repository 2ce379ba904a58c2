"""Fixtures shared by the test modules: a throwaway PostgreSQL server for the store tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from postgres_server import PostgresServer, running


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the session's own, stopped and removed at the end. Where none is
    installed the tests that need it fail, saying so: they are never skipped in silence."""
    try:
        with running() as server:
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
