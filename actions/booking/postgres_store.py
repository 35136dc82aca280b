"""The appointment book on PostgreSQL, for several action servers on several hosts.

The rules and queries are the SQLite store's (actions/core/scheduling/sqlite_store.py), run
unchanged; this adapter swaps what differs:
- connections: psycopg 3, one short connection per operation (thread-safe like the SQLite
  store), ``?`` placeholders translated to psycopg's ``%s``;
- writes: one READ COMMITTED transaction each, rolled back whole on any exception (crash
  rollback). Double booking is still refused by the ``held_cells`` primary key: the second
  INSERT of a cell waits for the first transaction and fails with unique_violation (SlotTaken)
  once that one commits — across processes and hosts;
- what SQLite's single write lock gave for free, transaction-scoped advisory locks give here:
  one per patient (the "at most N upcoming" and "no overlap" checks cannot go stale) and one for
  slot generation;
- reads: REPEATABLE READ, one snapshot for several SELECTs;
- schema: versioned migrations (actions/booking/migrations.py), applied when the store opens.

It lives outside actions/core because it talks to a network service.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
from psycopg import IsolationLevel

from actions.booking.migrations import LOCK_NAMESPACE, migrate
from actions.core.scheduling.clinic import ClinicConfig
from actions.core.scheduling.sqlite_store import SqlConnection, SqlCursor, SqliteAppointmentStore
from actions.core.scheduling.store import Patient, normalize_name

SCHEDULE_LOCK = 1
CONNECT_TIMEOUT_S = 10


def _qmark_to_pyformat(sql: str) -> str:
    # The shared queries use only ``?`` placeholders and no literal ``%`` or ``?``.
    return sql.replace("%", "%%").replace("?", "%s")


def _lock_key(text: str) -> int:
    """A stable signed 32-bit key for pg_advisory_xact_lock(namespace, key)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big",
                          signed=True)


class _QmarkConnection:
    """A psycopg connection that takes the SQLite store's ``?`` placeholders."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> SqlCursor:
        return self._conn.execute(_qmark_to_pyformat(sql), list(parameters))

    def executemany(self, sql: str, parameters: Any, /) -> None:
        with self._conn.cursor() as cur:
            cur.executemany(_qmark_to_pyformat(sql), list(parameters))


class PostgresAppointmentStore(SqliteAppointmentStore):
    """AppointmentStore on PostgreSQL (see the module docstring for the guarantees)."""

    integrity_errors = (psycopg.errors.UniqueViolation,)

    def __init__(self, url: str, clinic: ClinicConfig,
                 now: Callable[[], datetime] | None = None) -> None:
        self.url = url
        self._configure(clinic, now)
        self._init_schema()

    def _init_schema(self) -> None:
        migrate(self.url)

    def _open(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)

    @contextmanager
    def _write(self) -> Iterator[SqlConnection]:
        with self._open() as conn, conn.transaction():  # rolls back on any exception
            yield _QmarkConnection(conn)

    @contextmanager
    def _read(self) -> Iterator[SqlConnection]:
        with self._open() as conn:
            conn.isolation_level = IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            with conn.transaction():
                yield _QmarkConnection(conn)

    def _lock_schedule(self, conn: SqlConnection) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_NAMESPACE, SCHEDULE_LOCK))

    def _lock_patient(self, conn: SqlConnection, patient: Patient) -> None:
        key = f"patient:{normalize_name(patient.name)}|{patient.dob.isoformat()}"
        conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_NAMESPACE, _lock_key(key)))
