"""The appointment form's validate and ask actions without servers: a throwaway SQLite book, a
fixed clinic clock (a Monday morning) and tracker fixtures. The audit store and the staff queue
are fakes, in case a red flag turns up mid-booking."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import settings
from actions.booking import form
from actions.core.booking import dialogue
from actions.core.booking.state import (
    ASK_REASON,
    ASK_SLOT,
    ASK_VISIT_TYPE,
    ASK_WHEN,
    EMERGENCY,
    STOPPED,
    BookingState,
)
from actions.core.scheduling.sqlite_store import clock_from_setting
from actions.slots import APPOINTMENT_FORM, APPT_ANSWER, APPT_STATE, REQUESTED_SLOT
from tests.actions.helpers import make_tracker, record_side_effects

CLINIC_NOW = "2027-03-01T09:30:00-05:00"  # Monday, 09:30 in the clinic's time zone
NY = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def book(monkeypatch, tmp_path: Path) -> Iterator[Path]:
    db = tmp_path / "book.sqlite3"
    fixed = settings.ActionSettings(scheduling_db=str(db), clinic_now=CLINIC_NOW)
    monkeypatch.setattr(settings, "current", lambda: fixed)
    monkeypatch.setattr(form, "_clock", clock_from_setting(CLINIC_NOW))
    form.store.cache_clear()
    yield db
    form.store.cache_clear()  # never leave the throwaway book cached for other tests


@pytest.fixture(autouse=True)
def side_effects(monkeypatch) -> dict[str, list[Any]]:
    return record_side_effects(monkeypatch, with_summary=False)


def run(coro):
    return asyncio.run(coro)


def at_step(step: str, **fields: Any) -> dict[str, Any]:
    """An appt_state slot for booking a new appointment, at ``step``."""
    state = dialogue.begin("I'd like to book an appointment")
    for name, value in fields.items():
        setattr(state, name, value)
    state.move_to(step)
    return state.to_slot()


def answer(text: str, state: dict[str, Any] | None, intent: str = "inform"):
    """A tracker for a patient turn while the form is asking for appt_answer."""
    return make_tracker(text, intent=intent, active_loop=APPOINTMENT_FORM,
                        slots={APPT_STATE: state,
                               REQUESTED_SLOT: APPT_ANSWER if state else None})


def validate(text: str, state: dict[str, Any] | None,
             intent: str = "inform") -> tuple[dict[str, Any], list[dict]]:
    dispatcher = CollectingDispatcher()
    result = run(form.ValidateAppointmentForm().validate_appt_answer(
        text, dispatcher, answer(text, state, intent), {}))
    return result, dispatcher.messages


def ask(state: dict[str, Any] | None) -> list[dict]:
    dispatcher = CollectingDispatcher()
    events = run(form.ActionAskApptAnswer().run(dispatcher, answer("", state), {}))
    assert events == []
    return dispatcher.messages


def test_the_opening_message_starts_the_booking_and_the_first_question_is_visit_type() -> None:
    text = "I'd like to book an appointment"
    extracted = run(form.ValidateAppointmentForm().extract_appt_answer(
        CollectingDispatcher(), answer(text, None, intent="manage_appointment"), {}))
    assert extracted == {APPT_ANSWER: text}
    result, messages = validate(text, None, intent="manage_appointment")
    assert messages == [] and result[APPT_ANSWER] is None
    state = BookingState.from_slot(result[APPT_STATE])
    assert state is not None and state.step == ASK_VISIT_TYPE and state.outcome is None
    asked = ask(result[APPT_STATE])
    assert len(asked) == 1
    assert asked[0]["text"].startswith("What kind of visit do you need?")
    assert len(asked[0]["buttons"]) == len(form.clinic().visit_types)


def test_a_bare_button_opening_is_extracted_as_the_menu_payload() -> None:
    tracker = make_tracker("", intent="manage_appointment", active_loop=APPOINTMENT_FORM)
    assert run(form.ValidateAppointmentForm().extract_appt_answer(
        CollectingDispatcher(), tracker, {})) == {APPT_ANSWER: "/manage_appointment"}


def test_a_valid_visit_type_moves_on_to_the_reason() -> None:
    state = at_step(ASK_VISIT_TYPE)
    extracted = run(form.ValidateAppointmentForm().extract_appt_answer(
        CollectingDispatcher(), answer("a follow-up visit", state), {}))
    assert extracted == {APPT_ANSWER: "a follow-up visit"}
    result, messages = validate("a follow-up visit", state)
    after = BookingState.from_slot(result[APPT_STATE])
    assert after is not None
    assert (after.step, after.visit_type) == (ASK_REASON, "follow_up")
    assert messages == []
    assert ask(result[APPT_STATE])[0]["text"].startswith("In a few words, what is the visit for")


def test_an_unknown_visit_type_stays_and_says_so() -> None:
    result, messages = validate("a haircut", at_step(ASK_VISIT_TYPE))
    after = BookingState.from_slot(result[APPT_STATE])
    assert after is not None and after.step == ASK_VISIT_TYPE and after.failures == 1
    assert "didn't recognise that visit type" in messages[0]["text"]


def test_slots_offered_come_from_the_temporary_book_at_the_fixed_clock(book: Path) -> None:
    state = at_step(ASK_WHEN, visit_type="follow_up", reason="blood pressure review")
    result, _ = validate("tomorrow morning", state)
    after = BookingState.from_slot(result[APPT_STATE])
    assert after is not None and after.step == ASK_SLOT and len(after.offered) == 3
    assert book.exists()  # the store is the throwaway file, not var/scheduling.sqlite3
    for slot_id in after.offered:
        slot = form.store().slot(slot_id)
        assert slot is not None
        local = slot.start.astimezone(NY)
        assert local.date() == datetime(2027, 3, 2).date() and 8 <= local.hour < 12


def test_stop_leaves_the_form() -> None:
    state = at_step(ASK_VISIT_TYPE)
    result, messages = validate("stop", state)
    after = BookingState.from_slot(result[APPT_STATE])
    assert after is not None and after.outcome == STOPPED
    assert messages[0]["text"].startswith("OK, I've stopped.")
    required = run(form.ValidateAppointmentForm().required_slots(
        [APPT_ANSWER], CollectingDispatcher(), answer("stop", result[APPT_STATE]), {}))
    assert required == []
    assert ask(result[APPT_STATE]) == []


def test_while_booking_goes_on_the_answer_slot_is_still_required() -> None:
    required = run(form.ValidateAppointmentForm().required_slots(
        [APPT_ANSWER], CollectingDispatcher(), answer("x", at_step(ASK_VISIT_TYPE)), {}))
    assert required == [APPT_ANSWER]


def test_a_clinic_question_mid_form_is_not_taken_as_the_answer() -> None:
    # Left unextracted, so the form rejects and the FAQ rule answers, then resumes the form.
    state = at_step(ASK_VISIT_TYPE)
    extracted = run(form.ValidateAppointmentForm().extract_appt_answer(
        CollectingDispatcher(), answer("what are your opening hours?", state,
                                       intent="ask_clinic_info"), {}))
    assert extracted == {}


def test_a_clinic_intent_that_answers_the_question_is_still_taken() -> None:
    state = at_step(ASK_VISIT_TYPE)
    extracted = run(form.ValidateAppointmentForm().extract_appt_answer(
        CollectingDispatcher(), answer("a follow-up visit", state, intent="ask_clinic_info"),
        {}))
    assert extracted == {APPT_ANSWER: "a follow-up visit"}


def test_asking_for_a_person_at_the_reason_step_is_not_the_reason() -> None:
    state = at_step(ASK_REASON, visit_type="follow_up")
    extracted = run(form.ValidateAppointmentForm().extract_appt_answer(
        CollectingDispatcher(), answer("can I talk to someone", state, intent="request_human"),
        {}))
    assert extracted == {}


def test_a_red_flag_mid_booking_gets_911_and_ends_the_booking(side_effects) -> None:
    result, messages = validate("book me in, I've got crushing chest pain and I'm sweating",
                                at_step(ASK_REASON, visit_type="follow_up"))
    assert messages[0]["text"].startswith("Call 911")
    after = BookingState.from_slot(result[APPT_STATE])
    assert after is not None and after.outcome == EMERGENCY
    assert [r.value for r in side_effects["escalations"]] == ["emergency"]
