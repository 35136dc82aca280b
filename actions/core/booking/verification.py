"""Who may see or change an appointment: verification first, limited attempts, an audit trail.

Why: an appointment is PHI (who sees which clinician, when, and why), and a confirmation code
plus a date of birth is what cancels or moves it. Listing appointments by name and date of birth
alone, with their codes, let anyone who could guess a birthday read and cancel a stranger's
visits. The rules here:

- **Verification before anything is shown.** "My appointments" needs the name, the date of birth
  and one more proof: the confirmation code of one of the patient's appointments, or (SMS /
  WhatsApp) the phone the booking was made from. Reschedule and cancel need the code and the date
  of birth. Only after that is any appointment or code shown.
- **One answer for every failure.** An unknown name, a wrong date of birth, an unknown or a
  foreign code all get the same message, so the assistant is no oracle for who has appointments
  or which codes exist.
- **Limited attempts.** ``MAX_LOOKUP_FAILURES`` failures within ``LOOKUP_WINDOW_S`` lock lookups
  for ``LOOKUP_LOCK_S``, counted per conversation *and* per patient (the typed name, or the typed
  code), so starting new conversations does not reset the count for the patient under attack.
  A locked asker gets a kind message, the clinic's phone number and a button for a person.
- **Re-verification before a change.** Cancel and reschedule check the code and date of birth
  against the store again right before they write.
- **Audit.** Every verification attempt leaves a record with keyed hashes only (conversation,
  patient key), never a name, date of birth, code or phone number.

The counters live behind ``LookupGuard`` (Redis in the action server, ``MemoryLookupGuard`` in
tests); this module decides, the adapter stores.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from actions.core.privacy import conversation_hash
from actions.core.scheduling.codes import normalize_code
from actions.core.scheduling.store import Appointment, AppointmentStore, NotFound, normalize_name

MAX_LOOKUP_FAILURES = 5
LOOKUP_WINDOW_S = 60 * 60
LOOKUP_LOCK_S = 60 * 60

VERIFIED = "verified"
FAILED = "failed"
LOCKED = "locked"

METHOD_CODE = "code"
METHOD_PHONE = "phone"


class LookupGuard(Protocol):
    """Failure counters, locks and the lookup audit, shared by every conversation."""

    def is_locked(self, keys: Sequence[str]) -> bool:
        """Whether any of ``keys`` is locked (a guard that cannot tell must answer True)."""
        ...

    def record_failure(self, keys: Sequence[str]) -> bool:
        """Count one failure against each key; True when one of them is locked now."""
        ...

    def audit(self, record: Mapping[str, object]) -> None:
        """Keep one audit record (keyed hashes only)."""
        ...


class PhoneOnFile(Protocol):
    def phone_matches(self, code: str, phone: str) -> bool: ...


@dataclass
class MemoryLookupGuard:
    """``LookupGuard`` in one process's memory (tests, tools). Same policy as the Redis one."""

    now: Callable[[], float] = time.monotonic
    max_failures: int = MAX_LOOKUP_FAILURES
    window_s: float = LOOKUP_WINDOW_S
    lock_s: float = LOOKUP_LOCK_S
    failures: dict[str, list[float]] = field(default_factory=dict)
    locked_until: dict[str, float] = field(default_factory=dict)
    records: list[dict[str, object]] = field(default_factory=list)

    def is_locked(self, keys: Sequence[str]) -> bool:
        now = self.now()
        return any(self.locked_until.get(k, 0.0) > now for k in keys)

    def record_failure(self, keys: Sequence[str]) -> bool:
        now = self.now()
        for key in keys:
            recent = [t for t in self.failures.get(key, []) if t > now - self.window_s]
            recent.append(now)
            self.failures[key] = recent
            if len(recent) >= self.max_failures:
                self.locked_until[key] = now + self.lock_s
                self.failures[key] = []
        return self.is_locked(keys)

    def audit(self, record: Mapping[str, object]) -> None:
        self.records.append(dict(record))


# ---- keys: keyed hashes, so the counters and the audit never hold a name, code or number ----
def conversation_key(conversation_id: str) -> str:
    return "conv:" + conversation_hash("lookup-conversation:" + conversation_id)


def name_key(name: str) -> str:
    return "name:" + conversation_hash("lookup-name:" + normalize_name(name))


def code_key(code: str) -> str:
    return "code:" + conversation_hash("lookup-code:" + normalize_code(code))


@dataclass(frozen=True)
class Check:
    outcome: str                       # VERIFIED | FAILED | LOCKED
    method: str | None = None          # how it was verified
    appointment: Appointment | None = None


@dataclass
class Verifier:
    """Verification for one conversation turn: the store, the shared guard, who is asking."""

    store: AppointmentStore
    guard: LookupGuard
    conversation_id: str
    now: datetime
    phone: str | None = None           # SMS/WhatsApp sender pseudonym, if any

    @property
    def _conversation(self) -> str:
        return conversation_key(self.conversation_id)

    def conversation_locked(self) -> bool:
        return self.guard.is_locked([self._conversation])

    def _audit(self, task: str | None, outcome: str, patient: str | None,
               method: str | None) -> None:
        self.guard.audit({
            "event": "appointment_lookup", "task": task or "", "outcome": outcome,
            "method": method or "", "patient": patient or "",
            "conversation": conversation_hash(self.conversation_id),
            "at": self.now.isoformat(),
        })

    def _decide(self, task: str | None, ok: bool, keys: list[str], method: str | None,
                appointment: Appointment | None = None) -> Check:
        patient = keys[1] if len(keys) > 1 else None
        if self.guard.is_locked(keys):
            # Even the right answer is refused while locked: otherwise the lock only slows the
            # guessing down instead of stopping it.
            self._audit(task, LOCKED, patient, method)
            return Check(LOCKED)
        if ok:
            self._audit(task, VERIFIED, patient, method)
            return Check(VERIFIED, method, appointment)
        now_locked = self.guard.record_failure(keys)
        self._audit(task, LOCKED if now_locked else FAILED, patient, method)
        return Check(LOCKED if now_locked else FAILED)

    def by_code_and_dob(self, task: str | None, code: str, dob: date) -> Check:
        """Reschedule / cancel: the code and the date of birth on that appointment."""
        appointment = _find(self.store, code)
        ok = appointment is not None and appointment.patient.dob == dob
        return self._decide(task, ok, [self._conversation, code_key(code)], METHOD_CODE,
                            appointment if ok else None)

    def by_name_dob_and_code(self, task: str | None, name: str, dob: date, code: str) -> Check:
        """"My appointments": the code must belong to this name and date of birth."""
        appointment = _find(self.store, code)
        ok = (appointment is not None and appointment.patient.dob == dob
              and normalize_name(appointment.patient.name) == normalize_name(name))
        return self._decide(task, ok, [self._conversation, name_key(name)], METHOD_CODE,
                            appointment if ok else None)

    def by_phone(self, task: str | None, name: str, dob: date) -> Check | None:
        """SMS / WhatsApp: verified when an upcoming appointment of this name and date of birth
        was booked from this phone. None (ask for a code instead; not a failure) otherwise."""
        if not self.phone or not hasattr(self.store, "phone_matches"):
            return None
        if self.guard.is_locked([self._conversation, name_key(name)]):
            return None  # the code step will say it is locked
        phone_check: PhoneOnFile = self.store  # type: ignore[assignment]
        for appointment in self.store.upcoming(name, dob):
            if phone_check.phone_matches(appointment.code, self.phone):
                return self._decide(task, True, [self._conversation, name_key(name)],
                                    METHOD_PHONE)
        return None

    def still_valid(self, code: str, dob: date) -> bool:
        """Right before a cancel or reschedule writes: the code still opens an appointment with
        that date of birth (nothing in the conversation state is taken on trust)."""
        appointment = _find(self.store, code)
        return appointment is not None and appointment.patient.dob == dob


def _find(store: AppointmentStore, code: str) -> Appointment | None:
    try:
        return store.get(normalize_code(code))
    except NotFound:
        return None
