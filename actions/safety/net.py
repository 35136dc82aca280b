"""Fallback and out-of-scope replies that first screen the words for red flags and crisis.

Why: a patient in danger may not phrase it as a symptom report ("i just want it all to end",
"my dad collapsed"), and NLU might file it as out of scope or low confidence. The screening gate
(bot/safety_gate.py) already screens every message before NLU's guess is acted on; these actions
screen once more through the same path (actions/safety/gate.py), so an emergency or crisis gets
the 911 / 988 reply and an audit record instead of "I didn't understand" even if the gate's call
was skipped.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, UserUtteranceReverted, UserUttered
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.core.booking.services import unsupported
from actions.core.booking.understand import asks_for_visit
from actions.core.escalation.model import Reason
from actions.core.menu import DIDNT_UNDERSTAND, MENU_BUTTONS, OUT_OF_SCOPE
from actions.core.privacy import conversation_log_fields
from actions.escalation import service as escalation_service
from actions.safety.gate import screen_and_reply
from actions.tracker_read import active_form, latest_intent, latest_text
from actions.triage import service as triage_service

log = logging.getLogger(__name__)


def describes_symptoms(tracker: Tracker) -> bool:
    text = latest_text(tracker)
    if not text or text.startswith("/"):
        return False
    return bool(triage_service.rule_screen(text).facts.present)


def asks_for_booking(tracker: Tracker) -> bool:
    """The words ask for a visit or a time, or for a service we don't offer (the booking
    conversation says so and lists what we do)."""
    text = latest_text(tracker)
    if not text or text.startswith("/") or active_form(tracker):
        return False
    return asks_for_visit(text) or unsupported(text) is not None


def reroute_to_booking(tracker: Tracker) -> list[dict[str, Any]]:
    """Replay the message as an appointment request ("appt on the 10th?" that NLU did not place),
    the same way as ``reroute_to_symptom_check``: the rules then start the appointment form with
    this message as its opener."""
    return _replay(tracker, "manage_appointment")


def reroute_to_symptom_check(tracker: Tracker) -> list[dict[str, Any]]:
    """Replay the patient's message as a symptom report.

    NLU sometimes files "my 2 year old has had diarrhoea since this morning" under a clinic
    question or as not understood; the words say otherwise. The same mechanism as Rasa's
    two-stage fallback: revert the user turn and log it again with the intent the symptom NLP
    found, so the rules start the symptom check with this message as the complaint."""
    return _replay(tracker, "report_symptoms")


def _replay(tracker: Tracker, intent: str) -> list[dict[str, Any]]:
    text = latest_text(tracker)
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 1.0},
                  "intent_ranking": [{"name": intent, "confidence": 1.0}],
                  "entities": []}
    log.info("rerouted", extra=conversation_log_fields(
        tracker.sender_id, nlu_intent=latest_intent(tracker), to=intent))
    return [UserUtteranceReverted(), ActionExecuted("action_listen"),
            UserUttered(text, parse_data=parse_data,
                        input_channel=tracker.get_latest_input_channel())]


class ActionSafeFallback(Action):
    """Low NLU confidence or an unexpected turn."""

    def name(self) -> str:
        return "action_safe_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        if active_form(tracker):
            # Mid-form (e.g. "3" or "idk" as an answer): the form takes the text as the answer
            # and carries on right after this action, so stay silent.
            return []
        handled = await screen_and_reply(dispatcher, tracker)
        if handled is not None:
            return handled
        if asks_for_booking(tracker):
            return reroute_to_booking(tracker)
        if describes_symptoms(tracker):
            return reroute_to_symptom_check(tracker)
        if _fallback_before(tracker):
            # Twice in a row: a person will do better than a third "didn't understand".
            dispatcher.utter_message(text="Sorry, I'm still not understanding.")
            await escalation_service.escalate(dispatcher, tracker, Reason.REPEATED_FALLBACK)
            return []
        dispatcher.utter_message(text=DIDNT_UNDERSTAND, buttons=MENU_BUTTONS)
        return []


def _fallback_before(tracker: Tracker) -> bool:
    """Whether the previous patient message also ended in this fallback."""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    if len(users) < 2:
        return False
    between = tracker.events[users[-2] + 1:users[-1]]
    return any(e.get("event") == "action" and e.get("name") == "action_safe_fallback"
               for e in between)


class ActionSafeOutOfScope(Action):
    def name(self) -> str:
        return "action_safe_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        handled = await screen_and_reply(dispatcher, tracker)
        if handled is not None:
            return handled
        if asks_for_booking(tracker):
            return reroute_to_booking(tracker)
        if describes_symptoms(tracker):
            return reroute_to_symptom_check(tracker)
        dispatcher.utter_message(text=OUT_OF_SCOPE, buttons=MENU_BUTTONS)
        return []
