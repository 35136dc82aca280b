"""PostgreSQL fixtures: one real throwaway server per test session (Debian's postgresql package,
started by scripts/postgres_server.py like tests start Redis), a fresh schema per test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from scripts.postgres_server import PostgresServer, throwaway_postgres


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    with throwaway_postgres() as server:
        yield server


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """An empty ``public`` schema (tables, migrations table and all) before the test."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    yield url
