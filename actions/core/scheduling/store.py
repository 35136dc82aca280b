"""The appointment store interface and its value types.

`AppointmentStore` is what the booking dialogue talks to; `SqliteAppointmentStore` implements it
(embedded default), `PostgresAppointmentStore` (actions/booking/postgres_store.py, outside the
pure core because it talks to a server) implements it for several action servers, and an adapter
onto a practice-management system (e.g. FHIR R4 Slot/Appointment) could implement it later
without touching the dialogue.

All datetimes in these value types are aware and in UTC; present them in the clinic's zone.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

SLOT_ID_TIME = "%Y-%m-%dT%H:%MZ"
_SLOT_ID = re.compile(r"^([a-z][a-z0-9_]*)\|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z)\|([a-z][a-z0-9_]*)$")


@dataclass(frozen=True)
class Slot:
    slot_id: str  # "patel|2026-03-03T14:00Z|follow_up": provider | UTC start | visit type
    provider_id: str
    location_id: str  # a clinic location id, or "telehealth" for video visits
    visit_type_id: str
    start: datetime  # aware UTC
    end: datetime  # aware UTC


@dataclass(frozen=True)
class Patient:
    name: str
    dob: date
    phone: str | None = None  # never stored in clear: the store keeps a keyed hash only


@dataclass(frozen=True)
class Appointment:
    code: str  # confirmation code, e.g. "K7P2QX"
    patient: Patient  # phone is None when read back (only its hash is stored)
    visit_type_id: str
    reason: str
    slot: Slot
    status: str  # "booked" | "cancelled"
    created_at: datetime


class SlotTaken(Exception):
    """Someone else booked (part of) this slot first; offer other times."""


class NotFound(Exception):
    """No appointment with that code, or no such slot / visit type / location."""


class BookingRejected(Exception):
    """The request breaks a booking rule.

    ``reason`` is a short sentence that can be shown to the patient; ``code`` is stable for
    programs: too_soon, too_far, same_day_only, too_many_upcoming, overlap, age, already_cancelled,
    in_past, same_slot, invalid_patient.
    """

    def __init__(self, reason: str, code: str = "rejected") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class AppointmentStore(Protocol):
    def find_slots(self, visit_type_id: str, start: datetime, end: datetime, limit: int = 3,
                   location_id: str | None = None, exclude: Collection[str] = (),
                   patient_age: int | None = None,
                   provider_ids: Collection[str] | None = None) -> list[Slot]:
        """Nearest free slots, earliest first, starting in [start, end) — see the implementation
        notes in sqlite_store for the rules (notice, hours, holidays, spread)."""
        ...

    def book(self, slot_id: str, patient: Patient, reason: str) -> Appointment: ...

    def get(self, code: str) -> Appointment: ...

    def cancel(self, code: str) -> Appointment: ...

    def reschedule(self, code: str, new_slot_id: str) -> Appointment: ...

    def upcoming(self, patient_name: str, dob: date) -> list[Appointment]: ...

    def slot(self, slot_id: str) -> Slot: ...


# -- slot ids -----------------------------------------------------------------------------------


def format_slot_id(provider_id: str, start: datetime, visit_type_id: str) -> str:
    return f"{provider_id}|{start.astimezone(UTC).strftime(SLOT_ID_TIME)}|{visit_type_id}"


def parse_slot_id(slot_id: str) -> tuple[str, datetime, str]:
    """(provider id, aware UTC start, visit type id); raises NotFound when malformed."""
    match = _SLOT_ID.match(slot_id.strip()) if isinstance(slot_id, str) else None
    if not match:
        raise NotFound(f"malformed slot id {slot_id!r}")
    try:
        start = datetime.strptime(match.group(2), SLOT_ID_TIME).replace(tzinfo=UTC)
    except ValueError:
        raise NotFound(f"malformed slot id {slot_id!r}") from None
    return match.group(1), start, match.group(3)


# -- patients -----------------------------------------------------------------------------------


def normalize_name(name: str) -> str:
    """Lookup key for a name: case- and whitespace-insensitive ("  maya  PATEL" == "Maya Patel")."""
    return " ".join(name.split()).casefold()


def dob_matches(appointment: Appointment, dob: date) -> bool:
    return appointment.patient.dob == dob


_MONTHS = {
    name: i
    for i, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DOB_FORMS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), ("y", "m", "d")),
    # Numeric day/month: US order, month first (12/03/1980 is 3 December).
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$"), ("m", "d", "y")),
    (re.compile(rf"^{_MONTH}\s+(\d{{1,2}})\s+(\d{{4}})$"), ("mon", "d", "y")),
    (re.compile(rf"^(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})$"), ("d", "mon", "y")),
)
MAX_AGE_YEARS = 120


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def parse_dob(text: str, today: date) -> date | None:
    """A date of birth as patients type it; None when invalid, in the future or > 120 years ago.

    Deliberately strict (no dateparser): a wrong DOB silently "understood" would match nobody's
    appointment, or worse, someone else's.
    """
    cleaned = text.strip().lower()
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned)
    cleaned = re.sub(r"\bof\b|,", " ", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    for pattern, order in _DOB_FORMS:
        match = pattern.match(cleaned)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        year = int(parts["y"])
        if len(parts["y"]) == 2:  # "3/12/80": the most recent year that is not in the future
            year += 2000 if 2000 + year <= today.year else 1900
        month = _MONTHS[parts["mon"]] if "mon" in parts else int(parts["m"])
        try:
            dob = date(year, month, int(parts["d"]))
        except ValueError:
            return None
        if dob > today or age_on(dob, today) > MAX_AGE_YEARS:
            return None
        return dob
    return None
