"""``action_greet`` and ``action_goodbye`` without servers: tracker fixtures in, messages out."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.core.menu import GOODBYE, GREETING_FIRST, GREETING_RETURNING, MENU_BUTTONS
from actions.greeting import ActionGoodbye, ActionGreet
from actions.slots import APPOINTMENT_FORM, CONSENT_SHOWN, TRIAGE_FORM
from tests.actions.helpers import make_tracker


def run(action, tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_first_time_patient_gets_the_full_notice_and_the_menu() -> None:
    messages, events = run(ActionGreet(), make_tracker("hi", intent="greet"))
    assert len(messages) == 1
    assert messages[0]["text"] == GREETING_FIRST
    assert "not a clinician" in messages[0]["text"] and "911" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == [b["payload"] for b in MENU_BUTTONS]
    assert events == [{"event": "slot", "timestamp": None, "name": CONSENT_SHOWN, "value": True}]


def test_returning_patient_gets_the_shorter_welcome_that_still_has_the_notice() -> None:
    messages, events = run(ActionGreet(), make_tracker("hello again", intent="greet",
                                                       slots={CONSENT_SHOWN: True}))
    text = messages[0]["text"]
    assert text == GREETING_RETURNING and text != GREETING_FIRST
    assert "not a clinician" in text and "911" in text
    assert {b["payload"] for b in messages[0]["buttons"]} == {
        "/ask_clinic_info", "/manage_appointment", "/report_symptoms"}
    assert [(e["name"], e["value"]) for e in events] == [(CONSENT_SHOWN, True)]


def test_goodbye_outside_a_form_says_goodbye_with_911() -> None:
    messages, events = run(ActionGoodbye(), make_tracker("bye", intent="goodbye"))
    assert [m["text"] for m in messages] == [GOODBYE]
    assert "911" in messages[0]["text"]
    assert events == []


def test_goodbye_during_booking_still_says_goodbye() -> None:
    messages, _ = run(ActionGoodbye(), make_tracker("bye", intent="goodbye",
                                                    active_loop=APPOINTMENT_FORM))
    assert [m["text"] for m in messages] == [GOODBYE]


def test_goodbye_inside_the_symptom_check_is_silent() -> None:
    # "nope, that's all" to the last interview question is the answer, not the end.
    messages, events = run(ActionGoodbye(), make_tracker("nope, that's all", intent="goodbye",
                                                         active_loop=TRIAGE_FORM))
    assert messages == [] and events == []
