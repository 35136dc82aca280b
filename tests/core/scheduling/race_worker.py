"""Worker for the multi-process booking race (importable by spawned children; not a test)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from actions.core.scheduling.clinic import load_clinic
from actions.core.scheduling.sqlite_store import SqliteAppointmentStore
from actions.core.scheduling.store import Patient, SlotTaken


def book_once(kind: str, where: str, now_iso: str, slot_id: str, n: int, barrier: Any,
              results: Any) -> None:
    """Open an own store (own connections) on the shared book — a SQLite file or a PostgreSQL
    URL —, wait for all, book one slot."""
    fixed = datetime.fromisoformat(now_iso)
    store: SqliteAppointmentStore
    if kind == "postgres":
        from actions.booking.postgres_store import PostgresAppointmentStore
        store = PostgresAppointmentStore(where, load_clinic(), now=lambda: fixed)
    else:
        store = SqliteAppointmentStore(Path(where), load_clinic(), now=lambda: fixed)
    barrier.wait(timeout=120)
    try:
        appointment = store.book(slot_id, Patient(f"Racer {n}", date(1970, 1, 1 + n % 28)), "race")
        results.put((n, "ok", appointment.code))
    except SlotTaken:
        results.put((n, "taken", ""))
    except Exception as exc:  # reported to the parent, which fails the test
        results.put((n, "error", repr(exc)))


def book_and_hang(kind: str, where: str, now_iso: str, slot_id: str, inside: Any) -> None:
    """Book, but stop forever inside the transaction (after the appointment row is written,
    before the cells are held): the parent SIGKILLs this process there."""
    import time

    fixed = datetime.fromisoformat(now_iso)
    store: SqliteAppointmentStore
    if kind == "postgres":
        from actions.booking.postgres_store import PostgresAppointmentStore
        store = PostgresAppointmentStore(where, load_clinic(), now=lambda: fixed)
    else:
        store = SqliteAppointmentStore(Path(where), load_clinic(), now=lambda: fixed)

    def hang(*_args: object) -> None:
        inside.set()
        time.sleep(600)

    store._hold_cells = hang  # type: ignore[method-assign]
    store.book(slot_id, Patient("Killed Midway", date(1970, 1, 1)), "crash")
