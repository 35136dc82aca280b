"""SQLite implementation of the appointment store.

How double booking is made impossible (not just unlikely):
- Time is cut into grid cells (slot_grid_minutes). A booking *holds* every cell it covers (a
  40-minute visit on a 20-minute grid holds two) in `held_cells`, whose PRIMARY KEY is
  (provider_id, cell_ts). SQLite enforces that key for every connection and process, so two racing
  bookings of overlapping time can never both commit: the loser's INSERT fails with
  IntegrityError, which becomes SlotTaken.
- Every write is one `BEGIN IMMEDIATE` transaction (the write lock is taken up front, so checks
  made inside it — limits, code uniqueness — cannot go stale before the insert), and anything
  raised inside it rolls the whole transaction back: nothing half-written on a crash.
- Each operation opens its own short-lived connection, so one store object is safe to share
  between threads, and separate processes simply queue on the lock (WAL + busy_timeout).

PHI at rest: this file holds patient names, dates of birth and visit reasons in clear (needed for
lookup). Phone numbers are stored only as a keyed hash. Keep the file on an encrypted volume with
restricted permissions, and out of backups that are not themselves protected.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import time as _time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from actions.core.privacy import conversation_hash
from actions.core.scheduling.clinic import REPO_ROOT, TELEHEALTH, ClinicConfig, VisitType
from actions.core.scheduling.codes import new_code, normalize_code
from actions.core.scheduling.store import (
    Appointment,
    BookingRejected,
    NotFound,
    Patient,
    Slot,
    SlotTaken,
    age_on,
    format_slot_id,
    normalize_name,
    parse_slot_id,
)

SCHEMA_VERSION = "1"
BUSY_TIMEOUT_MS = 30_000
MAX_REASON_CHARS = 500
MAX_NAME_CHARS = 200

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- Bookable grid cells, generated from clinic.yml (one row per provider, place and cell start).
CREATE TABLE IF NOT EXISTS slots (
    provider_id TEXT    NOT NULL,
    location_id TEXT    NOT NULL,          -- a clinic location id, or 'telehealth'
    start_ts    INTEGER NOT NULL,          -- cell start, Unix seconds (UTC)
    day         TEXT    NOT NULL,          -- clinic-local date of the cell, YYYY-MM-DD
    PRIMARY KEY (provider_id, location_id, start_ts)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS slots_by_day ON slots (day);
-- Which days are generated, and from which configuration (a changed clinic.yml regenerates).
CREATE TABLE IF NOT EXISTS generated_days (
    day         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS appointments (
    code          TEXT    PRIMARY KEY,     -- confirmation code
    patient_name  TEXT    NOT NULL,        -- PHI, as given
    name_key      TEXT    NOT NULL,        -- casefolded, whitespace-collapsed name for lookup
    dob           TEXT    NOT NULL,        -- PHI, YYYY-MM-DD
    phone_hash    TEXT,                    -- keyed hash, never the number
    visit_type_id TEXT    NOT NULL,
    reason        TEXT    NOT NULL,        -- PHI
    provider_id   TEXT    NOT NULL,
    location_id   TEXT    NOT NULL,
    start_ts      INTEGER NOT NULL,
    end_ts        INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('booked', 'cancelled')),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS appointments_by_patient
    ON appointments (name_key, dob, status, start_ts);
-- THE double-booking guard: one holder per provider and cell, across every connection.
CREATE TABLE IF NOT EXISTS held_cells (
    provider_id TEXT    NOT NULL,
    cell_ts     INTEGER NOT NULL,
    code        TEXT    NOT NULL REFERENCES appointments (code),
    PRIMARY KEY (provider_id, cell_ts)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS held_cells_by_code ON held_cells (code);
"""


class SqlCursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class SqlConnection(Protocol):
    """What the store's queries need of a connection (sqlite3's, or an adapter onto another
    database's driver that takes the same ``?`` placeholders)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> SqlCursor: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...


def default_store_path(configured: str = "") -> Path:
    """``configured`` (the SCHEDULING_DB setting) if not empty, else
    <repo>/var/scheduling.sqlite3."""
    configured = configured.strip()
    return Path(configured) if configured else REPO_ROOT / "var" / "scheduling.sqlite3"


def _create_private(path: Path) -> None:
    """The book holds PHI: its directory is created 0700, the file 0600 before SQLite opens it
    (SQLite gives its -wal and -shm files the database file's mode). An existing file with
    looser modes is tightened."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def clock_from_setting(configured: str = "") -> Callable[[], datetime]:
    """``configured`` (the CLINIC_NOW setting: ISO 8601 with offset) as a fixed clock, for tests
    and demos; real time if empty."""
    configured = configured.strip()
    if not configured:
        return _utc_now
    fixed = datetime.fromisoformat(configured)
    if fixed.tzinfo is None:
        raise ValueError("CLINIC_NOW needs a UTC offset, e.g. 2026-03-02T10:15:00-05:00")
    fixed = fixed.astimezone(UTC)
    return lambda: fixed


def _ts(when: datetime) -> int:
    return int(when.timestamp())


def _from_ts(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _phone_hash(phone: str) -> str | None:
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return None
    if len(digits) == 10:  # US national number: hash the same as +1 E.164
        digits = "1" + digits
    # Keyed (HMAC) so the hash cannot be reversed by enumerating phone numbers; the prefix keeps
    # it distinct from a conversation-id hash of the same string.
    return conversation_hash("scheduling-phone:" + digits)


def _fingerprint(clinic: ClinicConfig) -> str:
    material = repr((
        clinic.tz.key, clinic.slot_grid_minutes, sorted(clinic.providers.items()),
        sorted(clinic.visit_types.items()), sorted(clinic.hours.items()),
        sorted(clinic.holidays.items()),
    ))
    return hashlib.sha256(material.encode()).hexdigest()[:16]


class SqliteAppointmentStore:
    """AppointmentStore on one SQLite file (see the module docstring for the guarantees).

    Every rule and query is written once, here, in SQL that PostgreSQL runs too; a store on
    another database subclasses this and replaces only connections, transactions, schema set-up
    and the ``_lock_*`` hooks (which SQLite needs not: BEGIN IMMEDIATE already serializes writers).
    """

    # The driver's error for a broken PRIMARY KEY / UNIQUE constraint.
    integrity_errors: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)

    def __init__(self, path: Path, clinic: ClinicConfig,
                 now: Callable[[], datetime] | None = None) -> None:
        self.path = Path(path)
        _create_private(self.path)
        self._configure(clinic, now)
        self._init_schema()

    def _configure(self, clinic: ClinicConfig, now: Callable[[], datetime] | None) -> None:
        self.clinic = clinic
        self._now = now or _utc_now
        self._grid = timedelta(minutes=clinic.slot_grid_minutes)
        self._fingerprint = _fingerprint(clinic)

    # -- connections and transactions --------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves (the sqlite3 module's implicit
        # transactions would start them too late, after the first read).
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")  # a confirmed booking must survive power loss
        return conn

    @contextmanager
    def _write(self) -> Iterator[SqlConnection]:
        """One all-or-nothing write transaction holding the database write lock throughout."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def _read(self) -> Iterator[SqlConnection]:
        """A consistent snapshot for several SELECTs."""
        conn = self._connect()
        try:
            conn.execute("BEGIN")
            yield conn
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _init_schema(self) -> None:
        conn = self._connect()
        try:
            # Switching to WAL needs a moment of exclusive access; a process starting while
            # another writes can see "locked" despite busy_timeout, so retry briefly.
            for attempt in range(50):
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                    break
                except sqlite3.OperationalError:
                    if attempt == 49:
                        raise
                    _time.sleep(0.05)
        finally:
            conn.close()
        with self._write() as tx:
            # Statement by statement (executescript would COMMIT our transaction first).
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    tx.execute(statement)
            tx.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                         (SCHEMA_VERSION,))

    def _lock_schedule(self, conn: SqlConnection) -> None:
        """Serialize slot generation between writers (SQLite: the write lock already does)."""

    def _lock_patient(self, conn: SqlConnection, patient: Patient) -> None:
        """Serialize writes for one patient, so the per-patient limits checked inside a write
        cannot go stale before it commits (SQLite: the write lock already does)."""

    # -- time --------------------------------------------------------------------------------

    def _now_utc(self) -> datetime:
        now = self._now()
        return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)

    def _aware_utc(self, when: datetime) -> datetime:
        return self.clinic.local(when).astimezone(UTC)

    # -- slot generation ---------------------------------------------------------------------

    def _cells_for_day(self, day: date) -> list[tuple[str, str, int, str]]:
        rows: list[tuple[str, str, int, str]] = []
        for provider in self.clinic.providers.values():
            kinds = {self.clinic.visit_types[v].telehealth for v in provider.visit_types}
            places = ([provider.location_id] if False in kinds else []) + (
                [TELEHEALTH] if True in kinds else [])
            for place in places:
                for opens, closes in self.clinic.open_ranges(place, day):
                    # Step in UTC from the local opening instant: on DST-change days the cells
                    # still start at local opening time and are exactly one grid apart.
                    cell, end = opens.astimezone(UTC), closes.astimezone(UTC)
                    while cell + self._grid <= end:
                        rows.append((provider.id, place, _ts(cell), day.isoformat()))
                        cell += self._grid
        return rows

    def _ensure_days(self, first: date, last: date) -> None:
        """Generate slot cells for [first, last] if missing or made from another clinic.yml.

        Idempotent; only unheld generation data is replaced, bookings live in held_cells.
        """
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        if not days:
            return

        def stale(conn: SqlConnection) -> list[date]:
            done = dict(conn.execute(
                "SELECT day, fingerprint FROM generated_days WHERE day BETWEEN ? AND ?",
                (first.isoformat(), last.isoformat())).fetchall())
            return [d for d in days if done.get(d.isoformat()) != self._fingerprint]

        with self._read() as conn:
            if not stale(conn):
                return
        with self._write() as conn:
            self._lock_schedule(conn)
            for day in stale(conn):  # re-checked under the lock: another process may be done
                conn.execute("DELETE FROM slots WHERE day = ?", (day.isoformat(),))
                conn.executemany(
                    "INSERT INTO slots (provider_id, location_id, start_ts, day) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", self._cells_for_day(day))
                conn.execute(
                    "INSERT INTO generated_days (day, fingerprint) VALUES (?, ?) "
                    "ON CONFLICT (day) DO UPDATE SET fingerprint = excluded.fingerprint",
                    (day.isoformat(), self._fingerprint))

    def regenerate(self, first: date, last: date) -> None:
        """Generate the cells of [first, last] now (otherwise done lazily on first search)."""
        self._ensure_days(first, last)

    # -- lookups -----------------------------------------------------------------------------

    def _visit_type(self, visit_type_id: str) -> VisitType:
        try:
            return self.clinic.visit_types[visit_type_id]
        except KeyError:
            raise NotFound(f"unknown visit type {visit_type_id!r}") from None

    def _place(self, provider_id: str, visit_type: VisitType) -> str:
        if visit_type.telehealth:
            return TELEHEALTH
        return self.clinic.providers[provider_id].location_id

    def _make_slot(self, provider_id: str, visit_type: VisitType, start: datetime) -> Slot:
        return Slot(
            slot_id=format_slot_id(provider_id, start, visit_type.id),
            provider_id=provider_id,
            location_id=self._place(provider_id, visit_type),
            visit_type_id=visit_type.id,
            start=start,
            end=start + timedelta(minutes=visit_type.minutes),
        )

    def slot(self, slot_id: str) -> Slot:
        """Parse and check a slot id against clinic.yml (not whether it is free)."""
        provider_id, start, visit_type_id = parse_slot_id(slot_id)
        visit_type = self._visit_type(visit_type_id)
        provider = self.clinic.providers.get(provider_id)
        if provider is None or visit_type_id not in provider.visit_types:
            raise NotFound(f"no slot {slot_id!r}: provider does not offer that visit")
        slot = self._make_slot(provider_id, visit_type, start)
        day = self.clinic.local(start).date()
        for opens, closes in self.clinic.open_ranges(slot.location_id, day):
            on_grid = (start - opens) % self._grid == timedelta(0)
            if opens <= start and slot.end <= closes and on_grid:
                return slot
        raise NotFound(f"no slot {slot_id!r}: outside opening hours or off the grid")

    def _cell_starts(self, slot: Slot) -> list[int]:
        count = (slot.end - slot.start) // self._grid
        return [_ts(slot.start + i * self._grid) for i in range(count)]

    def _providers_for(self, visit_type: VisitType, location_id: str | None,
                       patient_age: int | None,
                       provider_ids: Collection[str] | None = None) -> list[str]:
        if location_id is not None and location_id not in self.clinic.hours:
            raise NotFound(f"unknown location {location_id!r}")
        chosen = []
        for p in self.clinic.providers.values():
            if visit_type.id not in p.visit_types or not p.sees_age(patient_age):
                continue
            if provider_ids is not None and p.id not in provider_ids:
                continue
            # For video visits a physical location_id narrows to that site's clinicians.
            if location_id not in (None, TELEHEALTH) and p.location_id != location_id:
                continue
            if location_id == TELEHEALTH and not visit_type.telehealth:
                continue
            chosen.append(p.id)
        return chosen

    # -- search ------------------------------------------------------------------------------

    def find_slots(self, visit_type_id: str, start: datetime, end: datetime, limit: int = 3,
                   location_id: str | None = None, exclude: Collection[str] = (),
                   patient_age: int | None = None,
                   provider_ids: Collection[str] | None = None) -> list[Slot]:
        """Nearest free slots (earliest first) starting in [start, end).

        Never earlier than now + min notice nor beyond the horizon; same-day-only visits only
        today/tomorrow; only in opening (or telehealth) hours, never on holidays, wholly inside
        one open range; only providers offering the visit (and seeing ``patient_age``, when
        given — pass it, or adults may be offered the pediatrician) and, when ``provider_ids`` is
        given, only those (the clinicians a patient of unknown age may see, or the one they asked
        for). Spread: distinct start times first, then other providers at the same times if fewer
        distinct times exist.
        """
        visit_type = self._visit_type(visit_type_id)
        providers = self._providers_for(visit_type, location_id, patient_age, provider_ids)
        if limit <= 0 or not providers:
            return []
        now = self._now_utc()
        lower = max(self._aware_utc(start), now + timedelta(minutes=self.clinic.min_notice_minutes))
        upper = min(self._aware_utc(end), self.clinic.horizon_end(now).astimezone(UTC))
        if visit_type.same_day_only:
            day_after_tomorrow = self.clinic.today(now) + timedelta(days=2)
            upper = min(upper, self.clinic.start_of_day(day_after_tomorrow).astimezone(UTC))
        if lower >= upper:
            return []
        self._ensure_days(self.clinic.local(lower).date(),
                          self.clinic.local(upper - timedelta(microseconds=1)).date())

        cells_needed = visit_type.minutes // self.clinic.slot_grid_minutes
        lo, hi = _ts(lower), _ts(upper)
        tail = hi + (cells_needed - 1) * int(self._grid.total_seconds())
        pairs = [(pid, self._place(pid, visit_type)) for pid in providers]
        where = " OR ".join("(provider_id = ? AND location_id = ?)" for _ in pairs)
        marks = ", ".join("?" for _ in providers)
        with self._read() as conn:
            cells = conn.execute(
                f"SELECT provider_id, start_ts FROM slots WHERE ({where}) "  # noqa: S608 (only ?s)
                "AND start_ts >= ? AND start_ts < ?",
                [x for pair in pairs for x in pair] + [lo, tail]).fetchall()
            held = set(conn.execute(
                f"SELECT provider_id, cell_ts FROM held_cells WHERE provider_id IN ({marks}) "  # noqa: S608
                "AND cell_ts >= ? AND cell_ts < ?", [*providers, lo, tail]).fetchall())

        free = set(cells) - held
        load: dict[str, int] = {pid: 0 for pid in providers}
        for pid, _ in held:
            load[pid] += 1
        step = int(self._grid.total_seconds())
        excluded = set(exclude)
        candidates = []
        for pid, ts in free:
            if not lo <= ts < hi:
                continue
            if not all((pid, ts + i * step) in free for i in range(1, cells_needed)):
                continue
            slot = self._make_slot(pid, visit_type, _from_ts(ts))
            if slot.slot_id in excluded:
                continue
            # At equal times prefer general (all-ages) providers, then the less busy one.
            restricted = self.clinic.providers[pid].ages != (0, 120)
            candidates.append(((ts, restricted, load[pid], pid), slot))
        candidates.sort(key=lambda c: c[0])

        chosen: list[Slot] = []
        times: set[datetime] = set()
        for _, slot in candidates:  # patients want a choice of *times* first
            if slot.start not in times:
                chosen.append(slot)
                times.add(slot.start)
                if len(chosen) == limit:
                    break
        if len(chosen) < limit:
            for _, slot in candidates:
                if slot not in chosen:
                    chosen.append(slot)
                    if len(chosen) == limit:
                        break
        return sorted(chosen, key=lambda s: (s.start, s.provider_id))

    # -- rules -------------------------------------------------------------------------------

    def _check_timing(self, slot: Slot, now: datetime) -> None:
        if slot.start < now + timedelta(minutes=self.clinic.min_notice_minutes):
            raise BookingRejected(
                "That time has passed or is too soon to book. Please choose a later time.",
                "too_soon")
        if slot.start >= self.clinic.horizon_end(now):
            raise BookingRejected(
                f"We can only book up to {self.clinic.horizon_days} days ahead.", "too_far")
        visit_type = self.clinic.visit_types[slot.visit_type_id]
        if visit_type.same_day_only:
            if self.clinic.local(slot.start).date() > self.clinic.today(now) + timedelta(days=1):
                raise BookingRejected(
                    f"A {visit_type.name.lower()} can only be booked for today or tomorrow.",
                    "same_day_only")

    def _check_patient(self, patient: Patient, slot: Slot, now: datetime) -> None:
        name = " ".join(patient.name.split()) if isinstance(patient.name, str) else ""
        today = self.clinic.today(now)
        if not name or len(name) > MAX_NAME_CHARS or not isinstance(patient.dob, date) \
                or patient.dob > today:
            raise BookingRejected("We need the patient's full name and date of birth.",
                                  "invalid_patient")
        provider = self.clinic.providers[slot.provider_id]
        if not provider.sees_age(age_on(patient.dob, today)):
            lo, hi = provider.ages
            raise BookingRejected(
                f"{provider.name} sees patients aged {lo} to {hi}. Please choose another time "
                "or clinician.", "age")

    def _check_patient_limits(self, conn: SqlConnection, patient: Patient, slot: Slot,
                              now: datetime, moving: str | None = None) -> None:
        self._lock_patient(conn, patient)
        key = (normalize_name(patient.name), patient.dob.isoformat())
        rows = conn.execute(
            "SELECT code, start_ts, end_ts FROM appointments WHERE name_key = ? AND dob = ? "
            "AND status = 'booked' AND start_ts >= ?", (*key, _ts(now))).fetchall()
        others = [r for r in rows if r[0] != moving]
        if moving is None and len(others) >= self.clinic.max_upcoming_per_patient:
            raise BookingRejected(
                f"You already have {len(others)} upcoming appointments, the most we can book "
                f"online. Please call us at {self.clinic.phone} or cancel one first.",
                "too_many_upcoming")
        if any(s < _ts(slot.end) and e > _ts(slot.start) for _, s, e in others):
            raise BookingRejected("You already have an appointment at that time.", "overlap")

    def _check_cells_exist(self, conn: SqlConnection, slot: Slot) -> None:
        starts = self._cell_starts(slot)
        marks = ", ".join("?" for _ in starts)
        found = conn.execute(
            f"SELECT COUNT(*) FROM slots WHERE provider_id = ? AND location_id = ? "  # noqa: S608
            f"AND start_ts IN ({marks})", [slot.provider_id, slot.location_id, *starts]).fetchone()
        if found[0] != len(starts):
            raise NotFound(f"slot {slot.slot_id!r} is not in the schedule")

    # -- writes (small steps, all inside one transaction) ------------------------------------

    def _unused_code(self, conn: SqlConnection) -> str:
        # Under the write lock a SELECT-then-INSERT cannot race; collisions (~1 in 10^9) retry.
        for _ in range(100):
            code = new_code()
            taken = conn.execute("SELECT 1 FROM appointments WHERE code = ?", (code,)).fetchone()
            if taken is None:
                return code
        raise RuntimeError("could not find an unused confirmation code")

    def _insert_appointment(self, conn: SqlConnection, code: str, patient: Patient,
                            reason: str, slot: Slot, now: datetime) -> None:
        conn.execute(
            "INSERT INTO appointments (code, patient_name, name_key, dob, phone_hash, "
            "visit_type_id, reason, provider_id, location_id, start_ts, end_ts, status, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?)",
            (code, patient.name.strip(), normalize_name(patient.name),
             patient.dob.isoformat(), _phone_hash(patient.phone) if patient.phone else None,
             slot.visit_type_id, reason, slot.provider_id, slot.location_id, _ts(slot.start),
             _ts(slot.end), now.isoformat(), now.isoformat()))

    def _hold_cells(self, conn: SqlConnection, code: str, slot: Slot) -> None:
        try:
            conn.executemany(
                "INSERT INTO held_cells (provider_id, cell_ts, code) VALUES (?, ?, ?)",
                [(slot.provider_id, ts, code) for ts in self._cell_starts(slot)])
        except self.integrity_errors:
            raise SlotTaken(f"slot {slot.slot_id} was just taken") from None

    def _release_cells(self, conn: SqlConnection, code: str) -> None:
        conn.execute("DELETE FROM held_cells WHERE code = ?", (code,))

    def _move_appointment(self, conn: SqlConnection, code: str, slot: Slot,
                          now: datetime) -> None:
        conn.execute(
            "UPDATE appointments SET provider_id = ?, location_id = ?, visit_type_id = ?, "
            "start_ts = ?, end_ts = ?, updated_at = ? WHERE code = ?",
            (slot.provider_id, slot.location_id, slot.visit_type_id, _ts(slot.start),
             _ts(slot.end), now.isoformat(), code))

    # -- public operations -------------------------------------------------------------------

    def book(self, slot_id: str, patient: Patient, reason: str) -> Appointment:
        """Book a free slot; raises SlotTaken, BookingRejected (rules) or NotFound (bad id)."""
        slot = self.slot(slot_id)
        now = self._now_utc()
        self._check_timing(slot, now)
        self._check_patient(patient, slot, now)
        reason = " ".join(str(reason).split())[:MAX_REASON_CHARS]
        day = self.clinic.local(slot.start).date()
        self._ensure_days(day, day)
        with self._write() as conn:
            self._check_cells_exist(conn, slot)
            self._check_patient_limits(conn, patient, slot, now)
            code = self._unused_code(conn)
            self._insert_appointment(conn, code, patient, reason, slot, now)
            self._hold_cells(conn, code, slot)
        return self.get(code)

    def _load(self, conn: SqlConnection, code: str) -> Appointment:
        row = conn.execute(
            "SELECT code, patient_name, dob, visit_type_id, reason, provider_id, location_id, "
            "start_ts, end_ts, status, created_at FROM appointments WHERE code = ?",
            (normalize_code(code),)).fetchone()
        if row is None:
            raise NotFound("no appointment with that confirmation code")
        (code, name, dob, visit_type_id, reason, provider_id, location_id, start_ts, end_ts,
         status, created_at) = row
        start = _from_ts(start_ts)
        slot = Slot(format_slot_id(provider_id, start, visit_type_id), provider_id, location_id,
                    visit_type_id, start, _from_ts(end_ts))
        return Appointment(code=code, patient=Patient(name, date.fromisoformat(dob)),
                           visit_type_id=visit_type_id, reason=reason, slot=slot, status=status,
                           created_at=datetime.fromisoformat(created_at))

    def get(self, code: str) -> Appointment:
        with self._read() as conn:
            return self._load(conn, code)

    def cancel(self, code: str) -> Appointment:
        now = self._now_utc()
        with self._write() as conn:
            appointment = self._load(conn, code)
            if appointment.status == "cancelled":
                raise BookingRejected("That appointment is already cancelled.",
                                      "already_cancelled")
            if appointment.slot.start <= now:
                raise BookingRejected("That appointment time has already passed.", "in_past")
            conn.execute("UPDATE appointments SET status = 'cancelled', updated_at = ? "
                         "WHERE code = ?", (now.isoformat(), appointment.code))
            self._release_cells(conn, appointment.code)
        return self.get(appointment.code)

    def reschedule(self, code: str, new_slot_id: str) -> Appointment:
        """Move a booking in ONE transaction: the code stays; if the new slot is taken
        (SlotTaken) or anything fails, the old booking is exactly as it was."""
        new = self.slot(new_slot_id)
        now = self._now_utc()
        self._check_timing(new, now)
        day = self.clinic.local(new.start).date()
        self._ensure_days(day, day)
        with self._write() as conn:
            old = self._load(conn, code)
            if old.status == "cancelled":
                raise BookingRejected("That appointment was cancelled; please book a new one.",
                                      "already_cancelled")
            if old.slot.start <= now:
                raise BookingRejected("That appointment time has already passed.", "in_past")
            if old.slot.slot_id == new.slot_id:
                raise BookingRejected("That is the time you already have.", "same_slot")
            self._check_patient(old.patient, new, now)
            self._check_cells_exist(conn, new)
            self._check_patient_limits(conn, old.patient, new, now, moving=old.code)
            self._release_cells(conn, old.code)
            self._move_appointment(conn, old.code, new, now)
            self._hold_cells(conn, old.code, new)
        return self.get(old.code)

    def upcoming(self, patient_name: str, dob: date) -> list[Appointment]:
        """Booked appointments starting now or later, earliest first."""
        now = self._now_utc()
        with self._read() as conn:
            codes = [r[0] for r in conn.execute(
                "SELECT code FROM appointments WHERE name_key = ? AND dob = ? "
                "AND status = 'booked' AND start_ts >= ? ORDER BY start_ts, code",
                (normalize_name(patient_name), dob.isoformat(), _ts(now)))]
            return [self._load(conn, code) for code in codes]

    def phone_matches(self, code: str, phone: str) -> bool:
        """Whether ``phone`` is the number given at booking (compared by keyed hash)."""
        with self._read() as conn:
            row = conn.execute("SELECT phone_hash FROM appointments WHERE code = ?",
                               (normalize_code(code),)).fetchone()
        if row is None:
            raise NotFound("no appointment with that confirmation code")
        return row[0] is not None and row[0] == _phone_hash(phone)
