"""Fixtures for the scheduling core: the real clinic.yml and stores on a fixed clock.

The store's contract tests run against both backends: ``book`` (and so ``store``) is
parametrized over a SQLite file and a PostgreSQL database (a real throwaway server, one per
session, a fresh schema per test).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from actions.core.scheduling.clinic import ClinicConfig, load_clinic
from actions.core.scheduling.sqlite_store import SqliteAppointmentStore
from actions.core.scheduling.store import Patient
from tests.postgres_fixtures import fresh_schema

BACKENDS = ("sqlite", "postgres")

NY = ZoneInfo("America/New_York")
# Monday 2 March 2026, 10:15 in the clinic (15:15 UTC) — the week before DST starts (8 March).
NOW = datetime(2026, 3, 2, 10, 15, tzinfo=NY)


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=NY)


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def patient(n: int = 0, dob: date = date(1980, 3, 12), phone: str | None = None) -> Patient:
    return Patient(name=f"Test Patient {n}", dob=dob, phone=phone)


@pytest.fixture(scope="session")
def clinic() -> ClinicConfig:
    return load_clinic()


class Clock:
    """A settable clock for stores: tests move time explicitly, never read the real one."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sub" / "scheduling.sqlite3"


@dataclass
class Book:
    """One appointment book under test: a SQLite file or a PostgreSQL database (by URL)."""

    kind: str
    where: str  # file path or postgresql:// URL
    clinic: ClinicConfig

    def open(self, now: Callable[[], datetime] | None = None,
             clinic: ClinicConfig | None = None) -> SqliteAppointmentStore:
        now = now or Clock(NOW)
        if self.kind == "postgres":
            from actions.booking.postgres_store import PostgresAppointmentStore
            return PostgresAppointmentStore(self.where, clinic or self.clinic, now=now)
        return SqliteAppointmentStore(Path(self.where), clinic or self.clinic, now=now)

    def rows(self, sql: str, *args: object) -> list[tuple]:
        """Run one statement on a connection of our own (not the store's); ``?`` placeholders."""
        if self.kind == "postgres":
            import psycopg
            with psycopg.connect(self.where, autocommit=True) as conn:
                cur = conn.execute(sql.replace("?", "%s"), args)
                return [tuple(r) for r in cur.fetchall()] if cur.description else []
        with sqlite3.connect(self.where) as conn:
            return conn.execute(sql, args).fetchall()

    @property
    def integrity_error(self) -> type[Exception]:
        if self.kind == "postgres":
            import psycopg
            return psycopg.errors.UniqueViolation
        return sqlite3.IntegrityError

    def dump(self) -> str:
        """Every row of every table, as text (to look for PHI that must not be there)."""
        if self.kind == "sqlite":
            with sqlite3.connect(self.where) as conn:
                return "\n".join(conn.iterdump())
        tables = [t for (t,) in self.rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return "\n".join(repr(row) for t in tables for row in self.rows(f"SELECT * FROM {t}"))  # noqa: S608


@pytest.fixture(params=BACKENDS)
def book(request: pytest.FixtureRequest, db_path: Path, clinic: ClinicConfig) -> Iterator[Book]:
    if request.param == "postgres":
        server = request.getfixturevalue("pg_server")
        with fresh_schema(server.url) as url:
            yield Book("postgres", url, clinic)
    else:
        yield Book("sqlite", str(db_path), clinic)


@pytest.fixture
def store(book: Book, clock: Clock) -> SqliteAppointmentStore:
    return book.open(clock)


@pytest.fixture
def make_store(book: Book) -> Callable[..., SqliteAppointmentStore]:
    def make(now: datetime = NOW) -> SqliteAppointmentStore:
        return book.open(Clock(now))

    return make
