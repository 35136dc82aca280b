"""Appointment lookup does not leak: verification before listing, one answer for every failure,
attempt limits per conversation and per patient, re-verification before a change, an audit
record of every attempt with keyed hashes only. Pure: the dialogue over a real SQLite store."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from actions.core.booking import dialogue
from actions.core.booking.state import (
    ASK_CODE,
    CANCEL,
    LISTED,
    LOOKUP_LOCKED,
    BookingState,
)
from actions.core.booking.verification import MAX_LOOKUP_FAILURES, MemoryLookupGuard
from actions.core.scheduling.clinic import load_clinic
from actions.core.scheduling.sqlite_store import SqliteAppointmentStore

NY = ZoneInfo("America/New_York")
NOW = datetime(2027, 3, 1, 9, 30, tzinfo=NY)


class Clinic:
    """One appointment book and one shared guard; a context per conversation, as in the server."""

    def __init__(self, tmp_path: Path) -> None:
        self.clinic = load_clinic()
        self.store = SqliteAppointmentStore(tmp_path / "book.sqlite3", self.clinic,
                                            now=lambda: NOW)
        self.guard = MemoryLookupGuard()

    def ctx(self, conversation: str, phone: str | None = None) -> dialogue.BookingContext:
        return dialogue.BookingContext(self.store, self.clinic, NOW, phone,
                                       conversation_id=conversation, guard=self.guard)


@pytest.fixture
def clinic(tmp_path: Path) -> Clinic:
    return Clinic(tmp_path)


def say(state: BookingState, ctx: dialogue.BookingContext, text: str) -> tuple[str, list]:
    replies = dialogue.handle(state, text, ctx)
    question = dialogue.prompt(state, ctx)
    shown = [*replies, *([question] if question else [])]
    return " ".join(r.text for r in shown), [b for r in shown for b in r.buttons]


def book(clinic: Clinic, name: str, dob: str, conversation: str = "booker",
         phone: str | None = None) -> str:
    ctx = clinic.ctx(conversation, phone)
    state = dialogue.begin("I'd like to book an appointment")
    for answer in ("follow-up visit", "knee review", "tomorrow morning", "1", name, dob, "yes"):
        say(state, ctx, answer)
    assert state.appointment_code, state
    return state.appointment_code


def try_listing(clinic: Clinic, conversation: str, name: str, dob: str, code: str,
                phone: str | None = None) -> tuple[BookingState, str, list]:
    ctx = clinic.ctx(conversation, phone)
    state = dialogue.begin("show my appointments")
    text = ""
    buttons: list = []
    for answer in (name, dob, code):
        text, buttons = say(state, ctx, answer)
        if state.outcome:
            break
    return state, text, buttons


def test_my_appointments_shows_nothing_and_no_code_before_verification(clinic) -> None:
    code = book(clinic, "Jane Smith", "03/14/1985")
    ctx = clinic.ctx("stranger")
    state = dialogue.begin("show my appointments")
    said = [say(state, ctx, "Jane Smith")[0], say(state, ctx, "03/14/1985")[0]]
    assert state.step == ASK_CODE and state.outcome is None
    for text in said:
        assert code not in text and "Tuesday" not in text and "knee" not in text
    # A wrong code for a real patient and any code for nobody read the same.
    real_patient, _ = say(state, ctx, "ABCDEF")
    nobody, _ = try_listing(clinic, "stranger-2", "No Body", "01/01/1970", "ABCDEF")[1:]
    assert real_patient.replace("Let's try once more.", "") == \
        nobody.replace("Let's try once more.", "")
    assert code not in real_patient
    # The right code lists the appointments.
    state, text, _ = try_listing(clinic, "owner", "jane smith", "March 14 1985", code)
    assert state.outcome == LISTED and code in text


def test_guessing_dates_of_birth_is_locked_after_the_limit(clinic) -> None:
    code = book(clinic, "Jane Smith", "03/14/1985")
    ctx = clinic.ctx("guesser")
    state = dialogue.begin("show my appointments")
    outcomes = []
    for year in range(1980, 1980 + MAX_LOOKUP_FAILURES):
        for answer in ("Jane Smith", f"03/14/{year}", "ABCDEF"):
            text, buttons = say(state, ctx, answer)
            if state.outcome:
                break
        outcomes.append(state.outcome)
    assert outcomes[:-1] == [None] * (MAX_LOOKUP_FAILURES - 1)
    assert outcomes[-1] == LOOKUP_LOCKED
    assert clinic.clinic.phone in text and {"title": "Talk to a person",
                                            "payload": "/request_human"} in buttons
    # Locked means locked: the right details in this conversation are refused too...
    state, text, _ = try_listing(clinic, "guesser", "Jane Smith", "03/14/1985", code)
    assert state.outcome == LOOKUP_LOCKED and code not in text
    # ...and in a fresh conversation for the same patient (the patient's counter is locked).
    state, text, _ = try_listing(clinic, "guesser-new-id", "Jane Smith", "03/14/1985", code)
    assert state.outcome == LOOKUP_LOCKED and code not in text
    # Another patient is not affected.
    other = book(clinic, "Ann Lee", "02/03/1990")
    state, text, _ = try_listing(clinic, "ann", "Ann Lee", "02/03/1990", other)
    assert state.outcome == LISTED and other in text


def test_new_conversations_do_not_reset_the_count_for_a_patient(clinic) -> None:
    code = book(clinic, "Jane Smith", "03/14/1985")
    for i in range(MAX_LOOKUP_FAILURES):
        state, _, _ = try_listing(clinic, f"sender-{i}", "Jane Smith", f"1/{i + 1}/1960",
                                  "ABCDEF")
        assert state.outcome != LISTED
    state, text, _ = try_listing(clinic, "sender-last", "Jane Smith", "03/14/1985", code)
    assert state.outcome == LOOKUP_LOCKED and code not in text


def test_code_and_date_of_birth_guessing_cannot_cancel(clinic) -> None:
    code = book(clinic, "Jane Smith", "03/14/1985")
    ctx = clinic.ctx("canceller")
    state = dialogue.begin("cancel my appointment")
    answers = []
    for year in range(1950, 1950 + MAX_LOOKUP_FAILURES):
        say(state, ctx, code)
        answers.append(say(state, ctx, f"01/01/{year}")[0])
        if state.outcome:
            break
    assert state.outcome == LOOKUP_LOCKED
    # The unknown-code answer is the same as the wrong-birthday answer.
    unknown = dialogue.begin("cancel my appointment")
    say(unknown, clinic.ctx("another"), "ZZZ999")
    unknown_text = say(unknown, clinic.ctx("another"), "01/01/1950")[0]
    assert answers[0] == unknown_text and code not in unknown_text
    # The right date of birth is refused while locked, from a new conversation too.
    fresh = dialogue.begin("cancel my appointment")
    say(fresh, clinic.ctx("canceller-2"), code)
    say(fresh, clinic.ctx("canceller-2"), "03/14/1985")
    assert fresh.outcome == LOOKUP_LOCKED
    assert clinic.store.get(code).status == "booked"


def test_a_cancel_re_verifies_against_the_store_before_writing(clinic) -> None:
    victim = book(clinic, "Jane Smith", "03/14/1985")
    # A state claiming verification it never had (a forged or stale slot value).
    forged = BookingState(task=CANCEL, step="confirm", code=victim, dob="1990-01-01",
                          verified=True)
    text, _ = say(forged, clinic.ctx("forger"), "yes")
    assert clinic.store.get(victim).status == "booked"
    assert forged.step == ASK_CODE and "check" in text


def test_sms_asker_verified_by_the_phone_on_file(clinic) -> None:
    code = book(clinic, "Jane Smith", "03/14/1985", conversation="tw0123456789abcdef",
                phone="tw0123456789abcdef")
    ctx = clinic.ctx("tw0123456789abcdef", phone="tw0123456789abcdef")
    state = dialogue.begin("show my appointments")
    say(state, ctx, "Jane Smith")
    text, _ = say(state, ctx, "03/14/1985")
    assert state.outcome == LISTED and code in text
    # Another phone with the same name and date of birth still needs the code.
    other = clinic.ctx("tw9876543210fedcba", phone="tw9876543210fedcba")
    state = dialogue.begin("show my appointments")
    say(state, other, "Jane Smith")
    text, _ = say(state, other, "03/14/1985")
    assert state.step == ASK_CODE and code not in text


def test_every_lookup_is_audited_with_hashes_only(clinic) -> None:
    code = book(clinic, "Jane Smith", "03/14/1985")
    try_listing(clinic, "conversation-alpha", "Jane Smith", "03/14/1985", "ABCDEF")
    try_listing(clinic, "conversation-alpha", "Jane Smith", "03/14/1985", code)
    state = dialogue.begin("cancel my appointment")
    say(state, clinic.ctx("conversation-beta"), code)
    say(state, clinic.ctx("conversation-beta"), "03/14/1985")
    records = clinic.guard.records
    assert [(r["task"], r["outcome"]) for r in records] == [
        ("list", "failed"), ("list", "verified"), ("cancel", "verified")]
    dumped = json.dumps(records)
    for secret in (code, "Jane", "Smith", "03/14/1985", "1985-03-14", "conversation-"):
        assert secret.lower() not in dumped.lower()
    assert all(r["conversation"] and r["patient"] for r in records)
