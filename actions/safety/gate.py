"""``action_safety_screen``: the action-server half of the screening gate (thin adapter).

The Rasa process calls this action before anything else on every patient message
(``bot/safety_gate.py``), with a small tracker: the message, the conversation's channel and the
interview slots. The decision is pure (``actions.core.safety.gate``); this module turns it into
messages, the staff alert, the audit record and the events that leave the current form.

It is also the one emergency-response path: the safety net's fallbacks and the triage result use
``respond_to_emergency`` too, so the 911 / 988 reply, the top-priority queue entry and the audit
record are written once.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.core.escalation.model import Reason, Summary
from actions.core.privacy import conversation_hash, conversation_log_fields
from actions.core.safety import gate
from actions.core.safety.spanish import TALK_TO_PERSON_ES
from actions.core.triage.audit import build_record
from actions.escalation import service as escalation_service
from actions.log_setup import frames
from actions.slots import (
    APPT_ANSWER,
    APPT_STATE,
    HANDOFF_REASON,
    REQUESTED_SLOT,
    TRIAGE_CRISIS,
    TRIAGE_DISPOSITION,
    TRIAGE_FORM,
    TRIAGE_SUMMARY,
)
from actions.tracker_read import active_form, latest_text
from actions.triage import audit_store
from actions.triage.state import INTERVIEW_SLOTS, state_from_tracker

log = logging.getLogger(__name__)

APPOINTMENT_SLOTS = (APPT_STATE, APPT_ANSWER)
PERSON_BUTTON_ES = [{"title": TALK_TO_PERSON_ES, "payload": "/request_human"}]


def screening_context(tracker: Tracker) -> tuple[str, float | None]:
    """What this conversation already said about the problem: the interview's complaint and
    free-text answers while the symptom check is running, and the age it was given."""
    if active_form(tracker) != TRIAGE_FORM:
        return "", None
    state = state_from_tracker(tracker)
    if not state.complaint or state.complaint == "stopped":
        return "", state.age_years
    return state.narrative(), state.age_years


def leave_forms() -> list[dict[str, Any]]:
    """Events that end whatever form was running: 911 / 988 is the last word of this turn."""
    return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None),
            *[SlotSet(name, None) for name in (*INTERVIEW_SLOTS, *APPOINTMENT_SLOTS)]]


def _audit_subject(decision: gate.GateDecision) -> Any:
    if decision.assessment is not None:
        return decision.assessment
    # Spanish patterns: the findings are the extracted facts (never the raw message).
    return SimpleNamespace(
        facts=SimpleNamespace(present=list(decision.red_flags), absent=[]),
        fired=list(decision.red_flags), red_flags=list(decision.red_flags),
        disposition=decision.disposition, crisis=decision.crisis)


async def respond_to_emergency(dispatcher: CollectingDispatcher, tracker: Tracker,
                               decision: gate.GateDecision, complaint: str,
                               answers: dict[str, str] | None = None,
                               onset: str | None = None,
                               severity: str | None = None) -> list[dict[str, Any]]:
    """Send the 911 / 988 reply, alert staff in the background, write the audit record; return
    the events that leave the current form and remember the result for staff. The one
    emergency-response path: the gate, the safety-net fallbacks and the symptom interview's
    result all come here."""
    for line in decision.lines:
        dispatcher.utter_message(text=line)
    reason = Reason.CRISIS if decision.crisis else Reason.EMERGENCY
    chief_complaint = complaint[:300]
    red_flags = list(decision.red_flags)
    facts = {"complaint": chief_complaint, "onset": onset, "severity": severity,
             "red_flags": red_flags, "disposition": decision.disposition}
    summary = Summary(reason=reason, chief_complaint=chief_complaint, onset=onset,
                      severity=severity, red_flags=red_flags, disposition=decision.disposition,
                      channel=escalation_service.channel_of(tracker),
                      language=decision.language)
    # Staff are alerted in the background: the 911/988 message never waits for the queue.
    escalation_service.escalate_in_background(tracker, reason, summary)
    record = build_record(conversation_hash(tracker.sender_id), _audit_subject(decision), None,
                          answers=answers, channel=escalation_service.channel_of(tracker))
    record["screen"] = {"gate": decision.kind, "language": decision.language,
                        "about_other": decision.about_other}
    try:
        await audit_store.append(record)
    except Exception as exc:  # the patient's reply must not depend on the audit store
        log.error("audit write failed", extra=conversation_log_fields(
            tracker.sender_id, error=type(exc).__name__))
    log.info("safety gate fired", extra=conversation_log_fields(
        tracker.sender_id, disposition=decision.disposition, crisis=decision.crisis,
        language=decision.language, about_other=decision.about_other))
    return [*leave_forms(), SlotSet(TRIAGE_DISPOSITION, decision.disposition),
            SlotSet(TRIAGE_CRISIS, decision.crisis), SlotSet(TRIAGE_SUMMARY, facts),
            SlotSet(HANDOFF_REASON, None)]


async def screen_and_reply(dispatcher: CollectingDispatcher, tracker: Tracker,
                           context: str = "",
                           age: float | None = None) -> list[dict[str, Any]] | None:
    """Screen the latest message; if the gate must answer, answer and return its events."""
    text = latest_text(tracker)
    if not text or text.startswith("/"):
        return None
    decision = gate.decide(text, context=context, age=age,
                           clinic_phone=escalation_service.CLINIC_PHONE)
    if decision.fired:
        complaint = f"{context} {text}".strip() if context else text
        return await respond_to_emergency(dispatcher, tracker, decision, complaint)
    if decision.kind == gate.SPANISH:
        lines = list(decision.lines)
        for i, line in enumerate(lines):
            dispatcher.utter_message(text=line,
                                     buttons=PERSON_BUTTON_ES if i == len(lines) - 1 else None)
        log.info("spanish reply", extra=conversation_log_fields(tracker.sender_id))
        return []
    return None


class ActionSafetyScreen(Action):
    """Run by the Rasa process before every turn; silent unless the gate must answer."""

    def name(self) -> str:
        return "action_safety_screen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        try:
            context, age = screening_context(tracker)
            events = await screen_and_reply(dispatcher, tracker, context=context, age=age)
        except Exception as exc:
            # Logged with where it happened (never values: they may hold the patient's words);
            # re-raised so the Rasa process falls back to its own pattern list.
            log.error("safety screen failed", extra=conversation_log_fields(
                tracker.sender_id, error=type(exc).__name__, at=frames(exc)))
            raise
        return events or []
