"""``action_safety_screen`` without servers: tracker fixtures in, messages and events out."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.safety.gate import ActionSafetyScreen
from tests.actions.helpers import make_tracker, record_side_effects


@pytest.fixture
def side_effects(monkeypatch) -> dict[str, list[Any]]:
    return record_side_effects(monkeypatch, with_summary=True)


def run(tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSafetyScreen().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def texts(messages: list[dict]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


INTERVIEW = {"triage_complaint": "I have a bad headache", "triage_answers": {"q_age": "40"},
             "triage_age": 40.0, "triage_asked": ["q_age", "q_severity"],
             "triage_question": "q_severity"}


def test_a_red_flag_typed_at_the_severity_question_gets_911_and_leaves_the_form(
        side_effects) -> None:
    tracker = make_tracker("9, and now I can't move my right arm and my speech is slurred",
                           intent="inform", slots=INTERVIEW, active_loop="triage_form")
    messages, events = run(tracker)
    assert messages and messages[0]["text"].startswith("Call 911")
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events]
    cleared = {e["name"] for e in events if e.get("event") == "slot" and e.get("value") is None}
    assert {"triage_complaint", "triage_answers", "appt_state", "requested_slot"} <= cleared
    assert side_effects["audits"] and side_effects["audits"][0]["screen"]["gate"] == "emergency"
    assert side_effects["escalations"][0][0].value == "emergency"


def test_context_from_the_interview_counts(side_effects) -> None:
    slots = {**INTERVIEW, "triage_complaint": "pressure in my chest since lunch"}
    tracker = make_tracker("it's going down my left arm and I'm sweating", intent="inform",
                           slots=slots, active_loop="triage_form")
    messages, _ = run(tracker)
    assert "911" in texts(messages)


def test_an_ordinary_answer_passes_silently(side_effects) -> None:
    tracker = make_tracker("about 6", intent="inform", slots=INTERVIEW,
                           active_loop="triage_form")
    assert run(tracker) == ([], [])
    assert side_effects["audits"] == [] and side_effects["escalations"] == []


def test_someone_else_unresponsive_gets_bystander_instructions(side_effects) -> None:
    tracker = make_tracker("my wife passed out and now she's breathing weird and won't really "
                           "respond", intent="goodbye")
    messages, _ = run(tracker)
    assert messages[0]["text"].startswith("Call 911")
    assert "speaker" in texts(messages)


def test_indirect_suicidal_language_gets_988(side_effects) -> None:
    tracker = make_tracker("I've been giving away my stuff and writing letters to my family. "
                           "I won't be around much longer", intent="out_of_scope")
    messages, _ = run(tracker)
    assert "988" in texts(messages)
    assert side_effects["escalations"][0][0].value == "crisis"


def test_spanish_emergency_in_spanish(side_effects) -> None:
    messages, events = run(make_tracker("mi esposo no responde y no respira bien",
                                        intent="goodbye"))
    assert messages[0]["text"].startswith("Llame al 911")
    assert side_effects["escalations"][0][1].language == "es"
    assert events


def test_other_spanish_gets_a_spanish_reply_with_a_person(side_effects) -> None:
    messages, events = run(make_tracker("hola, necesito ayuda con mi cita por favor",
                                        intent="greet"))
    assert messages and "persona" in texts(messages)
    assert any(m.get("buttons") for m in messages)
    assert events == [] and side_effects["escalations"] == []


def test_button_payloads_are_not_screened(side_effects) -> None:
    assert run(make_tracker("/report_symptoms", intent="report_symptoms")) == ([], [])


def test_while_paused_an_emergency_still_gets_911(side_effects) -> None:
    tracker = make_tracker("my chest is crushing and I can't breathe", intent="inform")
    tracker.paused = True
    messages, _ = run(tracker)
    assert messages[0]["text"].startswith("Call 911")
