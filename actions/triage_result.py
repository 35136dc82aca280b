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

from actions import audit_store, triage_service
from actions.core.privacy import conversation_hash, conversation_log_fields
from actions.core.triage.audit import build_record
from actions.triage_slots import CRISIS, DISPOSITION, INTERVIEW_SLOTS, STOPPED, state_from_tracker

log = logging.getLogger(__name__)

STOPPED_TEXT = (
    "OK, I've stopped the symptom check. If anything gets worse or you're worried, call 911 "
    "(or call or text 988 if you're thinking about harming yourself)."
)


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
        if tracker.get_slot(STOPPED):
            dispatcher.utter_message(text=STOPPED_TEXT)
            return _reset()
        state = state_from_tracker(tracker)
        text = state.narrative()
        answers = state.rule_answers()
        assessment = triage_service.rule_screen(text, age=state.age_years, answers=answers)
        # Red flag or crisis: the instruction goes first, decided by the rules alone.
        first = triage_service.immediate_line(assessment)
        if first:
            dispatcher.utter_message(text=first)
        result = await asyncio.to_thread(
            triage_service.pre_screen, text, state.age_years, None, answers, assessment)
        for line in (result.message.details if first else result.message.all):
            dispatcher.utter_message(text=line)
        record = build_record(conversation_hash(tracker.sender_id), assessment, result.guarded,
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
        return [*_reset(), SlotSet(DISPOSITION, result.disposition),
                SlotSet(CRISIS, result.crisis)]
