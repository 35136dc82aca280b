"""``action_triage_result`` without servers: the rules decide 911 alone, a stopped interview says
so, and a self-care result carries one disposition and the not-a-clinician line. The audit store,
the staff queue and the LLM are fakes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.core.triage.messages import NOT_A_CLINICIAN, PLAIN_DISPOSITION
from actions.llm.fake import FakeLLM
from actions.slots import (
    HANDOFF_REASON,
    TRIAGE_AGE,
    TRIAGE_ANSWER,
    TRIAGE_ANSWERS,
    TRIAGE_ASKED,
    TRIAGE_COMPLAINT,
    TRIAGE_DISPOSITION,
    TRIAGE_FORM,
    TRIAGE_QUESTION,
    TRIAGE_STOPPED,
    TRIAGE_SUMMARY,
)
from actions.triage import audit_store
from actions.triage import service as triage_service
from actions.triage.result import STOPPED_TEXT, ActionTriageResult
from tests.actions.helpers import make_tracker, record_side_effects

INTERVIEW_SLOTS = {TRIAGE_COMPLAINT, TRIAGE_ANSWER, TRIAGE_ANSWERS, TRIAGE_ASKED, TRIAGE_QUESTION,
                   TRIAGE_AGE, TRIAGE_STOPPED}
SELF_CARE_LLM = json.dumps({"facts": ["sore throat", "runny nose"],
                            "suggested_disposition": "self_care",
                            "explanation": "A sore throat with a runny nose is usually a cold."})


@pytest.fixture
def side_effects(monkeypatch) -> dict[str, list[Any]]:
    return record_side_effects(monkeypatch, with_summary=True)


@pytest.fixture
def llm(monkeypatch) -> FakeLLM:
    fake = FakeLLM([SELF_CARE_LLM], cycle=True)
    monkeypatch.setattr(triage_service, "_backend", fake)
    monkeypatch.setattr(triage_service, "_backend_ready", True)
    return fake


def run(tracker) -> tuple[list[str], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionTriageResult().run(dispatcher, tracker, {}))
    return [m.get("text") or "" for m in dispatcher.messages], events


def cleared(events: list[dict]) -> set[str]:
    return {e["name"] for e in events if e.get("event") == "slot" and e.get("value") is None}


def slot_values(events: list[dict]) -> dict[str, Any]:
    """The last value each slot is set to (later events win, as in Rasa)."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def disposition_phrases(texts: list[str]) -> list[str]:
    joined = " ".join(texts)
    return [p for p in PLAIN_DISPOSITION.values() if p in joined]


EMERGENCY = {TRIAGE_COMPLAINT: "crushing chest pain going down my left arm and I'm sweating",
             TRIAGE_AGE: 58.0, TRIAGE_ANSWERS: {"q_age": "58.0"}, TRIAGE_ASKED: ["q_age"]}


def test_an_emergency_by_the_rules_gets_911_first_staff_alert_and_audit(side_effects,
                                                                        llm) -> None:
    texts, events = run(make_tracker("58", intent="inform", slots=EMERGENCY,
                                     active_loop=TRIAGE_FORM))
    assert texts and texts[0].startswith("Call 911")
    assert len(side_effects["escalations"]) == 1
    reason, summary = side_effects["escalations"][0]
    assert reason.value == "emergency"
    assert summary.chief_complaint == EMERGENCY[TRIAGE_COMPLAINT]
    assert len(side_effects["audits"]) == 1
    record = side_effects["audits"][0]
    assert record["inputs"]["answers"] == {"q_age": "58.0"}
    assert record["screen"]["gate"] == "emergency"
    assert INTERVIEW_SLOTS <= cleared(events)
    assert slot_values(events)[TRIAGE_DISPOSITION] == "emergency"
    # The 911 reply is the whole answer: no second disposition phrase after it.
    assert disposition_phrases(texts) == [PLAIN_DISPOSITION["emergency"]]
    assert " ".join(texts).count(PLAIN_DISPOSITION["emergency"]) == 1
    assert llm.calls == []  # the model is not consulted at emergency


def test_a_stopped_interview_says_so_and_clears_the_state(side_effects, llm) -> None:
    slots = {TRIAGE_COMPLAINT: "a rash on my arm", TRIAGE_STOPPED: True,
             TRIAGE_ASKED: ["q_age"], TRIAGE_ANSWERS: {}}
    texts, events = run(make_tracker("stop", intent="inform", slots=slots))
    assert texts == [STOPPED_TEXT]
    assert "911" in texts[0] and "988" in texts[0]
    assert cleared(events) == INTERVIEW_SLOTS
    assert side_effects["audits"] == [] and side_effects["escalations"] == []
    assert llm.calls == []


SELF_CARE = {TRIAGE_COMPLAINT: "sore throat and runny nose for two days", TRIAGE_AGE: 30.0,
             TRIAGE_ANSWERS: {"q_age": "30.0", "cold_breath": "no", "cold_swallow": "no",
                              "q_severity": "3"},
             TRIAGE_ASKED: ["q_age", "cold_breath", "cold_swallow", "q_severity"],
             TRIAGE_QUESTION: "q_severity"}


def test_a_self_care_case_gets_one_disposition_and_the_not_a_clinician_line(side_effects,
                                                                            llm) -> None:
    texts, events = run(make_tracker("3", intent="inform", slots=SELF_CARE,
                                     active_loop=TRIAGE_FORM))
    assert disposition_phrases(texts) == [PLAIN_DISPOSITION["self_care"]]
    assert texts[-1] == NOT_A_CLINICIAN
    assert not texts[0].startswith("Call 911")
    assert len(llm.calls) == 1
    assert len(side_effects["audits"]) == 1
    record = side_effects["audits"][0]
    assert record["inputs"]["answers"] == SELF_CARE[TRIAGE_ANSWERS]
    assert record["final_disposition"] == "self_care"
    assert side_effects["escalations"] == []
    values = slot_values(events)
    assert values[TRIAGE_DISPOSITION] == "self_care"
    assert values[TRIAGE_SUMMARY]["complaint"] == SELF_CARE[TRIAGE_COMPLAINT]
    assert values[HANDOFF_REASON] is None
    assert INTERVIEW_SLOTS <= cleared(events)


def test_a_broken_audit_store_does_not_cost_the_patient_the_answer(monkeypatch, llm) -> None:
    async def broken(record: dict) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(audit_store, "append", broken)
    texts, _ = run(make_tracker("3", intent="inform", slots=SELF_CARE))
    assert disposition_phrases(texts) == [PLAIN_DISPOSITION["self_care"]]
