"""``action_handoff`` without servers: the staff queue is a fake (no Redis)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.core.escalation.model import Entry, Reason, Summary, eta_text
from actions.escalation import service as escalation_service
from actions.escalation.handoff import ActionHandoff
from actions.slots import APPT_ANSWER, APPT_STATE, HANDOFF_REASON, TRIAGE_SUMMARY
from actions.triage import audit_store
from tests.actions.helpers import make_tracker


class FakeQueue:
    """Stands in for ``_enqueue``: records what was queued; ``fail`` makes it raise like a lost
    Redis connection; ``existing`` makes the conversation already queued with that status."""

    def __init__(self) -> None:
        self.queued: list[tuple[str, Summary]] = []
        self.fail = False
        self.existing: str | None = None
        self.online = 2

    def __call__(self, conversation_id: str, summary: Summary
                 ) -> tuple[Entry, bool, int | None, int]:
        if self.fail:
            raise ConnectionError("redis is down")
        self.queued.append((conversation_id, summary))
        status = self.existing or "waiting"
        entry = Entry(conversation_id, summary, 2, 100.0, status, None, 100.0)
        return entry, self.existing is None, 1, self.online


@pytest.fixture
def fake_queue(monkeypatch) -> FakeQueue:
    fake = FakeQueue()
    monkeypatch.setattr(escalation_service, "_enqueue", fake)
    return fake


@pytest.fixture(autouse=True)
def no_side_effects(monkeypatch) -> list[Any]:
    seen: list[Any] = []

    async def fake_append(record: dict) -> None:
        seen.append(record)

    monkeypatch.setattr(audit_store, "append", fake_append)
    monkeypatch.setattr(escalation_service, "escalate_in_background",
                        lambda tracker, reason, summary=None: seen.append(reason))
    return seen


def run(tracker) -> tuple[list[str], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandoff().run(dispatcher, tracker, {}))
    return [m.get("text") or "" for m in dispatcher.messages], events


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_asking_for_a_person_queues_the_conversation_and_tells_the_patient(fake_queue) -> None:
    texts, events = run(make_tracker("can I talk to a real person", intent="request_human",
                                     sender="conv-42"))
    assert len(fake_queue.queued) == 1
    conversation, summary = fake_queue.queued[0]
    assert conversation == "conv-42"
    assert summary.reason == Reason.PATIENT_REQUEST
    assert len(texts) == 1
    assert "asked a person from the clinic team" in texts[0] and "911" in texts[0]
    assert f"It may take {eta_text(1, 2)}." in texts[0]
    assert slot_events(events) == {HANDOFF_REASON: None, APPT_STATE: None, APPT_ANSWER: None}


def test_the_remembered_reason_and_triage_summary_go_to_staff(fake_queue) -> None:
    facts = {"complaint": "fever for 4 days", "onset": "4 days", "severity": "6",
             "red_flags": [], "disposition": "urgent"}
    run(make_tracker("yes please call me", intent="request_human",
                     slots={HANDOFF_REASON: "urgent_callback", TRIAGE_SUMMARY: facts}))
    summary = fake_queue.queued[0][1]
    assert summary.reason == Reason.URGENT_CALLBACK
    assert summary.chief_complaint == "fever for 4 days"
    assert summary.disposition == "urgent"


def test_an_unknown_remembered_reason_falls_back_to_patient_request(fake_queue) -> None:
    run(make_tracker("a person please", intent="request_human",
                     slots={HANDOFF_REASON: "not-a-reason"}))
    assert fake_queue.queued[0][1].reason == Reason.PATIENT_REQUEST


def test_nobody_online_adds_the_clinic_phone(fake_queue) -> None:
    fake_queue.online = 0
    texts, _ = run(make_tracker("a person please", intent="request_human"))
    assert escalation_service.CLINIC_PHONE in texts[0]


def test_already_in_the_queue_is_told_so_not_queued_twice(fake_queue) -> None:
    fake_queue.existing = "waiting"
    texts, _ = run(make_tracker("a person please", intent="request_human"))
    assert len(texts) == 1 and "already in the queue" in texts[0]


def test_a_queue_failure_tells_the_patient_to_phone_the_clinic_with_911(fake_queue) -> None:
    fake_queue.fail = True
    texts, events = run(make_tracker("can I talk to someone", intent="request_human"))
    assert fake_queue.queued == []
    assert len(texts) == 1
    assert escalation_service.CLINIC_PHONE in texts[0] and "911" in texts[0]
    assert "asked a person" not in texts[0]
    assert slot_events(events)[HANDOFF_REASON] is None


def test_an_emergency_in_the_request_gets_911_not_the_queue_message(fake_queue,
                                                                   no_side_effects) -> None:
    texts, events = run(make_tracker("I need a person, my husband is not breathing",
                                     intent="request_human"))
    assert texts[0].startswith("Call 911")
    assert fake_queue.queued == []  # staff are alerted by the emergency path instead
    assert Reason.EMERGENCY in no_side_effects
    assert slot_events(events) == {HANDOFF_REASON: None}
