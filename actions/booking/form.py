"""Appointment form: thin Rasa adapter over actions.core.booking.dialogue.

One state slot (``appt_state``) holds the pure state machine's data; one answer slot
(``appt_answer``) is requested again and again until the state machine has an outcome — the same
pattern as the symptom interview. Every answer is screened for red flags first: "book me in, I've
got crushing chest pain" gets the 911 message, not a slot.

A clinic question in the middle (``ask_clinic_info`` that the FAQ can answer and that is not an
answer to the current question) is left unextracted, so the form rejects and the rules answer it
and resume the form (data/rules/appointments.yml).
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import settings
from actions.booking import lookup_guard
from actions.core.booking import dialogue
from actions.core.booking.state import ASK_REASON, EMERGENCY, HANDOFF, BookingState
from actions.core.escalation.model import Reason
from actions.core.faq.answer import decide, default_retriever
from actions.core.privacy import conversation_log_fields
from actions.core.scheduling.clinic import ClinicConfig, load_clinic
from actions.core.scheduling.sqlite_store import (
    SqliteAppointmentStore,
    clock_from_setting,
    default_store_path,
)
from actions.escalation import service as escalation_service
from actions.safety.net import screen_and_reply
from actions.slots import APPT_ANSWER, APPT_OUTCOME, APPT_STATE, REQUESTED_SLOT, TRIAGE_SUMMARY
from actions.tracker_read import latest_entities, latest_intent, latest_text

log = logging.getLogger(__name__)

TASK_ENTITY = "appt_task"
SAME_DAY_TASK = "same_day"
PHONE_CHANNELS = ("twilio_sms", "twilio_whatsapp")
INTERRUPTING_INTENTS = ("ask_clinic_info", "request_human")


@lru_cache(maxsize=1)
def clinic() -> ClinicConfig:
    return load_clinic()


@lru_cache(maxsize=1)
def store() -> SqliteAppointmentStore:
    """One store per action-server process: PostgreSQL when SCHEDULING_DB_URL is set (several
    action servers share it), else the embedded SQLite file (created on first use)."""
    current = settings.current()
    clock = clock_from_setting(current.clinic_now)
    if current.scheduling_db_url:
        if not current.scheduling_db_url.startswith(("postgresql://", "postgres://")):
            raise ValueError("SCHEDULING_DB_URL must be a postgresql:// URL")
        # Imported here: the SQLite default never needs the PostgreSQL driver.
        from actions.booking.postgres_store import PostgresAppointmentStore
        return PostgresAppointmentStore(current.scheduling_db_url, clinic(), clock)
    return SqliteAppointmentStore(default_store_path(current.scheduling_db), clinic(), clock)


_clock = clock_from_setting(settings.current().clinic_now)


def context(tracker: Tracker) -> dialogue.BookingContext:
    channel = tracker.get_latest_input_channel()
    # SMS/WhatsApp sender ids are already pseudonyms of the number: the store keeps a hash of it,
    # which links the booking to the phone without the number itself.
    phone = tracker.sender_id if channel in PHONE_CHANNELS else None
    return dialogue.BookingContext(store(), clinic(), _clock(), phone,
                                   conversation_id=tracker.sender_id,
                                   guard=lookup_guard.guard())


def _wants_same_day(tracker: Tracker) -> bool:
    return any(e.get("entity") == TASK_ENTITY and e.get("value") == SAME_DAY_TASK
               for e in latest_entities(tracker))


def _is_topic_switch(state: BookingState, tracker: Tracker, ctx: dialogue.BookingContext) -> bool:
    """A clinic question or a request for a person that is not an answer to our question."""
    text = latest_text(tracker)
    intent = latest_intent(tracker)
    if intent not in INTERRUPTING_INTENTS or text.startswith("/"):
        return False
    if intent == "request_human":
        # The free-text reason would swallow "can I talk to someone": ask the words, not the step.
        return state.step == ASK_REASON or not dialogue.accepts(state, text, ctx)
    if dialogue.accepts(state, text, ctx):
        return False
    return decide(text, default_retriever()).kind == "answer"


class ValidateAppointmentForm(FormValidationAction):
    def name(self) -> str:
        return "validate_appointment_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        state = BookingState.from_slot(tracker.get_slot(APPT_STATE))
        return [] if state is not None and state.outcome else [APPT_ANSWER]

    async def extract_appt_answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        state = BookingState.from_slot(tracker.get_slot(APPT_STATE))
        requested = tracker.get_slot(REQUESTED_SLOT) == APPT_ANSWER
        if state is None:
            # The message that opened the form ("I need to move my appointment") says what to do.
            return {APPT_ANSWER: latest_text(tracker) or "/manage_appointment"}
        if not requested:
            return {}
        ctx = await asyncio.to_thread(context, tracker)
        if await asyncio.to_thread(_is_topic_switch, state, tracker, ctx):
            log.info("appointment form interrupted", extra=conversation_log_fields(
                tracker.sender_id, intent=latest_intent(tracker), step=state.step))
            return {}
        return {APPT_ANSWER: latest_text(tracker)}

    async def validate_appt_answer(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value or "")
        state = BookingState.from_slot(tracker.get_slot(APPT_STATE))
        if await screen_and_reply(dispatcher, tracker):
            # A red flag or crisis words: the safety message has been sent; booking stops.
            done = state or BookingState()
            done.outcome = EMERGENCY
            return {APPT_ANSWER: None, APPT_STATE: done.to_slot()}
        ctx = await asyncio.to_thread(context, tracker)
        if state is None:
            same_day = _wants_same_day(tracker)
            summary = tracker.get_slot(TRIAGE_SUMMARY) or {}
            complaint = summary.get("complaint") if same_day else None
            # The opener's details (day, time, reason, who, clinician...) fill the form at once.
            opened, replies = await asyncio.to_thread(dialogue.start, text, ctx, same_day,
                                                      complaint)
            state = opened
        else:
            replies = await asyncio.to_thread(dialogue.handle, state, text, ctx)
        for reply in replies:
            dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
        log.info("appointment step", extra=conversation_log_fields(
            tracker.sender_id, task=state.task, step=state.step, failures=state.failures,
            outcome=state.outcome))
        return {APPT_ANSWER: None, APPT_STATE: state.to_slot()}


class ActionAskApptAnswer(Action):
    """Asks whatever the booking state machine wants to know next."""

    def name(self) -> str:
        return "action_ask_appt_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        state = BookingState.from_slot(tracker.get_slot(APPT_STATE))
        if state is None:
            return []
        ctx = await asyncio.to_thread(context, tracker)
        reply = await asyncio.to_thread(dialogue.prompt, state, ctx)
        if reply is not None:
            dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
        return []


class ActionAppointmentResult(Action):
    """After the form: hand dead ends to a person, then clear the booking state."""

    def name(self) -> str:
        return "action_appointment_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        state = BookingState.from_slot(tracker.get_slot(APPT_STATE))
        outcome = state.outcome if state else None
        if outcome == HANDOFF:
            await escalation_service.escalate(dispatcher, tracker, Reason.SCHEDULING_DEAD_END)
        log.info("appointment finished", extra=conversation_log_fields(
            tracker.sender_id, task=state.task if state else None, outcome=outcome))
        return [SlotSet(APPT_STATE, None), SlotSet(APPT_ANSWER, None),
                SlotSet(APPT_OUTCOME, outcome)]
