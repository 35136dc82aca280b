"""Fixtures for the scheduling core: the real clinic.yml and stores on a fixed clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from actions.core.scheduling.clinic import ClinicConfig, load_clinic
from actions.core.scheduling.sqlite_store import SqliteAppointmentStore
from actions.core.scheduling.store import Patient

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


@pytest.fixture
def store(db_path: Path, clinic: ClinicConfig, clock: Clock) -> SqliteAppointmentStore:
    return SqliteAppointmentStore(db_path, clinic, now=clock)


@pytest.fixture
def make_store(clinic: ClinicConfig) -> Callable[..., SqliteAppointmentStore]:
    def make(path: Path, now: datetime = NOW) -> SqliteAppointmentStore:
        return SqliteAppointmentStore(path, clinic, now=Clock(now))

    return make
