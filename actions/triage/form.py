"""Symptom interview form: thin Rasa adapter over actions.core.triage.interview.

Slots hold the interview state; ``required_slots`` asks the pure state machine whether another
question is needed. One generic answer slot (``triage_answer``) is reused for every question:
it is cleared after each answer, so the form keeps asking until the state machine says done —
at once when a red flag fires.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.core.privacy import conversation_log_fields
from actions.core.triage import interview
from actions.core.triage.subject import ask_about, detect_subject
from actions.slots import (
    REQUESTED_SLOT,
    TRIAGE_AGE,
    TRIAGE_ANSWER,
    TRIAGE_ANSWERS,
    TRIAGE_ASKED,
    TRIAGE_COMPLAINT,
    TRIAGE_QUESTION,
    TRIAGE_STOPPED,
)
from actions.tracker_read import latest_intent, latest_text
from actions.triage import service as triage_service
from actions.triage.state import state_from_tracker

log = logging.getLogger(__name__)

MAX_COMPLAINT_CHARS = 1000
YES_NO_BUTTONS = [
    {"title": "Yes", "payload": "yes"},
    {"title": "No", "payload": "no"},
    {"title": "I don't know", "payload": "I don't know"},
]
DONT_KNOW_BUTTON = [{"title": "I don't know", "payload": "I don't know"}]


class ValidateTriageForm(FormValidationAction):
    def name(self) -> str:
        return "validate_triage_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if not tracker.get_slot(TRIAGE_COMPLAINT) or tracker.get_slot(TRIAGE_STOPPED):
            return [TRIAGE_COMPLAINT]
        step = interview.next_question(state_from_tracker(tracker))
        return [TRIAGE_COMPLAINT] if step.done else [TRIAGE_COMPLAINT, TRIAGE_ANSWER]

    async def extract_triage_complaint(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot(TRIAGE_COMPLAINT):
            return {}
        text = latest_text(tracker)
        requested = tracker.get_slot(REQUESTED_SLOT) == TRIAGE_COMPLAINT
        # The message that started the check often already describes the problem.
        if not text or text.startswith("/"):
            return {}
        if requested:
            return {TRIAGE_COMPLAINT: text}
        # The message that started the check often already describes the problem ("my ankle is
        # swollen"); "check my symptoms" does not, so then we ask for the complaint.
        opening = latest_intent(tracker) == "report_symptoms"
        if opening and triage_service.rule_screen(text).facts.present:
            return {TRIAGE_COMPLAINT: text}
        return {}

    async def validate_triage_complaint(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if interview.is_stop(text):
            return {TRIAGE_COMPLAINT: "stopped", TRIAGE_STOPPED: True}
        if not text:
            dispatcher.utter_message(text="Please tell me about the symptoms in a few words.")
            return {TRIAGE_COMPLAINT: None}
        return {TRIAGE_COMPLAINT: text[:MAX_COMPLAINT_CHARS]}

    async def extract_triage_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot(REQUESTED_SLOT) != TRIAGE_ANSWER:
            return {}
        return {TRIAGE_ANSWER: latest_text(tracker)}

    async def validate_triage_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if interview.is_stop(text):
            return {TRIAGE_ANSWER: "stopped", TRIAGE_STOPPED: True}
        question_id = tracker.get_slot(TRIAGE_QUESTION)
        state = state_from_tracker(tracker)
        if question_id:
            interview.record_answer(state, question_id, text)
        return {
            TRIAGE_ANSWER: None,  # cleared: the form asks the next question, if any
            TRIAGE_ANSWERS: state.answers,
            TRIAGE_AGE: state.age_years,
        }


ASK_COMPLAINT = (
    "I can check your symptoms and suggest where to get care. I'm not a clinician. If you think "
    "this is an emergency, call 911 now. In a few words, what's the main problem?"
)


class ActionAskTriageComplaint(Action):
    def name(self) -> str:
        return "action_ask_triage_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=ASK_COMPLAINT)
        return []


class ActionAskTriageAnswer(Action):
    """Asks whatever the interview state machine wants to know next."""

    def name(self) -> str:
        return "action_ask_triage_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        state = state_from_tracker(tracker)
        step = interview.next_question(state)
        if step.question_id is None:  # step.done, spelled so the type checker sees it
            return []
        builtin = step.question_id.startswith("q_")
        # "my wife passed out…": ask about her ("Is she breathing normally?"), not about "you".
        subject = detect_subject(state.complaint)
        text = ask_about(step.text or "", subject) if subject.about_other else step.text
        dispatcher.utter_message(text=text,
                                 buttons=DONT_KNOW_BUTTON if builtin else YES_NO_BUTTONS)
        log.info("triage question", extra=conversation_log_fields(
            tracker.sender_id, question=step.question_id, n=len(state.asked) + 1))
        return [SlotSet(TRIAGE_QUESTION, step.question_id),
                SlotSet(TRIAGE_ASKED, [*state.asked, step.question_id])]
