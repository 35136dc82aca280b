"""``action_answer_faq`` without servers: answered with its source, "not sure" with a person, never
a medical answer from the FAQ. The audit store and the staff queue are replaced by fakes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.core.faq.answer import MEDICAL_TEXT, NOT_SURE_TEXT
from actions.faq import ASK_WHAT, ActionAnswerFaq
from actions.slots import HANDOFF_REASON, TRIAGE_FORM
from tests.actions.helpers import make_tracker, record_side_effects


@pytest.fixture(autouse=True)
def side_effects(monkeypatch) -> dict[str, list[Any]]:
    return record_side_effects(monkeypatch, with_summary=False)


def run(tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAnswerFaq().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_an_answerable_clinic_question_is_answered_with_its_source() -> None:
    messages, events = run(make_tracker("what are your opening hours?", intent="ask_clinic_info"))
    assert len(messages) == 1
    text = messages[0]["text"]
    assert "Source:" in text and "Mon" in text
    assert not messages[0].get("buttons")
    assert slot_events(events) == {HANDOFF_REASON: None}


def test_an_unanswerable_question_says_not_sure_and_offers_a_person() -> None:
    messages, events = run(make_tracker("do you offer pet grooming", intent="ask_clinic_info"))
    assert [m["text"] for m in messages] == [NOT_SURE_TEXT]
    assert "not sure" in messages[0]["text"] and "Source:" not in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_human"]
    assert slot_events(events) == {HANDOFF_REASON: "faq_unanswered"}


def test_a_medical_question_is_not_answered_from_the_faq() -> None:
    messages, events = run(make_tracker("can I take ibuprofen with my blood pressure pills?",
                                        intent="ask_clinic_info"))
    assert [m["text"] for m in messages] == [MEDICAL_TEXT]
    assert "Source:" not in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/report_symptoms"]
    assert HANDOFF_REASON not in slot_events(events)


def test_symptoms_asked_as_a_clinic_question_are_replayed_as_a_symptom_report() -> None:
    text = "is it safe to take tylenol while pregnant"
    messages, events = run(make_tracker(text, intent="ask_clinic_info"))
    assert messages == []
    assert [e["event"] for e in events] == ["rewind", "action", "user"]
    assert events[2]["text"] == text
    assert events[2]["parse_data"]["intent"]["name"] == "report_symptoms"


def test_symptoms_inside_a_form_get_the_medical_reply_not_a_replay() -> None:
    messages, events = run(make_tracker("is it safe to take tylenol while pregnant",
                                        intent="ask_clinic_info", active_loop=TRIAGE_FORM))
    assert [m["text"] for m in messages] == [MEDICAL_TEXT]
    assert all(e.get("event") != "user" for e in events)


def test_a_bare_button_payload_asks_what_they_want_to_know() -> None:
    messages, events = run(make_tracker("/ask_clinic_info", intent="ask_clinic_info"))
    assert [m["text"] for m in messages] == [ASK_WHAT]
    assert events == []


def test_an_emergency_inside_a_clinic_question_gets_911_not_an_answer(side_effects) -> None:
    messages, _ = run(make_tracker("what are your hours? my husband collapsed and isn't "
                                   "breathing", intent="ask_clinic_info"))
    assert messages[0]["text"].startswith("Call 911")
    assert all("Source:" not in (m.get("text") or "") for m in messages)
    assert [r.value for r in side_effects["escalations"]] == ["emergency"]
    assert len(side_effects["audits"]) == 1
