"""After the interview: the pre-screening result, its audit record, and a fresh interview state.

The 911 / 988 line is decided by the rules alone and is always the first message; the LLM (which
may only raise urgency and phrase the explanation) runs in a worker thread so the server's event
loop never blocks, and at emergency or crisis it is skipped entirely.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.core.privacy import conversation_hash, conversation_log_fields
from actions.core.safety.gate import emergency_decision
from actions.core.triage.disposition import needs_emergency_reply
from actions.core.triage.subject import detect_subject
from actions.safety.gate import respond_to_emergency
from actions.slots import (
    HANDOFF_REASON,
    TRIAGE_CRISIS,
    TRIAGE_DISPOSITION,
    TRIAGE_STOPPED,
    TRIAGE_SUMMARY,
)
from actions.triage import audit_store
from actions.triage import service as triage_service
from actions.triage.state import INTERVIEW_SLOTS, state_from_tracker

log = logging.getLogger(__name__)

STOPPED_TEXT = (
    "OK, I've stopped the symptom check. If anything gets worse or you're worried, call 911 "
    "(or call or text 988 if you're thinking about harming yourself)."
)

# An urgent result leads straight to same-day slots (or a callback from the clinic team).
URGENT_BUTTONS = [
    {"title": "Book a same-day visit", "payload": '/manage_appointment{"appt_task": "same_day"}'},
    {"title": "Ask the clinic to call me back", "payload": "/request_human"},
]


def summary_facts(complaint: str, answers: dict[str, str], disposition: str,
                  red_flags: list[str]) -> dict[str, Any]:
    """What staff see first if this conversation is escalated (and the reason for a same-day
    booking)."""
    return {"complaint": complaint[:300], "onset": answers.get("q_duration"),
            "severity": answers.get("q_severity"), "red_flags": red_flags,
            "disposition": disposition}


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(name, None) for name in INTERVIEW_SLOTS]


def _channel(tracker: Tracker) -> str | None:
    return (tracker.get_latest_input_channel() or None) if hasattr(
        tracker, "get_latest_input_channel") else None


class ActionTriageResult(Action):
    def name(self) -> str:
        return "action_triage_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if tracker.get_slot(TRIAGE_STOPPED):
            dispatcher.utter_message(text=STOPPED_TEXT)
            return _reset()
        state = state_from_tracker(tracker)
        text = state.narrative()
        answers = state.rule_answers()
        assessment = triage_service.rule_screen(text, age=state.age_years, answers=answers)
        facts = summary_facts(state.complaint, dict(state.answers or {}), assessment.disposition,
                              list(assessment.red_flags))
        if needs_emergency_reply(assessment.disposition, assessment.crisis):
            # Decided by the rules alone (the model is not consulted at emergency or crisis):
            # the same reply, staff alert and audit record as when the gate finds it.
            decision = emergency_decision(assessment, detect_subject(text).about_other)
            events = await respond_to_emergency(
                dispatcher, tracker, decision, state.complaint, answers=dict(state.answers),
                onset=facts["onset"], severity=facts["severity"])
            return [*events, *_reset()]
        result = await asyncio.to_thread(
            triage_service.pre_screen, text, state.age_years, None, answers, assessment)
        lines = list(result.message.all)
        urgent = result.disposition == "urgent" and not result.crisis
        for i, line in enumerate(lines):
            last = i == len(lines) - 1
            dispatcher.utter_message(text=line, buttons=URGENT_BUTTONS if urgent and last else None)
        facts["disposition"] = result.disposition
        record = triage_service.audit_record(conversation_hash(tracker.sender_id), result,
                                             answers=state.answers, channel=_channel(tracker))
        try:
            await audit_store.append(record)
        except Exception as exc:  # the patient's answer must not depend on the audit store
            log.error("audit write failed", extra=conversation_log_fields(
                tracker.sender_id, error=type(exc).__name__))
        log.info("triage assessed", extra=conversation_log_fields(
            tracker.sender_id, disposition=result.disposition, crisis=result.crisis,
            rules=len(assessment.fired), llm_used=result.llm_used,
            questions=len(state.asked)))
        return [*_reset(), SlotSet(TRIAGE_DISPOSITION, result.disposition),
                SlotSet(TRIAGE_CRISIS, result.crisis), SlotSet(TRIAGE_SUMMARY, facts),
                SlotSet(HANDOFF_REASON, "urgent_callback" if urgent else None)]
