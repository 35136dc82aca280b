import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.safety.net import ActionSafeFallback, ActionSafeOutOfScope
from actions.triage import audit_store
from tests.actions.helpers import make_tracker


@pytest.fixture
def audits(monkeypatch) -> list[dict]:
    records: list[dict] = []

    async def fake_append(record: dict) -> None:
        records.append(record)

    monkeypatch.setattr(audit_store, "append", fake_append)
    return records


def run(action, tracker) -> list[str]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return [m.get("text") or "" for m in dispatcher.messages]


def test_fallback_on_a_crisis_message_gives_988_and_audits(audits) -> None:
    texts = run(ActionSafeFallback(), make_tracker("i want to kill myself tonight",
                                                   intent="nlu_fallback"))
    assert "988" in texts[0]
    assert len(audits) == 1 and audits[0]["crisis"] is True


def test_out_of_scope_emergency_gets_911(audits) -> None:
    texts = run(ActionSafeOutOfScope(), make_tracker("my husband collapsed and is not breathing",
                                                     intent="out_of_scope"))
    assert texts[0].startswith("Call 911 now")


def test_harmless_out_of_scope_gets_the_menu(audits) -> None:
    texts = run(ActionSafeOutOfScope(), make_tracker("tell me a joke", intent="out_of_scope"))
    assert texts == ["Sorry, I can't help with that. I can answer questions about the clinic, "
                     "help with appointments, or check symptoms."]
    assert audits == []


def test_idioms_are_not_crisis(audits) -> None:
    texts = run(ActionSafeFallback(), make_tracker("this queue is killing me lol",
                                                   intent="nlu_fallback"))
    assert "988" not in " ".join(texts)


def test_fallback_stays_silent_inside_the_symptom_form(audits) -> None:
    assert run(ActionSafeFallback(), make_tracker("7", intent="nlu_fallback",
                                                  active_loop="triage_form")) == []


@pytest.mark.parametrize("text, intent", [
    ("appt on the 17th?", "nlu_fallback"), ("chekup for me please", "nlu_fallback"),
    ("do you have a chiropractor I can book", "out_of_scope"),
])
def test_a_request_for_a_visit_nlu_missed_is_replayed_as_a_booking(audits, text, intent) -> None:
    dispatcher = CollectingDispatcher()
    action = ActionSafeFallback() if intent == "nlu_fallback" else ActionSafeOutOfScope()
    events = asyncio.run(action.run(dispatcher, make_tracker(text, intent=intent), {}))
    assert dispatcher.messages == []
    replayed = [e for e in events if e.get("event") == "user"]
    assert replayed and replayed[0]["parse_data"]["intent"]["name"] == "manage_appointment"
    assert replayed[0]["text"] == text


def test_a_plain_unknown_message_is_not_replayed_as_a_booking(audits) -> None:
    events = asyncio.run(ActionSafeFallback().run(
        CollectingDispatcher(), make_tracker("purple monkey dishwasher", intent="nlu_fallback"),
        {}))
    assert not [e for e in events if e.get("event") == "user"]
